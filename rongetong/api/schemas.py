"""Request bodies of the JSON API, validated with pydantic (422 with the field on error).

The same models feed the OpenAPI document.
"""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

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


class DispatchRequest(ActionBody):
    department: Code
    assisting: list[Code] = Field(default_factory=list, max_length=10)
    reason: Reason | None = None


class DecideRequest(ActionBody):
    decision: Literal["assign", "escalate", "reject", "resolve"]
    reason: Reason
    department: Code | None = None
    assisting: list[Code] = Field(default_factory=list, max_length=10)
    result: Reason | None = None

    @field_validator("assisting")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))


# One body model per case action, in the order the API documents them.
ACTION_BODIES: dict[str, type[ActionBody]] = {
    "accept": AcceptRequest,
    "return": ReturnRequest,
    "resolve": ResolveRequest,
    "extend": ExtendRequest,
    "approve_extension": ApproveExtensionRequest,
    "deny_extension": DenyExtensionRequest,
    "escalate": EscalateRequest,
    "dispatch": DispatchRequest,
    "decide": DecideRequest,
    "reject": RejectRequest,
}
