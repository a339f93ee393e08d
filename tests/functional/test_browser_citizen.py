"""The citizen's mobile pages in a real browser (Debian's Chromium, driven by Playwright) against the
app over HTTP, PostgreSQL and a real worker: file with a photo and a tapped location, look the case up,
and rate it once the unit has resolved it. Screenshots go to test-artifacts/."""
import pytest

from tests.factories import PNG

from .conftest import shot

pytestmark = pytest.mark.worker

PHONE = "13900008888"


def test_a_citizen_files_follows_and_rates_on_a_phone(phone_page, live_server, api, worker, password, tmp_path):
    page = phone_page
    page.goto(f"{live_server}/m/")
    page.click("text=我要反映")
    page.fill("#description", "建华小区北门的垃圾桶满了好几天没人清运，苍蝇很多")
    page.wait_for_selector("svg#gridmap polygon")
    page.click("svg#gridmap", position={"x": 160, "y": 150})                 # tap the grid map
    assert "地图选点" in page.inner_text("#location-status")
    page.click("#use-location")                                              # or the phone's own position
    page.wait_for_function("document.getElementById('location-status').textContent.includes('当前位置')")
    photo = tmp_path / "rubbish.png"
    photo.write_bytes(PNG)
    page.set_input_files("#photos", str(photo))
    page.fill("#phone", PHONE)
    shot(page, "citizen-report")
    page.click("button[type=submit]")
    code = page.inner_text("#tracking-code").strip()
    shot(page, "citizen-filed")

    page.click("a.button")
    page.wait_for_selector("#status")
    for _ in range(50):                                                      # the worker routes it
        if "已派遣" in page.inner_text("#status"):
            break
        page.wait_for_timeout(300)
        page.reload()
    assert "已派遣" in page.inner_text("#status")
    shot(page, "citizen-progress")

    staff = api.token("dispatcher", password)
    case = next(c for c in api.get("/cases", staff, per_page=50).json()["items"] if c["tracking_code"] == code)
    handler = api.token(f"handler-{case['department']['code']}", password)
    api.post(f"/cases/{case['id']}/accept", {}, handler)
    api.post(f"/cases/{case['id']}/resolve", {"result": "已清运并消杀，增加清运频次"}, handler)

    page.reload()
    page.check("text=满意")
    page.fill("#comment", "处理很及时")
    shot(page, "citizen-rate")
    page.click("text=提交评价")
    assert "感谢您的评价" in page.inner_text(".flash.ok")
    assert "已结案" in page.inner_text("#status")
    shot(page, "citizen-closed")
