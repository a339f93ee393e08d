"""Queue ``notify``: messages to citizens, units and supervisors, and the reminder sweep."""
from celery import shared_task

from rongetong.services import notifications, partners, supervision


@shared_task(name="notify.case_resolved", acks_late=True)
def case_resolved(case_id: int) -> bool:
    return notifications.case_resolved(case_id)


@shared_task(name="notify.send_reminders", acks_late=True)
def send_reminders(ids: list[int]) -> int:
    return notifications.send_reminders(ids)


@shared_task(name="notify.supervision_opened", acks_late=True)
def supervision_opened(ids: list[int]) -> int:
    return notifications.supervision_opened(ids)


@shared_task(name="notify.hotspots", acks_late=True)
def hotspots(ids: list[int]) -> int:
    return notifications.hotspots(ids)


@shared_task(name="notify.supervision_action", acks_late=True)
def supervision_action(record_id: int, kind: str) -> bool:
    return notifications.supervision_action(record_id, kind)


@shared_task(name="notify.sweep_reminders", acks_late=True)
def sweep_reminders() -> int:
    return supervision.sweep_reminders()


@shared_task(name="notify.partner_status", acks_late=True, autoretry_for=(partners.WebhookFailed,),
             retry_backoff=True, retry_backoff_max=600, max_retries=50)
def partner_status(entry_id: int) -> bool:
    return partners.push_status(entry_id)
