"""The citizen's mobile pages with CSRF-protected forms: file with photos, look up, rate."""
import io
import re

import pytest

from tests.factories import INSIDE, PNG, RUBBISH


def token_in(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


@pytest.fixture()
def web(app, db_session):
    return app.test_client()


def report(web, photos=(), **fields):
    token = token_in(web.get("/m/report").get_data(as_text=True))
    data = {"csrf_token": token, "description": RUBBISH, "phone": "13900006666", "lat": INSIDE["lat"],
            "lng": INSIDE["lng"], **fields,
            "photos": [(io.BytesIO(content), name) for name, content in photos]}
    return web.post("/m/report", data=data, content_type="multipart/form-data")


def test_a_citizen_files_with_photos_follows_and_rates(web, act, login, client):
    filed = report(web, photos=[("1.png", PNG), ("2.png", PNG)])
    assert filed.status_code == 302
    code = filed.headers["Location"].rsplit("/", 1)[-1]
    page = web.get(filed.headers["Location"]).get_data(as_text=True)
    assert code in page and code.startswith("RE")

    progress = web.get(f"/m/cases/{code}").get_data(as_text=True)
    assert "已派遣" in progress and progress.count('<img src="/media/') == 2
    photo = re.search(r'<img src="(/media/[^"]+)"', progress).group(1)
    assert web.get(photo).data == PNG

    case = client.get(f"/api/v1/public/cases/{code}?phone_last4=6666").get_json()
    staff = client.get("/api/v1/cases?per_page=200", headers=login("dispatcher")).get_json()["items"]
    case_id = next(c["id"] for c in staff if c["tracking_code"] == code)
    handler = f"handler-{case['department']['code']}"
    act({"id": case_id}, "accept", handler)
    act({"id": case_id}, "resolve", handler, result="已清运")

    page = web.get(f"/m/cases/{code}").get_data(as_text=True)
    assert "已办结" in page and "提交评价" in page
    rated = web.post(f"/m/cases/{code}", data={"csrf_token": token_in(page), "rating": "satisfied"},
                     follow_redirects=True).get_data(as_text=True)
    assert "感谢您的评价" in rated and "已结案" in rated


def test_photos_are_checked_by_content_count_and_nothing_is_filed_on_error(web, client, login):
    before = client.get("/api/v1/cases", headers=login("dispatcher")).get_json()["total"]
    fake = report(web, photos=[("a.jpg", b"not really a picture")])
    assert fake.status_code == 200 and "不是 JPEG" in fake.get_data(as_text=True)
    too_many = report(web, photos=[(f"{n}.png", PNG) for n in range(4)])
    assert "最多上传 3 张" in too_many.get_data(as_text=True)
    no_place = report(web, lat="", lng="")
    assert no_place.status_code == 422 and "请在地图上点选位置" in no_place.get_data(as_text=True)
    assert client.get("/api/v1/cases", headers=login("dispatcher")).get_json()["total"] == before


def test_a_wrong_phone_reads_like_an_unknown_code(web):
    code = report(web).headers["Location"].rsplit("/", 1)[-1]
    fresh = web.application.test_client()
    page = fresh.get("/m/track").get_data(as_text=True)
    wrong = fresh.post("/m/track", data={"csrf_token": token_in(page), "code": code, "phone_last4": "0000"})
    unknown = fresh.post("/m/track", data={"csrf_token": token_in(page), "code": "RE2222222222", "phone_last4": "0000"})
    assert wrong.status_code == unknown.status_code == 200
    message = "未找到该诉求件，请核对查询码和手机号后四位"
    assert message in wrong.get_data(as_text=True) and message in unknown.get_data(as_text=True)
    assert fresh.get(f"/m/cases/{code}").status_code == 302                      # not proved: back to the form
    right = fresh.post("/m/track", data={"csrf_token": token_in(page), "code": code.lower(), "phone_last4": "6666"})
    assert right.status_code == 302 and right.headers["Location"].endswith(code)
