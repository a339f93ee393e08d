"""The citizen's mobile pages (what the WeChat public account's menu opens): file a complaint, follow
it with the tracking code and the last 4 phone digits, and rate the outcome."""
from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from ..api.serializers import public_case_json
from ..domain.errors import DomainError
from ..domain.lifecycle import CITIZEN, STATUS_LABELS
from ..extensions import limiter
from ..services import cases as case_service
from ..services.queries import find_by_tracking_code
from . import bp

RATINGS = [("satisfied", "满意"), ("basically_satisfied", "基本满意"), ("dissatisfied", "不满意")]


class ReportForm(FlaskForm):
    description = TextAreaField("反映的问题", validators=[DataRequired("请描述问题"), Length(max=2000)])
    phone = StringField("手机号", validators=[DataRequired("请填写手机号"),
                                            Regexp(r"^1\d{10}$", message="请填写11位手机号")])
    name = StringField("称呼（选填）", validators=[Optional(), Length(max=40)])
    address = StringField("地址（选填）", validators=[Optional(), Length(max=200)])
    lat = HiddenField(validators=[DataRequired("请在地图上点选位置或使用当前位置")])
    lng = HiddenField(validators=[DataRequired("请在地图上点选位置或使用当前位置")])


class TrackForm(FlaskForm):
    code = StringField("查询码", validators=[DataRequired(), Length(max=20)])
    phone_last4 = StringField("手机号后四位", validators=[DataRequired(), Regexp(r"^\d{4}$", message="请输入4位数字")])


class RatingForm(FlaskForm):
    rating = RadioField("您对办理结果", choices=RATINGS, validators=[DataRequired("请选择评价")])
    comment = TextAreaField("意见（选填）", validators=[Optional(), Length(max=500)])


def _verified() -> list[str]:
    """Tracking codes this browser has proved it may see (code + phone digits), kept in the session."""
    return session.setdefault("verified_cases", [])


@bp.get("/m/")
def m_home():
    return render_template("m/home.html")


@bp.route("/m/report", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PUBLIC_FILING_LIMIT"], methods=["POST"])
def m_report():
    form = ReportForm()
    if form.validate_on_submit():
        try:
            case = case_service.file_case(
                description=form.description.data.strip(), lat=float(form.lat.data), lng=float(form.lng.data),
                address=form.address.data or None, reporter_name=form.name.data or None,
                reporter_phone=form.phone.data, channel="wechat", actor=CITIZEN,
                photos=[f.read() for f in request.files.getlist("photos") if f and f.filename])
        except (DomainError, ValueError) as exc:
            flash(getattr(exc, "message", "位置无效"), "error")
        else:
            _verified().append(case.tracking_code)
            session.modified = True
            return redirect(url_for("web.m_filed", code=case.tracking_code))
    return render_template("m/report.html", form=form), 422 if form.errors else 200


@bp.get("/m/filed/<code>")
def m_filed(code: str):
    if code not in _verified():
        abort(404)
    return render_template("m/filed.html", code=code)


@bp.route("/m/track", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PUBLIC_LOOKUP_LIMIT"], methods=["POST"])
def m_track():
    form = TrackForm()
    if form.validate_on_submit():
        code = form.code.data.strip().upper()
        try:
            find_by_tracking_code(code, form.phone_last4.data)
        except DomainError as exc:
            flash(exc.message, "error")  # the same answer for an unknown code and a wrong phone
        else:
            _verified().append(code)
            session.modified = True
            return redirect(url_for("web.m_case", code=code))
    return render_template("m/track.html", form=form)


@bp.route("/m/cases/<code>", methods=["GET", "POST"])
def m_case(code: str):
    if code not in _verified():
        return redirect(url_for("web.m_track"))
    case = find_by_tracking_code(code, None, verified=True)
    form = RatingForm()
    if form.validate_on_submit():
        try:
            case_service.perform(case.id, "rate", CITIZEN, rating=form.rating.data, comment=form.comment.data or None)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash("感谢您的评价！", "ok")
        return redirect(url_for("web.m_case", code=code))
    return render_template("m/case.html", case=public_case_json(case), photos=case.photos, form=form,
                           labels=STATUS_LABELS)

