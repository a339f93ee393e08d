"""`flask generate-cases --count N`: a large synthetic history for load and scale checks, generated in
PostgreSQL with set-based SQL (a million cases in about a minute)."""
from __future__ import annotations

from sqlalchemy import text

from ..extensions import db
from ..services import rollups

# One INSERT … SELECT over generate_series: a random grid (and its town), a random minor (and its major and
# unit, or the town office for 属地), a channel by weight, a creation time over the last year, and a state by age
# with timestamps that agree with it (old cases mostly closed, recent ones still being handled).
CASES = """
WITH g AS (SELECT id, town_id, row_number() OVER (ORDER BY id) AS n FROM grids),
     m AS (SELECT mc.id, mc.major_id, mc.unit_id, row_number() OVER (ORDER BY mc.id) AS n FROM minor_categories mc),
     o AS (SELECT town_id, id FROM units WHERE kind = 'town_office'),
     src AS (
       SELECT s AS k, random() AS r_state, random() AS r_channel, random() AS r_late, random() AS r_rate,
              now() - (random() ^ 1.5) * interval '365 days' AS created,
              1 + floor(random() * (SELECT count(*) FROM grids))::int AS gn,
              1 + floor(random() * (SELECT count(*) FROM minor_categories))::int AS mn
       FROM generate_series(1, :count) AS s)
INSERT INTO cases (tracking_code, status, description, channel, town_id, grid_id, major_id, minor_id, unit_id,
                   police, urgent, return_count, dissatisfied_count, extension_count, rework, version,
                   created_at, updated_at, dispatched_at, accept_due, resolve_due, accepted_at, resolved_at,
                   closed_at, handling_working_hours)
SELECT 'GEN' || lpad(:offset + src.k || '', 9, '0'),
       CASE WHEN src.created < now() - interval '20 days' THEN
              CASE WHEN src.r_state < 0.90 THEN 'closed' WHEN src.r_state < 0.94 THEN 'resolved'
                   WHEN src.r_state < 0.96 THEN 'rejected' ELSE 'accepted' END
            ELSE CASE WHEN src.r_state < 0.35 THEN 'closed' WHEN src.r_state < 0.5 THEN 'resolved'
                      WHEN src.r_state < 0.75 THEN 'accepted' WHEN src.r_state < 0.9 THEN 'dispatched'
                      ELSE 'review_l1' END END,
       '生成的诉求件',
       (ARRAY['wechat','grid','grid','hotline','police110','road_chief','media'])[1 + floor(src.r_channel * 7)::int],
       g.town_id, g.id, m.major_id, m.id, coalesce(m.unit_id, o.id), false, false,
       (src.r_late < 0.02)::int, 0, 0, src.r_late < 0.03, 1,
       src.created, src.created, src.created + interval '10 minutes',
       src.created + interval '2 hours', src.created + interval '7 days',
       src.created + interval '1 hour' + (src.r_late > 0.94)::int * interval '3 hours',
       src.created + interval '3 days' + (src.r_late > 0.9)::int * interval '6 days',
       src.created + interval '4 days', 20 + src.r_late * 30
FROM src JOIN g ON g.n = src.gn JOIN m ON m.n = src.mn LEFT JOIN o ON o.town_id = g.town_id
"""

# The timestamps that a case's state has not reached yet are cleared.
TIDY = """
UPDATE cases SET closed_at = NULL WHERE tracking_code LIKE 'GEN%' AND status <> 'closed' AND closed_at IS NOT NULL;
UPDATE cases SET resolved_at = NULL, handling_working_hours = NULL
 WHERE tracking_code LIKE 'GEN%' AND status NOT IN ('resolved', 'closed') AND resolved_at IS NOT NULL;
UPDATE cases SET accepted_at = NULL
 WHERE tracking_code LIKE 'GEN%' AND status IN ('dispatched', 'rejected') AND accepted_at IS NOT NULL;
"""

# Ratings for most closed cases (a few 不满意 among them), supervision records for the late ones.
RATINGS = """
INSERT INTO ratings (case_id, rating, source, created_at)
SELECT id, CASE WHEN random() < 0.95 THEN 'satisfied' WHEN random() < 0.8 THEN 'basically_satisfied'
                ELSE 'dissatisfied' END, CASE WHEN random() < 0.85 THEN 'citizen' ELSE 'return_visit' END, closed_at
FROM cases WHERE tracking_code LIKE 'GEN%' AND status = 'closed' AND id > :first AND random() < 0.9
"""
SUPERVISION = """
INSERT INTO supervision_records (case_id, unit_id, deadline_kind, deadline_at, status, opened_at, closed_at)
SELECT id, unit_id, 'resolve', resolve_due, CASE WHEN status IN ('resolved', 'closed') THEN 'closed' ELSE 'open' END,
       resolve_due, CASE WHEN status IN ('resolved', 'closed') THEN resolved_at END
FROM cases WHERE tracking_code LIKE 'GEN%' AND id > :first
 AND ((resolved_at IS NOT NULL AND resolved_at > resolve_due) OR (resolved_at IS NULL AND resolve_due < now()
      AND status IN ('dispatched', 'accepted', 'review_l1')))
"""


def generate_cases(count: int) -> int:
    """Add ``count`` cases (with ratings and supervision records) in a few set-based statements, then
    rebuild the 考核 rollups."""
    if db.engine.dialect.name != "postgresql":
        raise RuntimeError("generate-cases needs PostgreSQL (DATABASE_URL=postgresql://…)")
    first = db.session.execute(text("SELECT coalesce(max(id), 0) FROM cases")).scalar()
    offset = db.session.execute(text("SELECT count(*) FROM cases WHERE tracking_code LIKE 'GEN%'")).scalar()
    db.session.execute(text(CASES), {"count": count, "offset": offset})
    for statement in TIDY.strip().split(";\n"):
        db.session.execute(text(statement))
    db.session.execute(text(RATINGS), {"first": first})
    db.session.execute(text(SUPERVISION), {"first": first})
    db.session.commit()
    db.session.execute(text("ANALYZE cases; ANALYZE ratings; ANALYZE supervision_records"))
    db.session.commit()
    # Bulk SQL goes past the session, so the 考核 rollups are recomputed from the cases.
    rollups.rebuild(tidy=True)
    return count
