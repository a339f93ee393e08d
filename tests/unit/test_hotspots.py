"""未诉先办: the spike rule and its windows on hand-computed examples."""
from datetime import datetime, timedelta, timezone

from rongetong.domain.hotspots import Spike, detect, score, windows

FORTNIGHT_OF_ONES = [1] * 14


def test_five_against_one_a_day_is_a_spike():
    # mean 1.0 → threshold 3 × 1 = 3; 5 ≥ 3 and 5 ≥ min_recent 3; score 5 / 1 = 5.0
    assert detect(5, FORTNIGHT_OF_ONES) == Spike(recent=5, baseline_mean=1.0, score=5.0)


def test_double_the_usual_level_is_not_a_spike():
    # mean 3.0 → threshold 9; 6 < 9
    assert detect(6, [3] * 14) is None
    # 9 = 3 × 3 reaches it: score 3.0
    assert detect(9, [3] * 14) == Spike(recent=9, baseline_mean=3.0, score=3.0)


def test_a_quiet_grid_needs_min_recent_cases():
    # no baseline at all: mean 0 counts as 1 → threshold 3; but 2 < min_recent 3
    assert detect(2, [0] * 14) is None
    assert detect(3, [0] * 14) == Spike(recent=3, baseline_mean=0.0, score=3.0)
    assert detect(3, []) == Spike(recent=3, baseline_mean=0.0, score=3.0)


def test_a_fractional_mean():
    # 7 cases in 14 days: mean 0.5, counted as 1 → threshold 3; 4 spikes, score 4 / 1 = 4.0
    counts = [1, 0] * 7
    assert detect(4, counts) == Spike(recent=4, baseline_mean=0.5, score=4.0)
    # 28 cases in 14 days: mean 2.0 → threshold 6; 5 does not, 7 does with score 3.5
    assert detect(5, [2] * 14) is None
    assert detect(7, [2] * 14) == Spike(recent=7, baseline_mean=2.0, score=3.5)


def test_factor_and_min_recent_are_parameters():
    assert detect(4, [2] * 14, factor=2.0) == Spike(recent=4, baseline_mean=2.0, score=2.0)
    assert detect(3, FORTNIGHT_OF_ONES, min_recent=4) is None


def test_score():
    assert score(10, 4.0) == 2.5
    assert score(2, 0.25) == 2.0


def test_windows_are_floored_to_the_quarter_hour():
    now = datetime(2026, 11, 25, 9, 37, 12, tzinfo=timezone.utc)
    w = windows(now)
    assert w.end == datetime(2026, 11, 25, 9, 30, tzinfo=timezone.utc)
    assert w.start == datetime(2026, 11, 24, 9, 30, tzinfo=timezone.utc)
    assert w.baseline_start == w.start - timedelta(days=14)
    baseline = w.baseline()
    assert len(baseline) == 14
    assert baseline[0] == (w.start - timedelta(days=1), w.start)
    assert baseline[-1] == (w.baseline_start, w.baseline_start + timedelta(days=1))
    # every sweep within the same quarter-hour sees the same windows
    assert windows(now + timedelta(minutes=7)) == w
