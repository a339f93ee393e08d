"""未诉先办: a minor category spiking in a grid, against the grid's own trailing baseline.

The rule, for one (grid, minor category):

- the recent window is the ``recent`` span (24 hours) ending at the sweep's moment, floored to a
  ``step`` (15 minutes), so every sweep within one step sees the same window;
- the baseline is the ``baseline_windows`` (14) windows of the same length just before it;
- it spikes when ``recent >= min_recent`` (3) and ``recent >= factor × max(1, mean(baseline))``
  (factor 3.0); ``max(1, …)`` keeps a quiet grid (mean below one case a day) from alerting on
  every pair of cases;
- its score is ``recent / max(1, mean(baseline))``: how many times the usual level it reached.

Example: 5 cases in the last 24 hours against one a day for 14 days → mean 1.0, 5 ≥ 3 and 5 ≥ 3.0,
a spike with score 5.0; 6 against three a day → mean 3.0, 6 < 9.0, no spike.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

RECENT = timedelta(hours=24)
BASELINE_WINDOWS = 14
STEP = timedelta(minutes=15)
MIN_RECENT = 3
FACTOR = 3.0


@dataclass(frozen=True)
class Spike:
    recent: int
    baseline_mean: float
    score: float


def level(baseline_counts: list[int]) -> float:
    """The usual level a spike is measured against: the baseline mean, at least one case."""
    return max(1.0, mean(baseline_counts))


def mean(counts: list[int]) -> float:
    return sum(counts) / len(counts) if counts else 0.0


def score(recent: int, baseline_mean: float) -> float:
    return round(recent / max(1.0, baseline_mean), 2)


def detect(recent: int, baseline_counts: list[int], *, min_recent: int = MIN_RECENT,
           factor: float = FACTOR) -> Spike | None:
    """A Spike when ``recent`` stands out against ``baseline_counts`` (one count per past window), else None."""
    usual = level(baseline_counts)
    if recent < min_recent or recent < factor * usual:
        return None
    baseline_mean = round(mean(baseline_counts), 4)
    return Spike(recent=recent, baseline_mean=baseline_mean, score=score(recent, baseline_mean))


@dataclass(frozen=True)
class Windows:
    """The recent window [start, end) and the baseline windows before it, the nearest first."""
    start: datetime
    end: datetime
    count: int

    @property
    def length(self) -> timedelta:
        return self.end - self.start

    @property
    def baseline_start(self) -> datetime:
        return self.start - self.count * self.length

    def baseline(self) -> list[tuple[datetime, datetime]]:
        return [(self.start - (i + 1) * self.length, self.start - i * self.length) for i in range(self.count)]


def windows(now: datetime, *, recent: timedelta = RECENT, baseline_windows: int = BASELINE_WINDOWS,
            step: timedelta = STEP) -> Windows:
    """The windows of a sweep at ``now`` (an aware datetime); the end is ``now`` floored to ``step``."""
    epoch = datetime(2000, 1, 1, tzinfo=now.tzinfo)
    end = now - (now - epoch) % step
    return Windows(start=end - recent, end=end, count=baseline_windows)
