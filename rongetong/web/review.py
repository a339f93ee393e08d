"""研判 workspaces: the first-level panel's (reviewers) and the second-level leadership group's queues, and
their topic meetings. Decisions (交办 with the work split among units, 升级, 不予受理, 办结) are taken on the
case page."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..domain.errors import DomainError
from ..domain.lifecycle import STATUS_LABELS
from ..services import review as review_service
from ..services.workflow import working_calendar
from . import bp
from .auth import role_required
from .cases import current_actor

# The level each role reviews at; an admin may look at both.
LEVELS = {"reviewer": (1,), "leader": (2,), "admin": (1, 2)}


def _level() -> int:
    levels = LEVELS[current_user.role]
    level = request.args.get("level", type=int) or levels[0]
    if level not in levels:
        abort(403)
    return level


class MeetingForm(FlaskForm):
    title = StringField("会议主题", validators=[DataRequired("请填写会议主题"), Length(max=200)])
    held_at = DateTimeLocalField("召开时间", format="%Y-%m-%dT%H:%M", validators=[DataRequired("请填写召开时间")])
    attendees = StringField("参会人员（用逗号或顿号分隔）",
                            validators=[DataRequired("请填写参会人员"), Length(max=2000)])
    case_codes = StringField("研判的诉求件（查询码，用逗号分隔）", validators=[Optional(), Length(max=4000)])
    minutes = TextAreaField("会议纪要", validators=[Optional(), Length(max=20000)])


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace("、", ",").replace("，", ",").split(",") if part.strip()]


@bp.get("/review")
@role_required("reviewer", "leader", "admin")
def review():
    level = _level()
    page = max(1, request.args.get("page", 1, type=int))
    items, total = review_service.queue(level, page=page, per_page=50)
    return render_template("staff/review.html", level=level, levels=LEVELS[current_user.role], cases=items,
                           total=total, labels=STATUS_LABELS)


@bp.route("/review/meetings", methods=["GET", "POST"])
@role_required("reviewer", "leader", "admin")
def meetings():
    level = _level()
    form = MeetingForm()
    if form.validate_on_submit():
        try:
            held_at = form.held_at.data.replace(tzinfo=working_calendar().tz)
            review_service.create_meeting(
                current_actor(), level=level, title=form.title.data.strip(), held_at=held_at,
                attendees=_split(form.attendees.data), minutes=form.minutes.data or None,
                case_ids=review_service.case_ids(_split(form.case_codes.data or "")))
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash("已记录研判会议", "ok")
            return redirect(url_for("web.meetings", level=level))
    items, _ = review_service.meetings(level)
    status = 422 if request.method == "POST" else 200  # a valid post has redirected
    return render_template("staff/meetings.html", form=form, level=level, meetings=items), status
