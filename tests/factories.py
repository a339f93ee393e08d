"""Test data shared by the API and end-to-end tests."""
from rongetong.extensions import db
from rongetong.models import (
    Assignment,
    AuditEntry,
    Case,
    CaseFact,
    DailyStats,
    DistrictDailyStats,
    IdempotencyKey,
    MonthlyStats,
    Photo,
    Rating,
    ReturnVisit,
    RoutingFeedback,
    SupervisionRecord,
    TimelineEntry,
)

INSIDE = {"lat": 34.862, "lng": 117.552}          # inside 中心街街道's grid 001
OUTSIDE = {"lat": 31.23, "lng": 121.47}           # far outside the district
RUBBISH = "建华小区3号楼门口的垃圾桶满了三天没人清运，臭气熏天"   # plainly 环境卫生 (major 02)

# A 1×1 PNG: the smallest real photo.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c63f8cfc0f01f0005000200e4b8d4a60000000049454e44ae426082")


# Everything that refers to cases, children first: emptied inside a test's transaction only.
CASE_TABLES = (TimelineEntry, Assignment, Rating, SupervisionRecord, RoutingFeedback, ReturnVisit, Photo, AuditEntry,
               IdempotencyKey, Case, CaseFact, DailyStats, MonthlyStats, DistrictDailyStats)


def empty_case_tables() -> None:
    for model in CASE_TABLES:
        db.session.execute(db.delete(model))
