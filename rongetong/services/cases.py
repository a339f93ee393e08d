"""Case use cases: file a case, and every action staff and citizens take on it.

Each public function is one unit of work: it loads the case (locked), checks the caller's
``version`` if given, applies the domain rule, writes the timeline and outbox rows and commits once.
"""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from ..domain import duplicates, lifecycle, sla
from ..domain.errors import ActionForbidden, InvalidTransition, NotFound, RuleViolation
from ..domain.lifecycle import SYSTEM, Action, Actor, State
from ..extensions import db
from ..models import Case, IdempotencyKey, MinorCategory, Rating, ReturnVisit, Unit, User
from ..models.types import utcnow
from . import learning, outbox
from . import photos as photo_files
from .workflow import (
    AssistTask,
    assign_lead,
    check_version,
    clear_unit,
    load_case,
    new_tracking_code,
    record_submission,
    time_limits,
    transition,
    unit_by_code,
    unit_of_work,
    working_calendar,
)


def file_case(*, description: str, actor: Actor, channel: str, lat: float | None = None,
              lng: float | None = None, address: str | None = None, reporter_name: str | None = None,
              reporter_phone: str | None = None, external_ref: str | None = None, partner_id: int | None = None,
              idempotency: tuple[int, str] | None = None, photos: list[bytes] = ()) -> Case:
    """受理: commit the case and the routing task in one transaction; routing runs on ``dispatch``.

    ``idempotency`` (partner id, key) is recorded in the same transaction, so one key files one case.
    """
    checked = photo_files.check(list(photos))
    case = Case(tracking_code=new_tracking_code(), status=State.SUBMITTED.value, description=description,
                channel=channel, lat=lat, lng=lng, address=address, reporter_name=reporter_name,
                reporter_phone=reporter_phone, reporter_id=actor.user_id, external_ref=external_ref,
                partner_id=partner_id, route_requested_at=utcnow())
    db.session.add(case)
    record_submission(case, actor)
    photo_files.attach(case, checked)
    db.session.flush()
    if idempotency:
        db.session.add(IdempotencyKey(partner_id=idempotency[0], key=idempotency[1], case_id=case.id))
    outbox.enqueue("dispatch.route_case", case_id=case.id)
    outbox.commit()
    return case


def perform(case_id: int, action: str, actor: Actor, *, version: int | None = None, **params) -> Case:
    """Run one staff action on a case as a single unit of work."""
    with unit_of_work():
        case = load_case(case_id, for_update=True)
        if case is None:
            raise NotFound("诉求件不存在")
        check_version(case, version)
        ACTIONS[action](case, actor, **params)
    return case


# --- staff actions ---------------------------------------------------------------------------

def dispatch(case: Case, actor: Actor, *, department: str, assisting: list[dict] = (),
             category: str | None = None, reason: str | None = None) -> None:
    """Manual dispatch or re-dispatch (改派) by the command centre, optionally correcting the category.

    Where the engine had routed the case, the dispatcher's choice is recorded as routing feedback.
    """
    unit, tasks = _units(department, assisting)
    if category:
        _set_category(case, category)
    previous = case.unit.code if case.unit else (case.routing or {}).get("unit")
    transition(case, Action.DISPATCH, actor, note=reason or f"派遣至{unit.name}",
               data={"department": unit.code, "assisting": [t.unit.code for t in tasks], "previous": previous,
                     "category": case.minor.code if case.minor else None})
    if case.routing and case.routing.get("category"):
        learning.record_feedback(case, "redispatch", corrected_unit=unit.code,
                                 corrected_minor=case.minor.code if case.minor else None, note=reason)
    assign_lead(case, unit, assisting=tasks)


def _set_category(case: Case, code: str) -> None:
    minor = db.session.scalar(select(MinorCategory).where(MinorCategory.code == code))
    if minor is None:
        raise RuleViolation(f"未知事项分类：{code}", details={"field": "category"})
    case.minor, case.minor_id, case.major_id = minor, minor.id, minor.major_id
    case.urgent, case.police = minor.urgent, minor.major.police


def accept(case: Case, actor: Actor) -> None:
    transition(case, Action.ACCEPT, actor, note="签收")
    case.accepted_at = utcnow()


def return_case(case: Case, actor: Actor, *, reason: str) -> None:
    """退单: back to the command centre, within the return window; a second return goes to review."""
    now = utcnow()
    sla.check_return_window(case.return_due, now)
    wrong_unit = case.unit.code if case.unit else None
    transition(case, Action.RETURN, actor, note=reason, data={"wrong_unit": wrong_unit})
    if case.routing and case.routing.get("category"):
        learning.record_feedback(case, "return", note=reason)
    case.return_count += 1
    clear_unit(case, now)
    follow_up = lifecycle.after_return(case.return_count)
    if follow_up:
        transition(case, follow_up, SYSTEM, note=f"第 {case.return_count} 次退单，自动提交一级研判")


def extend(case: Case, actor: Actor, *, working_days: int, reason: str) -> None:
    """申请延期: the handler asks, the dispatcher approves or denies."""
    if case.pending_extension_days:
        raise RuleViolation("已有待审批的延期申请")
    sla.check_extension(time_limits(case), working_days, case.extension_count)
    transition(case, Action.EXTEND, actor, note=reason, data={"working_days": working_days})
    case.pending_extension_days = working_days


def approve_extension(case: Case, actor: Actor, *, reason: str | None = None) -> None:
    days = _pending_extension(case)
    due = sla.extended_due(time_limits(case), case.resolve_due, days, case.extension_count, working_calendar())
    transition(case, Action.APPROVE_EXTENSION, actor, note=reason or f"同意延期 {days} 个工作日",
               data={"working_days": days, "resolve_due": due.isoformat()})
    case.resolve_due, case.extension_count, case.pending_extension_days = due, case.extension_count + 1, None
    case.resolve_remind_at = sla.remind_at(time_limits(case), case.dispatched_at, due, working_calendar())
    for assignment in case.assignments:
        if assignment.status == "open":
            assignment.due_at = due


def deny_extension(case: Case, actor: Actor, *, reason: str) -> None:
    days = _pending_extension(case)
    transition(case, Action.DENY_EXTENSION, actor, note=reason, data={"working_days": days})
    case.pending_extension_days = None


def escalate(case: Case, actor: Actor, *, reason: str) -> None:
    """申请研判: to the first-level review panel."""
    transition(case, Action.ESCALATE, actor, note=reason)


def resolve(case: Case, actor: Actor, *, result: str, photos: list[bytes] = ()) -> None:
    """办结: the result (and photos of it) go to the citizen, who may rate it. A split case waits for its
    assisting units."""
    checked = photo_files.check(list(photos))
    lifecycle.check_can_resolve([a.unit.name for a in case.assignments if a.role == "assist" and a.status == "open"])
    transition(case, Action.RESOLVE, actor, note=result)
    _mark_resolved(case, result)
    photo_files.attach(case, checked, stage="result")


def assist_done(case: Case, actor: Actor, *, result: str) -> None:
    """协办完成: an assisting unit reports its part of a split case done."""
    task = next((a for a in case.assignments
                 if a.role == "assist" and a.status == "open" and a.unit_id == actor.unit_id), None)
    if task is None:
        raise ActionForbidden("本单位在此件中没有待完成的协办任务")
    transition(case, Action.ASSIST_DONE, actor, note=result, data={"unit": task.unit.code})
    task.status, task.done_at, task.note = "done", utcnow(), result


def reject(case: Case, actor: Actor, *, reason: str) -> None:
    """不予受理, with the reason the citizen will see."""
    transition(case, Action.REJECT, actor, note=reason)
    case.closed_at = utcnow()


def decide(case: Case, actor: Actor, *, decision: str, reason: str, department: str | None = None,
           assisting: list[dict] = (), result: str | None = None) -> None:
    """A review panel's decision (研判结论): assign (split among a lead and assisting units),
    escalate, reject or resolve."""
    action = lifecycle.DECISIONS[decision]
    if action is Action.DECIDE_ASSIGN and not department:
        raise RuleViolation("交办决定须指定主办单位（department）")
    units = _units(department, assisting) if action is Action.DECIDE_ASSIGN else None
    transition(case, action, actor, note=reason,
               data={"decision": decision, "department": department,
                     "assisting": [t.unit.code for t in units[1]] if units else []})
    if units:
        assign_lead(case, units[0], assisting=units[1])
    elif action is Action.DECIDE_RESOLVE:
        _mark_resolved(case, result or reason)
    elif action is Action.DECIDE_REJECT:
        case.closed_at = utcnow()


# --- citizen actions -------------------------------------------------------------------------

def rate(case: Case, actor: Actor, *, rating: str, comment: str | None = None, source: str = "citizen") -> None:
    """满意/基本满意 close the case; 不满意 sends it back to the same unit (重办), twice → review.

    The rating is recorded on the rated case. A merged case's (并案) 不满意 acts on the handling it shares
    with its primary, or splits it off once the primary is closed (rules in domain/duplicates.py)."""
    handling, data = case, {"rating": rating, "source": source}
    primary = case.merged_into
    if primary is not None:
        outcome = duplicates.child_rating(rating, primary.status)
        if outcome is duplicates.ChildRating.REWORK_PRIMARY:
            handling, data["reporter_case"] = primary, case.tracking_code
        elif outcome is duplicates.ChildRating.SPLIT:
            # The primary's handling is over; the unit that did it reworks this case on its own.
            case.merged_into, case.merged_into_id = None, None
            case.unit, case.unit_id = primary.unit, primary.unit_id
            data["split_from"] = primary.tracking_code
    action, follow_up = lifecycle.rating_action(rating, handling.dissatisfied_count)
    transition(handling, action, actor, note=comment, data=data)
    case.ratings.append(Rating(rating=rating, comment=comment, source=source, by_user_id=actor.user_id))
    if action is Action.CLOSE:
        handling.closed_at = utcnow()
        return
    handling.dissatisfied_count += 1
    handling.rework, handling.resolved_at, handling.result = True, None, None
    if handling.unit is not None:
        assign_lead(handling, handling.unit)
    if follow_up:
        transition(handling, follow_up, SYSTEM, note=f"第 {handling.dissatisfied_count} 次不满意，自动提交一级研判")


def return_visit(case: Case, actor: Actor, *, reached: bool, rating: str | None = None,
                 comment: str | None = None) -> None:
    """回访: the officer's call. On a resolved case the citizen's answer is its rating (close or rework);
    on a closed case (a sample check) it is recorded as a rating without reopening anything."""
    if actor.role is not lifecycle.Role.OFFICER:
        raise ActionForbidden("只有回访员可以登记回访")
    if case.status not in (State.RESOLVED.value, State.CLOSED.value):
        raise InvalidTransition("只有已办结或已结案的诉求件可以回访")
    case.return_visits.append(ReturnVisit(officer_id=actor.user_id, reached=reached, rating=rating, comment=comment))
    if not (reached and rating):
        return
    if case.status == State.RESOLVED.value:
        rate(case, actor, rating=rating, comment=comment, source="return_visit")
    else:
        case.ratings.append(Rating(rating=rating, comment=comment, source="return_visit", by_user_id=actor.user_id))


# --- helpers ---------------------------------------------------------------------------------

def _units(department: str, assisting: list[dict]) -> tuple[Unit, list[AssistTask]]:
    """The lead unit and the assisting tasks (协办分工), each unit known and distinct from the lead."""
    unit = unit_by_code(department)
    if unit is None:
        raise RuleViolation(f"未知单位：{department}", details={"field": "department"})
    tasks = []
    for item in assisting:
        helper = unit_by_code(item["unit"])
        if helper is None:
            raise RuleViolation(f"未知单位：{item['unit']}", details={"field": "assisting"})
        if helper.id != unit.id:
            tasks.append(AssistTask(helper, item.get("task"), item.get("working_days")))
    return unit, tasks


def _pending_extension(case: Case) -> int:
    if not case.pending_extension_days:
        raise RuleViolation("没有待审批的延期申请")
    return case.pending_extension_days


def _mark_resolved(case: Case, result: str) -> None:
    now = utcnow()
    case.result, case.resolved_at = result, now
    case.handling_working_hours = handling_hours(case, now)
    for assignment in case.assignments:
        if assignment.status == "open":
            assignment.status, assignment.done_at = "done", now
    outbox.enqueue("notify.case_resolved", case_id=case.id)
    for child in case.merged:  # 并案: every reporter gets the shared result and may rate it
        if child.status == State.RESOLVED.value:
            child.result, child.resolved_at = result, now
            outbox.enqueue("notify.case_resolved", case_id=child.id)


def handling_hours(case: Case, resolved_at) -> float | None:
    """Working hours from the (last) dispatch to resolution."""
    if case.dispatched_at is None:
        return None
    return round(working_calendar().working_hours_between(case.dispatched_at, resolved_at), 2)


def actor_for(user: User) -> Actor:
    return Actor(role=lifecycle.Role(user.role), name=user.display_name, user_id=user.id, unit_id=user.unit_id)


ACTIONS: dict[str, Callable] = {
    "dispatch": dispatch,
    "accept": accept,
    "return": return_case,
    "extend": extend,
    "approve_extension": approve_extension,
    "deny_extension": deny_extension,
    "escalate": escalate,
    "resolve": resolve,
    "assist_done": assist_done,
    "reject": reject,
    "decide": decide,
    "rate": rate,
    "return_visit": return_visit,
}
