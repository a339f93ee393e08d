"""智能派遣 as a use case: build the in-memory router from the database and route a filed case."""
from __future__ import annotations

import time
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from ..domain.lifecycle import SYSTEM, Action
from ..domain.routing import GridArea, Outcome, RouteDecision, Router
from ..extensions import db
from ..models import Case, Grid, KeywordChange, MinorCategory, RoutingModelRecord, Town, Unit
from ..models.types import utcnow
from . import learning, outbox
from .workflow import assign_lead, load_case, transition

_ROUTER_KEY = "rongetong.router"

OUTCOME_ACTIONS = {Outcome.DISPATCH: Action.ROUTE, Outcome.TRIAGE: Action.ROUTE_TRIAGE,
                   Outcome.POLICE: Action.ROUTE_POLICE}


def build_router() -> Router:
    """Grids, the keyword library and the newest trained model, from the database.

    Without a stored model yet, one is trained in memory (nothing is written: previews stay read-only).
    """
    grids = [GridArea(g.code, g.name, g.town.code, g.geometry)
             for g in db.session.scalars(select(Grid).options(selectinload(Grid.town)))]
    town_units = {u.town.code: u.code for u in db.session.scalars(
        select(Unit).where(Unit.kind == "town_office").options(selectinload(Unit.town)))}
    model = learning.latest_model() or learning.train()
    return Router(grids, learning.library_rules(), town_units, current_app.config["ROUTING_MIN_CONFIDENCE"], model)


def _generation() -> tuple:
    """Changes when the grids, the keyword library or the model change — in any process."""
    return db.session.execute(select(
        select(func.max(RoutingModelRecord.id)).scalar_subquery(),
        select(func.max(KeywordChange.id)).scalar_subquery(),
        select(func.count(Grid.id)).scalar_subquery(),
        select(func.max(Grid.id)).scalar_subquery(),
    )).one()


def get_router() -> Router:
    """The process's router, rebuilt when another process retrains the model or edits the library
    (checked at most every ``ROUTER_REFRESH_SECONDS``)."""
    cached = current_app.extensions.get(_ROUTER_KEY)
    now = time.monotonic()
    if cached and now - cached[2] < current_app.config["ROUTER_REFRESH_SECONDS"]:
        return cached[0]
    generation = _generation()
    if cached and cached[1] == generation:
        current_app.extensions[_ROUTER_KEY] = (cached[0], generation, now)
        return cached[0]
    router = build_router()
    current_app.extensions[_ROUTER_KEY] = (router, generation, now)
    return router


def invalidate_router() -> None:
    current_app.extensions.pop(_ROUTER_KEY, None)


def preview(description: str, lat: float | None, lng: float | None) -> RouteDecision:
    """What routing would decide, with no database write: the very engine that routes filings."""
    return get_router().route(description, lat, lng)


def town_name(code: str) -> str | None:
    return db.session.scalar(select(Town.name).where(Town.code == code))


def unit_name(code: str) -> str | None:
    return db.session.scalar(select(Unit.name).where(Unit.code == code))


def explain(decision: RouteDecision) -> dict:
    """The routing explanation kept with the case and shown to dispatchers."""
    return {
        "outcome": decision.outcome.value,
        "reason": decision.reason,
        "confidence": decision.confidence,
        "matched_keywords": decision.matched_keywords,
        "grid": decision.grid.code if decision.grid else None,
        "category": decision.category.minor_code if decision.category else None,
        "unit": decision.unit_code,
        "scores": [{"major": s.rule.major_code, "minor": s.rule.minor_code, "name": s.rule.minor_name,
                    "score": s.score, "model_probability": s.model_probability, "matched": list(s.matched)}
                   for s in decision.scores[:5]],
    }


def route_case(case_id: int) -> str | None:
    """Route a submitted case. Safe to run twice: a case no longer ``submitted`` is left alone."""
    case = load_case(case_id, for_update=True)
    if case is None or case.status != "submitted":
        outbox.rollback()
        return None
    decision = get_router().route(case.description, case.lat, case.lng)
    apply_decision(case, decision)
    outbox.commit()
    return decision.outcome.value


def requeue_stuck(now: datetime | None = None, limit: int = 500) -> int:
    """Queue routing again for cases still ``submitted`` long after it was queued.

    The database, not the broker, says what is left to do: a message lost with a killed worker
    or a flushed Redis is replaced here. Running the route task twice is harmless.
    """
    now = now or utcnow()
    cutoff = now - timedelta(seconds=current_app.config["ROUTING_STUCK_AFTER_SECONDS"])
    candidates = select(Case.id).where(Case.status == "submitted", Case.route_requested_at < cutoff) \
        .order_by(Case.id).limit(limit)
    # A set-based UPDATE: it neither bumps the version of a case a worker is routing right now
    # nor touches one that has just left `submitted`.
    stuck = db.session.scalars(
        update(Case).where(Case.id.in_(candidates.scalar_subquery()), Case.status == "submitted")
        .values(route_requested_at=now).returning(Case.id)
        .execution_options(synchronize_session=False)).all()
    for case_id in stuck:
        outbox.enqueue("dispatch.route_case", case_id=case_id)
    outbox.commit()
    return len(stuck)


def apply_decision(case: Case, decision: RouteDecision, *, at: datetime | None = None) -> None:
    """Record where the case is and what it is, then move it by the routing outcome."""
    if decision.grid:
        grid = db.session.scalar(select(Grid).where(Grid.code == decision.grid.code))
        case.grid, case.town = grid, grid.town
    if decision.category:
        minor = db.session.scalar(select(MinorCategory).where(MinorCategory.code == decision.category.minor_code))
        case.minor, case.major = minor, minor.major
        case.police, case.urgent = minor.major.police, minor.urgent
    case.routing = explain(decision)
    transition(case, OUTCOME_ACTIONS[decision.outcome], SYSTEM, note=decision.reason,
               data={"confidence": decision.confidence, "matched_keywords": decision.matched_keywords}, at=at)
    if decision.outcome is Outcome.DISPATCH:
        assign_lead(case, db.session.scalar(select(Unit).where(Unit.code == decision.unit_code)), at=at)
    elif decision.outcome is Outcome.POLICE and case.id is not None:
        outbox.enqueue("dispatch.push_police", case_id=case.id)

