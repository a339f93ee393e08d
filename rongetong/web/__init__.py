"""Web pages (server-rendered, Chinese UI, no CDN)."""
from flask import Blueprint, render_template
from sqlalchemy import func, select

from ..api.serializers import STATUS_LABELS
from ..extensions import db
from ..models import Case, User

bp = Blueprint("web", __name__, template_folder="templates")


@bp.get("/")
def index():
    counts = dict(db.session.execute(select(Case.status, func.count()).group_by(Case.status)).all())
    users = db.session.scalars(select(User).order_by(User.role, User.username).limit(12)).all()
    return render_template("index.html", counts=counts, labels=STATUS_LABELS, users=users,
                           total=sum(counts.values()))


@bp.get("/healthz")
def healthz():
    db.session.execute(select(1))
    return {"status": "ok"}
