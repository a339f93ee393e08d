"""Benchmark: 智能派遣 on 10,000 generated complaints at random points.

Prints, in one run: the in-memory engine (STRtree grid index, one Aho-Corasick pass, the n-gram
model) against a naive baseline that tests every polygon and searches every keyword of every
category; then the preview endpoint over HTTP on the embedded default (SQLite), against the
service's own health check as the floor.

    .venv/bin/python -m bench.routing [--cases 10000] [--baseline-cases 1000] [--requests 500]
"""
from __future__ import annotations

import argparse
import csv
import random
import statistics
import tempfile
import threading
import time
from pathlib import Path

import requests
from shapely.geometry import Point, shape
from werkzeug.serving import make_server

from rongetong.demo.geography import TOWNS, demo_grids
from rongetong.domain.classifier import RoutingModel
from rongetong.domain.routing import CategoryRule, GridArea, Router
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
    """The baseline: every polygon tested in turn, every keyword of every category searched for."""

    def __init__(self, grids: list[GridArea], rules: list[CategoryRule]):
        self.grids = [(g, shape(g.geometry)) for g in grids]
        self.rules = rules

    def route(self, text: str, lat: float, lng: float):
        point = Point(lng, lat)
        # Every polygon: a point on a shared edge lies in several, and the lowest code wins.
        grid = min((g for g, polygon in self.grids if polygon.intersects(point)), key=lambda g: g.code, default=None)
        best, best_score = None, 0.0
        for rule in self.rules:
            score = sum(1.0 for w in rule.keywords if w in text) + sum(0.5 for w in rule.synonyms if w in text)
            if score > best_score:
                best, best_score = rule, score
        return grid, best


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
    naive = NaiveRouter(grids, rules)
    cases = generated_cases(samples, args.cases, rng)
    print(f"{len(grids)} grids, {len(rules)} minor categories, {sum(len(r.keywords) + len(r.synonyms) for r in rules)} "
          f"keywords and synonyms; model on {model.trained_on} documents")
    time_per_case(engine.route, cases[:200])                         # warm up
    engine_us = time_per_case(engine.route, cases)
    grid_us = time_per_case(lambda t, lat, lng: engine.grid_index.locate(lat, lng), cases)
    keywords_us = time_per_case(lambda t, lat, lng: engine.classifier.classify(t), cases)
    model_us = time_per_case(lambda t, lat, lng: engine.categorise(t), cases) - keywords_us
    baseline_us = time_per_case(naive.route, cases[:args.baseline_cases])
    print(f"\nengine   {engine_us:9.1f} µs per case over {len(cases):,} cases "
          f"(grid lookup {grid_us:.1f}, keyword pass {keywords_us:.1f}, n-gram model {model_us:.1f})")
    print(f"baseline {baseline_us:9.1f} µs per case over {args.baseline_cases:,} cases "
          f"(every polygon × every keyword, keywords only)")
    print(f"ratio    {baseline_us / engine_us:9.1f}× faster than the baseline (target ≥ 50×; ≤ 50 µs per case)")


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
