"""Losing a worker or the broker loses no case and doubles no transition.

Each test runs its own stack on its own Redis database: the app over HTTP and `celery worker`
processes it starts, kills and restarts.
"""
import json
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import psycopg
import pytest
import redis
from sqlalchemy import func, select

from rongetong import create_app
from rongetong.extensions import db
from rongetong.models import Case, OutboxMessage, TimelineEntry
from rongetong.services import outbox, routing
from tests.factories import INSIDE, RUBBISH

from .conftest import Api, LiveServer, Worker, live_config

pytestmark = pytest.mark.worker

REDIS_START = ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379", "--save", "",
               "--appendonly", "no", "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log"]


@pytest.fixture()
def stack(app):
    live = create_app(live_config(redis_db=14, ROUTING_STUCK_AFTER_SECONDS=1, OUTBOX_RELAY_GRACE_SECONDS=0))
    redis.Redis.from_url(live.config["REDIS_URL"]).flushdb()
    server = LiveServer(live)
    yield live, Api(server.url)
    server.stop()


@pytest.fixture()
def spawn(stack):
    """Start workers for this test; whatever is still running at the end is killed."""
    started = []

    def _spawn(name: str, **env) -> Worker:
        worker = Worker(stack[0].config, name, env)
        started.append(worker)
        return worker.start()
    yield _spawn
    for worker in started:
        if worker.process and worker.process.poll() is None:
            worker.kill()


def run_beat_once(app) -> None:
    """What celery beat triggers every 30 s: re-queue stuck routing, re-publish the outbox."""
    with app.app_context():
        routing.requeue_stuck()
        outbox.relay()


def route_counts(app, case_ids) -> dict[int, tuple[str, int, int]]:
    """Per case: status, number of `submit` and of routing entries in its timeline."""
    with app.app_context():
        rows = db.session.execute(
            select(Case.id, Case.status,
                   func.count().filter(TimelineEntry.action == "submit"),
                   func.count().filter(TimelineEntry.action.in_(("route", "route_triage", "route_police"))))
            .join(TimelineEntry, TimelineEntry.case_id == Case.id)
            .where(Case.id.in_(case_ids)).group_by(Case.id, Case.status)).all()
        return {r[0]: (r[1], r[2], r[3]) for r in rows}


def wait_until_routed(app, case_ids, timeout=60, beat=False):
    deadline = time.monotonic() + timeout
    while True:
        counts = route_counts(app, case_ids)
        if all(status != "submitted" for status, _, _ in counts.values()) or time.monotonic() > deadline:
            return counts
        if beat:
            run_beat_once(app)
        time.sleep(0.5)


def file_cases(api, headers, n):
    ids = []
    for i in range(n):
        response = api.post("/cases", {"description": f"{RUBBISH}（第{i}处）", **INSIDE}, headers)
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    return ids


def test_a_worker_killed_in_the_middle_of_routing_loses_nothing(stack, spawn, password):
    app, api = stack
    headers = api.token("gridworker", password)
    case_ids = file_cases(api, headers, 12)       # no worker yet: the messages wait in Redis
    blocked = case_ids[5]

    # Hold the row lock of one case, so the worker is caught inside its routing transaction.
    url = app.config["SQLALCHEMY_DATABASE_URI"].replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(url) as lock, psycopg.connect(url, autocommit=True) as watch:
        lock.execute("SELECT id FROM cases WHERE id = %s FOR UPDATE", (blocked,))
        first = spawn("killed")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            waiting = watch.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                    "AND query LIKE '%FOR UPDATE%'").fetchone()[0]
            if waiting:
                break
            time.sleep(0.1)
        assert waiting, "the worker never reached the locked case"
        first.kill()                               # SIGKILL mid-task: its message is never acknowledged
        lock.rollback()

    assert route_counts(app, [blocked])[blocked][0] == "submitted"
    spawn("replacement")
    counts = wait_until_routed(app, case_ids, beat=True)
    assert {status for status, _, _ in counts.values()} == {"dispatched"}, counts
    assert all(submits == 1 and routes == 1 for _, submits, routes in counts.values()), counts


def test_with_redis_down_the_api_still_files_and_nothing_is_lost(stack, spawn, password):
    app, api = stack
    headers = api.token("gridworker", password)
    spawn("redis-outage")
    subprocess.run(["redis-cli", "-p", "6379", "shutdown", "nosave"], check=False, capture_output=True)
    try:
        started = time.monotonic()
        case_ids = file_cases(api, headers, 50)
        filing_seconds = time.monotonic() - started
    finally:
        subprocess.run(REDIS_START, check=True)
        for _ in range(50):
            if subprocess.run(["redis-cli", "ping"], capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
    with app.app_context():
        unpublished = db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.published_at.is_(None),
            OutboxMessage.payload["case_id"].as_integer().in_(case_ids)))
    assert unpublished == 50                       # all 50 kept in the outbox while the broker was away
    counts = wait_until_routed(app, case_ids, timeout=90, beat=True)
    print(f"\n50 cases filed with Redis down in {filing_seconds:.2f} s; all routed after it came back")
    assert len(counts) == 50
    assert {status for status, _, _ in counts.values()} == {"dispatched"}, counts
    assert all(submits == 1 and routes == 1 for _, submits, routes in counts.values()), counts


class Platform(BaseHTTPRequestHandler):
    """The police command platform on localhost: down for the first push, then acknowledging."""
    received: list = []

    def do_POST(self):  # noqa: N802
        Platform.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(503 if len(Platform.received) == 1 else 200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_police_push_is_retried_by_the_worker_until_acknowledged(stack, spawn, password):
    app, api = stack
    server = HTTPServer(("127.0.0.1", 0), Platform)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Platform.received = []
    try:
        spawn("police", POLICE_PLATFORM_URL=f"http://127.0.0.1:{server.server_port}/events")
        case = api.post("/cases", {"description": "小区门口有人持刀打架斗殴", **INSIDE},
                        api.token("gridworker", password)).json()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with app.app_context():
                acknowledged = db.session.get(Case, case["id"]).police_acknowledged_at
                db.session.rollback()
            if acknowledged:
                break
            time.sleep(0.3)
    finally:
        server.shutdown()
    assert acknowledged, "the platform never acknowledged"
    assert [body["tracking_code"] for body in Platform.received] == [case["tracking_code"]] * 2
