"""The case lifecycle (办件流程): one state machine for every channel.

A transition is looked up by (current state, action); it names the target state and the roles
allowed to perform it. Anything not in the table is refused: an action the state does not allow
is an ``InvalidTransition`` (HTTP 409), a role that may not perform an allowed action is
``ActionForbidden`` (HTTP 403).

Rules that pick *which* action follows an event (a second return, a second dissatisfied rating)
live here too, so services only load, apply and commit.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .errors import ActionForbidden, InvalidTransition


class State(StrEnum):
    SUBMITTED = "submitted"      # 已受理, waiting for routing
    TRIAGE = "triage"            # 待人工分拨: the command centre decides
    DISPATCHED = "dispatched"    # 已派遣 to a lead unit
    ACCEPTED = "accepted"        # 已签收, being handled
    RESOLVED = "resolved"        # 已办结, waiting for the citizen's rating or a return visit
    CLOSED = "closed"            # 已结案
    REVIEW_L1 = "review_l1"      # 一级研判 (expert panel)
    REVIEW_L2 = "review_l2"      # 二级研判 (leadership group)
    POLICE = "police"            # 推送公安指挥平台
    REJECTED = "rejected"        # 不予受理, terminal


class Role(StrEnum):
    CITIZEN = "citizen"
    GRID_WORKER = "grid_worker"
    DISPATCHER = "dispatcher"
    HANDLER = "handler"
    REVIEWER = "reviewer"
    LEADER = "leader"
    SUPERVISOR = "supervisor"
    OFFICER = "officer"
    ADMIN = "admin"
    SYSTEM = "system"            # rules run by the service itself (routing, automatic escalation)


STAFF_ROLES = frozenset(Role) - {Role.CITIZEN, Role.SYSTEM}


class Action(StrEnum):
    SUBMIT = "submit"
    ROUTE = "route"                   # 智能派遣 found a unit
    ROUTE_TRIAGE = "route_triage"     # outside every grid or not confident enough
    ROUTE_POLICE = "route_police"     # police-related: pushed to the police platform
    DISPATCH = "dispatch"             # manual dispatch or re-dispatch
    ACCEPT = "accept"                 # 签收
    RETURN = "return"                 # 退单
    EXTEND = "extend"                 # 申请延期
    APPROVE_EXTENSION = "approve_extension"
    DENY_EXTENSION = "deny_extension"
    ESCALATE = "escalate"             # 申请研判 / automatic escalation
    RESOLVE = "resolve"               # 办结
    ASSIST_DONE = "assist_done"       # an assisting unit (协办单位) finished its task
    DECIDE_ASSIGN = "decide_assign"
    DECIDE_ESCALATE = "decide_escalate"
    DECIDE_REJECT = "decide_reject"
    DECIDE_RESOLVE = "decide_resolve"
    REJECT = "reject"                 # 不予受理
    CLOSE = "close"                   # rated satisfied, or closed by a return visit (回访)
    REWORK = "rework"                 # rated dissatisfied: 重办
    POLICE_CLOSE = "police_close"
    POLICE_RETURN = "police_return"
    # 并案: not in TRANSITIONS — a merged case takes its primary's state, whatever it is
    # (rules in domain/duplicates.py).
    MERGE = "merge"


# What each state is called in the Chinese UI and reports.
STATUS_LABELS = {
    "submitted": "已受理", "triage": "待分拨", "dispatched": "已派遣", "accepted": "办理中",
    "resolved": "已办结", "closed": "已结案", "review_l1": "一级研判", "review_l2": "二级研判",
    "police": "已推送公安", "rejected": "不予受理",
}

# What each action is called on buttons and in the timeline.
ACTION_LABELS = {
    "submit": "受理", "route": "智能派遣", "route_triage": "转人工分拨", "route_police": "推送公安",
    "dispatch": "派遣/改派", "accept": "签收", "return": "退单", "extend": "申请延期",
    "approve_extension": "同意延期", "deny_extension": "不同意延期", "escalate": "申请研判", "resolve": "办结",
    "assist_done": "协办完成", "decide_assign": "研判交办", "decide_escalate": "提交二级研判",
    "decide_reject": "研判不予受理", "decide_resolve": "研判办结", "reject": "不予受理", "close": "结案",
    "rework": "重办", "police_close": "公安办结", "police_return": "公安退回", "merge": "并案",
}

# Where cases come from (一方采集、多方使用).
CHANNEL_LABELS = {"wechat": "微信公众号", "grid": "网格员", "hotline": "热线电话", "police110": "110转办",
                  "road_chief": "路长通", "media": "舆情监测", "open311": "Open311"}

TERMINAL_STATES = frozenset({State.CLOSED, State.REJECTED})
# States in which a unit holds the case and its deadlines run.
HANDLING_STATES = frozenset({State.DISPATCHED, State.ACCEPTED})

# Decisions of the review panels, as named in the API, and the action each one is.
DECISIONS = {
    "assign": Action.DECIDE_ASSIGN,
    "escalate": Action.DECIDE_ESCALATE,
    "reject": Action.DECIDE_REJECT,
    "resolve": Action.DECIDE_RESOLVE,
}

# A second return, or a second dissatisfied rating, sends the case to first-level review.
MAX_RETURNS = 2
MAX_DISSATISFIED = 2


@dataclass(frozen=True)
class Transition:
    source: State
    action: Action
    target: State
    roles: frozenset[Role]


def _t(source: State, action: Action, target: State, *roles: Role) -> Transition:
    return Transition(source, action, target, frozenset(roles))


S, A, R = State, Action, Role

TRANSITIONS: dict[tuple[State, Action], Transition] = {
    (t.source, t.action): t for t in (
        _t(S.SUBMITTED, A.ROUTE, S.DISPATCHED, R.SYSTEM),
        _t(S.SUBMITTED, A.ROUTE_TRIAGE, S.TRIAGE, R.SYSTEM),
        _t(S.SUBMITTED, A.ROUTE_POLICE, S.POLICE, R.SYSTEM),
        _t(S.SUBMITTED, A.DISPATCH, S.DISPATCHED, R.DISPATCHER),
        _t(S.SUBMITTED, A.REJECT, S.REJECTED, R.DISPATCHER),

        _t(S.TRIAGE, A.DISPATCH, S.DISPATCHED, R.DISPATCHER),
        _t(S.TRIAGE, A.REJECT, S.REJECTED, R.DISPATCHER),
        _t(S.TRIAGE, A.ESCALATE, S.REVIEW_L1, R.DISPATCHER, R.SYSTEM),

        _t(S.DISPATCHED, A.DISPATCH, S.DISPATCHED, R.DISPATCHER),
        _t(S.DISPATCHED, A.ACCEPT, S.ACCEPTED, R.HANDLER),
        _t(S.DISPATCHED, A.RETURN, S.TRIAGE, R.HANDLER),
        _t(S.DISPATCHED, A.ESCALATE, S.REVIEW_L1, R.HANDLER, R.DISPATCHER, R.SYSTEM),
        _t(S.DISPATCHED, A.ASSIST_DONE, S.DISPATCHED, R.HANDLER),

        _t(S.ACCEPTED, A.RETURN, S.TRIAGE, R.HANDLER),
        _t(S.ACCEPTED, A.EXTEND, S.ACCEPTED, R.HANDLER),
        _t(S.ACCEPTED, A.APPROVE_EXTENSION, S.ACCEPTED, R.DISPATCHER),
        _t(S.ACCEPTED, A.DENY_EXTENSION, S.ACCEPTED, R.DISPATCHER),
        _t(S.ACCEPTED, A.ESCALATE, S.REVIEW_L1, R.HANDLER, R.SYSTEM),
        _t(S.ACCEPTED, A.RESOLVE, S.RESOLVED, R.HANDLER),
        _t(S.ACCEPTED, A.ASSIST_DONE, S.ACCEPTED, R.HANDLER),

        _t(S.REVIEW_L1, A.DECIDE_ASSIGN, S.DISPATCHED, R.REVIEWER),
        _t(S.REVIEW_L1, A.DECIDE_ESCALATE, S.REVIEW_L2, R.REVIEWER),
        _t(S.REVIEW_L1, A.DECIDE_REJECT, S.REJECTED, R.REVIEWER),
        _t(S.REVIEW_L1, A.DECIDE_RESOLVE, S.RESOLVED, R.REVIEWER),

        _t(S.REVIEW_L2, A.DECIDE_ASSIGN, S.DISPATCHED, R.LEADER),
        _t(S.REVIEW_L2, A.DECIDE_REJECT, S.REJECTED, R.LEADER),
        _t(S.REVIEW_L2, A.DECIDE_RESOLVE, S.RESOLVED, R.LEADER),

        _t(S.RESOLVED, A.CLOSE, S.CLOSED, R.CITIZEN, R.OFFICER),
        _t(S.RESOLVED, A.REWORK, S.DISPATCHED, R.CITIZEN, R.OFFICER),

        _t(S.POLICE, A.POLICE_CLOSE, S.CLOSED, R.SYSTEM),
        _t(S.POLICE, A.POLICE_RETURN, S.TRIAGE, R.SYSTEM),
    )
}

def transition_for(state: State | str, action: Action | str, role: Role | str) -> Transition:
    """The transition ``role`` may make by ``action`` from ``state``, or the reason it may not."""
    state, action, role = State(state), Action(action), Role(role)
    transition = TRANSITIONS.get((state, action))
    if transition is None:
        raise InvalidTransition(f"在“{state}”状态下不能执行“{action}”操作")
    if role not in transition.roles:
        raise ActionForbidden(f"角色“{role}”不能在“{state}”状态下执行“{action}”操作")
    return transition


def allowed_actions(state: State | str, role: Role | str) -> list[Action]:
    """What ``role`` may do to a case in ``state`` — for buttons and for the API's ``actions``."""
    state, role = State(state), Role(role)
    return [t.action for t in TRANSITIONS.values() if t.source is state and role in t.roles]


def after_return(return_count: int) -> Action | None:
    """A case returned for the second time goes to first-level review automatically."""
    return Action.ESCALATE if return_count >= MAX_RETURNS else None


def check_can_resolve(open_assisting_units: list[str]) -> None:
    """A case split among units resolves when the lead resolves and every assisting task is done."""
    if open_assisting_units:
        raise InvalidTransition(f"协办单位任务尚未完成：{'、'.join(open_assisting_units)}",
                                details={"open_assisting": open_assisting_units})


def rating_action(rating: str, dissatisfied_before: int) -> tuple[Action, Action | None]:
    """The action a citizen's rating takes, and any automatic follow-up.

    满意/基本满意 close the case; 不满意 sends it back to the same unit (重办); a second 不满意
    sends it on to first-level review.
    """
    if rating in ("satisfied", "basically_satisfied"):
        return Action.CLOSE, None
    if rating != "dissatisfied":
        raise ValueError(f"unknown rating {rating!r}")
    follow_up = Action.ESCALATE if dissatisfied_before + 1 >= MAX_DISSATISFIED else None
    return Action.REWORK, follow_up


@dataclass(frozen=True)
class Actor:
    """Who performs an action: a staff user, a citizen, or the service itself."""
    role: Role
    name: str
    user_id: int | None = None
    unit_id: int | None = None


SYSTEM = Actor(Role.SYSTEM, "系统")
CITIZEN = Actor(Role.CITIZEN, "市民")

# Actions a handler may take only on a case its own unit leads.
UNIT_BOUND_ACTIONS = frozenset({A.ACCEPT, A.RETURN, A.EXTEND, A.ESCALATE, A.RESOLVE})


def authorize(state: State | str, action: Action | str, actor: Actor, case_unit_id: int | None) -> Transition:
    """``transition_for`` plus the unit rule: a handler acts only on its own unit's cases."""
    transition = transition_for(state, action, actor.role)
    if actor.role is Role.HANDLER and transition.action in UNIT_BOUND_ACTIONS \
            and (case_unit_id is None or case_unit_id != actor.unit_id):
        raise ActionForbidden("只能办理本单位承办的诉求件")
    return transition
