"""研判: the review panels' meetings (专题会议) and the cases they discuss."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .case import Case
from .types import UTCDateTime, utcnow

meeting_cases = Table(
    "review_meeting_cases", db.metadata,
    Column("meeting_id", ForeignKey("review_meetings.id"), primary_key=True),
    Column("case_id", ForeignKey("cases.id"), primary_key=True),
)


class ReviewMeeting(db.Model):
    __tablename__ = "review_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[int] = mapped_column(index=True)  # 1 一级研判 | 2 二级研判
    title: Mapped[str] = mapped_column(String(200))
    held_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attendees: Mapped[list] = mapped_column(JSON, default=list)
    minutes: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cases: Mapped[list[Case]] = relationship(secondary=meeting_cases, order_by=Case.id)
