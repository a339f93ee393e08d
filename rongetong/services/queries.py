"""Read side: case lists and case look-ups, filtered by what the viewer may see."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, and_, false, func, or_, select
from sqlalchemy.orm import selectinload

from ..domain.errors import NotFound
from ..domain.lifecycle import Actor, Role
from ..extensions import db
from ..models import Assignment, Case, Grid, MajorCategory, Town, Unit, User
from ..models.types import utcnow


@dataclass(frozen=True)
class CaseFilters:
    status: str | None = None        # one state or several, comma-separated
    department: str | None = None
    town: str | None = None
    grid: str | None = None
    reporter_id: int | None = None   # the staff member who filed it (a grid worker's own cases)
    channel: str | None = None
    overdue: bool | None = None
    primary_only: bool = False       # leave out cases merged into another (并案): work queues show the primary
    extension_pending: bool = False  # 申请延期 waiting for the dispatcher
    due_soon: bool = False           # 即将超期: past the 80% reminder moment, not yet late
    text: str | None = None          # a tracking code or words of the description
    sort: str = "newest"
    page: int = 1
    per_page: int = 20


# The orders a case list can be read in; unknown names fall back to newest first.
SORTS = {
    "newest": (Case.created_at.desc(), Case.id.desc()),
    "oldest": (Case.created_at, Case.id),
    "due": (Case.resolve_due.asc().nulls_last(), Case.id),
    "updated": (Case.updated_at.desc(), Case.id.desc()),
}


def visible_cases(actor: Actor) -> Select:
    """Cases the actor may see: a handler its own unit's, a grid worker its own and its grid's."""
    query = select(Case)
    if actor.role is Role.HANDLER:
        # Cases it assists (协办) stay visible after its part is done; withdrawn shares do not.
        assisting = select(Assignment.case_id).where(Assignment.unit_id == actor.unit_id,
                                                     Assignment.status.in_(("open", "done")))
        query = query.where(or_(Case.unit_id == actor.unit_id, Case.id.in_(assisting)))
    elif actor.role is Role.GRID_WORKER:
        grid_id = db.session.scalar(select(User.grid_id).where(User.id == actor.user_id))
        query = query.where(or_(Case.reporter_id == actor.user_id,
                                Case.grid_id == grid_id if grid_id else false()))
    elif actor.role in (Role.CITIZEN, Role.SYSTEM):
        query = query.where(false())
    return query


def where_codes(query: Select, *, unit: str | None = None, town: str | None = None, category: str | None = None,
                channel: str | None = None) -> Select:
    """Cases of a unit, town or major category given by code, and of a channel."""
    for code, column, model in ((unit, Case.unit_id, Unit), (town, Case.town_id, Town),
                                (category, Case.major_id, MajorCategory)):
        if code:
            query = query.where(column.in_(select(model.id).where(model.code == code)))
    if channel:
        query = query.where(Case.channel == channel)
    return query


def due_soon(now):
    """即将超期: a unit holds the case, its reminder moment (80% of the limit) has passed, the deadline not yet."""
    return or_(and_(Case.status == "dispatched", Case.accept_remind_at <= now, Case.accept_due >= now),
               and_(Case.status == "accepted", Case.resolve_remind_at <= now, Case.resolve_due >= now))


def _filtered(actor: Actor, filters: CaseFilters) -> Select:
    query = where_codes(visible_cases(actor), unit=filters.department, town=filters.town, channel=filters.channel)
    now = utcnow()
    if filters.status:
        query = query.where(Case.status.in_(filters.status.split(",")))
    if filters.grid:
        query = query.where(Case.grid_id.in_(select(Grid.id).where(Grid.code == filters.grid)))
    if filters.reporter_id:
        query = query.where(Case.reporter_id == filters.reporter_id)
    if filters.overdue is not None:
        overdue = Case.is_overdue(now)
        query = query.where(overdue if filters.overdue else ~overdue)
    if filters.primary_only:
        query = query.where(Case.merged_into_id.is_(None))
    if filters.extension_pending:
        query = query.where(Case.pending_extension_days.is_not(None))
    if filters.due_soon:
        query = query.where(due_soon(now))
    if filters.text:
        words = filters.text.strip()
        query = query.where(or_(Case.tracking_code == words.upper(), Case.description.contains(words, autoescape=True)))
    return query


def count_cases(actor: Actor, filters: CaseFilters) -> int:
    """How many cases ``filters`` select (paging and order aside)."""
    return db.session.scalar(select(func.count()).select_from(_filtered(actor, filters).subquery()))


def list_cases(actor: Actor, filters: CaseFilters) -> tuple[list[Case], int]:
    """One page of the cases ``filters`` select, and how many there are in all."""
    items = db.session.scalars(
        _filtered(actor, filters).options(*_case_loads()).order_by(*SORTS.get(filters.sort, SORTS["newest"]))
        .limit(filters.per_page).offset((filters.page - 1) * filters.per_page)
    ).all()
    return list(items), count_cases(actor, filters)


def get_case(actor: Actor, case_id: int) -> Case:
    """A case the actor may see; one it may not see is reported exactly like a missing one."""
    case = db.session.scalar(visible_cases(actor).where(Case.id == case_id).options(
        *_case_loads(), selectinload(Case.timeline)))
    if case is None:
        raise NotFound("诉求件不存在")
    return case


def find_by_tracking_code(tracking_code: str, phone_last4: str | None, *, verified: bool = False) -> Case:
    """The citizen's look-up: a wrong phone answers exactly like an unknown code.

    ``verified``: the caller proved the phone digits earlier in this browser session."""
    case = db.session.scalar(select(Case).where(Case.tracking_code == tracking_code.strip().upper()))
    if case is None or not (verified or (case.reporter_phone and phone_last4
                                         and case.reporter_phone[-4:] == phone_last4)):
        raise NotFound("未找到该诉求件，请核对查询码和手机号后四位")
    return case


def grids() -> list[Grid]:
    return list(db.session.scalars(select(Grid).options(selectinload(Grid.town)).order_by(Grid.code)))


def _case_loads():
    return (selectinload(Case.town), selectinload(Case.grid), selectinload(Case.major),
            selectinload(Case.minor), selectinload(Case.unit), selectinload(Case.ratings))
