"""Queue ``dispatch``: routing of filed cases and the outbox relay."""
from celery import shared_task

from rongetong.services import learning, outbox, police, routing


@shared_task(name="dispatch.route_case", acks_late=True, autoretry_for=(ConnectionError,),
             retry_backoff=True, max_retries=5)
def route_case(case_id: int) -> str | None:
    return routing.route_case(case_id)


@shared_task(name="dispatch.relay_outbox", acks_late=True)
def relay_outbox() -> int:
    """Re-publish what the broker never got; re-queue routing and police pushes that never finished."""
    routing.requeue_stuck()
    police.requeue_unacknowledged()
    return outbox.relay()


@shared_task(name="dispatch.retrain_model", acks_late=True)
def retrain_model() -> int:
    """Retrain routing from everything confirmed and corrected so far (hourly, and after corrections)."""
    return learning.retrain().id


@shared_task(name="dispatch.push_police", bind=True, acks_late=True, autoretry_for=(police.PushFailed,),
             retry_backoff=True, retry_backoff_max=600, max_retries=50)
def push_police(self, case_id: int) -> bool:
    return police.push(case_id)
