"""Celery wiring: one Celery app per Flask app; every task runs inside the Flask app context."""
from __future__ import annotations

from celery import Celery, Task
from flask import Flask


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.name, task_cls=FlaskTask)
    celery.config_from_object(app.config["CELERY"])
    celery.set_default()
    # Register the task modules now, so the in-process (eager) mode finds them by name too.
    celery.loader.import_default_modules()
    app.extensions["celery"] = celery
    return celery
