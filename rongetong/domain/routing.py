"""智能派遣: pick the grid (and so the town) by position and the category (and so the unit) by text.

Pure and in memory: the service builds a ``Router`` from the grids and the keyword library once and
reuses it for every filing and every preview.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import ahocorasick
from shapely import STRtree
from shapely.geometry import Point, shape

from .classifier import RoutingModel, fold
from .text import normalise

KEYWORD_WEIGHT = 1.0
SYNONYM_WEIGHT = 0.5
# How much the n-gram model's certainty counts against keyword evidence: a sure model ≈ 1.5 keywords.
MODEL_WEIGHT = 1.5
# Keyword evidence this strong and this one-sided settles the category without the model.
DECISIVE_SCORE, DECISIVE_CONFIDENCE = 2.0, 0.9
# A major the model gives less than this, with no keyword either, is not a candidate.
MIN_MODEL_PROBABILITY = 0.05


class Outcome(StrEnum):
    DISPATCH = "dispatch"
    TRIAGE = "triage"
    POLICE = "police"


@dataclass(frozen=True)
class GridArea:
    """A grid (网格) as routing sees it: code, town and a GeoJSON Polygon/MultiPolygon geometry."""
    code: str
    name: str
    town_code: str
    geometry: Mapping


@dataclass(frozen=True)
class CategoryRule:
    """A minor category with its keyword library entry and handling unit.

    ``unit_code`` is None for 属地 categories: the town office of the grid handles them.
    """
    minor_code: str
    minor_name: str
    major_code: str
    major_name: str
    unit_code: str | None
    police: bool = False
    urgent: bool = False
    keywords: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()
    negative: tuple[str, ...] = ()


@dataclass(frozen=True)
class CategoryScore:
    rule: CategoryRule
    score: float
    matched: tuple[str, ...]
    model_probability: float = 0.0


@dataclass
class RouteDecision:
    outcome: Outcome
    reason: str
    grid: GridArea | None = None
    category: CategoryRule | None = None
    unit_code: str | None = None
    confidence: float = 0.0
    matched_keywords: list[str] = field(default_factory=list)
    scores: list[CategoryScore] = field(default_factory=list)

    @property
    def town_code(self) -> str | None:
        return self.grid.town_code if self.grid else None

    @property
    def alternatives(self) -> list[CategoryScore]:
        return self.scores[1:4]


class GridIndex:
    """Point → grid through an STRtree. A point on a shared edge goes to the grid with the lowest code."""

    def __init__(self, grids: Iterable[GridArea]):
        self.grids = sorted(grids, key=lambda g: g.code)
        self._shapes = [shape(g.geometry) for g in self.grids]
        self._tree = STRtree(self._shapes)

    def locate(self, lat: float | None, lng: float | None) -> GridArea | None:
        if lat is None or lng is None or not (math.isfinite(lat) and math.isfinite(lng)):
            return None
        point = Point(lng, lat)
        hits = self._tree.query(point, predicate="intersects")
        return self.grids[int(min(hits))] if len(hits) else None


class KeywordClassifier:
    """Scores every minor category in one Aho-Corasick pass over the text."""

    def __init__(self, rules: Iterable[CategoryRule]):
        self.rules = list(rules)
        self._automaton = ahocorasick.Automaton()
        entries: dict[str, list[tuple[int, float]]] = {}
        for index, rule in enumerate(self.rules):
            for words, weight in ((rule.keywords, KEYWORD_WEIGHT), (rule.synonyms, SYNONYM_WEIGHT),
                                  (rule.negative, None)):
                for word in words:
                    word = normalise(word)
                    if word:
                        entries.setdefault(word, []).append((index, weight))
        for word, targets in entries.items():
            self._automaton.add_word(word, (word, targets))
        if entries:
            self._automaton.make_automaton()
        self._empty = not entries

    def classify(self, text: str, normalised: bool = False) -> list[CategoryScore]:
        text = text if normalised else normalise(text)
        if self._empty or not text:
            return []
        scores: dict[int, float] = {}
        matched: dict[int, list[str]] = {}
        vetoed: set[int] = set()
        for _end, (word, targets) in self._automaton.iter_long(text):
            for index, weight in targets:
                if weight is None:
                    vetoed.add(index)
                elif word not in matched.setdefault(index, []):
                    # Longer words say more than short ones; each word counts once.
                    scores[index] = scores.get(index, 0.0) + weight * (1 + 0.1 * (len(word) - 2))
                    matched[index].append(word)
        ranked = [CategoryScore(self.rules[i], round(s, 3), tuple(matched[i]))
                  for i, s in scores.items() if i not in vetoed]
        ranked.sort(key=lambda c: (-c.score, c.rule.minor_code))
        return ranked


def confidence(scores: list[CategoryScore]) -> float:
    """How sure routing is of the unit: the top score's lead over the best competitor that would
    route elsewhere (another major category or unit), times the evidence behind it.

    Sibling minors of the same major and unit do not compete: 垃圾桶 and 没人清运 both mean 环卫.
    A tie gives 0; a single strong keyword with no competitor gives 0.75; more evidence, up to 1.
    """
    if not scores:
        return 0.0
    top = scores[0]
    rivals = (s.score for s in scores[1:]
              if (s.rule.major_code, s.rule.unit_code) != (top.rule.major_code, top.rule.unit_code))
    runner_up = next(rivals, 0.0)
    lead = 1 - runner_up / top.score
    strength = min(1.0, top.score / 2.0)
    return round(lead * (0.5 + 0.5 * strength), 3)


class Router:
    """Position → grid and town; text → category and unit; both → outcome, with the reasons."""

    def __init__(self, grids: Iterable[GridArea], rules: Iterable[CategoryRule],
                 town_units: Mapping[str, str], min_confidence: float = 0.35, model: RoutingModel | None = None):
        self.rules = list(rules)
        self.grid_index = GridIndex(grids)
        self.classifier = KeywordClassifier(self.rules)
        self.town_units = dict(town_units)
        self.min_confidence = min_confidence
        self.model = model
        self._by_major: dict[str, list[CategoryRule]] = {}
        for rule in self.rules:
            self._by_major.setdefault(rule.major_code, []).append(rule)

    def route(self, text: str, lat: float | None = None, lng: float | None = None) -> RouteDecision:
        grid = self.grid_index.locate(lat, lng)
        scores = self.categorise(text)
        decision = RouteDecision(Outcome.TRIAGE, "", grid=grid, scores=scores, confidence=confidence(scores))
        if scores:
            top = scores[0]
            decision.category = top.rule
            decision.matched_keywords = list(top.matched)
            decision.unit_code = top.rule.unit_code or (self.town_units.get(grid.town_code) if grid else None)
        decision.outcome, decision.reason = self._outcome(decision)
        return decision

    def categorise(self, text: str) -> list[CategoryScore]:
        """One candidate per major category, best first: keyword evidence plus the model's belief.

        Within a major the minor is the best keyword match, or else the model's likeliest minor.
        """
        text = normalise(text)
        keyword_best: dict[str, CategoryScore] = {}
        for score in self.classifier.classify(text, normalised=True):
            keyword_best.setdefault(score.rule.major_code, score)
        by_keywords = sorted(keyword_best.values(), key=lambda c: (-c.score, c.rule.minor_code))
        if self.model is None or (by_keywords and by_keywords[0].score >= DECISIVE_SCORE
                                  and confidence(by_keywords) >= DECISIVE_CONFIDENCE):
            return by_keywords  # the keywords settle it: no need to ask the model
        folded = fold(text, normalised=True)
        major_p = self.model.majors.probabilities(folded) if self.model else {}
        candidates = []
        for major in set(keyword_best) | {m for m, p in major_p.items() if p >= MIN_MODEL_PROBABILITY}:
            if major not in self._by_major:
                continue
            p = major_p.get(major, 0.0)
            keyword = keyword_best.get(major)
            if keyword:
                rule = keyword.rule
            else:  # no keyword of this major: the model also picks the minor
                minor_p = self.model.minor_probabilities(major, folded)
                rule = max(self._by_major[major], key=lambda r: (minor_p.get(r.minor_code, 0.0), -int(r.minor_code)))
            candidates.append(CategoryScore(rule, round((keyword.score if keyword else 0.0) + MODEL_WEIGHT * p, 3),
                                            keyword.matched if keyword else (), round(p, 3)))
        candidates.sort(key=lambda c: (-c.score, c.rule.minor_code))
        return candidates

    def _outcome(self, d: RouteDecision) -> tuple[Outcome, str]:
        if d.category and d.category.police and d.confidence >= self.min_confidence:
            return Outcome.POLICE, f"涉警事项（{d.category.minor_name}），推送公安指挥平台"
        if d.grid is None:
            return Outcome.TRIAGE, "位置不在任何网格内，转人工分拨"
        if d.category is None:
            return Outcome.TRIAGE, "未匹配到事项分类，转人工分拨"
        if d.confidence < self.min_confidence:
            return Outcome.TRIAGE, f"分类置信度 {d.confidence:.2f} 低于阈值 {self.min_confidence:.2f}，转人工分拨"
        if d.unit_code is None:
            return Outcome.TRIAGE, "找不到承办单位，转人工分拨"
        evidence = (f"关键词：{'、'.join(d.matched_keywords)}" if d.matched_keywords
                    else f"语义模型概率 {d.scores[0].model_probability:.2f}")
        return Outcome.DISPATCH, (f"网格 {d.grid.name}；分类 {d.category.major_name}/{d.category.minor_name}"
                                  f"（{evidence}；置信度 {d.confidence:.2f}）")
