from datetime import time, timedelta

import pytest

from motcua.worktime import PLAIN, SAME_DAY_15H, WORKING_DAYS, WorkAmount, deadline
from motcua.worktime.rules import (
    DUE_RULES,
    START_RULES,
    CountingRule,
    SameDayCutoff,
    get_counting_rule,
)

from .conftest import at

D, H = WorkAmount.days, WorkAmount.hours


def due(cal, received, amount, rule):
    return deadline(cal, received, amount, rule=rule).due_at


def test_plain_counts_from_the_receipt_moment(cal):
    # Mon 9/3/2026 10:00 + 5 days → Mon 16/3 10:00.
    assert due(cal, at(2026, 3, 9, 10), D(5), PLAIN) == at(2026, 3, 16, 10)


def test_working_days_start_the_day_after_receipt_and_end_at_close(cal):
    # BLDS Đ147: day 1 is Tue 10/3; day 5 is Mon 16/3; due at its close (Đ148 k1).
    result = deadline(cal, at(2026, 3, 9, 10), D(5), rule=WORKING_DAYS)
    assert result.started_at == at(2026, 3, 10, 7, 30)
    assert result.due_at == at(2026, 3, 16, 17)
    # Received before opening on Monday: Monday is still the day of receipt, not counted.
    assert due(cal, at(2026, 3, 9, 7, 0), D(5), WORKING_DAYS) == at(2026, 3, 16, 17)


def test_working_days_received_friday_1655_before_tet_2025(cal):
    result = deadline(cal, at(2025, 1, 24, 16, 55), D(5), rule=WORKING_DAYS)
    assert result.started_at == at(2025, 2, 3, 7, 30)  # Tết 25/1 – 2/2 skipped
    assert result.due_at == at(2025, 2, 7, 17)


def test_working_days_received_on_sunday_start_monday(cal):
    assert due(cal, at(2026, 3, 8, 9), D(1), WORKING_DAYS) == at(2026, 3, 9, 17)


def test_half_day_step_with_working_days_rule(cal):
    # 0.5 day from Tue 07:30 reaches 11:30; the due rule moves it to the close of Tuesday.
    assert due(cal, at(2026, 3, 9, 15), D(0.5), WORKING_DAYS) == at(2026, 3, 10, 17)


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (at(2026, 3, 10, 9, 0), at(2026, 3, 10, 17)),  # same day
        (at(2026, 3, 10, 15, 0), at(2026, 3, 10, 17)),  # at 15:00 still the same day
        (at(2026, 3, 10, 15, 1), at(2026, 3, 11, 17)),  # after 15:00 → next working day
        (at(2026, 3, 10, 12, 0), at(2026, 3, 10, 17)),  # lunch break, before the cut-off
        (at(2026, 3, 14, 9, 0), at(2026, 3, 16, 17)),  # Saturday → Monday
        (at(2026, 2, 13, 16, 0), at(2026, 2, 23, 17)),  # Friday before Tết 2026 → 23/2
        (at(2026, 3, 10, 6, 30), at(2026, 3, 10, 17)),  # before opening
    ],
)
def test_same_day_cutoff_15h(cal, received, expected):
    assert due(cal, received, WorkAmount(0), SAME_DAY_15H) == expected


def test_end_of_day_24h_is_midnight_after_the_last_working_day(cal):
    rule = get_counting_rule("from_next_working_day+end_of_day_24h")
    assert due(cal, at(2026, 3, 9, 10), D(5), rule) == at(2026, 3, 17, 0)


def test_civil_code_147_depends_on_the_unit(cal):
    rule = get_counting_rule("civil_code_147+at_moment")
    assert due(cal, at(2026, 3, 9, 10), H(8), rule) == at(2026, 3, 10, 10)  # hours: at once
    assert due(cal, at(2026, 3, 9, 10), D(1), rule) == at(2026, 3, 10, 17)  # days: next day


def test_registries_and_codes_are_stable():
    assert set(START_RULES) == {
        "from_receipt_moment",
        "from_next_working_day",
        "same_day_cutoff_15h",
        "civil_code_147",
    }
    assert set(DUE_RULES) == {"at_moment", "end_of_day", "end_of_day_24h"}
    assert WORKING_DAYS.code == "from_next_working_day+end_of_day"
    assert get_counting_rule("working_days") is WORKING_DAYS
    assert get_counting_rule(WORKING_DAYS.code) == WORKING_DAYS
    assert SameDayCutoff(time(16, 30)).code == "same_day_cutoff_16h30"
    for bad in ("nope", "from_receipt_moment+nope", "nope+at_moment"):
        with pytest.raises(KeyError):
            get_counting_rule(bad)


def test_every_rule_cites_its_legal_source():
    for rule in [*START_RULES.values(), *DUE_RULES.values()]:
        assert "Điều" in (type(rule).__doc__ or ""), rule.code


def test_custom_cutoff_composes_with_any_due_rule(cal):
    rule = CountingRule(SameDayCutoff(time(16)), DUE_RULES["at_moment"])
    assert due(cal, at(2026, 3, 10, 15, 30), H(1), rule) == at(2026, 3, 10, 16, 30)
    assert due(cal, at(2026, 3, 10, 16, 1), H(1), rule) == at(2026, 3, 11, 8, 30)
    assert due(cal, at(2026, 3, 10, 16, 1), H(1), rule) - timedelta(hours=1) == at(2026, 3, 11, 7, 30)
