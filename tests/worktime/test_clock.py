import pytest

from motcua.worktime import (
    EXTEND,
    PAUSE_RESUME,
    PLAIN,
    RESTART,
    WORKING_DAYS,
    ClockEvent,
    WorkAmount,
    compute_deadline,
    deadline,
)

from .conftest import at

D, H = WorkAmount.days, WorkAmount.hours
RECEIVED = at(2026, 3, 9, 10)  # Monday


def run(cal, events, amount=None, rule=WORKING_DAYS, clock=PAUSE_RESUME, now=None):
    amount = amount or D(5)
    return compute_deadline(
        cal, amount, [ClockEvent.start(RECEIVED), *events], rule=rule, clock=clock, now=now
    )


def test_pause_three_working_days_moves_the_due_by_three_working_days(cal):
    plain = deadline(cal, RECEIVED, D(5), rule=WORKING_DAYS).due_at  # Mon 16/3 17:00
    paused = run(
        cal,
        [
            ClockEvent.pause(at(2026, 3, 11, 7, 30), "bổ sung giấy tờ"),
            ClockEvent.resume(at(2026, 3, 16, 7, 30)),  # Wed, Thu, Fri not counted
        ],
    )
    assert paused.due_at == at(2026, 3, 19, 17)
    assert cal.add_workdays(plain.date(), 3) == paused.due_at.date()
    assert paused.paused == D(3)
    assert paused.original_due_at == paused.due_at  # a pause is not an extension


def test_pause_before_counting_starts_costs_nothing_before_the_start(cal):
    # Received Mon 10:00, counting from Tue 07:30; paused Mon 14:00 → Tue 09:30 = 2 h counted.
    result = run(cal, [ClockEvent.pause(at(2026, 3, 9, 14)), ClockEvent.resume(at(2026, 3, 10, 9, 30))])
    assert result.paused == H(2)


def test_an_ongoing_pause_freezes_the_remaining_time(cal):
    result = run(cal, [ClockEvent.pause(at(2026, 3, 12, 7, 30))], now=at(2026, 3, 20, 10))
    assert result.is_paused and result.due_at is None
    assert result.remaining == D(3)  # Tue and Wed used of 5 days
    assert result.elapsed == D(2)
    assert not result.is_overdue
    with pytest.raises(ValueError):
        result.timeliness(at(2026, 3, 20, 10))


def test_restart_rule_restarts_the_legal_time_at_resume(cal):
    result = run(
        cal,
        [ClockEvent.pause(at(2026, 3, 12, 9)), ClockEvent.resume(at(2026, 3, 18, 10))],
        clock=RESTART,
    )
    # As if received on Wed 18/3 10:00: day 1 Thu 19/3, day 5 Wed 25/3.
    assert result.due_at == deadline(cal, at(2026, 3, 18, 10), D(5), rule=WORKING_DAYS).due_at
    assert result.due_at == at(2026, 3, 25, 17)


def test_restart_event_under_pause_resume(cal):
    result = run(cal, [ClockEvent.restart(at(2026, 3, 18, 10), "hồ sơ được hoàn thiện")])
    assert result.due_at == at(2026, 3, 25, 17)
    assert "restart" in result.explanation.codes()


def test_extend_by_an_amount(cal):
    result = run(
        cal,
        [ClockEvent.extend(at(2026, 3, 13, 9), amount=D(2), reason="xin lỗi, hẹn lại")],
        rule=PLAIN,
    )
    assert result.original_due_at == at(2026, 3, 16, 10)
    assert result.due_at == at(2026, 3, 18, 10)
    assert result.extended_by == D(2)
    # Returned on the new appointment: on time for the applicant, late against the law.
    assert result.timeliness(at(2026, 3, 18, 9)) == "on_time"
    assert result.timeliness(at(2026, 3, 18, 9), against_original=True) == "late"
    assert result.timeliness(at(2026, 3, 12, 9)) == "early"


def test_extend_to_an_explicit_moment_and_to_a_rest_day(cal):
    result = run(cal, [ClockEvent.extend(at(2026, 3, 13, 9), due_at=at(2026, 3, 20, 10))])
    assert result.due_at == at(2026, 3, 20, 10)
    # A new date on Sunday ends at the close of Monday (BLDS Đ148 k5).
    rolled = run(cal, [ClockEvent.extend(at(2026, 3, 13, 9), due_at=at(2026, 3, 22, 10))])
    assert rolled.due_at == at(2026, 3, 23, 17)
    assert "extend.rolled" in rolled.explanation.codes()


def test_extend_rule_keeps_the_clock_running_through_a_pause(cal):
    events = [ClockEvent.pause(at(2026, 3, 11, 7, 30)), ClockEvent.resume(at(2026, 3, 16, 7, 30))]
    result = run(cal, events, clock=EXTEND)
    assert result.due_at == at(2026, 3, 16, 17)  # unchanged
    assert "pause.clock_runs" in result.explanation.codes()


def test_events_after_now_are_ignored(cal):
    events = [ClockEvent.pause(at(2026, 3, 11, 7, 30)), ClockEvent.resume(at(2026, 3, 16, 7, 30))]
    before = run(cal, events, now=at(2026, 3, 10, 9))
    assert before.due_at == at(2026, 3, 16, 17)
    assert before.elapsed == H(1.5)  # Tue 07:30 → 09:00
    assert before.remaining == cal.between(at(2026, 3, 10, 9), at(2026, 3, 16, 17))


def test_overdue_has_negative_remaining(cal):
    result = deadline(cal, RECEIVED, D(1), rule=WORKING_DAYS, now=at(2026, 3, 11, 8, 30))
    assert result.due_at == at(2026, 3, 10, 17)
    assert result.is_overdue
    assert result.remaining == -H(1)


@pytest.mark.parametrize(
    "events",
    [
        [ClockEvent.resume(at(2026, 3, 10, 9))],
        [ClockEvent.pause(at(2026, 3, 10, 9)), ClockEvent.pause(at(2026, 3, 10, 10))],
        [ClockEvent.start(at(2026, 3, 10, 9))],
    ],
)
def test_inconsistent_histories_are_refused(cal, events):
    with pytest.raises(ValueError):
        run(cal, events)


def test_a_history_must_begin_with_start(cal):
    with pytest.raises(ValueError):
        compute_deadline(cal, D(1), [ClockEvent.pause(RECEIVED)])
    with pytest.raises(ValueError):
        ClockEvent.extend(RECEIVED)
