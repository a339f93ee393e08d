"""The case (诉求件) aggregate: the case, its timeline, assignments, ratings and supervision records."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, and_, event, false, or_
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.lifecycle import State
from ..domain.sla import OVERDUE_STATES, overdue_deadline
from ..extensions import db
from .geo import Grid, Town
from .org import Unit
from .taxonomy import MajorCategory, MinorCategory
from .types import UTCDateTime, utcnow


class Case(db.Model):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_unit_status", "unit_id", "status"),
        Index("ix_cases_status_resolve_due", "status", "resolve_due"),
        Index("ix_cases_status_accept_due", "status", "accept_due"),
        Index("ix_cases_status_resolve_remind", "status", "resolve_remind_at"),
        Index("ix_cases_status_accept_remind", "status", "accept_remind_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(20), unique=True)
    status: Mapped[str] = mapped_column(String(20), index=True, default=State.SUBMITTED)
    description: Mapped[str] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(20), index=True)
    external_ref: Mapped[str | None] = mapped_column(String(100))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))  # told of every status change

    lat: Mapped[float | None]
    lng: Mapped[float | None]
    address: Mapped[str | None] = mapped_column(String(200))
    reporter_name: Mapped[str | None] = mapped_column(String(80))
    reporter_phone: Mapped[str | None] = mapped_column(String(30))
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    town_id: Mapped[int | None] = mapped_column(ForeignKey("towns.id"), index=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"), index=True)
    major_id: Mapped[int | None] = mapped_column(ForeignKey("major_categories.id"), index=True)
    minor_id: Mapped[int | None] = mapped_column(ForeignKey("minor_categories.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    police: Mapped[bool] = mapped_column(default=False)
    urgent: Mapped[bool] = mapped_column(default=False)
    routing: Mapped[dict | None] = mapped_column(JSON)  # the explanation of the last routing
    route_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when routing was last queued
    police_acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the police platform took it

    accept_due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    return_due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolve_due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # 催办 moments: 80% of each limit, in working time.
    accept_remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolve_remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    result: Mapped[str | None] = mapped_column(Text)
    handling_working_hours: Mapped[float | None]  # dispatch to resolution, in working time, kept for 考核

    return_count: Mapped[int] = mapped_column(default=0)
    dissatisfied_count: Mapped[int] = mapped_column(default=0)
    extension_count: Mapped[int] = mapped_column(default=0)
    pending_extension_days: Mapped[int | None]
    rework: Mapped[bool] = mapped_column(default=False)  # 重办
    # 并案: the primary (主件) this case was merged into; it then follows the primary's handling.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Optimistic locking: a concurrent change makes the loser's UPDATE match no row (→ 409).
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    town: Mapped[Town | None] = relationship()
    grid: Mapped[Grid | None] = relationship()
    major: Mapped[MajorCategory | None] = relationship()
    minor: Mapped[MinorCategory | None] = relationship()
    unit: Mapped[Unit | None] = relationship()
    timeline: Mapped[list[TimelineEntry]] = relationship(
        back_populates="case", order_by="TimelineEntry.id", cascade="all, delete-orphan")
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="case", order_by="Assignment.id", cascade="all, delete-orphan")
    ratings: Mapped[list[Rating]] = relationship(
        back_populates="case", order_by="Rating.id", cascade="all, delete-orphan")
    supervision_records: Mapped[list[SupervisionRecord]] = relationship(
        back_populates="case", order_by="SupervisionRecord.id", cascade="all, delete-orphan")
    return_visits: Mapped[list[ReturnVisit]] = relationship(order_by="ReturnVisit.id", cascade="all, delete-orphan")
    photos: Mapped[list[Photo]] = relationship(order_by="Photo.id", cascade="all, delete-orphan")
    merged_into: Mapped[Case | None] = relationship(remote_side=[id], back_populates="merged")
    merged: Mapped[list[Case]] = relationship(back_populates="merged_into", order_by="Case.id")

    def overdue_deadline(self, now: datetime) -> str | None:
        return overdue_deadline(self.status, self.accept_due, self.resolve_due, now)

    @hybrid_method
    def is_overdue(self, now: datetime) -> bool:
        return self.overdue_deadline(now) is not None

    @is_overdue.expression
    def is_overdue(cls, now: datetime):  # noqa: N805 - SQL side of the same rule
        return or_(
            and_(cls.status.in_([s.value for s in OVERDUE_STATES]), cls.resolve_due < now),
            and_(cls.status == State.DISPATCHED.value, cls.accept_due < now),
        )

    @property
    def latest_rating(self) -> Rating | None:
        return self.ratings[-1] if self.ratings else None


class TimelineEntry(db.Model):
    """One transition of a case (办理记录). Written once, never changed."""
    __tablename__ = "timeline_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(80))
    actor_role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict | None] = mapped_column(JSON)

    case: Mapped[Case] = relationship(back_populates="timeline")


@event.listens_for(TimelineEntry, "before_update")
def _timeline_is_immutable(mapper, connection, target):
    raise RuntimeError("timeline entries are immutable")


class Assignment(db.Model):
    """A unit's share of a case: the lead unit (主办) or an assisting unit (协办) with its own deadline."""
    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    role: Mapped[str] = mapped_column(String(10))  # lead | assist
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | done | withdrawn
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)  # the task (分工) or, once done, its result

    case: Mapped[Case] = relationship(back_populates="assignments")
    unit: Mapped[Unit] = relationship()


class Rating(db.Model):
    """A satisfaction rating (满意度评价), from the citizen or from a return visit (回访)."""
    __tablename__ = "ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    rating: Mapped[str] = mapped_column(String(30))  # satisfied | basically_satisfied | dissatisfied
    comment: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(20), default="citizen")  # citizen | return_visit
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="ratings")


class SupervisionRecord(db.Model):
    """督办: opened on the supervision account when a deadline passes, once per deadline."""
    __tablename__ = "supervision_records"
    __table_args__ = (UniqueConstraint("case_id", "deadline_kind", "deadline_at",
                                       name="uq_supervision_once_per_deadline"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    deadline_kind: Mapped[str] = mapped_column(String(10))  # accept | resolve
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)  # open | closed
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)
    explanation_due: Mapped[bool] = mapped_column(default=False, server_default=false())  # 要求说明, awaiting the unit

    case: Mapped[Case] = relationship(back_populates="supervision_records")
    unit: Mapped[Unit | None] = relationship()
    actions: Mapped[list[SupervisionAction]] = relationship(
        back_populates="record", order_by="SupervisionAction.id", cascade="all, delete-orphan")


class SupervisionAction(db.Model):
    """What the supervisors and the unit did on a record: 催办, 要求说明, 情况说明, 办结销号."""
    __tablename__ = "supervision_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("supervision_records.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # remind | demand_explanation | explanation | close
    note: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    record: Mapped[SupervisionRecord] = relationship(back_populates="actions")


class Reminder(db.Model):
    """催办 sent to a unit at 80% of a limit, once per deadline."""
    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("case_id", "deadline_kind", "deadline_at",
                                       name="uq_reminder_once_per_deadline"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    deadline_kind: Mapped[str] = mapped_column(String(10))
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReturnVisit(db.Model):
    """回访: an information officer's call to the citizen after the case was resolved or closed."""
    __tablename__ = "return_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reached: Mapped[bool]
    rating: Mapped[str | None] = mapped_column(String(30))
    comment: Mapped[str | None] = mapped_column(Text)


class Photo(db.Model):
    """A photo of the problem (citizen, grid worker) or of the result (handler), stored on disk."""
    __tablename__ = "photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)  # unguessable, served as /media/<name>
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    stage: Mapped[str] = mapped_column(String(10), default="report")  # report | result
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
