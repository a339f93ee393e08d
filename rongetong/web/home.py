from flask import current_app, render_template, send_from_directory
from sqlalchemy import func, select

from ..api.serializers import iso
from ..domain.lifecycle import STATUS_LABELS
from ..domain.privacy import mask_name, mask_phone, mask_text
from ..extensions import db
from ..models import Case, User
from ..models.types import utcnow
from . import bp


@bp.get("/")
def index():
    counts = dict(db.session.execute(select(Case.status, func.count()).group_by(Case.status)).all())
    users = (db.session.scalars(select(User).where(User.role != "handler").order_by(User.role, User.username)).all()
             if current_app.config["SHOW_DEMO_LOGINS"] else [])
    return render_template("index.html", counts=counts, labels=STATUS_LABELS, users=users,
                           total=sum(counts.values()))


@bp.get("/healthz")
def healthz():
    db.session.execute(select(1))
    return {"status": "ok"}


@bp.app_template_filter("local")
def local_time(moment) -> str:
    """A stored (UTC) moment in the district's time zone, as 2026-11-25 09:30."""
    return iso(moment)[:16].replace("T", " ") if moment else ""


# Staff pages show personal data masked, as the API does (DESIGN §8).
bp.add_app_template_filter(mask_text, "masked")
bp.add_app_template_filter(mask_name, "mask_name")
bp.add_app_template_filter(mask_phone, "mask_phone")
bp.add_app_template_global(utcnow, "now")


@bp.get("/media/<name>")
def media(name: str):
    """A case photo, by its unguessable stored name."""
    return send_from_directory(current_app.config["UPLOAD_FOLDER"], name)
