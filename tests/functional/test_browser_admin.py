"""The keyword library in a real browser: headless Chromium (Debian's package) driven by Playwright,
against the app served over HTTP on PostgreSQL. Screenshots go to test-artifacts/."""
import shutil

import pytest

from .conftest import ARTIFACTS

pytestmark = pytest.mark.worker

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-quic"]


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed: `make test` installs Debian's package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    yield context.new_page()
    context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_an_admin_edits_and_rolls_back_keywords_in_the_browser(page, live_server, password):
    page.goto(f"{live_server}/login")
    shot(page, "login")
    page.fill("#username", "admin")
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/keywords")
    page.select_option("#major", "03")
    page.wait_for_url("**/admin/keywords?major=03")
    shot(page, "admin-keywords")

    page.click("a[href='/admin/keywords/0303']")
    original = page.input_value("#keywords")
    page.fill("#keywords", original + "\n黑咕隆咚")
    page.fill("#note", "加入方言说法")
    page.click("text=保存为新版本")
    assert "已保存为第" in page.inner_text(".flash.ok")
    assert "黑咕隆咚" in page.input_value("#keywords")
    shot(page, "admin-keyword-edit")

    page.click("text=回滚到原始版本")
    assert "已回滚到第 0 版" in page.inner_text(".flash.ok")
    assert page.input_value("#keywords") == original

    page.click("text=退出")
    page.goto(f"{live_server}/admin/keywords")
    assert "/login" in page.url
