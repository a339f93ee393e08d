"""One case walked across the staff workspaces in a real browser (Debian's Chromium driven by Playwright),
against the app over HTTP, PostgreSQL and a real celery worker: filed by the grid worker on a phone,
re-dispatched by the dispatcher, seen late by the supervisor, accepted and escalated by the handler,
decided in review with the work split, finished by both units. A screenshot of each workspace goes to
test-artifacts/ws-*.png."""
from datetime import timedelta

import pytest
from sqlalchemy import update

from rongetong.extensions import db
from rongetong.models import Case
from rongetong.models.types import utcnow
from rongetong.services.supervision import sweep_overdue
from tests.factories import PNG

from .conftest import shot, sign_in

pytestmark = pytest.mark.worker

COMPLAINT = "建华小区北门的垃圾桶满了好几天没人清运，苍蝇很多"
TOWN_OFFICE = "office-zhongxinjie"


def signed_in(browser, live_server, username, password, **context):
    tab = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", **context).new_page()
    sign_in(tab, live_server, username, password)
    return tab


def status_of(page) -> str:
    return page.inner_text("#case-status")


def submit(page, action: str, **fields) -> None:
    """Fill and submit the case page's form for ``action``; the answer is the case page with a flash."""
    form = page.locator(f"form[data-action='{action}']")
    for name, value in fields.items():
        field = form.locator(f"[name='{name}']")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".flash.ok").count() == 1, page.inner_text("main")[:400]


def test_a_case_walks_across_every_workspace(browser, phone_page, live_server, live_app, worker, password):
    # 1. The grid worker files from the phone: GPS, a photo, the category suggested while typing.
    field = phone_page
    sign_in(field, live_server, "gridworker", password)
    assert field.url.endswith("/field")
    field.click("text=＋ 上报问题")
    field.fill("#description", COMPLAINT)
    field.wait_for_selector("svg#gridmap polygon")
    field.click("#use-location")
    field.wait_for_function("document.getElementById('lat').value !== ''")
    field.wait_for_function("document.getElementById('suggestion').textContent.includes('建议分类')")
    assert "环境卫生" in field.inner_text("#suggestion")
    field.set_input_files("#photos", files=[{"name": "rubbish.png", "mimeType": "image/png", "buffer": PNG}])
    shot(field, "ws-gridworker-file")
    field.click("button[type=submit]")
    field.wait_for_url("**/cases/*")
    case_id = int(field.url.rsplit("/", 1)[1])
    code = field.inner_text("h2").split()[0]
    for _ in range(60):                     # the real worker routes it
        if status_of(field) != "已受理":
            break
        field.wait_for_timeout(500)
        field.reload()
    assert status_of(field) == "已派遣"
    assert "区环境卫生服务中心" in field.inner_text("#case-unit")
    shot(field, "ws-gridworker-case")
    field.goto(f"{live_server}/field")
    assert code in field.inner_text("main")
    shot(field, "ws-gridworker-home")

    # 2. The dispatcher re-dispatches it to the town office from the triage workspace, in one click.
    dispatcher = signed_in(browser, live_server, "dispatcher", password)
    assert dispatcher.url.endswith("/triage")
    dispatcher.goto(f"{live_server}/triage?tab=routed")
    row = dispatcher.locator(f"tr[data-case-id='{case_id}']")
    assert "候选" in row.inner_text()
    row.locator("select[name=department]").select_option(TOWN_OFFICE)
    shot(dispatcher, "ws-dispatcher-triage")
    row.locator("button[type=submit]").click()
    dispatcher.wait_for_url(f"**/cases/{case_id}")
    assert "中心街街道办事处" in dispatcher.inner_text("#case-unit")
    shot(dispatcher, "ws-dispatcher-case")

    # 3. Time passes without the office signing for it: the overdue sweep opens a supervision record,
    #    and the supervisor sees the case late, by lateness and by unit, and urges the unit on.
    with live_app.app_context():
        db.session.execute(update(Case).where(Case.id == case_id).values(accept_due=utcnow() - timedelta(hours=30)))
        db.session.commit()
        assert sweep_overdue() >= 1
    supervisor = signed_in(browser, live_server, "supervisor", password)
    assert supervisor.url.endswith("/supervision")
    assert code in supervisor.inner_text("main") and "中心街街道办事处" in supervisor.inner_text("main")
    shot(supervisor, "ws-supervisor")
    supervisor.click(f"text={code}")
    supervisor.locator("#supervision form").first.locator("input[name=note]").fill("请今日内签收")
    supervisor.locator("#supervision form").first.locator("button").click()
    assert "已催办" in supervisor.inner_text(".flash.ok")

    # 4. The town office's handler finds it under 已超期, signs for it and asks for review.
    handler = signed_in(browser, live_server, f"handler-{TOWN_OFFICE}", password)
    assert handler.url.endswith("/inbox")
    handler.click("[data-tab=overdue]")
    assert code in handler.inner_text("table.cases")
    shot(handler, "ws-handler-inbox")
    handler.click(f"text={code}")
    submit(handler, "accept")
    assert status_of(handler) == "办理中"
    submit(handler, "escalate", reason="涉及环卫和街道两家，需研判分工")
    assert status_of(handler) == "一级研判"

    # 5. The first-level panel decides: the office leads, sanitation assists.
    reviewer = signed_in(browser, live_server, "reviewer", password)
    assert reviewer.url.endswith("/review")
    assert code in reviewer.inner_text("main")
    shot(reviewer, "ws-review-queue")
    reviewer.click(f"text={code}")
    form = reviewer.locator("form[data-action='decide_assign']")
    form.locator("[name=department]").select_option(TOWN_OFFICE)
    form.locator("[name=assisting]").select_option(["huanwei"])
    form.locator("[name=reason]").fill("街道主办，环卫中心协助清运")
    shot(reviewer, "ws-review-decide")
    form.locator("button[type=submit]").click()
    reviewer.wait_for_load_state()
    assert status_of(reviewer) == "已派遣"
    assert "协办" in reviewer.inner_text("#assignments")

    # 6. Sanitation reports its part, the office resolves with a photo of the result.
    helper = signed_in(browser, live_server, "handler-huanwei", password)
    helper.goto(f"{live_server}/cases/{case_id}")
    submit(helper, "assist_done", result="已清运垃圾桶并消杀")
    handler.goto(f"{live_server}/cases/{case_id}")
    submit(handler, "accept")
    handler.set_input_files("#resolve-photos", files=[{"name": "done.png", "mimeType": "image/png", "buffer": PNG}])
    submit(handler, "resolve", result="已协调环卫中心清运，并增加每日清运一次")
    assert status_of(handler) == "已办结"
    assert handler.locator("#photos img").count() == 2
    shot(handler, "ws-handler-case")

    # 7. The leader's dashboard and the officer's return-visit list show the district.
    leader = signed_in(browser, live_server, "leader", password)
    assert leader.url.endswith("/dashboard")
    shot(leader, "ws-leader-dashboard")
    officer = signed_in(browser, live_server, "officer", password)
    assert code in officer.inner_text("main")
    shot(officer, "ws-officer-visits")

    # A form posted without its CSRF token is refused and changes nothing; another unit's handler
    # cannot open the case by its URL.
    refused = helper.request.post(f"{live_server}/cases/{case_id}/act/escalate", form={"reason": "x"})
    assert refused.status == 400
    stranger = signed_in(browser, live_server, "handler-zhujian", password)
    assert stranger.goto(f"{live_server}/cases/{case_id}").status == 404
    handler.reload()
    assert status_of(handler) == "已办结"
