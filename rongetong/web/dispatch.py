"""The dispatcher's workspace (指挥中心): the triage queue with the routing engine's explanation and
one-click dispatch, the engine's recent dispatches to correct (改派), extension requests, and merging
duplicates (并案)."""
from flask import flash, redirect, render_template, url_for
from pydantic import ValidationError

from ..api.schemas import MergeRequest
from ..domain.errors import DomainError
from ..domain.lifecycle import STATUS_LABELS
from ..services import duplicates as duplicate_service
from ..services.queries import list_cases
from . import bp
from .auth import role_required
from .cases import _case_page, current_actor, filters_from_args, form_params, list_context, page_links, tabbed_list

TRIAGE_TABS = {
    "triage": ("待分拨", {"status": "triage,submitted", "primary_only": True}, "oldest"),
    "routed": ("智能派遣（可改派）", {"status": "dispatched", "primary_only": True}, "newest"),
    "police": ("已推送公安", {"status": "police"}, "newest"),
}


@bp.get("/triage")
@role_required("dispatcher")
def triage():
    tab, items, paging = tabbed_list(TRIAGE_TABS)
    return render_template("staff/triage.html", tabs=TRIAGE_TABS, tab=tab, cases=items, paging=paging,
                           labels=STATUS_LABELS, **list_context())


@bp.get("/extensions")
@role_required("dispatcher")
def extensions():
    """Cases whose unit asked for more time (申请延期), oldest deadline first."""
    filters = filters_from_args(status="accepted", extension_pending=True, sort="due")
    items, total = list_cases(current_actor(), filters)
    return render_template("staff/cases.html", title="延期审批", cases=items, filters=filters,
                           paging=page_links(filters, total), labels=STATUS_LABELS, **list_context())


@bp.post("/cases/<int:case_id>/merge")
@role_required("dispatcher")
def merge_cases(case_id: int):
    """并案: the chosen duplicates join this case's handling."""
    try:
        body = MergeRequest.model_validate(form_params(MergeRequest))
        duplicate_service.merge(case_id, body.duplicates, current_actor(), reason=body.reason, version=body.version)
    except ValidationError:
        flash("请勾选要并案的诉求件并填写并案说明", "error")
        return _case_page(case_id, 422)
    except DomainError as exc:
        flash(exc.message, "error")
        return _case_page(case_id, exc.status)
    flash("已并案", "ok")
    return redirect(url_for("web.case_page", case_id=case_id))
