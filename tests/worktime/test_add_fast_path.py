"""``add``'s fast path (the moment table) gives exactly what the general path gives.

The general path is ``moment_at(position(start) + minutes)``, on a second calendar with the same
content, so the two never share a table. Starts are swept with a fixed seed over 2025–2027
(Tết, make-up Saturdays, agency overrides, starts outside office hours, in other zones, and
outside the precomputed range so that it grows), plus the edges of the table's blocks.
"""

from __future__ import annotations

import gc
import random
import threading
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.worktime import DayOverride, OfficeHours, WorkAmount, WorkCalendar
from motcua.worktime.calendar import _BLOCK, _SHARED_DAYS

from .conftest import TZ

AMOUNTS = [1, 2, 59, 60, 239, 240, 241, 480, 481, 960, 2400, 9600, 9601, 20 * 480 * 3]
TET_AND_SWAPS = [
    date(2025, 1, 23),  # Tết Ất Tỵ 2025
    date(2025, 4, 25),  # the make-up Saturday 26/4/2025
    date(2025, 12, 30),  # New Year 2026 and its make-up Saturday 10/1/2026
    date(2026, 2, 12),  # Tết Bính Ngọ 2026
    date(2026, 8, 20),  # the make-up Saturday 22/8/2026
    date(2027, 2, 3),  # Tết 2027
]
AGENCY = [
    DayOverride.day_off(date(2026, 3, 2), "Đại hội"),
    DayOverride.day_off(date(2026, 2, 13), "Trước Tết"),
    DayOverride.workday(date(2026, 3, 15), "Làm bù Chủ nhật", sessions="08:00-12:00"),
    DayOverride.workday(date(2026, 3, 21), "Làm bù đến nửa đêm", sessions="13:00-24:00"),
    DayOverride.workday(date(2027, 2, 6), "Trực Tết", sessions="07:30-09:00"),
]
SATURDAY_MORNINGS = OfficeHours.from_spec({5: "07:30-11:30"})


def exact(moment: datetime) -> tuple[object, ...]:
    """Everything that tells two datetimes apart, the zone object and ``fold`` included."""
    return (moment.replace(tzinfo=None), moment.tzinfo, moment.fold, type(moment))


def general(cal: WorkCalendar, start: datetime, minutes: int) -> datetime:
    return cal.moment_at(cal.position(start) + minutes)


def pair(**kwargs: object) -> tuple[WorkCalendar, WorkCalendar]:
    """Two calendars with the same content: one for ``add``, one for the general path."""
    return WorkCalendar(**kwargs), WorkCalendar(**kwargs)  # type: ignore[arg-type]


def random_starts(rng: random.Random, count: int, first: date, last: date, tz=TZ) -> list[datetime]:
    days = (last - first).days + 1
    starts = []
    for _ in range(count):
        day = first + timedelta(days=rng.randrange(days))
        minute = rng.randrange(24 * 60)
        second, micro = rng.choice([(0, 0), (0, 0), (rng.randrange(60), rng.randrange(10**6))])
        starts.append(datetime(day.year, day.month, day.day, minute // 60, minute % 60, second, micro, tz))
    return starts


def random_minutes(rng: random.Random) -> int:
    kind = rng.randrange(4)
    if kind == 0:
        return rng.choice(AMOUNTS)
    if kind == 1:
        return rng.randrange(1, 600)
    if kind == 2:
        return 240 * rng.randrange(1, 81)  # half days up to 40 days
    return rng.randrange(1, 200 * 480)


def check(fast: WorkCalendar, slow: WorkCalendar, starts: list[datetime], minutes: list[int]) -> None:
    for start, m in zip(starts, minutes, strict=True):
        got = fast.add(start, WorkAmount(m))
        assert exact(got) == exact(general(slow, start, m)), (start, m)
        assert got.tzinfo is fast.tz
    by_amount: dict[int, list[datetime]] = {}
    for start, m in zip(starts, minutes, strict=True):
        by_amount.setdefault(m, []).append(start)
    for m, group in by_amount.items():
        many = fast.add_many(group, WorkAmount(m))
        assert [exact(x) for x in many] == [exact(general(slow, s, m)) for s in group]


def test_random_sweep_2025_2027_on_the_default_calendar():
    rng = random.Random(20260101)
    fast, slow = pair()
    starts = random_starts(rng, 6000, date(2025, 1, 1), date(2027, 12, 31))
    check(fast, slow, starts, [random_minutes(rng) for _ in starts])


@pytest.mark.parametrize("first", TET_AND_SWAPS, ids=str)
def test_every_few_minutes_around_tet_and_make_up_saturdays(first):
    fast, slow = pair()
    starts = [
        datetime(first.year, first.month, first.day, tzinfo=TZ) + timedelta(minutes=m)
        for m in range(0, 12 * 24 * 60, 13)  # twelve days, every 13 minutes
    ]
    for m in (1, 30, 240, 480, 2400, 9600):
        check(fast, slow, starts, [m] * len(starts))


@pytest.mark.parametrize("hours", [None, SATURDAY_MORNINGS], ids=["weekdays", "saturday-mornings"])
def test_agency_overrides_own_hours_and_a_session_to_midnight(hours):
    rng = random.Random(7)
    fast, slow = pair(hours=hours, overrides=AGENCY)
    starts = random_starts(rng, 3000, date(2025, 1, 1), date(2027, 12, 31))
    starts += random_starts(rng, 1500, date(2026, 2, 1), date(2026, 3, 31))
    starts += [datetime(2026, 3, 21, h, m, tzinfo=TZ) for h in (12, 13, 23) for m in (0, 59)]
    starts += [datetime(2026, 3, 22, 0, 0, tzinfo=TZ), datetime(2026, 3, 20, 17, 0, tzinfo=TZ)]
    check(fast, slow, starts, [random_minutes(rng) for _ in starts])
    # A session that ends at 24:00: the end of its last minute is the next day's 00:00.
    midnight = datetime(2026, 3, 22, tzinfo=TZ)
    assert fast.add(datetime(2026, 3, 21, 23, 0, tzinfo=TZ), WorkAmount(60)) == midnight


def test_without_the_holidays_package_or_the_official_calendar():
    rng = random.Random(11)
    fast, slow = pair(use_holidays_package=False, official=None)
    starts = random_starts(rng, 2000, date(2025, 1, 1), date(2027, 12, 31))
    check(fast, slow, starts, [random_minutes(rng) for _ in starts])


def test_starts_and_results_outside_the_range_grow_it_with_stable_results():
    rng = random.Random(3)
    fast, slow = pair(years=(2026, 2026))
    inside = random_starts(rng, 500, date(2026, 1, 1), date(2026, 12, 31))
    minutes = [random_minutes(rng) for _ in inside]
    before = [exact(fast.add(s, WorkAmount(m))) for s, m in zip(inside, minutes, strict=True)]
    positions = [fast.position(s) for s in inside]
    # Results past the range, then starts after it and before it (the range grows backwards,
    # so the table's first position moves, and the moment table is rebuilt against it).
    late = [datetime(2026, 12, 31, 16, 0, tzinfo=TZ)] * 3
    check(fast, slow, late, [120, 480 * 300, 480 * 700])
    check(fast, slow, random_starts(rng, 300, date(2027, 1, 1), date(2029, 12, 31)), [9600] * 300)
    check(fast, slow, random_starts(rng, 300, date(2022, 1, 1), date(2025, 12, 31)), [9600] * 300)
    assert fast.covered_years[0] <= 2022 and fast.covered_years[1] >= 2029
    assert [fast.position(s) for s in inside] == positions
    assert [exact(fast.add(s, WorkAmount(m))) for s, m in zip(inside, minutes, strict=True)] == before
    check(fast, slow, inside, minutes)


def test_every_edge_of_the_moment_table():
    fast, slow = pair(years=(2025, 2026))
    tab = slow._tab
    first, end = tab.prefix[0] + 1, tab.prefix[-1]
    total = end - first + 1
    edges = {0, 1, total - 2, total - 1, total, total + 1, total + 2}
    for b in range(1, total // _BLOCK + 1):
        edges |= {b * _BLOCK - 1, b * _BLOCK, b * _BLOCK + 1}
    starts, minutes = [], []
    for k in sorted(e for e in edges if e >= 0):
        target = first + k
        for back in (1, 7, 480, 2400):  # from a working moment `back` minutes before the target
            if target - back >= tab.prefix[0]:
                starts.append(slow.moment_at(target - back, edge="start"))
                minutes.append(back)
    check(fast, slow, starts, minutes)


def test_starts_in_other_zones_and_same_offset_zones_are_not_mixed_up():
    rng = random.Random(5)
    fast, slow = pair()
    local = random_starts(rng, 500, date(2025, 1, 1), date(2027, 12, 31))
    minutes = [random_minutes(rng) for _ in local]
    check(fast, slow, [s.astimezone(UTC) for s in local], minutes)
    check(fast, slow, [s.astimezone(ZoneInfo("Europe/Paris")) for s in local], minutes)
    # Bangkok is UTC+7 too, but its calendar's results carry its own zone, not Vietnam's.
    bangkok = WorkCalendar(time_zone="Asia/Bangkok")
    for s, m in zip(local, minutes, strict=True):
        there = s.replace(tzinfo=bangkok.tz)
        got = bangkok.add(there, WorkAmount(m))
        assert got.tzinfo is bangkok.tz
        assert got.replace(tzinfo=None) == fast.add(s, WorkAmount(m)).replace(tzinfo=None)


def test_zero_and_negative_amounts_keep_their_meaning():
    cal = WorkCalendar()
    start = datetime(2026, 2, 13, 18, 0, tzinfo=TZ)
    monday = datetime(2026, 2, 23, 7, 30, tzinfo=TZ)
    assert cal.add(start, WorkAmount(0)) == cal.next_working_moment(start) == monday
    assert cal.add_many([start], WorkAmount(0)) == [cal.next_working_moment(start)]
    with pytest.raises(ValueError):
        cal.add(start, WorkAmount(-1))
    with pytest.raises(ValueError):
        cal.add_many([start], WorkAmount(-1))
    with pytest.raises(ValueError):
        cal.add(datetime(2026, 2, 13, 18, 0), WorkAmount(60))  # naive


def test_calendars_share_the_moments_of_the_days_they_have_in_common():
    a = WorkCalendar()
    b = a.with_overrides([DayOverride.day_off(date(2026, 3, 2), "Đại hội")])
    start = datetime(2026, 1, 5, 9, 0, tzinfo=TZ)
    assert a.add(start, WorkAmount(60)) is b.add(start, WorkAmount(60))  # one datetime object
    friday = datetime(2026, 2, 27, 9, 0, tzinfo=TZ)  # the next working day differs
    assert a.add(friday, WorkAmount(480)) == datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
    assert b.add(friday, WorkAmount(480)) == datetime(2026, 3, 3, 9, 0, tzinfo=TZ)
    # The same day with other hours (while a's moments of that day are alive) is not shared.
    monday = datetime(2026, 3, 16, 7, 0, tzinfo=TZ)
    short = [DayOverride.workday(date(2026, 3, 16), "Họp", sessions="08:00-09:00, 14:00-15:00")]
    assert a.add(monday, WorkAmount(90)) == datetime(2026, 3, 16, 9, 0, tzinfo=TZ)
    c, c_slow = pair(overrides=short)
    assert c.add(monday, WorkAmount(90)) == datetime(2026, 3, 16, 14, 30, tzinfo=TZ)
    for calendar, reference in ((a, WorkCalendar()), (c, c_slow)):
        starts = [monday + timedelta(minutes=m) for m in range(0, 24 * 60, 11)]
        check(calendar, reference, starts, [1 + m % 700 for m in range(len(starts))])


def test_threads_building_the_table_at_once_agree():
    rng = random.Random(9)
    fast, slow = pair()
    starts = random_starts(rng, 2000, date(2025, 1, 1), date(2027, 12, 31))
    expected = [exact(general(slow, s, 9600)) for s in starts]
    results: list[list[tuple[object, ...]]] = []
    errors: list[BaseException] = []

    def work(shift: int) -> None:
        try:
            order = starts[shift:] + starts[:shift]
            got = [exact(fast.add(s, WorkAmount(9600))) for s in order]
            results.append(got[len(starts) - shift :] + got[: len(starts) - shift])
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i * 500,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert results == [expected] * 4


AGENCY_FAST, AGENCY_SLOW = pair(hours=SATURDAY_MORNINGS, overrides=AGENCY, years=(2026, 2026))
FIRST = datetime(2024, 6, 1, tzinfo=TZ)
SPAN = int((datetime(2028, 6, 1, tzinfo=TZ) - FIRST).total_seconds() // 60)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, SPAN), st.integers(1, 120 * 480))
def test_fast_path_is_the_general_path(offset, minutes):
    start = FIRST + timedelta(minutes=offset)
    got = AGENCY_FAST.add(start, WorkAmount(minutes))
    assert exact(got) == exact(general(AGENCY_SLOW, start, minutes))


def test_the_moment_table_window_grows_down_up_and_fills_holes():
    fast, slow = pair(years=(2025, 2027))
    tab = fast._tab
    order = [date(2026, 6, 1), date(2025, 2, 3), date(2027, 10, 4), date(2026, 1, 5), date(2025, 9, 1)]
    for day in order:
        starts = [
            datetime(day.year, day.month, day.day, 8, tzinfo=TZ) + timedelta(minutes=m)
            for m in range(0, 6000, 7)
        ]
        check(fast, slow, starts, [9600] * len(starts))
        assert tab.window % _BLOCK == 0
        assert tab.hot is fast._hot  # the hot path reads the current window
    assert tab.window < _BLOCK * 4  # down to February 2025
    built = [m for m in tab.moments if m is not None]
    assert len(built) % _BLOCK == 0 and len(built) < len(tab.moments)  # holes left unbuilt
    # Everything the table holds is what the general path gives.
    first = tab.prefix[0] + 1 + tab.window
    for k in range(0, len(tab.moments), 97):
        if tab.moments[k] is not None:
            assert exact(tab.moments[k]) == exact(slow.moment_at(first + k))


def test_shared_days_go_when_no_calendar_uses_them():
    def days_in(zone: str) -> int:
        return sum(1 for key in list(_SHARED_DAYS.keys()) if getattr(key[0], "key", None) == zone)

    cal = WorkCalendar(time_zone="Asia/Vientiane", years=(2026, 2026))
    cal.add(datetime(2026, 3, 2, 9, 0, tzinfo=cal.tz), WorkAmount.days(20))
    assert days_in("Asia/Vientiane") > 0
    del cal
    gc.collect()
    assert days_in("Asia/Vientiane") == 0
