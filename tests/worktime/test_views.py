"""The working-calendar pages and the deadline calculator, as an administrator and a desk officer
use them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from motcua.audit.models import AuditEvent
from motcua.worktime.models import CalendarDay
from motcua.worktime.selectors import agency_schedule
from motcua.worktime.services import set_calendar_day


def _page(response) -> str:
    return response.content.decode()


def _calendar(client, year=2026) -> str:
    response = client.get(reverse("worktime:calendar"), {"nam": year})
    assert response.status_code == 200
    return _page(response)


# --- The year view ------------------------------------------------------------------------------


def test_everyone_sees_the_year_with_holidays_make_up_days_and_office_hours(demo, login):
    client = login("motcua")
    response = client.get(reverse("worktime:calendar"), {"nam": 2026})
    page = _page(response)
    assert "Lịch làm việc năm 2026" in page
    assert "Nghỉ Tết Nguyên đán Bính Ngọ 2026" in page
    assert "14/02/2026 – 22/02/2026" in page  # one line for the nine days
    assert "Giỗ Tổ Hùng Vương 2026 (Chủ nhật 26/4, nghỉ bù thứ Hai 27/4)" in page
    assert "Thông báo nghỉ lễ của Chính phủ" in page and "Lịch nghỉ lễ, Tết quốc gia" in page
    assert '<span class="text-nowrap">13:00-17:00</span>' in page
    assert '?nam=2025' in page and '?nam=2027' in page
    # Desk officers see no administrator action.
    assert reverse("worktime:day_add") not in page
    assert reverse("worktime:hours_edit") not in page
    # The grid: 12 months, 22/08 a make-up day, 27/04 a holiday.
    months = response.context["months"]
    assert len(months) == 12
    cells = {cell.info.day: cell for month in months for week in month.weeks for cell in week if cell}
    assert len(cells) == 365
    assert cells[dt.date(2026, 8, 22)].css == "wt-makeup"
    assert cells[dt.date(2026, 4, 27)].css == "wt-holiday"
    assert cells[dt.date(2026, 3, 7)].css == "wt-weekend"
    assert cells[dt.date(2026, 3, 9)].css == "wt-workday"


def test_a_year_out_of_range_or_unreadable_falls_back(demo, login):
    client = login("motcua")
    assert client.get(reverse("worktime:calendar"), {"nam": "1850"}).context["year"] == 2000
    assert client.get(reverse("worktime:calendar"), {"nam": "abc"}).status_code == 200


def test_the_calendar_needs_a_sign_in(demo, client):
    response = client.get(reverse("worktime:calendar"))
    assert response.status_code == 302 and "dang-nhap" in response["Location"]


def test_navigation_shows_calendar_and_calculator_to_everyone(demo, login):
    page = _page(login("chuyenvien").get(reverse("ui:home")))
    assert reverse("worktime:calendar") in page and reverse("worktime:calculator") in page


# --- The administrator's changes ---------------------------------------------------------------


def test_admin_adds_a_day_off_and_it_shows_with_its_reason_and_decision(demo, login):
    client = login("admin")
    assert reverse("worktime:day_add") in _calendar(client)
    response = client.post(reverse("worktime:day_add"), {
        "day": "2026-05-04", "kind": "off", "name": "Nghỉ bù ngày Quốc tế Lao động",
        "decision": "Quyết định 15/QĐ-STNMT ngày 20/4/2026", "hours": "",
    }, follow=True)
    page = _page(response)
    assert response.redirect_chain[-1][0] == f"{reverse('worktime:calendar')}?nam=2026"
    assert "Đã lưu ngày nghỉ 04/05/2026" in page
    assert "sẽ được tính lại ở chế độ nền" in page
    assert "Nghỉ bù ngày Quốc tế Lao động" in page
    assert "Quyết định 15/QĐ-STNMT ngày 20/4/2026" in page
    assert "Quyết định của cơ quan" in page
    cells = {c.info.day: c for m in response.context["months"] for w in m.weeks for c in w if c}
    assert cells[dt.date(2026, 5, 4)].css == "wt-day-off"
    record = CalendarDay.objects.get(day=dt.date(2026, 5, 4))
    assert not record.working and AuditEvent.objects.filter(action="worktime.day.set").exists()
    assert reverse("worktime:day_remove", args=[record.pk]) in page


def test_admin_adds_a_make_up_saturday_with_its_hours(demo, login):
    client = login("admin")
    client.post(reverse("worktime:day_add"), {
        "day": "2026-10-17", "kind": "makeup", "name": "Làm bù", "decision": "", "hours": "07:30-11:30",
    })
    record = CalendarDay.objects.get(day=dt.date(2026, 10, 17))
    assert record.working and record.hours == "07:30-11:30"
    page = _calendar(client)
    assert "Ngày làm bù" in page and "07:30-11:30</div>" in page


def test_a_day_that_is_already_off_is_refused_with_the_services_message(demo, login):
    response = login("admin").post(reverse("worktime:day_add"), {
        "day": "2026-02-17", "kind": "off", "name": "Nghỉ", "decision": "", "hours": ""})
    assert response.status_code == 200
    assert "vốn là ngày nghỉ" in _page(response)
    assert not CalendarDay.objects.exists()


def test_admin_removes_an_agency_day_after_confirming(demo, login, staff):
    record = set_calendar_day(actor=staff("admin"), schedule=agency_schedule(demo), day=dt.date(2026, 5, 4),
                              working=False, name="Nghỉ bù", decision="QĐ 7")
    client = login("admin")
    url = reverse("worktime:day_remove", args=[record.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Bỏ ngày nghỉ 04/05/2026" in _page(confirm)
    assert CalendarDay.objects.filter(pk=record.pk).exists()  # GET changes nothing
    response = client.post(url, follow=True)
    assert "Đã bỏ thay đổi ngày 04/05/2026" in _page(response)
    assert not CalendarDay.objects.filter(pk=record.pk).exists()
    assert "Nghỉ bù" not in _page(response).split("special-days")[1]


def test_admin_edits_office_hours(demo, login):
    client = login("admin")
    form = client.get(reverse("worktime:hours_edit"))
    assert 'value="07:30-11:30, 13:00-17:00"' in _page(form)
    hours = {day: "07:30-11:30, 13:00-17:00" for day in
             ("monday", "tuesday", "wednesday", "thursday", "friday")}
    response = client.post(reverse("worktime:hours_edit"), {
        **hours, "saturday": "07:30-11:30", "sunday": "", "makeup_hours": "07:30-11:30, 13:00-17:00",
    }, follow=True)
    assert "Đã lưu giờ làm việc" in _page(response)
    assert agency_schedule(demo).saturday == "07:30-11:30"
    assert ("thứ Bảy", ["07:30-11:30"], False) in response.context["office_hours"]
    assert "Chỉ tiếp nhận hồ sơ; không tính vào thời hạn giải quyết." in _page(response)


def test_invalid_office_hours_show_the_vietnamese_error(demo, login):
    response = login("admin").post(reverse("worktime:hours_edit"), {
        "monday": "7h30 đến 11h30", "tuesday": "07:30-11:30", "wednesday": "", "thursday": "",
        "friday": "", "saturday": "", "sunday": "", "makeup_hours": "07:30-11:30",
    })
    page = _page(response)
    assert response.status_code == 200
    assert "Giờ làm việc “7h30 đến 11h30” không hợp lệ" in page
    assert "is-invalid" in page
    assert agency_schedule(demo).monday == "07:30-11:30, 13:00-17:00"


@pytest.mark.parametrize("name", ["worktime:day_add", "worktime:hours_edit"])
def test_a_desk_officer_gets_403_on_the_edit_pages(demo, login, name):
    client = login("motcua")
    assert client.get(reverse(name)).status_code == 403
    assert client.post(reverse(name), {"day": "2026-05-04", "kind": "off", "name": "x"}).status_code == 403
    assert not CalendarDay.objects.exists()


def test_a_desk_officer_cannot_remove_a_day(demo, login, staff):
    record = set_calendar_day(actor=staff("admin"), schedule=agency_schedule(demo), day=dt.date(2026, 5, 4),
                              working=False, name="Nghỉ bù")
    client = login("motcua")
    url = reverse("worktime:day_remove", args=[record.pk])
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert CalendarDay.objects.filter(pk=record.pk).exists()


# --- The calculator -----------------------------------------------------------------------------


def test_the_calculator_shows_the_due_moment_and_the_explanation(demo, login):
    response = login("motcua").get(reverse("worktime:calculator"), {
        "received_day": "2026-02-13", "received_time": "16:55", "amount": "1", "unit": "day",
        "rule": "plain"})
    page = _page(response)
    assert "Hẹn trả: 16:55 thứ Hai, 23/02/2026" in page
    assert "Nghỉ Tết Nguyên đán Bính Ngọ 2026" in page
    assert "Tiếp nhận lúc 16:55 thứ Sáu 13/02/2026, trong giờ làm việc" in page
    assert "Hạn giải quyết: 16:55 thứ Hai 23/02/2026" in page
    assert response.context["deadline"].due_at.isoformat() == "2026-02-23T16:55:00+07:00"


def test_the_calculator_applies_the_chosen_rule_and_shows_its_source(demo, login):
    page = _page(login("motcua").get(reverse("worktime:calculator"), {
        "received_day": "2026-02-13", "received_time": "16:55", "amount": "1", "unit": "day",
        "rule": "working_days"}))
    assert "Hẹn trả: 17:00 thứ Hai, 23/02/2026" in page
    assert "BLDS 2015 Đ147 k2–3" in page
    assert "ngày tiếp nhận không được tính" in page


def test_the_calculator_starts_empty_with_now_and_explains_bad_amounts(demo, login):
    client = login("motcua")
    empty = client.get(reverse("worktime:calculator"))
    assert "deadline" not in empty.context and "Tính hạn" in _page(empty)
    bad = client.get(reverse("worktime:calculator"), {
        "received_day": "2026-02-13", "received_time": "16:55", "amount": "0,001", "unit": "day",
        "rule": "plain"})
    assert "không phải là một số nguyên phút làm việc" in _page(bad)
    assert "deadline" not in bad.context


def test_working_time_between_two_moments(demo, login):
    response = login("motcua").get(reverse("worktime:calculator"), {
        "first_day": "2026-02-13", "first_time": "16:55", "last_day": "2026-02-23", "last_time": "16:55"})
    assert response.context["between_minutes"] == 480
    assert "1 ngày làm việc" in _page(response)


def test_the_explanation_partial_renders_any_deadline(demo):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.template.loader import render_to_string

    from motcua.worktime import WorkAmount, WorkCalendar, deadline

    result = deadline(WorkCalendar(), datetime(2026, 8, 21, 13, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
                      WorkAmount.days(1))
    html = render_to_string("worktime/_explanation.html", {"deadline": result})
    assert html.count("<li") == len(result.explanation.render())
    assert "ngày làm bù" in html


def test_admin_gives_a_branch_its_own_hours_and_its_calendar_shows_them(demo, login):
    from motcua.org.models import Unit

    client = login("admin")
    branch = Unit.objects.get(code="vpdk-ninh-kieu")
    response = client.post("/lich-lam-viec/gio-lam-viec/don-vi/them/", {"unit": branch.pk})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/lich-lam-viec/gio-lam-viec/?don-vi={branch.pk}")
    hours = {"monday": "07:30-11:30, 13:00-17:00", "tuesday": "07:30-11:30, 13:00-17:00",
             "wednesday": "07:30-11:30, 13:00-17:00", "thursday": "07:30-11:30, 13:00-17:00",
             "friday": "07:30-11:30, 13:00-17:00", "saturday": "07:30-11:30", "sunday": "",
             "makeup_hours": "07:30-11:30, 13:00-17:00"}
    saved = client.post(f"/lich-lam-viec/gio-lam-viec/?don-vi={branch.pk}", hours)
    assert saved.status_code == 302
    page = client.get(f"/lich-lam-viec/?don-vi={branch.pk}").content.decode()
    assert "Giờ làm việc riêng của Chi nhánh Văn phòng Đăng ký đất đai quận Ninh Kiều" in page
    agency_page = client.get("/lich-lam-viec/").content.decode()

    def saturday(html: str) -> str:
        return html.split("Thứ Bảy</th><td>", 1)[1].split("</td>", 1)[0]

    assert "07:30-11:30" in saturday(page)
    assert "Nghỉ" in saturday(agency_page)
    assert login("motcua").get("/lich-lam-viec/gio-lam-viec/don-vi/them/").status_code == 403


@pytest.mark.parametrize("value", ["²", "9" * 30, "abc", "-1"])
def test_a_bad_unit_parameter_is_a_404_not_an_error(demo, login, value):
    assert login("admin").get("/lich-lam-viec/", {"don-vi": value}).status_code == 404


def test_the_calculator_uses_a_procedure_s_time_limit_and_counting_rule(catalogue, login):
    # Cấp đổi Giấy chứng nhận: 7 working days from the next working day. Received Friday 13/2/2026
    # 16:55, Tết runs 14–22/2: day 1 is Monday 23/2, day 7 Tuesday 3/3, due at its close.
    page = _page(login("motcua").get(reverse("worktime:calculator"), {
        "received_day": "2026-02-13", "received_time": "16:55", "procedure": "1.012768"}))
    assert "Hẹn trả: 17:00 thứ Ba, 03/03/2026" in page
    assert "1.012768 — Cấp đổi Giấy chứng nhận" in page
    assert "BLDS 2015 Đ147 k2–3" in page


def test_a_same_day_procedure_received_after_the_cut_off_is_due_the_next_working_day(catalogue, login):
    page = _page(login("motcua").get(reverse("worktime:calculator"), {
        "received_day": "2026-03-02", "received_time": "15:30", "procedure": "1.012781"}))
    assert "Hẹn trả: 17:00 thứ Ba, 03/03/2026" in page


def test_without_a_procedure_the_amount_and_the_rule_are_needed(demo, login):
    response = login("motcua").get(reverse("worktime:calculator"), {
        "received_day": "2026-03-02", "received_time": "15:30", "procedure": "", "amount": "", "unit": "day"})
    assert "deadline" not in response.context
    assert _page(response).count("Chọn một thủ tục, hoặc nhập mục này.") == 2  # amount and rule
