"""未诉先办: the hotspot sweep raises one alert per spike, and the dispatcher and the town office see it."""
from datetime import timedelta
from itertools import count

import pytest
from sqlalchemy import select

from rongetong.extensions import db
from rongetong.models import Case, Grid, HotspotAlert, MinorCategory, OutboxMessage, Town
from rongetong.models.types import utcnow
from rongetong.services.hotspots import detect_hotspots

_codes = count(1)


def _add_cases(grid: Grid, minor: MinorCategory, moments) -> None:
    for moment in moments:
        db.session.add(Case(
            tracking_code=f"RETEST{next(_codes):06d}", status="dispatched", description="测试：热点预警",
            channel="grid", grid_id=grid.id, town_id=grid.town_id, minor_id=minor.id, major_id=minor.major_id,
            police=False, urgent=False, return_count=0, dissatisfied_count=0, extension_count=0, rework=False,
            version=1, created_at=moment, updated_at=moment))
    db.session.commit()


@pytest.fixture()
def place(app, db_session):
    """Two grids of different towns, a third town, and a minor category, by id and code."""
    with app.app_context():
        towns = db.session.scalars(select(Town).order_by(Town.code)).all()
        first = db.session.scalars(select(Grid).where(Grid.town_id == towns[0].id).order_by(Grid.code)).first()
        second = db.session.scalars(select(Grid).where(Grid.town_id == towns[1].id).order_by(Grid.code)).first()
        minor = db.session.scalars(select(MinorCategory).order_by(MinorCategory.code)).first()
        return {"grid": first.id, "steady_grid": second.id, "minor": minor.id, "town": towns[0].code,
                "other_town": towns[2].code, "grid_code": first.code, "minor_code": minor.code}


def _spike(app, place, grid_key="grid"):
    """One case a day over the 14-day baseline, then 5 in the last few hours."""
    now = utcnow()
    with app.app_context():
        grid, minor = db.session.get(Grid, place[grid_key]), db.session.get(MinorCategory, place["minor"])
        _add_cases(grid, minor, [now - timedelta(days=d, hours=2) for d in range(1, 15)])
        _add_cases(grid, minor, [now - timedelta(hours=h) for h in range(1, 6)])
    return now


def test_a_spike_is_alerted_once_and_notified(app, place):
    now = _spike(app, place)
    with app.app_context():
        assert detect_hotspots(now=now) == 1
        alert = db.session.scalars(select(HotspotAlert)).one()
        assert (alert.grid_id, alert.minor_id, alert.recent_count) == (place["grid"], place["minor"], 5)
        assert alert.baseline_mean == 1.0
        assert alert.town_id == db.session.get(Grid, place["grid"]).town_id
        assert alert.notified_at is not None          # the notification ran in-process after the commit
        messages = db.session.scalars(select(OutboxMessage).where(OutboxMessage.task == "notify.hotspots")).all()
        assert [m.payload for m in messages] == [{"ids": [alert.id]}]
        assert detect_hotspots(now=now) == 0          # the same window: nothing new
        assert detect_hotspots(now=now + timedelta(minutes=30)) == 0   # the next windows: the same spike
        assert db.session.scalars(select(HotspotAlert)).all() == [alert]


def test_steady_counts_raise_nothing(app, place):
    now = utcnow()
    with app.app_context():
        grid, minor = db.session.get(Grid, place["steady_grid"]), db.session.get(MinorCategory, place["minor"])
        _add_cases(grid, minor, [now - timedelta(days=d, hours=h) for d in range(1, 15) for h in (2, 4, 6)])
        _add_cases(grid, minor, [now - timedelta(hours=h) for h in (1, 3, 5)])
        assert detect_hotspots(now=now) == 0
        assert db.session.scalars(select(HotspotAlert)).all() == []


def test_the_dispatcher_and_the_town_office_see_the_alert(app, client, login, place):
    now = _spike(app, place)
    with app.app_context():
        assert detect_hotspots(now=now) == 1

    body = client.get("/api/v1/stats/hotspots", headers=login("dispatcher")).get_json()
    assert len(body["items"]) == 1
    item = body["items"][0]
    assert item["grid"]["code"] == place["grid_code"]
    assert item["category"]["minor"]["code"] == place["minor_code"]
    assert item["category"]["major"]["code"]
    assert (item["recent_count"], item["baseline_mean"], item["score"]) == (5, 1.0, 5.0)
    assert item["window_start"].endswith("+08:00") and item["window_end"].endswith("+08:00")
    assert item["acknowledged"] is False

    office = login(f"handler-office-{place['town']}")
    assert [i["id"] for i in client.get("/api/v1/stats/hotspots", headers=office).get_json()["items"]] == [item["id"]]
    other = login(f"handler-office-{place['other_town']}")
    assert client.get("/api/v1/stats/hotspots", headers=other).get_json()["items"] == []
    assert client.post(f"/api/v1/stats/hotspots/{item['id']}/acknowledge", headers=other).status_code == 404

    response = client.post(f"/api/v1/stats/hotspots/{item['id']}/acknowledge", headers=office)
    assert response.status_code == 200 and response.get_json()["acknowledged"] is True
    assert client.get("/api/v1/stats/hotspots", headers=login("dispatcher")).get_json()["items"][0]["acknowledged"]


def test_who_may_read_hotspots(client, login):
    assert client.get("/api/v1/stats/hotspots").status_code == 401
    assert client.get("/api/v1/stats/hotspots", headers=login("gridworker")).status_code == 403
    assert client.get("/api/v1/stats/hotspots", headers=login("handler-huanwei")).status_code == 403
    assert client.get("/api/v1/stats/hotspots", headers=login("leader")).status_code == 200
    assert client.get("/api/v1/stats/summary", headers=login("leader")).status_code == 200   # the others still work
