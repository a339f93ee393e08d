"""Staff workspaces through the web pages: each role's home, the grid worker's filing form, the handler's
inbox and case actions, re-dispatch, review decisions and the supervisors' overdue list — with CSRF on,
as in production."""
import io
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from rongetong.extensions import db
from rongetong.models import Case
from rongetong.models.types import utcnow
from rongetong.services.supervision import sweep_overdue
from tests.factories import INSIDE, PNG, RUBBISH

from .conftest import csrf_token, sign_in


@pytest.fixture()
def web(app, db_session):
    return app.test_client()


def as_user(app, username, password):
    client = app.test_client()
    assert sign_in(client, username, password).status_code == 302
    return client


def post_form(client, page_url, action_url, **data):
    """Post a form the way the browser would: with the CSRF token of the page it is on."""
    token = csrf_token(client.get(page_url).get_data(as_text=True))
    return client.post(action_url, data={"csrf_token": token, **data})


def case_row(case_id: int) -> Case:
    db.session.expire_all()
    return db.session.get(Case, case_id)


@pytest.mark.parametrize("username, home", [
    ("gridworker", "/field"), ("dispatcher", "/triage"), ("handler-huanwei", "/inbox"), ("reviewer", "/review"),
    ("leader", "/dashboard"), ("supervisor", "/supervision"), ("officer", "/visits"), ("admin", "/admin"),
])
def test_each_role_lands_on_its_own_workspace(web, password, username, home):
    response = sign_in(web, username, password)
    assert response.headers["Location"] == home
    page = web.get(home)
    assert page.status_code == 200
    assert 'class="roles"' in page.get_data(as_text=True)


def test_workspaces_refuse_other_roles(app, web, password):
    assert web.get("/inbox").status_code == 302                      # signed out: to the login page
    gridworker = as_user(app, "gridworker", password)
    for path in ("/inbox", "/triage", "/review", "/supervision", "/visits", "/review/meetings"):
        assert gridworker.get(path).status_code == 403, path


def test_a_grid_worker_files_from_the_phone_form_and_follows_the_case(app, web, password):
    sign_in(web, "gridworker", password)
    form = web.get("/field/new").get_data(as_text=True)
    assert 'id="gridmap"' in form and 'capture="environment"' in form
    response = web.post("/field/new", data={
        "csrf_token": csrf_token(form), "description": RUBBISH, "lat": str(INSIDE["lat"]), "lng": str(INSIDE["lng"]),
        "photos": [(io.BytesIO(PNG), "rubbish.png")]}, content_type="multipart/form-data")
    assert response.status_code == 302
    case_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        case = case_row(case_id)
        assert case.channel == "grid" and case.status == "dispatched" and len(case.photos) == 1
    page = web.get(f"/cases/{case_id}").get_data(as_text=True)
    assert case.tracking_code in page and "智能派遣" in page and "/media/" in page
    assert case.tracking_code in web.get("/field").get_data(as_text=True)
    assert case.tracking_code in web.get("/field?tab=grid").get_data(as_text=True)


def test_filing_without_a_location_is_refused_and_files_nothing(app, web, password):
    sign_in(web, "gridworker", password)
    with app.app_context():
        before = db.session.scalar(select(db.func.count(Case.id)))
    response = post_form(web, "/field/new", "/field/new", description=RUBBISH, lat="", lng="abc")
    assert response.status_code == 422
    assert "请用定位或在网格地图上点选位置" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Case.id))) == before


def test_the_live_suggestion_answers_like_the_preview(web, password):
    sign_in(web, "gridworker", password)
    token = csrf_token(web.get("/field/new").get_data(as_text=True))
    answer = web.post("/field/preview", json={"description": RUBBISH, **INSIDE}, headers={"X-CSRFToken": token})
    assert answer.status_code == 200
    assert answer.get_json()["category"]["major"]["code"] == "02"
    assert web.post("/field/preview", json={"description": RUBBISH}).status_code == 400   # no CSRF token
    assert web.post("/field/preview", json={"description": 5}, headers={"X-CSRFToken": token}).status_code == 422


def test_the_handler_inbox_tabs_and_actions(app, file_case, password):
    case = file_case()
    handler = as_user(app, "handler-huanwei", password)
    inbox = handler.get("/inbox").get_data(as_text=True)
    assert case["tracking_code"] in inbox and "剩余" in inbox
    page = f"/cases/{case['id']}"
    assert post_form(handler, page, f"{page}/act/accept", version=case["version"]).status_code == 302
    assert case["tracking_code"] in handler.get("/inbox?tab=handling").get_data(as_text=True)
    assert case["tracking_code"] not in handler.get("/inbox").get_data(as_text=True)

    # A stale version changes nothing and says why.
    stale = post_form(handler, page, f"{page}/act/resolve", version=case["version"], result="已清运")
    assert stale.status_code == 409 and "已被他人更新" in stale.get_data(as_text=True)
    # A missing result is a 422 naming the field.
    empty = post_form(handler, page, f"{page}/act/resolve", result=" ")
    assert empty.status_code == 422 and "办理结果" in empty.get_data(as_text=True)
    with app.app_context():
        assert case_row(case["id"]).status == "accepted"

    done = handler.post(f"{page}/act/resolve", data={
        "csrf_token": csrf_token(handler.get(page).get_data(as_text=True)), "result": "已清运并消杀",
        "photos": [(io.BytesIO(PNG), "done.png")]}, content_type="multipart/form-data")
    assert done.status_code == 302
    with app.app_context():
        resolved = case_row(case["id"])
        assert resolved.status == "resolved" and [p.stage for p in resolved.photos] == ["result"]
    assert case["tracking_code"] in handler.get("/inbox?tab=done").get_data(as_text=True)


def test_a_post_without_csrf_token_changes_nothing(app, file_case, password):
    case = file_case()
    handler = as_user(app, "handler-huanwei", password)
    assert handler.post(f"/cases/{case['id']}/act/accept", data={}).status_code == 400
    with app.app_context():
        assert case_row(case["id"]).status == "dispatched"


def test_a_handler_cannot_open_another_units_case(app, file_case, password):
    case = file_case()
    other = as_user(app, "handler-zhujian", password)
    assert other.get(f"/cases/{case['id']}").status_code == 404
    assert post_form(other, "/inbox", f"/cases/{case['id']}/act/accept").status_code == 404
    assert case["tracking_code"] not in other.get("/cases").get_data(as_text=True)


def test_the_dispatcher_redispatches_from_the_triage_queue(app, file_case, password):
    case = file_case()
    dispatcher = as_user(app, "dispatcher", password)
    routed = dispatcher.get("/triage?tab=routed").get_data(as_text=True)
    assert case["tracking_code"] in routed and "候选" in routed
    response = post_form(dispatcher, "/triage?tab=routed", f"/cases/{case['id']}/act/dispatch",
                         department="office-zhongxinjie", version=case["version"])
    assert response.status_code == 302
    with app.app_context():
        moved = case_row(case["id"])
        assert moved.unit.code == "office-zhongxinjie" and moved.timeline[-1].action == "dispatch"


def test_review_decides_with_the_work_split_among_units(app, file_case, password):
    case = file_case()
    handler = as_user(app, "handler-huanwei", password)
    page = f"/cases/{case['id']}"
    post_form(handler, page, f"{page}/act/escalate", reason="涉及多个部门，需研判")
    reviewer = as_user(app, "reviewer", password)
    assert case["tracking_code"] in reviewer.get("/review").get_data(as_text=True)
    decided = reviewer.post(f"{page}/act/decide", data={
        "csrf_token": csrf_token(reviewer.get(page).get_data(as_text=True)), "decision": "assign",
        "department": "huanwei", "assisting": ["zhujian", "office-zhongxinjie"], "reason": "环卫主办，住建、街道协办"})
    assert decided.status_code == 302
    with app.app_context():
        assigned = case_row(case["id"])
        assert assigned.status == "dispatched"
        assert sorted((a.unit.code, a.role) for a in assigned.assignments if a.status == "open") == [
            ("huanwei", "lead"), ("office-zhongxinjie", "assist"), ("zhujian", "assist")]
    code = case["tracking_code"]
    meeting = post_form(reviewer, "/review/meetings", "/review/meetings", title="环卫专题研判",
                        held_at="2026-11-20T09:30", attendees="王专家、李专家", case_codes=code)
    assert meeting.status_code == 302
    assert code in reviewer.get("/review/meetings").get_data(as_text=True)
    unknown = post_form(reviewer, "/review/meetings", "/review/meetings", title="x", held_at="2026-11-20T09:30",
                        attendees="王专家", case_codes="NOPE123")
    assert unknown.status_code == 422 and "查询码不存在" in unknown.get_data(as_text=True)


def test_the_supervisor_sees_late_cases_by_lateness_and_unit_and_acts(app, file_case, password):
    case = file_case()
    with app.app_context():
        db.session.execute(update(Case).where(Case.id == case["id"]).values(accept_due=utcnow() - timedelta(days=3)))
        sweep_overdue()
    supervisor = as_user(app, "supervisor", password)
    page = supervisor.get("/supervision").get_data(as_text=True)
    assert case["tracking_code"] in page and "区环境卫生服务中心" in page
    assert case["tracking_code"] in supervisor.get("/supervision?unit=huanwei").get_data(as_text=True)
    with app.app_context():
        record = case_row(case["id"]).supervision_records[0]
    reminded = post_form(supervisor, f"/cases/{case['id']}", f"/supervision/records/{record.id}/remind",
                         note="请今日签收")
    assert reminded.status_code == 302
    closing = post_form(supervisor, "/supervision", f"/supervision/records/{record.id}/close")
    assert closing.status_code == 409 and "尚未办结" in closing.get_data(as_text=True)
    handler = as_user(app, "handler-huanwei", password)
    assert case["tracking_code"] in handler.get("/supervision").get_data(as_text=True)
    assert case["tracking_code"] in handler.get("/inbox?tab=overdue").get_data(as_text=True)


def test_the_case_list_pages_sorts_and_filters_on_the_server(app, file_case, password):
    first, second = file_case(), file_case(description="中心街路灯不亮了好几天")
    dispatcher = as_user(app, "dispatcher", password)
    listing = dispatcher.get("/cases?per_page=5&sort=oldest").get_data(as_text=True)
    assert "第 1 /" in listing
    only = dispatcher.get(f"/cases?q={second['tracking_code']}").get_data(as_text=True)
    assert second["tracking_code"] in only and first["tracking_code"] not in only
    by_unit = dispatcher.get("/cases?unit=huanwei&status=dispatched").get_data(as_text=True)
    assert first["tracking_code"] in by_unit and second["tracking_code"] not in by_unit
    assert dispatcher.get("/cases?page=-3&per_page=100000&sort=drop table").status_code == 200


def test_the_dispatcher_merges_a_duplicate_proposed_on_the_case_page(app, file_case, password):
    first = file_case()
    second = file_case(description="建华小区3号楼门口垃圾桶满了，好几天没人清运")
    dispatcher = as_user(app, "dispatcher", password)
    page = dispatcher.get(f"/cases/{first['id']}").get_data(as_text=True)
    assert "疑似重复件" in page and second["tracking_code"] in page
    nothing = post_form(dispatcher, f"/cases/{first['id']}", f"/cases/{first['id']}/merge", reason="同一问题")
    assert nothing.status_code == 422
    merged = dispatcher.post(f"/cases/{first['id']}/merge", data={
        "csrf_token": csrf_token(page), "duplicates": [str(second["id"])], "reason": "同一地点同一问题"})
    assert merged.status_code == 302
    with app.app_context():
        child = case_row(second["id"])
        assert child.merged_into_id == first["id"]
    assert second["tracking_code"] in dispatcher.get(f"/cases/{first['id']}").get_data(as_text=True)
    assert "已并入" in dispatcher.get(f"/cases/{second['id']}").get_data(as_text=True)
    again = post_form(dispatcher, f"/cases/{first['id']}", f"/cases/{first['id']}/merge",
                      duplicates=str(first["id"]), reason="自己")
    assert again.status_code in (409, 422)


def test_an_extension_is_asked_by_the_handler_and_approved_by_the_dispatcher(app, file_case, password):
    case = file_case()
    handler = as_user(app, "handler-huanwei", password)
    page = f"/cases/{case['id']}"
    post_form(handler, page, f"{page}/act/accept")
    too_long = post_form(handler, page, f"{page}/act/extend", working_days="40", reason="需采购设备")
    assert too_long.status_code == 422
    assert post_form(handler, page, f"{page}/act/extend", working_days="3", reason="需采购设备").status_code == 302
    assert 'data-action="extend"' not in handler.get(page).get_data(as_text=True)   # one request at a time
    dispatcher = as_user(app, "dispatcher", password)
    assert case["tracking_code"] in dispatcher.get("/extensions").get_data(as_text=True)
    assert 'data-action="approve_extension"' in dispatcher.get(page).get_data(as_text=True)
    assert post_form(dispatcher, page, f"{page}/act/approve_extension").status_code == 302
    with app.app_context():
        extended = case_row(case["id"])
        assert extended.extension_count == 1 and extended.pending_extension_days is None
    assert case["tracking_code"] not in dispatcher.get("/extensions").get_data(as_text=True)
