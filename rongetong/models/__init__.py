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
from .stats import CaseFact, DailyStats, DistrictDailyStats, MonthlyStats
from .taxonomy import MajorCategory, MinorCategory

__all__ = ["Assignment", "AuditEntry", "Case", "CaseFact", "DailyStats", "DistrictDailyStats", "Grid", "HotspotAlert",
           "IdempotencyKey", "KeywordChange", "MajorCategory", "MinorCategory", "MonthlyStats", "OutboxMessage",
           "Partner", "Photo", "Rating", "Reminder", "ReturnVisit", "ReviewMeeting", "RoutingFeedback",
           "RoutingModelRecord", "SupervisionAction", "SupervisionRecord", "TimelineEntry", "Town", "Unit", "User"]
