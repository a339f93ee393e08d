"""智能派遣 as a use case: build the in-memory router from the database and route a filed case."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from ..domain.lifecycle import SYSTEM, Action
from ..domain.routing import CategoryRule, GridArea, Outcome, RouteDecision, Router
from ..extensions import db
from ..models import Case, Grid, MinorCategory, Unit
from ..models.types import utcnow
from . import outbox
from .workflow import assign_lead, load_case, transition

_ROUTER_KEY = "rongetong.router"

OUTCOME_ACTIONS = {Outcome.DISPATCH: Action.ROUTE, Outcome.TRIAGE: Action.ROUTE_TRIAGE,
                   Outcome.POLICE: Action.ROUTE_POLICE}


def build_router() -> Router:
    grids = [GridArea(g.code, g.name, g.town.code, g.geometry)
             for g in db.session.scalars(select(Grid).options(selectinload(Grid.town)))]
    minors = db.session.scalars(
        select(MinorCategory).options(selectinload(MinorCategory.major), selectinload(MinorCategory.unit)))
    rules = [CategoryRule(
        minor_code=m.code, minor_name=m.name, major_code=m.major.code, major_name=m.major.name,
        unit_code=m.unit.code if m.unit else None, police=m.major.police, urgent=m.urgent,
        keywords=tuple(m.keywords or ()), synonyms=tuple(m.synonyms or ()), negative=tuple(m.negative or ()),
    ) for m in minors]
    town_units = {u.town.code: u.code for u in db.session.scalars(
        select(Unit).where(Unit.kind == "town_office").options(selectinload(Unit.town)))}
    return Router(grids, rules, town_units, current_app.config["ROUTING_MIN_CONFIDENCE"])


def get_router() -> Router:
    """The process's router, built on first use; ``invalidate_router`` after grids or keywords change."""
    router = current_app.extensions.get(_ROUTER_KEY)
    if router is None:
        router = current_app.extensions[_ROUTER_KEY] = build_router()
    return router


def invalidate_router() -> None:
    current_app.extensions.pop(_ROUTER_KEY, None)


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
        "scores": [{"minor": s.rule.minor_code, "name": s.rule.minor_name, "score": s.score,
                    "matched": list(s.matched)} for s in decision.scores[:5]],
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

