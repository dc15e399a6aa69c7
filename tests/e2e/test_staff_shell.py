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
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN",
                                  reduced_motion="reduce")
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
        page.locator("#mainnav.show").wait_for()  # the collapsed menu has opened
    page.get_by_role("button", name="Lâm Thị Diễm My").click()
    page.locator(".dropdown-menu.show").wait_for()
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/dang-nhap/")

    assert errors == []
    assert foreign == []
    context.close()


ADMIN_PAGES = ["/", "/to-chuc/don-vi/", "/to-chuc/don-vi/them/", "/to-chuc/can-bo/",
               "/to-chuc/can-bo/them/", "/lich-lam-viec/", "/lich-lam-viec/ngay/them/",
               "/lich-lam-viec/gio-lam-viec/", "/lich-lam-viec/gio-lam-viec/don-vi/them/",
               "/lich-lam-viec/tinh-han/", "/nhat-ky/",
               "/tai-khoan/"]


@pytest.mark.parametrize("screen", SCREENS)
def test_every_admin_page_renders_without_errors_and_fits_the_screen(browser, demo_server, screen):
    width, height = SCREENS[screen]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN",
                                  reduced_motion="reduce")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(demo_server.url + "/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("admin")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(demo_server.url + "/")
    too_wide = {}
    for path in ADMIN_PAGES:
        response = page.goto(demo_server.url + path)
        assert response.status == 200, path
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            too_wide[path] = overflow
    assert too_wide == {}
    assert errors == []
    context.close()


def test_staff_switch_the_interface_to_english_from_the_menu(browser, demo_server):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN",
                                  reduced_motion="reduce")
    page = context.new_page()
    page.goto(demo_server.url + "/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("motcua")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(demo_server.url + "/")
    page.get_by_role("button", name="Lâm Thị Diễm My").click()
    page.locator(".dropdown-menu.show").wait_for()
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Hello, Lâm Thị Diễm My"
    assert page.locator("html").get_attribute("lang") == "en"
    context.close()
