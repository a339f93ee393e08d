"""考核 figures agree with the cases they summarise, on a generated history."""
import pytest

from rongetong.domain.metrics import Counts, rates
from rongetong.models.types import utcnow

HISTORY_CASES = 200


def expected(cases) -> dict:
    """The definitions of domain.metrics, applied case by case in Python."""
    now = utcnow()
    resolved = [c for c in cases if c.resolved_at and c.status in ("resolved", "closed")]
    latest = [c.ratings[-1].rating for c in cases if c.ratings]
    records = [r for c in cases for r in c.supervision_records]
    hours = [c.handling_working_hours for c in cases if c.handling_working_hours is not None]
    return rates(Counts(
        received=len(cases),
        to_handle=sum(c.status not in ("rejected", "police") for c in cases),
        dispatched=sum(c.dispatched_at is not None for c in cases),
        due_accept=sum(c.dispatched_at is not None and (c.accepted_at is not None
                                                        or c.accept_due is not None and c.accept_due < now)
                       for c in cases),
        accepted_on_time=sum(c.accepted_at is not None and c.accepted_at <= c.accept_due for c in cases),
        returned=sum(c.return_count > 0 for c in cases),
        resolved=len(resolved), resolved_on_time=sum(c.resolved_at <= c.resolve_due for c in resolved),
        reworked=sum(c.rework for c in resolved),
        rated=len(latest), satisfied=sum(r in ("satisfied", "basically_satisfied") for r in latest),
        supervised=len(records), supervision_closed=sum(r.status == "closed" for r in records),
        handling_hours_total=sum(hours), handling_hours_cases=len(hours))).as_dict()


def test_the_summary_agrees_with_the_cases(client, login, history):
    summary = client.get("/api/v1/stats/summary", headers=login("leader")).get_json()
    want = expected(history)
    assert summary["received"] == 203
    for name, value in want.items():
        assert summary[name] == pytest.approx(value, abs=1e-3), name
    assert 0 < summary["closure_rate"] <= 1 and summary["avg_handling_working_hours"] > 0


def test_groups_add_up_and_are_ranked(client, login, history):
    headers = login("supervisor")
    units = client.get("/api/v1/stats/units", headers=headers).get_json()["items"]
    assert sum(u["received"] for u in units) == sum(c.unit_id is not None for c in history)
    scored = [u for u in units if u["score"] is not None]
    assert [u["rank"] for u in scored][0] == 1 and scored == sorted(scored, key=lambda u: -u["score"])
    towns = client.get("/api/v1/stats/towns", headers=headers).get_json()["items"]
    assert sum(t["received"] for t in towns) == sum(c.town_id is not None for c in history)
    one = next(t for t in towns if t["town"]["code"] == "zhongxinjie")
    assert one == {"town": one["town"], "rank": one["rank"],
                   **expected([c for c in history if c.town and c.town.code == "zhongxinjie"])} | {"rank": one["rank"]}
    categories = client.get("/api/v1/stats/categories?channel=grid", headers=headers).get_json()["items"]
    assert sum(c["received"] for c in categories) == sum(c.major_id is not None and c.channel == "grid"
                                                         for c in history)
    days = client.get("/api/v1/stats/trend", headers=headers).get_json()["items"]
    assert sum(d["received"] for d in days) == 203 and days == sorted(days, key=lambda d: d["date"])


def test_filters_and_refusals(client, login, history):
    headers = login("leader")
    today = utcnow().astimezone().date().isoformat()
    assert client.get(f"/api/v1/stats/summary?from={today}&to={today}", headers=headers).status_code == 200
    assert client.get("/api/v1/stats/summary?from=soon", headers=headers).status_code == 422
    assert client.get("/api/v1/stats/units", headers=login("handler-huanwei")).status_code == 403
    assert client.get("/api/v1/stats/everything", headers=headers).status_code == 404
    future = client.get("/api/v1/stats/summary?from=2031-01-01", headers=headers).get_json()
    assert future["received"] == 0 and future["closure_rate"] is None
