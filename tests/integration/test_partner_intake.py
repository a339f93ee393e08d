"""Partner intake (110 转办, 路长通, 舆情): signed requests, skew and replay, idempotency, and status
changes pushed back to the partner's webhook."""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from rongetong.domain import signing
from tests.factories import INSIDE, RUBBISH


@pytest.fixture()
def partner(client, login):
    def _create(channel="police110", webhook_url=None):
        body = {"name": "市公安局110指挥中心", "channel": channel}
        if webhook_url:
            body["webhook_url"] = webhook_url
        response = client.post("/api/v1/partners", json=body, headers=login("admin"))
        assert response.status_code == 201, response.get_json()
        return response.get_json()
    return _create


def send(client, partner, body: dict, key="call-0001", channel=None, skew=0, signature=None):
    raw = json.dumps(body, ensure_ascii=False).encode()
    timestamp = str(int(time.time()) + skew)
    headers = {"Content-Type": "application/json", "X-Api-Key": partner["api_key"], "X-Timestamp": timestamp,
               "X-Signature": signature or signing.sign(partner["secret"], timestamp, raw)}
    if key:
        headers["Idempotency-Key"] = key
    return client.post(f"/api/v1/intake/{channel or partner['channel']}", data=raw, headers=headers)


CALL = {"description": "来电人称：" + RUBBISH, **INSIDE, "external_id": "110-20261125-0042",
        "reporter_phone": "13600005555"}


def test_only_admins_issue_keys_and_the_secret_is_shown_once(client, login, partner):
    issued = partner()
    assert issued["api_key"].startswith("pk_") and len(issued["secret"]) >= 32
    assert client.post("/api/v1/partners", json={"name": "x", "channel": "media"},
                       headers=login("dispatcher")).status_code == 403
    revoked = client.delete(f"/api/v1/partners/{issued['id']}", headers=login("admin")).get_json()
    assert revoked["revoked_at"] and "secret" not in revoked


def test_a_signed_call_files_one_case_per_idempotency_key(client, login, partner):
    issued = partner()
    first = send(client, issued, CALL)
    assert first.status_code == 201, first.get_json()
    case = first.get_json()
    assert (case["status"], case["external_id"]) == ("dispatched", "110-20261125-0042")
    again = send(client, issued, CALL)
    assert again.status_code == 200 and again.get_json()["id"] == case["id"]
    other = send(client, issued, CALL, key="call-0002")
    assert other.status_code == 201 and other.get_json()["id"] != case["id"]
    detail = client.get(f"/api/v1/cases/{case['id']}", headers=login("dispatcher")).get_json()
    assert detail["channel"] == "police110"


def test_bad_keys_signatures_skew_and_channels_are_refused(client, login, partner):
    issued = partner()
    assert send(client, issued, CALL, signature="0" * 64).status_code == 401
    assert send(client, issued, CALL, skew=-600).status_code == 401           # a replay of an old request
    assert send(client, issued, CALL, skew=+600).status_code == 401
    assert send(client, {**issued, "api_key": "pk_unknown"}, CALL).status_code == 401
    assert send(client, issued, CALL, channel="media").status_code == 403     # a key of another channel
    assert send(client, issued, CALL, key=None).status_code == 400
    assert send(client, issued, CALL, channel="fax").status_code == 404
    assert send(client, issued, {"description": ""}).status_code == 422
    client.delete(f"/api/v1/partners/{issued['id']}", headers=login("admin"))
    refused = send(client, issued, CALL, key="call-9999")
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "bad_signature"


class Webhook(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Webhook.received.append((self.headers["X-Timestamp"], self.headers["X-Signature"], body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_status_changes_are_pushed_back_signed(client, partner, act):
    server = HTTPServer(("127.0.0.1", 0), Webhook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Webhook.received = []
    try:
        issued = partner("road_chief", webhook_url=f"http://127.0.0.1:{server.server_port}/hook")
        case = send(client, issued, CALL | {"external_id": "LZT-77"}).get_json()
        detail = act(case, "accept", "handler-huanwei").get_json()
        assert detail["status"] == "accepted"
    finally:
        server.shutdown()
    events = [json.loads(body) for _, _, body in Webhook.received]
    assert [(e["status"], e["external_id"]) for e in events] == [("dispatched", "LZT-77"), ("accepted", "LZT-77")]
    for timestamp, signature, body in Webhook.received:
        assert signature == signing.sign(issued["secret"], timestamp, body)
