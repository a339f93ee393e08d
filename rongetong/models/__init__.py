"""SQLAlchemy 2 models, one module per aggregate."""
from .case import Assignment, Case, Rating, Reminder, SupervisionAction, SupervisionRecord, TimelineEntry
from .geo import Grid, Town
from .org import Unit, User
from .learning import KeywordChange, RoutingFeedback, RoutingModelRecord
from .outbox import OutboxMessage
from .review import ReviewMeeting
from .taxonomy import MajorCategory, MinorCategory

__all__ = ["Assignment", "Case", "Grid", "KeywordChange", "MajorCategory", "MinorCategory", "OutboxMessage", "Rating",
           "Reminder", "ReviewMeeting", "RoutingFeedback", "RoutingModelRecord", "SupervisionAction", "SupervisionRecord", "TimelineEntry", "Town", "Unit", "User"]
