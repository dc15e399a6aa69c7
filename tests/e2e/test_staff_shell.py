"""A desk officer signs in through a real browser and sees the home page, on a desktop screen
and on a 10-inch tablet, without JavaScript errors and without requests leaving the server."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from motcua.org.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

SCREENS = {"desktop 1366x768": (1366, 768), "tablet 10 inch portrait": (800, 1280)}


@pytest.mark.parametrize("screen", SCREENS)
def test_desk_officer_signs_in_and_sees_home(browser, demo_server, screen):
    width, height = SCREENS[screen]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
    page = context.new_page()
    errors: list[str] = []
    foreign: list[str] = []
    server = urlsplit(demo_server.url).netloc
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("request", lambda req: foreign.append(req.url)
            if urlsplit(req.url).netloc not in (server, "") else None)

    page.goto(demo_server.url + "/")
    assert page.locator("h1").inner_text() == "Đăng nhập hệ thống một cửa điện tử"
    page.get_by_label("Tên đăng nhập").fill("motcua")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    page.wait_for_url(demo_server.url + "/")
    assert page.locator("h1").inner_text() == "Xin chào, Lâm Thị Diễm My"
    assert page.get_by_text("Vị trí công tác của bạn").is_visible()
    # Bootstrap's stylesheet applied (served locally): the navbar is coloured, not plain.
    navbar_bg = page.locator("nav.navbar").evaluate("el => getComputedStyle(el).backgroundColor")
    assert navbar_bg not in ("rgba(0, 0, 0, 0)", "transparent")
    # Nothing wider than the screen: no horizontal scrolling on the tablet or the desktop.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    # The menu works (collapsed behind the toggler on the tablet).
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
    page.get_by_role("button", name="Lâm Thị Diễm My").click()
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/dang-nhap/")

    assert errors == []
    assert foreign == []
    context.close()
