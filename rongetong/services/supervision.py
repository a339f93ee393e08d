"""督办: every passed deadline opens one supervision record on the supervision account."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, exists, insert, literal, select, union_all

from ..domain.lifecycle import State
from ..domain.sla import OVERDUE_STATES
from ..extensions import db
from ..models import Case, SupervisionRecord
from ..models.types import utcnow


def sweep_overdue(now: datetime | None = None) -> int:
    """Open a record for each deadline passed since the last sweep, in one set-based statement.

    Running it twice opens nothing more: a deadline already supervised is skipped (and the unique
    constraint on case, kind and deadline makes that hold under concurrency too).
    """
    now = now or utcnow()
    candidates = union_all(
        _passed("resolve", Case.resolve_due, Case.status.in_([s.value for s in OVERDUE_STATES]), now),
        _passed("accept", Case.accept_due, Case.status == State.DISPATCHED.value, now),
    ).subquery()
    statement = insert(SupervisionRecord).from_select(
        ["case_id", "unit_id", "deadline_kind", "deadline_at", "status", "opened_at"],
        select(candidates.c.case_id, candidates.c.unit_id, candidates.c.kind, candidates.c.due,
               literal("open"), literal(now, SupervisionRecord.opened_at.type)),
    ).returning(SupervisionRecord.id)
    opened = db.session.execute(statement).scalars().all()
    db.session.commit()
    return len(opened)


def _passed(kind: str, due_column, state_condition, now: datetime):
    already = exists().where(and_(SupervisionRecord.case_id == Case.id,
                                  SupervisionRecord.deadline_kind == kind,
                                  SupervisionRecord.deadline_at == due_column))
    return select(Case.id.label("case_id"), Case.unit_id.label("unit_id"), literal(kind).label("kind"),
                  due_column.label("due")).where(state_condition, due_column < now, ~already)
