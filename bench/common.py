"""Shared set-up for the benchmarks: a fresh PostgreSQL database with the schema and reference data,
and a counter of the SQL statements a piece of code sends."""
from __future__ import annotations

import contextlib
import os
import time

import redis
from sqlalchemy import event

from config import TestConfig, normalise_db_url
from rongetong import create_app
from rongetong.extensions import db

BENCH_DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/rongetong_bench")
BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")


def bench_app():
    """The app on a freshly created benchmark database, migrated and seeded with reference data only."""
    from flask_migrate import upgrade

    from rongetong.demo.seed import seed_demo
    from tests.conftest import recreate_database

    # Messages go to a Redis database of their own that no worker reads: the benchmark measures the
    # sweep, including publishing its notifications, not the work of the notifications.
    settings = {"SQLALCHEMY_DATABASE_URI": normalise_db_url(BENCH_DATABASE_URL), "CELERY_EAGER": False,
                "REDIS_URL": BENCH_REDIS_URL, "TESTING": False}
    config = type("BenchConfig", (TestConfig,), settings)()
    recreate_database(config.SQLALCHEMY_DATABASE_URI)
    redis.Redis.from_url(BENCH_REDIS_URL).flushdb()
    app = create_app(config)
    with app.app_context():
        upgrade()
        seed_demo(cases=0)
    return app


class QueryCounter:
    """Counts statements sent to the database while active."""

    def __init__(self):
        self.count = 0

    def _on_execute(self, *args, **kwargs):
        self.count += 1

    @contextlib.contextmanager
    def counting(self):
        event.listen(db.engine, "before_cursor_execute", self._on_execute)
        try:
            yield self
        finally:
            event.remove(db.engine, "before_cursor_execute", self._on_execute)


@contextlib.contextmanager
def timed(label: str, results: dict):
    started = time.perf_counter()
    yield
    results[label] = time.perf_counter() - started
