"""What routing learns from: corrections of its routes, the trained models, and the versioned
keyword library."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class RoutingFeedback(db.Model):
    """A route corrected by people: a return (退单) or a dispatcher's re-dispatch (改派)."""
    __tablename__ = "routing_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    source: Mapped[str] = mapped_column(String(20))  # return | redispatch
    predicted_minor: Mapped[str | None] = mapped_column(String(8))
    predicted_unit: Mapped[str | None] = mapped_column(String(60))
    corrected_minor: Mapped[str | None] = mapped_column(String(8))
    corrected_unit: Mapped[str | None] = mapped_column(String(60))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class RoutingModelRecord(db.Model):
    """A trained n-gram model; every process routes with the newest one."""
    __tablename__ = "routing_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    trained_on: Mapped[int]
    confirmed_cases: Mapped[int]
    feedback_upto: Mapped[int] = mapped_column(default=0)  # the last RoutingFeedback id it has seen
    data: Mapped[dict] = mapped_column(JSON)


class KeywordChange(db.Model):
    """One version of a minor category's keyword library entry (关键词库版本), for audit and rollback."""
    __tablename__ = "keyword_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    minor_code: Mapped[str] = mapped_column(String(8), index=True)
    version: Mapped[int]
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
