"""回访 work list: resolved cases the citizen has not rated, and a random sample of closed ones."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Case, ReturnVisit
from ..models.types import utcnow

SAMPLE_DAYS = 30


def worklist(*, sample_size: int = 20, per_page: int = 50) -> tuple[list[Case], int, list[Case]]:
    """(unrated resolved cases, oldest first; their number; a random sample of recently closed cases
    that nobody has called yet)."""
    unrated = select(Case).where(Case.status == "resolved", ~Case.ratings.any())
    total = db.session.scalar(select(func.count()).select_from(unrated.subquery()))
    items = db.session.scalars(unrated.options(selectinload(Case.unit))
                               .order_by(Case.resolved_at, Case.id).limit(per_page)).all()
    called = exists().where(ReturnVisit.case_id == Case.id)
    sample = db.session.scalars(
        select(Case).where(Case.status == "closed", Case.closed_at >= utcnow() - timedelta(days=SAMPLE_DAYS), ~called)
        .options(selectinload(Case.unit)).order_by(func.random()).limit(sample_size)).all()
    return list(items), total, list(sample)
