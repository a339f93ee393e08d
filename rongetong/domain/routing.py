"""智能派遣: pick the grid (and so the town) by position and the category (and so the unit) by text.

Pure and in memory: the service builds a ``Router`` from the grids and the keyword library once and
reuses it for every filing and every preview.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

import ahocorasick
import numpy as np
import shapely
from shapely import STRtree
from shapely.geometry import shape

from .classifier import RoutingModel, fold
from .text import normalise, reading

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


class CategoryScore(NamedTuple):
    """A candidate category: keyword score plus ``MODEL_WEIGHT`` × the model's belief in its major."""
    rule: CategoryRule
    score: float
    matched: tuple[str, ...]
    model_probability: float = 0.0


def _best_first(candidate: CategoryScore) -> tuple[float, str]:
    return -candidate.score, candidate.rule.minor_code


@dataclass(slots=True)
class RouteDecision:
    outcome: Outcome
    # The reason as text, or how to write it: most decisions are never read by a person (a filing's
    # reason is; a bulk re-route's is not), so the sentence is put together on first use.
    why: str | Callable[[], str]
    grid: GridArea | None = None
    category: CategoryRule | None = None
    unit_code: str | None = None
    confidence: float = 0.0
    matched_keywords: list[str] = field(default_factory=list)
    scores: list[CategoryScore] = field(default_factory=list)

    @property
    def reason(self) -> str:
        if not isinstance(self.why, str):
            self.why = self.why()
        return self.why

    @property
    def town_code(self) -> str | None:
        return self.grid.town_code if self.grid else None

    @property
    def alternatives(self) -> list[CategoryScore]:
        return self.scores[1:4]


class GridIndex:
    """Point → grid. A point on a shared edge goes to the grid with the lowest code.

    The district's bounding box is cut into a raster of cells once: a cell that lies wholly inside one
    grid and touches no other answers at once; only a cell crossed by a border keeps its few candidate
    grids (lowest code first) for an exact point-in-polygon test. The STRtree finds each cell's
    candidates when the index is built.
    """

    CELLS_PER_GRID = 64   # about 8 × 8 cells a grid: most points land in a cell no border crosses

    def __init__(self, grids: Iterable[GridArea]):
        self.grids = sorted(grids, key=lambda g: g.code)
        self._shapes = [shape(g.geometry) for g in self.grids]
        self._tree = STRtree(self._shapes)
        shapely.prepare(self._shapes)
        self._cells: list[int | tuple[int, ...] | None] = []
        if self._shapes:
            self._build_raster()

    def _build_raster(self) -> None:
        west, south, east, north = shapely.total_bounds(self._shapes).tolist()
        side = max(1, math.ceil(math.sqrt(len(self._shapes) * self.CELLS_PER_GRID)))
        width, height = max(east - west, 1e-9), max(north - south, 1e-9)
        self._nx = self._ny = side
        self._origin = (west, south, east, north)
        self._scale = (side / width, side / height)
        # Each cell is grown by a hair so that rounding in locate() can never put a point in a cell
        # whose answer was worked out for a slightly smaller box.
        dx, dy = width / side, height / side
        ex, ey = dx * 1e-6, dy * 1e-6
        col, row = np.meshgrid(np.arange(side), np.arange(side))
        col, row = col.ravel(), row.ravel()
        boxes = shapely.box(west + col * dx - ex, south + row * dy - ey,
                            west + (col + 1) * dx + ex, south + (row + 1) * dy + ey)
        cell_of, grid_of = self._tree.query(boxes, predicate="intersects")
        covers = shapely.covers(np.asarray(self._shapes, dtype=object)[grid_of], boxes[cell_of])
        candidates: list[list[int]] = [[] for _ in range(side * side)]
        whole: list[bool] = [False] * (side * side)
        for cell, grid, covered in zip(cell_of.tolist(), grid_of.tolist(), covers.tolist()):
            candidates[cell].append(grid)
            whole[cell] = whole[cell] or covered
        self._cells = [None if not found else found[0] if len(found) == 1 and full else tuple(sorted(found))
                       for found, full in zip(candidates, whole)]

    def locate(self, lat: float | None, lng: float | None) -> GridArea | None:
        if lat is None or lng is None or not (math.isfinite(lat) and math.isfinite(lng)) or not self._cells:
            return None
        west, south, east, north = self._origin
        if not (west <= lng <= east and south <= lat <= north):
            return None
        column = min(int((lng - west) * self._scale[0]), self._nx - 1)
        row = min(int((lat - south) * self._scale[1]), self._ny - 1)
        cell = self._cells[row * self._nx + column]
        if cell is None or type(cell) is int:
            return None if cell is None else self.grids[cell]
        for index in cell:   # lowest code first: on a shared edge the first hit wins
            if shapely.intersects_xy(self._shapes[index], lng, lat):
                return self.grids[index]
        return None


def small_alphabet(characters: Iterable[str]) -> dict[int, str]:
    """A ``str.translate`` table that spells each given character as two symbols out of a few dozen.

    The automaton library looks a character up among a trie node's children one by one, and the
    root of the keyword library has a child for each of some 1,100 first characters; most characters
    of a complaint start no keyword and are looked for in vain at the root. Spelt in two symbols
    from small, disjoint sets (first symbol, second symbol), every node has a few dozen children at
    most, and a match can still only start at a character boundary: leftmost-longest matches are
    the same. Characters outside the table are left as they are and match nothing; characters of
    the symbol ranges themselves are blanked so that a text can never forge a spelling.
    """
    characters = sorted(set(characters))
    base = max(2, math.ceil(math.sqrt(len(characters))))
    table = {ord(c): chr(_FIRST_SYMBOL + k // base) + chr(_SECOND_SYMBOL + k % base) for k, c in enumerate(characters)}
    for code in range(_FIRST_SYMBOL, _SECOND_SYMBOL + (_SECOND_SYMBOL - _FIRST_SYMBOL)):
        table.setdefault(code, "\x00")   # NUL never survives normalise(), so it is in no keyword
    return table


# Two disjoint runs of the private use area hold the symbols (up to 1,024 × 1,024 characters).
_FIRST_SYMBOL, _SECOND_SYMBOL = 0xE000, 0xE400


class KeywordClassifier:
    """Scores every minor category in one Aho-Corasick pass over the text."""

    def __init__(self, rules: Iterable[CategoryRule]):
        self.rules = list(rules)
        self._automaton = ahocorasick.Automaton()
        entries: dict[str, list[tuple[int, float | None]]] = {}
        for index, rule in enumerate(self.rules):
            for words, weight in ((rule.keywords, KEYWORD_WEIGHT), (rule.synonyms, SYNONYM_WEIGHT),
                                  (rule.negative, None)):
                for word in words:
                    word = normalise(word)
                    if word:
                        entries.setdefault(word, []).append((index, weight))
        self._spelling = small_alphabet(c for word in entries for c in word)
        for word, targets in entries.items():
            # What the word adds to each category is fixed, so it is worked out here, once: longer words
            # say more than short ones; a word listed twice for a category counts once, as first listed.
            adds: dict[int, float] = {}
            for index, weight in targets:
                if weight is not None and index not in adds:
                    adds[index] = weight * (1 + 0.1 * (len(word) - 2))
            vetoes = tuple(index for index, weight in targets if weight is None)
            self._automaton.add_word(word.translate(self._spelling), (word, tuple(adds.items()), vetoes))
        if entries:
            self._automaton.make_automaton()
        self._empty = not entries

    def evidence(self, text: str) -> tuple[dict[int, float], dict[int, list[str]]]:
        """(score, matched words) by rule index for a normalised text; vetoed categories left out."""
        scores: dict[int, float] = {}
        matched: dict[int, list[str]] = {}
        if self._empty or not text:
            return scores, matched
        seen: set[str] = set()
        vetoed: set[int] = set()
        for _end, (word, adds, vetoes) in self._automaton.iter_long(text.translate(self._spelling)):
            if word in seen:   # each word counts once
                continue
            seen.add(word)
            if vetoes:
                vetoed.update(vetoes)
            for index, add in adds:
                if index in scores:
                    scores[index] += add
                    matched[index].append(word)
                else:
                    scores[index] = add
                    matched[index] = [word]
        for index in vetoed:
            scores.pop(index, None)
        return scores, matched

    def classify(self, text: str) -> list[CategoryScore]:
        scores, matched = self.evidence(reading(text))
        ranked = [CategoryScore(self.rules[i], round(s, 3), tuple(matched[i])) for i, s in scores.items()]
        ranked.sort(key=_best_first)
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
        decision.outcome, decision.why = self._outcome(decision)
        return decision

    def categorise(self, text: str) -> list[CategoryScore]:
        """One candidate per major category, best first: keyword evidence plus the model's belief.

        Within a major the minor is the best keyword match, or else the model's likeliest minor.
        """
        text = reading(text)
        keyword_best = self._keyword_best(text)
        by_keywords = sorted(keyword_best.values(), key=_best_first)
        if self.model is None or (by_keywords and by_keywords[0].score >= DECISIVE_SCORE
                                  and confidence(by_keywords) >= DECISIVE_CONFIDENCE):
            return by_keywords  # the keywords settle it: no need to ask the model
        folded = fold(text, normalised=True)
        rows = self.model.read(folded)
        major_p = self.model.major_probabilities(rows)
        candidates = []
        for major, keyword in keyword_best.items():
            p = major_p.get(major, 0.0)
            candidates.append(CategoryScore(keyword.rule, round(keyword.score + MODEL_WEIGHT * p, 3),
                                            keyword.matched, round(p, 3)))
        for major, p in major_p.items():
            if p >= MIN_MODEL_PROBABILITY and major not in keyword_best and major in self._by_major:
                # No keyword of this major: the model also picks the minor.
                minor_p = self.model.minor_probabilities(major, folded, rows)
                rule = max(self._by_major[major], key=lambda r: (minor_p.get(r.minor_code, 0.0), -int(r.minor_code)))
                candidates.append(CategoryScore(rule, round(MODEL_WEIGHT * p, 3), (), round(p, 3)))
        candidates.sort(key=_best_first)
        return candidates

    def _keyword_best(self, text: str) -> dict[str, CategoryScore]:
        """The best keyword match of each major category in a normalised text (ties: the lower code).

        Only these few become ``CategoryScore``s: a long text can touch dozens of minors."""
        scores, matched = self.classifier.evidence(text)
        best: dict[str, tuple[float, str, int]] = {}
        for index, score in scores.items():
            rule = self.rules[index]
            score = round(score, 3)
            held = best.get(rule.major_code)
            if held is None or score > held[0] or (score == held[0] and rule.minor_code < held[1]):
                best[rule.major_code] = (score, rule.minor_code, index)
        return {major: CategoryScore(self.rules[index], score, tuple(matched[index]))
                for major, (score, _code, index) in best.items()}

    def _outcome(self, d: RouteDecision) -> tuple[Outcome, str | Callable[[], str]]:
        if d.category and d.category.police and d.confidence >= self.min_confidence:
            return Outcome.POLICE, lambda: f"涉警事项（{d.category.minor_name}），推送公安指挥平台"
        if d.grid is None:
            return Outcome.TRIAGE, "位置不在任何网格内，转人工分拨"
        if d.category is None:
            return Outcome.TRIAGE, "未匹配到事项分类，转人工分拨"
        if d.confidence < self.min_confidence:
            threshold = self.min_confidence
            return Outcome.TRIAGE, lambda: f"分类置信度 {d.confidence:.2f} 低于阈值 {threshold:.2f}，转人工分拨"
        if d.unit_code is None:
            return Outcome.TRIAGE, "找不到承办单位，转人工分拨"
        return Outcome.DISPATCH, lambda: self._dispatch_reason(d)

    @staticmethod
    def _dispatch_reason(d: RouteDecision) -> str:
        evidence = (f"关键词：{'、'.join(d.matched_keywords)}" if d.matched_keywords
                    else f"语义模型概率 {d.scores[0].model_probability:.2f}")
        return (f"网格 {d.grid.name}；分类 {d.category.major_name}/{d.category.minor_name}"
                f"（{evidence}；置信度 {d.confidence:.2f}）")
