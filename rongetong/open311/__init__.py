"""Open311 GeoReport v2 at /open311/v2, so existing 311 clients file and read requests unchanged.

A request's ``service_request_id`` is its tracking code; services are the minor categories with
``group`` = the major category. Public reads show no personal data.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask import Blueprint, current_app, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..domain.errors import DomainError
from ..domain.lifecycle import Actor, Role
from ..domain.privacy import mask_text
from ..extensions import csrf, db, limiter
from ..models import Case, MinorCategory, Partner
from ..models.types import utcnow
from ..services.cases import file_case
from .formats import errors, render

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")
csrf.exempt(bp)

JURISDICTION = "shizhong.zaozhuang.gov.cn"
CLOSED = ("closed", "rejected", "resolved")
MAX_REQUESTS = 1000
FORMATS = ("json", "xml")


def _w3c(moment: datetime | None) -> str | None:
    return moment.astimezone(current_app.extensions["rongetong.calendar"].tz).isoformat(timespec="seconds") \
        if moment else None


def _check(fmt: str):
    """404 for an unknown format; 404 for another jurisdiction (the spec's list of errors)."""
    if fmt not in FORMATS:
        return errors("json", 404, (404, f"format {fmt!r} not supported: use json or xml"))
    jurisdiction = request.values.get("jurisdiction_id")
    if jurisdiction and jurisdiction != JURISDICTION:
        return errors(fmt, 404, (404, f"unknown jurisdiction_id {jurisdiction!r}; this is {JURISDICTION}"))
    return None


@bp.get("/discovery.<fmt>")
def discovery(fmt: str):
    if (refused := _check(fmt)) is not None:
        return refused
    return render({"changeset": "2026-11-25T00:00:00+08:00", "contact": "市中区社会治理服务中心",
                   "key_service": "API keys are issued by the district: POST /api/v1/partners (channel open311)",
                   "endpoints": [{"specification": "http://wiki.open311.org/GeoReport_v2",
                                  "url": url_for("open311.services", fmt="json", _external=True).rsplit("/", 1)[0],
                                  "changeset": "2026-11-25T00:00:00+08:00", "type": "production",
                                  "formats": ["application/json", "text/xml"]}]}, fmt, "discovery")


def _service(minor: MinorCategory) -> dict:
    return {"service_code": minor.code, "service_name": minor.name, "description": "、".join(minor.keywords or []),
            "metadata": True, "type": "realtime", "keywords": ",".join(minor.keywords or []),
            "group": minor.major.name}


@bp.get("/services.<fmt>")
def services(fmt: str):
    if (refused := _check(fmt)) is not None:
        return refused
    minors = db.session.scalars(select(MinorCategory).order_by(MinorCategory.code)
                                .options(selectinload(MinorCategory.major))).all()
    return render([_service(m) for m in minors], fmt, "services")


@bp.get("/services/<code>.<fmt>")
def service_definition(code: str, fmt: str):
    if (refused := _check(fmt)) is not None:
        return refused
    minor = db.session.scalar(select(MinorCategory).where(MinorCategory.code == code))
    if minor is None:
        return errors(fmt, 404, (404, f"service_code {code} not found"))
    return render({"service_code": minor.code, "attributes": [{
        "variable": True, "code": "location_detail", "datatype": "string", "required": False,
        "datatype_description": "楼栋、门牌或参照物", "order": 1, "description": "具体位置", "values": []}]},
        fmt, "service_definition")


def _request(case: Case) -> dict:
    return {"service_request_id": case.tracking_code, "status": "closed" if case.status in CLOSED else "open",
            "status_notes": mask_text(case.result) if case.status in CLOSED else None,
            "service_name": case.minor.name if case.minor else None,
            "service_code": case.minor.code if case.minor else None,
            "description": mask_text(case.description), "agency_responsible": case.unit.name if case.unit else None,
            "service_notice": None, "requested_datetime": _w3c(case.created_at),
            "updated_datetime": _w3c(case.updated_at), "expected_datetime": _w3c(case.resolve_due),
            "address": case.address, "address_id": None, "zipcode": None, "lat": case.lat, "long": case.lng,
            "media_url": None}


def _parse_date(name: str) -> datetime | None:
    raw = request.args.get(name)
    if not raw:
        return None
    moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


@bp.get("/requests.<fmt>")
@limiter.limit(lambda: current_app.config["PUBLIC_LOOKUP_LIMIT"])
def requests_index(fmt: str):
    if (refused := _check(fmt)) is not None:
        return refused
    query = select(Case).options(selectinload(Case.minor), selectinload(Case.unit))
    ids = [i.strip() for i in request.args.get("service_request_id", "").split(",") if i.strip()]
    if ids:  # overrides every other filter, as the spec says
        query = query.where(Case.tracking_code.in_(ids[:MAX_REQUESTS]))
    else:
        try:
            start, end = _parse_date("start_date"), _parse_date("end_date")
        except ValueError:
            return errors(fmt, 400, (400, "start_date and end_date must be W3C dates, e.g. 2026-11-01T00:00:00Z"))
        end = end or utcnow()
        start = start or end - timedelta(days=90)
        query = query.where(Case.created_at >= start, Case.created_at <= end)
        if codes := [c.strip() for c in request.args.get("service_code", "").split(",") if c.strip()]:
            query = query.where(Case.minor_id.in_(select(MinorCategory.id).where(MinorCategory.code.in_(codes))))
        statuses = {s.strip() for s in request.args.get("status", "").split(",") if s.strip()}
        if statuses - {"open", "closed"}:
            return errors(fmt, 400, (400, "status must be open or closed"))
        if statuses == {"open"}:
            query = query.where(Case.status.not_in(CLOSED))
        elif statuses == {"closed"}:
            query = query.where(Case.status.in_(CLOSED))
    cases = db.session.scalars(query.order_by(Case.created_at.desc()).limit(MAX_REQUESTS)).all()
    return render([_request(c) for c in cases], fmt, "service_requests")


@bp.get("/requests/<request_id>.<fmt>")
def request_detail(request_id: str, fmt: str):
    if (refused := _check(fmt)) is not None:
        return refused
    case = db.session.scalar(select(Case).where(Case.tracking_code == request_id))
    if case is None:
        return errors(fmt, 404, (404, f"service_request_id {request_id} not found"))
    return render([_request(case)], fmt, "service_requests")


@bp.get("/tokens/<token>.<fmt>")
def token(token: str, fmt: str):
    """Requests get their id at once; a token is the same tracking code."""
    if (refused := _check(fmt)) is not None:
        return refused
    case = db.session.scalar(select(Case).where(Case.tracking_code == token))
    if case is None:
        return errors(fmt, 404, (404, f"token {token} not found"))
    return render([{"service_request_id": case.tracking_code, "token": token}], fmt, "service_requests")


@bp.post("/requests.<fmt>")
@limiter.limit(lambda: current_app.config["PUBLIC_FILING_LIMIT"])
def create_request(fmt: str):
    """File a request (form-encoded): api_key, service_code, lat+long or address_string, description,
    attribute[code], first_name, last_name, phone, email."""
    if (refused := _check(fmt)) is not None:
        return refused
    form = request.form
    partner = db.session.scalar(select(Partner).where(Partner.api_key == form.get("api_key", ""),
                                                      Partner.channel == "open311", Partner.revoked_at.is_(None)))
    if not form.get("api_key") or partner is None:
        return errors(fmt, 403, (403, "a valid api_key of an open311 partner is required"))
    problems = []
    minor = db.session.scalar(select(MinorCategory).where(MinorCategory.code == form.get("service_code", "")))
    if minor is None:
        problems.append((400, "service_code not found; see services"))
    try:
        lat = float(form["lat"]) if form.get("lat") else None
        lng = float(form["long"]) if form.get("long") else None
    except ValueError:
        lat = lng = None
        problems.append((400, "lat and long must be numbers"))
    if (lat is None or lng is None or not (-90 <= lat <= 90 and -180 <= lng <= 180)) \
            and not form.get("address_string"):
        problems.append((400, "lat and long, or address_string, are required"))
    description = (form.get("description") or "").strip()[:4000]
    if problems:
        return errors(fmt, 400, *problems)
    detail = form.get("attribute[location_detail]", "").strip()
    text = f"【{minor.name}】{description}" + (f"（位置：{detail}）" if detail else "")
    name = " ".join(p for p in (form.get("last_name", ""), form.get("first_name", "")) if p) or None
    try:
        case = file_case(description=text, actor=Actor(Role.SYSTEM, partner.name), channel="open311",
                         lat=lat, lng=lng, address=form.get("address_string") or None, reporter_name=name,
                         reporter_phone=(form.get("phone") or None), partner_id=partner.id)
    except DomainError as exc:
        return errors(fmt, exc.status, (exc.status, exc.message))
    return render([{"service_request_id": case.tracking_code, "service_notice": "已受理，可凭查询码跟踪办理进度",
                    "account_id": None}], fmt, "service_requests", 201)


