"""考核 figures: one aggregate query counts what ``domain.metrics`` turns into rates, for the whole
district or grouped by unit, town, major category, channel or day."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, and_, case, func, literal, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql import ColumnElement

from ..domain.metrics import Counts, rank, rates
from ..extensions import db
from ..models import Case, MajorCategory, Rating, SupervisionRecord, Town, Unit
from ..models.types import utcnow
from .queries import where_codes
from .workflow import working_calendar

SATISFIED = ("satisfied", "basically_satisfied")


@dataclass(frozen=True)
class StatsFilter:
    start: date | None = None        # local dates, inclusive
    end: date | None = None
    unit: str | None = None
    town: str | None = None
    category: str | None = None      # a major category code
    channel: str | None = None


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=working_calendar().tz)


def filtered(query: Select, f: StatsFilter) -> Select:
    if f.start:
        query = query.where(Case.created_at >= _local_midnight(f.start))
    if f.end:
        query = query.where(Case.created_at < _local_midnight(f.end + timedelta(days=1)))
    return where_codes(query, unit=f.unit, town=f.town, category=f.category, channel=f.channel)


def _count(condition: ColumnElement) -> ColumnElement:
    return func.sum(case((condition, 1), else_=0))


def _counting(*leading: ColumnElement) -> Select:
    """``leading`` columns and the counts, over the cases with their supervision records and latest rating
    joined in (one pass over each table, no per-case subquery)."""
    now = utcnow()
    records = (select(SupervisionRecord.case_id, func.count().label("n"),
                      _count(SupervisionRecord.status == "closed").label("closed"))
               .group_by(SupervisionRecord.case_id).subquery())
    latest = select(Rating.case_id, func.max(Rating.id).label("rating_id")).group_by(Rating.case_id).subquery()
    last_rating = aliased(Rating)
    resolved = and_(Case.resolved_at.is_not(None), Case.status.in_(("resolved", "closed")))
    return (select(
        *leading,
        func.count(Case.id).label("received"),
        _count(Case.status.not_in(("rejected", "police"))).label("to_handle"),
        _count(Case.dispatched_at.is_not(None)).label("dispatched"),
        _count(and_(Case.dispatched_at.is_not(None),
                    (Case.accepted_at.is_not(None)) | (Case.accept_due < now))).label("due_accept"),
        _count(and_(Case.accepted_at.is_not(None), Case.accepted_at <= Case.accept_due)).label("accepted_on_time"),
        _count(Case.return_count > 0).label("returned"),
        _count(resolved).label("resolved"),
        _count(and_(resolved, Case.resolved_at <= Case.resolve_due)).label("resolved_on_time"),
        _count(and_(resolved, Case.rework)).label("reworked"),
        func.count(last_rating.id).label("rated"),
        _count(last_rating.rating.in_(SATISFIED)).label("satisfied"),
        func.coalesce(func.sum(records.c.n), 0).label("supervised"),
        func.coalesce(func.sum(records.c.closed), 0).label("supervision_closed"),
        func.coalesce(func.sum(Case.handling_working_hours), 0.0).label("handling_hours_total"),
        func.count(Case.handling_working_hours).label("handling_hours_cases"),
    ).select_from(Case)
        .outerjoin(records, records.c.case_id == Case.id)
        .outerjoin(latest, latest.c.case_id == Case.id)
        .outerjoin(last_rating, last_rating.id == latest.c.rating_id))


def _counts(row) -> Counts:
    """The row as Counts; SUM over no rows is NULL, which counts as 0."""
    values = {name: row._mapping[name] or 0 for name in Counts.__dataclass_fields__}
    return Counts(**{name: float(v) if name == "handling_hours_total" else int(v) for name, v in values.items()})


def summary(f: StatsFilter) -> dict:
    row = db.session.execute(filtered(_counting(), f)).one()
    return rates(_counts(row)).as_dict()


GROUPS = {
    "units": (Unit, Case.unit_id),
    "towns": (Town, Case.town_id),
    "categories": (MajorCategory, Case.major_id),
}


def grouped(dimension: str, f: StatsFilter) -> list[dict]:
    """Per unit, town or major category, ranked by score (rank 1 the best)."""
    model, key = GROUPS[dimension]
    query = _counting(model.code, model.name).join(model, key == model.id).group_by(model.code, model.name)
    rows = [{"code": r.code, "name": r.name} | rates(_counts(r)).as_dict()
            for r in db.session.execute(filtered(query, f))]
    return rank(rows)


def trend(f: StatsFilter) -> list[dict]:
    """Per local day of filing."""
    day = _local_day()
    query = _counting(day.label("day")).group_by(day).order_by(day)
    return [{"date": str(r.day)} | rates(_counts(r)).as_dict() for r in db.session.execute(filtered(query, f))]


def _local_day() -> ColumnElement:
    zone = working_calendar().tz.key
    if db.engine.dialect.name == "postgresql":
        return func.date(func.timezone(zone, Case.created_at))
    offset = working_calendar().tz.utcoffset(datetime(2026, 1, 1)).total_seconds() / 3600
    return func.date(Case.created_at, literal(f"{offset:+.0f} hours"))
