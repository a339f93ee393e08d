"""督办: the overdue sweep opens one record per passed deadline, set-based and idempotent."""
from datetime import timedelta

from sqlalchemy import func, select

from rongetong.extensions import db
from rongetong.models import Case, SupervisionRecord
from rongetong.models.types import utcnow
from rongetong.services.supervision import sweep_overdue


def test_a_passed_deadline_is_supervised_once(app, file_case):
    case_id = file_case()["id"]
    with app.app_context():
        case = db.session.get(Case, case_id)
        assert case.unit_id is not None
        later = case.resolve_due + timedelta(minutes=1)
        first = sweep_overdue(now=later)
        assert first >= 1
        assert sweep_overdue(now=later) == 0          # nothing new: nothing written
        records = db.session.scalars(select(SupervisionRecord).where(SupervisionRecord.case_id == case_id)).all()
        # Both deadlines passed: not accepted in time, not resolved in time.
        assert sorted(r.deadline_kind for r in records) == ["accept", "resolve"]
        assert all(r.unit_id == case.unit_id and r.status == "open" for r in records)


def test_nothing_is_supervised_before_its_deadline(app, file_case):
    case_id = file_case()["id"]
    with app.app_context():
        sweep_overdue(now=utcnow())
        count = db.session.scalar(select(func.count()).select_from(SupervisionRecord)
                                  .where(SupervisionRecord.case_id == case_id))
        assert count == 0


def test_the_overdue_filter_agrees_with_the_flag(client, login, app, file_case):
    case = file_case()
    with app.app_context():
        row = db.session.get(Case, case["id"])
        row.accept_due = utcnow() - timedelta(minutes=5)
        db.session.commit()
    headers = login("dispatcher")
    listed = client.get("/api/v1/cases?overdue=true&per_page=200", headers=headers).get_json()
    assert case["id"] in [c["id"] for c in listed["items"]]
    assert all(c["overdue"] for c in listed["items"])
