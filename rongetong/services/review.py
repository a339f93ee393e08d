"""研判: the review queues and the panels' topic meetings (专题会议)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..domain.errors import NotFound, RuleViolation
from ..domain.lifecycle import Actor
from ..extensions import db
from ..models import Case, ReviewMeeting
from . import outbox

LEVEL_STATES = {1: "review_l1", 2: "review_l2"}


def queue(level: int, *, page: int = 1, per_page: int = 50) -> tuple[list[Case], int]:
    """Cases waiting for the panel of ``level``, longest waiting first."""
    # Cases merged into another (并案) follow their primary: the panel sees the primary only.
    query = select(Case).where(Case.status == LEVEL_STATES[level], Case.merged_into_id.is_(None))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    items = db.session.scalars(query.options(selectinload(Case.timeline), selectinload(Case.unit))
                               .order_by(Case.updated_at, Case.id)
                               .limit(per_page).offset((page - 1) * per_page)).all()
    return list(items), total


def create_meeting(actor: Actor, *, level: int, title: str, held_at: datetime, attendees: list[str],
                   case_ids: list[int], minutes: str | None) -> ReviewMeeting:
    """Record a topic meeting and the cases it discussed; each must be in, or have passed, that level."""
    cases = db.session.scalars(select(Case).where(Case.id.in_(case_ids))).all() if case_ids else []
    missing = sorted(set(case_ids) - {c.id for c in cases})
    if missing:
        raise RuleViolation(f"诉求件不存在：{missing}", details={"field": "case_ids"})
    state = LEVEL_STATES[level]
    off_agenda = [c.id for c in cases if c.status != state and not any(e.to_status == state for e in c.timeline)]
    if off_agenda:
        raise RuleViolation(f"这些诉求件未提交{level}级研判：{off_agenda}", details={"field": "case_ids"})
    meeting = ReviewMeeting(level=level, title=title, held_at=held_at, attendees=attendees, minutes=minutes,
                            created_by_id=actor.user_id, cases=list(cases))
    db.session.add(meeting)
    outbox.commit()
    return meeting


def case_ids(tracking_codes: list[str]) -> list[int]:
    """The cases named by tracking code (as staff write them in meeting minutes)."""
    codes = {code.strip().upper() for code in tracking_codes}
    found = dict(db.session.execute(select(Case.tracking_code, Case.id).where(Case.tracking_code.in_(codes))).all())
    unknown = sorted(codes - set(found))
    if unknown:
        raise RuleViolation(f"查询码不存在：{'、'.join(unknown)}", details={"field": "case_ids"})
    return list(found.values())


def meetings(level: int | None = None, *, page: int = 1, per_page: int = 50) -> tuple[list[ReviewMeeting], int]:
    query = select(ReviewMeeting)
    if level:
        query = query.where(ReviewMeeting.level == level)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    items = db.session.scalars(query.options(selectinload(ReviewMeeting.cases))
                               .order_by(ReviewMeeting.held_at.desc(), ReviewMeeting.id.desc())
                               .limit(per_page).offset((page - 1) * per_page)).all()
    return list(items), total


def meeting(meeting_id: int) -> ReviewMeeting:
    found = db.session.get(ReviewMeeting, meeting_id)
    if found is None:
        raise NotFound("会议不存在")
    return found
