"""Queue ``review_l1``: first-level review (一级研判) — agenda and automatic escalation of long-overdue cases."""
from celery import shared_task

from rongetong.services import notifications, supervision


@shared_task(name="review_l1.case_entered", acks_late=True)
def case_entered(case_id: int) -> bool:
    return notifications.review_entered(case_id, level=1)


@shared_task(name="review_l1.escalate_long_overdue", acks_late=True)
def escalate_long_overdue() -> int:
    return supervision.escalate_long_overdue()
