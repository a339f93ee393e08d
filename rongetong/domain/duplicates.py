"""Duplicates and merging (并案): the same problem reported by several citizens is handled once.

Two rules live here:

* **Proposals** — which open cases look like the same problem as a given one: same minor category
  (or the same major when a minor is unknown), within ``radius_m`` metres and ``hours`` of filing,
  scored by how close they are in space, time and wording.
* **A merged case (子件) follows its primary (主件)** — the primary keeps the one handling (unit,
  deadlines, result); every later change of the primary's state is copied to its open children, except
  the primary reporter's own satisfied rating (结案), which is theirs alone. Each reporter keeps their own
  tracking code and rates their own case:

  - 满意/基本满意 close that reporter's case only;
  - 不满意 while the primary is still resolved reworks the shared handling (重办), counted with the
    primary's own dissatisfied ratings, so a second 不满意 from any reporter goes to first-level review;
  - 不满意 after the primary was already closed by its own reporter: the handling is over for them, so this
    case leaves the merge (拆分) and is reworked on its own by the unit that handled it.

Pure Python: no Flask, no SQL.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .errors import ActionForbidden, InvalidTransition, RuleViolation
from .lifecycle import TERMINAL_STATES, Action, Role, State
from .text import normalise

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius
METRES_PER_DEGREE_LAT = 111_320.0

# Cases being handled and not yet resolved. Not ``submitted`` (routing has not decided yet, and a merged
# case must never be routed on its own), not ``police`` (handled on the police platform), not ``resolved``
# (its reporter is already judging a result).
MERGEABLE_STATES = frozenset({State.TRIAGE, State.DISPATCHED, State.ACCEPTED, State.REVIEW_L1, State.REVIEW_L2})

# What a merged case's own reporter may still do to it: rate it (or be called back about it).
CHILD_ACTIONS = frozenset({Action.CLOSE, Action.REWORK})

MAX_DUPLICATES_PER_MERGE = 20


@dataclass(frozen=True)
class Limits:
    """How close two reports must be to be proposed as one problem."""
    radius_m: float = 200.0
    hours: float = 72.0
    # Without a category on either side, only wording this similar makes a proposal.
    min_text_when_uncategorised: float = 0.3
    max_proposals: int = 20


DEFAULT_LIMITS = Limits()

# How much each closeness counts in the score (they add up to 1).
WEIGHTS = {"space": 0.4, "time": 0.25, "text": 0.35}


@dataclass(frozen=True)
class Report:
    """What the rules read of a case."""
    id: int
    status: str
    created_at: datetime
    description: str = ""
    lat: float | None = None
    lng: float | None = None
    minor: str | None = None          # category codes
    major: str | None = None
    merged_into: int | None = None    # the primary's id when this case is merged
    merged_count: int = 0             # how many cases are merged into this one
    tracking_code: str = ""


@dataclass(frozen=True)
class Proposal:
    """One proposed duplicate of a case, with how close it is."""
    case_id: int
    distance_m: float
    hours_apart: float
    text_similarity: float
    score: float


# --- proposals -------------------------------------------------------------------------------

def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lng: float, radius_m: float) -> tuple[float, float, float, float]:
    """(south, north, west, east) enclosing the circle: a cheap SQL prefilter before the exact distance."""
    dlat = radius_m / METRES_PER_DEGREE_LAT
    dlng = radius_m / (METRES_PER_DEGREE_LAT * max(math.cos(math.radians(lat)), 1e-6))
    return lat - dlat, lat + dlat, lng - dlng, lng + dlng


def bigrams(text: str | None) -> frozenset[str]:
    """Character bigrams of the normalised text (Chinese has no spaces between words)."""
    clean = normalise(text)
    if len(clean) < 2:
        return frozenset({clean}) if clean else frozenset()
    return frozenset(clean[i:i + 2] for i in range(len(clean) - 1))


def text_similarity(a: str | None, b: str | None) -> float:
    """Jaccard similarity of the character bigrams, 0 … 1."""
    left, right = bigrams(a), bigrams(b)
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


def same_category(a: Report, b: Report) -> bool | None:
    """Same minor when both are known, else same major; ``None`` when neither side's major is known."""
    if a.minor and b.minor:
        return a.minor == b.minor
    if a.major and b.major:
        return a.major == b.major
    return None


def is_open(report: Report) -> bool:
    """Still being handled and not merged into another case."""
    return report.status in MERGEABLE_STATES and report.merged_into is None


def propose(case: Report, others: list[Report], limits: Limits = DEFAULT_LIMITS) -> list[Proposal]:
    """The open cases that look like the same problem as ``case``, best first."""
    if not is_open(case) or case.lat is None or case.lng is None:
        return []
    proposals = []
    for other in others:
        if other.id == case.id or not is_open(other) or other.lat is None or other.lng is None:
            continue
        category = same_category(case, other)
        if category is False:
            continue
        distance = haversine_m(case.lat, case.lng, other.lat, other.lng)
        hours = abs((other.created_at - case.created_at).total_seconds()) / 3600
        if distance > limits.radius_m or hours > limits.hours:
            continue
        similarity = text_similarity(case.description, other.description)
        if category is None and similarity < limits.min_text_when_uncategorised:
            continue
        score = (WEIGHTS["space"] * (1 - distance / limits.radius_m)
                 + WEIGHTS["time"] * (1 - hours / limits.hours)
                 + WEIGHTS["text"] * similarity)
        proposals.append(Proposal(other.id, round(distance, 1), round(hours, 2), round(similarity, 3),
                                  round(score, 3)))
    proposals.sort(key=lambda p: (-p.score, p.distance_m, p.case_id))
    return proposals[:limits.max_proposals]


# --- merging ---------------------------------------------------------------------------------

def check_merge(role: Role | str, primary: Report, duplicates: list[Report]) -> None:
    """Whether ``duplicates`` may be merged into ``primary``; the reason if not (nothing is changed then)."""
    if Role(role) is not Role.DISPATCHER:
        raise ActionForbidden("只有指挥中心分拨员可以并案")
    if not duplicates:
        raise RuleViolation("请指定要并入的诉求件", details={"field": "duplicates"})
    if len(duplicates) > MAX_DUPLICATES_PER_MERGE:
        raise RuleViolation(f"一次最多并入 {MAX_DUPLICATES_PER_MERGE} 件", details={"field": "duplicates"})
    if any(d.id == primary.id for d in duplicates):
        raise RuleViolation("不能将诉求件并入自身", details={"field": "duplicates"})
    if primary.merged_into is not None:
        raise InvalidTransition(f"{primary.tracking_code} 已并入其他诉求件，不能作为主件",
                                details={"case": primary.tracking_code})
    _check_open(primary, "主件")
    for duplicate in duplicates:
        if duplicate.merged_into is not None:
            raise InvalidTransition(f"{duplicate.tracking_code} 已并入其他诉求件",
                                    details={"case": duplicate.tracking_code})
        if duplicate.merged_count:
            raise InvalidTransition(f"{duplicate.tracking_code} 已是 {duplicate.merged_count} 件的主件，"
                                    "请将其他诉求件并入它", details={"case": duplicate.tracking_code})
        _check_open(duplicate, "被并件")


def _check_open(report: Report, what: str) -> None:
    if report.status not in MERGEABLE_STATES:
        raise InvalidTransition(f"{what} {report.tracking_code} 处于“{report.status}”状态，不能并案"
                                "（只有待分拨、已派遣、办理中和研判中的诉求件可以并案）",
                                details={"case": report.tracking_code, "status": report.status})


def check_child_action(action: Action | str, primary_code: str) -> None:
    """A merged case is handled on its primary; only its reporter's rating applies to it directly."""
    if Action(action) not in CHILD_ACTIONS:
        raise InvalidTransition(f"该件已并入主件 {primary_code}，请在主件上办理", details={"primary": primary_code})


def followed_state(child_status: str, action: Action | str, primary_target: str) -> State | None:
    """The state a merged case takes when its primary makes a transition, or ``None`` when it stays.

    A child already closed (its reporter was satisfied) or rejected stays so; the primary reporter's
    own satisfied rating (结案) closes only the primary.
    """
    if State(child_status) in TERMINAL_STATES or Action(action) is Action.CLOSE:
        return None
    target = State(primary_target)
    return None if target == State(child_status) else target


class ChildRating(StrEnum):
    CLOSE_OWN = "close_own"               # 满意/基本满意: this reporter's case closes
    REWORK_PRIMARY = "rework_primary"     # 不满意: the shared handling is reworked (重办)
    SPLIT = "split"                       # 不满意 after the handling ended: reworked on its own


def child_rating(rating: str, primary_status: str) -> ChildRating:
    """What a merged case's reporter's rating does (see the module docstring)."""
    if rating in ("satisfied", "basically_satisfied"):
        return ChildRating.CLOSE_OWN
    if rating != "dissatisfied":
        raise ValueError(f"unknown rating {rating!r}")
    return ChildRating.REWORK_PRIMARY if State(primary_status) is State.RESOLVED else ChildRating.SPLIT
