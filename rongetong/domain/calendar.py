"""The SLA calendar (办理时限日历): time limits are counted in working time.

Working time is the union of the daily working periods (工作时间, by default 08:30–12:00 and
13:30–17:30) on every working day (工作日). Working days follow the Chinese calendar: weekdays
except statutory holidays (法定节假日), plus the weekend make-up workdays (调休上班).

Working time is measured on the wall clock of the calendar's time zone: a period of 08:30–12:00
is always 210 working minutes.
"""
from __future__ import annotations

import logging
import math
import operator
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from itertools import islice
from zoneinfo import ZoneInfo

import chinese_calendar

__all__ = ["DEFAULT_PERIODS", "WorkingCalendar", "chinese_workday"]

logger = logging.getLogger(__name__)

Period = tuple[time, time]

DEFAULT_PERIODS: tuple[Period, ...] = (
    (time(8, 30), time(12, 0)),
    (time(13, 30), time(17, 30)),
)  # 7.5 working hours a day

_ONE_DAY = timedelta(days=1)
_ONE_MINUTE = timedelta(minutes=1)
_ZERO = timedelta(0)
# A calendar whose next 工作日 is further away than this is misconfigured; fail instead of looping.
_MAX_DAYS_WITHOUT_WORK = 366

_fallback_warned = False  # the missing-data warning is logged once per process


# chinese_calendar.is_workday re-scans its whole table on every call (~20 µs); a year of look-ups
# would take several milliseconds, so answers are cached (~11 years of days).
@lru_cache(maxsize=4096)
def chinese_workday(day: date) -> bool:
    """True on a Chinese 工作日: weekdays except 法定节假日, plus 调休 make-up workdays.

    Outside the years that ``chinese_calendar`` has data for, falls back to plain Monday–Friday
    and logs a warning (once per process) so that someone updates the package.
    """
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        global _fallback_warned
        if not _fallback_warned:
            _fallback_warned = True
            logger.warning(
                "chinese_calendar has no holiday data for %s; counting Monday to Friday as "
                "working days until the package is updated",
                day.isoformat(),
            )
        return day.weekday() < 5


def _offset(clock: time) -> timedelta:
    """Time elapsed since midnight at ``clock``."""
    return timedelta(
        hours=clock.hour,
        minutes=clock.minute,
        seconds=clock.second,
        microseconds=clock.microsecond,
    )


def _validated_periods(periods) -> tuple[Period, ...]:
    """The periods as a tuple; ValueError unless sorted, non-overlapping and in whole minutes."""
    result = tuple(tuple(period) for period in periods)
    if not result:
        raise ValueError("a working calendar needs at least one working period")
    previous_end: time | None = None
    for period in result:
        if len(period) != 2 or not all(isinstance(clock, time) for clock in period):
            raise ValueError(f"a working period is a (start, end) pair of times, got {period!r}")
        start, end = period
        for clock in period:
            if clock.tzinfo is not None:
                raise ValueError(f"working period times must be naive clock times, got {clock!r}")
            if clock.second or clock.microsecond:
                raise ValueError(f"working period times must be whole minutes, got {clock!r}")
        if start >= end:
            raise ValueError(f"working period {start}–{end} must start before it ends")
        if previous_end is not None and start < previous_end:
            raise ValueError(f"working period {start}–{end} overlaps or precedes the previous one")
        previous_end = end
    return result


class WorkingCalendar:
    """Working time (工作时间) on working days (工作日) in one time zone.

    Every datetime argument must be timezone-aware; it is converted to the calendar's zone and
    every result is an aware datetime in that zone.
    """

    def __init__(
        self,
        periods=DEFAULT_PERIODS,
        tz: str = "Asia/Shanghai",
        is_workday: Callable[[date], bool] = chinese_workday,
    ):
        self.periods: tuple[Period, ...] = _validated_periods(periods)
        self.tz = ZoneInfo(tz)
        self._is_workday = is_workday
        self._offsets = tuple((_offset(start), _offset(end)) for start, end in self.periods)
        self._day_length = sum((end - start for start, end in self._offsets), _ZERO)
        self.minutes_per_day: int = self._day_length // _ONE_MINUTE

    def __repr__(self) -> str:
        periods = ", ".join(f"{start:%H:%M}–{end:%H:%M}" for start, end in self.periods)
        return f"WorkingCalendar({periods}, tz={self.tz.key!r})"

    # -- queries ---------------------------------------------------------------------------

    def is_workday(self, day: date) -> bool:
        """True if ``day`` is a 工作日 of this calendar."""
        return bool(self._is_workday(day))

    def is_working_moment(self, moment: datetime) -> bool:
        """True inside a working period of a 工作日 (start inclusive, end exclusive)."""
        local = self._localize(moment)
        if not self.is_workday(local.date()):
            return False
        offset = _offset(local.time())
        return any(start <= offset < end for start, end in self._offsets)

    def next_working_moment(self, moment: datetime) -> datetime:
        """``moment`` itself if it is working time, else the start of the next working period."""
        local = self._localize(moment)
        day, offset = local.date(), _offset(local.time())
        if self.is_workday(day):
            for start, end in self._offsets:
                if offset < end:
                    return local if offset >= start else self._at(day, start)
        return self._at(next(self._workdays_after(day)), self._offsets[0][0])

    # -- deadlines -------------------------------------------------------------------------

    def add_working_minutes(self, start: datetime, minutes: float) -> datetime:
        """The moment ``minutes`` of working time after ``start``.

        A budget that runs out exactly at the end of a period ends there (11:30 + 30 min is 12:00,
        not 13:30). Zero minutes returns ``start`` itself, converted to the calendar's zone.
        """
        if not math.isfinite(minutes) or minutes < 0:
            raise ValueError(f"working minutes must be a finite number >= 0, got {minutes!r}")
        if minutes == 0:
            return self._localize(start)
        return self._add(start, timedelta(minutes=minutes))

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """The moment ``hours`` of working time after ``start``."""
        if not math.isfinite(hours) or hours < 0:
            raise ValueError(f"working hours must be a finite number >= 0, got {hours!r}")
        return self.add_working_minutes(start, hours * 60)

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The same clock time ``days`` 工作日 after the next working moment from ``start``.

        From inside working time the deadline is the same clock time on the Nth 工作日 after;
        from outside it, counting starts at the next working moment (Friday 18:00 + 1 day is
        Tuesday 08:30). Zero days returns the next working moment.
        """
        days = operator.index(days)
        if days < 0:
            raise ValueError(f"working days must be >= 0, got {days}")
        begin = self.next_working_moment(start)
        if days == 0:
            return begin
        target = next(islice(self._workdays_after(begin.date()), days - 1, None))
        return datetime.combine(target, begin.time(), tzinfo=self.tz)

    # -- durations -------------------------------------------------------------------------

    def working_minutes_between(self, start: datetime, end: datetime) -> float:
        """Working minutes from ``start`` to ``end``; negative when ``end`` is before ``start``."""
        start, end = self._localize(start), self._localize(end)
        if end < start:
            return -self.working_minutes_between(end, start)
        first, last = start.date(), end.date()
        start_offset, end_offset = _offset(start.time()), _offset(end.time())
        if first == last:
            total = self._working_time_on(first, start_offset, end_offset)
        else:
            total = self._working_time_on(first, start_offset, _ONE_DAY)
            total += self._working_time_on(last, _ZERO, end_offset)
            full_days = sum(
                1 for n in range(1, (last - first).days) if self.is_workday(first + n * _ONE_DAY)
            )
            total += full_days * self._day_length
        return total / _ONE_MINUTE

    def working_hours_between(self, start: datetime, end: datetime) -> float:
        """Working hours from ``start`` to ``end``; negative when ``end`` is before ``start``."""
        return self.working_minutes_between(start, end) / 60

    def earliest_moment_within(self, end: datetime, minutes: float) -> datetime:
        """The earliest moment ``m`` with at most ``minutes`` working minutes from ``m`` to ``end``.

        A deadline before this moment is more than ``minutes`` late at ``end`` — which turns
        "overdue by more than N working hours" into a plain comparison a database can index.
        """
        end = self._localize(end)
        if minutes < 0 or not math.isfinite(minutes):
            raise ValueError(f"minutes must be a finite number >= 0, got {minutes!r}")
        # Working minutes to ``end`` only shrink as the start moves later: bisect to the second.
        low = end - timedelta(days=minutes / max(self.minutes_per_day, 1) * 7 / 5 + _MAX_DAYS_WITHOUT_WORK)
        high = end
        while high - low > timedelta(seconds=1):
            middle = low + (high - low) / 2
            if self.working_minutes_between(middle, end) > minutes:
                low = middle
            else:
                high = middle
        return high.replace(microsecond=0) if high.microsecond else high

    # -- helpers ---------------------------------------------------------------------------

    def _localize(self, moment: datetime) -> datetime:
        """``moment`` in the calendar's zone; ValueError if it is naive."""
        if not isinstance(moment, datetime):
            raise TypeError(f"expected a datetime, got {type(moment).__name__}")
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"naive datetime {moment.isoformat()}: a time zone is required")
        return moment.astimezone(self.tz)

    def _at(self, day: date, offset: timedelta) -> datetime:
        """The aware datetime ``offset`` after midnight of ``day`` (wall clock)."""
        return datetime.combine(day, time(), tzinfo=self.tz) + offset

    def _workdays_after(self, day: date) -> Iterator[date]:
        """The 工作日 strictly after ``day``, in order."""
        idle = 0
        while True:
            day += _ONE_DAY
            if self.is_workday(day):
                idle = 0
                yield day
            else:
                idle += 1
                if idle > _MAX_DAYS_WITHOUT_WORK:
                    raise RuntimeError(
                        f"no working day in the {_MAX_DAYS_WITHOUT_WORK} days before {day}"
                    )

    def _working_time_on(self, day: date, since: timedelta, until: timedelta) -> timedelta:
        """Working time on ``day`` between two offsets from its midnight."""
        if not self.is_workday(day):
            return _ZERO
        return sum(
            (max(_ZERO, min(until, end) - max(since, start)) for start, end in self._offsets),
            _ZERO,
        )

    def _add(self, start: datetime, budget: timedelta) -> datetime:
        """Consume ``budget`` (> 0) of working time from the next working moment of ``start``."""
        begin = self.next_working_moment(start)
        day, since = begin.date(), _offset(begin.time())
        later_workdays = self._workdays_after(day)
        while True:
            for period_start, period_end in self._offsets:
                if period_end <= since:
                    continue
                segment_start = max(period_start, since)
                available = period_end - segment_start
                if budget <= available:
                    return self._at(day, segment_start + budget)
                budget -= available
            day, since = next(later_workdays), _ZERO
