"""The case state machine, checked against the lifecycle of DESIGN §3 written out as a table.

Every (state, action, role) triple is tried: the allowed ones reach their target, the rest are
refused — 409 (InvalidTransition) when the state does not allow the action at all, 403
(ActionForbidden) when it does but not for that role.
"""
from itertools import product

import pytest

from rongetong.domain import lifecycle
from rongetong.domain.errors import ActionForbidden, InvalidTransition
from rongetong.domain.lifecycle import Action, Actor, Role, State, authorize, transition_for

# (state, action) → (target, roles allowed), written out independently of the implementation.
EXPECTED = {
    ("submitted", "route"): ("dispatched", {"system"}),
    ("submitted", "route_triage"): ("triage", {"system"}),
    ("submitted", "route_police"): ("police", {"system"}),
    ("submitted", "dispatch"): ("dispatched", {"dispatcher"}),
    ("submitted", "reject"): ("rejected", {"dispatcher"}),
    ("triage", "dispatch"): ("dispatched", {"dispatcher"}),
    ("triage", "reject"): ("rejected", {"dispatcher"}),
    ("triage", "escalate"): ("review_l1", {"dispatcher", "system"}),
    ("dispatched", "dispatch"): ("dispatched", {"dispatcher"}),
    ("dispatched", "accept"): ("accepted", {"handler"}),
    ("dispatched", "return"): ("triage", {"handler"}),
    ("dispatched", "escalate"): ("review_l1", {"handler", "dispatcher", "system"}),
    ("dispatched", "assist_done"): ("dispatched", {"handler"}),
    ("accepted", "return"): ("triage", {"handler"}),
    ("accepted", "extend"): ("accepted", {"handler"}),
    ("accepted", "approve_extension"): ("accepted", {"dispatcher"}),
    ("accepted", "deny_extension"): ("accepted", {"dispatcher"}),
    ("accepted", "escalate"): ("review_l1", {"handler", "system"}),
    ("accepted", "resolve"): ("resolved", {"handler"}),
    ("accepted", "assist_done"): ("accepted", {"handler"}),
    ("review_l1", "decide_assign"): ("dispatched", {"reviewer"}),
    ("review_l1", "decide_escalate"): ("review_l2", {"reviewer"}),
    ("review_l1", "decide_reject"): ("rejected", {"reviewer"}),
    ("review_l1", "decide_resolve"): ("resolved", {"reviewer"}),
    ("review_l2", "decide_assign"): ("dispatched", {"leader"}),
    ("review_l2", "decide_reject"): ("rejected", {"leader"}),
    ("review_l2", "decide_resolve"): ("resolved", {"leader"}),
    ("resolved", "close"): ("closed", {"citizen", "officer"}),
    ("resolved", "rework"): ("dispatched", {"citizen", "officer"}),
    ("police", "police_close"): ("closed", {"system"}),
    ("police", "police_return"): ("triage", {"system"}),
    # "merge" (并案) is no table transition: a merged case takes its primary's state (tests/unit/test_duplicates.py).
}

ALL = list(product(State, Action, Role))


def _expectation(state, action, role):
    entry = EXPECTED.get((state.value, action.value))
    if entry is None:
        return InvalidTransition
    target, roles = entry
    return target if role.value in roles else ActionForbidden


@pytest.mark.parametrize(("state", "action", "role"), ALL, ids=lambda v: v.value)
def test_every_state_action_role(state, action, role):
    expected = _expectation(state, action, role)
    if isinstance(expected, str):
        assert transition_for(state, action, role).target == State(expected)
    else:
        with pytest.raises(expected):
            transition_for(state, action, role)


def test_the_table_has_nothing_the_design_does_not():
    assert {(s.value, a.value) for s, a in lifecycle.TRANSITIONS} == set(EXPECTED)


def test_terminal_states_allow_nothing():
    for state, role in product(lifecycle.TERMINAL_STATES, Role):
        assert lifecycle.allowed_actions(state, role) == []


def test_allowed_actions_for_a_handler_on_an_accepted_case():
    assert set(lifecycle.allowed_actions("accepted", "handler")) == {
        Action.RETURN, Action.EXTEND, Action.ESCALATE, Action.RESOLVE, Action.ASSIST_DONE}


@pytest.mark.parametrize("action", sorted(lifecycle.UNIT_BOUND_ACTIONS))
def test_a_handler_acts_only_on_its_own_units_cases(action):
    state = "dispatched" if action in (Action.ACCEPT,) else "accepted"
    own, other = Actor(Role.HANDLER, "h", 1, unit_id=7), Actor(Role.HANDLER, "h", 2, unit_id=8)
    assert authorize(state, action, own, case_unit_id=7).action is action
    with pytest.raises(ActionForbidden):
        authorize(state, action, other, case_unit_id=7)
    with pytest.raises(ActionForbidden):
        authorize(state, action, own, case_unit_id=None)


def test_a_second_return_escalates_automatically():
    assert lifecycle.after_return(1) is None
    assert lifecycle.after_return(2) is Action.ESCALATE


@pytest.mark.parametrize(("rating", "before", "expected"), [
    ("satisfied", 0, (Action.CLOSE, None)),
    ("basically_satisfied", 1, (Action.CLOSE, None)),
    ("dissatisfied", 0, (Action.REWORK, None)),
    ("dissatisfied", 1, (Action.REWORK, Action.ESCALATE)),
])
def test_rating_rules(rating, before, expected):
    assert lifecycle.rating_action(rating, before) == expected


def test_unknown_rating_is_refused():
    with pytest.raises(ValueError):
        lifecycle.rating_action("great", 0)


def test_every_follow_up_is_a_legal_system_transition():
    # Automatic escalation happens from the states the rules leave a case in.
    assert transition_for("triage", "escalate", "system").target is State.REVIEW_L1       # after a return
    assert transition_for("dispatched", "escalate", "system").target is State.REVIEW_L1   # after rework


def test_a_split_case_resolves_only_when_every_assisting_task_is_done():
    lifecycle.check_can_resolve([])
    with pytest.raises(InvalidTransition) as refused:
        lifecycle.check_can_resolve(["区综合行政执法局"])
    assert refused.value.details == {"open_assisting": ["区综合行政执法局"]}


def test_every_state_has_a_chinese_label():
    assert set(lifecycle.STATUS_LABELS) == {s.value for s in State}
