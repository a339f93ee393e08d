"""Case JSON for staff and for citizens; personal data masked (DESIGN §8)."""
from __future__ import annotations

from datetime import datetime

from ..domain.duplicates import CHILD_ACTIONS
from ..domain.lifecycle import STATUS_LABELS, Actor, allowed_actions
from ..domain.privacy import mask_name, mask_phone, mask_text
from ..models import Case
from ..models.types import utcnow
from ..services.workflow import working_calendar


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in the district's time zone (e.g. 2026-11-25T09:30:00+08:00)."""
    return moment.astimezone(working_calendar().tz).isoformat(timespec="seconds") if moment else None


def _ref(obj) -> dict | None:
    return obj.ref() if obj is not None else None


def timeline_json(case: Case, *, public: bool = False) -> list[dict]:
    return [{
        "at": iso(e.at),
        "actor": e.actor_name if not public or e.actor_role in ("system", "citizen") else _public_actor(e),
        "action": e.action,
        "from_status": e.from_status,
        "to_status": e.to_status,
        "note": PUBLIC_NOTES.get(e.action, mask_text(e.note)) if public else mask_text(e.note),
    } for e in case.timeline]


# Citizens read what happened, not the routing engine's or the command centre's internal reasoning.
PUBLIC_NOTES = {"route": "已派遣至承办单位", "route_triage": "指挥中心正在分拨", "route_police": "已转公安机关处置",
                "dispatch": "已派遣至承办单位", "escalate": "已提交研判", "return": "承办单位退回，指挥中心重新分拨",
                "merge": "与反映同一问题的诉求合并办理（并案），办理进度与结果同步"}


def _public_actor(entry) -> str:
    # Citizens see the unit's work, not the names of individual civil servants.
    return {"handler": "承办单位", "dispatcher": "指挥中心", "reviewer": "研判专家组",
            "leader": "领导小组", "officer": "回访员"}.get(entry.actor_role, "工作人员")


def handling_case(case: Case) -> Case:
    """The case whose unit and deadlines apply: a merged case (并案) shares its primary's handling."""
    return case.merged_into or case


def case_json(case: Case, *, viewer: Actor | None = None, with_timeline: bool = True) -> dict:
    now = utcnow()
    rating = case.latest_rating
    handling = handling_case(case)
    body = {
        "id": case.id,
        "tracking_code": case.tracking_code,
        "status": case.status,
        "status_label": STATUS_LABELS.get(case.status, case.status),
        "description": mask_text(case.description),  # numbers a citizen typed: see POST …/contact
        "channel": case.channel,
        "location": {"lat": case.lat, "lng": case.lng, "address": case.address},
        "town": _ref(case.town),
        "grid": _ref(case.grid),
        "category": {"major": _ref(case.major), "minor": _ref(case.minor)} if case.major else None,
        "department": _ref(handling.unit),
        "police": case.police,
        "urgent": case.urgent,
        "reporter": {"name": mask_name(case.reporter_name), "phone": mask_phone(case.reporter_phone)},
        "deadlines": {"accept_due": iso(handling.accept_due), "resolve_due": iso(handling.resolve_due),
                      "return_due": iso(handling.return_due)},
        "overdue": case.is_overdue(now),
        "rework": case.rework,
        "result": case.result,
        "rating": rating.rating if rating else None,
        "routing": case.routing,
        "version": case.version,
        "created_at": iso(case.created_at),
        "updated_at": iso(case.updated_at),
        "merged_into": ({"id": case.merged_into.id, "tracking_code": case.merged_into.tracking_code}
                        if case.merged_into else None),
    }
    if case.pending_extension_days:
        body["pending_extension_days"] = case.pending_extension_days
    if viewer is not None:
        actions = allowed_actions(case.status, viewer.role)
        # A merged case is handled on its primary; only its reporter's rating applies to it.
        body["actions"] = [a.value for a in actions if case.merged_into is None or a in CHILD_ACTIONS]
    if with_timeline:
        body["merged"] = [{"id": c.id, "tracking_code": c.tracking_code, "status": c.status,
                           "status_label": STATUS_LABELS.get(c.status, c.status),
                           "rating": c.latest_rating.rating if c.latest_rating else None} for c in case.merged]
        body["timeline"] = timeline_json(case)
        body["assignments"] = [{"unit": a.unit.ref(), "role": a.role, "status": a.status,
                                "due_at": iso(a.due_at)} for a in case.assignments]
    return body


def public_case_json(case: Case) -> dict:
    """What a citizen sees of a case: progress, unit and result, personal data masked."""
    rating = case.latest_rating
    return {
        "tracking_code": case.tracking_code,
        "status": case.status,
        "status_label": STATUS_LABELS.get(case.status, case.status),
        "description": mask_text(case.description),
        "department": _ref(handling_case(case).unit),
        "town": _ref(case.town),
        "category": {"major": _ref(case.major), "minor": _ref(case.minor)} if case.major else None,
        "reporter": {"name": mask_name(case.reporter_name), "phone": mask_phone(case.reporter_phone)},
        "result": mask_text(case.result),
        "rating": rating.rating if rating else None,
        "can_rate": case.status == "resolved",
        "merged": case.merged_into is not None,  # 并案: handled together with reports of the same problem
        "created_at": iso(case.created_at),
        "resolved_at": iso(case.resolved_at),
        "timeline": timeline_json(case, public=True),
    }


def page_json(items: list[dict], page: int, per_page: int, total: int) -> dict:
    return {"items": items, "page": page, "per_page": per_page, "total": total}


