"""Partner intake and the admin's partner keys."""
from flask import jsonify, request

from ..domain.lifecycle import Role
from ..services import partners
from . import bp
from .auth import json_body, roles_required
from .errors import ApiError
from .schemas import IntakeRequest, PartnerCreate
from .serializers import iso


@bp.post("/intake/<channel>")
def intake(channel: str):
    """A partner files a case: X-Api-Key, X-Timestamp, X-Signature (HMAC-SHA256 over "<timestamp>.<raw body>")
    and Idempotency-Key; the same key answers the same case with 200."""
    if channel not in partners.CHANNELS:
        raise ApiError(404, f"未知渠道：{channel}", "not_found")
    partner = partners.authenticate(channel, request.headers.get("X-Api-Key"), request.headers.get("X-Timestamp"),
                                    request.headers.get("X-Signature"), request.get_data())
    key = (request.headers.get("Idempotency-Key") or "").strip()
    if not key or len(key) > 200:
        raise ApiError(400, "需要 Idempotency-Key 请求头（1–200 个字符）", "bad_request")
    body = json_body(IntakeRequest)
    case, created = partners.intake(partner, key, description=body.description, lat=body.lat, lng=body.lng,
                                    address=body.address, reporter_phone=body.reporter_phone,
                                    external_ref=body.external_id)
    return jsonify({"id": case.id, "tracking_code": case.tracking_code, "status": case.status,
                    "external_id": case.external_ref}), 201 if created else 200


def _partner_json(partner) -> dict:
    return {"id": partner.id, "name": partner.name, "channel": partner.channel, "api_key": partner.api_key,
            "webhook_url": partner.webhook_url, "created_at": iso(partner.created_at),
            "revoked_at": iso(partner.revoked_at)}


@bp.post("/partners")
@roles_required(Role.ADMIN)
def create_partner():
    """Issue a key pair; the secret is in this answer only."""
    body = json_body(PartnerCreate)
    partner, secret = partners.create_partner(body.name, body.channel, body.webhook_url)
    return jsonify(_partner_json(partner) | {"secret": secret}), 201


@bp.delete("/partners/<int:partner_id>")
@roles_required(Role.ADMIN)
def revoke_partner(partner_id: int):
    return jsonify(_partner_json(partners.revoke(partner_id)))
