"""Settings classes read from the environment — the one place for defaults.

With no environment at all the service runs *embedded*: SQLite in ``instance/``,
Celery tasks executed in-process (no broker), demo-friendly defaults.
Production sets ``DATABASE_URL`` (PostgreSQL), ``REDIS_URL`` and ``SECRET_KEY``.
"""
from __future__ import annotations

import os
from pathlib import Path

from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent

# Every Celery queue of the service (DESIGN §6); task names are prefixed with their queue.
QUEUES = ("dispatch", "review_l1", "review_l2", "supervision", "notify", "reports")


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def normalise_db_url(url: str) -> str:
    # Heroku-style and bare "postgresql://" URLs go through psycopg 3.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def celery_settings(redis_url: str | None, eager: bool) -> dict:
    """Celery configuration: queues, routes by task-name prefix, reliable acknowledgement."""
    return {
        "broker_url": redis_url or "memory://localhost/",
        "result_backend": None,
        "task_ignore_result": True,
        "task_always_eager": eager,
        "task_eager_propagates": True,
        # The database holds the truth; a message is only a trigger, acknowledged after the work.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "broker_connection_retry_on_startup": True,
        # Publishing fails fast when the broker is down (the outbox keeps the message for the relay)
        # instead of holding the user's request in connection retries.
        "broker_transport_options": {"visibility_timeout": 3600, "max_retries": 1, "interval_start": 0,
                                     "interval_step": 0.2, "interval_max": 0.5},
        "task_default_queue": "dispatch",
        "task_routes": {f"{queue}.*": {"queue": queue} for queue in QUEUES},
        "include": [f"workers.tasks.{queue}" for queue in QUEUES],
        "beat_schedule": {
            "outbox-relay": {"task": "dispatch.relay_outbox", "schedule": 30.0},
            "overdue-sweep": {"task": "supervision.sweep_overdue", "schedule": 60.0},
            "hotspot-detection": {"task": "supervision.detect_hotspots", "schedule": 900.0},
            "reminder-sweep": {"task": "notify.sweep_reminders", "schedule": 60.0},
            "auto-escalation": {"task": "review_l1.escalate_long_overdue", "schedule": 300.0},
            "routing-retrain": {"task": "dispatch.retrain_model", "schedule": 3600.0},
            "monthly-report": {"task": "reports.monthly_report",
                               "schedule": crontab(minute=30, hour=0, day_of_month=1)},
        },
        "timezone": "Asia/Shanghai",
    }


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key")
    SQLALCHEMY_DATABASE_URI = normalise_db_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'rongetong.db'}")
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL")
    # Without a broker the same tasks run in-process, synchronously after the commit.
    CELERY_EAGER = _env_bool("CELERY_EAGER", default=not os.environ.get("REDIS_URL"))
    TIMEZONE = os.environ.get("TIMEZONE", "Asia/Shanghai")
    TOKEN_MAX_AGE_SECONDS = int(os.environ.get("TOKEN_MAX_AGE_SECONDS", 12 * 3600))
    DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "rongetong-demo")
    # The home page lists the demo accounts only in the embedded demo, never against a real database.
    SHOW_DEMO_LOGINS = _env_bool("SHOW_DEMO_LOGINS", default=not os.environ.get("DATABASE_URL"))
    # Routing below this confidence goes to the dispatcher's triage queue.
    ROUTING_MIN_CONFIDENCE = float(os.environ.get("ROUTING_MIN_CONFIDENCE", "0.35"))
    # An open case late by more than this many working hours goes to first-level review by itself.
    AUTO_ESCALATE_OVERDUE_WORKING_HOURS = float(os.environ.get("AUTO_ESCALATE_OVERDUE_WORKING_HOURS", "15"))
    # The relay leaves outbox rows this fresh alone: their own request is publishing them.
    OUTBOX_RELAY_GRACE_SECONDS = int(os.environ.get("OUTBOX_RELAY_GRACE_SECONDS", "10"))
    # A case still `submitted` this long after filing is routed again (its message was lost).
    ROUTING_STUCK_AFTER_SECONDS = int(os.environ.get("ROUTING_STUCK_AFTER_SECONDS", "60"))
    # Routing retrains after this many corrections (returns, re-dispatches), and hourly anyway.
    RETRAIN_AFTER_CORRECTIONS = int(os.environ.get("RETRAIN_AFTER_CORRECTIONS", "20"))
    # How often a process checks whether the model, keyword library or grids changed elsewhere.
    ROUTER_REFRESH_SECONDS = float(os.environ.get("ROUTER_REFRESH_SECONDS", "30"))
    # The police command platform (块警务): police-related cases are pushed here; unset → logged only.
    POLICE_PLATFORM_URL = os.environ.get("POLICE_PLATFORM_URL")
    POLICE_PLATFORM_SECRET = os.environ.get("POLICE_PLATFORM_SECRET", "dev-only-police-secret")
    # Abuse limits on public endpoints and sign-in (429 in the API's error format); shared through Redis
    # when there is one, so every web process counts together.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", os.environ.get("REDIS_URL", "memory://"))
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    # With Redis down, count in memory rather than refuse citizens and staff (the outbox keeps filings safe).
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    PUBLIC_FILING_LIMIT = os.environ.get("PUBLIC_FILING_LIMIT", "10/minute;100/day")
    PUBLIC_LOOKUP_LIMIT = os.environ.get("PUBLIC_LOOKUP_LIMIT", "30/minute")
    SIGN_IN_LIMIT = os.environ.get("SIGN_IN_LIMIT", "10/minute")
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(BASE_DIR / "instance" / "uploads"))
    # The monthly 考核 workbooks written by the beat task (rongetong-<YYYY-MM>.xlsx).
    REPORT_FOLDER = os.environ.get("REPORT_FOLDER", str(BASE_DIR / "instance" / "reports"))
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024  # 3 photos of 5 MB and the form
    JSON_AS_ASCII = False
    TESTING = False

    @property
    def CELERY(self) -> dict:  # noqa: N802 - Flask config keys are upper case
        return celery_settings(self.REDIS_URL, self.CELERY_EAGER)


class TestConfig(Config):
    TESTING = True
    # Tests sign in hundreds of times; tests/integration/test_rate_limits.py tightens these.
    SIGN_IN_LIMIT = PUBLIC_FILING_LIMIT = PUBLIC_LOOKUP_LIMIT = "100000/minute"
    RATELIMIT_STORAGE_URI = "memory://"
    SQLALCHEMY_DATABASE_URI = normalise_db_url(
        os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/rongetong_test")
    )
    REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    CELERY_EAGER = False


def load_config(name: str | None = None) -> Config:
    name = name or os.environ.get("RONGETONG_CONFIG", "default")
    return {"default": Config, "test": TestConfig}[name]()
