"""The 考核 rollups' bookkeeping: facts in and out per key, months, and where a period's figures come from."""
from datetime import date, datetime, timezone

from rongetong.domain.metrics import Counts
from rongetong.domain.rollups import Fact, Spans, by_district_day, by_month, deltas, spans

OCT_3 = (date(2026, 10, 3), 7, 1, 2, "wechat")
OCT_3_OTHER_UNIT = (date(2026, 10, 3), 9, 1, 2, "wechat")
OCT_20 = (date(2026, 10, 20), 7, 1, 2, "wechat")

FILED = Counts(received=1, to_handle=1, dispatched=1)
ACCEPTED = Counts(received=1, to_handle=1, dispatched=1, due_accept=1, accepted_on_time=1)
RESOLVED = ACCEPTED + Counts(resolved=1, resolved_on_time=1, handling_hours_total=6.5, handling_hours_cases=1)


def test_counts_add_and_subtract_field_by_field():
    assert ACCEPTED - FILED == Counts(due_accept=1, accepted_on_time=1)
    assert (RESOLVED - RESOLVED).is_zero() and not FILED.is_zero()
    assert (Counts(handling_hours_total=0.1 + 0.2) - Counts(handling_hours_total=0.3)).is_zero()


def test_a_new_case_adds_its_fact():
    assert deltas([], [Fact(OCT_3, FILED)]) == {OCT_3: FILED}


def test_a_change_adds_the_difference_only():
    assert deltas([Fact(OCT_3, FILED)], [Fact(OCT_3, ACCEPTED)]) == {OCT_3: Counts(due_accept=1, accepted_on_time=1)}


def test_nothing_changed_means_nothing_to_write():
    assert deltas([Fact(OCT_3, ACCEPTED)], [Fact(OCT_3, ACCEPTED)]) == {}


def test_redispatch_to_another_unit_moves_the_case_between_keys():
    # 改派: everything the case counted leaves the first unit and arrives at the second.
    assert deltas([Fact(OCT_3, ACCEPTED)], [Fact(OCT_3_OTHER_UNIT, FILED)]) == {
        OCT_3: Counts() - ACCEPTED, OCT_3_OTHER_UNIT: FILED}


def test_a_deleted_case_takes_its_fact_away():
    assert deltas([Fact(OCT_3, RESOLVED)], []) == {OCT_3: Counts() - RESOLVED}


def test_several_cases_net_out_per_key():
    old = [Fact(OCT_3, FILED), Fact(OCT_3, FILED)]
    new = [Fact(OCT_3, ACCEPTED), Fact(OCT_3, FILED)]
    assert deltas(old, new) == {OCT_3: Counts(due_accept=1, accepted_on_time=1)}


def test_a_pending_deadline_is_not_a_count():
    due = datetime(2026, 10, 3, 2, tzinfo=timezone.utc)
    assert deltas([], [Fact(OCT_3, FILED, pending_accept_due=due)]) == {OCT_3: FILED}


def test_days_fold_into_their_month():
    daily = {OCT_3: FILED, OCT_20: ACCEPTED, (date(2026, 11, 1), 7, 1, 2, "wechat"): FILED}
    assert by_month(daily) == {(date(2026, 10, 1), 7, 1, 2, "wechat"): FILED + ACCEPTED,
                               (date(2026, 11, 1), 7, 1, 2, "wechat"): FILED}


def test_days_fold_into_the_district_total_of_the_day():
    assert by_district_day({OCT_3: FILED, OCT_3_OTHER_UNIT: ACCEPTED, OCT_20: FILED}) == {
        (date(2026, 10, 3),): FILED + ACCEPTED, (date(2026, 10, 20),): FILED}


def test_whole_months_come_from_the_monthly_rollup():
    assert spans(None, None) == Spans(months=(None, None))
    assert spans(date(2026, 10, 1), date(2026, 10, 31)) == Spans(months=(date(2026, 10, 1), date(2026, 10, 1)))
    assert spans(date(2026, 2, 1), date(2026, 2, 28)) == Spans(months=(date(2026, 2, 1), date(2026, 2, 1)))
    assert spans(date(2026, 10, 1), None) == Spans(months=(date(2026, 10, 1), None))


def test_the_edges_of_a_period_come_from_the_daily_rollup():
    assert spans(date(2026, 9, 20), date(2026, 11, 10)) == Spans(
        months=(date(2026, 10, 1), date(2026, 10, 1)),
        days=((date(2026, 9, 20), date(2026, 9, 30)), (date(2026, 11, 1), date(2026, 11, 10))))
    assert spans(None, date(2026, 11, 10)) == Spans(months=(None, date(2026, 10, 1)),
                                                     days=((date(2026, 11, 1), date(2026, 11, 10)),))
    assert spans(date(2026, 11, 10), None) == Spans(months=(date(2026, 12, 1), None),
                                                     days=((date(2026, 11, 10), date(2026, 11, 30)),))
    assert spans(date(2026, 12, 10), None).months == (date(2027, 1, 1), None)


def test_a_period_inside_one_month_is_days_only():
    assert spans(date(2026, 10, 5), date(2026, 10, 20)) == Spans(months=None,
                                                                 days=((date(2026, 10, 5), date(2026, 10, 20)),))
    assert spans(date(2026, 10, 31), date(2026, 11, 1)) == Spans(months=None,
                                                                 days=((date(2026, 10, 31), date(2026, 11, 1)),))
