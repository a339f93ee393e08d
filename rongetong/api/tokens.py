from flask import current_app, jsonify

from ..extensions import limiter
from ..services import auth as auth_service
from . import bp
from .auth import json_body
from .schemas import TokenRequest


@bp.post("/auth/token")
@limiter.limit(lambda: current_app.config["SIGN_IN_LIMIT"])
def issue_token():
    """Exchange a staff username and password for a bearer token."""
    body = json_body(TokenRequest)
    user = auth_service.authenticate(body.username, body.password)
    return jsonify({"token": auth_service.issue_token(user), "role": user.role,
                    "unit": user.unit.ref() if user.unit else None})
