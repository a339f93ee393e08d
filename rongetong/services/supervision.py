"""督办 and 催办: periodic scans that open a record for every passed deadline and remind units before
their deadlines, the supervisors' overdue list, and the actions on a supervision record."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import and_, exists, func, insert, literal, select, union_all
from sqlalchemy import case as sql_case

from ..domain.errors import ActionForbidden, InvalidTransition, NotFound
from ..domain.lifecycle import HANDLING_STATES, SYSTEM, Action, Actor, Role, State
from ..domain.sla import OVERDUE_STATES
from ..extensions import db
from ..models import Case, Reminder, SupervisionAction, SupervisionRecord, Unit
from ..models.types import utcnow
from . import outbox, rollups
from .workflow import load_case, transition, working_calendar

DONE_STATES = (State.RESOLVED.value, State.CLOSED.value, State.REJECTED.value)
NOTIFY_BATCH = 500


def _states(states) -> list[str]:
    return [s.value for s in states]


def _open_once(model, kind: str, moment_column, due_column, state_condition, now: datetime, *extra):
    """Candidates for one record per (case, kind, deadline): the moment passed, none exists yet."""
    already = exists().where(and_(model.case_id == Case.id, model.deadline_kind == kind,
                                  model.deadline_at == due_column))
    return select(Case.id.label("case_id"), Case.unit_id.label("unit_id"), literal(kind).label("kind"),
                  due_column.label("due")).where(state_condition, moment_column < now, ~already, *extra)


def _insert_records(model, candidates, now: datetime, **values) -> list[tuple[int, int]]:
    """(id, case id) of each row inserted."""
    sub = candidates.subquery()
    columns = ["case_id", "unit_id", "deadline_kind", "deadline_at", *values]
    statement = insert(model).from_select(
        columns, select(sub.c.case_id, sub.c.unit_id, sub.c.kind, sub.c.due,
                        *[literal(v, getattr(model, k).type) for k, v in values.items()]),
    ).returning(model.id, model.case_id)
    return [tuple(row) for row in db.session.execute(statement)]


def _announce(task: str, ids: list[int]) -> None:
    for start in range(0, len(ids), NOTIFY_BATCH):
        outbox.enqueue(task, ids=ids[start:start + NOTIFY_BATCH])


def sweep_overdue(now: datetime | None = None) -> int:
    """Open a supervision record for each deadline passed since the last sweep.

    One set-based statement per sweep; a deadline already supervised is skipped (the unique
    constraint on case, kind and deadline makes that hold under concurrency too), so a sweep that
    finds nothing new writes nothing.
    """
    now = now or utcnow()
    candidates = union_all(
        _open_once(SupervisionRecord, "resolve", Case.resolve_due, Case.resolve_due,
                   Case.status.in_(_states(OVERDUE_STATES)), now),
        _open_once(SupervisionRecord, "accept", Case.accept_due, Case.accept_due,
                   Case.status == State.DISPATCHED.value, now),
    )
    opened = _insert_records(SupervisionRecord, candidates, now, status="open", opened_at=now)
    rollups.touch(case_id for _, case_id in opened)  # 督办件数 in the 考核 rollups; bulk SQL is not seen by the session
    _announce("notify.supervision_opened", [record_id for record_id, _ in opened])
    outbox.commit()
    return len(opened)


def sweep_reminders(now: datetime | None = None) -> int:
    """催办 at 80% of a limit: one reminder per deadline, only while the deadline is still ahead."""
    now = now or utcnow()
    candidates = union_all(
        _open_once(Reminder, "resolve", Case.resolve_remind_at, Case.resolve_due,
                   Case.status.in_(_states(HANDLING_STATES)), now, Case.resolve_due >= now),
        _open_once(Reminder, "accept", Case.accept_remind_at, Case.accept_due,
                   Case.status == State.DISPATCHED.value, now, Case.accept_due >= now),
    )
    created = [reminder_id for reminder_id, _ in _insert_records(Reminder, candidates, now, created_at=now)]
    _announce("notify.send_reminders", created)
    outbox.commit()
    return len(created)


def escalate_long_overdue(now: datetime | None = None) -> int:
    """Cases late by more than the configured working hours go to first-level review by themselves."""
    now = now or utcnow()
    hours = current_app.config["AUTO_ESCALATE_OVERDUE_WORKING_HOURS"]
    cutoff = working_calendar().earliest_moment_within(now, hours * 60)
    ids = db.session.scalars(select(Case.id).where(
        Case.status.in_(_states(HANDLING_STATES)), Case.resolve_due < cutoff).order_by(Case.id)).all()
    db.session.rollback()
    escalated = 0
    for case_id in ids:
        case = load_case(case_id, for_update=True)
        if case is None or case.status not in _states(HANDLING_STATES) or not case.resolve_due \
                or case.resolve_due >= cutoff:
            outbox.rollback()  # moved on since the scan
            continue
        transition(case, Action.ESCALATE, SYSTEM, note=f"超期超过 {hours} 个工作小时，自动提交一级研判")
        outbox.commit()
        escalated += 1
    return escalated


# --- the supervisors' views -------------------------------------------------------------------

def passed_deadline(now: datetime):
    """SQL: the deadline an overdue case has passed (resolve first, as the graver one)."""
    resolve_late = and_(Case.status.in_(_states(OVERDUE_STATES)), Case.resolve_due < now)
    return sql_case((resolve_late, Case.resolve_due), else_=Case.accept_due)


@dataclass(frozen=True)
class OverdueCase:
    case: Case
    deadline_kind: str
    deadline: datetime
    late_working_hours: float


def overdue_cases(*, page: int = 1, per_page: int = 50, unit_id: int | None = None,
                  now: datetime | None = None) -> tuple[list[OverdueCase], int]:
    """Open overdue cases, the most late first (working-time lateness grows as the deadline recedes)."""
    now = now or utcnow()
    query = select(Case).where(Case.is_overdue(now))
    if unit_id is not None:
        query = query.where(Case.unit_id == unit_id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    cases = db.session.scalars(query.order_by(passed_deadline(now), Case.id)
                               .limit(per_page).offset((page - 1) * per_page)).all()
    calendar = working_calendar()
    items = []
    for case in cases:
        kind = case.overdue_deadline(now)
        deadline = case.resolve_due if kind == "resolve" else case.accept_due
        items.append(OverdueCase(case, kind, deadline, round(calendar.working_hours_between(deadline, now), 2)))
    return items, total


def overdue_by_unit(now: datetime | None = None) -> list[tuple[Unit | None, int]]:
    """How many open cases each unit holds past a deadline, the most first."""
    now = now or utcnow()
    rows = db.session.execute(select(Case.unit_id, func.count()).where(Case.is_overdue(now))
                              .group_by(Case.unit_id).order_by(func.count().desc())).all()
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_([r[0] for r in rows if r[0]])))}
    return [(units.get(unit_id), count) for unit_id, count in rows]


def records(*, status: str | None = None, unit_id: int | None = None, page: int = 1,
            per_page: int = 50) -> tuple[list[SupervisionRecord], int]:
    query = select(SupervisionRecord)
    if status:
        query = query.where(SupervisionRecord.status == status)
    if unit_id is not None:
        query = query.where(SupervisionRecord.unit_id == unit_id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    items = db.session.scalars(query.order_by(SupervisionRecord.opened_at.desc(), SupervisionRecord.id.desc())
                               .limit(per_page).offset((page - 1) * per_page)).all()
    return list(items), total


def closure_stats(unit_id: int | None = None) -> dict:
    """督办办结率: closed supervision records over all supervision records."""
    query = select(SupervisionRecord.status, func.count()).group_by(SupervisionRecord.status)
    if unit_id is not None:
        query = query.where(SupervisionRecord.unit_id == unit_id)
    counts = dict(db.session.execute(query).all())
    supervised = sum(counts.values())
    closed = counts.get("closed", 0)
    return {"supervised": supervised, "closed": closed, "open": counts.get("open", 0),
            "supervision_closure_rate": round(closed / supervised, 4) if supervised else None}


# --- actions on a record ----------------------------------------------------------------------

RECORD_ACTIONS = {
    # kind: (roles allowed, label)
    "remind": ({Role.SUPERVISOR}, "催办"),
    "demand_explanation": ({Role.SUPERVISOR}, "要求说明情况"),
    "explanation": ({Role.HANDLER}, "情况说明"),
    "close": ({Role.SUPERVISOR}, "办结销号"),
}


def act_on_record(record_id: int, kind: str, actor: Actor, note: str | None) -> SupervisionRecord:
    record = db.session.scalar(select(SupervisionRecord).where(SupervisionRecord.id == record_id)
                               .with_for_update())
    if record is None or (actor.role is Role.HANDLER and record.unit_id != actor.unit_id):
        raise NotFound("督办记录不存在")
    roles, label = RECORD_ACTIONS[kind]
    if actor.role not in roles:
        raise ActionForbidden(f"角色“{actor.role}”不能执行“{label}”")
    if record.status == "closed":
        raise InvalidTransition("督办记录已办结销号")
    if kind == "explanation" and not record.explanation_due:
        raise InvalidTransition("督办方未要求说明情况")
    if kind == "close" and record.case.status not in DONE_STATES:
        raise InvalidTransition("诉求件尚未办结，不能销号")
    record.actions.append(SupervisionAction(kind=kind, note=note, actor_id=actor.user_id, actor_name=actor.name))
    if kind == "demand_explanation":
        record.explanation_due = True
    elif kind == "explanation":
        record.explanation_due = False
    elif kind == "close":
        record.status, record.closed_at = "closed", utcnow()
    if kind in ("remind", "demand_explanation"):
        outbox.enqueue("notify.supervision_action", record_id=record.id, kind=kind)
    outbox.commit()
    return record


