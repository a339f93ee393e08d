"""The case lifecycle through the JSON API on PostgreSQL (each test rolled back)."""
from tests.factories import INSIDE, OUTSIDE, RUBBISH


def handler_of(case):
    return f"handler-{case['department']['code']}"


def test_filing_routes_the_case_to_its_grid_and_unit(file_case):
    case = file_case(reporter_phone="13812345678", reporter_name="王先生")
    assert case["status"] == "dispatched"
    assert case["tracking_code"].startswith("RE") and len(case["tracking_code"]) == 12
    assert case["grid"]["code"] == "zhongxinjie-001" and case["town"]["code"] == "zhongxinjie"
    assert case["category"]["major"]["code"] == "02"
    assert case["channel"] == "grid"
    assert case["reporter"] == {"name": "王**", "phone": "138****5678"}
    assert case["deadlines"]["accept_due"] < case["deadlines"]["resolve_due"]
    assert [(e["action"], e["from_status"], e["to_status"]) for e in case["timeline"]] == [
        ("submit", None, "submitted"), ("route", "submitted", "dispatched")]
    assert case["routing"]["matched_keywords"]


def test_a_point_outside_every_grid_goes_to_triage(file_case):
    case = file_case(where=OUTSIDE)
    assert case["status"] == "triage"
    assert "网格" in case["routing"]["reason"]


def test_accept_then_resolve(file_case, act):
    case = file_case()
    accepted = act(case, "accept", handler_of(case), version=case["version"])
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "accepted"
    resolved = act(accepted.get_json(), "resolve", handler_of(case), result="已清运")
    assert resolved.get_json()["status"] == "resolved" and resolved.get_json()["result"] == "已清运"


def test_an_action_the_state_does_not_allow_is_409_and_changes_nothing(file_case, act, read):
    case = file_case()
    response = act(case, "resolve", handler_of(case), result="已处理")
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "invalid_transition"
    assert read(case)["version"] == case["version"]


def test_a_stale_version_is_409_and_changes_nothing(file_case, act, read):
    case = file_case()
    response = act(case, "accept", handler_of(case), version=case["version"] + 5)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "version_conflict"
    after = read(case)
    assert (after["status"], after["version"], len(after["timeline"])) == ("dispatched", case["version"], 2)


def test_a_handler_cannot_see_or_touch_another_units_case(client, login, file_case, act):
    case = file_case()
    other = "handler-sifa" if case["department"]["code"] != "sifa" else "handler-zhifa"
    assert client.get(f"/api/v1/cases/{case['id']}", headers=login(other)).status_code == 404
    assert act(case, "accept", other).status_code == 404
    listed = client.get("/api/v1/cases?per_page=200", headers=login(other)).get_json()
    assert case["id"] not in [c["id"] for c in listed["items"]]
    own = client.get("/api/v1/cases?per_page=200&status=dispatched", headers=login(handler_of(case))).get_json()
    assert case["id"] in [c["id"] for c in own["items"]]


def test_return_sends_the_case_to_triage_and_a_second_return_to_review(file_case, act):
    case = file_case()
    handler = handler_of(case)
    assert act(case, "return", handler).status_code == 422           # a reason is required
    returned = act(case, "return", handler, reason="不属于本单位职责").get_json()
    assert (returned["status"], returned["department"]) == ("triage", None)
    assert returned["timeline"][-1]["note"] == "不属于本单位职责"

    redispatched = act(returned, "dispatch", "dispatcher", department=case["department"]["code"]).get_json()
    assert redispatched["status"] == "dispatched"
    again = act(redispatched, "return", handler, reason="仍不属于本单位").get_json()
    assert again["status"] == "review_l1"
    assert [e["action"] for e in again["timeline"]][-2:] == ["return", "escalate"]
    assert again["timeline"][-1]["actor"] == "系统"


def test_dispatch_to_an_unknown_unit_is_422(file_case, act):
    case = file_case(where=OUTSIDE)
    response = act(case, "dispatch", "dispatcher", department="no-such-unit")
    assert response.status_code == 422


def test_extension_is_asked_by_the_handler_and_approved_by_the_dispatcher(file_case, act):
    case = file_case()
    handler = handler_of(case)
    accepted = act(case, "accept", handler).get_json()
    assert act(accepted, "extend", handler, working_days=11, reason="需采购配件").status_code == 422
    asked = act(accepted, "extend", handler, working_days=3, reason="需采购配件").get_json()
    assert asked["pending_extension_days"] == 3
    assert act(asked, "approve_extension", handler).status_code == 403
    approved = act(asked, "approve_extension", "dispatcher").get_json()
    assert approved["deadlines"]["resolve_due"] > accepted["deadlines"]["resolve_due"]
    assert "pending_extension_days" not in approved
    assert act(approved, "approve_extension", "dispatcher").status_code == 422   # nothing pending


def test_review_assigns_escalates_and_decides(file_case, act):
    case = file_case()
    escalated = act(case, "escalate", handler_of(case), reason="涉及多个部门").get_json()
    assert escalated["status"] == "review_l1"
    assert act(escalated, "decide", "reviewer", decision="assign", reason="交办").status_code == 422
    assigned = act(escalated, "decide", "reviewer", decision="assign", reason="专题会议：环卫主办，执法协办",
                   department="huanwei", assisting=["zhifa"]).get_json()
    assert (assigned["status"], assigned["department"]["code"]) == ("dispatched", "huanwei")
    assert {(a["unit"]["code"], a["role"]) for a in assigned["assignments"] if a["status"] == "open"} == {
        ("huanwei", "lead"), ("zhifa", "assist")}

    again = act(assigned, "escalate", "handler-huanwei", reason="仍需协调").get_json()
    to_l2 = act(again, "decide", "reviewer", decision="escalate", reason="提请二级研判").get_json()
    assert to_l2["status"] == "review_l2"
    assert act(to_l2, "decide", "reviewer", decision="resolve", reason="x").status_code == 403
    assert act(to_l2, "decide", "leader", decision="escalate", reason="x").status_code == 409
    final = act(to_l2, "decide", "leader", decision="resolve", reason="领导小组决定：纳入年度改造计划").get_json()
    assert final["status"] == "resolved"


def test_the_citizen_files_looks_up_and_rates(client):
    filed = client.post("/api/v1/public/cases", json={"description": RUBBISH, **INSIDE, "phone": "13912340000"})
    assert filed.status_code == 201
    code = filed.get_json()["tracking_code"]
    lookup = client.get(f"/api/v1/public/cases/{code}?phone_last4=0000")
    assert lookup.status_code == 200 and lookup.get_json()["status"] == "dispatched"
    assert lookup.get_json()["reporter"]["phone"] == "139****0000"

    early = client.post(f"/api/v1/public/cases/{code}/rating", json={"phone_last4": "0000", "rating": "satisfied"})
    assert early.status_code == 409


def test_a_wrong_phone_answers_exactly_like_an_unknown_code(client):
    code = client.post("/api/v1/public/cases", json={"description": RUBBISH, **INSIDE,
                                                     "phone": "13912340000"}).get_json()["tracking_code"]
    wrong_phone = client.get(f"/api/v1/public/cases/{code}?phone_last4=9999")
    unknown = client.get("/api/v1/public/cases/RE2222222222?phone_last4=0000")
    assert wrong_phone.status_code == unknown.status_code == 404
    assert wrong_phone.get_json() == unknown.get_json()


def test_dissatisfied_twice_reworks_then_goes_to_review(client, file_case, act):
    case = file_case(reporter_phone="13700001111")
    handler = handler_of(case)

    def resolve_and_rate(current, rating):
        accepted = act(current, "accept", handler).get_json()
        act(accepted, "resolve", handler, result="已处理")
        response = client.post(f"/api/v1/public/cases/{case['tracking_code']}/rating",
                               json={"phone_last4": "1111", "rating": rating, "comment": "没解决"})
        assert response.status_code == 200
        return response.get_json()

    first = resolve_and_rate(case, "dissatisfied")
    assert first["status"] == "dispatched" and first["department"]["code"] == case["department"]["code"]
    second = resolve_and_rate(case, "dissatisfied")
    assert second["status"] == "review_l1"


def test_lists_filter_and_page(client, login, file_case):
    first, second = file_case(), file_case(where=OUTSIDE)
    headers = login("dispatcher")
    triage = client.get("/api/v1/cases?status=triage&per_page=200", headers=headers).get_json()
    ids = [c["id"] for c in triage["items"]]
    assert second["id"] in ids and first["id"] not in ids
    page = client.get("/api/v1/cases?per_page=1&page=2", headers=headers).get_json()
    assert page["page"] == 2 and page["per_page"] == 1 and len(page["items"]) == 1 and page["total"] >= 2
    dept = client.get(f"/api/v1/cases?department={first['department']['code']}&per_page=200",
                      headers=headers).get_json()
    assert first["id"] in [c["id"] for c in dept["items"]]
    not_overdue = client.get("/api/v1/cases?overdue=false&per_page=200", headers=headers).get_json()
    assert first["id"] in [c["id"] for c in not_overdue["items"]]
    assert client.get("/api/v1/cases?per_page=500", headers=headers).status_code == 422
    assert client.get("/api/v1/cases?overdue=maybe", headers=headers).status_code == 422


def test_bad_input_never_half_writes(client, login):
    headers = login("gridworker")
    before = client.get("/api/v1/cases", headers=login("dispatcher")).get_json()["total"]
    for body in ({"description": "", "lat": 34.86, "lng": 117.55},
                 {"description": "x", "lat": 200, "lng": 117.55},
                 {"description": "x", "lat": "north", "lng": 117.55},
                 {"description": "x" * 6000, "lat": 34.86, "lng": 117.55},
                 {"description": "x", "lat": 34.86, "lng": 117.55, "reporter_phone": "call me"},
                 [1, 2, 3]):
        assert client.post("/api/v1/cases", json=body, headers=headers).status_code in (400, 422), body
    assert client.get("/api/v1/cases", headers=login("dispatcher")).get_json()["total"] == before
