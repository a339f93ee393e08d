"""`flask generate-cases`: a large synthetic history whose states and timestamps agree."""
from sqlalchemy import func, select

from rongetong.extensions import db
from rongetong.models import Case, Rating, SupervisionRecord
from tests.factories import empty_case_tables


def test_generated_cases_are_consistent(app, db_session):
    with app.app_context():
        empty_case_tables()
        result = app.test_cli_runner().invoke(args=["generate-cases", "--count", "2000"])
        assert result.exit_code == 0 and "generate-cases: 2000 cases" in result.output
        cases = db.session.scalars(select(Case)).all()
        assert len(cases) == 2000
        assert {c.status for c in cases} >= {"closed", "resolved", "accepted", "dispatched", "rejected"}
        assert all(c.grid_id and c.town_id and c.minor_id and c.unit_id for c in cases)
        assert all((c.closed_at is not None) == (c.status == "closed") for c in cases)
        assert all(c.resolved_at is not None for c in cases if c.status in ("resolved", "closed"))
        assert db.session.scalar(select(func.count(Rating.id))) > 0
        assert db.session.scalar(select(func.count(SupervisionRecord.id))) > 0
