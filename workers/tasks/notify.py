"""Queue ``notify``: messages to citizens and staff."""
from celery import shared_task

from rongetong.services import notifications


@shared_task(name="notify.case_resolved", acks_late=True)
def case_resolved(case_id: int) -> bool:
    return notifications.case_resolved(case_id)
