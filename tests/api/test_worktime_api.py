"""The working-time API, with deadlines worked out by hand from the engine's rules: sessions
07:30–11:30 and 13:00–17:00 (half-open), 1 working day = 480 working minutes, and a positive
amount ends at the end of its last working minute."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from motcua.api.tokens import create_api_token
from motcua.org.models import Agency
from motcua.worktime.selectors import agency_schedule
from motcua.worktime.services import remove_calendar_day, set_calendar_day

DEADLINE = "/api/v1/worktime/deadline"
CALENDAR = "/api/v1/worktime/calendar"


@pytest.fixture
def api(demo, staff):
    """A client that sends the desk officer's token."""
    _, raw = create_api_token(actor=None, user=staff("motcua"))
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _due(api, **params) -> dict:
    response = api.get(DEADLINE, params)
    assert response.status_code == 200, response.content
    return response.json()


def _error(api, url=DEADLINE, **params) -> dict:
    response = api.get(url, params)
    assert response.status_code == 422, response.content
    body = response.json()
    assert any(body["detail"] in messages for messages in body["errors"].values())
    return body


# --- Worked examples ---------------------------------------------------------------------------


def test_one_day_from_friday_1655_crosses_tet_2026(api):
    # Fri 13/02 16:55–17:00 = 5 min; Sat 14/02 – Sun 22/02 Tết; Mon 23/02 07:30–11:30 = 240 and
    # 13:00–16:55 = 235: 5 + 240 + 235 = 480.
    body = _due(api, start="2026-02-13T16:55:00+07:00", amount="1", unit="day")
    assert body["due_at"] == "2026-02-23T16:55:00+07:00"
    assert body["start"] == "2026-02-13T16:55:00+07:00"
    assert body["counting_from"] == "2026-02-13T16:55:00+07:00"
    assert body["amount"] == {"value": 1.0, "unit": "day", "minutes": 480}
    assert body["rule"]["code"] == "plain"
    assert body["rule"]["counting_rule"] == "from_receipt_moment+at_moment"
    assert body["agency"]["code"] == "000.15.31.H13"
    lines = body["explanation"]
    assert lines[0].startswith("Tiếp nhận lúc 16:55 thứ Sáu 13/02/2026, trong giờ làm việc")
    assert any("Nghỉ Tết Nguyên đán Bính Ngọ 2026" in line and "(9 ngày)" in line for line in lines)
    assert lines[-1] == "Hạn giải quyết: 16:55 thứ Hai 23/02/2026"
    assert [step["code"] for step in body["steps"]] == ["start.at_receipt", "amount", "skip.holiday",
                                                        "due.at_moment"]
    assert body["steps"][2]["params"]["days"] == {"first": "2026-02-14", "last": "2026-02-22", "days": 9}
    assert [step["text"] for step in body["steps"]] == lines


def test_the_same_moment_in_utc_or_without_offset_gives_the_same_due_moment(api):
    for start in ("2026-02-13T09:55:00Z", "2026-02-13T16:55", "2026-02-13 16:55:30.25+07:00"):
        body = _due(api, start=start, amount="1", unit="day")
        assert body["due_at"] == "2026-02-23T16:55:00+07:00", start
        assert body["start"].startswith("2026-02-13T16:55")


def test_a_start_on_sunday_begins_at_monday_opening(api):
    # Sun 08/03/2026 10:00 → Mon 09/03 07:30; 480 min → Mon 17:00 (the end of the last minute).
    body = _due(api, start="2026-03-08T10:00:00+07:00", amount="1", unit="day")
    assert body["counting_from"] == "2026-03-09T07:30:00+07:00"
    assert body["due_at"] == "2026-03-09T17:00:00+07:00"
    assert body["steps"][0]["code"] == "start.next_working_moment"
    assert "ngoài giờ làm việc" in body["explanation"][0]


def test_a_start_in_the_lunch_break_begins_at_1300(api):
    # Wed 11/03/2026 12:00 → 13:00; 13:00–17:00 = 240, Thu 07:30–11:30 = 240 → Thu 11:30.
    body = _due(api, start="2026-03-11T12:00:00+07:00", amount="1", unit="day")
    assert body["counting_from"] == "2026-03-11T13:00:00+07:00"
    assert body["due_at"] == "2026-03-12T11:30:00+07:00"
    # Four hours from the lunch break end at the close of the afternoon, not the next morning.
    assert _due(api, start="2026-03-11T12:00", amount="4", unit="hour")["due_at"] == (
        "2026-03-11T17:00:00+07:00")
    assert _due(api, start="2026-03-11T12:00", amount="1", unit="half_day")["due_at"] == (
        "2026-03-11T17:00:00+07:00")


def test_the_make_up_saturday_of_the_national_day_swap_is_counted(api):
    # Fri 21/08/2026 13:00–17:00 = 240; Sat 22/08 is worked (swap with Mon 31/08): 07:30–11:30.
    body = _due(api, start="2026-08-21T13:00:00+07:00", amount="1", unit="day")
    assert body["due_at"] == "2026-08-22T11:30:00+07:00"
    assert any(step["code"] == "makeup" for step in body["steps"])
    # Fri 28/08 13:00: 240 min on Friday; Sat 29, Sun 30 weekend, Mon 31/08 – Wed 02/09 off;
    # Thu 03/09 07:30–11:30 → 11:30.
    assert _due(api, start="2026-08-28T13:00", amount="1", unit="day")["due_at"] == (
        "2026-09-03T11:30:00+07:00")


def test_a_counting_rule_applies_when_named(api):
    body = _due(api, start="2026-02-13T16:55:00+07:00", amount="1", unit="day", rule="working_days")
    assert body["counting_from"] == "2026-02-23T07:30:00+07:00"
    assert body["due_at"] == "2026-02-23T17:00:00+07:00"
    assert body["rule"]["counting_rule"] == "from_next_working_day+end_of_day"
    assert "BLDS 2015 Đ147 k2–3" in body["rule"]["sources"]
    # Same-day rule: received 15:30 (after the 15:00 cut-off) → due at the next day's close.
    body = _due(api, start="2026-03-10T15:30", amount="0", unit="day", rule="same_day_15h")
    assert body["due_at"] == "2026-03-11T17:00:00+07:00"


def test_explanation_follows_the_language_cookie(api):
    api.cookies["django_language"] = "en"
    body = _due(api, start="2026-02-13T16:55:00+07:00", amount="1", unit="day", HTTP_ACCEPT_LANGUAGE="vi")
    assert body["explanation"][-1] == "Due: 16:55 on Monday 23/02/2026"
    assert body["due_at"] == "2026-02-23T16:55:00+07:00"


def test_an_agency_day_off_added_through_the_service_moves_the_deadline(api, demo, staff):
    # Mon 09/03/2026 08:00 + 1 day: 210 + 240 on Monday, 30 min on Tuesday → Tue 08:00.
    params = {"start": "2026-03-09T08:00:00+07:00", "amount": "1", "unit": "day"}
    assert _due(api, **params)["due_at"] == "2026-03-10T08:00:00+07:00"
    schedule = agency_schedule(demo)
    day = set_calendar_day(actor=staff("admin"), schedule=schedule, day=dt.date(2026, 3, 10),
                           working=False, name="Nghỉ để tổ chức bầu cử", decision="QĐ 5/QĐ-STNMT")
    body = _due(api, **params)
    assert body["due_at"] == "2026-03-11T08:00:00+07:00"
    assert any("Nghỉ để tổ chức bầu cử" in line and "QĐ 5/QĐ-STNMT" in line for line in body["explanation"])
    remove_calendar_day(actor=staff("admin"), calendar_day=day)
    assert _due(api, **params)["due_at"] == "2026-03-10T08:00:00+07:00"


# --- The calendar --------------------------------------------------------------------------------


def test_calendar_2026_lists_hung_kings_observed_and_the_make_up_saturday(api):
    response = api.get(CALENDAR, {"year": 2026})
    assert response.status_code == 200
    body = response.json()
    assert body["year"] == 2026 and body["agency"]["code"] == "000.15.31.H13"
    assert body["office_hours"]["monday"] == "07:30-11:30, 13:00-17:00"
    assert body["office_hours"]["saturday"] == ""
    assert body["office_hours"]["makeup"] == "07:30-11:30, 13:00-17:00"
    days = {day["date"]: day for day in body["days"]}
    hung_kings = days["2026-04-27"]
    assert hung_kings["kind"] == "holiday" and hung_kings["working"] is False
    assert "Giỗ Tổ Hùng Vương" in hung_kings["name"]
    assert hung_kings["origin"] == "official"
    assert hung_kings["holiday_en"] == "Hung Kings' Commemoration Day (observed)"
    saturday = days["2026-08-22"]
    assert saturday["kind"] == "makeup" and saturday["working"] is True
    assert saturday["hours"] == "07:30-11:30, 13:00-17:00"
    assert days["2026-08-31"]["working"] is False
    assert days["2026-04-30"]["origin"] == "holidays" and days["2026-04-30"]["name_en"]
    tet = days["2026-02-14"]
    assert tet["name"] == "Nghỉ Tết Nguyên đán Bính Ngọ 2026" and tet["name_en"].startswith("Lunar New Year")
    assert tet["source"] == "Bộ luật Lao động 2019, Điều 112"
    assert all(day["date"].startswith("2026-") for day in body["days"])
    assert "2026-03-10" not in days  # an ordinary Tuesday


def test_calendar_lists_the_agencys_own_days(api, demo, staff):
    set_calendar_day(actor=staff("admin"), schedule=agency_schedule(demo), day=dt.date(2026, 5, 4),
                     working=False, name="Nghỉ bù", decision="QĐ 7/QĐ-STNMT")
    days = {d["date"]: d for d in api.get(CALENDAR, {"year": 2026}).json()["days"]}
    assert days["2026-05-04"] == {
        "date": "2026-05-04", "kind": "day_off", "working": False, "hours": "", "origin": "agency",
        "origin_label": "Quyết định của cơ quan", "name": "Nghỉ bù", "name_en": "",
        "source": "QĐ 7/QĐ-STNMT", "holiday": "", "holiday_en": "",
    }


# --- Errors ------------------------------------------------------------------------------------------


def test_without_a_token_both_endpoints_answer_401(demo, client):
    params = {"start": "2026-02-13T16:55", "amount": "1", "unit": "day"}
    assert client.get(DEADLINE, params).status_code == 401
    assert client.get(CALENDAR, {"year": 2026}).status_code == 401


@pytest.mark.parametrize(("params", "field", "words"), [
    ({"start": "hôm qua"}, "start", "không đúng định dạng ISO 8601"),
    ({"start": "2026-02-30T08:00"}, "start", "không đúng định dạng ISO 8601"),
    ({"start": "1999-12-31T08:00"}, "start", "Năm phải từ 2000 đến 2100"),
    ({"start": "2026-02-13T16:55 07:00"}, "start", "%2B"),
    ({"amount": "-1"}, "amount", "không được là số âm"),
    ({"amount": "năm"}, "amount", "không phải là một số"),
    ({"amount": "0.001"}, "amount", "không phải là một số nguyên phút làm việc"),
    ({"amount": "0.125"}, "amount", "tối đa hai chữ số thập phân"),
    ({"amount": "1000"}, "amount", "nhỏ hơn 1000"),
    ({"unit": "week"}, "unit", "Đơn vị “week” không hợp lệ"),
    ({"rule": "nhanh"}, "rule", "Không có cách tính thời hạn “nhanh”"),
    ({"agency": "000.00.00.X99"}, "agency", "Không có cơ quan có mã định danh “000.00.00.X99”"),
    ({"procedure": "1.001234"}, "procedure", "không có trong danh mục thủ tục hành chính"),
])
def test_bad_parameters_answer_422_with_a_vietnamese_message(api, params, field, words):
    body = _error(api, **{"start": "2026-02-13T16:55:00+07:00", "amount": "1", "unit": "day", **params})
    assert list(body["errors"]) == [field]
    assert words in body["detail"]


def test_missing_parameters_answer_422(api):
    response = api.get(DEADLINE, {"start": "2026-02-13T16:55:00+07:00"})
    assert response.status_code == 422
    assert response.json()["detail"] == "Dữ liệu gửi lên không hợp lệ: amount — Thiếu giá trị bắt buộc."
    assert set(response.json()["errors"]) == {"amount", "unit"}


@pytest.mark.parametrize("year", [1999, 2101])
def test_calendar_year_out_of_range_answers_422(api, year):
    body = _error(api, CALENDAR, year=year)
    assert body["detail"] == "Năm phải từ 2000 đến 2100."


def test_an_agency_without_a_schedule_gets_the_default_office_hours(api):
    Agency.objects.create(code="000.00.01.H13", name="Ủy ban nhân dân xã Thử", place_name="Cần Thơ")
    body = api.get(CALENDAR, {"year": 2026, "agency": "000.00.01.H13"}).json()
    assert body["agency"]["name"] == "Ủy ban nhân dân xã Thử"
    assert body["office_hours"]["friday"] == "07:30-11:30, 13:00-17:00"
    assert _due(api, start="2026-02-13T16:55", amount="1", unit="day", agency="000.00.01.H13")["due_at"] == (
        "2026-02-23T16:55:00+07:00")


def test_calendar_of_an_unknown_agency_answers_422(api):
    assert "Không có cơ quan" in _error(api, CALENDAR, year=2026, agency="khong-co")["detail"]


def test_the_schema_documents_the_parameters_and_the_known_agencies(api, demo):
    Agency.objects.create(code="000.00.01.H13", name="Ủy ban nhân dân xã Thử", place_name="Cần Thơ")
    schema = api.get("/api/v1/openapi.json").json()
    params = {p["name"]: p for p in schema["paths"][DEADLINE]["get"]["parameters"]}
    assert set(params) == {"start", "amount", "unit", "agency", "rule", "procedure"}
    assert params["unit"]["schema"]["enum"] == ["day", "half_day", "hour"]
    assert params["agency"]["schema"]["enum"] == ["000.00.01.H13", "000.15.31.H13"]
    responses = schema["paths"][DEADLINE]["get"]["responses"]
    assert {"200", "401", "422"} <= set(responses)
