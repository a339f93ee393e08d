"""The whole lifecycle over HTTP, against PostgreSQL and a real celery worker on Redis."""
import pytest

from tests.factories import INSIDE as INSIDE_GRID
from tests.factories import RUBBISH as COMPLAINT

pytestmark = pytest.mark.worker

PHONE = "13905321234"


def routed(case):
    return case["status"] != "submitted"


def test_a_case_goes_from_filing_to_closed(api, worker, password):
    grid_worker = api.token("gridworker", password)
    filed = api.post("/cases", {"description": COMPLAINT, **INSIDE_GRID, "reporter_phone": PHONE}, grid_worker)
    assert filed.status_code == 201, filed.text
    case_id, code = filed.json()["id"], filed.json()["tracking_code"]

    case = api.wait_for(f"/cases/{case_id}", grid_worker, routed)
    assert case["status"] == "dispatched", case["routing"]
    assert case["grid"]["code"] == "zhongxinjie-001"
    assert case["category"]["major"]["code"] == "02"
    assert case["deadlines"]["accept_due"] and case["deadlines"]["resolve_due"]
    assert [e["action"] for e in case["timeline"]] == ["submit", "route"]

    handler = api.token(f"handler-{case['department']['code']}", password)
    accepted = api.post(f"/cases/{case_id}/accept", {"version": case["version"]}, handler)
    assert accepted.status_code == 200, accepted.text
    resolved = api.post(f"/cases/{case_id}/resolve", {"result": "已清运并对垃圾桶消杀"}, handler)
    assert resolved.json()["status"] == "resolved"

    public = api.get(f"/public/cases/{code}", phone_last4=PHONE[-4:]).json()
    assert public["status"] == "resolved" and public["can_rate"]
    assert public["reporter"]["phone"] == "139****1234"
    rated = api.post(f"/public/cases/{code}/rating", {"phone_last4": PHONE[-4:], "rating": "satisfied"})
    assert rated.status_code == 200, rated.text
    assert rated.json()["status"] == "closed"

    final = api.get(f"/cases/{case_id}", api.token("dispatcher", password)).json()
    assert final["status"] == "closed" and final["rating"] == "satisfied"
    assert [e["action"] for e in final["timeline"]] == ["submit", "route", "accept", "resolve", "close"]


def test_a_stale_version_and_a_wrong_role_change_nothing(api, worker, password):
    grid_worker = api.token("gridworker", password)
    case_id = api.post("/cases", {"description": COMPLAINT, **INSIDE_GRID}, grid_worker).json()["id"]
    case = api.wait_for(f"/cases/{case_id}", grid_worker, routed)
    handler = api.token(f"handler-{case['department']['code']}", password)

    stale = api.post(f"/cases/{case_id}/accept", {"version": case["version"] - 1}, handler)
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "version_conflict"

    wrong_role = api.post(f"/cases/{case_id}/accept", {"version": case["version"]}, api.token("dispatcher", password))
    assert wrong_role.status_code == 403
    assert wrong_role.json()["error"]["code"] == "forbidden"

    after = api.get(f"/cases/{case_id}", handler).json()
    assert (after["status"], after["version"], len(after["timeline"])) == ("dispatched", case["version"], 2)
