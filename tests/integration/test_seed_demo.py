"""seed-demo: reference data and a realistic history, idempotent."""
from sqlalchemy import func, select

from rongetong.demo.seed import seed_demo
from rongetong.extensions import db
from rongetong.models import (
    Case,
    Grid,
    MajorCategory,
    Town,
    Unit,
    User,
)
from tests.factories import empty_case_tables


def test_seed_demo_builds_a_history_in_many_states_and_is_idempotent(app, db_session):
    with app.app_context():
        empty_case_tables()
        summary = seed_demo(cases=400)
        assert summary["cases"] == 403                                  # 3 just filed, not yet routed
        counts = dict(db.session.execute(select(Case.status, func.count()).group_by(Case.status)).all())
        assert {"submitted", "closed", "resolved", "accepted", "dispatched"} <= set(counts)
        assert sum(counts.values()) == 403
        again = seed_demo(cases=400)
        assert again["cases"] == 0 and again["users"] == 0
        assert db.session.scalar(select(func.count(Town.id))) == 11
        assert db.session.scalar(select(func.count(Grid.id))) == 500
        assert db.session.scalar(select(func.count(MajorCategory.id))) == 20
        units = db.session.scalar(select(func.count(Unit.id)))
        assert db.session.scalar(select(func.count(User.id)).where(User.role == "handler")) == units
