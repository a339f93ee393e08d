"""The learning loop (智能派遣自学习): the model is trained from the keyword library, sample
complaints and confirmed cases; returns and re-dispatches are recorded as corrections, feed the next
training, and give the measured routing accuracy."""
from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Iterator

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..domain.classifier import RoutingModel
from ..domain.routing import CategoryRule
from ..extensions import db
from ..models import Case, MajorCategory, MinorCategory, RoutingFeedback, RoutingModelRecord, TimelineEntry
from . import outbox
from .taxonomy import read_csv

log = logging.getLogger(__name__)

# How much each kind of evidence weighs in training.
NAME_WEIGHT, KEYWORD_WEIGHT, SYNONYM_WEIGHT, SAMPLE_WEIGHT, CONFIRMED_WEIGHT, CORRECTED_WEIGHT = 2, 1, 0.5, 1, 1, 2
CONFIRMED_LIMIT = 20_000   # the newest confirmed cases are enough to learn today's wording


def library_rules() -> list[CategoryRule]:
    minors = db.session.scalars(select(MinorCategory).order_by(MinorCategory.code).options(
        selectinload(MinorCategory.major), selectinload(MinorCategory.unit)))
    return [CategoryRule(
        minor_code=m.code, minor_name=m.name, major_code=m.major.code, major_name=m.major.name,
        unit_code=m.unit.code if m.unit else None, police=m.major.police, urgent=m.urgent,
        keywords=tuple(m.keywords or ()), synonyms=tuple(m.synonyms or ()), negative=tuple(m.negative or ()),
    ) for m in minors]


def library_documents(rules: Iterable[CategoryRule]) -> Iterator[tuple[str, str, float]]:
    for rule in rules:
        yield rule.minor_name, rule.minor_code, NAME_WEIGHT
        yield from ((word, rule.minor_code, KEYWORD_WEIGHT) for word in rule.keywords)
        yield from ((word, rule.minor_code, SYNONYM_WEIGHT) for word in rule.synonyms)


def sample_documents(known: set[str]) -> Iterator[tuple[str, str, float]]:
    for row in read_csv("demo_complaints.csv"):
        if row["minor"] in known:
            yield row["text"], row["minor"], SAMPLE_WEIGHT


def confirmed_documents(limit: int = CONFIRMED_LIMIT) -> Iterator[tuple[str, str, float]]:
    """Cases handled to the end under their category, and cases whose category people corrected."""
    rows = db.session.execute(
        select(Case.description, MinorCategory.code).join(MinorCategory, Case.minor_id == MinorCategory.id)
        .where(Case.status.in_(("resolved", "closed")), Case.return_count == 0)
        .order_by(Case.id.desc()).limit(limit))
    yield from ((text, code, CONFIRMED_WEIGHT) for text, code in rows)
    corrected = db.session.execute(
        select(Case.description, RoutingFeedback.corrected_minor).join(Case, RoutingFeedback.case_id == Case.id)
        .where(RoutingFeedback.corrected_minor.is_not(None)).order_by(RoutingFeedback.id.desc()).limit(limit))
    yield from ((text, code, CORRECTED_WEIGHT) for text, code in corrected)


def train(extra: Iterable[tuple[str, str, float]] = ()) -> RoutingModel:
    rules = library_rules()
    known = {r.minor_code for r in rules}
    documents = [*library_documents(rules), *sample_documents(known),
                 *(d for d in confirmed_documents() if d[1] in known), *extra]
    return RoutingModel.train(documents)


def retrain() -> RoutingModelRecord:
    """Train on everything confirmed so far and publish the model to every process."""
    upto = db.session.scalar(select(func.max(RoutingFeedback.id))) or 0
    model = train()
    confirmed = db.session.scalar(select(func.count(Case.id)).where(Case.status.in_(("resolved", "closed"))))
    record = RoutingModelRecord(trained_on=model.trained_on, confirmed_cases=min(confirmed, CONFIRMED_LIMIT),
                                feedback_upto=upto, data=model.to_dict())
    db.session.add(record)
    db.session.commit()
    log.info("routing model %s trained on %s documents", record.id, record.trained_on)
    return record


def latest_model() -> RoutingModel | None:
    """The newest stored model; None when there is none or it was stored by an older release."""
    record = db.session.scalar(select(RoutingModelRecord).order_by(RoutingModelRecord.id.desc()).limit(1))
    if record is None:
        return None
    try:
        return RoutingModel.from_dict(record.data)
    except ValueError as exc:
        log.warning("routing model %s not usable (%s); training one in memory until the next retrain", record.id, exc)
        return None


def record_feedback(case: Case, source: str, *, corrected_unit: str | None = None,
                    corrected_minor: str | None = None, note: str | None = None) -> None:
    """A correction of the engine's route, in the caller's transaction; enough of them → retrain."""
    routing = case.routing or {}
    db.session.add(RoutingFeedback(case_id=case.id, source=source, predicted_minor=routing.get("category"),
                                   predicted_unit=routing.get("unit"), corrected_minor=corrected_minor,
                                   corrected_unit=corrected_unit, note=note))
    seen = db.session.scalar(select(func.max(RoutingModelRecord.feedback_upto))) or 0
    pending = db.session.scalar(select(func.count(RoutingFeedback.id)).where(RoutingFeedback.id > seen))
    if pending + 1 >= current_app.config["RETRAIN_AFTER_CORRECTIONS"] and not _retrain_queued():
        outbox.enqueue("dispatch.retrain_model")


def _retrain_queued() -> bool:
    from ..models import OutboxMessage
    return db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.task == "dispatch.retrain_model", OutboxMessage.published_at.is_(None))) > 0


def routing_stats() -> dict:
    """Measured routing accuracy: of the cases the engine sent to a unit, how many people kept there."""
    routed = dict(db.session.execute(
        select(MajorCategory.code, func.count(Case.id.distinct()))
        .join(Case, Case.major_id == MajorCategory.id)
        .join(TimelineEntry, (TimelineEntry.case_id == Case.id) & (TimelineEntry.action == "route"))
        .group_by(MajorCategory.code)).all())
    corrections = db.session.execute(
        select(RoutingFeedback.case_id, RoutingFeedback.predicted_minor, RoutingFeedback.corrected_minor,
               RoutingFeedback.predicted_unit, RoutingFeedback.corrected_unit, RoutingFeedback.source)
        .order_by(RoutingFeedback.id)).all()
    wrong: dict[int, tuple[str | None, str | None]] = {}
    returned = set()
    for case_id, p_minor, c_minor, p_unit, c_unit, source in corrections:
        if source == "return":
            returned.add(case_id)
        if p_minor and ((c_unit and c_unit != p_unit) or (c_minor and c_minor[:2] != p_minor[:2])):
            wrong[case_id] = (p_minor[:2], c_minor[:2] if c_minor else None)
    wrong_by_major = Counter(p for p, _ in wrong.values())
    names = dict(db.session.execute(select(MajorCategory.code, MajorCategory.name)).all())
    total = sum(routed.values())
    return {
        "routed": total,
        "corrected": len(wrong),
        "accuracy": round(1 - len(wrong) / total, 4) if total else None,
        "return_rate": round(len(returned) / total, 4) if total else None,
        "by_major": [{"major": {"code": code, "name": names.get(code)}, "routed": n,
                      "corrected": wrong_by_major[code], "accuracy": round(1 - wrong_by_major[code] / n, 4)}
                     for code, n in sorted(routed.items())],
        "top_confusions": [{"predicted": {"code": p, "name": names.get(p)},
                            "corrected": {"code": c, "name": names.get(c)} if c else None, "count": n}
                           for (p, c), n in Counter(wrong.values()).most_common(10)],
    }
