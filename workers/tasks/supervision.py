"""Queue ``supervision``: the periodic overdue sweep (督办)."""
from celery import shared_task

from rongetong.services import hotspots, supervision


@shared_task(name="supervision.sweep_overdue", acks_late=True)
def sweep_overdue() -> int:
    return supervision.sweep_overdue()


@shared_task(name="supervision.detect_hotspots", acks_late=True)
def detect_hotspots() -> int:
    return hotspots.detect_hotspots()
