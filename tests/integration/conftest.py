import re

import pytest
from sqlalchemy import select

from rongetong.demo.seed import seed_demo
from rongetong.extensions import db
from rongetong.models import Case
from tests.factories import INSIDE, RUBBISH, empty_case_tables


@pytest.fixture()
def history(app, db_session, request):
    """A fresh generated history inside this test's transaction: ``HISTORY_CASES`` of the test module
    (default 200) plus the 3 just filed; yields the cases, with an app context pushed."""
    with app.app_context():
        empty_case_tables()
        # The figures need the cases, not a routing model retrained on them (the session's model stays).
        seed_demo(cases=getattr(request.module, "HISTORY_CASES", 200), retrain=False)
        yield db.session.scalars(select(Case)).all()


@pytest.fixture()
def file_case(client, login):
    """File a case through the API (routing runs in-process) and return its JSON."""
    def _file(description=RUBBISH, where=INSIDE, username="gridworker", **extra):
        response = client.post("/api/v1/cases", json={"description": description, **where, **extra},
                               headers=login(username))
        assert response.status_code == 201, response.get_json()
        return response.get_json()
    return _file


@pytest.fixture()
def act(client, login):
    """``act(case, "accept", "handler-huanwei", version=…)`` → the response."""
    def _act(case, action, username, **body):
        return client.post(f"/api/v1/cases/{case['id']}/{action}", json=body, headers=login(username))
    return _act


@pytest.fixture()
def read(client, login):
    def _read(case, username="dispatcher"):
        return client.get(f"/api/v1/cases/{case['id']}", headers=login(username)).get_json()
    return _read


def csrf_token(html: str) -> str:
    """The CSRF token of a rendered form (Flask-WTF), as a browser would post it back."""
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def sign_in(client, username: str, password: str):
    """Sign in through the login form; the response is the redirect to the role's home."""
    token = csrf_token(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})
