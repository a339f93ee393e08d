"""Duplicates and merging (并案) through the JSON API and the citizen pages, on PostgreSQL."""

import pytest

from tests.factories import INSIDE, OUTSIDE

from .conftest import csrf_token

METRE_LAT = 1 / 111_320
STREETLIGHT = "建华小区3号楼门口的路灯坏了一个多星期，晚上一片漆黑"
RUBBISH_AGAIN = "建华小区3号楼门口垃圾桶满了好几天了没人清运，味道很大"


def north(metres: float, where=INSIDE) -> dict:
    return {"lat": where["lat"] + metres * METRE_LAT, "lng": where["lng"]}


def handler_of(case) -> str:
    return f"handler-{case['department']['code']}"


@pytest.fixture()
def merge(client, login):
    def _merge(primary, duplicates, username="dispatcher", reason="同一处垃圾桶，多人反映", **body):
        return client.post(f"/api/v1/cases/{primary['id']}/merge", headers=login(username),
                           json={"duplicates": [d["id"] for d in duplicates], "reason": reason, **body})
    return _merge


@pytest.fixture()
def duplicates_of(client, login):
    def _of(case, username="dispatcher"):
        return client.get(f"/api/v1/cases/{case['id']}/duplicates", headers=login(username))
    return _of


@pytest.fixture()
def lookup(client):
    def _lookup(case, phone):
        return client.get(f"/api/v1/public/cases/{case['tracking_code']}?phone_last4={phone[-4:]}").get_json()
    return _lookup


@pytest.fixture()
def rate(client):
    def _rate(case, phone, rating):
        return client.post(f"/api/v1/public/cases/{case['tracking_code']}/rating",
                           json={"phone_last4": phone[-4:], "rating": rating})
    return _rate


def test_proposals_are_open_cases_close_in_place_category_and_time_best_first(file_case, duplicates_of, act):
    case = file_case()
    near_same_words = file_case(where=north(30))
    near_other_words = file_case(RUBBISH_AGAIN, where=north(60))
    farther = file_case(where=north(190))          # the same words, near the edge of the 200 m
    too_far = file_case(where=north(400))
    other_category = file_case(STREETLIGHT, where=north(10))
    closed_early = file_case(where=north(20))
    assert other_category["category"]["major"]["code"] != case["category"]["major"]["code"]
    assert near_other_words["category"]["minor"] == case["category"]["minor"]
    escalated = act(closed_early, "escalate", handler_of(closed_early), reason="需协调").get_json()
    decided = act(escalated, "decide", "reviewer", decision="reject", reason="不属于受理范围").get_json()
    assert decided["status"] == "rejected"

    response = duplicates_of(case)
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert [i["id"] for i in items] == [near_same_words["id"], near_other_words["id"], farther["id"]]
    assert too_far["id"] not in [i["id"] for i in items]
    first = items[0]
    assert first["tracking_code"] == near_same_words["tracking_code"]
    assert 25 <= first["distance_m"] <= 35 and first["hours_apart"] < 1
    assert first["score"] > items[1]["score"] > items[2]["score"]
    assert first["status"] == "dispatched" and first["category"]["minor"] == case["category"]["minor"]
    assert first["description"]


def test_merge_makes_the_duplicate_follow_the_primary(file_case, merge, read, act, client, login):
    primary = file_case(reporter_phone="13800001111")
    duplicate = file_case(where=north(30), reporter_phone="13900002222")
    handler = handler_of(primary)
    accepted = act(primary, "accept", handler).get_json()

    response = merge(accepted, [duplicate], version=accepted["version"])
    assert response.status_code == 200, response.get_json()
    merged = response.get_json()
    assert merged["version"] > accepted["version"]
    assert [c["tracking_code"] for c in merged["merged"]] == [duplicate["tracking_code"]]
    assert merged["timeline"][-1]["action"] == "merge" and duplicate["tracking_code"] in merged["timeline"][-1]["note"]

    child = read(duplicate)
    assert child["merged_into"] == {"id": primary["id"], "tracking_code": primary["tracking_code"]}
    assert child["status"] == "accepted"                      # the primary's state
    assert child["department"] == primary["department"]       # the primary's handling
    assert child["deadlines"]["resolve_due"] == accepted["deadlines"]["resolve_due"]
    assert {a["status"] for a in child["assignments"]} == {"withdrawn"}
    assert child["timeline"][-1]["action"] == "merge" and primary["tracking_code"] in child["timeline"][-1]["note"]
    assert child["actions"] == []                             # handled on the primary

    # Handlers see the primary only; the child is not separate work.
    inbox = client.get("/api/v1/cases?per_page=200", headers=login(handler)).get_json()["items"]
    assert primary["id"] in [c["id"] for c in inbox] and duplicate["id"] not in [c["id"] for c in inbox]
    assert client.get(f"/api/v1/cases/{duplicate['id']}", headers=login(handler)).status_code == 404
    refused = act(child, "dispatch", "dispatcher", department=primary["department"]["code"])
    assert refused.status_code == 409 and primary["tracking_code"] in refused.get_json()["error"]["message"]
    assert read(duplicate)["version"] == child["version"]


def test_the_primarys_resolution_reaches_every_child_and_each_reporter_rates_their_own(
        file_case, merge, act, read, lookup, rate):
    primary = file_case(reporter_phone="13800001111")
    first = file_case(where=north(30), reporter_phone="13900002222")
    second = file_case(where=north(60), reporter_phone="13700003333")
    assert merge(primary, [first, second]).status_code == 200
    handler = handler_of(primary)
    act(primary, "accept", handler)
    resolved = act(primary, "resolve", handler, result="垃圾已清运，增设一个垃圾桶").get_json()
    assert resolved["status"] == "resolved"
    assert {c["status"] for c in resolved["merged"]} == {"resolved"}

    seen = lookup(first, "13900002222")
    assert (seen["status"], seen["can_rate"], seen["merged"]) == ("resolved", True, True)
    assert seen["result"] == "垃圾已清运，增设一个垃圾桶"
    assert seen["department"] == primary["department"]
    assert seen["timeline"][-1]["to_status"] == "resolved"

    # The first child's reporter is satisfied: their own case closes, nothing else.
    assert rate(first, "13900002222", "satisfied").get_json()["status"] == "closed"
    assert read(primary)["status"] == "resolved" and read(primary)["rating"] is None
    assert read(second)["status"] == "resolved"
    # The primary's reporter is satisfied too: the primary closes; the second child still waits for its own.
    assert rate(primary, "13800001111", "basically_satisfied").get_json()["status"] == "closed"
    assert read(second)["status"] == "resolved"
    assert rate(second, "13700003333", "satisfied").get_json()["status"] == "closed"
    ratings = {c["tracking_code"]: c["rating"] for c in read(primary)["merged"]}
    assert ratings == {first["tracking_code"]: "satisfied", second["tracking_code"]: "satisfied"}
    assert read(primary)["rating"] == "basically_satisfied"


def test_a_childs_dissatisfied_rating_reworks_the_shared_handling(file_case, merge, act, read, rate):
    primary = file_case(reporter_phone="13800001111")
    child = file_case(where=north(30), reporter_phone="13900002222")
    merge(primary, [child])
    handler = handler_of(primary)
    act(primary, "accept", handler)
    act(primary, "resolve", handler, result="已清运")

    answer = rate(child, "13900002222", "dissatisfied").get_json()
    assert answer["status"] == "dispatched" and answer["rating"] == "dissatisfied"
    reworked = read(primary)
    assert (reworked["status"], reworked["rework"], reworked["rating"]) == ("dispatched", True, None)
    assert reworked["timeline"][-1]["action"] == "rework"

    # Handled again: the child is resolved again and its reporter may rate again.
    act(reworked, "accept", handler)
    act(reworked, "resolve", handler, result="已彻底清理并每日巡查")
    again = read(child)
    assert (again["status"], again["result"]) == ("resolved", "已彻底清理并每日巡查")
    # A second 不满意 of the same handling, from any reporter, goes to first-level review.
    rate(primary, "13800001111", "dissatisfied")
    assert read(primary)["status"] == "review_l1" and read(child)["status"] == "review_l1"


def test_a_dissatisfied_child_after_the_primary_closed_is_split_off_and_reworked(
        file_case, merge, act, read, rate, client, login):
    primary = file_case(reporter_phone="13800001111")
    child = file_case(where=north(30), reporter_phone="13900002222")
    merge(primary, [child])
    handler = handler_of(primary)
    act(primary, "accept", handler)
    act(primary, "resolve", handler, result="已清运")
    rate(primary, "13800001111", "satisfied")

    assert rate(child, "13900002222", "dissatisfied").status_code == 200
    split = read(child)
    assert split["merged_into"] is None and split["status"] == "dispatched"
    assert split["department"] == primary["department"] and split["rework"] is True
    assert read(primary)["status"] == "closed" and read(primary)["merged"] == []
    inbox = client.get("/api/v1/cases?per_page=200", headers=login(handler)).get_json()["items"]
    assert child["id"] in [c["id"] for c in inbox]


def test_a_rejected_primary_rejects_its_children_and_review_sees_the_primary_only(
        file_case, merge, act, read, client, login):
    primary = file_case(where=OUTSIDE)
    child = file_case(where=north(20, OUTSIDE))
    assert (primary["status"], child["status"]) == ("triage", "triage")
    merge(primary, [child])
    escalated = act(primary, "escalate", "dispatcher", reason="需研判").get_json()
    assert read(child)["status"] == "review_l1"
    queue = client.get("/api/v1/review/queue?level=1", headers=login("reviewer")).get_json()["items"]
    assert primary["id"] in [c["id"] for c in queue] and child["id"] not in [c["id"] for c in queue]
    act(escalated, "decide", "reviewer", decision="reject", reason="不属于受理范围")
    assert read(child)["status"] == "rejected"
    assert read(child)["timeline"][-1]["action"] == "decide_reject"


def test_refused_merges_change_nothing(file_case, merge, act, read):
    primary = file_case()
    other = file_case(where=north(30))
    child = file_case(where=north(40))
    assert merge(primary, [child]).status_code == 200
    closed = file_case(where=north(50))
    escalated = act(closed, "escalate", handler_of(closed), reason="x").get_json()
    act(escalated, "decide", "reviewer", decision="reject", reason="不予受理")
    before = {c["id"]: read(c) for c in (primary, other, child, closed)}

    cases = [
        (merge(primary, [primary]), 422, "自身"),                     # into itself
        (merge(child, [other]), 409, "不能作为主件"),                  # into a merged case
        (merge(other, [child]), 409, "已并入"),                         # a case already merged
        (merge(other, [primary]), 409, "主件"),                         # a primary with children
        (merge(primary, [other, closed]), 409, "rejected"),             # one refused: none merged
        (merge(closed, [other]), 409, "rejected"),
        (merge(primary, [other], version=1), 409, "版本"),
        (merge(primary, [{"id": 999999}]), 404, "999999"),
        (merge(primary, []), 422, None),
        (merge(primary, [other], reason=""), 422, None),
    ]
    for response, status, words in cases:
        assert response.status_code == status, response.get_json()
        if words:
            assert words in response.get_json()["error"]["message"]
    for case_id, was in before.items():
        now = read({"id": case_id})
        assert (now["status"], now["version"], len(now["timeline"]), now["merged_into"], len(now["merged"])) == (
            was["status"], was["version"], len(was["timeline"]), was["merged_into"], len(was["merged"]))


def test_roles(file_case, merge, duplicates_of):
    case = file_case()
    other = file_case(where=north(30))
    for username in ("leader", "supervisor", "admin", "dispatcher"):
        assert duplicates_of(case, username).status_code == 200
    for username in (handler_of(case), "gridworker", "reviewer", "officer"):
        assert duplicates_of(case, username).status_code == 403
    for username in (handler_of(case), "leader", "admin", "reviewer"):
        response = merge(case, [other], username)
        assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"


def test_the_openapi_document_declares_the_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "get" in paths["/cases/{id}/duplicates"]
    merge_op = paths["/cases/{id}/merge"]["post"]
    assert merge_op["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/MergeRequest")



def test_a_merged_citizen_follows_and_rates_on_the_mobile_pages(app, file_case, merge, act, read):
    primary = file_case(reporter_phone="13800001111")
    child = file_case(where=north(30), reporter_phone="13900002222")
    merge(primary, [child])
    web = app.test_client()
    page = web.get("/m/track").get_data(as_text=True)
    found = web.post("/m/track", data={"csrf_token": csrf_token(page), "code": child["tracking_code"],
                                       "phone_last4": "2222"})
    assert found.status_code == 302
    progress = web.get(f"/m/cases/{child['tracking_code']}").get_data(as_text=True)
    assert "已派遣" in progress and "合并办理" in progress     # the primary's state

    handler = handler_of(primary)
    act(primary, "accept", handler)
    act(primary, "resolve", handler, result="已清运")
    page = web.get(f"/m/cases/{child['tracking_code']}").get_data(as_text=True)
    assert "已办结" in page and "提交评价" in page and "已清运" in page
    rated = web.post(f"/m/cases/{child['tracking_code']}", data={"csrf_token": csrf_token(page), "rating": "satisfied"},
                     follow_redirects=True).get_data(as_text=True)
    assert "感谢您的评价" in rated and "已结案" in rated
    assert read(child)["status"] == "closed" and read(primary)["status"] == "resolved"
