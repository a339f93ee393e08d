"""The citizen's endpoints (no login): file, look up by tracking code + phone, rate."""
from flask import current_app, jsonify, request

from ..domain.lifecycle import CITIZEN
from ..extensions import limiter
from ..services import cases as case_service
from ..services.queries import find_by_tracking_code
from . import bp
from .auth import json_body
from .errors import ApiError
from .schemas import PublicCaseCreate, RatingRequest
from .serializers import public_case_json


@bp.post("/public/cases")
@limiter.limit(lambda: current_app.config["PUBLIC_FILING_LIMIT"])
def public_create():
    body = json_body(PublicCaseCreate)
    case = case_service.file_case(description=body.description, lat=body.lat, lng=body.lng,
                                  address=body.address, reporter_name=body.name,
                                  reporter_phone=body.phone, channel="wechat", actor=CITIZEN)
    return jsonify({"tracking_code": case.tracking_code, "status": case.status}), 201


@bp.get("/public/cases/<tracking_code>")
@limiter.limit(lambda: current_app.config["PUBLIC_LOOKUP_LIMIT"])
def public_lookup(tracking_code: str):
    phone_last4 = request.args.get("phone_last4", "")
    if not (len(phone_last4) == 4 and phone_last4.isdigit()):
        raise ApiError(422, "请提供手机号后四位（phone_last4）", "validation_error")
    return jsonify(public_case_json(find_by_tracking_code(tracking_code, phone_last4)))


@bp.post("/public/cases/<tracking_code>/rating")
@limiter.limit(lambda: current_app.config["PUBLIC_LOOKUP_LIMIT"])
def public_rate(tracking_code: str):
    body = json_body(RatingRequest)
    case = find_by_tracking_code(tracking_code, body.phone_last4)
    case = case_service.perform(case.id, "rate", CITIZEN, rating=body.rating, comment=body.comment)
    return jsonify(public_case_json(case))
