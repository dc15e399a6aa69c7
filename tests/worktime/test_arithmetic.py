from datetime import date

import pytest

from motcua.worktime import WorkAmount

from .conftest import at

D, H = WorkAmount.days, WorkAmount.hours


@pytest.mark.parametrize(
    ("start", "amount", "due"),
    [
        # Session ends: the due moment is the end of the last working minute.
        (at(2026, 3, 9, 7, 30), H(8), at(2026, 3, 9, 17, 0)),  # not Tue 07:30
        (at(2026, 3, 9, 7, 30), H(4), at(2026, 3, 9, 11, 30)),  # not 13:00
        (at(2026, 3, 9, 7, 30), WorkAmount.mins(241), at(2026, 3, 9, 13, 1)),
        (at(2026, 3, 9, 7, 30), D(1), at(2026, 3, 9, 17, 0)),
        # Starts outside office hours begin at the next working moment.
        (at(2026, 3, 6, 16, 55), H(1), at(2026, 3, 9, 8, 25)),  # Friday 16:55
        (at(2026, 3, 9, 12, 0), H(1), at(2026, 3, 9, 14, 0)),  # lunch break
        (at(2026, 3, 8, 9, 0), WorkAmount.half_days(1), at(2026, 3, 9, 11, 30)),  # Sunday
        (at(2026, 3, 9, 6, 0), H(2), at(2026, 3, 9, 9, 30)),  # before opening
        # Half days.
        (at(2026, 3, 9, 13, 0), D("0.5"), at(2026, 3, 9, 17, 0)),
        (at(2026, 3, 9, 7, 30), D(1.5), at(2026, 3, 10, 11, 30)),
        (at(2026, 3, 9, 10, 0), D(0.5), at(2026, 3, 9, 15, 30)),  # 1.5 h + 2.5 h
        # Tết Ất Tỵ 2025 (25/1 – 2/2 off).
        (at(2025, 1, 24, 10, 0), D(1), at(2025, 2, 3, 10, 0)),
        (at(2025, 1, 24, 16, 55), H(1), at(2025, 2, 3, 8, 25)),
        (at(2025, 1, 20, 8, 0), D(10), at(2025, 2, 10, 8, 0)),
        # Tết Bính Ngọ 2026 (14/2 – 22/2 off).
        (at(2026, 2, 13, 9, 0), D(2), at(2026, 2, 24, 9, 0)),
        # Giỗ Tổ 2026: Sunday 26/4 observed Monday 27/4; Thu 30/4 and Fri 1/5 off.
        (at(2026, 4, 24, 14, 0), D(1), at(2026, 4, 28, 14, 0)),
        (at(2026, 4, 24, 14, 0), D(4), at(2026, 5, 5, 14, 0)),  # 28, 29 /4, 4, 5/5
        # National Day 2026: Sat 22/8 worked, Mon 31/8 – Wed 2/9 off.
        (at(2026, 8, 21, 13, 0), D(1), at(2026, 8, 22, 11, 30)),  # ends at a session end
        (at(2026, 8, 28, 10, 0), D(1), at(2026, 9, 3, 10, 0)),
        # New Year 2026: Thu 1/1 and Fri 2/1 off, Sat 10/1 worked.
        (at(2025, 12, 31, 10, 0), D(1), at(2026, 1, 5, 10, 0)),
        (at(2026, 1, 9, 15, 0), D(1), at(2026, 1, 10, 15, 0)),
        # Quốc khánh 2025 (30/8 – 2/9 off).
        (at(2025, 8, 29, 16, 0), H(2), at(2025, 9, 3, 8, 30)),
        # 30/4 – 1/5/2025 with the swap: Sat 26/4 worked, Fri 2/5 off.
        (at(2025, 4, 25, 16, 0), H(2), at(2025, 4, 26, 8, 30)),
        (at(2025, 4, 29, 16, 0), H(2), at(2025, 5, 5, 8, 30)),
    ],
)
def test_add(cal, start, amount, due):
    assert cal.add(start, amount) == due


def test_add_zero_is_the_counting_start(cal):
    assert cal.add(at(2026, 3, 6, 17, 0), WorkAmount(0)) == at(2026, 3, 9, 7, 30)
    assert cal.add(at(2026, 3, 9, 9, 15), WorkAmount(0)) == at(2026, 3, 9, 9, 15)


def test_add_refuses_negative_amounts(cal):
    with pytest.raises(ValueError):
        cal.add(at(2026, 3, 9, 9), WorkAmount(-1))


@pytest.mark.parametrize(
    ("a", "b", "minutes"),
    [
        (at(2026, 3, 6, 16, 0), at(2026, 3, 9, 8, 30), 120),  # over a weekend
        (at(2026, 3, 9, 11, 0), at(2026, 3, 9, 13, 30), 60),  # over lunch
        (at(2026, 3, 9, 12, 0), at(2026, 3, 9, 12, 45), 0),  # inside lunch
        (at(2026, 2, 13, 7, 30), at(2026, 2, 23, 17, 0), 960),  # Tết 2026 = 2 days
        (at(2026, 3, 9, 8, 30), at(2026, 3, 6, 16, 0), -120),  # backwards
    ],
)
def test_between(cal, a, b, minutes):
    assert cal.between(a, b) == WorkAmount(minutes)


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (date(2026, 2, 13), 1, date(2026, 2, 23)),  # over Tết 2026
        (date(2026, 2, 14), 0, date(2026, 2, 23)),  # a day off rolls forward
        (date(2026, 1, 9), 1, date(2026, 1, 10)),  # make-up Saturday
        (date(2026, 8, 28), 1, date(2026, 9, 3)),
        (date(2026, 3, 9), 20, date(2026, 4, 6)),
        (date(2026, 3, 9), -5, date(2026, 3, 2)),
    ],
)
def test_add_workdays(cal, day, n, expected):
    assert cal.add_workdays(day, n) == expected
    assert cal.add_workdays_many([day], n) == [expected]


def test_workdays_between_counts_like_numpy_busday_count(cal):
    # 14/2 – 22/2/2026 is Tết: Mon 9/2 .. Mon 23/2 (exclusive) has 5 working days.
    assert cal.workdays_between(date(2026, 2, 9), date(2026, 2, 23)) == 5


def test_add_many_matches_add(cal):
    starts = [at(2026, 2, 13, h, m) for h in range(0, 24, 3) for m in (0, 29)]
    starts.append(at(2040, 1, 1, 8))  # outside the precomputed range
    amount = WorkAmount.days(20)
    assert cal.add_many(starts, amount) == [cal.add(s, amount) for s in starts]


def test_amounts_are_exact():
    assert WorkAmount.days("0,5") == WorkAmount.hours(4) == WorkAmount.half_days(1)
    assert WorkAmount.days(0.1).minutes == 48
    assert WorkAmount.days(1) + WorkAmount.hours(2) == WorkAmount.mins(600)
    with pytest.raises(ValueError):
        WorkAmount.days("0.001")
    with pytest.raises(TypeError):
        WorkAmount.days(True)
