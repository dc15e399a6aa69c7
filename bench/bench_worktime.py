"""Benchmark the working-time engine against the ``holidays`` package and ``numpy``.

    uv run python bench/bench_worktime.py        (or: uv run python bench/run.py worktime)

Prints ratios measured in one run, on one calendar (the holidays package + the official
civil-service calendar), over random starts in 2025–2027 drawn with a fixed seed:

1. ``WorkCalendar.add`` (minute-exact, one call per deadline) for 20-working-day deadlines against
   ``holidays.HolidayBase.get_nth_working_day`` on the same starts (their dates; every 10th
   start for the package, which is ~100x slower) — target at least 100x faster; the bulk
   ``add_many`` is shown too, and so are the cost of the first pass on a new calendar (which
   builds ``add``'s moment table as it goes) and the table's memory.
2. Day-granular ``add_workdays`` against ``numpy.busday_offset`` with the same days. numpy has no
   notion of a Saturday that is worked, so the custom approach is a 7-day weekmask with every
   day off of the range (weekends not made up, holidays, swaps) listed as a holiday. Target:
   ours within 5x of numpy's time per date (numpy vectorised over the whole array).

Both comparisons first check that the two sides give the same answers. Timings are the best of
several rounds of runs of about 10 ms, the sides interleaved within each round so that a burst
of load from elsewhere weighs on both alike; ``add`` and ``add_many`` are each timed after the
holidays package has run, never right after each other (that would find their results in the
cache), and over 20,000 distinct starts, so what is measured is a sustained rate.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta

import holidays
import numpy as np

from motcua.worktime import WorkAmount, WorkCalendar
from motcua.worktime.official import official_days

SEED = 20260101
STARTS = 20_000
DAYS = 20


Run = tuple[Callable[[], object], int]  # a callable and the number of items it handles


def best_per_item(runs: dict[str, Run | list[Run]], repeat: int = 9) -> dict[str, float]:
    """Wall time per item, in seconds, of each named run: the best of ``repeat`` rounds.

    A name may have several runs (chunks of its inputs): each chunk's best time counts, and the
    total is divided by the items of all chunks. Within a round the runs of all names are spread
    evenly among one another (one name's run is never timed right after another's run on the
    same data, which would find it in the cache), and rounds repeat, so a burst of load from
    elsewhere on the machine slows both sides of a ratio rather than one.
    """
    chunks = {name: run if isinstance(run, list) else [run] for name, run in runs.items()}
    order = sorted(
        ((j + (k + 1) / (len(chunks) + 1)) / len(parts), name, j)
        for k, (name, parts) in enumerate(chunks.items())
        for j in range(len(parts))
    )
    best = {name: [float("inf")] * len(parts) for name, parts in chunks.items()}
    for _ in range(repeat):
        for _at, name, j in order:
            run = chunks[name][j][0]
            began = time.perf_counter()
            run()
            best[name][j] = min(best[name][j], time.perf_counter() - began)
    return {name: sum(best[name]) / sum(items for _, items in parts) for name, parts in chunks.items()}


def moment_table_bytes(calendar: WorkCalendar) -> tuple[int, int, int]:
    """(bytes, positions built, positions in range) of ``add``'s moment table (engine internals)."""
    tab = calendar._tab
    size = sys.getsizeof(tab.moments)
    for day in filter(None, tab.day_moments):
        size += sys.getsizeof(day) + sys.getsizeof(day.ends) + sum(sys.getsizeof(m) for m in day.ends)
    built = len(tab.moments) - tab.moments.count(None)
    return size, built, tab.prefix[-1] - tab.prefix[0]


def holidays_calendar(years: range) -> holidays.HolidayBase:
    """The holidays package's Vietnam calendar with the official data applied, as ours is."""
    calendar = holidays.country_holidays("VN", years=years)
    for day, entry in official_days().items():
        if entry.working:
            if day in calendar:
                calendar.pop(day)
            if day.weekday() >= 5:
                calendar.weekend_workdays.add(day)
        else:
            calendar[day] = "official"
    return calendar


def main() -> None:
    rng = random.Random(SEED)
    calendar = WorkCalendar(years=(2024, 2028))
    tz = calendar.tz
    first = datetime(2025, 1, 1, tzinfo=tz)
    span = int((datetime(2028, 1, 1, tzinfo=tz) - first).total_seconds() // 60)
    starts = [first + timedelta(minutes=rng.randrange(span)) for _ in range(STARTS)]
    days = [start.date() for start in starts]
    amount = WorkAmount.days(DAYS)
    package = holidays_calendar(range(2024, 2029))

    # -- 1. add vs holidays.get_nth_working_day -------------------------------------------------
    add = calendar.add
    nth = package.get_nth_working_day
    began = time.perf_counter()
    first_pass = [add(s, amount) for s in starts]  # on the new calendar: builds the moment table
    t_first = (time.perf_counter() - began) / len(starts)
    # The holidays package is ~100x slower: it is timed on every 10th of the same starts.
    every = 10
    sample = days[::every]
    expected = [nth(day, DAYS) for day in sample]
    # Same days: the n-th working day after ``day`` is ours rolled from the next day, n - 1 on.
    ours = [calendar.add_workdays(day + timedelta(days=1), DAYS - 1) for day in sample]
    assert ours == expected, "the engine and the holidays package disagree on working days"
    # And the minute-exact deadlines fall on those days: from a start during or after a working
    # day's hours, on its n-th working day after; from a start at or before its opening, that
    # day counts as the first, so on the (n-1)-th after it.
    for start, deadline, day in zip(starts[::every], first_pass[::every], sample, strict=True):
        first = calendar.is_working_day(day) and start <= calendar.opening(day)
        on = nth(day, DAYS - 1) if first else nth(day, DAYS)
        assert calendar.day_of(deadline, end=True) == on, (start, deadline, on)
    assert calendar.add_many(starts, amount) == [add(s, amount) for s in starts] == first_pass

    # Runs of ~10 ms each: all 20,000 starts through add, through add_many, and the sample through
    # the holidays package in chunks of 200 dates.
    t = best_per_item(
        {
            "add": (lambda: [add(s, amount) for s in starts], len(starts)),
            "add_many": (lambda: calendar.add_many(starts, amount), len(starts)),
            "holidays": [
                ((lambda part=sample[j : j + 200]: [nth(d, DAYS) for d in part]), 200)
                for j in range(0, len(sample), 200)
            ],
        }
    )
    print(
        f"add vs holidays.get_nth_working_day: {t['holidays'] / t['add']:.1f}x (target >= 100x)"
        f"  [add {t['add'] * 1e6:.2f} us, get_nth_working_day {t['holidays'] * 1e6:.1f} us"
        f" per deadline]"
    )
    print(f"add_many vs holidays.get_nth_working_day: {t['holidays'] / t['add_many']:.1f}x (target >= 100x)")
    size, built, total = moment_table_bytes(calendar)
    print(
        f"add on a new calendar, first pass (builds the moment table): {t_first * 1e6:.1f} us per"
        f" deadline; the table then holds {built} of {total} positions, {size / 1e6:.1f} MB"
    )

    # -- 2. day-granular add vs numpy.busday_offset ---------------------------------------------
    covered = list(calendar.days(date(2024, 1, 1), date(2028, 12, 31)))
    off = np.array([info.day for info in covered if not info.working], dtype="datetime64[D]")
    busdaycal = np.busdaycalendar(weekmask="1111111", holidays=off)
    array = np.array(days, dtype="datetime64[D]")
    numpy_result = np.busday_offset(array, DAYS, roll="forward", busdaycal=busdaycal)
    ours_days = calendar.add_workdays_many(days, DAYS)
    assert numpy_result.astype(object).tolist() == ours_days, "numpy and the engine disagree"

    add_workdays = calendar.add_workdays
    weekday_off = np.array(
        [i.day for i in covered if not i.working and i.day.weekday() < 5], dtype="datetime64[D]"
    )
    usual = np.busdaycalendar(weekmask="1111100", holidays=weekday_off)
    t = best_per_item(
        {
            "numpy": (
                lambda: np.busday_offset(array, DAYS, roll="forward", busdaycal=busdaycal),
                len(days),
            ),
            "numpy_usual": (
                lambda: np.busday_offset(array, DAYS, roll="forward", busdaycal=usual),
                len(days),
            ),
            "many": (lambda: calendar.add_workdays_many(days, DAYS), len(days)),
            "one": (lambda: [add_workdays(d, DAYS) for d in days], len(days)),
            "numpy_one": (
                lambda: [
                    np.busday_offset(d, DAYS, roll="forward", busdaycal=busdaycal) for d in array[:1000]
                ],
                1000,
            ),
        }
    )
    t_numpy, t_many_days, t_one_day, t_numpy_one = t["numpy"], t["many"], t["one"], t["numpy_one"]
    print(
        f"add_workdays_many vs numpy.busday_offset (vectorised): {t_many_days / t_numpy:.1f}x"
        f" numpy's time (target within 5x)"
        f"  [ours {t_many_days * 1e9:.0f} ns, numpy {t_numpy * 1e9:.0f} ns per date]"
    )
    print(
        f"add_workdays vs numpy.busday_offset (vectorised): {t_one_day / t_numpy:.1f}x"
        f" numpy's time (one call per date; target within 5x)"
    )
    print(f"add_workdays vs numpy.busday_offset (one call per date): {t_numpy_one / t_one_day:.1f}x faster")
    # For reference only: numpy's usual set-up (Mon–Fri weekmask, weekday holidays) is faster
    # but cannot represent make-up Saturdays, so its answers differ around swaps.
    print(
        f"add_workdays_many vs numpy.busday_offset with a Mon-Fri weekmask (reference; wrong on"
        f" make-up Saturdays): {t_many_days / t['numpy_usual']:.1f}x numpy's time"
    )


if __name__ == "__main__":
    main()
