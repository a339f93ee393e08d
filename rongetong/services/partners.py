"""Partner intake (110 转办, 路长通, 舆情): keys issued by admins, signed requests, idempotent filing,
and every status change pushed back to the partner's webhook through the outbox."""
from __future__ import annotations

import json
import secrets
import time

import requests
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..domain import signing
from ..domain.errors import ActionForbidden, NotFound
from ..domain.lifecycle import CHANNEL_LABELS, Actor, Role
from ..extensions import db
from ..models import Case, IdempotencyKey, Partner, TimelineEntry
from ..models.types import utcnow
from . import outbox
from .cases import file_case

CHANNELS = ("police110", "road_chief", "media", "open311")
CHANNEL_NAMES = {channel: CHANNEL_LABELS[channel] for channel in CHANNELS}


class WebhookFailed(Exception):
    """The partner did not acknowledge; the task retries."""


def create_partner(name: str, channel: str, webhook_url: str | None) -> tuple[Partner, str]:
    """A new key pair; the secret is returned here once and never shown again."""
    secret = secrets.token_urlsafe(32)
    partner = Partner(name=name, channel=channel, api_key="pk_" + secrets.token_urlsafe(24), secret=secret,
                      webhook_url=webhook_url)
    db.session.add(partner)
    db.session.commit()
    return partner, secret


def revoke(partner_id: int) -> Partner:
    partner = db.session.get(Partner, partner_id)
    if partner is None:
        raise NotFound("合作方不存在")
    partner.revoked_at = partner.revoked_at or utcnow()
    db.session.commit()
    return partner


def authenticate(channel: str, api_key: str | None, timestamp: str | None, signature: str | None,
                 body: bytes) -> Partner:
    """401 for an unknown or revoked key, a bad signature or a stale timestamp; 403 for another channel."""
    partner = db.session.scalar(select(Partner).where(Partner.api_key == (api_key or ""))) if api_key else None
    if partner is None or partner.revoked_at is not None:
        raise signing.BadSignature("API 密钥无效或已吊销")
    signing.verify(partner.secret, timestamp, signature, body, time.time())
    if partner.channel != channel:
        raise ActionForbidden(f"该密钥属于“{CHANNEL_NAMES[partner.channel]}”渠道")
    return partner


def intake(partner: Partner, idempotency_key: str, **fields) -> tuple[Case, bool]:
    """File the partner's case once per Idempotency-Key: (the case, whether it was created now)."""
    existing = _by_key(partner.id, idempotency_key)
    if existing is not None:
        return existing, False
    actor = Actor(Role.SYSTEM, CHANNEL_NAMES[partner.channel])
    try:
        case = file_case(actor=actor, channel=partner.channel, partner_id=partner.id,
                         idempotency=(partner.id, idempotency_key), **fields)
    except IntegrityError:  # the same key, filed concurrently: the other request won
        outbox.rollback()
        return _by_key(partner.id, idempotency_key), False
    return case, True


def _by_key(partner_id: int, key: str) -> Case | None:
    return db.session.scalar(select(Case).join(IdempotencyKey, IdempotencyKey.case_id == Case.id)
                             .where(IdempotencyKey.partner_id == partner_id, IdempotencyKey.key == key))


def push_status(entry_id: int) -> bool:
    """Tell the partner of one transition of its case; an unacknowledged push raises to be retried."""
    entry = db.session.get(TimelineEntry, entry_id)
    case = entry.case if entry else None
    partner = db.session.get(Partner, case.partner_id) if case and case.partner_id else None
    if partner is None or not partner.webhook_url or partner.revoked_at is not None:
        return False
    body = json.dumps({"event_id": entry.id, "tracking_code": case.tracking_code, "external_id": case.external_ref,
                       "status": entry.to_status, "action": entry.action, "at": entry.at.isoformat(),
                       "note": entry.note}, ensure_ascii=False).encode()
    timestamp = str(int(time.time()))
    try:
        response = requests.post(partner.webhook_url, data=body, timeout=10, headers={
            "Content-Type": "application/json", "X-Timestamp": timestamp,
            "X-Signature": signing.sign(partner.secret, timestamp, body), "Idempotency-Key": f"event-{entry.id}"})
    except requests.RequestException as exc:
        raise WebhookFailed(str(exc)) from exc
    if not response.ok:
        raise WebhookFailed(f"partner answered {response.status_code}")
    return True
