from datetime import UTC, date, datetime, timedelta

import pytest

from motcua.worktime import DayOverride, OfficeHours, WorkAmount, WorkCalendar, parse_sessions

from .conftest import TZ, at


@pytest.mark.parametrize(
    ("day", "working"),
    [
        # Tết Ất Tỵ 2025: Sat 25/1 – Sun 2/2 off (8726/VPCP-KGVX); back on Mon 3/2.
        (date(2025, 1, 24), True),
        (date(2025, 1, 25), False),
        (date(2025, 1, 27), False),
        (date(2025, 1, 31), False),
        (date(2025, 2, 3), True),
        # 30/4 – 1/5/2025: Sat 26/4 worked, Fri 2/5 off.
        (date(2025, 4, 26), True),
        (date(2025, 5, 2), False),
        (date(2025, 5, 5), True),
        # Quốc khánh 2025: Mon 1/9, Tue 2/9 off.
        (date(2025, 9, 1), False),
        (date(2025, 9, 2), False),
        (date(2025, 9, 3), True),
        # New Year 2026: Fri 2/1 off, Sat 10/1 worked (12729/VPCP-KGVX).
        (date(2026, 1, 1), False),
        (date(2026, 1, 2), False),
        (date(2026, 1, 5), True),
        (date(2026, 1, 10), True),
        # Tết Bính Ngọ 2026: Sat 14/2 – Sun 22/2 off.
        (date(2026, 2, 13), True),
        (date(2026, 2, 16), False),
        (date(2026, 2, 20), False),
        (date(2026, 2, 23), True),
        # Giỗ Tổ 2026 on Sunday 26/4, observed Monday 27/4.
        (date(2026, 4, 27), False),
        (date(2026, 4, 28), True),
        # Quốc khánh 2026: Sat 22/8 worked, Mon 31/8 off.
        (date(2026, 8, 22), True),
        (date(2026, 8, 29), False),
        (date(2026, 8, 31), False),
        (date(2026, 9, 2), False),
        (date(2026, 9, 3), True),
    ],
)
def test_official_calendar_days(cal, day, working):
    assert cal.is_working_day(day) is working


def test_days_carry_their_name_and_notice(cal):
    jan2 = cal.day_info(date(2026, 1, 2))
    assert jan2.kind == "holiday"
    assert "12729/VPCP-KGVX" in jan2.source
    assert "Tết Dương lịch 2026" in jan2.name
    sat10 = cal.day_info(date(2026, 1, 10))
    assert sat10.kind == "makeup"
    assert sat10.sessions == parse_sessions("07:30-11:30, 13:00-17:00")
    gio_to = cal.day_info(date(2026, 4, 27))
    assert gio_to.holiday == "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"  # the package's own name is kept
    assert gio_to.holiday_en == "Hung Kings' Commemoration Day (observed)"
    liberation = cal.day_info(date(2026, 4, 30))  # only in the package: its names are used
    assert (liberation.origin, liberation.name) == ("holidays", "Ngày Chiến thắng")
    assert liberation.name_en == "Liberation Day/Reunification Day"


def test_the_package_alone_lacks_the_new_year_2026_swap():
    """Why official.py exists: without it, Fri 2/1/2026 would be a working day and Sat 10/1 not."""
    package_only = WorkCalendar(official=None)
    assert package_only.is_working_day(date(2026, 1, 2))
    assert not package_only.is_working_day(date(2026, 1, 10))
    # ... and deadlines differ: 1 day from Wed 31/12/2025 10:00.
    start = at(2025, 12, 31, 10)
    assert package_only.add(start, WorkAmount.days(1)) == at(2026, 1, 2, 10)
    assert WorkCalendar().add(start, WorkAmount.days(1)) == at(2026, 1, 5, 10)


def test_special_days_list_days_off_and_make_up_days(cal):
    special = {info.day: info for info in cal.special_days(2026)}
    assert special[date(2026, 8, 22)].kind == "makeup"
    assert special[date(2026, 8, 31)].kind == "holiday"
    assert date(2026, 3, 10) not in special  # an ordinary Tuesday
    row = special[date(2026, 1, 2)].as_dict()
    assert row["date"] == "2026-01-02" and row["working"] is False and "12729" in row["source"]


def test_agency_day_off_and_make_up_day():
    cal = WorkCalendar(
        overrides=[
            DayOverride.day_off(date(2026, 3, 10), "Tổng vệ sinh trụ sở", "Quyết định 12/QĐ-UBND"),
            DayOverride.workday(date(2026, 3, 14), "Làm bù ngày 10/3", "Quyết định 12/QĐ-UBND"),
        ]
    )
    off = cal.day_info(date(2026, 3, 10))
    assert (off.kind, off.working, off.source) == ("day_off", False, "Quyết định 12/QĐ-UBND")
    assert cal.day_info(date(2026, 3, 14)).kind == "makeup"
    # Mon 9/3 10:00 + 1 day skips Tue 10/3 → Wed 11/3 10:00.
    assert cal.add(at(2026, 3, 9, 10), WorkAmount.days(1)) == at(2026, 3, 11, 10)
    # Fri 13/3 10:00 + 1 day runs through the make-up Saturday → Sat 14/3 10:00.
    assert cal.add(at(2026, 3, 13, 10), WorkAmount.days(1)) == at(2026, 3, 14, 10)


def test_agency_override_beats_the_official_calendar():
    # An agency that must open on Fri 2/1/2026 (e.g. duty desk decided by the province).
    cal = WorkCalendar(overrides=[DayOverride.workday(date(2026, 1, 2), "Trực", "QĐ 1/QĐ-TT")])
    assert cal.is_working_day(date(2026, 1, 2))
    assert cal.day_info(date(2026, 1, 2)).origin == "agency"


def test_make_up_day_with_its_own_hours():
    cal = WorkCalendar(
        overrides=[DayOverride.workday(date(2026, 3, 14), "Làm bù sáng", sessions="08:00-11:00")]
    )
    assert cal.add(at(2026, 3, 13, 16), WorkAmount.hours(2)) == at(2026, 3, 14, 9)


def test_saturday_morning_office_hours():
    cal = WorkCalendar(hours=OfficeHours.from_spec({5: "07:30-11:30"}))
    assert cal.is_working_time(at(2026, 3, 7, 8))  # Saturday
    assert not cal.is_working_time(at(2026, 3, 7, 13))
    # Fri 16:00 + 4 h: 1 h on Friday, 3 h on Saturday morning.
    assert cal.add(at(2026, 3, 6, 16), WorkAmount.hours(4)) == at(2026, 3, 7, 10, 30)
    # A holiday on a Saturday closes the Saturday session too (Sat 14/2/2026, Tết).
    assert not cal.is_working_day(date(2026, 2, 14))


@pytest.mark.parametrize(
    ("moment", "working"),
    [
        (at(2026, 3, 9, 7, 29), False),
        (at(2026, 3, 9, 7, 30), True),
        (at(2026, 3, 9, 11, 29), True),
        (at(2026, 3, 9, 11, 30), False),
        (at(2026, 3, 9, 12, 0), False),
        (at(2026, 3, 9, 13, 0), True),
        (at(2026, 3, 9, 16, 59), True),
        (at(2026, 3, 9, 17, 0), False),
        (at(2026, 3, 8, 10, 0), False),  # Sunday
    ],
)
def test_is_working_time_uses_half_open_sessions(cal, moment, working):
    assert cal.is_working_time(moment) is working


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(2026, 3, 6, 16, 55), at(2026, 3, 6, 16, 55)),  # Friday, still open
        (at(2026, 3, 6, 17, 0), at(2026, 3, 9, 7, 30)),  # Friday close → Monday
        (at(2026, 3, 9, 12, 0), at(2026, 3, 9, 13, 0)),  # lunch
        (at(2026, 3, 8, 9, 0), at(2026, 3, 9, 7, 30)),  # Sunday
        (at(2026, 2, 13, 18, 0), at(2026, 2, 23, 7, 30)),  # evening before Tết 2026
    ],
)
def test_next_working_moment(cal, moment, expected):
    assert cal.next_working_moment(moment) == expected


def test_aware_inputs_in_any_zone_results_in_the_calendar_zone(cal):
    utc_start = datetime(2026, 3, 9, 0, 30, tzinfo=UTC)  # 07:30 in Hà Nội
    due = cal.add(utc_start, WorkAmount.hours(1))
    assert due == at(2026, 3, 9, 8, 30)
    assert due.tzinfo is TZ and due.utcoffset() == timedelta(hours=7)
    with pytest.raises(ValueError, match="aware"):
        cal.add(datetime(2026, 3, 9, 8, 0), WorkAmount.hours(1))


def test_seconds_are_dropped(cal):
    start = at(2026, 3, 9, 10, 0) + timedelta(seconds=59)
    assert cal.add(start, WorkAmount.hours(1)) == at(2026, 3, 9, 11, 0)


def test_range_grows_lazily_and_positions_stay_stable():
    cal = WorkCalendar(years=(2026, 2026))
    a, b = at(2026, 3, 9, 8), at(2026, 3, 20, 15)
    before = cal.between(a, b)
    far = cal.add(at(2031, 6, 2, 8), WorkAmount.days(3))  # leaves the range forward
    early = cal.add(at(2019, 1, 1, 8), WorkAmount.days(3))  # and backward
    assert cal.covered_years[0] <= 2019 and cal.covered_years[1] >= 2031
    assert cal.between(a, b) == before
    assert far == WorkCalendar(years=(2031, 2031)).add(at(2031, 6, 2, 8), WorkAmount.days(3))
    # 1/1/2019 is New Year's Day: counting starts Wed 2/1 07:30, 3 days → Fri 4/1 17:00.
    assert early == at(2019, 1, 4, 17)


def test_huge_amount_extends_far_enough(cal):
    start = at(2026, 3, 9, 7, 30)
    due = cal.add(start, WorkAmount.days(2000))
    assert cal.between(start, due) == WorkAmount.days(2000)


@pytest.mark.parametrize("spec", ["07:30-11:30,11:00-17:00", "17:00-07:30", "7h30-11h30", "25:00-26:00"])
def test_bad_office_hours_are_refused(spec):
    with pytest.raises(ValueError):
        parse_sessions(spec)


def test_office_hours_need_some_working_time():
    with pytest.raises(ValueError):
        OfficeHours(weekly=((),) * 7)
