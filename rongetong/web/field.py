"""The grid worker's workspace (网格员), made for a phone: file what they find on their rounds — GPS or a
tap on the grid map, photos, the category suggested live by the routing engine — and follow their own
cases and their grid's."""
import pydantic
from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, Length, Optional, Regexp

from ..api.errors import error_response
from ..api.routing import preview_json
from ..api.schemas import PreviewRequest
from ..domain.errors import DomainError
from ..domain.lifecycle import STATUS_LABELS, Role
from ..services import cases as case_service
from ..services import routing as routing_service
from ..services.queries import list_cases
from . import bp
from .auth import role_required
from .cases import current_actor, filters_from_args, page_links

NEED_LOCATION = "请用定位或在网格地图上点选位置"


class FieldReportForm(FlaskForm):
    description = TextAreaField("发现的问题", validators=[DataRequired("请描述问题"), Length(max=2000)])
    lat = HiddenField(validators=[DataRequired(NEED_LOCATION)])
    lng = HiddenField(validators=[DataRequired(NEED_LOCATION)])
    address = StringField("地址或标志物（选填）", validators=[Optional(), Length(max=200)])
    reporter_name = StringField("群众称呼（代群众反映时填写）", validators=[Optional(), Length(max=40)])
    reporter_phone = StringField("群众手机号（选填）",
                                 validators=[Optional(), Regexp(r"^1\d{10}$", message="请填写11位手机号")])

    def validate_lat(self, field):
        self.point = _point(field.data, self.lng.data)


def _point(lat: str, lng: str) -> tuple[float, float]:
    try:
        point = float(lat), float(lng)
    except (TypeError, ValueError):
        raise ValidationError(NEED_LOCATION) from None
    if not (-90 <= point[0] <= 90 and -180 <= point[1] <= 180):
        raise ValidationError(NEED_LOCATION)
    return point


@bp.get("/field")
@role_required("grid_worker")
def field_home():
    """我上报的 and 本网格的 cases."""
    mine = request.args.get("tab") != "grid"
    if not mine and current_user.grid is None:
        abort(404)
    fixed = {"reporter_id": current_user.id} if mine else {"grid": current_user.grid.code}
    filters = filters_from_args(**fixed)
    items, total = list_cases(current_actor(), filters)
    return render_template("staff/field.html", cases=items, mine=mine, paging=page_links(filters, total),
                           labels=STATUS_LABELS)


@bp.route("/field/new", methods=["GET", "POST"])
@role_required("grid_worker")
def field_new():
    form = FieldReportForm()
    if form.validate_on_submit():
        try:
            case = case_service.file_case(
                description=form.description.data.strip(), lat=form.point[0], lng=form.point[1],
                address=form.address.data or None, reporter_name=form.reporter_name.data or None,
                reporter_phone=form.reporter_phone.data or None, channel="grid", actor=current_actor(),
                photos=[f.read() for f in request.files.getlist("photos") if f and f.filename])
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(f"已上报，查询码 {case.tracking_code}，正在智能派遣", "ok")
            return redirect(url_for("web.case_page", case_id=case.id))
    return render_template("staff/field_new.html", form=form), 422 if form.errors else 200


@bp.post("/field/preview")
@login_required
def field_preview():
    """The dispatch preview for signed-in staff pages (the API's own needs a bearer token)."""
    if current_user.role == Role.CITIZEN:
        abort(403)
    try:
        body = PreviewRequest.model_validate(request.get_json(silent=True) or {})
    except pydantic.ValidationError:
        return error_response(422, "validation_error", "请求参数不合法")
    return jsonify(preview_json(routing_service.preview(body.description, body.lat, body.lng)))
