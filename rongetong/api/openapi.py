"""The OpenAPI 3.1 document of the JSON API, served at /api/v1/openapi.json.

Request schemas come from the pydantic models the endpoints validate with, so the document
cannot drift from what the API accepts.
"""
from __future__ import annotations

from functools import cache

from flask import jsonify

from . import bp, schemas

ERROR = {"type": "object", "required": ["error"], "properties": {"error": {
    "type": "object", "required": ["code", "message"],
    "properties": {"code": {"type": "string"}, "message": {"type": "string"}, "details": {}}}}}
REF = {"type": "object", "properties": {"code": {"type": "string"}, "name": {"type": "string"}}}
TIMELINE_ENTRY = {"type": "object", "properties": {k: {"type": ["string", "null"]} for k in
                                                   ("at", "actor", "action", "from_status", "to_status", "note")}}
CASE = {"type": "object", "properties": {
    "id": {"type": "integer"}, "tracking_code": {"type": "string"},
    "status": {"type": "string", "enum": ["submitted", "triage", "dispatched", "accepted", "resolved", "closed",
                                          "review_l1", "review_l2", "police", "rejected"]},
    "description": {"type": "string"}, "channel": {"type": "string"},
    "location": {"type": "object", "properties": {"lat": {"type": ["number", "null"]},
                                                  "lng": {"type": ["number", "null"]},
                                                  "address": {"type": ["string", "null"]}}},
    "town": REF, "grid": REF,
    "category": {"type": ["object", "null"], "properties": {"major": REF, "minor": REF}},
    "department": REF, "police": {"type": "boolean"},
    "deadlines": {"type": "object", "properties": {k: {"type": ["string", "null"], "format": "date-time"}
                                                   for k in ("accept_due", "resolve_due", "return_due")}},
    "overdue": {"type": "boolean"},
    "rating": {"type": ["string", "null"], "enum": ["satisfied", "basically_satisfied", "dissatisfied", None]},
    "version": {"type": "integer"}, "created_at": {"type": "string", "format": "date-time"},
    "actions": {"type": "array", "items": {"type": "string"}, "description": "what the caller may do now"},
    "timeline": {"type": "array", "items": TIMELINE_ENTRY},
    "merged_into": {"type": ["object", "null"], "description": "并案: the primary this case follows",
                    "properties": {"id": {"type": "integer"}, "tracking_code": {"type": "string"}}},
    "merged": {"type": "array", "description": "并案: the cases merged into this one (detail only)",
               "items": {"type": "object", "properties": {
                   "id": {"type": "integer"}, "tracking_code": {"type": "string"}, "status": {"type": "string"},
                   "status_label": {"type": "string"}, "rating": {"type": ["string", "null"]}}}},
}}
DUPLICATE_LIST = {"type": "object", "properties": {"items": {"type": "array", "items": {
    "type": "object", "properties": {
        "id": {"type": "integer"}, "tracking_code": {"type": "string"}, "description": {"type": "string"},
        "distance_m": {"type": "integer"}, "hours_apart": {"type": "number"},
        "text_similarity": {"type": "number"}, "score": {"type": "number", "description": "0 … 1, higher is closer"},
        "status": {"type": "string"}, "status_label": {"type": "string"},
        "category": {"type": "object", "properties": {"major": REF, "minor": REF}},
        "created_at": {"type": "string", "format": "date-time"}}}}}}
CASE_PAGE = {"type": "object", "properties": {"items": {"type": "array",
                                                        "items": {"$ref": "#/components/schemas/Case"}},
                                              "page": {"type": "integer"}, "per_page": {"type": "integer"},
                                              "total": {"type": "integer"}}}

STAFF = "any staff role"
TEXT_PARAMETERS = ("tracking_code", "code", "channel")
# (method, path, summary, roles, request model, success status, response schema ref or None)
OPERATIONS = [
    ("post", "/auth/token", "Exchange username and password for a bearer token", None, schemas.TokenRequest, 200, None),
    ("post", "/cases", "File a case; routing runs on the dispatch queue", "grid_worker, dispatcher",
     schemas.CaseCreate, 201, "Case"),
    ("get", "/cases", "List visible cases (filters: status, department, town, channel, overdue, page, per_page)",
     STAFF, None, 200, "CasePage"),
    ("get", "/cases/{id}", "A case with its timeline", STAFF, None, 200, "Case"),
    *[("post", f"/cases/{{id}}/{action}", f"Case action `{action}`", STAFF, model, 200, "Case")
      for action, model in schemas.ACTION_BODIES.items()],
    ("get", "/cases/{id}/duplicates", "Proposed duplicates (并案): open cases of the same category within 200 m "
     "and 72 h, best first", "dispatcher, leader, supervisor, admin", None, 200, "DuplicateList"),
    ("post", "/cases/{id}/merge", "并案: merge the listed cases into this one (the primary); returns the primary",
     "dispatcher", schemas.MergeRequest, 200, "Case"),
    ("post", "/cases/{id}/contact", "The reporter's full name and phone (audited)", "dispatcher, officer, handler",
     None, 200, None),
    ("post", "/intake/{channel}", "A partner files a case (police110, road_chief, media, open311); signed, idempotent",
     None, schemas.IntakeRequest, 201, None),
    ("post", "/partners", "Issue a partner key pair (the secret is shown once)", "admin", schemas.PartnerCreate,
     201, None),
    ("delete", "/partners/{partner_id}", "Revoke a partner key", "admin", None, 200, None),
    ("get", "/stats/summary", "考核 rates for the district (query: from, to, unit, town, category, channel)",
     "leader, supervisor, dispatcher, admin", None, 200, None),
    *[("get", f"/stats/{dimension}", f"考核 rates per {dimension[:-1] if dimension != 'trend' else 'day'}"
       + (", ranked by score" if dimension != "trend" else ""), "leader, supervisor, dispatcher, admin", None, 200,
       None) for dimension in ("units", "towns", "categories", "trend")],
    ("get", "/stats/hotspots", "Hotspots (未诉先办): a category spiking in a grid against its own baseline",
     "dispatcher, leader, supervisor, admin, town-office handler", None, 200, None),
    ("post", "/stats/hotspots/{alert_id}/acknowledge", "Acknowledge a hotspot alert", "dispatcher, town-office handler",
     None, 200, None),
    ("get", "/reports/monthly", "The monthly 考核 report as .xlsx (query: month=YYYY-MM)", "leader, supervisor, admin",
     None, 200, None),
    ("get", "/return-visits", "回访 work list: unrated resolved cases and a sample of closed ones (query: sample)",
     "officer, admin", None, 200, None),
    ("post", "/public/cases", "A citizen files a case (no login)", None, schemas.PublicCaseCreate, 201, None),
    ("get", "/public/cases/{tracking_code}", "A citizen looks a case up (query: phone_last4)", None, None, 200, None),
    ("post", "/public/cases/{tracking_code}/rating", "A citizen rates a resolved case", None,
     schemas.RatingRequest, 200, None),
    ("get", "/geo/grids", "Grid polygons as a GeoJSON FeatureCollection (query: detail full|map)", None, None, 200,
     None),
    ("get", "/review/queue", "Cases waiting for review (query: level 1|2, page, per_page)", "reviewer, leader, admin",
     None, 200, "CasePage"),
    ("post", "/review/meetings", "Record a topic meeting (专题会议) and the cases it discussed", "reviewer, leader",
     schemas.MeetingCreate, 201, None),
    ("get", "/review/meetings", "Meetings (query: level, page, per_page)", "reviewer, leader, admin, supervisor",
     None, 200, None),
    ("get", "/review/meetings/{meeting_id}", "One meeting", "reviewer, leader, admin, supervisor", None, 200, None),
    ("get", "/supervision/overdue", "Open overdue cases, most late first, with late_working_hours (query: unit)",
     "supervisor, leader, dispatcher, admin", None, 200, "CasePage"),
    ("get", "/supervision/records", "Supervision records (督办) (query: status open|closed, unit)",
     "supervisor, leader, dispatcher, admin, handler (own unit)", None, 200, None),
    ("get", "/supervision/stats", "Supervision closure rate (督办办结率)",
     "supervisor, leader, dispatcher, admin, handler", None, 200, None),
    ("post", "/dispatch/preview", "What routing would decide for a text and a point (writes nothing)", STAFF,
     schemas.PreviewRequest, 200, None),
    ("get", "/stats/routing", "Measured routing accuracy, per major, return rate, top confusions",
     "dispatcher, leader, supervisor, admin", None, 200, None),
    ("post", "/police/callback", "The police platform closes or returns a case (signed: X-Timestamp, X-Signature)",
     None, schemas.PoliceCallback, 200, None),
    ("get", "/taxonomy/minors", "The keyword library (query: major)", STAFF, None, 200, None),
    ("get", "/taxonomy/minors/{code}", "One minor category with its versions", STAFF, None, 200, None),
    ("patch", "/taxonomy/minors/{code}", "Edit the keyword library entry (a new version)", "admin",
     schemas.MinorEdit, 200, None),
    ("post", "/taxonomy/minors/{code}/rollback", "Restore a version (0: before the first change)", "admin",
     schemas.Rollback, 200, None),
    *[("post", f"/supervision/records/{{record_id}}/{kind}", f"Supervision action `{kind}`",
       "handler" if kind == "explanation" else "supervisor", schemas.SupervisionNote, 200, None)
      for kind in ("remind", "demand_explanation", "explanation", "close")],
]


@cache
def document() -> dict:
    components = {"Error": ERROR, "Case": CASE, "CasePage": CASE_PAGE, "DuplicateList": DUPLICATE_LIST}
    paths: dict = {}
    for method, path, summary, roles, model, status, response in OPERATIONS:
        operation: dict = {"summary": summary, "responses": {
            str(status): {"description": "OK", "content": {"application/json": {
                "schema": {"$ref": f"#/components/schemas/{response}"} if response else {"type": "object"}}}},
            **{str(code): {"description": text, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"}}}}
               for code, text in ((400, "Malformed request"), (401, "No or bad token"),
                                  (403, "Role or unit not allowed"), (404, "Not found"),
                                  (409, "State does not allow the action, or stale version"),
                                  (422, "Invalid field or business rule"))},
        }}
        if roles:
            operation["security"] = [{"bearer": []}]
            operation["description"] = f"Roles: {roles}."
        if model is not None:
            schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(schema.pop("$defs", {}))
            components[model.__name__] = schema
            operation["requestBody"] = {"required": True, "content": {"application/json": {
                "schema": {"$ref": f"#/components/schemas/{model.__name__}"}}}}
        params = [name.strip("{}") for name in path.split("/") if name.startswith("{")]
        if params:
            operation["parameters"] = [{"name": p, "in": "path", "required": True,
                                        "schema": {"type": "string" if p in TEXT_PARAMETERS else "integer"}}
                                       for p in params]
        paths.setdefault(path, {})[method] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "融e通 API", "version": "1.0.0",
                 "description": "Citizen-request tracking: filing, routing, handling, review, rating. "
                                "Errors: {\"error\": {\"code\", \"message\"}}."},
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {"schemas": components, "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(document())
