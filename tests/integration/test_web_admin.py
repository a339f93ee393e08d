"""The admin pages: users and roles, units, grid import, time limits and partner keys — who may open
them, CSRF on every form, and a refused change answered with a message and nothing written."""
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from rongetong.extensions import db
from rongetong.models import AuditEntry, Grid, Partner, Unit, User

from .conftest import csrf_token, sign_in

DATA = Path(__file__).resolve().parents[1] / "data"
PAGES = ["/admin", "/admin/users", "/admin/units", "/admin/grids", "/admin/limits", "/admin/partners"]


@pytest.fixture()
def web(app, db_session):
    app.config["WTF_CSRF_ENABLED"] = True
    return app.test_client()


@pytest.fixture()
def admin(web, password):
    assert sign_in(web, "admin", password).headers["Location"] == "/admin"
    return web


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def user(app, username: str) -> User | None:
    with app.app_context():
        found = db.session.scalar(select(User).where(User.username == username))
        if found is not None:
            db.session.expunge(found)
        return found


def token(web, path: str) -> str:
    return csrf_token(web.get(path).get_data(as_text=True))


@pytest.mark.parametrize("path", PAGES)
def test_pages_need_a_signed_in_admin(web, password, path):
    anonymous = web.get(path)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    sign_in(web, "handler-office-zhongxinjie", password)
    assert web.get(path).status_code == 403
    web.post("/logout", data={"csrf_token": token(web, "/login")})
    sign_in(web, "leader", password)
    assert web.get(path).status_code == 403


def test_the_landing_page_links_every_admin_page(admin):
    html = admin.get("/admin").get_data(as_text=True)
    for path in PAGES[1:] + ["/admin/keywords"]:
        assert f'href="{path}"' in html, path
        assert admin.get(path).status_code == 200, path


def test_posts_without_csrf_token_are_refused(app, admin):
    before = count(app, User)
    form = {"username": "nocsrf", "display_name": "无令牌", "role": "dispatcher", "password": "long-enough-1"}
    assert admin.post("/admin/users", data=form).status_code == 400
    assert count(app, User) == before
    target = user(app, "gridworker")
    assert admin.post(f"/admin/users/{target.id}/deactivate").status_code == 400
    assert user(app, "gridworker").active
    assert admin.post("/admin/partners", data={"name": "x", "channel": "media"}).status_code == 400
    assert count(app, Partner) == 0


def test_an_admin_creates_a_handler_who_can_sign_in(app, admin, web):
    created = admin.post("/admin/users", data={
        "csrf_token": token(admin, "/admin/users"), "username": "Handler-New", "display_name": "新承办人",
        "role": "handler", "unit": "office-zhongxinjie", "grid": "", "password": "a-good-password"},
        follow_redirects=True)
    assert "已创建用户 handler-new" in created.get_data(as_text=True)
    new = user(app, "handler-new")
    assert (new.role, new.active, new.grid_id) == ("handler", True, None)
    with app.app_context():
        assert db.session.get(Unit, new.unit_id).code == "office-zhongxinjie"
        assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.object_type == "user",
                                                                 AuditEntry.object_id == new.id)) == "create_user"
    admin.post("/logout", data={"csrf_token": token(admin, "/admin")})
    assert sign_in(web, "handler-new", "a-good-password").status_code == 302


@pytest.mark.parametrize("fields, message", [
    ({"role": "handler", "unit": ""}, "承办人须选择所属承办单位"),
    ({"role": "grid_worker", "grid": ""}, "网格员须选择所负责的网格"),
    ({"password": "short"}, "密码须为 8–200 个字符"),
    ({"username": "x y"}, "用户名须为"),
    ({"username": "dispatcher"}, "用户名已存在：dispatcher"),
    ({"role": "citizen"}, "未知角色：citizen"),
    ({"unit": "no-such-unit", "role": "handler"}, "承办单位不存在：no-such-unit"),
])
def test_bad_user_input_is_explained_and_nothing_is_created(app, admin, fields, message):
    before = count(app, User)
    form = {"csrf_token": token(admin, "/admin/users"), "username": "someone", "display_name": "某人",
            "role": "dispatcher", "unit": "", "grid": "", "password": "long-enough-1"} | fields
    response = admin.post("/admin/users", data=form)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(app, User) == before


def test_changing_a_role_clears_what_the_old_role_needed(app, admin):
    worker = user(app, "gridworker")
    assert worker.grid_id is not None
    page = admin.get(f"/admin/users/{worker.id}").get_data(as_text=True)
    assert '<option selected value="zhongxinjie-001">' in page
    saved = admin.post(f"/admin/users/{worker.id}", data={
        "csrf_token": csrf_token(page), "display_name": "张敏", "role": "handler", "unit": "office-zhongxinjie",
        "grid": "zhongxinjie-001"}, follow_redirects=True)
    assert "已保存 gridworker 的角色和单位" in saved.get_data(as_text=True)
    changed = user(app, "gridworker")
    assert (changed.role, changed.display_name, changed.grid_id) == ("handler", "张敏", None)
    assert changed.unit_id is not None


def test_an_admin_cannot_lock_everyone_out(app, admin):
    me = user(app, "admin")
    page = admin.get(f"/admin/users/{me.id}").get_data(as_text=True)
    refused = admin.post(f"/admin/users/{me.id}", data={"csrf_token": csrf_token(page), "display_name": "管理员",
                                                        "role": "dispatcher", "unit": "", "grid": ""})
    assert refused.status_code == 422 and "不能取消自己的管理员角色" in refused.get_data(as_text=True)
    assert user(app, "admin").role == "admin"
    deactivated = admin.post(f"/admin/users/{me.id}/deactivate", data={"csrf_token": csrf_token(page)},
                             follow_redirects=True)
    assert "不能停用自己的账号" in deactivated.get_data(as_text=True)
    assert user(app, "admin").active


def test_a_deactivated_user_is_signed_out_and_cannot_sign_in(app, admin, password):
    other = app.test_client()
    sign_in(other, "dispatcher", password)
    assert other.get("/cases").status_code == 200
    target = user(app, "dispatcher")
    done = admin.post(f"/admin/users/{target.id}/deactivate", data={"csrf_token": token(admin, "/admin/users")},
                      follow_redirects=True)
    assert "已停用用户 dispatcher" in done.get_data(as_text=True)
    assert not user(app, "dispatcher").active
    assert other.get("/cases").status_code == 302            # the open session ended
    assert sign_in(other, "dispatcher", password).status_code == 401
    admin.post(f"/admin/users/{target.id}/activate", data={"csrf_token": token(admin, "/admin/users")})
    assert sign_in(other, "dispatcher", password).status_code == 302


def test_a_password_reset_takes_effect_and_a_short_one_is_refused(app, admin, web, password):
    target = user(app, "officer")
    page = admin.get(f"/admin/users/{target.id}").get_data(as_text=True)
    short = admin.post(f"/admin/users/{target.id}/password", data={"csrf_token": csrf_token(page), "password": "123"},
                       follow_redirects=True)
    assert "密码须为 8–200 个字符" in short.get_data(as_text=True)
    assert user(app, "officer").password_hash == target.password_hash
    admin.post(f"/admin/users/{target.id}/password",
               data={"csrf_token": csrf_token(page), "password": "new-password-9"})
    other = app.test_client()
    assert sign_in(other, "officer", password).status_code == 401
    assert sign_in(other, "officer", "new-password-9").status_code == 302


def test_units_list_counts_and_rename(app, admin):
    html = admin.get("/admin/units").get_data(as_text=True)
    assert "office-zhongxinjie" in html and "中心街街道办事处" in html
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.code == "office-zhongxinjie"))
    row = html[html.index("<code>office-zhongxinjie</code>"):]
    assert re.search(r"<td>0</td>\s*<td>1</td>", row)        # no open case, one handler
    refused = admin.post(f"/admin/units/{unit.id}", data={"csrf_token": csrf_token(html), "name": "  "})
    assert refused.status_code == 422 and "单位名称须为 1–60 个字符" in refused.get_data(as_text=True)
    saved = admin.post(f"/admin/units/{unit.id}", data={"csrf_token": csrf_token(html), "name": "中心街街道办"},
                       follow_redirects=True)
    assert "已保存单位名称：中心街街道办" in saved.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Unit, unit.id).name == "中心街街道办"


def upload(web, name: str, **flags):
    data = {"csrf_token": token(web, "/admin/grids"), "file": ((DATA / name).open("rb"), name)}
    data |= {flag: "y" for flag, on in flags.items() if on}
    return web.post("/admin/grids", data=data, content_type="multipart/form-data")


def test_a_grid_file_with_a_problem_imports_nothing_and_lists_it(app, admin):
    before = count(app, Grid)
    response = upload(admin, "grids_one_bad.geojson")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "未导入任何网格" in html and "qicun-bowtie" in html and "Self-intersection" in html
    assert count(app, Grid) == before
    unknown = upload(admin, "grids_unknown_town.geojson").get_data(as_text=True)
    assert "unknown town_code &#39;nowhere&#39;" in unknown


def test_a_valid_grid_file_is_checked_then_imported(app, admin):
    before = count(app, Grid)
    dry = upload(admin, "grids_valid.geojson", dry_run=True)
    assert dry.status_code == 200 and "仅校验，未写入" in dry.get_data(as_text=True)
    assert count(app, Grid) == before
    done = upload(admin, "grids_valid.geojson").get_data(as_text=True)
    assert "网格已导入" in done
    report = done[done.index('id="import-report"'):]
    assert re.search(r"<td>qicun</td><td>2</td>", report)
    assert count(app, Grid) == before + 2


def test_an_upload_without_a_file_is_explained(app, admin):
    response = admin.post("/admin/grids", data={"csrf_token": token(admin, "/admin/grids")},
                          content_type="multipart/form-data")
    assert response.status_code == 422 and "请选择要导入的 GeoJSON 文件" in response.get_data(as_text=True)


def test_time_limits_show_defaults_and_link_to_the_editor(admin):
    html = admin.get("/admin/limits?major=03").get_data(as_text=True)
    assert "路灯不亮" in html and 'href="/admin/keywords/0303"' in html
    assert "2 个工作小时" in html and "5 个工作日" in html


def test_partner_keys_are_shown_once_and_revoked(app, admin):
    response = admin.post("/admin/partners", data={"csrf_token": token(admin, "/admin/partners"),
                                                   "name": "110 指挥中心", "channel": "police110",
                                                   "webhook_url": "https://110.example/hook"})
    assert response.status_code == 201 and response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    secret = re.search(r'id="issued-secret">([^<]+)<', html).group(1)
    with app.app_context():
        partner = db.session.scalar(select(Partner).where(Partner.name == "110 指挥中心"))
        assert (partner.secret, partner.channel, partner.revoked_at) == (secret, "police110", None)
        partner_id, api_key = partner.id, partner.api_key
    assert api_key in html
    listing = admin.get("/admin/partners").get_data(as_text=True)
    assert secret not in listing and api_key not in listing and api_key[:10] in listing
    revoked = admin.post(f"/admin/partners/{partner_id}/revoke", data={"csrf_token": csrf_token(listing)},
                         follow_redirects=True)
    assert "已吊销 110 指挥中心 的密钥" in revoked.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Partner, partner_id).revoked_at is not None


@pytest.mark.parametrize("fields, message", [
    ({"name": ""}, "合作方名称须为 1–100 个字符"),
    ({"channel": "wechat"}, "未知渠道：wechat"),
    ({"webhook_url": "ftp://x"}, "回调地址须以 http:// 或 https:// 开头"),
])
def test_bad_partner_input_is_explained_and_nothing_is_created(app, admin, fields, message):
    form = {"csrf_token": token(admin, "/admin/partners"), "name": "路长通", "channel": "road_chief",
            "webhook_url": ""} | fields
    response = admin.post("/admin/partners", data=form)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert count(app, Partner) == 0
