"""Unit tests of the SLA calendar (工作日, 调休, 法定节假日, 工作时间)."""
from __future__ import annotations

import logging
import math
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from rongetong.domain import calendar as calendar_module
from rongetong.domain.calendar import DEFAULT_PERIODS, WorkingCalendar, chinese_workday

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: str, hhmm: str = "00:00") -> datetime:
    """An aware Asia/Shanghai datetime, e.g. at("2026-06-10", "09:00")."""
    return datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=SHANGHAI)


def monday_to_friday(day: date) -> bool:
    return day.weekday() < 5


# 2026-06-08 .. 2026-06-12 is an ordinary Monday..Friday, 2026-06-13/14 the weekend.
WED, THU, FRI = "2026-06-10", "2026-06-11", "2026-06-12"
SAT, SUN = "2026-06-13", "2026-06-14"
MON, TUE, NEXT_WED = "2026-06-15", "2026-06-16", "2026-06-17"


@pytest.fixture
def cal() -> WorkingCalendar:
    """Default working hours on a fixed Monday-to-Friday week, independent of chinese_calendar."""
    return WorkingCalendar(is_workday=monday_to_friday)


@pytest.fixture
def cn() -> WorkingCalendar:
    """The production calendar: default periods on the chinese_calendar data."""
    return WorkingCalendar()


# -- construction -------------------------------------------------------------------------


def test_defaults():
    cal = WorkingCalendar()
    assert cal.periods == DEFAULT_PERIODS
    assert cal.minutes_per_day == 450
    assert cal.tz == SHANGHAI


@pytest.mark.parametrize(
    "periods",
    [
        pytest.param((), id="empty"),
        pytest.param(((time(12), time(9)),), id="ends-before-start"),
        pytest.param(((time(9), time(9)),), id="zero-length"),
        pytest.param(((time(8), time(12)), (time(11), time(17))), id="overlapping"),
        pytest.param(((time(13), time(17)), (time(8), time(12))), id="unsorted"),
        pytest.param(((time(9), time(12), time(13)),), id="not-a-pair"),
        pytest.param(((time(9), "17:00"),), id="not-a-time"),
        pytest.param(((time(9, tzinfo=timezone.utc), time(17)),), id="aware-time"),
        pytest.param(((time(9, 0, 30), time(17)),), id="not-whole-minutes"),
    ],
)
def test_invalid_periods_are_rejected(periods):
    with pytest.raises(ValueError):
        WorkingCalendar(periods=periods, is_workday=monday_to_friday)


def test_touching_periods_are_allowed():
    cal = WorkingCalendar(periods=((time(8), time(12)), (time(12), time(13))))
    assert cal.minutes_per_day == 300


# -- working moments ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "working"),
    [
        (at(WED, "08:29:59"), False),
        (at(WED, "08:30"), True),    # start inclusive
        (at(WED, "11:59:59"), True),
        (at(WED, "12:00"), False),   # end exclusive: lunch break
        (at(WED, "13:00"), False),
        (at(WED, "13:30"), True),
        (at(WED, "17:30"), False),
        (at(SAT, "10:00"), False),   # weekend
    ],
)
def test_is_working_moment(cal, moment, working):
    assert cal.is_working_moment(moment) is working


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(WED, "10:00"), at(WED, "10:00")),     # already working
        (at(WED, "07:00"), at(WED, "08:30")),     # before work
        (at(WED, "12:00"), at(WED, "13:30")),     # lunch break
        (at(WED, "17:30"), at(THU, "08:30")),     # end of day rolls to next morning
        (at(FRI, "18:00"), at(MON, "08:30")),     # weekend skipped
        (at(SUN, "23:59"), at(MON, "08:30")),
    ],
)
def test_next_working_moment(cal, moment, expected):
    assert cal.next_working_moment(moment) == expected


# -- adding working time ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "minutes", "expected"),
    [
        pytest.param(at(WED, "09:00"), 60, at(WED, "10:00"), id="normal-wednesday"),
        pytest.param(at(WED, "11:00"), 90, at(WED, "14:00"), id="across-lunch"),
        pytest.param(at(WED, "12:30"), 30, at(WED, "14:00"), id="from-lunch"),
        pytest.param(at(WED, "11:30"), 30, at(WED, "12:00"), id="exactly-at-period-end"),
        pytest.param(at(WED, "17:00"), 30, at(WED, "17:30"), id="exactly-at-day-end"),
        pytest.param(at(WED, "17:00"), 31, at(THU, "08:31"), id="rolls-to-next-morning"),
        pytest.param(at(WED, "16:30"), 450, at(THU, "16:30"), id="one-full-day"),
        pytest.param(at(FRI, "17:00"), 60, at(MON, "09:00"), id="skips-weekend"),
        pytest.param(at(SAT, "10:00"), 30, at(MON, "09:00"), id="starts-on-weekend"),
        pytest.param(at(WED, "09:00"), 0.5, at(WED, "09:00:30"), id="fractional"),
        # Five full days of budget run out at the end of the 5th day, not the next morning.
        pytest.param(at(WED, "08:30"), 5 * 450, at(TUE, "17:30"), id="a-week"),
    ],
)
def test_add_working_minutes(cal, start, minutes, expected):
    assert cal.add_working_minutes(start, minutes) == expected


@pytest.mark.parametrize("start", [at(WED, "10:00"), at(SAT, "10:00")])
def test_add_zero_minutes_returns_start_unchanged(cal, start):
    assert cal.add_working_minutes(start, 0) == start


@pytest.mark.parametrize("minutes", [-1, -0.5, math.nan, math.inf])
def test_add_working_minutes_rejects_negative_or_non_finite(cal, minutes):
    with pytest.raises(ValueError):
        cal.add_working_minutes(at(WED, "10:00"), minutes)


def test_add_working_hours(cal):
    assert cal.add_working_hours(at(WED, "09:00"), 2) == at(WED, "11:00")
    assert cal.add_working_hours(at(WED, "09:00"), 7.5) == at(THU, "09:00")
    with pytest.raises(ValueError):
        cal.add_working_hours(at(WED, "09:00"), -1)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        pytest.param(at(WED, "10:00"), 1, at(THU, "10:00"), id="same-clock-time"),
        pytest.param(at(WED, "10:00"), 5, at(NEXT_WED, "10:00"), id="a-week"),
        pytest.param(at(FRI, "10:00"), 1, at(MON, "10:00"), id="over-weekend"),
        # Outside working time: count from the next working moment, Monday 08:30.
        pytest.param(at(FRI, "18:00"), 1, at(TUE, "08:30"), id="friday-evening"),
        pytest.param(at(WED, "12:15"), 1, at(THU, "13:30"), id="from-lunch-break"),
        pytest.param(at(SAT, "10:00"), 0, at(MON, "08:30"), id="zero-days"),
        pytest.param(at(WED, "10:00"), 0, at(WED, "10:00"), id="zero-days-working"),
    ],
)
def test_add_working_days(cal, start, days, expected):
    assert cal.add_working_days(start, days) == expected


def test_add_working_days_rejects_negative_and_fractional(cal):
    with pytest.raises(ValueError):
        cal.add_working_days(at(WED, "10:00"), -1)
    with pytest.raises(TypeError):
        cal.add_working_days(at(WED, "10:00"), 1.5)


# -- measuring working time ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "minutes"),
    [
        pytest.param(at(WED, "09:00"), at(WED, "10:00"), 60, id="within-period"),
        pytest.param(at(WED, "11:00"), at(WED, "14:00"), 90, id="across-lunch"),
        pytest.param(at(WED, "07:00"), at(WED, "19:00"), 450, id="whole-day"),
        pytest.param(at(WED, "12:10"), at(WED, "12:50"), 0, id="inside-lunch"),
        pytest.param(at(FRI, "17:00"), at(MON, "09:00"), 60, id="over-weekend"),
        pytest.param(at(MON), at(NEXT_WED), 2 * 450, id="weekdays-only"),
        pytest.param(at(WED, "10:00"), at(WED, "10:00"), 0, id="empty"),
    ],
)
def test_working_minutes_between(cal, start, end, minutes):
    assert cal.working_minutes_between(start, end) == minutes
    assert cal.working_minutes_between(end, start) == -minutes  # symmetric, negative backwards


def test_working_hours_between(cal):
    assert cal.working_hours_between(at(WED, "08:30"), at(THU, "10:30")) == 9.5
    assert cal.working_hours_between(at(THU, "10:30"), at(WED, "08:30")) == -9.5


@pytest.mark.parametrize("start", [at(WED, "08:30"), at(WED, "11:45"), at(FRI, "17:10")])
@pytest.mark.parametrize("minutes", [1, 15, 210, 449.5, 450, 1000, 10_000])
def test_adding_then_measuring_round_trips(cal, start, minutes):
    deadline = cal.add_working_minutes(start, minutes)
    assert cal.working_minutes_between(start, deadline) == pytest.approx(minutes)


def test_working_minutes_over_a_year(cn):
    start, end = at("2025-01-01", "10:00"), at("2026-01-01", "10:00")
    minutes = cn.working_minutes_between(start, end)
    assert minutes == pytest.approx(cn.minutes_per_day * 250, rel=0.02)  # ~250 工作日 a year


# -- time zones ---------------------------------------------------------------------------


def test_other_time_zones_are_converted(cal):
    start = datetime(2026, 6, 10, 1, 0, tzinfo=timezone.utc)  # 09:00 in Shanghai
    deadline = cal.add_working_minutes(start, 60)
    assert deadline == at(WED, "10:00")
    assert deadline.tzinfo == SHANGHAI
    assert cal.add_working_minutes(start, 0).tzinfo == SHANGHAI
    assert cal.is_working_moment(start)


NAIVE = datetime(2026, 6, 10, 10, 0)


@pytest.mark.parametrize(
    ("method", "args"),
    [
        ("is_working_moment", (NAIVE,)),
        ("next_working_moment", (NAIVE,)),
        ("add_working_minutes", (NAIVE, 10)),
        ("add_working_minutes", (NAIVE, 0)),
        ("add_working_hours", (NAIVE, 1)),
        ("add_working_days", (NAIVE, 1)),
        ("working_minutes_between", (NAIVE, at(WED))),
        ("working_hours_between", (at(WED), NAIVE)),
    ],
)
def test_naive_datetimes_are_rejected(cal, method, args):
    with pytest.raises(ValueError, match="naive"):
        getattr(cal, method)(*args)


# -- custom periods -----------------------------------------------------------------------


def test_single_custom_period():
    cal = WorkingCalendar(periods=((time(9), time(17)),), is_workday=monday_to_friday)
    assert cal.minutes_per_day == 480
    assert cal.is_working_moment(at(WED, "12:30"))  # no lunch break
    assert not cal.is_working_moment(at(WED, "17:00"))
    assert cal.next_working_moment(at(WED, "08:30")) == at(WED, "09:00")
    assert cal.add_working_minutes(at(WED, "16:30"), 60) == at(THU, "09:30")
    assert cal.add_working_days(at(FRI, "18:00"), 1) == at(TUE, "09:00")
    assert cal.working_minutes_between(at(WED, "08:00"), at(THU, "10:00")) == 480 + 60


def test_custom_is_workday_is_used():
    saturdays_only = WorkingCalendar(is_workday=lambda day: day.weekday() == 5)
    assert saturdays_only.add_working_days(at(WED, "10:00"), 0) == at(SAT, "08:30")
    assert saturdays_only.add_working_days(at(SAT, "10:00"), 1) == at("2026-06-20", "10:00")


def test_calendar_without_any_workday_fails_instead_of_looping():
    never = WorkingCalendar(is_workday=lambda day: False)
    with pytest.raises(RuntimeError):
        never.next_working_moment(at(WED, "10:00"))


# -- the Chinese calendar (chinese_calendar data) -----------------------------------------


@pytest.mark.parametrize(
    ("day", "workday"),
    [
        (date(2026, 6, 10), True),    # an ordinary Wednesday
        (date(2026, 6, 13), False),   # an ordinary Saturday
        (date(2026, 6, 19), False),   # 端午节 (Dragon Boat Festival), a Friday
        # 2026 国庆 as chinese_calendar 1.11 has it: 法定节假日 Oct 1-7 (Thu-Wed), 调休上班 on
        # Sun Sep 20 and Sat Oct 10; Oct 8 and 9 are ordinary working days.
        (date(2026, 9, 20), True),    # Sunday, 调休上班
        (date(2026, 9, 30), True),
        *((date(2026, 10, d), False) for d in range(1, 8)),
        (date(2026, 10, 8), True),
        (date(2026, 10, 9), True),
        (date(2026, 10, 10), True),   # Saturday, 调休上班
        (date(2026, 10, 11), False),  # Sunday
        (date(2026, 10, 12), True),
    ],
)
def test_chinese_workday(day, workday):
    assert chinese_workday(day) is workday


def test_national_day_golden_week(cn):
    # 5 工作日 after Wed Sep 30 16:00: Oct 8 (1), Oct 9 (2), Sat Oct 10 调休 (3), [Sun Oct 11
    # off], Oct 12 (4), Oct 13 (5) -> Tue 2026-10-13 16:00 +08:00.
    assert cn.add_working_days(at("2026-09-30", "16:00"), 5) == at("2026-10-13", "16:00")
    # The last hour before the holiday ends on the first morning after it.
    assert cn.add_working_minutes(at("2026-09-30", "17:00"), 60) == at("2026-10-08", "09:00")
    # Sep 30, Oct 8, Oct 9 and the 调休 Saturday Oct 10 are the only 工作日 in between.
    assert cn.working_minutes_between(at("2026-09-30"), at("2026-10-11")) == 4 * 450


def test_make_up_saturday_is_a_working_day(cn):
    assert cn.is_working_moment(at("2026-10-10", "10:00"))
    assert cn.add_working_days(at("2026-10-09", "10:00"), 1) == at("2026-10-10", "10:00")
    assert cn.next_working_moment(at("2026-10-09", "18:00")) == at("2026-10-10", "08:30")


def test_years_without_data_fall_back_to_weekdays_with_one_warning(monkeypatch, caplog):
    monkeypatch.setattr(calendar_module, "_fallback_warned", False)
    chinese_workday.cache_clear()
    caplog.set_level(logging.WARNING, logger=calendar_module.__name__)

    week = [date(2031, 1, 5) + timedelta(days=n) for n in range(7)]  # Sun 2031-01-05 .. Sat
    assert [chinese_workday(day) for day in week] == [False, True, True, True, True, True, False]
    cal = WorkingCalendar()
    assert cal.add_working_days(at("2031-01-10", "18:00"), 1) == at("2031-01-14", "08:30")

    warnings = [r for r in caplog.records if r.name == calendar_module.__name__]
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING
    assert "2031" in warnings[0].getMessage()


@pytest.mark.parametrize(("end", "minutes", "expected"), [
    (("2026-06-10", "10:00"), 60, ("2026-06-10", "09:00")),
    (("2026-06-10", "09:00"), 60, ("2026-06-09", "17:00")),   # back across the evening
    (("2026-06-15", "09:00"), 450, ("2026-06-12", "09:00")),  # Monday back over the weekend
])
def test_earliest_moment_within(cal, end, minutes, expected):
    moment = cal.earliest_moment_within(at(*end), minutes)
    assert moment == at(*expected)
    assert cal.working_minutes_between(moment - timedelta(minutes=1), at(*end)) > minutes
