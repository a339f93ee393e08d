"""Time limits (时限) of a case and the deadlines they give, in working time.

Defaults (DESIGN §5): accept within 2 working hours (urgent: 30 minutes); return only within
2 working days; resolve within 5 working days (urgent: within working hours); an extension is at
most 10 working days and may be asked at most twice.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .calendar import WorkingCalendar
from .errors import RuleViolation
from .lifecycle import HANDLING_STATES, State

# States in which the resolve deadline runs: a unit holds the case or a review panel does.
OVERDUE_STATES = HANDLING_STATES | {State.REVIEW_L1, State.REVIEW_L2}


@dataclass(frozen=True)
class TimeLimits:
    accept_minutes: int = 120
    resolve_days: int | None = 5
    resolve_hours: int | None = None      # urgent categories count hours instead of days
    return_days: int = 2
    max_extension_days: int = 10
    max_extensions: int = 2
    reminder_fraction: float = 0.8        # 催办 at 80% of a limit

    @classmethod
    def for_category(cls, *, urgent: bool, accept_minutes: int | None = None,
                     resolve_days: int | None = None, resolve_hours: int | None = None) -> TimeLimits:
        if urgent:
            return cls(accept_minutes=accept_minutes or 30, resolve_days=resolve_days,
                       resolve_hours=resolve_hours or (None if resolve_days else 8))
        return cls(accept_minutes=accept_minutes or 120, resolve_days=resolve_days or 5,
                   resolve_hours=resolve_hours if not resolve_days else None)


@dataclass(frozen=True)
class Deadlines:
    accept_due: datetime
    return_due: datetime
    resolve_due: datetime
    accept_remind_at: datetime
    resolve_remind_at: datetime


def deadlines_for(limits: TimeLimits, dispatched_at: datetime, calendar: WorkingCalendar) -> Deadlines:
    """The deadlines a unit gets when a case is dispatched to it, and the 催办 moments before them."""
    if limits.resolve_hours:
        resolve_due = calendar.add_working_hours(dispatched_at, limits.resolve_hours)
    else:
        resolve_due = calendar.add_working_days(dispatched_at, limits.resolve_days or 5)
    accept_due = calendar.add_working_minutes(dispatched_at, limits.accept_minutes)
    return Deadlines(
        accept_due=accept_due,
        return_due=calendar.add_working_days(dispatched_at, limits.return_days),
        resolve_due=resolve_due,
        accept_remind_at=remind_at(limits, dispatched_at, accept_due, calendar),
        resolve_remind_at=remind_at(limits, dispatched_at, resolve_due, calendar),
    )


def remind_at(limits: TimeLimits, start: datetime, due: datetime, calendar: WorkingCalendar) -> datetime:
    """The moment ``reminder_fraction`` (80%) of the working time from start to due has passed."""
    return calendar.add_working_minutes(start, limits.reminder_fraction * calendar.working_minutes_between(start, due))


def extended_due(limits: TimeLimits, resolve_due: datetime, days: int, extensions_so_far: int,
                 calendar: WorkingCalendar) -> datetime:
    """The resolve deadline after an approved extension (延期), within the rule's maximum."""
    check_extension(limits, days, extensions_so_far)
    return calendar.add_working_days(resolve_due, days)


def check_extension(limits: TimeLimits, days: int, extensions_so_far: int) -> None:
    if not 1 <= days <= limits.max_extension_days:
        raise RuleViolation(f"延期天数须在 1 到 {limits.max_extension_days} 个工作日之间")
    if extensions_so_far >= limits.max_extensions:
        raise RuleViolation(f"每件最多延期 {limits.max_extensions} 次")


def check_return_window(return_due: datetime | None, now: datetime) -> None:
    if return_due is not None and now > return_due:
        raise RuleViolation("已超过退单时限（派遣后 2 个工作日内），不能退单，可申请研判")


def overdue_deadline(state: State | str, accept_due: datetime | None, resolve_due: datetime | None,
                     now: datetime) -> str | None:
    """Which deadline an open case has passed: ``"accept"``, ``"resolve"`` or None.

    Overdue is a flag, not a state: an unaccepted case is late once its accept deadline passes;
    any case still held by a unit or in review is late once its resolve deadline passes.
    """
    state = State(state)
    if state in OVERDUE_STATES and resolve_due and now > resolve_due:
        return "resolve"
    if state is State.DISPATCHED and accept_due and now > accept_due:
        return "accept"
    return None


def describe_time_left(minutes: float, minutes_per_day: int) -> str:
    """Working time to a deadline as staff read it: 剩余 2 个工作日 3 小时, or 已超期 45 分钟 when negative."""
    left = round(abs(minutes))
    days, rest = divmod(left, minutes_per_day)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} 个工作日"] * bool(days) + [f"{hours} 小时"] * bool(hours) + [f"{mins} 分钟"] * bool(mins)
    return ("已超期 " if minutes < 0 else "剩余 ") + (" ".join(parts[:2]) or "0 分钟")
