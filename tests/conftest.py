"""Fixtures: the app on the real PostgreSQL (schema migrated once, reference data seeded once),
a database session rolled back after each test, and authenticated clients per role.

Unit tests under tests/unit use none of these and need no database.
"""
from __future__ import annotations

import os

import psycopg
import pytest
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy.engine import make_url
from sqlalchemy.orm import scoped_session, sessionmaker

from config import TestConfig
from rongetong import create_app
from rongetong.extensions import db

DEMO_PASSWORD = "test-password"


class IntegrationConfig(TestConfig):
    # API tests run the tasks in-process inside the test's transaction; tests/functional use a real worker.
    CELERY_EAGER = True
    DEMO_PASSWORD = DEMO_PASSWORD


def recreate_database(url: str) -> None:
    """Drop and create the test database, so every run starts from the migrations."""
    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{parsed.database}"')


@pytest.fixture(scope="session")
def app():
    from flask_migrate import upgrade

    from rongetong.demo.seed import seed_demo

    config = IntegrationConfig()
    if os.environ.get("RONGETONG_KEEP_TEST_DB") != "1":
        recreate_database(config.SQLALCHEMY_DATABASE_URI)
    app = create_app(config)
    with app.app_context():
        upgrade()
        seed_demo(cases=0)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture()
def db_session(app):
    """Each test runs inside one outer transaction that is rolled back; services' commits are savepoints.

    No app context stays pushed during the test: each request gets its own (and its own ``g``), as in
    production; a test that calls services directly pushes one with ``app.app_context()``.
    """
    with app.app_context():
        connection = db.engine.connect()
    transaction = connection.begin()
    original = db.session
    # A plain SQLAlchemy session factory, one session per app context as in Flask-SQLAlchemy:
    # Flask-SQLAlchemy's own Session would pick the engine, not this connection.
    factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
    db.session = scoped_session(factory, scopefunc=_app_ctx_id)
    try:
        yield db.session
    finally:
        with app.app_context():
            db.session.remove()
        db.session = original
        transaction.rollback()
        connection.close()


@pytest.fixture()
def client(app, db_session):
    return app.test_client()


@pytest.fixture()
def login(client):
    """``login("dispatcher")`` → headers with a bearer token for that demo user."""
    def _login(username: str) -> dict:
        response = client.post("/api/v1/auth/token", json={"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 200, response.get_json()
        return {"Authorization": f"Bearer {response.get_json()['token']}"}
    return _login


@pytest.fixture(scope="session")
def password() -> str:
    return DEMO_PASSWORD
