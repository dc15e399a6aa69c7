"""The catalogue in a real browser: a citizen searches on a phone as they type and opens a
procedure; an administrator's draft that overruns the legal time is refused with the figure."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from motcua.catalog.demo import load_demo_catalogue
from motcua.org.demo import DEMO_PASSWORD, demo_agency

pytestmark = pytest.mark.browser


@pytest.fixture
def catalogue_server(demo_server):
    load_demo_catalogue(demo_agency())
    return demo_server


def _watch(page, server_url: str) -> tuple[list[str], list[str]]:
    errors: list[str] = []
    foreign: list[str] = []
    server = urlsplit(server_url).netloc
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("request", lambda req: foreign.append(req.url)
            if urlsplit(req.url).netloc not in (server, "") else None)
    return errors, foreign


def test_a_citizen_finds_a_procedure_on_a_phone_while_typing(catalogue_server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN",
                                  reduced_motion="reduce")
    page = context.new_page()
    errors, foreign = _watch(page, catalogue_server.url)
    page.goto(catalogue_server.url + "/dich-vu-cong/thu-tuc/")
    page.locator("#q").press_sequentially("cap doi so do", delay=20)
    page.wait_for_url("**q=cap%20doi%20so%20do**")  # the live search updated the results and the address
    first = page.locator("#catalogue a[href*='/dich-vu-cong/thu-tuc/1.']").first
    assert first.inner_text().startswith("Cấp đổi Giấy chứng nhận")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    first.click()
    page.wait_for_url("**/dich-vu-cong/thu-tuc/1.012768/")
    assert page.get_by_role("heading", name="Thành phần hồ sơ").is_visible()
    assert page.locator("a[href*='/mau/']").count() >= 1  # the application form to download
    assert errors == [] and foreign == []
    context.close()


def test_an_administrator_is_told_by_how_much_a_process_overruns(catalogue_server, browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN",
                                  reduced_motion="reduce")
    page = context.new_page()
    errors, foreign = _watch(page, catalogue_server.url)
    page.goto(catalogue_server.url + "/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("admin")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(catalogue_server.url + "/")

    page.goto(catalogue_server.url + "/danh-muc-thu-tuc/1.012768/sua/")
    page.locator("[name='time_limit_value']").fill("5")
    page.get_by_role("button", name="Lưu bản nháp").click()
    steps = page.locator("section:has(#sec-steps)")
    assert ("là 6,5 ngày làm việc, vượt thời hạn giải quyết 5 ngày làm việc là 1,5 ngày làm việc"
            in steps.inner_text())

    page.locator("[name='time_limit_value']").fill("7")
    page.get_by_role("button", name="Lưu bản nháp").click()
    page.get_by_text("Đã lưu bản nháp thủ tục “1.012768”").wait_for()
    # The refused save is answered 400 (the browser logs it); nothing else went wrong.
    assert [e for e in errors if "status of 400" not in e] == [] and foreign == []
    context.close()
