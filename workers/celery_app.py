"""The worker's entry point: ``celery -A workers.celery_app worker -Q dispatch,…``.

The Flask app is created once here; task modules use ``shared_task`` and never import it.
"""
from rongetong import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
