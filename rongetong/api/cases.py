from flask import abort, jsonify, request

from ..domain.lifecycle import Role
from ..services import cases as case_service
from ..services import privacy
from ..services.queries import CaseFilters, get_case, list_cases
from . import bp
from .auth import current_actor, json_body, roles_required
from .paging import bool_arg, page_args
from .schemas import ACTION_BODIES, CaseCreate
from .serializers import case_json, page_json

DEFAULT_CHANNEL = {Role.GRID_WORKER: "grid", Role.DISPATCHER: "hotline"}


@bp.post("/cases")
@roles_required(Role.GRID_WORKER, Role.DISPATCHER)
def create_case():
    """File a case (grid worker in the field, dispatcher from the hotline); routing follows."""
    body = json_body(CaseCreate)
    actor = current_actor()
    case = case_service.file_case(
        description=body.description, lat=body.lat, lng=body.lng, address=body.address,
        reporter_name=body.reporter_name, reporter_phone=body.reporter_phone,
        channel=body.channel or DEFAULT_CHANNEL[actor.role], actor=actor)
    return jsonify(case_json(get_case(actor, case.id), viewer=actor)), 201


@bp.get("/cases")
@roles_required()
def cases_index():
    """List the cases the caller may see, newest first, with filters and paging."""
    page, per_page = page_args()
    filters = CaseFilters(
        status=request.args.get("status") or None,
        department=request.args.get("department") or None,
        town=request.args.get("town") or None,
        channel=request.args.get("channel") or None,
        overdue=bool_arg("overdue"),
        page=page,
        per_page=per_page,
    )
    actor = current_actor()
    items, total = list_cases(actor, filters)
    return jsonify(page_json([case_json(c, viewer=actor, with_timeline=False) for c in items],
                             filters.page, filters.per_page, total))


@bp.get("/cases/<int:case_id>")
@roles_required()
def case_detail(case_id: int):
    actor = current_actor()
    return jsonify(case_json(get_case(actor, case_id), viewer=actor))


@bp.post("/cases/<int:case_id>/<action>")
@roles_required()
def case_action(case_id: int, action: str):
    """One lifecycle action: accept, return, resolve, extend, escalate, dispatch, decide, …"""
    model = ACTION_BODIES.get(action)
    if model is None:
        abort(404, description=f"未知操作：{action}")
    actor = current_actor()
    get_case(actor, case_id)  # 404 for a case the caller may not see
    params = json_body(model).model_dump(exclude_none=True)
    version = params.pop("version", None)
    # The answer is the case as the action left it, even if the caller no longer holds it (退单).
    case = case_service.perform(case_id, action, actor, version=version, **params)
    return jsonify(case_json(case, viewer=actor))



@bp.post("/cases/<int:case_id>/contact")
@roles_required()
def reveal_contact(case_id: int):
    """The reporter's full name and phone, for the roles that call citizens back; every read is audited."""
    return jsonify(privacy.reveal_contact(case_id, current_actor(), request.remote_addr))
