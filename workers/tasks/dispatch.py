"""Queue ``dispatch``: routing of filed cases and the outbox relay."""
from celery import shared_task

from rongetong.services import outbox, routing


@shared_task(name="dispatch.route_case", acks_late=True, autoretry_for=(ConnectionError,),
             retry_backoff=True, max_retries=5)
def route_case(case_id: int) -> str | None:
    return routing.route_case(case_id)


@shared_task(name="dispatch.relay_outbox", acks_late=True)
def relay_outbox() -> int:
    """Re-publish what the broker never got, and re-queue routing that never finished."""
    routing.requeue_stuck()
    return outbox.relay()
