"""关键词库维护: the admin's pages for the keyword library, each save a new version, any version restorable."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from ..domain.errors import DomainError
from ..extensions import db
from ..models import MajorCategory, Unit
from ..services import taxonomy
from ..services.cases import actor_for
from ..services.routing import invalidate_router
from . import bp
from .auth import role_required


class MinorForm(FlaskForm):
    keywords = TextAreaField("关键词（每行一个）", validators=[Length(max=2000)])
    synonyms = TextAreaField("近义说法（每行一个）", validators=[Length(max=2000)])
    negative = TextAreaField("排除词（每行一个）", validators=[Length(max=1000)])
    unit = SelectField("承办单位")
    urgent = BooleanField("紧急事项")
    accept_minutes = IntegerField("签收时限（工作分钟）", validators=[Optional(), NumberRange(10, 3150)])
    resolve_days = IntegerField("办结时限（工作日）", validators=[Optional(), NumberRange(1, 60)])
    note = StringField("修改说明", validators=[Length(max=200)])


class RollbackForm(FlaskForm):
    pass


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@bp.get("/admin/keywords")
@role_required("admin")
def keywords():
    major = request.args.get("major") or None
    majors = db.session.scalars(select(MajorCategory).order_by(MajorCategory.code)).all()
    return render_template("admin/keywords.html", majors=majors, major=major, minors=taxonomy.minors(major))


@bp.route("/admin/keywords/<code>", methods=["GET", "POST"])
@role_required("admin")
def keyword_edit(code: str):
    minor = taxonomy.minor_by_code(code)
    form = MinorForm()
    units = db.session.scalars(select(Unit).where(Unit.kind == "department").order_by(Unit.code)).all()
    form.unit.choices = [("town", "属地镇街（网格所在镇街）")] + [(u.code, u.name) for u in units]
    if request.method == "GET":
        current = taxonomy.snapshot(minor)
        for name in ("keywords", "synonyms", "negative"):
            getattr(form, name).data = "\n".join(current[name])
        form.unit.data, form.urgent.data = current["unit"], current["urgent"]
        form.accept_minutes.data, form.resolve_days.data = current["accept_minutes"], current["resolve_days"]
    elif form.validate_on_submit():
        changes = {"keywords": _lines(form.keywords.data), "synonyms": _lines(form.synonyms.data),
                   "negative": _lines(form.negative.data), "unit": form.unit.data, "urgent": form.urgent.data,
                   "accept_minutes": form.accept_minutes.data, "resolve_days": form.resolve_days.data}
        try:
            change = taxonomy.edit_minor(code, changes, actor_for(current_user), form.note.data or None)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            invalidate_router()
            flash(f"已保存为第 {change.version} 版", "ok")
            return redirect(url_for("web.keyword_edit", code=code))
    return render_template("admin/keyword_edit.html", minor=minor, form=form, rollback=RollbackForm(),
                           versions=list(reversed(taxonomy.history(code))))


@bp.post("/admin/keywords/<code>/rollback/<int:version>")
@role_required("admin")
def keyword_rollback(code: str, version: int):
    if RollbackForm().validate_on_submit():
        try:
            change = taxonomy.rollback_minor(code, version, actor_for(current_user))
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            invalidate_router()
            flash(f"已回滚到第 {version} 版（保存为第 {change.version} 版）", "ok")
    return redirect(url_for("web.keyword_edit", code=code))
