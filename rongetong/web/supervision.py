"""The supervisors' workspace (督办): open cases past a deadline, the most late first or by unit, and the
supervision records with their actions (催办, 要求说明, 情况说明, 销号). A handler sees its own unit's."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..domain.errors import DomainError
from ..domain.lifecycle import STATUS_LABELS
from ..services import supervision as supervision_service
from ..services.workflow import unit_by_code
from . import bp
from .auth import role_required
from .cases import current_actor


@bp.get("/supervision")
@role_required("supervisor", "leader", "handler", "admin")
def supervision():
    return _supervision_page()


def _supervision_page(status: int = 200):
    if current_user.role == "handler":
        unit = current_user.unit
    else:
        unit = unit_by_code(request.args.get("unit", "")) if request.args.get("unit") else None
    page = max(1, request.args.get("page", 1, type=int))
    overdue, total = supervision_service.overdue_cases(page=page, per_page=50, unit_id=unit.id if unit else None)
    records, _ = supervision_service.records(status="open", unit_id=unit.id if unit else None, per_page=100)
    return render_template(
        "staff/supervision.html", overdue=overdue, total=total, page=page, unit=unit, records=records,
        by_unit=supervision_service.overdue_by_unit() if current_user.role != "handler" else [],
        closure=supervision_service.closure_stats(unit.id if unit else None), labels=STATUS_LABELS,
        record_actions=supervision_service.RECORD_ACTIONS), status


@bp.post("/supervision/records/<int:record_id>/<kind>")
@role_required("supervisor", "handler")
def supervision_act(record_id: int, kind: str):
    if kind not in supervision_service.RECORD_ACTIONS:
        abort(404)
    note = (request.form.get("note") or "").strip()[:1000] or None
    try:
        record = supervision_service.act_on_record(record_id, kind, current_actor(), note)
    except DomainError as exc:
        flash(exc.message, "error")
        return _supervision_page(exc.status)
    flash(f"已{supervision_service.RECORD_ACTIONS[kind][1]}", "ok")
    return redirect(url_for("web.case_page", case_id=record.case_id))
