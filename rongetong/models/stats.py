"""考核 rollups: each case's contribution to the counts (its fact), and their sums per day and per month.

Derived data, kept current by ``services.rollups`` in the transaction of every case change and rebuilt
from the cases by ``flask rebuild-stats``. Ids are plain integers (0 = none yet), not foreign keys: a key
must be comparable in a primary key, and these rows are never the source of truth.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Index, PrimaryKeyConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime


class _Counts:
    """The fields of ``domain.metrics.Counts``, by the same names."""
    received: Mapped[int] = mapped_column(default=0)
    to_handle: Mapped[int] = mapped_column(default=0)
    dispatched: Mapped[int] = mapped_column(default=0)
    due_accept: Mapped[int] = mapped_column(default=0)
    accepted_on_time: Mapped[int] = mapped_column(default=0)
    returned: Mapped[int] = mapped_column(default=0)
    resolved: Mapped[int] = mapped_column(default=0)
    resolved_on_time: Mapped[int] = mapped_column(default=0)
    reworked: Mapped[int] = mapped_column(default=0)
    rated: Mapped[int] = mapped_column(default=0)
    satisfied: Mapped[int] = mapped_column(default=0)
    supervised: Mapped[int] = mapped_column(default=0)
    supervision_closed: Mapped[int] = mapped_column(default=0)
    handling_hours_total: Mapped[float] = mapped_column(default=0.0)
    handling_hours_cases: Mapped[int] = mapped_column(default=0)


class _Key:
    unit_id: Mapped[int]
    town_id: Mapped[int]
    major_id: Mapped[int]
    channel: Mapped[str] = mapped_column(String(20))


class CaseFact(_Counts, db.Model):
    """One case's contribution, as last added to the rollups."""
    __tablename__ = "stats_case_facts"
    __table_args__ = (
        Index("ix_stats_case_facts_pending_accept_due", "pending_accept_due",
              postgresql_where="pending_accept_due IS NOT NULL", sqlite_where="pending_accept_due IS NOT NULL"),
    )

    case_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    day: Mapped[date] = mapped_column(Date)         # local day of filing
    unit_id: Mapped[int]
    town_id: Mapped[int]
    major_id: Mapped[int]
    channel: Mapped[str] = mapped_column(String(20))
    # An accept deadline still ahead when the fact was written: due_accept counts it once it has passed.
    pending_accept_due: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DailyStats(_Counts, _Key, db.Model):
    __tablename__ = "stats_daily"
    # The period first: every query reads a range of days or months.
    __table_args__ = (PrimaryKeyConstraint("day", "unit_id", "town_id", "major_id", "channel"),)

    day: Mapped[date] = mapped_column(Date)


class MonthlyStats(_Counts, _Key, db.Model):
    __tablename__ = "stats_monthly"
    __table_args__ = (PrimaryKeyConstraint("month", "unit_id", "town_id", "major_id", "channel"),)

    month: Mapped[date] = mapped_column(Date)   # the first of the month


class DistrictDailyStats(_Counts, db.Model):
    """The whole district per day: the trend without a filter reads one row per day."""
    __tablename__ = "stats_district_daily"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
