"""Abuse limits: too many sign-ins or public requests from one address answer 429 in the error format."""
import pytest

from config import TestConfig
from rongetong import create_app
from tests.factories import INSIDE, RUBBISH


@pytest.fixture()
def limited(app, db_session):
    """An app with the limits on (the suite's app has them off) and tight limits for the test."""
    settings = {"RATELIMIT_ENABLED": True, "SIGN_IN_LIMIT": "3/minute", "PUBLIC_LOOKUP_LIMIT": "3/minute",
                "PUBLIC_FILING_LIMIT": "2/minute", "CELERY_EAGER": True}
    return create_app(type("Limited", (TestConfig,), settings)()).test_client()


def test_sign_in_is_limited(limited):
    answers = [limited.post("/api/v1/auth/token", json={"username": "admin", "password": "guess"}) for _ in range(4)]
    assert [a.status_code for a in answers] == [401, 401, 401, 429]
    assert answers[-1].get_json()["error"]["code"] == "rate_limited"


def test_public_lookups_and_filings_are_limited(limited):
    lookups = [limited.get("/api/v1/public/cases/RE2222222222?phone_last4=1234").status_code for _ in range(4)]
    assert lookups == [404, 404, 404, 429]
    body = {"description": RUBBISH, **INSIDE, "phone": "13900001111"}
    filings = [limited.post("/api/v1/public/cases", json=body).status_code for _ in range(3)]
    assert filings == [201, 201, 429]
