"""督办 endpoints: the overdue list, supervision records and their actions, the closure rate."""
from flask import abort, jsonify, request

from ..domain.lifecycle import Role
from ..services import supervision as supervision_service
from ..services.workflow import unit_by_code
from . import bp
from .auth import current_actor, json_body, roles_required
from .errors import ApiError
from .paging import choice_arg, page_args
from .schemas import SupervisionNote
from .serializers import case_json, iso, page_json

WATCHERS = (Role.SUPERVISOR, Role.LEADER, Role.DISPATCHER, Role.ADMIN)


def _unit_filter() -> int | None:
    """A handler sees its own unit; others may filter with ``?unit=<code>``."""
    actor = current_actor()
    if actor.role is Role.HANDLER:
        return actor.unit_id
    code = request.args.get("unit")
    if not code:
        return None
    unit = unit_by_code(code)
    if unit is None:
        raise ApiError(422, f"未知单位：{code}", "validation_error")
    return unit.id


def record_json(record) -> dict:
    return {
        "id": record.id, "status": record.status, "deadline_kind": record.deadline_kind,
        "deadline_at": iso(record.deadline_at), "opened_at": iso(record.opened_at), "closed_at": iso(record.closed_at),
        "explanation_due": record.explanation_due,
        "unit": record.unit.ref() if record.unit else None,
        "case": {"id": record.case.id, "tracking_code": record.case.tracking_code, "status": record.case.status},
        "actions": [{"kind": a.kind, "note": a.note, "actor": a.actor_name, "at": iso(a.at)} for a in record.actions],
    }


@bp.get("/supervision/overdue")
@roles_required(*WATCHERS)
def overdue_list():
    """Open overdue cases, the most late first, with the passed deadline and lateness in working hours."""
    page, per_page = page_args(50)
    items, total = supervision_service.overdue_cases(page=page, per_page=per_page, unit_id=_unit_filter())
    actor = current_actor()
    return jsonify(page_json([
        case_json(o.case, viewer=actor, with_timeline=False) | {
            "deadline_kind": o.deadline_kind, "deadline": iso(o.deadline), "late_working_hours": o.late_working_hours}
        for o in items], page, per_page, total))


@bp.get("/supervision/records")
@roles_required(*WATCHERS, Role.HANDLER)
def records_list():
    status = choice_arg("status", ("open", "closed"))
    page, per_page = page_args(50)
    items, total = supervision_service.records(status=status, unit_id=_unit_filter(), page=page, per_page=per_page)
    return jsonify(page_json([record_json(r) for r in items], page, per_page, total))


@bp.get("/supervision/stats")
@roles_required(*WATCHERS, Role.HANDLER)
def supervision_stats():
    """督办办结率 overall, or for one unit."""
    return jsonify(supervision_service.closure_stats(_unit_filter()))


@bp.post("/supervision/records/<int:record_id>/<kind>")
@roles_required(Role.SUPERVISOR, Role.HANDLER)
def record_action(record_id: int, kind: str):
    """催办 (remind), 要求说明 (demand_explanation), 情况说明 (explanation, by the unit), 销号 (close)."""
    if kind not in supervision_service.RECORD_ACTIONS:
        abort(404, description=f"未知操作：{kind}")
    body = json_body(SupervisionNote)
    record = supervision_service.act_on_record(record_id, kind, current_actor(), body.note)
    return jsonify(record_json(record))
