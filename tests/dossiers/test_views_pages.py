"""The pages that show dossiers: the work queues (tabs per role with counts, filters, search
without diacritics, overdue in red), one dossier's page (summary, steps, deadline with its
explanation, history, slip, files), the printable slips — each seen only by whom may see the
dossier, and each with the same number of SQL queries however many dossiers or events exist."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from motcua.common.uploads import check_upload
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, ReturnMethod
from motcua.dossiers.selectors import deadline_of
from motcua.org.models import User
from tests.dossiers.conftest import TUESDAY_9AM, VN, applicant, filing_for

QUEUES = "/ho-so/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def who(username: str) -> User:
    return User.objects.get(username=username)


def _scan(name: str = "don.pdf"):
    return check_upload(SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"))


def _tabs(html: str) -> dict[str, str]:
    """The queue tabs shown: name → count."""
    return dict(re.findall(r'tab=(\w+)">\s*<i[^>]*></i>[^<]*<span[^>]*>([^<]*)</span>', html))


def _codes(html: str) -> list[str]:
    return re.findall(r'<a href="/ho-so/([^/"]+)/"><code>', html)


# -- queues ------------------------------------------------------------------------------------
def test_each_role_sees_its_own_tabs_with_counts(accepted, login):
    accepted()
    desk = _tabs(login("motcua").get(QUEUES).content.decode())
    assert list(desk) == ["receive", "due_soon", "overdue", "supplement", "return", "all"]
    assert desk["all"] == "1" and desk["receive"] == "0"
    specialist = _tabs(login("chuyenvien2").get(QUEUES).content.decode())
    assert list(specialist) == ["process", "due_soon", "overdue", "supplement", "all"]
    assert specialist["process"] == "1"
    head = _tabs(login("truongphong").get(QUEUES).content.decode())
    assert "sign" in head and "receive" not in head


def test_a_specialist_of_another_unit_neither_lists_nor_opens_the_dossier(accepted, login):
    dossier = accepted()
    client = login("cv.moitruong")
    assert _codes(client.get(QUEUES + "?tab=all").content.decode()) == []
    for name in ("detail", "receipt", "control_slip"):
        assert client.get(reverse(f"dossiers:{name}", args=[dossier.code])).status_code == 404
    assert client.post(reverse("dossiers:forward", args=[dossier.code]),
                       {"forward-version": dossier.lock_version}).status_code == 404
    # … while the specialist of the handling unit does
    assert _codes(login("chuyenvien2").get(QUEUES + "?tab=process").content.decode()) == [dossier.code]


def test_the_search_ignores_diacritics_and_finds_by_code_name_or_id(accepted, login):
    lan = accepted()
    other = accepted(applicant=applicant(name="Trần Văn Bình", id_number="092190009999"))
    client = login("motcua")
    assert _codes(client.get(QUEUES, {"tab": "all", "q": "nguyen thi lan"}).content.decode()) == [lan.code]
    assert _codes(client.get(QUEUES, {"tab": "all", "q": "092190009999"}).content.decode()) == [other.code]
    assert _codes(client.get(QUEUES, {"tab": "all", "q": other.code}).content.decode()) == [other.code]
    assert set(_codes(client.get(QUEUES, {"tab": "all"}).content.decode())) == {lan.code, other.code}


def test_the_filters_narrow_the_queue(accepted, login):
    land = accepted()
    registration = accepted("1.004227")
    client = login("lanhdao")
    assert _codes(client.get(QUEUES, {"tab": "all", "procedure": "1.004227"}).content.decode()) == [
        registration.code]
    vpdk = registration.current_unit_id
    assert _codes(client.get(QUEUES, {"tab": "all", "unit": vpdk}).content.decode()) == [registration.code]
    assert _codes(client.get(QUEUES, {"tab": "all", "channel": "post"}).content.decode()) == []
    assert _codes(client.get(QUEUES, {"tab": "all", "status": "processing"}).content.decode()) != []
    day = land.received_at.astimezone(VN).date()  # the period: the day of receipt
    before = (day - dt.timedelta(days=1)).isoformat()
    assert _codes(client.get(QUEUES, {"tab": "all", "received_to": before}).content.decode()) == []
    assert len(_codes(client.get(QUEUES, {"tab": "all", "received_from": day.isoformat(),
                                          "received_to": day.isoformat()}).content.decode())) == 2
    assert client.get(QUEUES, {"tab": "nonsense"}).status_code == 404


def test_an_overdue_dossier_is_in_red_in_its_queue(accepted, login):
    dossier = accepted(at=TUESDAY_9AM)  # 8 working days from 10/11/2026: long past
    html = login("chuyenvien2").get(QUEUES + "?tab=overdue").content.decode()
    row = html[html.index(dossier.code):]
    row = row[:row.index("</tr>")]
    assert "text-danger" in row and "quá hạn" in row
    assert "Kiểm tra hồ sơ, lập Phiếu chuyển thông tin địa chính" in row  # the current step
    assert "Phòng Đăng ký và Cấp giấy chứng nhận" in row


def test_the_home_page_shows_each_role_its_queues(accepted, login):
    accepted()
    html = login("chuyenvien2").get("/").content.decode()
    assert "Hồ sơ của bạn" in html and f'{reverse("dossiers:queues")}?tab=process' in html
    assert "Tiếp nhận hồ sơ" not in html.split('id="panel-dossiers"')[1].split("</section>")[0]
    desk = login("motcua").get("/").content.decode()
    assert reverse("dossiers:receive") in desk


def test_the_menu_shows_dossiers_to_who_handles_them(demo, login):
    desk = login("motcua").get("/").content.decode()
    assert 'href="/ho-so/tiep-nhan/"' in desk and 'href="/ho-so/"' in desk
    specialist = login("chuyenvien2").get("/").content.decode()
    assert 'href="/ho-so/tiep-nhan/"' not in specialist and 'href="/ho-so/"' in specialist


def _many(procedure, staff, count: int, start: int = 0) -> None:
    for i in range(start, start + count):
        services.accept_dossier(
            actor=staff("motcua"), at=TUESDAY_9AM + dt.timedelta(minutes=i),
            filing=filing_for(procedure("1.012767"), applicant=applicant(id_number=f"0921900{i:05d}")))


@pytest.mark.parametrize(("username", "tab"), [("motcua", "all"), ("chuyenvien2", "process"),
                                                ("lanhdao", "overdue")])
def test_a_queue_costs_the_same_queries_for_3_or_30_dossiers(procedure, staff, login, username, tab,
                                                           django_assert_max_num_queries):
    _many(procedure, staff, 3)
    client = login(username)
    client.get(QUEUES, {"tab": tab})  # warm the caches (session, calendars)
    with CaptureQueriesContext(connection) as few:
        assert client.get(QUEUES, {"tab": tab, "q": "nguyen"}).status_code == 200
    _many(procedure, staff, 27, start=3)
    with django_assert_max_num_queries(len(few)):
        html = client.get(QUEUES, {"tab": tab, "q": "nguyen"}).content.decode()
    assert len(_codes(html)) == 30


def test_a_dossier_page_costs_the_same_queries_however_long_its_history(accepted, login, staff,
                                                                      django_assert_max_num_queries):
    dossier = accepted()
    client = login("lanhdao")
    url = reverse("dossiers:detail", args=[dossier.code])
    client.get(url)
    with CaptureQueriesContext(connection) as short:
        client.get(url)
    for hour in range(1, 4):  # three more steps, assignments and files
        services.assign_step(actor=staff("truongdk"), dossier=dossier, assignee=staff("chuyenvien2"),
                             at=TUESDAY_9AM + dt.timedelta(hours=hour))
        services.attach_files(actor=staff("chuyenvien2"), dossier=dossier, files=[_scan(f"{hour}.pdf")],
                              at=TUESDAY_9AM + dt.timedelta(hours=hour, minutes=10))
        dossier = services.forward(actor=staff("chuyenvien2"), dossier=dossier,
                                   at=TUESDAY_9AM + dt.timedelta(hours=hour, minutes=20))
    _many_in_db = accepted  # other dossiers do not matter either
    for _ in range(5):
        _many_in_db()
    with django_assert_max_num_queries(len(short)):
        html = client.get(url).content.decode()
    assert html.count("<tr>") > 10


# -- one dossier -------------------------------------------------------------------------------
def test_the_dossier_page_shows_steps_deadline_history_and_slip(accepted, login, staff):
    dossier = accepted()
    services.assign_step(actor=staff("truongdk"), dossier=dossier, assignee=staff("chuyenvien2"),
                         at=TUESDAY_9AM + dt.timedelta(hours=1))
    dossier = services.forward(actor=staff("chuyenvien2"), dossier=dossier, note="Hồ sơ đủ điều kiện",
                               at=TUESDAY_9AM + dt.timedelta(hours=2))
    html = login("truongdk").get(reverse("dossiers:detail", args=[dossier.code])).content.decode()
    assert f"Hồ sơ {dossier.code}" in html and "Đang giải quyết" in html
    current = html[html.index('id="sec-current"'):]
    assert "Xác định nghĩa vụ tài chính" in current[:current.index("</section>")]
    listed = html[html.index('id="deadline-explanation"'):].split("</ol>")[0]
    explanation = re.findall(r"<li>(.*?)</li>", listed)
    assert explanation == deadline_of(dossier).explanation.render()
    history = html[html.index('id="sec-history"'):].split("</table>")[0]
    rows = re.findall(r"<tr>\s*<td>(\d+)</td>", history)
    assert rows == ["1", "2", "3"]  # every event, oldest first
    assert "Lâm Thị Diễm My" in history and "Đặng Thị Mỹ Linh" in history and "Huỳnh Tấn Phát" in history
    assert "Hồ sơ đủ điều kiện" in history
    assert "Bộ phận Tiếp nhận và Trả kết quả → Phòng Đăng ký và Cấp giấy chứng nhận" in history
    slip = html[html.index('id="sec-slip"'):]
    assert "Trước hạn" in slip or "Đúng hạn" in slip or "Quá hạn" in slip


def test_files_are_served_only_through_the_dossier_page_permission(accepted, login, staff):
    dossier = services.attach_files(actor=staff("motcua"), dossier=accepted(), files=[_scan("so-do.pdf")])
    item = dossier.files.get()
    url = reverse("dossiers:file", args=[dossier.code, item.pk])
    response = login("chuyenvien2").get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert login("cv.moitruong").get(url).status_code == 404
    other = accepted()
    assert login("motcua").get(reverse("dossiers:file", args=[other.code, item.pk])).status_code == 404
    page = login("motcua").get(reverse("dossiers:detail", args=[dossier.code])).content.decode()
    assert url in page and "/media/" not in page


def test_the_control_slip_prints_every_hand_over(accepted, login, staff):
    dossier = services.forward(actor=staff("chuyenvien2"), dossier=accepted(),
                               at=TUESDAY_9AM + dt.timedelta(hours=2))
    html = login("motcua").get(reverse("dossiers:control_slip", args=[dossier.code])).content.decode()
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in html.upper()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html
    body = html[html.index("<tbody>"):html.index("</tbody>")]
    assert body.count("<tr>") == 2  # reception → appraisal → tax office
    assert "Lâm Thị Diễm My" in body and "Huỳnh Tấn Phát" in body


def test_the_receipt_follows_the_return_by_post(procedure, staff, login):
    filing = filing_for(procedure("1.012767"), return_method=ReturnMethod.POST,
                        return_address="Số 5 Trần Phú, Cái Khế, Ninh Kiều")
    dossier = services.accept_dossier(actor=staff("motcua"), filing=filing)
    html = login("motcua").get(reverse("dossiers:receipt", args=[dossier.code])).content.decode()
    assert "qua dịch vụ bưu chính công ích, đến địa chỉ Số 5 Trần Phú, Cái Khế, Ninh Kiều" in html


def test_slips_that_do_not_exist_are_not_found(accepted, login, procedure, staff):
    dossier = accepted()
    client = login("motcua")
    assert client.get(reverse("dossiers:completion_guide", args=[dossier.code])).status_code == 404
    assert client.get(reverse("dossiers:refusal", args=[dossier.code])).status_code == 404
    waiting = services.request_completion(actor=staff("motcua"), filing=filing_for(procedure("1.012767")),
                                          missing=["Giấy chứng nhận đã cấp"])
    assert client.get(reverse("dossiers:receipt", args=[waiting.pk])).status_code == 404
    assert client.get(reverse("dossiers:completion_guide", args=[waiting.pk])).status_code == 200
    assert Dossier.objects.count() == 2
