"""Duplicates and merging (并案): proposals for a case, and merging them into one primary (主件)."""
from flask import jsonify

from ..domain.lifecycle import STATUS_LABELS, Role
from ..domain.privacy import mask_text
from ..services import duplicates as duplicate_service
from ..services.queries import get_case
from . import bp
from .auth import current_actor, json_body, roles_required
from .schemas import MergeRequest
from .serializers import case_json, iso


@bp.get("/cases/<int:case_id>/duplicates")
@roles_required(Role.DISPATCHER, Role.LEADER, Role.SUPERVISOR, Role.ADMIN)
def case_duplicates(case_id: int):
    """Open cases close in place, category and time of filing, best first."""
    get_case(current_actor(), case_id)
    items = []
    for candidate in duplicate_service.candidates(case_id):
        case, proposal = candidate.case, candidate.proposal
        items.append({
            "id": case.id,
            "tracking_code": case.tracking_code,
            "description": mask_text(case.description),
            "distance_m": round(proposal.distance_m),
            "hours_apart": round(proposal.hours_apart, 1),
            "text_similarity": proposal.text_similarity,
            "score": proposal.score,
            "status": case.status,
            "status_label": STATUS_LABELS.get(case.status, case.status),
            "category": {"major": case.major.ref() if case.major else None,
                         "minor": case.minor.ref() if case.minor else None},
            "created_at": iso(case.created_at),
        })
    return jsonify({"items": items})


@bp.post("/cases/<int:case_id>/merge")
@roles_required(Role.DISPATCHER)
def merge_cases(case_id: int):
    """并案: merge the listed cases into this one; the answer is this (primary) case."""
    body = json_body(MergeRequest)
    actor = current_actor()
    get_case(actor, case_id)
    duplicate_service.merge(case_id, body.duplicates, actor, reason=body.reason, version=body.version)
    return jsonify(case_json(get_case(actor, case_id), viewer=actor))
