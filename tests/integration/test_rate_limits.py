"""Abuse limits: too many sign-ins or public requests from one address answer 429 in the error format."""
import pytest

from rongetong.extensions import limiter
from tests.factories import INSIDE, RUBBISH

TIGHT = {"SIGN_IN_LIMIT": "3/minute", "PUBLIC_LOOKUP_LIMIT": "3/minute", "PUBLIC_FILING_LIMIT": "2/minute"}


@pytest.fixture()
def limited(app, client):
    """The limits tightened (the suite runs with generous ones), for this test only."""
    saved = {key: app.config[key] for key in TIGHT}
    app.config.update(TIGHT)
    limiter.reset()
    yield client
    limiter.reset()
    app.config.update(saved)


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
