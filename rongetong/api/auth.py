"""Bearer-token authentication and role checks for the API.

The API reads only the Authorization header: a browser's session cookie never authenticates an API
call, so the CSRF protection of the web pages is not needed here.
"""
from __future__ import annotations

from functools import wraps

from flask import request

from ..domain.lifecycle import Actor, Role
from ..models import User
from ..services import auth as auth_service
from ..services.cases import actor_for
from .errors import ApiError


def bearer_user() -> User | None:
    """The user of the request's bearer token, read once per request (kept on the request itself)."""
    if not hasattr(request, "api_user"):
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        token = token.strip()
        request.api_user = auth_service.user_from_token(token) if scheme.lower() == "bearer" and token else None
    return request.api_user


def current_actor() -> Actor:
    return actor_for(bearer_user())


def roles_required(*roles: Role):
    """401 without a valid token; 403 when the user's role is not one of ``roles`` (all staff if none)."""
    allowed = {Role(r) for r in roles}

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            user = bearer_user()
            if user is None:
                raise ApiError(401, "需要登录：请在 Authorization 头中携带 Bearer 令牌", "unauthorized")
            if allowed and Role(user.role) not in allowed:
                raise ApiError(403, "当前角色无权执行此操作", "forbidden")
            return view(*args, **kwargs)
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


