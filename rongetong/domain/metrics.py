"""Performance evaluation (考核): the rates units are ranked by, each defined once, here.

Every rate is a fraction from 0 to 1, or None when its denominator is 0 (nothing to judge):

- received            诉求件数: cases filed in the period.
- accepted_on_time    及时签收率: of the cases a unit had to accept (dispatched to it), those accepted
                      by their accept deadline.
- return_rate         退单率: of the cases dispatched, those returned at least once.
- closure_rate        办结率: of the cases to be handled (received less rejected and police cases),
                      those resolved or closed.
- on_time_closure     按期办结率: of the resolved or closed cases, those resolved by their deadline.
- rework_rate         重办率: of the resolved or closed cases, those sent back as 重办.
- satisfaction_rate   满意率: (满意 + 基本满意) / rated, return visits (回访) counted like the
                      citizen's own rating; a case counts once, with its latest rating.
- supervision_closure 督办办结率: closed supervision records / supervision records.
- avg_handling_working_hours: mean working hours from dispatch to resolution.
- score               综合得分: weighted response (及时签收率), resolution (按期办结率) and satisfaction
                      (满意率); weights 30 / 35 / 35 by default; a missing rate counts as its weight's share
                      of the others.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields

DEFAULT_WEIGHTS = {"response": 0.30, "resolution": 0.35, "satisfaction": 0.35}


@dataclass(frozen=True)
class Counts:
    """What the database counts for a group of cases."""
    received: int = 0
    to_handle: int = 0            # received − rejected − police
    dispatched: int = 0
    due_accept: int = 0           # dispatched cases whose acceptance is due (accepted, or the deadline passed)
    accepted_on_time: int = 0
    returned: int = 0
    resolved: int = 0             # resolved or closed
    resolved_on_time: int = 0
    reworked: int = 0
    rated: int = 0
    satisfied: int = 0            # 满意 + 基本满意
    supervised: int = 0           # supervision records
    supervision_closed: int = 0
    handling_hours_total: float = 0.0
    handling_hours_cases: int = 0

    # Every field is additive: the counts of two disjoint groups of cases are the sum of their counts,
    # which is what lets the rollups (services.rollups) hold them per day and month.
    def __add__(self, other: Counts) -> Counts:
        return Counts(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})

    def __sub__(self, other: Counts) -> Counts:
        return Counts(**{f.name: getattr(self, f.name) - getattr(other, f.name) for f in fields(self)})

    def is_zero(self) -> bool:
        # Sums of working hours are floats: a difference of 1e-12 is nothing.
        return all(abs(getattr(self, f.name)) < 1e-6 for f in fields(self))


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@dataclass(frozen=True)
class Rates:
    received: int
    accepted_on_time_rate: float | None
    return_rate: float | None
    closure_rate: float | None
    on_time_closure_rate: float | None
    rework_rate: float | None
    rated: int
    satisfaction_rate: float | None
    supervised: int
    supervision_closure_rate: float | None
    avg_handling_working_hours: float | None
    score: float | None

    def as_dict(self) -> dict:
        return asdict(self)


def rates(c: Counts, weights: dict[str, float] = DEFAULT_WEIGHTS) -> Rates:
    response = rate(c.accepted_on_time, c.due_accept)
    resolution = rate(c.resolved_on_time, c.resolved)
    satisfaction = rate(c.satisfied, c.rated)
    return Rates(
        received=c.received,
        accepted_on_time_rate=response,
        return_rate=rate(c.returned, c.dispatched),
        closure_rate=rate(c.resolved, c.to_handle),
        on_time_closure_rate=resolution,
        rework_rate=rate(c.reworked, c.resolved),
        rated=c.rated,
        satisfaction_rate=satisfaction,
        supervised=c.supervised,
        supervision_closure_rate=rate(c.supervision_closed, c.supervised),
        avg_handling_working_hours=round(c.handling_hours_total / c.handling_hours_cases, 2)
        if c.handling_hours_cases else None,
        score=score({"response": response, "resolution": resolution, "satisfaction": satisfaction}, weights),
    )


def score(parts: dict[str, float | None], weights: dict[str, float] = DEFAULT_WEIGHTS) -> float | None:
    """The weighted mean of the rates that exist, as points out of 100."""
    present = {k: v for k, v in parts.items() if v is not None}
    total = sum(weights[k] for k in present)
    if not total:
        return None
    return round(100 * sum(weights[k] * v for k, v in present.items()) / total, 2)


def rank(rows: list[dict], key: str = "score") -> list[dict]:
    """Rank 1 for the best score; equal scores share a rank; groups without a score come last, unranked."""
    scored = sorted((r for r in rows if r.get(key) is not None), key=lambda r: -r[key])
    previous, position = None, 0
    for index, row in enumerate(scored, start=1):
        if row[key] != previous:
            position, previous = index, row[key]
        row["rank"] = position
    unscored = [r | {"rank": None} for r in rows if r.get(key) is None]
    return scored + unscored
