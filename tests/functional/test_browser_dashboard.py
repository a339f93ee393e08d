"""The leader's dashboard and the admin pages in a real browser: headless Chromium (Debian's package)
driven by Playwright, against the app served over HTTP on PostgreSQL with a real worker routing the
cases filed for it. Nothing may load from outside 127.0.0.1 and no page may log a console error.
Screenshots go to test-artifacts/."""
from urllib.parse import urlsplit

import pytest

from rongetong.services.taxonomy import read_csv

from .conftest import Api, shot, sign_in

pytestmark = pytest.mark.worker

CHANNELS = ("hotline", "media", "road_chief", "police110", "grid", "grid")


@pytest.fixture()
def problems(page) -> list[str]:
    """What went wrong on the page: console errors, uncaught exceptions, requests leaving 127.0.0.1."""
    found = []

    def console(message):
        # The browser's own /favicon.ico probe on pages without an icon link (the login page) is not the page's.
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            found.append(f"console: {message.text} at {message.location}")
    page.on("console", console)
    page.on("pageerror", lambda e: found.append(f"page error: {e}"))

    def outside(request):
        parts = urlsplit(request.url)
        if parts.scheme not in ("data", "blob", "about") and parts.hostname != "127.0.0.1":
            found.append(f"request outside the machine: {request.url}")
    page.on("request", outside)
    return found


def refused_as_expected(problems: list[str], path: str) -> None:
    """A form refused on purpose answers 422, which Chromium logs as a failed load: that one is expected."""
    expected = [p for p in problems if "status of 422" in p and f"{path}'" in p]
    assert len(expected) == 1, problems
    problems.remove(expected[0])


@pytest.fixture(scope="module")
def cases_on_the_map(live_server, worker, password):
    """A dozen cases across the district, of several categories and channels, routed by the worker."""
    api = Api(live_server)
    dispatcher = api.token("dispatcher", password)
    grids = api.get("/geo/grids").json()["features"]
    texts = [row["text"] for row in read_csv("demo_complaints.csv")[::40]][:12]
    filed = []
    for index, text in enumerate(texts):
        ring = grids[(index * 37) % len(grids)]["geometry"]["coordinates"][0]
        ring = ring[0] if isinstance(ring[0][0], list) else ring
        lng, lat = (sum(p[0] for p in ring[:-1]) / (len(ring) - 1), sum(p[1] for p in ring[:-1]) / (len(ring) - 1))
        response = api.post("/cases", {"description": text, "lat": lat, "lng": lng,
                                       "channel": CHANNELS[index % len(CHANNELS)]}, dispatcher)
        assert response.status_code == 201, response.text
        filed.append(response.json()["id"])
    for case_id in filed:
        api.wait_for(f"/cases/{case_id}", dispatcher, lambda body: body["status"] != "submitted")
    return filed


def test_the_leader_sees_the_grid_map_and_charts(page, problems, live_server, password, cases_on_the_map):
    sign_in(page, live_server, "leader", password)
    page.wait_for_url("**/dashboard")
    page.wait_for_function("document.querySelectorAll('path.leaflet-interactive').length > 0")
    polygons = page.locator("path.leaflet-interactive").count()
    assert polygons == int(page.get_attribute("#gridmap", "data-grids")) > 0
    # Grids with open cases are coloured: not every polygon has the "no open case" fill.
    fills = page.eval_on_selector_all("path.leaflet-interactive", "ps => ps.map(p => p.getAttribute('fill'))")
    assert len(set(fills)) > 1, set(fills)
    assert page.locator("#chart-intake canvas").count() == 1
    assert page.locator("#chart-categories canvas").count() == 1
    assert page.locator("#chart-units canvas").count() == 1
    assert int(page.inner_text("#figures .figure >> nth=0 >> b")) >= len(cases_on_the_map)
    page.wait_for_timeout(300)  # let ECharts finish its first paint
    shot(page, "dashboard")

    # The tooltip names the grid; a click opens that grid's cases.
    coloured = page.locator("path.leaflet-interactive:not([fill='#f4f7f1'])").first
    coloured.hover()
    tooltip = page.locator(".leaflet-tooltip").inner_text()
    assert "在办" in tooltip and "超期" in tooltip
    coloured.click()
    page.wait_for_url("**/cases?grid=*")
    assert problems == []


def test_the_admin_pages_in_the_browser(page, problems, live_server, password):
    sign_in(page, live_server, "admin", password)
    page.wait_for_url("**/admin")
    assert page.locator("#admin-links a").count() == 6
    shot(page, "admin-home")

    page.click("#admin-links a[href='/admin/users']")
    page.fill("#username", "wangge2")
    page.fill("#display_name", "网格员李强")
    page.select_option("#role", "grid_worker")
    page.fill("#password", "short")
    page.click("#new-user button[type=submit]")
    assert "网格员须选择所负责的网格" in page.inner_text(".flash.error")
    refused_as_expected(problems, "/admin/users")
    shot(page, "admin-users")

    page.goto(f"{live_server}/admin/grids")
    page.set_input_files("#file", "tests/data/grids_one_bad.geojson")
    page.click("#grid-import button[type=submit]")
    assert "未导入任何网格" in page.inner_text("#import-report")
    assert "qicun-bowtie" in page.inner_text("#import-report")
    refused_as_expected(problems, "/admin/grids")
    shot(page, "admin-grids")

    page.goto(f"{live_server}/admin/partners")
    page.fill("#name", "区融媒体中心舆情系统")
    page.select_option("#channel", "media")
    page.click("#new-partner button[type=submit]")
    secret = page.inner_text("#issued-secret")
    assert len(secret) > 30
    shot(page, "admin-partners")
    page.goto(f"{live_server}/admin/partners")
    assert secret not in page.content()
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#partners tr", has_text="区融媒体中心舆情系统").locator("button", has_text="吊销").click()
    assert "已吊销" in page.inner_text(".flash.ok")

    page.goto(f"{live_server}/admin/limits?major=03")
    assert "路灯不亮" in page.inner_text("#limits")
    assert problems == []
