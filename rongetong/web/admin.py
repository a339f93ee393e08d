"""系统管理: the admin's pages — the keyword library (each save a new version, any version restorable),
users and roles, units, grid import, time limits and partner keys."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select
from wtforms import BooleanField, IntegerField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional

from ..domain.errors import DomainError
from ..domain.lifecycle import Role
from ..extensions import db
from ..models import Grid, MajorCategory, Unit, User
from ..services import admin as admin_service
from ..services import grid_import, partners, taxonomy
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


# --- 系统管理: the landing page, users, units, grids, time limits and partner keys -----------------------

class UserForm(FlaskForm):
    # Choices are checked by the admin service, which answers in Chinese; WTForms' own check is off.
    username = StringField("用户名", validators=[Length(max=80)])
    display_name = StringField("姓名（显示名）", validators=[Length(max=80)])
    role = SelectField("角色", validate_choice=False)
    unit = SelectField("所属承办单位（承办人必填）", validate_choice=False)
    grid = SelectField("负责网格（网格员必填）", validate_choice=False)
    password = PasswordField("初始密码（至少 8 位）", validators=[Length(max=200)])


class PasswordForm(FlaskForm):
    password = PasswordField("新密码（至少 8 位）", validators=[Length(max=200)])


class UnitForm(FlaskForm):
    name = StringField("单位名称", validators=[Length(max=60)])


class GridImportForm(FlaskForm):
    file = FileField("GeoJSON 文件（FeatureCollection，每个要素含 code、name、town_code）")
    replace = BooleanField("同时删除文件中没有的网格（仍有诉求或网格员引用的不会删除）")
    dry_run = BooleanField("仅校验，不写入")


class PartnerForm(FlaskForm):
    name = StringField("合作方名称", validators=[Length(max=100)])
    channel = SelectField("渠道", validate_choice=False,
                          choices=[SelectChoice(c, partners.CHANNEL_NAMES[c]) for c in partners.CHANNELS])
    webhook_url = StringField("状态回调地址（可选）", validators=[Length(max=500)])


class ConfirmForm(FlaskForm):
    """A button's form: only the CSRF token."""


def _user_choices(form: UserForm) -> None:
    form.role.choices = [SelectChoice(role.value, name) for role, name in admin_service.ROLE_NAMES.items()]
    form.unit.choices = [SelectChoice("", "—")] + [SelectChoice(*c) for c in admin_service.unit_choices()]
    form.grid.choices = [SelectChoice("", "—")] + [SelectChoice(code, label, optgroup=town)
                                                  for town, grids in admin_service.grid_choices().items()
                                                  for code, label in grids]


def _refused(exc: DomainError, template: str, **context):
    """Re-show the form with the service's message; the status says what kind of refusal it was."""
    flash(exc.message, "error")
    return render_template(template, **context), exc.status


@bp.get("/admin")
@role_required("admin")
def admin_home():
    return render_template("admin/home.html", counts=admin_service.overview())


@bp.route("/admin/users", methods=["GET", "POST"])
@role_required("admin")
def admin_users():
    role = request.args.get("role") or None
    form = UserForm()
    _user_choices(form)
    if form.validate_on_submit():
        try:
            user = admin_service.create_user(
                actor_for(current_user), username=form.username.data, display_name=form.display_name.data,
                role=form.role.data, password=form.password.data, unit_code=form.unit.data or None,
                grid_code=form.grid.data or None)
        except DomainError as exc:
            return _refused(exc, "admin/users.html", **_users_context(form, role))
        flash(f"已创建用户 {user.username}（{admin_service.ROLE_NAMES[Role(user.role)]}）", "ok")
        return redirect(url_for("web.admin_users"))
    return render_template("admin/users.html", **_users_context(form, role)), 400 if form.errors else 200


def _users_context(form: UserForm, role: str | None) -> dict:
    users = admin_service.users(role)
    return {"form": form, "role": role, "users": users, "role_names": admin_service.ROLE_NAMES,
            "grids": admin_service.grid_names({u.grid_id for u in users if u.grid_id}), "confirm": ConfirmForm()}


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@role_required("admin")
def admin_user_edit(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserForm()
    _user_choices(form)
    if request.method == "GET":
        grid = db.session.get(Grid, user.grid_id) if user.grid_id else None
        form.display_name.data, form.role.data = user.display_name, user.role
        form.unit.data, form.grid.data = (user.unit.code if user.unit else ""), (grid.code if grid else "")
    elif form.validate_on_submit():
        try:
            admin_service.update_user(actor_for(current_user), user_id, role=form.role.data,
                                      display_name=form.display_name.data, unit_code=form.unit.data or None,
                                      grid_code=form.grid.data or None)
        except DomainError as exc:
            return _refused(exc, "admin/user_edit.html", user=user, form=form, password=PasswordForm(),
                            confirm=ConfirmForm())
        flash(f"已保存 {user.username} 的角色和单位", "ok")
        return redirect(url_for("web.admin_users"))
    return render_template("admin/user_edit.html", user=user, form=form, password=PasswordForm(),
                           confirm=ConfirmForm())


@bp.post("/admin/users/<int:user_id>/password")
@role_required("admin")
def admin_user_password(user_id: int):
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            user = admin_service.reset_password(actor_for(current_user), user_id, form.password.data)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(f"已重置 {user.username} 的密码", "ok")
    return redirect(url_for("web.admin_user_edit", user_id=user_id))


@bp.post("/admin/users/<int:user_id>/<any(activate, deactivate):change>")
@role_required("admin")
def admin_user_active(user_id: int, change: str):
    if ConfirmForm().validate_on_submit():
        try:
            user = admin_service.set_active(actor_for(current_user), user_id, change == "activate")
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(f"已{'启用' if user.active else '停用'}用户 {user.username}", "ok")
    return redirect(url_for("web.admin_users"))


@bp.get("/admin/units")
@role_required("admin")
def admin_units():
    return render_template("admin/units.html", rows=admin_service.units(), kinds=admin_service.UNIT_KINDS,
                           form=UnitForm())


@bp.post("/admin/units/<int:unit_id>")
@role_required("admin")
def admin_unit_rename(unit_id: int):
    form = UnitForm()
    if form.validate_on_submit():
        try:
            unit = admin_service.rename_unit(actor_for(current_user), unit_id, form.name.data)
        except DomainError as exc:
            return _refused(exc, "admin/units.html", rows=admin_service.units(), kinds=admin_service.UNIT_KINDS,
                            form=UnitForm(formdata=None))
        flash(f"已保存单位名称：{unit.name}", "ok")
    return redirect(url_for("web.admin_units"))


@bp.route("/admin/grids", methods=["GET", "POST"])
@role_required("admin")
def admin_grids():
    form, report, status = GridImportForm(), None, 200
    if form.validate_on_submit():
        upload = form.file.data
        if not upload or not upload.filename:
            flash("请选择要导入的 GeoJSON 文件", "error")
            status = 422
        else:
            report = grid_import.import_grids(upload.read(), replace=form.replace.data, dry_run=form.dry_run.data)
            status = 200 if report.ok else 422
            if report.ok:
                flash("校验通过（仅校验，未写入）" if report.dry_run else "网格已导入", "ok")
            else:
                flash(f"文件有 {len(report.problems)} 处问题，未导入任何网格", "error")
    return render_template("admin/grids.html", form=form, report=report, towns=admin_service.towns()), status


@bp.get("/admin/limits")
@role_required("admin")
def admin_limits():
    major = request.args.get("major") or None
    majors = db.session.scalars(select(MajorCategory).order_by(MajorCategory.code)).all()
    return render_template("admin/limits.html", rows=admin_service.time_limits(major), majors=majors, major=major)


@bp.route("/admin/partners", methods=["GET", "POST"])
@role_required("admin")
def admin_partners():
    form, issued, status = PartnerForm(), None, 200
    if form.validate_on_submit():
        try:
            issued = admin_service.create_partner(actor_for(current_user), name=form.name.data,
                                                  channel=form.channel.data, webhook_url=form.webhook_url.data)
        except DomainError as exc:
            flash(exc.message, "error")
            status = exc.status
        else:
            status = 201
            form = PartnerForm(formdata=None)
    page = render_template("admin/partners.html", form=form, issued=issued, partners=admin_service.partner_list(),
                           channel_names=partners.CHANNEL_NAMES, confirm=ConfirmForm())
    # The secret is on this page only: no copy in a cache or the browser's back history.
    return page, status, {"Cache-Control": "no-store"}


@bp.post("/admin/partners/<int:partner_id>/revoke")
@role_required("admin")
def admin_partner_revoke(partner_id: int):
    if ConfirmForm().validate_on_submit():
        try:
            partner = admin_service.revoke_partner(actor_for(current_user), partner_id)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(f"已吊销 {partner.name} 的密钥", "ok")
    return redirect(url_for("web.admin_partners"))
