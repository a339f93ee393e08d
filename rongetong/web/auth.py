"""Sign-in and sign-out (Flask-Login sessions); each role lands on its own page."""
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from ..domain.errors import DomainError
from ..extensions import limiter
from ..services import auth as auth_service
from . import bp
from .navigation import home_for


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("密码", validators=[DataRequired(), Length(max=200)])


def role_required(*roles: str):
    """Signed in (else to the login page) and of one of ``roles`` (else 403)."""
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGN_IN_LIMIT"], methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = auth_service.authenticate(form.username.data, form.password.data)
        except DomainError as exc:
            flash(exc.message, "error")
            return render_template("login.html", form=form), 401
        login_user(user)
        target = request.args.get("next", "")
        # Only a path on this site: never an open redirect.
        if not target.startswith("/") or target.startswith("//") or urlsplit(target).netloc:
            target = home_for(user)
        return redirect(target)
    return render_template("login.html", form=form), 400 if form.errors else 200


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    return redirect(url_for("web.login"))
