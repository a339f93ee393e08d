"""``flask seed-demo``: the district's reference data, demo staff and a realistic case history.

Idempotent: reference data is upserted by code, users are created when missing, and the history
is generated only into an empty case table.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import shapely
from flask import current_app
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import func, select

from ..domain.lifecycle import CITIZEN, Action, Actor, Role
from ..domain.routing import Outcome
from ..extensions import db
from ..models import Case, Grid, MinorCategory, Rating, RoutingFeedback, SupervisionRecord, Town, Unit, User
from ..models.types import utcnow
from ..services import learning, supervision
from ..services.cases import handling_hours
from ..services.routing import apply_decision, get_router, invalidate_router
from ..services.taxonomy import load_taxonomy, read_csv
from ..services.workflow import assign_lead, new_tracking_code, record_submission, transition, working_calendar
from .geography import TOWNS, demo_grids

STAFF = (  # username, display name, role
    ("admin", "系统管理员", Role.ADMIN),
    ("dispatcher", "指挥中心值班员", Role.DISPATCHER),
    ("gridworker", "网格员张敏", Role.GRID_WORKER),
    ("reviewer", "研判专家组", Role.REVIEWER),
    ("leader", "领导小组", Role.LEADER),
    ("supervisor", "纪委监委督查室", Role.SUPERVISOR),
    ("officer", "回访信息员", Role.OFFICER),
)
GRID_WORKER_GRID = "zhongxinjie-001"
CHANNEL_WEIGHTS = {"wechat": 36, "grid": 40, "hotline": 8, "police110": 5, "road_chief": 4, "media": 7}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
JUST_FILED = 3  # so the demo shows every state, `submitted` included


def seed_demo(*, cases: int = 3000, seed: int = 20261125, retrain: bool = True) -> dict:
    """Reference data, demo users and ``cases`` cases of history; ``retrain``: the routing model learns
    from the history (a history only for the figures can skip it)."""
    towns = _seed_geography()
    load_taxonomy()
    db.session.flush()
    offices = _seed_town_offices(towns)
    users = _seed_users(offices)
    db.session.commit()
    invalidate_router()
    created = 0
    if cases and not db.session.scalar(select(func.count(Case.id))):
        created = CaseHistory(random.Random(seed)).generate(cases)
        db.session.commit()
    supervised = supervision.sweep_overdue()
    if (created and retrain) or learning.latest_model() is None:
        learning.retrain()  # the history's confirmed cases teach the routing model
    return {"towns": len(towns), "grids": db.session.scalar(select(func.count(Grid.id))),
            "users": users, "cases": created, "supervised": supervised}


def _seed_geography() -> dict[str, Town]:
    towns = {}
    for layout in TOWNS:
        town = db.session.scalar(select(Town).where(Town.code == layout.code)) or Town(code=layout.code)
        town.name, town.kind = layout.name, layout.kind
        db.session.add(town)
        towns[layout.code] = town
    db.session.flush()
    existing = set(db.session.scalars(select(Grid.code)))
    for grid in demo_grids():
        if grid.code not in existing:
            db.session.add(Grid(code=grid.code, name=grid.name, town_id=towns[grid.town_code].id,
                                geometry=grid.geometry))
    return towns


def _seed_town_offices(towns: dict[str, Town]) -> list[Unit]:
    offices = []
    for town in towns.values():
        code = f"office-{town.code}"
        unit = db.session.scalar(select(Unit).where(Unit.code == code)) or Unit(code=code)
        unit.name = f"{town.name}办事处" if town.kind == "street" else f"{town.name}人民政府"
        unit.kind, unit.town_id = "town_office", town.id
        db.session.add(unit)
        offices.append(unit)
    db.session.flush()
    return offices


def _seed_users(offices: list[Unit]) -> int:
    password = current_app.config["DEMO_PASSWORD"]
    existing = set(db.session.scalars(select(User.username)))
    grid = db.session.scalar(select(Grid).where(Grid.code == GRID_WORKER_GRID))
    accounts = [(username, name, role, None) for username, name, role in STAFF]
    units = db.session.scalars(select(Unit).order_by(Unit.kind, Unit.code)).all()
    accounts += [(f"handler-{u.code}", f"{u.name}承办人", Role.HANDLER, u) for u in units]
    created = 0
    for username, name, role, unit in accounts:
        if username in existing:
            continue
        user = User(username=username, display_name=name, role=role.value, unit=unit,
                    grid_id=grid.id if role is Role.GRID_WORKER else None)
        user.set_password(password)
        db.session.add(user)
        created += 1
    return created


def demo_logins() -> list[tuple[str, str]]:
    """(username, role) of every demo account, for ``make run`` to print."""
    return [(u.username, u.role) for u in db.session.scalars(select(User).order_by(User.role, User.username))]


@dataclass
class _Plan:
    """How far a generated case has got, drawn from its age."""
    final: str
    late_accept: bool = False
    late_resolve: bool = False
    rework: bool = False


class CaseHistory:
    """Generates past cases by driving the real state machine with simulated times."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.now = utcnow()
        self.calendar = working_calendar()
        self.router = get_router()
        self.complaints = [(r["minor"], r["text"]) for r in read_csv("demo_complaints.csv")]
        self.grids = db.session.scalars(select(Grid)).all()
        self.shapes: dict[int, BaseGeometry] = {}
        self.units = {u.code: u for u in db.session.scalars(select(Unit))}
        self.minors = {m.code: m for m in db.session.scalars(select(MinorCategory))}
        self.handlers = {u.unit_id: u for u in db.session.scalars(select(User).where(User.role == "handler"))}
        self.staff = {u.role: u for u in db.session.scalars(select(User).where(User.role != "handler"))}

    def actor(self, role: Role, unit_id: int | None = None) -> Actor:
        user = self.handlers.get(unit_id) if role is Role.HANDLER else self.staff.get(role.value)
        return Actor(role, user.display_name, user.id, user.unit_id) if user else Actor(role, role.value)

    def generate(self, count: int) -> int:
        # Built in memory and flushed in batches: an autoflush per query would write case by case.
        with db.session.no_autoflush:
            for number in range(1, count + 1):
                self._one_case()
                if number % 500 == 0:
                    db.session.flush()
            self.just_filed(JUST_FILED)
        return count + JUST_FILED

    def _plan(self, age_days: float) -> _Plan:
        r = self.rng.random()
        late_accept = self.rng.random() < 0.06
        late_resolve = self.rng.random() < 0.08
        if age_days > 12:
            final = ("closed" if r < 0.86 else "resolved" if r < 0.90 else "rejected" if r < 0.92
                     else "review_l1" if r < 0.94 else "review_l2" if r < 0.95 else "accepted")
        else:
            final = ("closed" if r < 0.35 else "resolved" if r < 0.50 else "accepted" if r < 0.75
                     else "dispatched" if r < 0.88 else "review_l1" if r < 0.92 else "triage" if r < 0.97
                     else "rejected")
        return _Plan(final, late_accept, late_resolve, rework=self.rng.random() < 0.03)

    def just_filed(self, count: int) -> None:
        """Cases filed moments ago, still waiting for routing (the relay routes them within a minute)."""
        for seconds in range(count):
            self._new_case(self.now - timedelta(seconds=20 + seconds), route_requested=True)

    def _one_case(self) -> None:
        age_days = 90 * self.rng.random() ** 1.3  # more recent cases than old ones
        at = self.now - timedelta(days=age_days, minutes=self.rng.randint(0, 600))
        case, minor = self._new_case(at)
        self._advance(case, minor, self._plan(age_days), at + timedelta(minutes=self.rng.randint(1, 5)))

    def _new_case(self, at: datetime, route_requested: bool = False) -> tuple[Case, str]:
        """A case of a sample complaint at a random point of a random grid, and the complaint's true minor."""
        rng = self.rng
        minor, text = rng.choice(self.complaints)
        grid = rng.choice(self.grids)
        channel = rng.choices(list(CHANNEL_WEIGHTS), weights=list(CHANNEL_WEIGHTS.values()))[0]
        lat, lng = self._point_in(grid)
        case = Case(tracking_code=new_tracking_code(), status="submitted", description=text, channel=channel,
                    lat=lat, lng=lng,
                    reporter_name=rng.choice(SURNAMES) + rng.choice("先生女士"),
                    reporter_phone=f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}",
                    created_at=at, updated_at=at, route_requested_at=at if route_requested else None)
        db.session.add(case)
        record_submission(case, CITIZEN, at=at)
        return case, minor

    def _point_in(self, grid: Grid) -> tuple[float, float]:
        """(lat, lng) uniformly at random in the grid: drawn in its bounding box until one falls inside."""
        if grid.id not in self.shapes:
            self.shapes[grid.id] = shape(grid.geometry)
        area = self.shapes[grid.id]
        west, south, east, north = area.bounds
        while True:
            lat, lng = round(self.rng.uniform(south, north), 6), round(self.rng.uniform(west, east), 6)
            if shapely.intersects_xy(area, lng, lat):
                return lat, lng

    def _advance(self, case: Case, true_minor: str, plan: _Plan, at: datetime) -> None:
        rng, cal = self.rng, self.calendar
        decision = self.router.route(case.description, case.lat, case.lng)
        apply_decision(case, decision, at=at)
        if decision.outcome is Outcome.POLICE:
            return
        misrouted = decision.outcome is Outcome.DISPATCH and decision.category.major_code != true_minor[:2]
        if decision.outcome is Outcome.TRIAGE or misrouted:
            if plan.final == "triage":
                return
            at = cal.add_working_minutes(at, rng.randint(5, 90))
            if not self._before_now(at):
                return
            if misrouted:  # the wrong unit returns it (退单) within its window
                transition(case, Action.RETURN, self.actor(Role.HANDLER, case.unit_id), at=at, note="不属于本单位职责")
                self._feedback(case, "return", at)
                case.return_count, at = 1, cal.add_working_minutes(at, rng.randint(5, 60))
            if plan.final == "rejected":
                transition(case, Action.REJECT, self.actor(Role.DISPATCHER), at=at, note="不属于受理范围，已告知诉求人")
                case.closed_at = at
                return
            self._redispatch(case, true_minor, at)
        elif plan.final == "rejected":
            plan.final = "closed"
        if plan.final in ("dispatched", "triage"):
            return
        self._handle(case, plan, at)

    def _redispatch(self, case: Case, true_minor: str, at: datetime) -> None:
        """The command centre dispatches by hand to the right unit under the right category (改派)."""
        minor = self.minors[true_minor]
        unit = minor.unit or self.units[f"office-{case.grid.town.code}"]
        case.minor, case.major, case.urgent = minor, minor.major, minor.urgent
        transition(case, Action.DISPATCH, self.actor(Role.DISPATCHER), at=at, note=f"人工派遣至{unit.name}",
                   data={"department": unit.code, "category": minor.code})
        self._feedback(case, "redispatch", at, corrected_unit=unit.code, corrected_minor=minor.code)
        assign_lead(case, unit, at=at)

    def _feedback(self, case: Case, source: str, at: datetime, **corrected) -> None:
        if not (case.routing or {}).get("category"):
            return
        db.session.flush()  # the case needs its id
        db.session.add(RoutingFeedback(case_id=case.id, source=source, predicted_minor=case.routing["category"],
                                       predicted_unit=case.routing["unit"], created_at=at, **corrected))

    def _handle(self, case: Case, plan: _Plan, at: datetime) -> None:
        rng, cal = self.rng, self.calendar
        handler = self.actor(Role.HANDLER, case.unit_id)
        accept_at = (cal.add_working_minutes(case.accept_due, rng.randint(10, 300)) if plan.late_accept
                     else cal.add_working_minutes(at, rng.randint(3, 100)))
        if not self._before_now(accept_at):
            return
        if accept_at > case.accept_due:
            self._supervised(case, "accept", case.accept_due, accept_at)
        transition(case, Action.ACCEPT, handler, at=accept_at, note="签收")
        case.accepted_at = accept_at
        if plan.final in ("review_l1", "review_l2"):
            escalate_at = cal.add_working_hours(accept_at, rng.randint(2, 16))
            if not self._before_now(escalate_at):
                return
            transition(case, Action.ESCALATE, handler, at=escalate_at, note="涉及多个部门职责，申请研判")
            if plan.final == "review_l2":
                decide_at = cal.add_working_days(escalate_at, rng.randint(1, 3))
                if self._before_now(decide_at):
                    transition(case, Action.DECIDE_ESCALATE, self.actor(Role.REVIEWER), at=decide_at,
                               note="专题会议研究：问题重大，提请二级研判")
            return
        if plan.final == "accepted":
            return
        resolve_at = self._resolve_time(case, plan, accept_at)
        if not self._before_now(resolve_at):
            return
        self._resolve(case, handler, resolve_at)
        if plan.rework:
            rate_at = resolve_at + timedelta(hours=rng.randint(2, 30))
            if not self._before_now(rate_at):
                return
            self._rate(case, "dissatisfied", rate_at, "问题没有彻底解决")
            transition(case, Action.REWORK, CITIZEN, at=rate_at, note="不满意，重办")
            case.dissatisfied_count, case.rework = 1, True
            assign_lead(case, case.unit, at=rate_at)
            again = cal.add_working_minutes(rate_at, rng.randint(10, 120))
            resolve_at = cal.add_working_days(again, rng.randint(1, 3))
            if not (self._before_now(again) and self._before_now(resolve_at)):
                return
            transition(case, Action.ACCEPT, handler, at=again, note="签收（重办）")
            self._resolve(case, handler, resolve_at)
        if plan.final == "resolved":
            return
        rate_at = resolve_at + timedelta(hours=rng.randint(1, 48))
        if not self._before_now(rate_at):
            return
        rating = "satisfied" if rng.random() < 0.93 else "basically_satisfied"
        if rng.random() < 0.15:  # no rating from the citizen: the return visit closes it
            transition(case, Action.CLOSE, self.actor(Role.OFFICER), at=rate_at, note="回访：群众表示满意",
                       data={"rating": rating, "source": "return_visit"})
            self._rate(case, rating, rate_at, "电话回访", source="return_visit")
        else:
            transition(case, Action.CLOSE, CITIZEN, at=rate_at, note=None, data={"rating": rating, "source": "citizen"})
            self._rate(case, rating, rate_at, None)
        case.closed_at = rate_at

    def _resolve_time(self, case: Case, plan: _Plan, accept_at: datetime) -> datetime:
        if plan.late_resolve:
            return self.calendar.add_working_hours(case.resolve_due, self.rng.randint(2, 40))
        return self.calendar.add_working_minutes(accept_at, self.rng.randint(30, 4 * 450))

    def _resolve(self, case: Case, handler: Actor, at: datetime) -> None:
        result = "已安排人员现场处置，问题已解决，并向诉求人反馈。"
        if at > case.resolve_due:
            self._supervised(case, "resolve", case.resolve_due, at)
        transition(case, Action.RESOLVE, handler, at=at, note=result)
        case.result, case.resolved_at = result, at
        case.handling_working_hours = handling_hours(case, at)
        for assignment in case.assignments:
            if assignment.status == "open":
                assignment.status, assignment.done_at = "done", at

    def _supervised(self, case: Case, kind: str, due: datetime, done_at: datetime) -> None:
        """A deadline missed in the past: its supervision record, closed when the work was done."""
        case.supervision_records.append(SupervisionRecord(
            unit_id=case.unit_id, deadline_kind=kind, deadline_at=due, status="closed",
            opened_at=due, closed_at=done_at, note="超期督办，已完成"))

    def _rate(self, case: Case, rating: str, at: datetime, comment: str | None, source: str = "citizen") -> None:
        case.ratings.append(Rating(rating=rating, comment=comment, source=source, created_at=at))

    def _before_now(self, moment: datetime) -> bool:
        return moment < self.now

