"""智能派遣 through the API: preview, police push and callback, corrections, retraining, the
versioned keyword library and the measured accuracy."""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import func, select

from rongetong.domain import signing
from rongetong.extensions import db
from rongetong.models import Case, OutboxMessage, RoutingFeedback, RoutingModelRecord
from rongetong.services import learning, police
from tests.factories import INSIDE, OUTSIDE, RUBBISH


def preview(client, headers, text, where=INSIDE):
    response = client.post("/api/v1/dispatch/preview", json={"description": text, **where}, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.mark.parametrize(("text", "major"), [
    ("楼下烧烤摊天天摆到马路上", "01"),        # never says 占道经营
    ("上次说的井盖还没修", "03"),
    (RUBBISH, "02"),
])
def test_preview_understands_paraphrases(client, login, text, major):
    answer = preview(client, login("dispatcher"), text)
    assert answer["category"]["major"]["code"] == major
    assert answer["town"] == {"code": "zhongxinjie", "name": "中心街街道"}
    assert answer["grid"]["code"] == "zhongxinjie-001"
    assert answer["department"]["code"] and answer["explanation"]
    assert 0 < answer["confidence"] <= 1 and answer["police"] is False


def test_preview_lists_the_second_problem_and_writes_nothing(app, client, login):
    def counts():
        with app.app_context():
            return [db.session.scalar(select(func.count()).select_from(m))
                    for m in (Case, OutboxMessage, RoutingModelRecord)]
    before = counts()
    answer = preview(client, login("gridworker"), "小区门口占道经营的烧烤摊天天营业，旁边的路灯也坏了一个月没人修")
    assert answer["category"]["major"]["code"] == "01"
    assert "03" in [a["major"]["code"] for a in answer["alternatives"]]
    assert counts() == before


@pytest.mark.parametrize("text", ["", "   ", "😀😡👍", "<script>alert('垃圾')</script>", "'; DROP TABLE cases; --",
                                  "垃\u200b圾\u0000没\u0007人收", "The garbage has not been collected for days",
                                  "ごみが回収されていません", "路灯不亮" + "啊" * 6000])
def test_preview_answers_hostile_input_with_a_well_formed_answer(client, login, text):
    answer = preview(client, login("dispatcher"), text)
    assert answer["outcome"] in ("dispatch", "triage")
    assert isinstance(answer["alternatives"], list) and 0 <= answer["confidence"] <= 1


def test_preview_outside_every_grid_is_triage(client, login):
    answer = preview(client, login("dispatcher"), RUBBISH, OUTSIDE)
    assert answer["outcome"] == "triage" and answer["grid"] is None and "网格" in answer["explanation"]


def test_preview_needs_a_staff_token(client):
    assert client.post("/api/v1/dispatch/preview", json={"description": "x"}).status_code == 401


# --- police ------------------------------------------------------------------------------------

FIGHT = "小区门口有几个人打架斗殴，还拿着棍子，快来人"


def signed(app, body: dict, skew: int = 0) -> tuple[bytes, dict]:
    raw = json.dumps(body).encode()
    timestamp = str(int(time.time()) + skew)
    return raw, {"Content-Type": "application/json", "X-Timestamp": timestamp,
                 "X-Signature": signing.sign(app.config["POLICE_PLATFORM_SECRET"], timestamp, raw)}


def test_police_cases_are_pushed_and_the_platform_closes_or_returns_them(app, client, file_case):
    case = file_case(FIGHT)
    assert (case["status"], case["police"]) == ("police", True)
    with app.app_context():
        assert db.session.get(Case, case["id"]).police_acknowledged_at is not None   # logged: no platform set

    raw, headers = signed(app, {"tracking_code": case["tracking_code"], "result": "closed", "note": "民警已处置"})
    forged = headers | {"X-Signature": "0" * 64}
    assert client.post("/api/v1/police/callback", data=raw, headers=forged).status_code == 401
    stale_raw, stale = signed(app, {"tracking_code": case["tracking_code"], "result": "closed"}, skew=-3600)
    assert client.post("/api/v1/police/callback", data=stale_raw, headers=stale).status_code == 401
    closed = client.post("/api/v1/police/callback", data=raw, headers=headers)
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"

    other = file_case(FIGHT)
    raw, headers = signed(app, {"tracking_code": other["tracking_code"], "result": "returned", "note": "系邻里纠纷"})
    assert client.post("/api/v1/police/callback", data=raw, headers=headers).get_json()["status"] == "triage"


class Platform(BaseHTTPRequestHandler):
    """A stand-in police platform on localhost: refuses the first push, then acknowledges."""
    received: list = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Platform.received.append((self.headers["X-Timestamp"], self.headers["X-Signature"], body))
        self.send_response(503 if len(Platform.received) == 1 else 200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_the_push_is_retried_until_the_platform_acknowledges(app, file_case):
    server = HTTPServer(("127.0.0.1", 0), Platform)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Platform.received = []
    app.config["POLICE_PLATFORM_URL"] = f"http://127.0.0.1:{server.server_port}/events"
    try:
        case = file_case(FIGHT)                      # the first push meets a 503
        with app.app_context():
            for _ in range(3):                       # what the task's retries do
                try:
                    police.push(case["id"])
                except police.PushFailed:
                    continue
            assert db.session.get(Case, case["id"]).police_acknowledged_at is not None
            assert police.push(case["id"]) is False  # acknowledged: never sent again
    finally:
        app.config["POLICE_PLATFORM_URL"] = None
        server.shutdown()
    assert len(Platform.received) == 2
    timestamp, signature, body = Platform.received[-1]
    assert signature == signing.sign(app.config["POLICE_PLATFORM_SECRET"], timestamp, body)
    assert json.loads(body)["tracking_code"] == case["tracking_code"]


# --- learning loop -----------------------------------------------------------------------------

def test_corrections_are_recorded_counted_and_retrain_the_model(app, client, login, file_case, act):
    case = file_case()
    handler = f"handler-{case['department']['code']}"
    returned = act(case, "return", handler, reason="不是我们的职责").get_json()
    redispatched = act(returned, "dispatch", "dispatcher", department="zhifa", category="0101",
                       reason="实为占道经营").get_json()
    assert redispatched["category"]["minor"]["code"] == "0101"
    with app.app_context():
        feedback = db.session.scalars(select(RoutingFeedback).where(RoutingFeedback.case_id == case["id"])
                                      .order_by(RoutingFeedback.id)).all()
        assert [(f.source, f.predicted_unit, f.corrected_unit, f.corrected_minor) for f in feedback] == [
            ("return", case["department"]["code"], None, None),
            ("redispatch", case["department"]["code"], "zhifa", "0101")]
        models_before = db.session.scalar(select(func.count(RoutingModelRecord.id)))
        record = learning.retrain()
        assert record.feedback_upto >= feedback[-1].id and record.trained_on > 0
        assert db.session.scalar(select(func.count(RoutingModelRecord.id))) == models_before + 1

    stats = client.get("/api/v1/stats/routing", headers=login("dispatcher")).get_json()
    assert stats["routed"] >= 1 and stats["corrected"] >= 1 and 0 <= stats["accuracy"] < 1
    assert stats["return_rate"] > 0
    assert {"predicted": {"code": "02", "name": "环境卫生"}, "corrected": {"code": "01", "name": "城市管理"},
            "count": 1} in stats["top_confusions"]
    assert client.get("/api/v1/stats/routing", headers=login("gridworker")).status_code == 403


# --- keyword library ---------------------------------------------------------------------------

def test_admins_edit_the_keyword_library_with_versions_and_rollback(client, login):
    admin = login("admin")
    original = client.get("/api/v1/taxonomy/minors/0303", headers=admin).get_json()
    assert original["versions"] == []
    text = "小区那个照明杆子黑咕隆咚的"
    edited = client.patch("/api/v1/taxonomy/minors/0303", headers=admin,
                          json={"keywords": original["keywords"] + ["黑咕隆咚"], "note": "加入方言说法"})
    assert edited.status_code == 200
    assert [v["version"] for v in edited.get_json()["versions"]] == [1]
    assert "黑咕隆咚" in preview(client, admin, text)["matched_keywords"]

    rolled = client.post("/api/v1/taxonomy/minors/0303/rollback", json={"version": 0}, headers=admin).get_json()
    assert rolled["keywords"] == original["keywords"] and len(rolled["versions"]) == 2
    assert "黑咕隆咚" not in preview(client, admin, text)["matched_keywords"]

    assert client.patch("/api/v1/taxonomy/minors/0303", json={"keywords": ["x"]},
                        headers=login("dispatcher")).status_code == 403
    assert client.patch("/api/v1/taxonomy/minors/0303", json={"unit": "nowhere"}, headers=admin).status_code == 422
    assert client.patch("/api/v1/taxonomy/minors/0303", json={}, headers=admin).status_code == 422
    assert client.post("/api/v1/taxonomy/minors/0303/rollback", json={"version": 9}, headers=admin).status_code == 404
    assert client.get("/api/v1/taxonomy/minors/9999", headers=admin).status_code == 404
    listed = client.get("/api/v1/taxonomy/minors?major=03", headers=admin).get_json()["items"]
    assert listed and all(m["major"]["code"] == "03" for m in listed)
