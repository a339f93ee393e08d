"""`flask eval-routing`: the live keyword library, a model trained without the held-out rows, and a
report on those rows — keywords alone against keywords with the model."""
from __future__ import annotations

import csv

from sqlalchemy import select

from ..domain.evaluation import Labelled, Report, evaluate, format_report
from ..domain.geo import point_inside
from ..domain.routing import Router
from ..extensions import db
from ..models import Grid
from . import learning
from .routing import build_router


def read_labelled(path: str) -> list[Labelled]:
    with open(path, encoding="utf-8", newline="") as handle:
        return [Labelled(r["text"], r["major"], r.get("kind", ""), r.get("second_major") or None)
                for r in csv.DictReader(handle)]


def split(rows: list[Labelled], every: int, fold: int = 0) -> tuple[list[Labelled], list[Labelled]]:
    """(training part, held-out part): every ``every``-th row, from the ``fold``-th on, is held out."""
    return ([r for i, r in enumerate(rows) if i % every != fold], [r for i, r in enumerate(rows) if i % every == fold])


def evaluate_file(path: str, holdout_every: int = 5, misses: int = 0) -> str:
    rows = read_labelled(path)
    train_rows, held_out = split(rows, holdout_every)
    base = build_router()
    keywords_only = _router(base, None)
    combined = _router(base, train_rows)
    lat, lng = _inside_a_grid()
    held = evaluate(combined, held_out, lat, lng)
    lines = [f"{len(rows)} labelled complaints; {len(held_out)} held out of training, {len(train_rows)} trained on",
             format_report(evaluate(keywords_only, held_out, lat, lng), "held out, keywords only"),
             format_report(held, "held out, keywords + model"),
             format_report(cross_validated(base, rows, holdout_every, lat, lng),
                           f"cross-validated, keywords + model (each of {holdout_every} parts held out in turn)"),
             format_report(evaluate(_router(base, rows), rows, lat, lng),
                           "whole set, keywords + a model trained on all of it (an upper bound)")]
    if misses:
        lines.append("misrouted held-out texts (label → routed):")
        lines += [f"  {want} → {got or '无'}  {text[:60]}" for text, want, got in held.misses[:misses]]
    return "\n".join(lines)


def cross_validated(base: Router, rows: list[Labelled], parts: int, lat: float, lng: float) -> Report:
    """Every row judged by a model trained without it: ``parts`` models, each leaving one part out.

    A steadier figure than one held-out part of a hundred-odd texts, where one text is a point."""
    report = Report()
    for fold in range(parts):
        train_rows, held_out = split(rows, parts, fold)
        evaluate(_router(base, train_rows), held_out, lat, lng, report)
    return report


def held_out_report(path: str, holdout_every: int = 5) -> Report:
    rows = read_labelled(path)
    train_rows, held_out = split(rows, holdout_every)
    return evaluate(_router(build_router(), train_rows), held_out, *_inside_a_grid())


def _router(base: Router, train_rows: list[Labelled] | None) -> Router:
    """The live grids and library; no model (``None``), or one that also learned ``train_rows`` the way
    confirmed cases teach it."""
    model = learning.train(_as_documents(base, train_rows)) if train_rows is not None else None
    return Router(base.grid_index.grids, base.rules, base.town_units, base.min_confidence, model)


def _as_documents(router: Router, rows: list[Labelled]):
    """A labelled row names only its major: it teaches the minor of that major it matches best."""
    for row in rows:
        minors = [s.rule for s in router.classifier.classify(row.text) if s.rule.major_code == row.major]
        rule = minors[0] if minors else next(r for r in router.rules if r.major_code == row.major)
        yield row.text, rule.minor_code, 1.0


def _inside_a_grid() -> tuple[float, float]:
    return point_inside(db.session.scalar(select(Grid.geometry).order_by(Grid.code).limit(1)))


