"""Duplicates and merging (并案): propose the cases that look like the same problem, and merge them into
one primary (主件) that carries the handling. The rules are in domain/duplicates.py; the children
follow their primary's later transitions in ``workflow.transition``."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ..domain import duplicates as rules
from ..domain.errors import NotFound
from ..domain.lifecycle import Action, Actor
from ..extensions import db
from ..models import Case, TimelineEntry
from ..models.types import utcnow
from . import outbox
from .workflow import check_version, clear_unit, load_case, unit_of_work


@dataclass(frozen=True)
class Candidate:
    """A proposed duplicate: the case and how close it is to the one being looked at."""
    case: Case
    proposal: rules.Proposal


def candidates(case_id: int, limits: rules.Limits = rules.DEFAULT_LIMITS) -> list[Candidate]:
    """The open cases that look like the same problem as ``case_id``, best first (reads only).

    A bounding box, a filing-time window and the major category narrow the rows in SQL; the domain
    rule then measures the real distance, the minor category and the wording."""
    case = load_case(case_id)
    if case is None:
        raise NotFound("诉求件不存在")
    if case.lat is None or case.lng is None or case.status not in rules.MERGEABLE_STATES:
        return []
    south, north, west, east = rules.bounding_box(case.lat, case.lng, limits.radius_m)
    window = timedelta(hours=limits.hours)
    query = select(Case).where(
        Case.id != case.id, Case.merged_into_id.is_(None),
        Case.status.in_([s.value for s in rules.MERGEABLE_STATES]),
        Case.lat.between(south, north), Case.lng.between(west, east),
        Case.created_at.between(case.created_at - window, case.created_at + window))
    if case.major_id is not None:
        query = query.where(or_(Case.major_id == case.major_id, Case.major_id.is_(None)))
    rows = db.session.scalars(query.options(selectinload(Case.minor), selectinload(Case.major))
                              .order_by(Case.id).limit(500)).all()
    by_id = {row.id: row for row in rows}
    proposals = rules.propose(report(case), [report(row) for row in rows], limits)
    return [Candidate(by_id[p.case_id], p) for p in proposals]


def merge(primary_id: int, duplicate_ids: list[int], actor: Actor, *, reason: str,
          version: int | None = None) -> Case:
    """并案: merge ``duplicate_ids`` into the primary as one unit of work, and return the primary.

    Each duplicate leaves its unit (assignments withdrawn, deadlines cleared: inboxes and the overdue
    sweep see only the primary), takes the primary's state and from then on follows it; its reporter
    keeps the tracking code and rates their own case. Refused merges change nothing."""
    ids = list(dict.fromkeys(duplicate_ids))
    with unit_of_work():
        # Lock every case involved in id order, so two merges of the same cases cannot deadlock.
        locked = {c.id: c for c in db.session.scalars(
            select(Case).where(Case.id.in_([primary_id, *ids])).order_by(Case.id).with_for_update())}
        primary = locked.get(primary_id)
        if primary is None:
            raise NotFound("诉求件不存在")
        check_version(primary, version)
        missing = [i for i in ids if i not in locked]
        if missing:
            raise NotFound(f"被并件不存在：{'、'.join(map(str, missing))}", details={"missing": missing})
        children = [locked[i] for i in ids]
        counts = _merged_counts(ids)
        rules.check_merge(actor.role, report(primary), [report(c, counts.get(c.id, 0)) for c in children])
        _apply(primary, children, actor, reason)
    return primary


def _apply(primary: Case, children: list[Case], actor: Actor, reason: str) -> None:
    now = utcnow()
    codes = [c.tracking_code for c in children]
    for child in children:
        child.timeline.append(_entry(actor, now, child.status, primary.status,
                                     f"并入主件 {primary.tracking_code}：{reason}",
                                     {"primary": primary.tracking_code, "primary_id": primary.id}))
        clear_unit(child, now)
        child.pending_extension_days = None
        child.merged_into, child.merged_into_id = primary, primary.id
        child.status = primary.status
        if child.partner_id is not None:  # the partner that filed it hears of every change
            db.session.flush()
            outbox.enqueue("notify.partner_status", entry_id=child.timeline[-1].id)
    primary.timeline.append(_entry(actor, now, primary.status, primary.status,
                                   f"并案：{'、'.join(codes)} 并入本件；{reason}", {"duplicates": codes}))
    primary.updated_at = now  # a new version: a client holding the old one is told of the merge


def _entry(actor: Actor, at, from_status: str, to_status: str, note: str, data: dict) -> TimelineEntry:
    return TimelineEntry(at=at, actor_id=actor.user_id, actor_name=actor.name, actor_role=actor.role.value,
                         action=Action.MERGE.value, from_status=from_status, to_status=to_status, note=note,
                         data=data)


def _merged_counts(ids: list[int]) -> dict[int, int]:
    return dict(db.session.execute(select(Case.merged_into_id, func.count()).where(Case.merged_into_id.in_(ids))
                                   .group_by(Case.merged_into_id)).all())


def report(case: Case, merged_count: int = 0) -> rules.Report:
    """What the duplicate rules read of a case."""
    return rules.Report(id=case.id, status=case.status, created_at=case.created_at,
                        description=case.description or "", lat=case.lat, lng=case.lng,
                        minor=case.minor.code if case.minor else None, major=case.major.code if case.major else None,
                        merged_into=case.merged_into_id, merged_count=merged_count,
                        tracking_code=case.tracking_code)
