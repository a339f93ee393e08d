"""The leader's dashboard: who may open it, the grid map's counts against the cases, the embedded chart
data against the 考核 figures, hotspots and the monthly report download."""
import json
import re
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from rongetong.extensions import db
from rongetong.models import Grid, HotspotAlert, MinorCategory
from rongetong.models.types import utcnow
from rongetong.services import stats
from rongetong.services.dashboard import OPEN_STATES, period

from .conftest import sign_in

HISTORY_CASES = 150


@pytest.fixture()
def web(app, db_session):
    app.config["WTF_CSRF_ENABLED"] = True
    return app.test_client()


def page_data(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="dashboard-data">(.*?)</script>', html,
                                re.S).group(1))


@pytest.mark.parametrize("path", ["/dashboard", "/dashboard/grids.json", "/dashboard/report.xlsx"])
def test_only_leaders_supervisors_and_admins_may_open_it(web, password, path):
    anonymous = web.get(path)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    sign_in(web, "handler-office-zhongxinjie", password)
    assert web.get(path).status_code == 403


@pytest.mark.parametrize("username", ["leader", "supervisor", "admin"])
def test_readers_see_the_dashboard(web, password, username):
    sign_in(web, username, password)
    page = web.get("/dashboard")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "领导驾驶舱" in html and 'id="gridmap"' in html
    # Every asset is served by the app itself: no CDN.
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "/static/web/vendor/leaflet-1.9.4/leaflet.js" in html
    assert "/static/web/vendor/echarts-6.1.0/echarts.min.js" in html


def test_the_leader_lands_on_the_dashboard(web, password):
    assert sign_in(web, "leader", password).headers["Location"] == "/dashboard"


def test_vendored_assets_are_served(web):
    for path in ("/static/web/vendor/leaflet-1.9.4/leaflet.js", "/static/web/vendor/leaflet-1.9.4/leaflet.css",
                 "/static/web/vendor/echarts-6.1.0/echarts.min.js", "/static/web/dashboard.js"):
        assert web.get(path).status_code == 200, path


def test_grid_counts_agree_with_the_cases(web, password, history):
    now = utcnow()
    open_states = {s.value for s in OPEN_STATES}
    expected_open = Counter(c.grid_id for c in history if c.grid_id and c.status in open_states)
    expected_overdue = Counter(c.grid_id for c in history if c.grid_id and c.overdue_deadline(now))
    codes = dict(db.session.execute(select(Grid.id, Grid.code)).all())
    assert sum(expected_open.values()) > 0 and sum(expected_overdue.values()) > 0, "the history needs both"

    sign_in(web, "leader", password)
    collection = web.get("/dashboard/grids.json").get_json()
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == len(codes)              # every grid, those without cases too
    got = {f["properties"]["code"]: f["properties"] for f in collection["features"]}
    for grid_id, code in codes.items():
        assert (got[code]["open"], got[code]["overdue"]) == (expected_open[grid_id], expected_overdue[grid_id]), code
    some = collection["features"][0]
    assert some["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert {"name", "town_code", "town_name"} <= set(some["properties"])


def test_chart_data_agrees_with_the_stats(web, password, history):
    sign_in(web, "leader", password)
    data = page_data(web.get("/dashboard?days=30").get_data(as_text=True))
    p = period(30)
    figures = stats.summary(p.filter)
    assert data["figures"]["received"] == figures["received"] > 0
    assert data["figures"]["closure_rate"] == figures["closure_rate"]
    # Intake per channel and day adds up to what was received in the period.
    assert len(data["intake"]["days"]) == 30 and data["intake"]["days"][-1] == str(p.end)
    assert sum(sum(s["data"]) for s in data["intake"]["series"]) == figures["received"]
    received = [c["received"] for c in data["categories"]]
    assert 0 < len(received) <= 10 and received == sorted(received, reverse=True)
    assert data["units"] and all({"closure_rate", "on_time_closure_rate", "satisfaction_rate"} <= set(u)
                                 for u in data["units"])
    assert f'{data["figures"]["overdue_now"]}</b>' in web.get("/dashboard").get_data(as_text=True)


def test_an_unknown_period_falls_back_to_30_days(web, password):
    sign_in(web, "leader", password)
    data = page_data(web.get("/dashboard?days=abc").get_data(as_text=True))
    assert data["period"]["days"] == 30
    assert page_data(web.get("/dashboard?days=7").get_data(as_text=True))["period"]["days"] == 7


def test_hotspots_are_listed_with_a_link_to_the_grids_cases(app, web, password):
    with app.app_context():
        grid = db.session.scalar(select(Grid).where(Grid.code == "zhongxinjie-001"))
        minor = db.session.scalar(select(MinorCategory).where(MinorCategory.code == "0303"))
        now = utcnow()
        db.session.add(HotspotAlert(grid_id=grid.id, town_id=grid.town_id, minor_id=minor.id,
                                    window_start=now - timedelta(hours=24), window_end=now, recent_count=7,
                                    baseline_mean=1.2))
        db.session.commit()
        grid_name, minor_name = grid.name, minor.name
    sign_in(web, "leader", password)
    html = web.get("/dashboard").get_data(as_text=True)
    hotspots = html[html.index('id="hotspots"'):]
    assert grid_name in hotspots and minor_name in hotspots and "<b>7</b> 件" in hotspots
    assert "/cases?grid=zhongxinjie-001" in hotspots


def test_the_monthly_report_downloads(web, password):
    sign_in(web, "supervisor", password)
    report = web.get("/dashboard/report.xlsx?month=2026-10")
    assert report.status_code == 200
    assert report.mimetype.endswith("spreadsheetml.sheet") and report.data[:2] == b"PK"
    assert "rongetong-2026-10.xlsx" in report.headers["Content-Disposition"]
    assert web.get("/dashboard/report.xlsx?month=october").status_code == 400
    assert "/dashboard/report.xlsx" in web.get("/dashboard").get_data(as_text=True)
