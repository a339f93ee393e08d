"""考核 rollups: the additive ``Counts`` of every case, summed per local filing day and per month and
group (unit, town, major category, channel), kept current one case change at a time.

Each case has one *fact*: the rollup key it falls under and what it adds to the counts. When a case
changes, its old fact is taken away and its new one added (the key itself may change, e.g. on 改派 to
another unit), so the rollups always equal a recomputation from the cases.

One count depends on the clock rather than on the case: a dispatched case that is not accepted becomes
due for acceptance (及时签收率's denominator) when its accept deadline passes. A fact counts a deadline
that has passed when the fact is written; one still ahead is kept aside as ``pending_accept_due`` and
counted at query time once it has passed, from the few cases that carry one.
"""
from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .metrics import Counts

NONE = 0        # the key's id for "no unit / town / category yet" (triage, submitted)

# (local filing day, unit id, town id, major category id, channel)
Key = tuple[date, int, int, int, str]


@dataclass(frozen=True)
class Fact:
    """What one case adds to the rollups."""
    key: Key
    counts: Counts
    pending_accept_due: datetime | None = None   # accept deadline still ahead when the fact was written


def deltas(old: Iterable[Fact], new: Iterable[Fact]) -> dict[Key, Counts]:
    """What the rollups must add per key when the ``old`` facts of some cases become the ``new`` ones
    (a case that disappeared has no new fact, a new case no old one); keys that net to zero are left out."""
    changes: dict[Key, Counts] = {}
    for fact in old:
        changes[fact.key] = changes.get(fact.key, Counts()) - fact.counts
    for fact in new:
        changes[fact.key] = changes.get(fact.key, Counts()) + fact.counts
    return {key: counts for key, counts in changes.items() if not counts.is_zero()}


def month_of(day: date) -> date:
    return day.replace(day=1)


def by_month(daily: dict[Key, Counts]) -> dict[Key, Counts]:
    """Daily keys folded into monthly ones (the day becomes the first of its month)."""
    monthly: dict[Key, Counts] = {}
    for (day, *rest), counts in daily.items():
        key = (month_of(day), *rest)
        monthly[key] = monthly.get(key, Counts()) + counts
    return {key: counts for key, counts in monthly.items() if not counts.is_zero()}


def by_district_day(daily: dict[Key, Counts]) -> dict[tuple[date], Counts]:
    """Daily keys folded into one per day for the whole district."""
    district: dict[tuple[date], Counts] = {}
    for (day, *_), counts in daily.items():
        district[(day,)] = district.get((day,), Counts()) + counts
    return {key: counts for key, counts in district.items() if not counts.is_zero()}


@dataclass(frozen=True)
class Spans:
    """Where a period's figures come from: whole months from the monthly rollup (``months``: first and
    last month, inclusive, None for open-ended; None when no whole month is inside) and the remaining
    days from the daily one (``days``: inclusive ranges)."""
    months: tuple[date | None, date | None] | None
    days: tuple[tuple[date | None, date | None], ...] = ()


def spans(start: date | None, end: date | None) -> Spans:
    """Split the local dates ``start``..``end`` (inclusive, None for unbounded) into whole months and
    the days at either edge, so that a query reads few rollup rows however long the period is."""
    first = start if start is None or start.day == 1 else _next_month(start)
    last = end if end is None or end.day == monthrange(end.year, end.month)[1] else end.replace(day=1) - timedelta(1)
    if first is not None and last is not None and first > last:
        return Spans(months=None, days=((start, end),))
    days = []
    if start is not None and start < first:
        days.append((start, first - timedelta(1)))
    if end is not None and last < end:
        days.append((last + timedelta(1), end))
    return Spans(months=(first, month_of(last) if last else None), days=tuple(days))


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)
