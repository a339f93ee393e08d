"""系统管理: staff accounts and roles, units, partner keys and the time-limit table, for the admin pages.

Every change is validated in full before anything is written, and written with an audit entry in one
commit (a partner key is committed by ``partners.create_partner`` and audited right after); a refused
change leaves the database as it was.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..domain.errors import DomainError, NotFound, RuleViolation
from ..domain.lifecycle import Actor, Role
from ..domain.sla import TimeLimits
from ..extensions import db
from ..models import AuditEntry, Case, Grid, MajorCategory, MinorCategory, Partner, Town, Unit, User
from . import partners
from .dashboard import OPEN_STATES

ROLE_NAMES = {
    Role.GRID_WORKER: "网格员", Role.DISPATCHER: "指挥中心调度员", Role.HANDLER: "承办人（部门/镇街）",
    Role.REVIEWER: "研判专家（一级研判）", Role.LEADER: "领导小组（二级研判）", Role.SUPERVISOR: "督查（纪委监委）",
    Role.OFFICER: "回访信息员", Role.ADMIN: "系统管理员",
}
UNIT_KINDS = {"department": "职能部门", "town_office": "镇街"}
USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{2,79}$")
MIN_PASSWORD = 8


class InvalidInput(DomainError):
    """A field of an admin form is missing or malformed."""
    status = 422
    code = "invalid_input"


class UsernameTaken(InvalidInput):
    code = "username_taken"


class LockOut(RuleViolation):
    """The change would leave no active admin, or lock the admin making it out."""
    code = "lock_out"


def overview() -> dict:
    """The counts the admin's landing page shows next to each link."""
    def count(query) -> int:
        return db.session.scalar(query) or 0
    return {
        "users": count(select(func.count(User.id)).where(User.active.is_(True))),
        "inactive": count(select(func.count(User.id)).where(User.active.is_(False))),
        "units": count(select(func.count(Unit.id))),
        "towns": count(select(func.count(Town.id))),
        "grids": count(select(func.count(Grid.id))),
        "minors": count(select(func.count(MinorCategory.id))),
        "partners": count(select(func.count(Partner.id)).where(Partner.revoked_at.is_(None))),
    }


# --- users -----------------------------------------------------------------------------------------

def users(role: str | None = None) -> list[User]:
    query = select(User).options(selectinload(User.unit))
    if role:
        query = query.where(User.role == role)
    return list(db.session.scalars(query.order_by(User.role, User.username)))


def grid_names(ids: set[int]) -> dict[int, Grid]:
    """The grids of ``ids`` (grid workers' grids), with their towns."""
    if not ids:
        return {}
    return {g.id: g for g in db.session.scalars(select(Grid).options(selectinload(Grid.town)).where(Grid.id.in_(ids)))}


def unit_choices() -> list[tuple[str, str]]:
    rows = db.session.scalars(select(Unit).order_by(Unit.kind, Unit.code))
    return [(u.code, f"{u.name}（{UNIT_KINDS.get(u.kind, u.kind)}）") for u in rows]


def grid_choices() -> dict[str, list[tuple[str, str]]]:
    """Grids grouped by town, for a select with one group per town."""
    groups: dict[str, list[tuple[str, str]]] = {}
    rows = db.session.execute(select(Grid.code, Grid.name, Town.name).join(Town, Town.id == Grid.town_id)
                              .order_by(Town.code, Grid.code))
    for code, name, town in rows:
        groups.setdefault(town, []).append((code, f"{name}（{code}）"))
    return groups


def towns() -> list[tuple[Town, int]]:
    """The towns with their grid counts."""
    counts = dict(db.session.execute(select(Grid.town_id, func.count()).group_by(Grid.town_id)).all())
    return [(t, counts.get(t.id, 0)) for t in db.session.scalars(select(Town).order_by(Town.code))]


@dataclass(frozen=True)
class Placement:
    """Where a user of a role works: a handler needs its unit, a grid worker its grid."""
    unit: Unit | None
    grid: Grid | None


def _placement(role: str, unit_code: str | None, grid_code: str | None) -> Placement:
    try:
        role = Role(role)
    except ValueError:
        raise InvalidInput(f"未知角色：{role}") from None
    if role not in ROLE_NAMES:
        raise InvalidInput(f"未知角色：{role}")
    unit = grid = None
    if unit_code:
        unit = db.session.scalar(select(Unit).where(Unit.code == unit_code))
        if unit is None:
            raise InvalidInput(f"承办单位不存在：{unit_code}")
    if grid_code:
        grid = db.session.scalar(select(Grid).where(Grid.code == grid_code))
        if grid is None:
            raise InvalidInput(f"网格不存在：{grid_code}")
    if role is Role.HANDLER and unit is None:
        raise InvalidInput("承办人须选择所属承办单位")
    if role is Role.GRID_WORKER and grid is None:
        raise InvalidInput("网格员须选择所负责的网格")
    # A unit or grid only means something for the roles that work in one; keeping a stale one would
    # let a former handler still see the unit's cases.
    return Placement(unit if role is Role.HANDLER else None, grid if role is Role.GRID_WORKER else None)


def _check_password(password: str | None) -> str:
    if not password or len(password) < MIN_PASSWORD or len(password) > 200:
        raise InvalidInput(f"密码须为 {MIN_PASSWORD}–200 个字符")
    return password


def _audit(actor: Actor, action: str, object_type: str, object_id: int, detail: dict) -> None:
    db.session.add(AuditEntry(actor_id=actor.user_id, actor_name=actor.name, actor_role=actor.role.value,
                              action=action, object_type=object_type, object_id=object_id, detail=detail))


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("用户不存在")
    return user


def create_user(actor: Actor, *, username: str, display_name: str, role: str, password: str,
                unit_code: str | None = None, grid_code: str | None = None) -> User:
    username, display_name = (username or "").strip().lower(), (display_name or "").strip()
    if not USERNAME.match(username):
        raise InvalidInput("用户名须为 3–80 位小写字母、数字或 _ . -，以字母或数字开头")
    if not display_name or len(display_name) > 80:
        raise InvalidInput("姓名（显示名）须为 1–80 个字符")
    placement = _placement(role, unit_code, grid_code)
    _check_password(password)
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise UsernameTaken(f"用户名已存在：{username}")
    user = User(username=username, display_name=display_name, role=role, unit=placement.unit,
                grid_id=placement.grid.id if placement.grid else None, active=True)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    _audit(actor, "create_user", "user", user.id, {"username": username, "role": role,
                                                    "unit": unit_code, "grid": grid_code})
    db.session.commit()
    return user


def _other_active_admins(user: User) -> int:
    return db.session.scalar(select(func.count(User.id)).where(
        User.role == Role.ADMIN.value, User.active.is_(True), User.id != user.id)) or 0


def update_user(actor: Actor, user_id: int, *, role: str, display_name: str | None = None,
                unit_code: str | None = None, grid_code: str | None = None) -> User:
    user = _user(user_id)
    placement = _placement(role, unit_code, grid_code)
    display_name = (display_name or user.display_name).strip()
    if not display_name or len(display_name) > 80:
        raise InvalidInput("姓名（显示名）须为 1–80 个字符")
    if user.role == Role.ADMIN.value and role != Role.ADMIN.value:
        if user.id == actor.user_id:
            raise LockOut("不能取消自己的管理员角色")
        if user.active and not _other_active_admins(user):
            raise LockOut("至少须保留一名启用的系统管理员")
    before = {"role": user.role, "unit_id": user.unit_id, "grid_id": user.grid_id, "display_name": user.display_name}
    user.role, user.display_name, user.unit = role, display_name, placement.unit
    user.grid_id = placement.grid.id if placement.grid else None
    _audit(actor, "update_user", "user", user.id, {"before": before, "role": role, "unit": unit_code,
                                                    "grid": grid_code, "display_name": display_name})
    db.session.commit()
    return user


def set_active(actor: Actor, user_id: int, active: bool) -> User:
    """Deactivate (the account can no longer sign in, its tokens and sessions stop working) or reactivate."""
    user = _user(user_id)
    if not active:
        if user.id == actor.user_id:
            raise LockOut("不能停用自己的账号")
        if user.role == Role.ADMIN.value and not _other_active_admins(user):
            raise LockOut("至少须保留一名启用的系统管理员")
    if user.active != active:
        user.active = active
        _audit(actor, "activate_user" if active else "deactivate_user", "user", user.id,
               {"username": user.username})
    db.session.commit()
    return user


def reset_password(actor: Actor, user_id: int, password: str) -> User:
    """A new password; the user's bearer tokens stop working, as they are bound to the password hash."""
    user = _user(user_id)
    user.set_password(_check_password(password))
    _audit(actor, "reset_password", "user", user.id, {"username": user.username})
    db.session.commit()
    return user


# --- units -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class UnitRow:
    unit: Unit
    open_cases: int
    users: int


def units() -> list[UnitRow]:
    """Departments and town offices with their open cases and their staff accounts (two grouped counts)."""
    open_cases = dict(db.session.execute(
        select(Case.unit_id, func.count()).where(Case.status.in_([s.value for s in OPEN_STATES]))
        .group_by(Case.unit_id)).all())
    staff = dict(db.session.execute(select(User.unit_id, func.count()).group_by(User.unit_id)).all())
    rows = db.session.scalars(select(Unit).options(selectinload(Unit.town)).order_by(Unit.kind, Unit.code))
    return [UnitRow(u, open_cases.get(u.id, 0), staff.get(u.id, 0)) for u in rows]


def rename_unit(actor: Actor, unit_id: int, name: str) -> Unit:
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise NotFound("承办单位不存在")
    name = (name or "").strip()
    if not name or len(name) > 60:
        raise InvalidInput("单位名称须为 1–60 个字符")
    if db.session.scalar(select(Unit.id).where(Unit.name == name, Unit.id != unit.id)) is not None:
        raise InvalidInput(f"已有同名单位：{name}")
    if name != unit.name:
        _audit(actor, "rename_unit", "unit", unit.id, {"before": unit.name, "after": name})
        unit.name = name
    db.session.commit()
    return unit


# --- time limits -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class LimitRow:
    minor: MinorCategory
    limits: TimeLimits     # what dispatch applies: the category's own values, else the defaults
    own: bool              # the category sets a limit of its own


def time_limits(major: str | None = None) -> list[LimitRow]:
    query = (select(MinorCategory).join(MajorCategory, MinorCategory.major_id == MajorCategory.id)
             .options(selectinload(MinorCategory.major), selectinload(MinorCategory.unit))
             .order_by(MinorCategory.code))
    if major:
        query = query.where(MajorCategory.code == major)
    return [LimitRow(m, TimeLimits.for_category(urgent=m.urgent, accept_minutes=m.accept_minutes,
                                                resolve_days=m.resolve_days, resolve_hours=m.resolve_hours),
                     any(v is not None for v in (m.accept_minutes, m.resolve_days, m.resolve_hours)))
            for m in db.session.scalars(query)]


# --- partner keys ----------------------------------------------------------------------------------

def partner_list() -> list[Partner]:
    return list(db.session.scalars(select(Partner).order_by(Partner.revoked_at.is_not(None), Partner.id.desc())))


def create_partner(actor: Actor, *, name: str, channel: str, webhook_url: str | None) -> tuple[Partner, str]:
    """A partner key pair; the secret is returned here once (the caller shows it, nothing keeps it)."""
    name, webhook_url = (name or "").strip(), (webhook_url or "").strip() or None
    if not name or len(name) > 100:
        raise InvalidInput("合作方名称须为 1–100 个字符")
    if channel not in partners.CHANNELS:
        raise InvalidInput(f"未知渠道：{channel}")
    if webhook_url and (not re.match(r"^https?://[^\s/]+", webhook_url) or len(webhook_url) > 500):
        raise InvalidInput("回调地址须以 http:// 或 https:// 开头，且不超过 500 个字符")
    partner, secret = partners.create_partner(name, channel, webhook_url)
    _audit(actor, "create_partner", "partner", partner.id, {"name": name, "channel": channel})
    db.session.commit()
    return partner, secret


def revoke_partner(actor: Actor, partner_id: int) -> Partner:
    partner = partners.revoke(partner_id)
    _audit(actor, "revoke_partner", "partner", partner.id, {"name": partner.name})
    db.session.commit()
    return partner
