"""研判 endpoints: the review queues and the panels' meetings. Decisions are case actions (`decide`)."""
from flask import jsonify

from ..domain.lifecycle import Role
from ..services import review as review_service
from . import bp
from .auth import current_actor, json_body, roles_required
from .errors import ApiError
from .paging import int_arg, page_args
from .schemas import MeetingCreate
from .serializers import case_json, iso, page_json

LEVEL_ROLES = {1: {Role.REVIEWER, Role.LEADER, Role.ADMIN}, 2: {Role.LEADER, Role.ADMIN}}


def _level(value: int | None) -> int:
    level = value or (2 if current_actor().role is Role.LEADER else 1)
    if current_actor().role not in LEVEL_ROLES[level]:
        raise ApiError(403, f"当前角色不能查看{level}级研判", "forbidden")
    return level


def meeting_json(meeting) -> dict:
    return {"id": meeting.id, "level": meeting.level, "title": meeting.title, "held_at": iso(meeting.held_at),
            "attendees": meeting.attendees, "minutes": meeting.minutes,
            "cases": [{"id": c.id, "tracking_code": c.tracking_code, "status": c.status} for c in meeting.cases]}


@bp.get("/review/queue")
@roles_required(Role.REVIEWER, Role.LEADER, Role.ADMIN)
def review_queue():
    """Cases waiting for first-level (reviewer) or second-level (leader) review, longest waiting first."""
    level = _level(int_arg("level", None, 1, 2))
    page, per_page = page_args(50)
    items, total = review_service.queue(level, page=page, per_page=per_page)
    actor = current_actor()
    return jsonify(page_json([case_json(c, viewer=actor) for c in items], page, per_page, total) | {"level": level})


@bp.post("/review/meetings")
@roles_required(Role.REVIEWER, Role.LEADER)
def create_meeting():
    """Record a topic meeting (专题会议): time, attendees, cases discussed, minutes."""
    body = json_body(MeetingCreate)
    level = _level(body.level)
    meeting = review_service.create_meeting(current_actor(), level=level, title=body.title, held_at=body.held_at,
                                            attendees=body.attendees, case_ids=body.case_ids, minutes=body.minutes)
    return jsonify(meeting_json(meeting)), 201


@bp.get("/review/meetings")
@roles_required(Role.REVIEWER, Role.LEADER, Role.ADMIN, Role.SUPERVISOR)
def list_meetings():
    page, per_page = page_args(50)
    items, total = review_service.meetings(int_arg("level", None, 1, 2), page=page, per_page=per_page)
    return jsonify(page_json([meeting_json(m) for m in items], page, per_page, total))


@bp.get("/review/meetings/<int:meeting_id>")
@roles_required(Role.REVIEWER, Role.LEADER, Role.ADMIN, Role.SUPERVISOR)
def show_meeting(meeting_id: int):
    return jsonify(meeting_json(review_service.meeting(meeting_id)))
