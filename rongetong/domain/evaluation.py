"""Measuring routing on a labelled set of complaints: accuracy by major category, by kind of text,
the triage rate and the commonest confusions."""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .routing import Outcome, Router


@dataclass(frozen=True)
class Labelled:
    text: str
    major: str
    kind: str = ""
    second_major: str | None = None


@dataclass
class Report:
    total: int = 0
    correct: int = 0
    triaged: int = 0
    auto_correct: int = 0            # dispatched (or pushed to police) and right
    second_found: int = 0            # two-problem texts whose other problem is among the alternatives
    second_total: int = 0
    by_kind: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    by_major: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    confusions: Counter = field(default_factory=Counter)
    misses: list[tuple[str, str, str | None]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def triage_rate(self) -> float:
        return self.triaged / self.total if self.total else 0.0

    @property
    def auto_precision(self) -> float:
        routed = self.total - self.triaged
        return self.auto_correct / routed if routed else 0.0


def evaluate(router: Router, rows: Iterable[Labelled], lat: float, lng: float,
             report: Report | None = None) -> Report:
    """Route every text at one point inside a grid and compare the major category with the label
    (added to ``report`` when given: one report over several folds)."""
    report = report if report is not None else Report()
    for row in rows:
        decision = router.route(row.text, lat, lng)
        got = decision.category.major_code if decision.category else None
        right = got == row.major
        report.total += 1
        report.correct += right
        report.triaged += decision.outcome is Outcome.TRIAGE
        report.auto_correct += right and decision.outcome is not Outcome.TRIAGE
        for bucket in (report.by_kind[row.kind], report.by_major[row.major]):
            bucket[0] += right
            bucket[1] += 1
        if not right:
            report.confusions[(row.major, got)] += 1
            report.misses.append((row.text, row.major, got))
        if row.second_major:
            report.second_total += 1
            report.second_found += row.second_major in {a.rule.major_code for a in decision.alternatives}
    return report


def format_report(report: Report, title: str) -> str:
    lines = [f"{title}: {report.correct}/{report.total} = {report.accuracy:.1%} by major category; "
             f"triage {report.triage_rate:.1%}; of those routed automatically {report.auto_precision:.1%} right"]
    if report.second_total:
        lines.append(f"  two-problem texts with the other problem in alternatives: "
                     f"{report.second_found}/{report.second_total}")
    lines.append("  by kind: " + ", ".join(f"{kind} {ok}/{n}" for kind, (ok, n) in sorted(report.by_kind.items())))
    worst = sorted(report.by_major.items(), key=lambda kv: kv[1][0] / kv[1][1])[:5]
    lines.append("  weakest majors: " + ", ".join(f"{major} {ok}/{n}" for major, (ok, n) in worst))
    lines.append("  top confusions (label → routed): " + ", ".join(
        f"{want}→{got or '无'} ×{n}" for (want, got), n in report.confusions.most_common(8)))
    return "\n".join(lines)
