"""The leader's dashboard (领导驾驶舱): the grid map's per-grid counts and the chart data, read from
``stats`` (the 考核 figures) and ``hotspots`` so every number means what it means in the reports."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, func, select

from ..domain.geo import display_geometries
from ..domain.lifecycle import CHANNEL_LABELS, State
from ..extensions import db
from ..models import Case, Grid, Town
from ..models.types import utcnow
from . import hotspots, stats
from .workflow import working_calendar

# 在办: cases some unit or panel still has to act on. Resolved cases wait only for the citizen's
# rating, and police cases left the platform, so neither colours the map.
OPEN_STATES = (State.SUBMITTED, State.TRIAGE, State.DISPATCHED, State.ACCEPTED, State.REVIEW_L1, State.REVIEW_L2)

PERIODS = (7, 30, 90)


def grid_map() -> dict:
    """Every grid as a GeoJSON feature with its open and overdue case counts (one grouped query), its
    boundary thinned for the map: every surveyed point would make the page download over a megabyte."""
    now = utcnow()
    counts = (select(Case.grid_id,
                     func.sum(case((Case.status.in_([s.value for s in OPEN_STATES]), 1), else_=0)).label("open"),
                     func.sum(case((Case.is_overdue(now), 1), else_=0)).label("overdue"))
              .where(Case.grid_id.is_not(None)).group_by(Case.grid_id).subquery())
    # The counts are grouped before the join: PostgreSQL cannot group by the JSON geometry.
    rows = db.session.execute(
        select(Grid.code, Grid.name, Grid.geometry, Town.code.label("town_code"), Town.name.label("town_name"),
               counts.c.open, counts.c.overdue)
        .join(Town, Town.id == Grid.town_id)
        .outerjoin(counts, counts.c.grid_id == Grid.id)
        .order_by(Grid.code)
    ).all()
    return {"type": "FeatureCollection", "features": [{
        "type": "Feature", "geometry": geometry,
        "properties": {"code": r.code, "name": r.name, "town_code": r.town_code, "town_name": r.town_name,
                       "open": int(r.open or 0), "overdue": int(r.overdue or 0)},
    } for r, geometry in zip(rows, display_geometries([r.geometry for r in rows]))]}


@dataclass(frozen=True)
class Period:
    days: int
    start: date
    end: date

    @property
    def filter(self) -> stats.StatsFilter:
        return stats.StatsFilter(start=self.start, end=self.end)


def period(days: int) -> Period:
    """The last ``days`` local days, today included; an unknown length falls back to 30."""
    days = days if days in PERIODS else 30
    today = utcnow().astimezone(working_calendar().tz).date()
    return Period(days, today - timedelta(days=days - 1), today)


def overdue_now() -> int:
    return db.session.scalar(select(func.count(Case.id)).where(Case.is_overdue(utcnow()))) or 0


def intake_by_channel(p: Period) -> dict:
    """Cases filed per local day and channel (zeros filled in), for a stacked chart."""
    days = [str(p.start + timedelta(days=i)) for i in range(p.days)]
    series = []
    for channel, label in CHANNEL_LABELS.items():
        per_day = {row["date"]: row["received"] for row in stats.trend(
            stats.StatsFilter(start=p.start, end=p.end, channel=channel))}
        if per_day:
            series.append({"name": label, "data": [per_day.get(day, 0) for day in days]})
    return {"days": days, "series": series}


def data(days: int = 30) -> dict:
    """Everything the dashboard draws, for ``days`` back from today."""
    p = period(days)
    figures = stats.summary(p.filter)
    categories = sorted((row for row in stats.grouped("categories", p.filter) if row["received"]),
                        key=lambda row: (-row["received"], row["code"]))[:10]
    units = [row for row in stats.grouped("units", p.filter) if row["received"]]
    return {
        "period": {"days": p.days, "start": str(p.start), "end": str(p.end)},
        "figures": figures | {"overdue_now": overdue_now()},
        "intake": intake_by_channel(p),
        "categories": [{"code": r["code"], "name": r["name"], "received": r["received"]} for r in categories],
        "units": [{"code": r["code"], "name": r["name"], "received": r["received"],
                   "closure_rate": r["closure_rate"], "on_time_closure_rate": r["on_time_closure_rate"],
                   "satisfaction_rate": r["satisfaction_rate"], "rank": r["rank"]} for r in units],
    }


def hotspot_alerts(limit: int = 12):
    return hotspots.alerts(limit=limit)
