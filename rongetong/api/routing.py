"""智能派遣 endpoints: preview, measured accuracy, the police platform's callback, and the keyword
library's maintenance (versioned, with rollback)."""
from flask import jsonify, request
from pydantic import BaseModel

from ..domain.lifecycle import Role
from ..services import learning, police, taxonomy
from ..services import routing as routing_service
from . import bp
from .auth import current_actor, json_body, roles_required
from .schemas import MinorEdit, PoliceCallback, PreviewRequest, Rollback
from .serializers import iso


def _ref(code, name):
    return {"code": code, "name": name}


@bp.post("/dispatch/preview")
@roles_required()
def dispatch_preview():
    """What routing would decide for a text and a point — nothing is written."""
    body = json_body(PreviewRequest)
    return jsonify(preview_json(routing_service.preview(body.description, body.lat, body.lng)))


def preview_json(d) -> dict:
    """A routing decision as the preview answers it (the staff pages' live suggestion shows the same)."""
    grid, rule = d.grid, d.category
    return {
        "outcome": d.outcome.value,
        "town": _ref(grid.town_code, routing_service.town_name(grid.town_code)) if grid else None,
        "grid": _ref(grid.code, grid.name) if grid else None,
        "category": {"major": _ref(rule.major_code, rule.major_name),
                     "minor": _ref(rule.minor_code, rule.minor_name)} if rule else None,
        "department": _ref(d.unit_code, routing_service.unit_name(d.unit_code)) if d.unit_code else None,
        "police": bool(rule and rule.police),
        "confidence": d.confidence,
        "matched_keywords": d.matched_keywords,
        "explanation": d.reason,
        "alternatives": [{"major": _ref(a.rule.major_code, a.rule.major_name),
                          "minor": _ref(a.rule.minor_code, a.rule.minor_name),
                          "score": a.score, "matched_keywords": list(a.matched)} for a in d.alternatives],
    }


@bp.get("/stats/routing")
@roles_required(Role.DISPATCHER, Role.LEADER, Role.SUPERVISOR, Role.ADMIN)
def routing_stats():
    """Measured routing accuracy overall and per major category, the return rate, top confusions."""
    return jsonify(learning.routing_stats())


@bp.post("/police/callback")
def police_callback():
    """The police command platform closes a case or hands it back (signed: X-Timestamp, X-Signature)."""
    police.verify(request.headers.get("X-Timestamp"), request.headers.get("X-Signature"), request.get_data())
    body = json_body(PoliceCallback)
    case = police.callback(body.tracking_code, body.result, body.note)
    return jsonify({"tracking_code": case.tracking_code, "status": case.status})


def _minor_json(minor, with_history: bool = False) -> dict:
    body = {"code": minor.code, "name": minor.name, "major": minor.major.ref(), **taxonomy.snapshot(minor)}
    if with_history:
        body["versions"] = [{"version": c.version, "at": iso(c.created_at), "actor": c.actor_name, "note": c.note,
                             "before": c.before, "after": c.after} for c in taxonomy.history(minor.code)]
    return body


@bp.get("/taxonomy/minors")
@roles_required()
def list_minors():
    """The minor categories with their keyword library entries (filter: major)."""
    major = request.args.get("major")
    return jsonify({"items": [_minor_json(m) for m in taxonomy.minors(major)]})


@bp.get("/taxonomy/minors/<code>")
@roles_required()
def show_minor(code: str):
    return jsonify(_minor_json(taxonomy.minor_by_code(code), with_history=True))


@bp.patch("/taxonomy/minors/<code>")
@roles_required(Role.ADMIN)
def edit_minor(code: str):
    """Edit keywords, synonyms, negative words, unit, urgency or time limits; recorded as a new version."""
    body: BaseModel = json_body(MinorEdit)
    taxonomy.edit_minor(code, body.model_dump(exclude_unset=True, exclude={"note"}), current_actor(), body.note)
    routing_service.invalidate_router()
    return jsonify(_minor_json(taxonomy.minor_by_code(code), with_history=True))


@bp.post("/taxonomy/minors/<code>/rollback")
@roles_required(Role.ADMIN)
def rollback_minor(code: str):
    body = json_body(Rollback)
    taxonomy.rollback_minor(code, body.version, current_actor())
    routing_service.invalidate_router()
    return jsonify(_minor_json(taxonomy.minor_by_code(code), with_history=True))
