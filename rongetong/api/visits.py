from flask import jsonify

from ..domain.lifecycle import Role
from ..services import visits
from . import bp
from .auth import current_actor, roles_required
from .paging import int_arg
from .serializers import case_json


@bp.get("/return-visits")
@roles_required(Role.OFFICER, Role.ADMIN)
def return_visit_worklist():
    """回访 work list: resolved-but-unrated cases, and a random sample of recently closed ones.

    Record a call with ``POST /cases/<id>/return_visit {reached, rating?, comment?}``."""
    unrated, total, sample = visits.worklist(sample_size=int_arg("sample", 20, 0, 200),
                                             per_page=int_arg("per_page", 50, 1, 200))
    actor = current_actor()
    return jsonify({"unrated": {"items": [case_json(c, viewer=actor, with_timeline=False) for c in unrated],
                                "total": total},
                    "sample": {"items": [case_json(c, viewer=actor, with_timeline=False) for c in sample]}})
