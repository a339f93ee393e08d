"""Queue ``review_l2``: second-level review (二级研判) — the leadership group's agenda."""
from celery import shared_task

from rongetong.services import notifications


@shared_task(name="review_l2.case_entered", acks_late=True)
def case_entered(case_id: int) -> bool:
    return notifications.review_entered(case_id, level=2)
