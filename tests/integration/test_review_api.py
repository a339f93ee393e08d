"""三级跳: first- and second-level review queues, meetings, and work split among units."""
from tests.factories import OUTSIDE


def escalated_case(file_case, act):
    case = file_case()
    return act(case, "escalate", f"handler-{case['department']['code']}", reason="涉及多个部门").get_json()


def test_queues_by_level_and_role(client, login, file_case, act):
    case = escalated_case(file_case, act)
    queue = client.get("/api/v1/review/queue?per_page=200", headers=login("reviewer")).get_json()
    assert queue["level"] == 1 and case["id"] in [c["id"] for c in queue["items"]]
    assert client.get("/api/v1/review/queue?level=2", headers=login("reviewer")).status_code == 403
    assert client.get("/api/v1/review/queue", headers=login("handler-huanwei")).status_code == 403
    to_l2 = act(case, "decide", "reviewer", decision="escalate", reason="提请二级研判").get_json()
    leaders = client.get("/api/v1/review/queue?per_page=200", headers=login("leader")).get_json()
    assert leaders["level"] == 2 and to_l2["id"] in [c["id"] for c in leaders["items"]]


def test_a_meeting_records_the_cases_it_discussed(client, login, file_case, act):
    case = escalated_case(file_case, act)
    not_in_review = file_case(where=OUTSIDE)
    headers = login("reviewer")
    meeting = {"title": "第 12 次专题会议", "held_at": "2026-11-20T09:00:00+08:00",
               "attendees": ["王专家", "李专家"], "case_ids": [case["id"]], "minutes": "议定：环卫主办，执法协办"}
    created = client.post("/api/v1/review/meetings", json=meeting, headers=headers)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["level"] == 1 and [c["id"] for c in body["cases"]] == [case["id"]]
    assert client.get(f"/api/v1/review/meetings/{body['id']}", headers=login("supervisor")).get_json() == body
    listed = client.get("/api/v1/review/meetings?level=1", headers=headers).get_json()
    assert body["id"] in [m["id"] for m in listed["items"]]

    off_agenda = client.post("/api/v1/review/meetings", json=meeting | {"case_ids": [not_in_review["id"]]},
                             headers=headers)
    assert off_agenda.status_code == 422
    naive = client.post("/api/v1/review/meetings", json=meeting | {"held_at": "2026-11-20T09:00:00"}, headers=headers)
    assert naive.status_code == 422
    assert client.post("/api/v1/review/meetings", json=meeting, headers=login("dispatcher")).status_code == 403


def test_split_work_resolves_when_the_lead_and_every_assisting_unit_are_done(client, login, file_case, act):
    case = escalated_case(file_case, act)
    assigned = act(case, "decide", "reviewer", decision="assign", reason="专题会议分工", department="huanwei",
                   assisting=[{"unit": "zhifa", "task": "清理占道摊点", "working_days": 2}, "shijian"]).get_json()
    tasks = {a["unit"]["code"]: a for a in assigned["assignments"] if a["status"] == "open"}
    assert set(tasks) == {"huanwei", "zhifa", "shijian"}
    assert tasks["zhifa"]["due_at"] < tasks["huanwei"]["due_at"] == tasks["shijian"]["due_at"]

    # Assisting units see the case in their inbox and report their part.
    inbox = client.get("/api/v1/cases?per_page=200", headers=login("handler-zhifa")).get_json()
    assert case["id"] in [c["id"] for c in inbox["items"]]
    assert act(assigned, "assist_done", "handler-sifa", result="x").status_code == 404
    accepted = act(assigned, "accept", "handler-huanwei").get_json()
    done = act(accepted, "assist_done", "handler-zhifa", result="已清理摊点 3 处")
    assert done.status_code == 200 and done.get_json()["status"] == "accepted"

    early = act(accepted, "resolve", "handler-huanwei", result="垃圾已清运")
    assert early.status_code == 409
    assert early.get_json()["error"]["details"]["open_assisting"] == ["区市场监督管理局"]
    act(accepted, "assist_done", "handler-shijian", result="已约谈商户")
    assert act(accepted, "assist_done", "handler-shijian", result="again").status_code == 403
    resolved = act(accepted, "resolve", "handler-huanwei", result="垃圾已清运").get_json()
    assert resolved["status"] == "resolved"
    assert {a["status"] for a in resolved["assignments"] if a["unit"]["code"] != "huanwei" or a["role"] == "lead"} \
        >= {"done"}


def test_second_level_decisions_are_final(file_case, act):
    case = escalated_case(file_case, act)
    l2 = act(case, "decide", "reviewer", decision="escalate", reason="重大事项").get_json()
    rejected = act(l2, "decide", "leader", decision="reject", reason="不属于政府职能范围，已告知").get_json()
    assert rejected["status"] == "rejected" and rejected["actions"] == []
    assert act(rejected, "decide", "leader", decision="assign", reason="x", department="huanwei").status_code == 409
