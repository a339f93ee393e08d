"""Staff sign-in: password check and signed bearer tokens for API clients."""
from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from ..domain.errors import DomainError
from ..extensions import db
from ..models import User


class InvalidCredentials(DomainError):
    status = 401
    code = "invalid_credentials"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="rongetong.api-token")


def authenticate(username: str, password: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or not user.active or not user.check_password(password):
        raise InvalidCredentials("用户名或密码错误")
    return user


def issue_token(user: User) -> str:
    # The password hash's tail is signed in: changing the password revokes old tokens.
    return _serializer().dumps({"uid": user.id, "pw": user.password_hash[-10:]})


def user_from_token(token: str) -> User | None:
    try:
        claims = _serializer().loads(token, max_age=current_app.config["TOKEN_MAX_AGE_SECONDS"])
    except BadSignature:
        return None
    user = db.session.get(User, claims.get("uid"))
    if user is None or not user.active or user.password_hash[-10:] != claims.get("pw"):
        return None
    return user
