"""Staff case pages: the list every role searches (paged, sorted and filtered on the server) and the
case page — full timeline, photos, deadlines in working time, assignments, ratings — with the forms
for the actions the viewer's role may take."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..api.schemas import ACTION_BODIES
from ..domain import sla
from ..domain.errors import DomainError
from ..domain.lifecycle import ACTION_LABELS, CHANNEL_LABELS, STATUS_LABELS, Role, allowed_actions
from ..extensions import db
from ..models import MajorCategory, SupervisionRecord, Town, Unit
from ..models.types import utcnow
from ..services import duplicates as duplicate_service
from ..services.cases import actor_for, perform
from ..services.queries import CaseFilters, get_case, list_cases
from ..services.supervision import RECORD_ACTIONS
from ..services.workflow import working_calendar
from . import bp

SORT_LABELS = {"newest": "最新受理", "oldest": "最早受理", "due": "办结时限", "updated": "最近更新"}
RATING_LABELS = {"satisfied": "满意", "basically_satisfied": "基本满意", "dissatisfied": "不满意"}
# Which form fields may carry several values.
LIST_FIELDS = {"assisting", "duplicates"}


def current_actor():
    return actor_for(current_user)


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    value = request.args.get(name, type=int)
    return default if value is None else max(low, min(high, value))


def filters_from_args(**fixed) -> CaseFilters:
    """The list's filters from the query string; ``fixed`` ones (a workspace's tab) win."""
    args = {
        "status": request.args.get("status") or None,
        "department": request.args.get("unit") or None,
        "town": request.args.get("town") or None,
        "grid": request.args.get("grid") or None,
        "channel": request.args.get("channel") or None,
        "overdue": True if request.args.get("overdue") == "1" else None,
        "text": (request.args.get("q") or "").strip()[:100] or None,
        "sort": request.args.get("sort") if request.args.get("sort") in SORT_LABELS else "newest",
        "page": _int_arg("page", 1, 1, 100_000),
        "per_page": _int_arg("per_page", 20, 5, 100),
    }
    return CaseFilters(**(args | fixed))


def tabbed_list(tabs: dict) -> tuple[str, list, dict]:
    """A workspace's tabbed list — tab → (label, fixed filters, default order) — with the other filters,
    the order and the page from the query string: (tab, cases, paging)."""
    tab = request.args.get("tab") if request.args.get("tab") in tabs else next(iter(tabs))
    _, fixed, order = tabs[tab]
    filters = filters_from_args(**fixed, **({} if request.args.get("sort") else {"sort": order}))
    items, total = list_cases(current_actor(), filters)
    return tab, items, page_links(filters, total)


def page_links(filters: CaseFilters, total: int) -> dict:
    """Previous/next links keeping every other query argument."""
    last = max(1, -(-total // filters.per_page))

    def link(page: int) -> str:
        return url_for(request.endpoint, **(request.view_args or {}), **(request.args.to_dict() | {"page": page}))
    return {"page": filters.page, "last": last, "total": total,
            "prev": link(filters.page - 1) if filters.page > 1 else None,
            "next": link(filters.page + 1) if filters.page < last else None}


def time_left(due) -> dict | None:
    """A deadline with the working time left (negative once late), for the templates."""
    if due is None:
        return None
    calendar = working_calendar()
    minutes = calendar.working_minutes_between(utcnow(), due)
    return {"due": due, "minutes": minutes, "text": sla.describe_time_left(minutes, calendar.minutes_per_day)}


def list_context() -> dict:
    """Choices for the filter bar, shared by every list page."""
    return {
        "statuses": STATUS_LABELS, "channels": CHANNEL_LABELS, "sorts": SORT_LABELS,
        "towns": db.session.scalars(select(Town).order_by(Town.code)).all(),
        "units": db.session.scalars(select(Unit).order_by(Unit.kind, Unit.code)).all(),
    }


def deadlines(case) -> dict:
    """The deadlines still running, with the working time left on each."""
    running = {"签收时限": case.status == "dispatched", "退单时限": case.status in ("dispatched", "accepted"),
               "办结时限": case.status in ("dispatched", "accepted", "review_l1", "review_l2")}
    due = {"签收时限": case.accept_due, "退单时限": case.return_due, "办结时限": case.resolve_due}
    return {label: time_left(due[label]) for label, on in running.items() if on}


@bp.app_template_global()
def case_deadline(case) -> dict | None:
    """The deadline that matters now: signing for a dispatched case, resolving for one being handled."""
    if case.status == "dispatched":
        return time_left(case.accept_due)
    if case.status in ("accepted", "review_l1", "review_l2"):
        return time_left(case.resolve_due)
    return None


@bp.get("/cases")
@login_required
def cases():
    if current_user.role == Role.CITIZEN:
        abort(403)
    filters = filters_from_args()
    items, total = list_cases(current_actor(), filters)
    return render_template("staff/cases.html", cases=items, filters=filters, paging=page_links(filters, total),
                           labels=STATUS_LABELS, **list_context())


def offered_actions(case, actor) -> list[str]:
    """The forms worth showing: what the role may do in this state, narrowed to what applies to this case."""
    actions = {a.value for a in allowed_actions(case.status, actor.role)}
    if actor.role is Role.HANDLER:
        assisting = any(a.role == "assist" and a.status == "open" and a.unit_id == actor.unit_id
                        for a in case.assignments)
        # An assisting unit (协办) only reports its own part; the lead unit does the rest.
        actions = actions & {"assist_done"} if case.unit_id != actor.unit_id else actions - {"assist_done"}
        if not assisting:
            actions.discard("assist_done")
    if case.pending_extension_days:
        actions.discard("extend")
    else:
        actions -= {"approve_extension", "deny_extension"}
    return [a.value for a in allowed_actions(case.status, actor.role) if a.value in actions]


def _case_page(case_id: int, status: int = 200):
    actor = current_actor()
    case = get_case(actor, case_id)
    actions = offered_actions(case, actor)
    records = db.session.scalars(select(SupervisionRecord).where(SupervisionRecord.case_id == case.id)
                                 .options(selectinload(SupervisionRecord.actions))
                                 .order_by(SupervisionRecord.id)).all()
    context = {
        "case": case, "actions": actions, "labels": STATUS_LABELS, "action_labels": ACTION_LABELS,
        "channels": CHANNEL_LABELS, "ratings": RATING_LABELS, "records": records, "record_actions": RECORD_ACTIONS,
        "deadlines": deadlines(case),
        "units": [], "majors": [], "duplicates": [],
    }
    if "dispatch" in actions or "decide_assign" in actions:
        context["units"] = db.session.scalars(select(Unit).order_by(Unit.kind, Unit.code)).all()
        context["majors"] = db.session.scalars(select(MajorCategory).options(selectinload(MajorCategory.minors))
                                               .order_by(MajorCategory.code)).all()
    if actor.role is Role.DISPATCHER and case.merged_into_id is None:
        context["duplicates"] = duplicate_service.candidates(case.id)
    return render_template("staff/case.html", **context), status


@bp.get("/cases/<int:case_id>")
@login_required
def case_page(case_id: int):
    try:
        return _case_page(case_id)
    except DomainError as exc:
        abort(exc.status, description=exc.message)


def form_params(model) -> dict:
    """The posted form as the API's body for the same action, so both edges validate alike."""
    values = {}
    for name in model.model_fields:
        if name in LIST_FIELDS:
            chosen = [v for v in request.form.getlist(name) if v]
            if chosen:
                values[name] = chosen
        elif request.form.get(name, "").strip():
            values[name] = request.form[name].strip()
    return values


@bp.post("/cases/<int:case_id>/act/<action>")
@login_required
def case_action(case_id: int, action: str):
    """One lifecycle action from a case page form; the answer is the case page again."""
    model = ACTION_BODIES.get(action)
    if model is None:
        abort(404)
    actor = current_actor()
    try:
        get_case(actor, case_id)  # 404 for a case the viewer may not see
        params = model.model_validate(form_params(model)).model_dump(exclude_none=True)
        version = params.pop("version", None)
        if action == "resolve":
            params["photos"] = [f.read() for f in request.files.getlist("photos") if f and f.filename]
        perform(case_id, action, actor, version=version, **params)
    except ValidationError as exc:
        fields = sorted({str(e["loc"][0]) for e in exc.errors()})
        flash(f"请检查填写的内容：{'、'.join(FIELD_LABELS.get(f, f) for f in fields)}", "error")
        return _case_page(case_id, 422)
    except DomainError as exc:
        if exc.status == 404:
            abort(404, description=exc.message)
        flash(exc.message, "error")
        return _case_page(case_id, exc.status)
    flash(f"已{ACTION_LABELS.get(action, action)}", "ok")
    return redirect(url_for("web.case_page", case_id=case_id))


FIELD_LABELS = {"reason": "理由", "result": "办理结果", "working_days": "延期天数", "department": "承办单位",
                "decision": "研判结论", "category": "事项分类", "rating": "评价", "reached": "是否联系上"}
