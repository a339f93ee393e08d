"""Request bodies of the JSON API, validated with pydantic (422 with the field on error).

The same models feed the OpenAPI document.
"""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9-]{7,20}$")]
Version = Annotated[int, Field(ge=1, description="The case version the client last read; a stale one → 409")]


class Body(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class TokenRequest(Body):
    username: Code
    password: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class CaseCreate(Body):
    description: Text
    lat: Latitude
    lng: Longitude
    address: Annotated[str, StringConstraints(max_length=200)] | None = None
    reporter_name: Annotated[str, StringConstraints(max_length=80)] | None = None
    reporter_phone: Phone | None = None
    channel: Literal["grid", "hotline", "wechat", "police110", "road_chief", "media"] | None = None


class PublicCaseCreate(Body):
    description: Text
    lat: Latitude
    lng: Longitude
    phone: Phone
    name: Annotated[str, StringConstraints(max_length=80)] | None = None
    address: Annotated[str, StringConstraints(max_length=200)] | None = None


class RatingRequest(Body):
    phone_last4: Annotated[str, StringConstraints(pattern=r"^\d{4}$")]
    rating: Literal["satisfied", "basically_satisfied", "dissatisfied"]
    comment: Annotated[str, StringConstraints(max_length=1000)] | None = None


class ActionBody(Body):
    version: Version | None = None


class AcceptRequest(ActionBody):
    pass


class ReturnRequest(ActionBody):
    reason: Reason


class ResolveRequest(ActionBody):
    result: Reason


class ExtendRequest(ActionBody):
    working_days: Annotated[int, Field(ge=1, le=30)]
    reason: Reason


class ApproveExtensionRequest(ActionBody):
    reason: Reason | None = None


class DenyExtensionRequest(ActionBody):
    reason: Reason


class EscalateRequest(ActionBody):
    reason: Reason


class RejectRequest(ActionBody):
    reason: Reason


class AssistTask(Body):
    """An assisting unit's task (协办分工); a plain unit code is accepted too."""
    unit: Code
    task: Reason | None = None
    working_days: Annotated[int, Field(ge=1, le=30)] | None = None


def _tasks(value: list) -> list:
    tasks = [{"unit": item} if isinstance(item, str) else item for item in value]
    seen, distinct = set(), []
    for task in tasks:
        code = task.unit if isinstance(task, AssistTask) else task.get("unit")
        if code not in seen:
            seen.add(code)
            distinct.append(task)
    return distinct


class SplitsWork(ActionBody):
    """A body that may split the work among assisting units."""
    assisting: list[AssistTask] = Field(default_factory=list, max_length=10)

    @field_validator("assisting", mode="before")
    @classmethod
    def _one_task_per_unit(cls, value):
        return _tasks(value or [])


class DispatchRequest(SplitsWork):
    department: Code
    category: Annotated[str, StringConstraints(pattern=r"^\d{4}$")] | None = None  # corrects the minor category
    reason: Reason | None = None


class DecideRequest(SplitsWork):
    decision: Literal["assign", "escalate", "reject", "resolve"]
    reason: Reason
    department: Code | None = None
    result: Reason | None = None


class AssistDoneRequest(ActionBody):
    result: Reason


class ReturnVisitRequest(ActionBody):
    reached: bool
    rating: Literal["satisfied", "basically_satisfied", "dissatisfied"] | None = None
    comment: Annotated[str, StringConstraints(max_length=1000)] | None = None

    @model_validator(mode="after")
    def _rating_when_reached(self):
        if self.reached and self.rating is None:
            raise ValueError("a reached citizen's rating is required")
        return self


# One body model per case action, in the order the API documents them.
ACTION_BODIES: dict[str, type[ActionBody]] = {
    "accept": AcceptRequest,
    "return": ReturnRequest,
    "resolve": ResolveRequest,
    "assist_done": AssistDoneRequest,
    "extend": ExtendRequest,
    "approve_extension": ApproveExtensionRequest,
    "deny_extension": DenyExtensionRequest,
    "escalate": EscalateRequest,
    "dispatch": DispatchRequest,
    "decide": DecideRequest,
    "reject": RejectRequest,
    "return_visit": ReturnVisitRequest,
}


class MergeRequest(ActionBody):
    """并案: the cases to merge into this one (the primary, 主件); ``version`` is the primary's."""
    duplicates: list[Annotated[int, Field(ge=1)]] = Field(min_length=1, max_length=20)
    reason: Reason


class MeetingCreate(Body):
    level: Literal[1, 2] | None = None
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    held_at: datetime
    attendees: list[Annotated[str, StringConstraints(min_length=1, max_length=80)]] = Field(min_length=1, max_length=50)
    case_ids: list[int] = Field(default_factory=list, max_length=200)
    minutes: Annotated[str, StringConstraints(max_length=20000)] | None = None

    @field_validator("held_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("held_at needs a time zone, e.g. 2026-11-25T09:00:00+08:00")
        return value


class SupervisionNote(Body):
    note: Reason | None = None


class PreviewRequest(Body):
    description: Annotated[str, StringConstraints(max_length=20000)]
    lat: Latitude | None = None
    lng: Longitude | None = None


class PoliceCallback(Body):
    tracking_code: Code
    result: Literal["closed", "returned"]
    note: Reason | None = None


Word = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]


class MinorEdit(Body):
    keywords: list[Word] | None = Field(default=None, max_length=50)
    synonyms: list[Word] | None = Field(default=None, max_length=50)
    negative: list[Word] | None = Field(default=None, max_length=20)
    urgent: bool | None = None
    unit: Code | None = None  # a unit code, or "town" for the grid's town office (属地)
    accept_minutes: Annotated[int, Field(ge=10, le=7 * 450)] | None = None
    resolve_days: Annotated[int, Field(ge=1, le=60)] | None = None
    resolve_hours: Annotated[int, Field(ge=1, le=450)] | None = None
    note: Reason | None = None


class Rollback(Body):
    version: Annotated[int, Field(ge=0)]


class IntakeRequest(Body):
    description: Text
    external_id: Code
    lat: Latitude | None = None
    lng: Longitude | None = None
    address: Annotated[str, StringConstraints(max_length=200)] | None = None
    reporter_phone: Phone | None = None


class PartnerCreate(Body):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    channel: Literal["police110", "road_chief", "media", "open311"]
    webhook_url: Annotated[str, StringConstraints(pattern=r"^https?://", max_length=500)] | None = None
