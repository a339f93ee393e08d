"""The 考核 rates on hand-computed examples."""
from rongetong.domain.metrics import Counts, rank, rates, score


def test_rates_from_counts():
    # 10 received, 1 rejected and 1 police → 8 to handle; 8 dispatched, 7 due to be accepted, 6 on time;
    # 1 returned; 6 resolved, 5 on time, 1 reworked; 5 rated, 4 satisfied or basically; 2 supervised, 1 closed;
    # handling 6 cases took 60 working hours.
    c = Counts(received=10, to_handle=8, dispatched=8, due_accept=7, accepted_on_time=6, returned=1, resolved=6,
               resolved_on_time=5, reworked=1, rated=5, satisfied=4, supervised=2, supervision_closed=1,
               handling_hours_total=60.0, handling_hours_cases=6)
    r = rates(c)
    assert r.received == 10
    assert r.accepted_on_time_rate == round(6 / 7, 4)
    assert r.return_rate == 0.125
    assert r.closure_rate == 0.75
    assert r.on_time_closure_rate == round(5 / 6, 4)
    assert r.rework_rate == round(1 / 6, 4)
    assert (r.rated, r.satisfaction_rate) == (5, 0.8)
    assert (r.supervised, r.supervision_closure_rate) == (2, 0.5)
    assert r.avg_handling_working_hours == 10.0
    # 30 × 0.857143 + 35 × 0.833333 + 35 × 0.8 = 82.88
    assert r.score == 82.88


def test_nothing_to_judge_gives_none_not_zero():
    r = rates(Counts())
    assert r.closure_rate is None and r.satisfaction_rate is None and r.score is None and r.received == 0


def test_a_missing_rate_leaves_the_others_their_weight():
    assert score({"response": 1.0, "resolution": None, "satisfaction": 0.5}) == round(100 * (0.3 + 0.175) / 0.65, 2)


def test_ranking_shares_ranks_for_ties_and_puts_unscored_last():
    rows = [{"code": "a", "score": 90.0}, {"code": "b", "score": None}, {"code": "c", "score": 95.0},
            {"code": "d", "score": 90.0}]
    assert [(r["code"], r["rank"]) for r in rank(rows)] == [("c", 1), ("a", 2), ("d", 2), ("b", None)]
