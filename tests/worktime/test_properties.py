"""Properties of the arithmetic, checked by hypothesis, some against independent references."""

from datetime import date, datetime, timedelta

import holidays
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from motcua.worktime import DayOverride, WorkAmount, WorkCalendar
from motcua.worktime.official import official_days

from .conftest import TZ

CAL = WorkCalendar()
FIRST = datetime(2024, 12, 1, tzinfo=TZ)
SPAN_MINUTES = int((datetime(2027, 6, 30, tzinfo=TZ) - FIRST).total_seconds() // 60)
BOUNDARIES = [(7, 29), (7, 30), (11, 29), (11, 30), (12, 0), (13, 0), (16, 59), (17, 0), (23, 59)]

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

any_minute = st.integers(0, SPAN_MINUTES).map(lambda m: FIRST + timedelta(minutes=m))
boundary = st.tuples(st.integers(0, SPAN_MINUTES // 1440), st.sampled_from(BOUNDARIES)).map(
    lambda dm: FIRST + timedelta(days=dm[0], hours=dm[1][0], minutes=dm[1][1])
)
moments = st.one_of(any_minute, boundary)
amounts = st.one_of(
    st.integers(0, 60 * 480).map(WorkAmount),
    st.integers(0, 80).map(WorkAmount.half_days),
    st.integers(0, 200).map(WorkAmount.hours),
)
positive = amounts.filter(lambda a: a.minutes > 0)


@PROPERTY
@given(moments, amounts, positive)
def test_adding_a_then_b_is_adding_a_plus_b(start, a, b):
    assert CAL.add(CAL.add(start, a), b) == CAL.add(start, a + b)


@PROPERTY
@given(moments, amounts)
def test_between_start_and_add_is_the_amount(start, x):
    assert CAL.between(start, CAL.add(start, x)) == x


@PROPERTY
@given(moments, positive)
def test_results_fall_in_working_time_or_at_a_session_end(start, x):
    due = CAL.add(start, x)
    assert due > start
    assert CAL.is_working_time(due - timedelta(minutes=1))  # the last minute counted was worked
    assert due.tzinfo is TZ


@PROPERTY
@given(moments, amounts)
def test_zero_or_more_starts_at_a_working_moment(start, x):
    begin = CAL.add(start, WorkAmount(0))
    assert CAL.is_working_time(begin)
    assert begin >= start.replace(second=0, microsecond=0)


@PROPERTY
@given(moments, moments, amounts)
def test_monotonic_in_the_start(s1, s2, x):
    s1, s2 = min(s1, s2), max(s1, s2)
    assert CAL.add(s1, x) <= CAL.add(s2, x)


@PROPERTY
@given(moments, moments, moments)
def test_between_is_additive(a, b, c):
    assert CAL.between(a, b) + CAL.between(b, c) == CAL.between(a, c)


# -- independent references ----------------------------------------------------------------------
PACKAGE = holidays.country_holidays("VN", years=range(2024, 2029))
OFFICIAL = official_days()
SESSIONS = ((7 * 60 + 30, 11 * 60 + 30), (13 * 60, 17 * 60))


def reference_is_working_day(day: date) -> bool:
    """Straight from the sources: official data, then the package, then Mon–Fri."""
    if day in OFFICIAL:
        return OFFICIAL[day].working
    if day in PACKAGE:
        return False
    if day in PACKAGE.weekend_workdays:
        return True
    return day.weekday() < 5


def reference_add(start: datetime, minutes: int) -> datetime:
    """Walk minute by minute, counting worked minutes; end at the end of the last one."""
    t = start.replace(second=0, microsecond=0)

    def worked(moment: datetime) -> bool:
        m = moment.hour * 60 + moment.minute
        return reference_is_working_day(moment.date()) and any(s <= m < e for s, e in SESSIONS)

    if minutes == 0:
        while not worked(t):
            t += timedelta(minutes=1)
        return t
    while True:
        if worked(t):
            minutes -= 1
            if minutes == 0:
                return t + timedelta(minutes=1)
        t += timedelta(minutes=1)


@settings(PROPERTY, max_examples=60)
@given(moments, st.integers(0, 2 * 480))
def test_add_matches_a_minute_by_minute_walk(start, minutes):
    assert CAL.add(start, WorkAmount(minutes)) == reference_add(start, minutes)


def _package_with_official_data() -> holidays.HolidayBase:
    calendar = holidays.country_holidays("VN", years=range(2024, 2029))
    for day, entry in OFFICIAL.items():
        if entry.working:
            if day in calendar:
                calendar.pop(day)
            if day.weekday() >= 5:
                calendar.weekend_workdays.add(day)
        else:
            calendar[day] = "official"
    return calendar


SAME_CALENDAR = _package_with_official_data()


@PROPERTY
@given(st.dates(date(2025, 1, 1), date(2027, 6, 30)), st.integers(0, 30))
def test_day_granular_add_matches_holidays_get_nth_working_day(day, n):
    # holidays: the n-th working day strictly after ``day`` (n >= 1), or ``day`` rolled forward
    # (n = 0). Ours rolls forward first, like numpy.busday_offset(roll="forward").
    expected = SAME_CALENDAR.get_nth_working_day(day, n)
    if n == 0:
        assert CAL.add_workdays(day, 0) == expected
    else:
        assert CAL.add_workdays(day + timedelta(days=1), n - 1) == expected


@settings(PROPERTY, max_examples=30)  # each example builds a calendar
@given(moments, positive, st.dates(date(2025, 1, 1), date(2027, 6, 30)))
def test_an_extra_day_off_never_brings_a_deadline_forward(start, x, day):
    assume(CAL.is_working_day(day))
    with_day_off = CAL.with_overrides([DayOverride.day_off(day, "Nghỉ đột xuất")])
    assert with_day_off.add(start, x) >= CAL.add(start, x)
