"""Benchmark: 智能派遣 on 10,000 generated complaints at random points.

Prints, in one run:

* the in-memory engine (``Router.route``: grid raster over the STRtree, one Aho-Corasick pass over the
  keyword library, one over the model's n-grams and a gather-sum of log-probabilities) in µs per case,
  with its parts;
* a naive baseline on the first ``--baseline-cases`` of the same cases, giving the same kind of answer
  (grid + category) by the same rules but without any index — see ``NaiveRouter``: every polygon
  ray-cast in pure Python, every keyword, synonym and negative word of all 475 categories searched as a
  substring, the same trained naive Bayes scored n-gram by n-gram for every label; no sleeps and
  nothing repeated;
* the ratio, and how often the two agree on the grid and on the major category (they differ by design
  where keywords overlap: the engine takes leftmost-longest matches, the baseline every substring);
* the preview endpoint over HTTP on the embedded default (SQLite), against the health check.

The complaints repeat (they are drawn from the sample set); neither router keeps answers between
calls, so each case is routed from scratch.

    .venv/bin/python -m bench.routing [--cases 10000] [--baseline-cases 1000] [--requests 500]
"""
from __future__ import annotations

import argparse
import csv
import logging
import math
import random
import statistics
import tempfile
import threading
import time
from pathlib import Path

import requests
from werkzeug.serving import make_server

from rongetong.demo.geography import TOWNS, demo_grids
from rongetong.domain.classifier import RoutingModel, ngrams
from rongetong.domain.routing import (
    DECISIVE_CONFIDENCE,
    DECISIVE_SCORE,
    KEYWORD_WEIGHT,
    MIN_MODEL_PROBABILITY,
    MODEL_WEIGHT,
    SYNONYM_WEIGHT,
    CategoryRule,
    CategoryScore,
    GridArea,
    Router,
    confidence,
)
from rongetong.domain.text import normalise, reading
from rongetong.services.taxonomy import DATA_DIR

WEST, SOUTH = min(t.west for t in TOWNS), min(t.south for t in TOWNS)
EAST, NORTH = max(t.east for t in TOWNS), max(t.north for t in TOWNS)


def library() -> tuple[list[CategoryRule], list[tuple[str, str]]]:
    def rows(name):
        with open(DATA_DIR / name, encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    majors = {r["code"]: r for r in rows("major_categories.csv")}
    words = lambda v: tuple(w for w in (v or "").split(";") if w)  # noqa: E731
    rules = [CategoryRule(r["code"], r["name"], r["major"], majors[r["major"]]["name"],
                          None if r["unit"] == "town" else r["unit"], police=majors[r["major"]]["police"] == "true",
                          keywords=words(r["keywords"]), synonyms=words(r["synonyms"]), negative=words(r["negative"]))
             for r in rows("minor_categories.csv")]
    samples = [(r["text"], r["minor"]) for r in rows("demo_complaints.csv")]
    return rules, samples


def generated_cases(samples, count: int, rng: random.Random) -> list[tuple[str, float, float]]:
    """Sample complaints, sometimes two run together, at random points (a few outside the district)."""
    cases = []
    for _ in range(count):
        text = rng.choice(samples)[0]
        if rng.random() < 0.1:
            text += "；另外，" + rng.choice(samples)[0]
        lat = rng.uniform(SOUTH - 0.02, NORTH + 0.02)
        lng = rng.uniform(WEST - 0.02, EAST + 0.02)
        cases.append((text, lat, lng))
    return cases


class NaiveRouter:
    """The baseline: what routing looks like written without indexes, giving the same kind of answer
    (grid, then category from keywords and the same n-gram model) by the same rules:

    * grid: every polygon in code order, a ray-casting point-in-polygon test over its vertices in pure
      Python (a point on an edge is inside, so on a shared edge the lowest code wins, as in the engine);
    * keywords: for every keyword, synonym and negative word of every one of the 475 categories, a
      substring search of the normalised text, scored with the engine's weights;
    * model: the same trained naive Bayes, scored the textbook way: the text's 1- and 2-grams, and
      for every label a sum of log P(gram | label) looked up gram by gram; the minors' model likewise,
      for a major the keywords did not name;
    * the same combination as the engine (decisive keywords skip the model; keyword score plus
      ``MODEL_WEIGHT`` × P(major)).
    """

    def __init__(self, grids: list[GridArea], rules: list[CategoryRule], model: RoutingModel):
        self.grids = [(g, _rings(g.geometry)) for g in sorted(grids, key=lambda g: g.code)]
        self.rules = rules
        self.words = [tuple((normalise(w), weight) for words, weight in
                            ((r.keywords, KEYWORD_WEIGHT), (r.synonyms, SYNONYM_WEIGHT), (r.negative, None))
                            for w in words if normalise(w)) for r in rules]
        self.by_major: dict[str, list[CategoryRule]] = {}
        for rule in rules:
            self.by_major.setdefault(rule.major_code, []).append(rule)
        self.majors = _TextbookBayes(model.majors)
        self.minors = {major: _TextbookBayes(nb) for major, nb in model.minors.items()}

    def locate(self, lat: float, lng: float) -> GridArea | None:
        for grid, polygons in self.grids:
            if any(_in_polygon(lng, lat, rings) for rings in polygons):
                return grid
        return None

    def keyword_best(self, text: str) -> dict[str, CategoryScore]:
        best: dict[str, CategoryScore] = {}
        for rule, words in zip(self.rules, self.words):
            score, matched, vetoed = 0.0, [], False
            for word, weight in words:
                if word in text:
                    if weight is None:
                        vetoed = True
                    elif word not in matched:
                        score += weight * (1 + 0.1 * (len(word) - 2))
                        matched.append(word)
            if matched and not vetoed:
                candidate = CategoryScore(rule, round(score, 3), tuple(matched))
                held = best.get(rule.major_code)
                if held is None or (-candidate.score, rule.minor_code) < (-held.score, held.rule.minor_code):
                    best[rule.major_code] = candidate
        return best

    def route(self, text: str, lat: float, lng: float) -> tuple[GridArea | None, CategoryRule | None]:
        grid = self.locate(lat, lng)
        text = reading(text)
        keyword_best = self.keyword_best(text)
        ranked = sorted(keyword_best.values(), key=lambda c: (-c.score, c.rule.minor_code))
        if ranked and ranked[0].score >= DECISIVE_SCORE and confidence(ranked) >= DECISIVE_CONFIDENCE:
            return grid, ranked[0].rule
        grams = ngrams(text)
        major_p = self.majors.probabilities(grams)
        candidates = []
        for major in set(keyword_best) | {m for m, p in major_p.items() if p >= MIN_MODEL_PROBABILITY}:
            if major not in self.by_major:
                continue
            keyword = keyword_best.get(major)
            if keyword:
                rule = keyword.rule
            else:
                minor_p = self.minors[major].probabilities(grams) if major in self.minors else {}
                rule = max(self.by_major[major], key=lambda r: (minor_p.get(r.minor_code, 0.0), -int(r.minor_code)))
            candidates.append((-round((keyword.score if keyword else 0.0) + MODEL_WEIGHT * major_p.get(major, 0.0), 3),
                               rule.minor_code, rule))
        return grid, min(candidates)[2] if candidates else None   # the best score, then the lowest code


class _TextbookBayes:
    """A trained ``NaiveBayes`` as a table per label, {gram: log P(gram | label)}, read gram by gram."""

    def __init__(self, model):
        data = model.to_dict()
        self.labels, self.unseen = data["labels"], data["bias"]
        self.tables: list[dict[str, float]] = [{} for _ in self.labels]
        for gram, (labels, values) in data["postings"].items():
            for k, value in zip(labels, values):
                self.tables[k][gram] = value + self.unseen[k]

    def probabilities(self, grams: set[str]) -> dict[str, float]:
        known = [g for g in grams if any(g in table for table in self.tables)]
        if not known:
            return {}
        scores = [sum(table.get(g, unseen) for g in known) for table, unseen in zip(self.tables, self.unseen)]
        top, temper = max(scores), max(1.0, math.sqrt(len(known)))
        weights = [math.exp((s - top) / temper) for s in scores]
        total = sum(weights)
        return {label: w / total for label, w in zip(self.labels, weights)}


def _rings(geometry) -> list[list[list[tuple[float, float]]]]:
    """A Polygon or MultiPolygon as a list of polygons, each a list of rings (outer first, then holes)."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return [[[(float(x), float(y)) for x, y, *_ in ring] for ring in polygon] for polygon in polygons]


def _in_polygon(x: float, y: float, rings) -> bool:
    """Ray casting with the edges counted as inside: in the outer ring and not strictly inside a hole."""
    outer, *holes = rings
    inside = _in_ring(x, y, outer)
    if inside is not False:
        return True if inside is None else not any(_in_ring(x, y, hole) for hole in holes)
    return False


def _in_ring(x: float, y: float, ring) -> bool | None:
    """True inside, False outside, None on the boundary."""
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        if x == x2 and y == y2:
            return None   # on a vertex
        if (y1 > y) != (y2 > y):
            crossing = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x == crossing:
                return None   # on a sloping or upright edge
            if x < crossing:
                inside = not inside
        elif y1 == y2 == y and (x1 <= x <= x2 or x2 <= x <= x1):
            return None   # on a level edge
    return inside


def time_per_case(route, cases) -> float:
    started = time.perf_counter()
    for text, lat, lng in cases:
        route(text, lat, lng)
    return (time.perf_counter() - started) / len(cases) * 1e6


def bench_engine(args) -> None:
    rng = random.Random(20261125)
    rules, samples = library()
    grids = [GridArea(g.code, g.name, g.town_code, g.geometry) for g in demo_grids()]
    model = RoutingModel.train([(r.minor_name, r.minor_code, 2) for r in rules] + [(t, m, 1) for t, m in samples])
    engine = Router(grids, rules, {t.code: f"office-{t.code}" for t in TOWNS}, 0.35, model)
    naive = NaiveRouter(grids, rules, model)
    cases = generated_cases(samples, args.cases, rng)
    vertices = sum(len(ring) for g in grids for polygon in _rings(g.geometry) for ring in polygon)
    words = sum(len(r.keywords) + len(r.synonyms) for r in rules)
    print(f"{len(grids)} grids ({vertices:,} boundary coordinates), {len(rules)} minor categories, {words} "
          f"keywords and synonyms; model on {model.trained_on} documents")
    time_per_case(engine.route, cases[:200])                         # warm up
    engine_us = time_per_case(engine.route, cases)
    grid_us = time_per_case(lambda t, lat, lng: engine.grid_index.locate(lat, lng), cases)
    keywords_us = time_per_case(lambda t, lat, lng: engine.classifier.evidence(normalise(t)), cases)
    model_us = time_per_case(lambda t, lat, lng: engine.categorise(t), cases) - keywords_us
    sample = cases[:args.baseline_cases]
    baseline_us = time_per_case(naive.route, sample)
    baseline_grid_us = time_per_case(lambda t, lat, lng: naive.locate(lat, lng), sample)
    same_grid = same_major = 0
    for text, lat, lng in sample:
        decision = engine.route(text, lat, lng)
        grid, rule = naive.route(text, lat, lng)
        same_grid += decision.grid is grid
        major = decision.category.major_code if decision.category else None
        same_major += major == (rule.major_code if rule else None)
    print(f"\nengine   {engine_us:9.1f} µs per case over {len(cases):,} cases "
          f"(grid lookup {grid_us:.1f}, keyword pass {keywords_us:.1f}, n-gram model and the rest {model_us:.1f})")
    print(f"baseline {baseline_us:9.1f} µs per case over {len(sample):,} of them "
          f"(every polygon ray-cast {baseline_grid_us:.1f}; every keyword searched; every n-gram × every label)")
    print(f"ratio    {baseline_us / engine_us:9.1f}× faster than the baseline (target ≥ 50×; ≤ 50 µs per case)")
    print(f"agreement with the baseline: grid {same_grid / len(sample):.1%}, "
          f"major category {same_major / len(sample):.1%} "
          f"(keywords: the engine takes leftmost-longest matches, the baseline every substring)")


def bench_preview(args) -> None:
    """The preview over HTTP on the embedded default: SQLite, in-process tasks."""
    from flask_migrate import upgrade

    from config import Config
    from rongetong import create_app
    from rongetong.demo.seed import seed_demo
    from rongetong.extensions import db
    from rongetong.models import User
    from rongetong.services.auth import issue_token

    folder = tempfile.mkdtemp(prefix="rongetong-bench-")
    embedded = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.db'}", "REDIS_URL": None,
                "CELERY_EAGER": True}
    app = create_app(type("Embedded", (Config,), embedded)())
    with app.app_context():
        upgrade()
        seed_demo(cases=0)
        token = issue_token(db.session.scalar(db.select(User).where(User.username == "dispatcher")))
    # The development server logs every request to the terminal; that is not the endpoint's time.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    http = requests.Session()
    headers = {"Authorization": f"Bearer {token}"}
    rng = random.Random(7)
    _, samples = library()

    def timed(call) -> list[float]:
        out = []
        for _ in range(args.requests):
            started = time.perf_counter()
            response = call()
            out.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.text
        return out

    body = lambda: {"description": rng.choice(samples)[0], "lat": rng.uniform(SOUTH, NORTH),  # noqa: E731
                    "lng": rng.uniform(WEST, EAST)}
    timed(lambda: http.post(f"{base}/api/v1/dispatch/preview", json=body(), headers=headers))   # warm up
    health = timed(lambda: http.get(f"{base}/healthz"))
    preview = timed(lambda: http.post(f"{base}/api/v1/dispatch/preview", json=body(), headers=headers))
    server.shutdown()
    q = lambda xs, p: statistics.quantiles(xs, n=100)[p - 1]  # noqa: E731
    print(f"\npreview over HTTP (embedded default, {args.requests} requests each, one client):")
    print(f"  GET /healthz (floor)          median {statistics.median(health):6.2f} ms   p95 {q(health, 95):6.2f} ms")
    print(f"  POST /api/v1/dispatch/preview median {statistics.median(preview):6.2f} ms   p95 {q(preview, 95):6.2f} ms"
          f"   (target ≤ 5 ms median)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--baseline-cases", type=int, default=1_000)
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args()
    bench_engine(args)
    bench_preview(args)


if __name__ == "__main__":
    main()
