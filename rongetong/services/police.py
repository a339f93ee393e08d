"""Police-related cases go the other way (块警务): pushed to the police command platform, which
calls back to close them or hand them back to the command centre."""
from __future__ import annotations

import json
import logging
import time
from datetime import timedelta

import requests
from flask import current_app
from sqlalchemy import select, update

from ..domain import signing
from ..domain.errors import NotFound
from ..domain.lifecycle import SYSTEM, Action
from ..extensions import db
from ..models import Case
from ..models.types import utcnow
from . import outbox
from .workflow import load_case, transition

log = logging.getLogger(__name__)
UNACKNOWLEDGED_AFTER = timedelta(minutes=10)


class PushFailed(Exception):
    """The platform did not acknowledge; the task retries."""


def push(case_id: int) -> bool:
    """Send a police case to the platform until it acknowledges; an acknowledged case is not sent again."""
    case = db.session.get(Case, case_id)
    if case is None or case.status != "police" or case.police_acknowledged_at is not None:
        return False
    payload = {"tracking_code": case.tracking_code, "description": case.description,
               "location": {"lat": case.lat, "lng": case.lng, "address": case.address},
               "category": case.minor.name if case.minor else None, "reported_at": case.created_at.isoformat()}
    url = current_app.config["POLICE_PLATFORM_URL"]
    if url:
        body = json.dumps(payload, ensure_ascii=False).encode()
        timestamp = str(int(time.time()))
        try:
            response = requests.post(url, data=body, timeout=10, headers={
                "Content-Type": "application/json", "X-Timestamp": timestamp,
                "X-Signature": signing.sign(current_app.config["POLICE_PLATFORM_SECRET"], timestamp, body),
                "Idempotency-Key": case.tracking_code})
        except requests.RequestException as exc:
            raise PushFailed(str(exc)) from exc
        if not response.ok:
            raise PushFailed(f"police platform answered {response.status_code}")
    else:
        log.info("police platform not configured; case %s logged: %s", case.tracking_code, payload)
    db.session.execute(update(Case).where(Case.id == case_id).values(police_acknowledged_at=utcnow())
                       .execution_options(synchronize_session=False))
    db.session.commit()
    return True


def requeue_unacknowledged(now=None) -> int:
    """Pushes the platform never acknowledged (retries exhausted, message lost) are queued again."""
    cutoff = (now or utcnow()) - UNACKNOWLEDGED_AFTER
    ids = db.session.scalars(select(Case.id).where(
        Case.status == "police", Case.police_acknowledged_at.is_(None), Case.updated_at < cutoff).limit(500)).all()
    for case_id in ids:
        outbox.enqueue("dispatch.push_police", case_id=case_id)
    outbox.commit()
    return len(ids)


def verify(timestamp: str | None, signature: str | None, body: bytes) -> None:
    signing.verify(current_app.config["POLICE_PLATFORM_SECRET"], timestamp, signature, body, time.time())


def callback(tracking_code: str, result: str, note: str | None) -> Case:
    """The platform's answer: ``closed`` (handled by the police) or ``returned`` (not a police matter)."""
    case_id = db.session.scalar(select(Case.id).where(Case.tracking_code == tracking_code))
    case = load_case(case_id, for_update=True) if case_id else None
    if case is None:
        raise NotFound("诉求件不存在")
    action = Action.POLICE_CLOSE if result == "closed" else Action.POLICE_RETURN
    transition(case, action, SYSTEM, note=note or ("公安已处置" if result == "closed" else "公安退回：非警务事项"))
    if result == "closed":
        case.closed_at = utcnow()
    outbox.commit()
    return case
