"""The admin's keyword-library pages: sign-in with CSRF-protected forms, roles, versions and rollback."""
import re

import pytest

from .conftest import csrf_token, sign_in

TEXT = "照明杆子黑咕隆咚的"


@pytest.fixture()
def web(app, db_session):
    app.config["WTF_CSRF_ENABLED"] = True
    return app.test_client()


def test_pages_need_a_signed_in_admin(web, password):
    assert web.get("/admin/keywords").status_code == 302
    assert "/login" in web.get("/admin/keywords").headers["Location"]
    sign_in(web, "dispatcher", password)
    assert web.get("/admin/keywords").status_code == 403


def test_a_post_without_csrf_token_is_refused(web, password):
    response = web.post("/login", data={"username": "admin", "password": password})
    assert response.status_code == 400
    assert web.get("/admin/keywords").status_code == 302        # not signed in


def test_wrong_password_and_open_redirects(web, password):
    assert sign_in(web, "admin", "wrong").status_code == 401
    token = csrf_token(web.get("/login").get_data(as_text=True))
    response = web.post("/login?next=//evil.example/x", data={"username": "admin", "password": password,
                                                               "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/admin"


def test_an_admin_edits_keywords_and_rolls_back(web, client, login, password):
    assert sign_in(web, "admin", password).headers["Location"] == "/admin"
    listing = web.get("/admin/keywords?major=03").get_data(as_text=True)
    assert "路灯不亮" in listing
    page = web.get("/admin/keywords/0303")
    html = page.get_data(as_text=True)
    keywords = re.search(r'<textarea[^>]*name="keywords"[^>]*>([^<]*)</textarea>', html).group(1).strip()
    saved = web.post("/admin/keywords/0303", data={
        "csrf_token": csrf_token(html), "keywords": keywords + "\n黑咕隆咚", "synonyms": "", "negative": "",
        "unit": "zhujian", "urgent": "", "note": "加入方言说法"}, follow_redirects=True)
    assert "已保存为第 1 版" in saved.get_data(as_text=True)
    api = login("dispatcher")
    preview = client.post("/api/v1/dispatch/preview", json={"description": TEXT}, headers=api).get_json()
    assert "黑咕隆咚" in preview["matched_keywords"]

    edit_page = web.get("/admin/keywords/0303").get_data(as_text=True)
    assert "第 1 版" in edit_page
    rolled = web.post("/admin/keywords/0303/rollback/0", data={"csrf_token": csrf_token(edit_page)},
                      follow_redirects=True)
    assert "已回滚到第 0 版" in rolled.get_data(as_text=True)
    preview = client.post("/api/v1/dispatch/preview", json={"description": TEXT}, headers=api).get_json()
    assert "黑咕隆咚" not in preview["matched_keywords"]
