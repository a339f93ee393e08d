"""SQLAlchemy 2 models, one module per aggregate."""
from .audit import AuditEntry
from .case import (
    Assignment,
    Case,
    Photo,
    Rating,
    Reminder,
    ReturnVisit,
    SupervisionAction,
    SupervisionRecord,
    TimelineEntry,
)
from .geo import Grid, Town
from .hotspot import HotspotAlert
from .learning import KeywordChange, RoutingFeedback, RoutingModelRecord
from .org import Unit, User
from .outbox import OutboxMessage
from .partner import IdempotencyKey, Partner
from .review import ReviewMeeting
from .taxonomy import MajorCategory, MinorCategory

__all__ = ["Assignment", "AuditEntry", "Case", "Grid", "IdempotencyKey", "KeywordChange", "MajorCategory",
           "MinorCategory", "OutboxMessage", "Partner", "Photo", "Rating", "Reminder", "ReturnVisit", "ReviewMeeting",
           "RoutingFeedback", "RoutingModelRecord", "SupervisionAction", "SupervisionRecord", "TimelineEntry", "Town",
           "Unit", "User", "HotspotAlert"]
