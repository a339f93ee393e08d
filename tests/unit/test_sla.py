"""Time limits and deadlines on a fixed Monday–Friday calendar."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from rongetong.domain.calendar import WorkingCalendar
from rongetong.domain.errors import RuleViolation
from rongetong.domain.sla import (
    TimeLimits,
    check_extension,
    check_return_window,
    deadlines_for,
    describe_time_left,
    overdue_deadline,
)

TZ = ZoneInfo("Asia/Shanghai")
CAL = WorkingCalendar(is_workday=lambda d: d.weekday() < 5)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def test_default_deadlines_from_a_wednesday_morning():
    due = deadlines_for(TimeLimits(), at("2026-06-10 09:00"), CAL)
    assert due.accept_due == at("2026-06-10 11:00")     # 2 working hours
    assert due.return_due == at("2026-06-12 09:00")     # 2 working days
    assert due.resolve_due == at("2026-06-17 09:00")    # 5 working days, over the weekend


def test_urgent_categories_count_minutes_and_hours():
    limits = TimeLimits.for_category(urgent=True)
    due = deadlines_for(limits, at("2026-06-10 11:45"), CAL)
    assert due.accept_due == at("2026-06-10 13:45")     # 30 working minutes across the lunch break
    assert due.resolve_due == at("2026-06-11 13:45")    # 8 working hours of 7.5 a day


def test_per_category_limits_override_the_defaults():
    limits = TimeLimits.for_category(urgent=False, accept_minutes=60, resolve_days=10)
    assert (limits.accept_minutes, limits.resolve_days, limits.resolve_hours) == (60, 10, None)


@pytest.mark.parametrize(("days", "so_far"), [(0, 0), (11, 0), (3, 2)])
def test_extension_limits(days, so_far):
    with pytest.raises(RuleViolation):
        check_extension(TimeLimits(), days, so_far)


def test_extension_within_limits_passes():
    check_extension(TimeLimits(), 10, 1)


def test_return_window():
    check_return_window(at("2026-06-12 09:00"), at("2026-06-12 08:59"))
    with pytest.raises(RuleViolation):
        check_return_window(at("2026-06-12 09:00"), at("2026-06-12 09:01"))


@pytest.mark.parametrize(("state", "now", "expected"), [
    ("dispatched", "2026-06-10 10:00", None),
    ("dispatched", "2026-06-10 12:00", "accept"),
    ("accepted", "2026-06-10 12:00", None),
    ("accepted", "2026-06-18 09:00", "resolve"),
    ("dispatched", "2026-06-18 09:00", "resolve"),
    ("review_l1", "2026-06-18 09:00", "resolve"),
    ("resolved", "2026-06-18 09:00", None),
    ("triage", "2026-06-18 09:00", None),
])
def test_overdue_is_a_flag_on_open_cases(state, now, expected):
    assert overdue_deadline(state, at("2026-06-10 11:00"), at("2026-06-17 09:00"), at(now)) == expected


def test_calendar_is_a_chinese_working_calendar_by_default():
    assert WorkingCalendar().is_workday(date(2026, 10, 1)) is False   # 国庆


def test_reminders_fall_at_80_percent_of_each_limit_in_working_time():
    due = deadlines_for(TimeLimits(), at("2026-06-10 09:00"), CAL)
    assert due.accept_remind_at == at("2026-06-10 10:36")     # 96 of 120 working minutes
    assert CAL.working_minutes_between(at("2026-06-10 09:00"), due.resolve_remind_at) == 0.8 * 5 * 450


@pytest.mark.parametrize("minutes, text", [
    (0, "剩余 0 分钟"),
    (45, "剩余 45 分钟"),
    (90, "剩余 1 小时 30 分钟"),
    (450 * 2 + 180 + 5, "剩余 2 个工作日 3 小时"),
    (-30, "已超期 30 分钟"),
    (-450, "已超期 1 个工作日"),
])
def test_time_left_is_told_in_working_days_hours_and_minutes(minutes, text):
    assert describe_time_left(minutes, minutes_per_day=450) == text
