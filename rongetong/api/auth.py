"""Bearer-token authentication (through Flask-Login's request loader) and role checks."""
from __future__ import annotations

from functools import wraps

from flask import request
from flask_login import current_user

from ..domain.lifecycle import Actor, Role
from ..extensions import login_manager
from ..services import auth as auth_service
from ..services.cases import actor_for
from .errors import ApiError


@login_manager.request_loader
def _user_from_bearer(req):
    header = req.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return auth_service.user_from_token(token.strip())


def current_actor() -> Actor:
    return actor_for(current_user)


def roles_required(*roles: Role):
    """401 without a valid token; 403 when the user's role is not one of ``roles`` (all staff if none)."""
    allowed = {Role(r) for r in roles}

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                raise ApiError(401, "需要登录：请在 Authorization 头中携带 Bearer 令牌", "unauthorized")
            if allowed and Role(current_user.role) not in allowed:
                raise ApiError(403, "当前角色无权执行此操作", "forbidden")
            return view(*args, **kwargs)
        wrapped.roles = sorted(r.value for r in allowed)  # read by the OpenAPI document
        return wrapped
    return decorator


def json_body(model):
    """Parse and validate the JSON body (400 when it is not a JSON object, 422 when a field is wrong)."""
    data = request.get_json(silent=True)
    if data is None and request.content_length in (None, 0) and not request.data:
        data = {}
    if not isinstance(data, dict):
        raise ApiError(400, "请求体须为 JSON 对象", "bad_request")
    return model.model_validate(data)


