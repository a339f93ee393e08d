"""考核 figures, read from the rollups (``services.rollups``): whole months from the monthly rollup, the
days at a period's edges and the per-day trend from the daily one, plus the accept deadlines that passed
since their case last changed. ``domain.metrics`` turns the counts into rates, scores and ranks."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, func, select

from ..domain import rollups as periods
from ..domain.metrics import Counts, rank, rates
from ..extensions import db
from ..models import Case, CaseFact, DailyStats, DistrictDailyStats, MajorCategory, MonthlyStats, Town, Unit
from ..models.types import utcnow
from .queries import where_codes
from .rollups import COUNTS
from .workflow import working_calendar


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
    """A case-level query narrowed to the filter (the cases a figure summarises)."""
    if f.start:
        query = query.where(Case.created_at >= _local_midnight(f.start))
    if f.end:
        query = query.where(Case.created_at < _local_midnight(f.end + timedelta(days=1)))
    return where_codes(query, unit=f.unit, town=f.town, category=f.category, channel=f.channel)


# dimension → (model named by the key, key column name)
GROUPS = {
    "units": (Unit, "unit_id"),
    "towns": (Town, "town_id"),
    "categories": (MajorCategory, "major_id"),
}


def _where(query: Select, source, period, lo: date | None, hi: date | None, f: StatsFilter) -> Select:
    if lo is not None:
        query = query.where(period >= lo)
    if hi is not None:
        query = query.where(period <= hi)
    for code, name, model in ((f.unit, "unit_id", Unit), (f.town, "town_id", Town),
                              (f.category, "major_id", MajorCategory)):
        if code:
            column = getattr(source, name)
            query = query.where(column == select(model.id).where(model.code == code).scalar_subquery())
    if f.channel:
        query = query.where(source.channel == f.channel)
    return query


def _counts(f: StatsFilter, group: str | None, *, by_day: bool = False) -> dict:
    """Counts per value of the ``group`` key column (one entry, key None, without a group)."""
    span = periods.Spans(months=None, days=((f.start, f.end),)) if by_day else periods.spans(f.start, f.end)
    # Per day for the whole district: one row a day instead of one per unit, town, category and channel.
    daily = DistrictDailyStats if by_day and not (f.unit or f.town or f.category or f.channel) else DailyStats
    parts = [(daily, daily.day, lo, hi) for lo, hi in span.days]
    if span.months:
        parts.append((MonthlyStats, MonthlyStats.month, *span.months))
    totals: dict = {}
    for model, period, lo, hi in parts:
        key = [getattr(model, group)] if group else []
        query = select(*key, *[func.sum(getattr(model, name)).label(name) for name in COUNTS])
        for row in db.session.execute(_where(query, model, period, lo, hi, f).group_by(*key)):
            if row.received is None:  # SUM over no rows
                continue
            counts = Counts(**{name: row._mapping[name] for name in COUNTS})
            value = row[0] if group else None
            totals[value] = totals.get(value, Counts()) + counts
    # Accept deadlines that passed after their case's fact was written are due now.
    key = [getattr(CaseFact, group)] if group else []
    late = _where(select(*key, func.count()), CaseFact, CaseFact.day, f.start, f.end, f) \
        .where(CaseFact.pending_accept_due < utcnow()).group_by(*key)
    for row in db.session.execute(late):
        value = row[0] if group else None
        totals[value] = totals.get(value, Counts()) + Counts(due_accept=row[-1])
    # A group whose cases all moved elsewhere keeps a row of zeros; it has no figures.
    return {value: counts for value, counts in totals.items() if counts.received > 0}


def summary(f: StatsFilter) -> dict:
    return rates(_counts(f, None).get(None, Counts())).as_dict()


def grouped(dimension: str, f: StatsFilter) -> list[dict]:
    """Per unit, town or major category, ranked by score (rank 1 the best)."""
    model, column = GROUPS[dimension]
    counts = _counts(f, column)
    names = db.session.execute(select(model.id, model.code, model.name).where(model.id.in_(counts))).all()
    rows = [{"code": code, "name": name} | rates(counts[key]).as_dict()
            for key, code, name in sorted(names, key=lambda n: n.code)]
    return rank(rows)


def trend(f: StatsFilter) -> list[dict]:
    """Per local day of filing."""
    return [{"date": str(day)} | rates(counts).as_dict()
            for day, counts in sorted(_counts(f, "day", by_day=True).items())]
