"""Partner systems that file cases (110 diversion, 路长通, media monitoring, Open311 clients)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class Partner(db.Model):
    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    channel: Mapped[str] = mapped_column(String(20))  # police110 | road_chief | media | open311
    api_key: Mapped[str] = mapped_column(String(64), unique=True)
    # The HMAC key: the service must hold it to verify signatures; it is shown to the partner once.
    secret: Mapped[str] = mapped_column(String(128))
    webhook_url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class IdempotencyKey(db.Model):
    """A partner's Idempotency-Key and the case it created: the same key never creates a second case."""
    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("partner_id", "key", name="uq_idempotency_partner_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    key: Mapped[str] = mapped_column(String(200))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
