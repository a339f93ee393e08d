"""The keyword library in a real browser: headless Chromium (Debian's package) driven by Playwright,
against the app served over HTTP on PostgreSQL. Screenshots go to test-artifacts/."""
import pytest

from .conftest import shot

pytestmark = pytest.mark.worker


def test_an_admin_edits_and_rolls_back_keywords_in_the_browser(page, live_server, password):
    page.goto(f"{live_server}/login")
    shot(page, "login")
    page.fill("#username", "admin")
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin")
    page.click("#admin-links a[href='/admin/keywords']")
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
