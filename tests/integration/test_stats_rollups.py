"""The 考核 rollups stay equal to a recomputation from the cases through a run of real workflow actions,
and the figures read from them agree with the cases."""
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from rongetong.extensions import db
from rongetong.models import Case, CaseFact, DailyStats, SupervisionRecord
from rongetong.models.types import utcnow
from rongetong.services import rollups, supervision
from tests.factories import OUTSIDE
from tests.integration.test_stats_api import expected


def handler_of(case):
    return f"handler-{case['department']['code']}"


@pytest.fixture()
def in_step(app):
    """Assert the stored facts and rollups equal a recomputation from the cases, and the summary the
    definitions applied case by case."""
    def check(client, headers):
        with app.app_context():
            assert rollups.drift() == {}
            cases = db.session.scalars(select(Case)).all()
            want = expected(cases)
        summary = client.get("/api/v1/stats/summary", headers=headers).get_json()
        assert summary == pytest.approx(want)
    return check


def test_rollups_follow_every_workflow_action(client, login, app, file_case, act, in_step):
    leader, sup = login("leader"), login("supervisor")
    in_step(client, leader)
    first, second, lost = file_case(reporter_phone="13812345678"), file_case(), file_case(where=OUTSIDE)
    assert lost["status"] == "triage"
    in_step(client, leader)

    # accept, resolve; the citizen is dissatisfied (重办), the unit resolves again, a return visit closes it
    handler = handler_of(first)
    first = act(first, "accept", handler).get_json()
    first = act(first, "resolve", handler, result="已清运").get_json()
    in_step(client, leader)
    rated = client.post(f"/api/v1/public/cases/{first['tracking_code']}/rating",
                        json={"phone_last4": "5678", "rating": "dissatisfied", "comment": "还是很臭"})
    assert rated.status_code == 200, rated.get_json()
    in_step(client, leader)
    first = act(first, "accept", handler).get_json()
    first = act(first, "resolve", handler, result="已清运并消毒").get_json()
    first = act(first, "return_visit", "officer", reached=True, rating="satisfied").get_json()
    assert (first["status"], first["rework"]) == ("closed", True)
    in_step(client, leader)

    # return (退单), re-dispatch to another unit: the case moves between rollup keys
    second = act(second, "return", handler_of(second), reason="不属于本单位职责").get_json()
    in_step(client, leader)
    second = act(second, "dispatch", "dispatcher", department="zhifa", reason="改派执法局").get_json()
    in_step(client, leader)

    # its accept deadline passes: 督办 by the sweep (bulk SQL), then handled and the record closed
    with app.app_context():
        db.session.execute(update(Case).where(Case.id == second["id"])
                           .values(accept_due=utcnow() - timedelta(hours=1)))
        db.session.commit()
        assert supervision.sweep_overdue() >= 1
    in_step(client, leader)
    second = act(second, "accept", "handler-zhifa").get_json()
    second = act(second, "resolve", "handler-zhifa", result="已处理").get_json()
    with app.app_context():
        record_id = db.session.scalar(select(SupervisionRecord.id).where(SupervisionRecord.case_id == second["id"]))
    assert client.post(f"/api/v1/supervision/records/{record_id}/close", json={}, headers=sup).status_code == 200
    in_step(client, leader)

    # triage → dispatch with a corrected category → review → rejected; another resolved by review
    lost = act(lost, "dispatch", "dispatcher", department="huanwei", category=first["category"]["minor"]["code"]
               ).get_json()
    lost = act(lost, "escalate", "handler-huanwei", reason="需多部门协同").get_json()
    in_step(client, leader)
    lost = act(lost, "decide", "reviewer", decision="reject", reason="不属于政府职能范围").get_json()
    assert lost["status"] == "rejected"
    third = file_case()
    third = act(third, "escalate", handler_of(third), reason="需研判").get_json()
    third = act(third, "decide", "reviewer", decision="resolve", reason="专题会议已协调解决").get_json()
    assert third["status"] == "resolved"
    in_step(client, leader)

    summary = client.get("/api/v1/stats/summary", headers=leader).get_json()
    assert summary["received"] == 4 and summary["supervised"] >= 1 and summary["rework_rate"] > 0


def test_an_accept_deadline_passing_counts_without_any_write(client, login, app, file_case, in_step):
    leader = login("leader")
    case = file_case()
    with app.app_context():
        fact = db.session.get(CaseFact, case["id"])
        assert fact.pending_accept_due is not None and fact.due_accept == 0
    assert client.get("/api/v1/stats/summary", headers=leader).get_json()["accepted_on_time_rate"] is None
    # Time passes: the deadline is behind us, and nothing wrote the case or its fact since.
    with app.app_context():
        past = utcnow() - timedelta(minutes=5)
        db.session.execute(update(Case).where(Case.id == case["id"]).values(accept_due=past))
        db.session.execute(update(CaseFact).where(CaseFact.case_id == case["id"]).values(pending_accept_due=past))
        db.session.commit()
    assert client.get("/api/v1/stats/summary", headers=leader).get_json()["accepted_on_time_rate"] == 0.0
    in_step(client, leader)


def test_a_rollback_leaves_the_rollups_alone(client, login, app, file_case, act, in_step):
    case = file_case()
    assert act(case, "accept", handler_of(case), version=case["version"] + 3).status_code == 409
    in_step(client, login("leader"))


def test_rebuild_and_check_commands(app, history):
    runner = app.test_cli_runner()
    db.session.execute(update(DailyStats).values(received=DailyStats.received + 1))
    db.session.commit()
    checked = runner.invoke(args=["rebuild-stats", "--check"])
    assert checked.exit_code == 1 and "daily differ" in checked.output
    assert runner.invoke(args=["rebuild-stats"]).exit_code == 0
    assert rollups.drift() == {}
    assert runner.invoke(args=["rebuild-stats", "--check"]).exit_code == 0
