"""The embedded default's scheduler: celery beat's schedule run in a thread of the web process.

With no broker, tasks already run in-process; this runs the periodic ones (outbox relay, overdue and
reminder sweeps, auto-escalation, retraining) on the same intervals, so `make run` is the whole product.
"""
from __future__ import annotations

import logging
import threading
import time

from flask import Flask

log = logging.getLogger(__name__)


def start_embedded_beat(app: Flask) -> threading.Thread:
    celery = app.extensions["celery"]
    schedule = {entry["task"]: float(entry["schedule"]) for entry in celery.conf.beat_schedule.values()
                if isinstance(entry["schedule"], (int, float))}  # crontab entries (monthly report) are beat's only

    def loop() -> None:
        due = {task: time.monotonic() + min(interval, 10.0) for task, interval in schedule.items()}
        while True:
            now = time.monotonic()
            for task, at in due.items():
                if now >= at:
                    due[task] = now + schedule[task]
                    try:
                        celery.tasks[task].apply()
                    except Exception:  # a failed run is retried at its next interval
                        log.exception("embedded beat: %s failed", task)
            time.sleep(1.0)

    thread = threading.Thread(target=loop, name="embedded-beat", daemon=True)
    thread.start()
    log.info("embedded beat running: %s", ", ".join(f"{t} every {int(s)} s" for t, s in schedule.items()))
    return thread
