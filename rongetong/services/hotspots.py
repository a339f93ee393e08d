"""未诉先办: the periodic hotspot sweep, the alert list and acknowledging an alert.

The sweep counts, in one grouped query, each (grid, minor category)'s cases in the recent window and
in every baseline window, applies ``domain.hotspots.detect`` to the groups with recent cases, and
writes one alert per new spike with one notification through the outbox, in one commit.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, select, tuple_
from sqlalchemy import case as sql_case
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload

from ..domain import hotspots as rule
from ..domain.errors import ActionForbidden, NotFound
from ..domain.lifecycle import Actor, Role
from ..extensions import db
from ..models import Case, Grid, HotspotAlert, MinorCategory, Unit
from ..models.types import utcnow
from . import outbox


def _count_between(start: datetime, end: datetime):
    return func.sum(sql_case((and_(Case.created_at >= start, Case.created_at < end), 1), else_=0))


def _group_counts(w: rule.Windows):
    """Per (grid, minor) with recent cases: its town, the recent count and one count per baseline window."""
    recent = _count_between(w.start, w.end)
    return db.session.execute(
        select(Case.grid_id, Case.minor_id, Grid.town_id, recent,
               *[_count_between(start, end) for start, end in w.baseline()])
        .join(Grid, Grid.id == Case.grid_id)
        .where(Case.created_at >= w.baseline_start, Case.created_at < w.end, Case.minor_id.is_not(None))
        .group_by(Case.grid_id, Case.minor_id, Grid.town_id)
        .having(recent > 0)
    ).all()


def _already_alerted(keys: list[tuple[int, int]], w: rule.Windows) -> set[tuple[int, int]]:
    """Pairs with an alert whose window still overlaps this one: the same spike, already raised."""
    if not keys:
        return set()
    rows = db.session.execute(select(HotspotAlert.grid_id, HotspotAlert.minor_id).where(
        tuple_(HotspotAlert.grid_id, HotspotAlert.minor_id).in_(keys), HotspotAlert.window_end > w.start)).all()
    return {(grid_id, minor_id) for grid_id, minor_id in rows}


def _insert_new(rows: list[dict]) -> list[int]:
    """Insert alerts, skipping any a concurrent sweep wrote first (the unique key on grid, minor, window)."""
    if not rows:
        return []
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (dialect.insert(HotspotAlert).values(rows)
                 .on_conflict_do_nothing(index_elements=["grid_id", "minor_id", "window_start"])
                 .returning(HotspotAlert.id))
    return sorted(db.session.execute(statement).scalars())


def detect_hotspots(now: datetime | None = None) -> int:
    """Raise an alert for every (grid, minor) spiking in the recent window; returns how many are new."""
    now = now or utcnow()
    w = rule.windows(now)
    spikes = {}
    for grid_id, minor_id, town_id, recent, *baseline in _group_counts(w):
        spike = rule.detect(int(recent), [int(n or 0) for n in baseline])
        if spike is not None:
            spikes[(grid_id, minor_id)] = (town_id, spike)
    known = _already_alerted(list(spikes), w)
    rows = [{"grid_id": grid_id, "minor_id": minor_id, "town_id": town_id, "window_start": w.start,
             "window_end": w.end, "recent_count": spike.recent, "baseline_mean": spike.baseline_mean,
             "created_at": now}
            for (grid_id, minor_id), (town_id, spike) in sorted(spikes.items()) if (grid_id, minor_id) not in known]
    ids = _insert_new(rows)
    if ids:
        outbox.enqueue("notify.hotspots", ids=ids)
    outbox.commit()
    return len(ids)


# --- the dispatcher's and the town offices' views -------------------------------------------------

def town_of(actor: Actor) -> int | None:
    """The town a viewer is limited to: a handler's town office's town; None (all towns) for others."""
    if actor.role is not Role.HANDLER:
        return None
    unit = db.session.get(Unit, actor.unit_id) if actor.unit_id else None
    if unit is None or unit.kind != "town_office" or unit.town_id is None:
        raise ActionForbidden("只有镇街可以查看热点预警")
    return unit.town_id


def alerts(*, town_id: int | None = None, limit: int = 200) -> list[HotspotAlert]:
    """Alerts, newest first; a town's only when ``town_id`` is given."""
    query = select(HotspotAlert).options(
        selectinload(HotspotAlert.grid), selectinload(HotspotAlert.town),
        selectinload(HotspotAlert.minor).selectinload(MinorCategory.major))
    if town_id is not None:
        query = query.where(HotspotAlert.town_id == town_id)
    return list(db.session.scalars(query.order_by(HotspotAlert.created_at.desc(), HotspotAlert.id.desc())
                                   .limit(limit)))


def acknowledge(alert_id: int, actor: Actor) -> HotspotAlert:
    """The town office or the dispatcher has seen the alert; acknowledging twice changes nothing."""
    town_id = town_of(actor)
    alert = db.session.scalar(select(HotspotAlert).where(HotspotAlert.id == alert_id).with_for_update())
    if alert is None or (town_id is not None and alert.town_id != town_id):
        raise NotFound("热点预警不存在")
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by = utcnow(), actor.name
    outbox.commit()
    return alert
