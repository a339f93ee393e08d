"""督办 through the API: the overdue list, records and their actions, reminders and auto-escalation."""
from datetime import timedelta

from sqlalchemy import select

from rongetong.extensions import db
from rongetong.models import Case, Reminder
from rongetong.models.types import utcnow
from rongetong.services import supervision


def make_late(app, case_id: int, **hours_ago):
    """Move a case's deadlines into the past, as if time had passed."""
    with app.app_context():
        case = db.session.get(Case, case_id)
        now = utcnow()
        for column, hours in hours_ago.items():
            setattr(case, column, now - timedelta(hours=hours))
        db.session.commit()


def test_overdue_list_most_late_first_with_working_hours(client, login, app, file_case):
    late, later = file_case(), file_case()
    make_late(app, late["id"], resolve_due=24 * 3)
    make_late(app, later["id"], resolve_due=24 * 10)
    listed = client.get("/api/v1/supervision/overdue?per_page=200", headers=login("supervisor")).get_json()
    ids = [c["id"] for c in listed["items"]]
    assert ids.index(later["id"]) < ids.index(late["id"])
    item = listed["items"][ids.index(later["id"])]
    assert item["deadline_kind"] == "resolve" and item["late_working_hours"] > 0
    assert item["department"]["code"] == later["department"]["code"]
    hours = [c["late_working_hours"] for c in listed["items"]]
    assert hours == sorted(hours, reverse=True)
    assert client.get("/api/v1/supervision/overdue", headers=login("gridworker")).status_code == 403


def test_supervision_record_actions(client, login, app, file_case, act):
    case = file_case()
    handler = f"handler-{case['department']['code']}"
    make_late(app, case["id"], accept_due=1)
    with app.app_context():
        assert supervision.sweep_overdue() >= 1
    own = client.get("/api/v1/supervision/records?status=open&per_page=200", headers=login(handler)).get_json()
    record = next(r for r in own["items"] if r["case"]["id"] == case["id"])
    base = f"/api/v1/supervision/records/{record['id']}"
    sup = login("supervisor")

    assert client.post(f"{base}/remind", json={"note": "请立即签收"}, headers=sup).status_code == 200
    assert client.post(f"{base}/explanation", json={"note": "x"}, headers=login(handler)).status_code == 409
    demanded = client.post(f"{base}/demand_explanation", json={}, headers=sup).get_json()
    assert demanded["explanation_due"] is True
    other_unit = client.post(f"{base}/explanation", json={"note": "x"}, headers=login("handler-sifa"))
    assert other_unit.status_code == 404                # another unit's record is not there for it
    explained = client.post(f"{base}/explanation", json={"note": "值班人员漏看，已整改"},
                            headers=login(handler)).get_json()
    assert explained["explanation_due"] is False
    assert client.post(f"{base}/close", json={}, headers=sup).status_code == 409      # the case is not done yet
    assert client.post(f"{base}/close", json={}, headers=login(handler)).status_code == 403

    accepted = act(case, "accept", handler).get_json()
    act(accepted, "resolve", handler, result="已处理")
    closed = client.post(f"{base}/close", json={"note": "已办结，销号"}, headers=sup).get_json()
    assert closed["status"] == "closed"
    assert [a["kind"] for a in closed["actions"]] == ["remind", "demand_explanation", "explanation", "close"]
    stats = client.get("/api/v1/supervision/stats", headers=sup).get_json()
    assert stats["closed"] >= 1 and 0 < stats["supervision_closure_rate"] <= 1


def test_reminders_at_80_percent_are_sent_once(app, file_case):
    case = file_case()
    make_late(app, case["id"], accept_remind_at=0.1)
    with app.app_context():
        assert supervision.sweep_reminders() >= 1
        assert supervision.sweep_reminders() == 0
        reminders = db.session.scalars(select(Reminder).where(Reminder.case_id == case["id"])).all()
        assert [(r.deadline_kind, r.sent_at is not None) for r in reminders] == [("accept", True)]


def test_long_overdue_cases_go_to_review_by_themselves(client, login, app, file_case):
    case = file_case()
    make_late(app, case["id"], resolve_due=24 * 7)
    with app.app_context():
        assert supervision.escalate_long_overdue() >= 1
    after = client.get(f"/api/v1/cases/{case['id']}", headers=login("dispatcher")).get_json()
    assert after["status"] == "review_l1"
    assert after["timeline"][-1]["actor"] == "系统" and "自动提交一级研判" in after["timeline"][-1]["note"]


def test_due_date_command(app):
    result = app.test_cli_runner().invoke(args=["due-date", "--start", "2026-09-30 16:00", "--working-days", "5"])
    # 国庆 2026: Oct 1–7 off, Saturday Oct 10 a make-up workday.
    assert result.exit_code == 0 and result.output.startswith("2026-10-13 16:00")
