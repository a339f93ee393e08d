"""The return-visit officer's work list (回访): resolved cases nobody has rated, oldest first, and a random
sample of recently closed ones to check; the call is recorded on the case page."""
from flask import render_template

from ..domain.lifecycle import STATUS_LABELS
from ..services import visits as visit_service
from . import bp
from .auth import role_required


@bp.get("/visits")
@role_required("officer")
def visits():
    unrated, total, sample = visit_service.worklist()
    return render_template("staff/visits.html", unrated=unrated, total=total, sample=sample, labels=STATUS_LABELS)
