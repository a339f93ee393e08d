"""The real stack: the app served over HTTP on a local port, a `celery worker` process on Redis,
both on the test PostgreSQL database. Nothing is mocked; tests commit for real."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import redis
import requests
from werkzeug.serving import make_server

from config import TestConfig
from rongetong import create_app

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
QUEUES = "dispatch,review_l1,review_l2,supervision,notify"


class LiveConfig(TestConfig):
    CELERY_EAGER = False


def worker_env() -> dict:
    config = LiveConfig()
    return {**os.environ, "RONGETONG_CONFIG": "test", "TEST_DATABASE_URL": config.SQLALCHEMY_DATABASE_URI,
            "TEST_REDIS_URL": config.REDIS_URL}


class Worker:
    """A `celery worker` subprocess; its log goes to test-artifacts/ for post-mortems."""

    def __init__(self, name: str = "worker"):
        ARTIFACTS.mkdir(exist_ok=True)
        self.log_path = ARTIFACTS / f"celery-{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> Worker:
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "workers.celery_app", "worker", "-Q", QUEUES,
             "--concurrency", "1", "--pool", "prefork", "--loglevel", "INFO", "--without-gossip",
             "--without-mingle", "--hostname", f"test-{time.monotonic_ns()}@%h"],
            cwd=ROOT, env=worker_env(), stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"celery worker exited: see {self.log_path}")
            if b" ready." in self.log_path.read_bytes():
                return self
            time.sleep(0.2)
        raise RuntimeError(f"celery worker not ready in {timeout}s: see {self.log_path}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="session")
def live_app(app):
    """Depends on ``app``: the database has been migrated and seeded by then."""
    live = create_app(LiveConfig())
    redis.Redis.from_url(live.config["REDIS_URL"]).flushdb()
    return live


@pytest.fixture(scope="session")
def worker(live_app):
    w = Worker().start()
    yield w
    w.stop()


@pytest.fixture(scope="session")
def live_server(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


class Api:
    """A small HTTP client for the JSON API, as an outside client would use it."""

    def __init__(self, base: str):
        self.base = base + "/api/v1"
        self.http = requests.Session()

    def token(self, username: str, password: str) -> dict:
        r = self.http.post(f"{self.base}/auth/token", json={"username": username, "password": password})
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['token']}"}

    def get(self, path: str, headers=None, **params):
        return self.http.get(self.base + path, headers=headers, params=params, timeout=10)

    def post(self, path: str, body: dict | None = None, headers=None):
        return self.http.post(self.base + path, json=body or {}, headers=headers, timeout=10)

    def wait_for(self, path: str, headers, predicate, timeout: float = 30):
        deadline = time.monotonic() + timeout
        while True:
            body = self.get(path, headers).json()
            if predicate(body) or time.monotonic() > deadline:
                return body
            time.sleep(0.2)


@pytest.fixture()
def api(live_server):
    return Api(live_server)
