"""The building blocks every case use case shares: load, authorise and record a transition,
hand the case to a unit with its deadlines."""
from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from ..domain.calendar import WorkingCalendar
from ..domain.duplicates import check_child_action, followed_state
from ..domain.errors import VersionConflict
from ..domain.lifecycle import TERMINAL_STATES, Action, Actor, State, authorize
from ..domain.sla import TimeLimits, deadlines_for
from ..extensions import db
from ..models import Assignment, Case, TimelineEntry, Unit
from ..models.types import utcnow
from . import outbox

# Unambiguous upper-case letters and digits: easy to read out over the phone, ~52 bits of randomness.
_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


# Entering a review level puts the case on that panel's agenda (a task on its queue).
REVIEW_QUEUES = {State.REVIEW_L1: "review_l1.case_entered", State.REVIEW_L2: "review_l2.case_entered"}


@contextmanager
def unit_of_work() -> Iterator[None]:
    """One transaction: committed (and its outbox published) when the block succeeds, rolled back on any
    error; a concurrent update of the same case (the version column) is a 409."""
    try:
        yield
        outbox.commit()
    except StaleDataError as exc:
        outbox.rollback()
        raise VersionConflict("诉求件已被他人同时更新，请刷新后重试") from exc
    except Exception:
        outbox.rollback()
        raise


def check_version(case: Case, version: int | None) -> None:
    """The version the caller last read must still be the case's: otherwise someone changed it meanwhile."""
    if version is not None and version != case.version:
        raise VersionConflict(f"诉求件已被他人更新（当前版本 {case.version}），请刷新后重试",
                              details={"current_version": case.version})


def new_tracking_code() -> str:
    return "RE" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))


def working_calendar() -> WorkingCalendar:
    return current_app.extensions["rongetong.calendar"]


def load_case(case_id: int, *, for_update: bool = False) -> Case | None:
    query = select(Case).where(Case.id == case_id)
    if for_update:
        # Serialises concurrent workers on PostgreSQL; SQLite has one writer anyway.
        query = query.with_for_update()
    return db.session.scalar(query)


def time_limits(case: Case) -> TimeLimits:
    minor = case.minor
    if minor is None:
        return TimeLimits.for_category(urgent=case.urgent)
    return TimeLimits.for_category(urgent=minor.urgent, accept_minutes=minor.accept_minutes,
                                   resolve_days=minor.resolve_days, resolve_hours=minor.resolve_hours)


def record_submission(case: Case, actor: Actor, *, at: datetime | None = None) -> None:
    """The first timeline entry of every case: filed (受理) through its channel."""
    case.timeline.append(TimelineEntry(at=at or utcnow(), actor_id=actor.user_id, actor_name=actor.name,
                                       actor_role=actor.role.value, action=Action.SUBMIT.value, from_status=None,
                                       to_status=State.SUBMITTED.value, note=f"渠道：{case.channel}"))


def transition(case: Case, action: Action, actor: Actor, *, note: str | None = None,
               data: dict | None = None, at: datetime | None = None) -> TimelineEntry:
    """Apply one state-machine step to the case and write its timeline entry; the cases merged into it
    (并案) follow."""
    if case.merged_into_id is not None:
        check_child_action(action, case.merged_into.tracking_code)
    step = authorize(case.status, action, actor, case.unit_id)
    entry = TimelineEntry(at=at or utcnow(), actor_id=actor.user_id, actor_name=actor.name,
                          actor_role=actor.role.value, action=action.value, from_status=case.status,
                          to_status=step.target.value, note=note, data=data)
    case.timeline.append(entry)
    case.status = step.target.value
    if step.target in REVIEW_QUEUES and case.id is not None:
        outbox.enqueue(REVIEW_QUEUES[step.target], case_id=case.id)
    _tell_partner(case, entry)
    if case.id is not None:
        follow_primary(case, entry)
    return entry


def _tell_partner(case: Case, entry: TimelineEntry) -> None:
    if case.partner_id is not None:  # the partner that filed it hears of every change
        db.session.flush()
        outbox.enqueue("notify.partner_status", entry_id=entry.id)


def follow_primary(primary: Case, entry: TimelineEntry) -> None:
    """并案: every open case merged into ``primary`` takes its new state, with its own timeline entry.

    The children hold no unit or deadlines of their own, so inboxes, reminders and the overdue sweep
    see only the primary."""
    for child in primary.merged:
        target = followed_state(child.status, entry.action, entry.to_status)
        if target is None:
            continue
        mirrored = TimelineEntry(at=entry.at, actor_id=entry.actor_id, actor_name=entry.actor_name,
                                 actor_role=entry.actor_role, action=entry.action, from_status=child.status,
                                 to_status=target.value, note=entry.note,
                                 data={**(entry.data or {}), "primary": primary.tracking_code})
        child.timeline.append(mirrored)
        if child.status == State.RESOLVED.value:  # the shared handling was reopened (重办): its result is void
            child.result = child.resolved_at = None
        child.status = target.value
        if target in TERMINAL_STATES:
            child.closed_at = entry.at
        _tell_partner(child, mirrored)


@dataclass(frozen=True)
class AssistTask:
    """An assisting unit's share of a split case (协办分工), with its own deadline if given."""
    unit: Unit
    task: str | None = None
    working_days: int | None = None


def assign_lead(case: Case, unit: Unit, *, assisting: list[AssistTask] = (), at: datetime | None = None) -> None:
    """Dispatch to a lead unit (主办) and optional assisting units (协办); deadlines start now."""
    now = at or utcnow()
    withdraw_assignments(case, now)
    calendar = working_calendar()
    due = deadlines_for(time_limits(case), now, calendar)
    case.unit, case.unit_id = unit, unit.id  # the id now: authorisation reads it before any flush
    case.dispatched_at, case.accepted_at = now, None
    case.accept_due, case.return_due, case.resolve_due = due.accept_due, due.return_due, due.resolve_due
    case.accept_remind_at, case.resolve_remind_at = due.accept_remind_at, due.resolve_remind_at
    case.assignments.append(Assignment(unit=unit, role="lead", due_at=due.resolve_due, created_at=now))
    for share in assisting:
        share_due = calendar.add_working_days(now, share.working_days) if share.working_days else due.resolve_due
        case.assignments.append(Assignment(unit=share.unit, role="assist", due_at=min(share_due, due.resolve_due),
                                           created_at=now, note=share.task))


def withdraw_assignments(case: Case, at: datetime) -> None:
    for assignment in case.assignments:
        if assignment.status == "open":
            assignment.status, assignment.done_at = "withdrawn", at


def clear_unit(case: Case, at: datetime) -> None:
    """The case leaves its unit (returned to the command centre): its deadlines stop."""
    withdraw_assignments(case, at)
    case.unit, case.unit_id = None, None
    case.accept_due = case.return_due = case.resolve_due = None
    case.accept_remind_at = case.resolve_remind_at = None


def unit_by_code(code: str) -> Unit | None:
    return db.session.scalar(select(Unit).where(Unit.code == code))

