"""Duplicate proposals and the rules of merged cases (并案), without a database."""
from datetime import UTC, datetime, timedelta

import pytest

from rongetong.domain import duplicates as rules
from rongetong.domain.duplicates import ChildRating, Limits, Report
from rongetong.domain.errors import ActionForbidden, InvalidTransition, RuleViolation
from rongetong.domain.lifecycle import Action, State

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
LAT, LNG = 34.862, 117.552
METRE_LAT = 1 / 111_320  # degrees of latitude per metre
TEXT = "建华小区3号楼门口的垃圾桶满了三天没人清运"


def report(id_, *, north_m=0.0, hours=0.0, text=TEXT, minor="0201", major="02", status="dispatched", **extra):
    return Report(id=id_, status=status, created_at=T0 + timedelta(hours=hours), description=text,
                  lat=LAT + north_m * METRE_LAT, lng=LNG, minor=minor, major=major,
                  tracking_code=f"RE{id_:010d}", **extra)


def ids(proposals):
    return [p.case_id for p in proposals]


def test_haversine_and_bounding_box():
    assert rules.haversine_m(LAT, LNG, LAT + 100 * METRE_LAT, LNG) == pytest.approx(100, abs=0.5)
    assert rules.haversine_m(LAT, LNG, LAT, LNG) == 0
    south, north, west, east = rules.bounding_box(LAT, LNG, 200)
    # The box encloses the circle: a point 199 m east or north is inside it.
    east_point = LNG + 199 / (111_320 * 0.8205)  # cos(34.862°) ≈ 0.8205
    assert south < LAT - 199 * METRE_LAT and north > LAT + 199 * METRE_LAT and west < LNG and east > east_point


def test_text_similarity_is_bigram_jaccard_on_normalised_text():
    assert rules.text_similarity("垃圾桶满了", "垃圾桶满了") == 1
    assert rules.text_similarity("垃圾桶满了", "ＡＢ") == 0
    assert rules.text_similarity("垃圾桶 满了", "垃圾桶满了") == 1          # whitespace does not count
    assert 0 < rules.text_similarity(TEXT, "建华小区门口垃圾没人清运") < 1
    assert rules.text_similarity("", TEXT) == 0


def test_proposals_need_the_same_category_place_and_time():
    case = report(1)
    others = [
        report(2, north_m=50, hours=2),                 # close: proposed
        report(3, north_m=250),                         # too far
        report(4, hours=73),                            # too late
        report(5, minor="0202"),                        # another minor of the same major
        report(6, minor=None),                          # minor unknown, same major: proposed
        report(7, minor=None, major="05"),              # another major
        report(8, status="closed"),                     # no longer open
        report(9, status="resolved"),                   # its reporter is judging a result
        report(10, merged_into=99),                     # already merged
        report(11, hours=-10),                          # filed before: proposed
    ]
    assert set(ids(rules.propose(case, others))) == {2, 6, 11}


def test_closer_in_space_time_and_wording_ranks_higher():
    case = report(1)
    near = report(2, north_m=10, hours=1)
    farther = report(3, north_m=150, hours=1)
    later = report(4, north_m=10, hours=60)
    other_words = report(5, north_m=10, hours=1, text="小区路灯不亮，晚上出行不便")
    proposals = rules.propose(case, [other_words, later, farther, near])
    # The same words 10 m away but 60 h later still beat 150 m away, or other words.
    assert ids(proposals) == [2, 4, 3, 5]
    scores = {p.case_id: p.score for p in proposals}
    assert scores[2] > scores[3] and scores[2] > scores[4] and scores[2] > scores[5]
    assert all(0 <= s <= 1 for s in scores.values())
    best = proposals[0]
    assert best.distance_m == pytest.approx(10, abs=0.5) and best.hours_apart == 1


def test_limits_are_parameters():
    case, other = report(1), report(2, north_m=300, hours=100)
    assert rules.propose(case, [other]) == []
    assert ids(rules.propose(case, [other], Limits(radius_m=500, hours=120))) == [2]


def test_without_any_category_only_similar_wording_is_proposed():
    case = report(1, minor=None, major=None)
    same_words = report(2, minor=None, major=None, north_m=20)
    other_words = report(3, minor=None, major=None, north_m=20, text="夜间施工噪音扰民严重")
    assert ids(rules.propose(case, [same_words, other_words])) == [2]


def test_a_case_that_cannot_be_merged_gets_no_proposals():
    assert rules.propose(report(1, status="closed"), [report(2)]) == []
    assert rules.propose(report(1, status="submitted"), [report(2)]) == []
    assert rules.propose(report(1, merged_into=5), [report(2)]) == []
    assert rules.propose(Report(id=1, status="triage", created_at=T0), [report(2)]) == []  # no location


def test_merge_checks():
    primary, dup = report(1), report(2, status="triage")
    rules.check_merge("dispatcher", primary, [dup])
    with pytest.raises(ActionForbidden):
        rules.check_merge("handler", primary, [dup])
    with pytest.raises(RuleViolation):
        rules.check_merge("dispatcher", primary, [])
    with pytest.raises(RuleViolation, match="自身"):
        rules.check_merge("dispatcher", primary, [report(1)])
    with pytest.raises(InvalidTransition, match="不能作为主件"):
        rules.check_merge("dispatcher", report(1, merged_into=7), [dup])
    with pytest.raises(InvalidTransition, match="已并入"):
        rules.check_merge("dispatcher", primary, [report(2, merged_into=7)])
    with pytest.raises(InvalidTransition, match="主件"):
        rules.check_merge("dispatcher", primary, [report(2, merged_count=2)])
    for status in ("closed", "rejected", "resolved", "police", "submitted"):
        with pytest.raises(InvalidTransition):
            rules.check_merge("dispatcher", primary, [report(2, status=status)])
        with pytest.raises(InvalidTransition):
            rules.check_merge("dispatcher", report(1, status=status), [dup])
    for status in ("triage", "dispatched", "accepted", "review_l1", "review_l2"):
        rules.check_merge("dispatcher", report(1, status=status), [report(2, status=status)])


def test_a_child_takes_the_primarys_state_except_its_own_rating():
    assert rules.followed_state("accepted", Action.RESOLVE, "resolved") is State.RESOLVED
    assert rules.followed_state("dispatched", Action.ACCEPT, "accepted") is State.ACCEPTED
    assert rules.followed_state("accepted", Action.DECIDE_REJECT, "rejected") is State.REJECTED
    assert rules.followed_state("resolved", Action.REWORK, "dispatched") is State.DISPATCHED
    # The primary's reporter's satisfied rating closes the primary only.
    assert rules.followed_state("resolved", Action.CLOSE, "closed") is None
    # A child already closed by its own reporter, or rejected, stays so.
    assert rules.followed_state("closed", Action.REWORK, "dispatched") is None
    assert rules.followed_state("rejected", Action.DISPATCH, "dispatched") is None
    # A change within the same state (an approved extension) is not copied.
    assert rules.followed_state("accepted", Action.APPROVE_EXTENSION, "accepted") is None


def test_a_child_is_handled_on_its_primary():
    rules.check_child_action(Action.CLOSE, "RE1")
    for action in (Action.ACCEPT, Action.DISPATCH, Action.RESOLVE, Action.ESCALATE, Action.REJECT):
        with pytest.raises(InvalidTransition, match="RE1"):
            rules.check_child_action(action, "RE1")


@pytest.mark.parametrize(("rating", "primary", "expected"), [
    ("satisfied", "resolved", ChildRating.CLOSE_OWN),
    ("basically_satisfied", "closed", ChildRating.CLOSE_OWN),
    ("dissatisfied", "resolved", ChildRating.REWORK_PRIMARY),
    ("dissatisfied", "closed", ChildRating.SPLIT),
])
def test_each_reporter_rates_their_own_case(rating, primary, expected):
    assert rules.child_rating(rating, primary) is expected


def test_unknown_rating_is_refused():
    with pytest.raises(ValueError):
        rules.child_rating("great", "resolved")
