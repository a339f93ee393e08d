"""The real stack: the app served over HTTP on a local port, `celery worker` processes on Redis,
both on the test PostgreSQL database. Nothing is mocked; tests commit for real."""
from __future__ import annotations

import os
import shutil
import signal
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
from tests.factories import INSIDE

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
QUEUES = "dispatch,review_l1,review_l2,supervision,notify,reports"


def live_config(redis_db: int, **settings) -> TestConfig:
    """The test configuration with a real broker: its own Redis database, tasks never in-process."""
    base = TestConfig()
    # Runs side by side on one Redis keep apart by shifting their databases (LIVE_REDIS_DB_OFFSET=-4 → 11 and 10).
    redis_db += int(os.environ.get("LIVE_REDIS_DB_OFFSET", "0"))
    attrs = {"CELERY_EAGER": False, "REDIS_URL": base.REDIS_URL.rsplit("/", 1)[0] + f"/{redis_db}", **settings}
    return type("LiveConfig", (TestConfig,), attrs)()


class Worker:
    """A `celery worker` process group; its log goes to test-artifacts/ for post-mortems."""

    def __init__(self, config: dict, name: str, env: dict | None = None):
        ARTIFACTS.mkdir(exist_ok=True)
        self.config, self.log_path, self.extra_env = config, ARTIFACTS / f"celery-{name}.log", env or {}
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> Worker:
        env = {**os.environ, "RONGETONG_CONFIG": "test", "TEST_DATABASE_URL": self.config["SQLALCHEMY_DATABASE_URI"],
               "TEST_REDIS_URL": self.config["REDIS_URL"],
               "ROUTING_STUCK_AFTER_SECONDS": str(self.config["ROUTING_STUCK_AFTER_SECONDS"]),
               "OUTBOX_RELAY_GRACE_SECONDS": str(self.config["OUTBOX_RELAY_GRACE_SECONDS"]), **self.extra_env}
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "workers.celery_app", "worker", "-Q", QUEUES,
             "--concurrency", "1", "--loglevel", "INFO", "--without-gossip", "--without-mingle",
             "--hostname", f"test-{time.monotonic_ns()}@%h"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"celery worker exited: see {self.log_path}")
            if b" ready." in self.log_path.read_bytes()[offset:]:
                return self
            time.sleep(0.2)
        raise RuntimeError(f"celery worker not ready in {timeout}s: see {self.log_path}")

    def kill(self) -> None:
        """SIGKILL the whole process group, pool children included: a crashed machine, not a shutdown."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


class LiveServer:
    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()


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


@pytest.fixture(scope="session")
def live_app(app):
    """Depends on ``app``: the database has been migrated and seeded by then."""
    live = create_app(live_config(redis_db=15))
    redis.Redis.from_url(live.config["REDIS_URL"]).flushdb()
    return live


@pytest.fixture(scope="session")
def worker(live_app):
    w = Worker(live_app.config, "shared").start()
    yield w
    w.stop()


@pytest.fixture(scope="session")
def live_server(live_app):
    server = LiveServer(live_app)
    yield server.url
    server.stop()


@pytest.fixture()
def api(live_server):
    return Api(live_server)


# --- a real browser: Debian's Chromium driven by Playwright (no browser download) -------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-quic"]


@pytest.fixture(scope="session")
def browser():
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed: `make test` installs Debian's package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser):
    """A desktop browser tab, as staff at the command centre use."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    yield context.new_page()
    context.close()


@pytest.fixture()
def phone_page(browser):
    """A phone in the field, its GPS at a point inside the district."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="zh-CN",
                                  geolocation={"latitude": INSIDE["lat"], "longitude": INSIDE["lng"]},
                                  permissions=["geolocation"])
    yield context.new_page()
    context.close()


def shot(page, name: str) -> None:
    """A full-page screenshot in test-artifacts/<name>.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page, live_server: str, username: str, password: str) -> None:
    page.goto(f"{live_server}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
