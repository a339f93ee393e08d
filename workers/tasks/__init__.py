"""Thin Celery tasks, one module per queue: take ids, call a service, safe to run twice."""
