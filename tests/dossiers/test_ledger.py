"""The dossier tracking book (Sổ theo dõi hồ sơ, form 07): rows of a period in order of receipt,
by the agency's local date, with the form's columns; filters; who sees which rows; the Excel
workbook; bad periods; a bounded number of queries."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from motcua.dossiers import selectors, services
from motcua.dossiers.models import Dossier, Status
from tests.dossiers.conftest import VN, applicant

NOVEMBER = {"date_from": "2026-11-01", "date_to": "2026-11-30"}
HUNG = "Lê Văn Hùng"
COMPANY = "Công ty TNHH Môi trường Xanh Cần Thơ"


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=VN)


def run_to_result(d: Dossier, leader, start: dt.datetime) -> Dossier:
    """Forward ``d`` through its process and approve it, one hour per step."""
    moment = start
    while d.status == Status.PROCESSING:
        action = services.approve if "approve" in selectors.available_actions(leader, d) else services.forward
        d = action(actor=leader, dossier=d, at=moment)
        moment += dt.timedelta(hours=1)
    return d


@pytest.fixture
def book(accepted, staff) -> dict[str, Dossier]:
    """November 2026 at the demo agency, plus a dossier on each side of the month."""
    desk, leader = staff("motcua"), staff("lanhdao")
    made = {
        "october": accepted(at=at(30, 10, month=10)),
        "lan": accepted(at=at(9, 8, 30)),
        "company": accepted("1.010733", at=at(10, 14, 15), channel="post", return_method="post",
                            return_address="Khu công nghiệp Trà Nóc, Bình Thủy, Cần Thơ",
                            applicant=applicant(name=COMPANY, kind="organisation", id_number="1801234567",
                                                phone="0292 3888 999", email="",
                                                address="Lô 12 Khu công nghiệp Trà Nóc, Bình Thủy, Cần Thơ")),
        "hung": accepted(at=at(11, 10), applicant=applicant(
            name=HUNG, id_number="092088005678", phone="0987654321", address="5 Hùng Vương, Cần Thơ")),
        "last_day": accepted(at=at(30, 16)),
        # 06:30 on 1 December in Cần Thơ is still 30 November in UTC: not in November's book.
        "december": accepted(at=at(1, 6, 30, month=12)),
    }
    hung = run_to_result(made["hung"], leader, at(12, 8))
    made["hung"] = services.return_result(actor=desk, dossier=hung, method="desk", received_by=HUNG,
                                          at=at(16, 9, 30))
    made["lan"] = services.apologize(actor=leader, dossier=made["lan"], new_due_at=at(25, 17),
                                     reason="Chờ ý kiến của Chi cục Thuế", at=at(18, 9))
    return made


def ledger_url(**params) -> str:
    from urllib.parse import urlencode

    return f"{reverse('dossiers:ledger')}?{urlencode(params)}"


def export_url(**params) -> str:
    from urllib.parse import urlencode

    return f"{reverse('dossiers:ledger_export')}?{urlencode(params)}"


def test_urls_are_in_the_dossiers_namespace():
    assert reverse("dossiers:ledger") == "/ho-so/so-theo-doi/"
    assert reverse("dossiers:ledger_export") == "/ho-so/so-theo-doi/xuat-excel/"


def test_the_book_lists_the_dossiers_received_in_the_period_in_order(book, login):
    response = login("motcua").get(ledger_url(**NOVEMBER))

    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r.code for r in rows] == [
        "000.15.31.H13-261109-0001", "000.15.31.H13-261110-0001", "000.15.31.H13-261111-0001",
        "000.15.31.H13-261130-0001"]
    assert [r.number for r in rows] == [1, 2, 3, 4]
    lan, company, hung, _last = rows
    # Received Monday 09/11 08:30, 8 working days: the appointment is Thursday 19/11 at 17:00;
    # the apology letter gave a new one, 25/11 at 17:00; the dossier stays counted against 19/11.
    assert lan.applicant_name == "Nguyễn Thị Lan"
    assert lan.address_phone == "12 Mậu Thân, Ninh Kiều, Cần Thơ / 0912345678"
    assert lan.lead_body == "Phòng Đăng ký và Cấp giấy chứng nhận"
    assert lan.received_at == at(9, 8, 30)
    assert lan.due_at == at(19, 17)
    assert lan.new_due_at == at(25, 17)
    assert lan.returned_at is None
    assert lan.status_label == "Đang giải quyết"
    # By post, to the environmental protection office; no result yet.
    assert company.applicant_name == COMPANY
    assert company.lead_body == "Phòng Thẩm định và Đánh giá tác động môi trường"
    assert company.collection == "Nhận qua bưu chính công ích"
    assert company.new_due_at is None
    # Returned at the desk on 16/11 09:30, resolved before the due day: early.
    assert hung.returned_at == at(16, 9, 30)
    assert hung.returned_to == HUNG
    assert hung.collection == "Nhận tại Bộ phận Một cửa"
    assert hung.status_label == "Đã trả kết quả"
    assert hung.timeliness_label == "Trước hạn"

    page = response.content.decode()
    assert "SỔ THEO DÕI HỒ SƠ" in page
    assert "Từ ngày 01/11/2026 đến ngày 30/11/2026" in page
    assert "08:30 09/11/2026" in page and "17:00 19/11/2026" in page and "Hẹn lại: 17:00 25/11/2026" in page
    assert "09:30 16/11/2026" in page
    assert "261030" not in page and "261201" not in page


def test_without_dates_the_book_shows_this_month(book, login, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: at(20, 10))
    response = login("motcua").get(reverse("dossiers:ledger"))

    assert response.status_code == 200
    assert response.context["filter"].date_from == dt.date(2026, 11, 1)
    assert response.context["filter"].date_to == dt.date(2026, 11, 30)
    assert len(response.context["rows"]) == 4


def test_the_book_of_one_field(book, login):
    client = login("motcua")

    environment = client.get(ledger_url(**NOVEMBER, field="moi-truong")).context["rows"]
    land = client.get(ledger_url(**NOVEMBER, field="dat-dai")).context["rows"]
    by_post = client.get(ledger_url(**NOVEMBER, channel="post")).context["rows"]
    one_procedure = client.get(ledger_url(**NOVEMBER, procedure="1.012767")).context["rows"]

    assert [r.applicant_name for r in environment] == [COMPANY]
    assert [r.number for r in environment] == [1]
    assert [r.code for r in land] == [book["lan"].code, book["hung"].code, book["last_day"].code]
    assert [r.applicant_name for r in by_post] == [COMPANY]
    assert len(one_procedure) == 3
    page = client.get(ledger_url(**NOVEMBER, field="moi-truong")).content.decode()
    assert "Lĩnh vực: Môi trường" in page


def test_a_unit_specialist_sees_only_the_dossiers_of_their_unit(book, login):
    rows = login("chuyenvien2").get(ledger_url(**NOVEMBER)).context["rows"]

    assert COMPANY not in {r.applicant_name for r in rows}
    assert [r.code for r in rows] == [book["lan"].code, book["hung"].code, book["last_day"].code]


def test_the_excel_book_of_the_period(book, login):
    response = login("motcua").get(export_url(**NOVEMBER, field="dat-dai"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "so-theo-doi-ho-so-dat-dai-2026-11-01-2026-11-30.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = list(sheet.iter_rows(values_only=True))
    first_column = [row[0] for row in cells]
    assert "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG THÀNH PHỐ CẦN THƠ" in first_column
    assert "SỔ THEO DÕI HỒ SƠ" in first_column
    assert "Lĩnh vực: Đất đai" in first_column
    assert "Từ ngày 01/11/2026 đến ngày 30/11/2026" in first_column
    header = next(i for i, row in enumerate(cells) if row[1] == "Mã hồ sơ")
    assert cells[header][:8] == ("STT", "Mã hồ sơ", "Tên thủ tục hành chính", "Tên tổ chức, cá nhân",
                                 "Địa chỉ / Số điện thoại", "Cơ quan chủ trì giải quyết", "Nhận hồ sơ",
                                 "Hẹn trả kết quả")
    data = [row for row in cells[header + 2:] if isinstance(row[0], int)]
    assert [(row[0], row[1], row[3]) for row in data] == [
        (1, book["lan"].code, "Nguyễn Thị Lan"), (2, book["hung"].code, HUNG),
        (3, book["last_day"].code, "Nguyễn Thị Lan")]
    lan, hung = data[0], data[1]
    # Real date-times in Cần Thơ time, shown day/month/year hour:minute.
    assert lan[6] == dt.datetime(2026, 11, 9, 8, 30)
    assert lan[7] == dt.datetime(2026, 11, 19, 17, 0)
    assert lan[8] == dt.datetime(2026, 11, 25, 17, 0)
    assert hung[9] == dt.datetime(2026, 11, 16, 9, 30)
    assert hung[11] == HUNG
    assert sheet.cell(row=header + 3, column=7).number_format == "dd/mm/yyyy hh:mm"
    assert sheet.column_dimensions["C"].width == 45


@pytest.mark.parametrize(("params", "message"), [
    ({"date_from": "2026-11-30", "date_to": "2026-11-01"},
     "“Đến ngày” (01/11/2026) không được trước “Từ ngày” (30/11/2026)."),
    ({"date_from": "2026-01-01", "date_to": "2027-01-01"},
     "Kỳ theo dõi dài quá một năm (từ 01/01/2026 đến 01/01/2027)"),
    ({"date_from": "2026-02-30", "date_to": "2026-03-31"}, "Ngày không hợp lệ"),
    ({"date_from": "0001-01-01", "date_to": "0001-01-02"}, "nằm ngoài khoảng"),
])
@pytest.mark.parametrize("url", [ledger_url, export_url])
def test_a_bad_period_is_refused_with_a_clear_message(book, login, params, message, url):
    response = login("motcua").get(url(**params))

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert message in response.content.decode()
    assert response.context["rows"] == []


def test_a_whole_year_is_allowed(book, login):
    response = login("motcua").get(ledger_url(date_from="2026-01-01", date_to="2026-12-31"))

    assert response.status_code == 200
    assert response.context["page"].paginator.count == 6


def test_the_book_reads_a_fixed_number_of_queries(accepted, login, django_assert_max_num_queries):
    client = login("chuyenvien2")
    client.get(ledger_url(**NOVEMBER))  # warm the caches of the session and the process
    for day in range(2, 5):
        accepted(at=at(day, 9))
    with django_assert_max_num_queries(14) as few:
        assert len(client.get(ledger_url(**NOVEMBER)).context["rows"]) == 3
    for day in (5, 6, 9, 10, 11, 12, 13, 16, 17):
        accepted(at=at(day, 9))
        accepted(at=at(day, 10))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(ledger_url(**NOVEMBER)).context["rows"]) == 21
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(export_url(**NOVEMBER))
        content = b"".join(response.streaming_content)
    assert load_workbook(io.BytesIO(content)).active.max_row > 21


def test_the_screen_shows_a_hundred_rows_a_page(accepted, login):
    for minute in range(0, 51):
        accepted(at=at(9, 8, minute))
        accepted(at=at(10, 8, minute))
    client = login("motcua")

    first = client.get(ledger_url(**NOVEMBER))
    second = client.get(ledger_url(**NOVEMBER, page=2))

    assert len(first.context["rows"]) == 100
    assert [r.number for r in second.context["rows"]] == [101, 102]
    assert second.context["rows"][-1].code == "000.15.31.H13-261110-0051"


def test_the_book_needs_a_signed_in_officer(client, db):
    response = client.get(ledger_url(**NOVEMBER))

    assert response.status_code == 302
