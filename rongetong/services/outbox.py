"""The transactional outbox and its relay.

``enqueue`` adds a row to the current transaction; ``commit`` commits and then publishes what it
enqueued. A row the broker did not take stays unpublished, and ``relay`` (run by celery beat)
publishes it later. Tasks are idempotent, so a row published twice does no harm.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import OutboxMessage
from ..models.types import utcnow

log = logging.getLogger(__name__)

_PENDING_KEY = "rongetong.outbox"
def enqueue(task: str, **payload) -> OutboxMessage:
    message = OutboxMessage(task=task, payload=payload)
    db.session.add(message)
    db.session.info.setdefault(_PENDING_KEY, []).append(message)
    return message


def commit() -> None:
    """Commit the unit of work, then publish the outbox rows it wrote."""
    pending = db.session.info.pop(_PENDING_KEY, [])
    db.session.commit()
    if pending:
        publish([m.id for m in pending])


def rollback() -> None:
    db.session.info.pop(_PENDING_KEY, None)
    db.session.rollback()


def publish(ids: list[int]) -> int:
    """Send the given rows to the broker; returns how many went. Never raises for a broker outage."""
    celery = current_app.extensions["celery"]
    sent = 0
    for message_id in ids:
        message = db.session.get(OutboxMessage, message_id)
        if message is None or message.published_at is not None:
            continue
        try:
            celery.tasks[message.task].apply_async(kwargs=message.payload, retry=False)
        except Exception as exc:  # the broker is down: the relay will try again
            log.warning("outbox %s (%s) not published: %s", message.id, message.task, exc)
            message.last_error = str(exc)[:500]
        else:
            message.published_at = utcnow()
            sent += 1
        message.attempts += 1
        db.session.commit()
    return sent


def relay(limit: int = 500) -> int:
    """Publish rows that were committed but never reached the broker."""
    # Fresh rows are left alone: their own request is publishing them right now.
    cutoff = utcnow() - timedelta(seconds=current_app.config["OUTBOX_RELAY_GRACE_SECONDS"])
    ids = db.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.published_at.is_(None), OutboxMessage.created_at < cutoff)
        .order_by(OutboxMessage.id).limit(limit)
    ).all()
    db.session.commit()
    return publish(list(ids))
