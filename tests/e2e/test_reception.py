"""A desk officer receives a complete dossier in one page of a real browser: finds the procedure
by typing without diacritics, enters the applicant, ticks the documents, attaches a scan,
accepts, and gets the printable receipt with the dossier's code and appointment; the applicant
is found by ID number the next time, and the dossier is in the queue."""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

import pytest

from motcua.catalog.demo import load_demo_catalogue
from motcua.org.demo import DEMO_AGENCY_CODE, DEMO_PASSWORD, demo_agency

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("MOTCUA_SCREENSHOTS")  # a folder: keep screenshots of the pages


@pytest.fixture
def reception_server(demo_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo_catalogue(demo_agency())
    return demo_server


def test_a_desk_officer_receives_a_complete_dossier_in_one_page(reception_server, browser, tmp_path):
    server = reception_server.url
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN",
                                  reduced_motion="reduce")
    page = context.new_page()
    errors: list[str] = []
    foreign: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("request", lambda req: foreign.append(req.url)
            if urlsplit(req.url).netloc not in (urlsplit(server).netloc, "") else None)
    scan = tmp_path / "don-dang-ky.pdf"
    scan.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    page.goto(server + "/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("motcua")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(server + "/")
    page.get_by_role("link", name="Tiếp nhận hồ sơ").first.click()
    page.wait_for_url("**/ho-so/tiep-nhan/")

    # The procedure, found while typing without diacritics.
    page.get_by_label("Tìm thủ tục").press_sequentially("dang ky bien dong", delay=15)
    choice = page.locator("#procedure-results a", has_text="1.012767")
    choice.click()
    page.get_by_text("Thời hạn giải quyết: 8 ngày làm việc").wait_for()
    assert page.locator("#procedure-results a").count() == 0  # the list closed once chosen
    assert page.get_by_label("Nội dung yêu cầu giải quyết").input_value().startswith("Đăng ký biến động")

    # The applicant.
    page.get_by_label("Số định danh cá nhân / mã số thuế").fill("092190001234")
    page.get_by_label("Họ tên người nộp / tên tổ chức").fill("Nguyễn Thị Lan")
    page.get_by_label("Điện thoại", exact=True).fill("0912345678")
    page.get_by_label("Địa chỉ", exact=True).fill("12 Mậu Thân, Ninh Kiều, Cần Thơ")

    # The documents: one click ticks every mandatory one; the scan.
    page.get_by_role("button", name="Đánh dấu đủ giấy tờ bắt buộc").click()
    assert page.locator("input[name='documents_received'][data-mandatory]:not(:checked)").count() == 0
    page.get_by_label("Bản quét giấy tờ").set_input_files(str(scan))
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/reception.png", full_page=True)

    page.get_by_role("button", name="Tiếp nhận", exact=True).click()
    page.wait_for_url("**/giay-tiep-nhan/")
    code = page.locator("#dossier-code").inner_text()
    assert re.fullmatch(rf"{re.escape(DEMO_AGENCY_CODE)}-\d{{6}}-\d{{4}}", code)
    assert page.get_by_text(f"Đã tiếp nhận hồ sơ {code}").is_visible()
    sheet = page.locator("main.sheet").inner_text()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in sheet and "Độc lập - Tự do - Hạnh phúc" in sheet
    assert "Nguyễn Thị Lan" in sheet and "092190001234" in sheet
    assert "Thời gian giải quyết hồ sơ theo quy định là: 8 ngày làm việc" in sheet
    appointment = r"Thời gian trả kết quả giải quyết hồ sơ: \d\d giờ \d\d phút, ngày \d\d/\d\d/\d{4}"
    assert re.search(appointment, sheet)
    assert re.fullmatch(r"[A-Z2-9]{8}", page.locator("#lookup-secret").inner_text())
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/receipt.png", full_page=True)

    # The dossier is on its way to the first handling unit, with the scan attached.
    page.get_by_role("link", name="Xem hồ sơ").click()
    page.wait_for_url(f"**/ho-so/{code}/")
    assert page.locator("h1").inner_text().startswith(f"Hồ sơ {code}")
    assert page.get_by_role("link", name="don-dang-ky.pdf").is_visible()
    assert "Phòng Đăng ký và Cấp giấy chứng nhận" in page.locator("#sec-current").locator("..").inner_text()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/detail.png", full_page=True)

    # The next time, the applicant is found by the ID number alone.
    page.goto(server + "/ho-so/tiep-nhan/")
    page.get_by_label("Số định danh cá nhân / mã số thuế").press_sequentially("092190001234", delay=10)
    page.get_by_text("Người nộp đã có trong hệ thống").wait_for()
    assert page.get_by_label("Họ tên người nộp / tên tổ chức").input_value() == "Nguyễn Thị Lan"
    assert page.get_by_label("Địa chỉ", exact=True).input_value() == "12 Mậu Thân, Ninh Kiều, Cần Thơ"

    page.goto(server + "/ho-so/?tab=all")
    assert page.locator("#queue-results tbody tr").count() == 1
    assert code in page.locator("#queue-results tbody").inner_text()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/queues.png", full_page=True)
    assert errors == [] and foreign == []
    context.close()
