"""The end of a dossier (issue #5 items 4 and 6): return at the desk or by post, withdrawal at
the applicant's request, cancellation of a dossier accepted in error, and the final timeliness."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from motcua.dossiers.history import check
from motcua.dossiers.models import DossierEvent, Outcome, Status, StepStatus, Timeliness
from motcua.dossiers.services import (
    approve,
    cancel_dossier,
    forward,
    pause,
    refresh_due_moments,
    reject,
    request_supplement,
    return_result,
    withdraw,
)
from motcua.dossiers.timeliness import classify, is_overdue
from motcua.dossiers.workflow import ActionRefused
from motcua.worktime.models import TrackedDeadline
from motcua.worktime.services import set_calendar_day
from tests.dossiers.conftest import VN
from tests.dossiers.lifecycle import active, counts, fresh, local, nov, user


def to_result(accepted, at: dt.datetime):
    """A 1.012767 dossier accepted Tuesday 10/11 09:00 (due Friday 20/11 17:00) whose result
    reaches the desk at ``at``."""
    d = accepted("1.012767", at=nov(10, 9))
    for who in ("chuyenvien2", "chuyenvien2", "chuyenvien2", "truongdk"):
        d = forward(actor=user(who), dossier=d, at=at)
    return approve(actor=user("truongphong"), dossier=d, at=at)


@pytest.mark.parametrize(("resolved", "expected"), [
    (nov(19, 16, 59), Timeliness.EARLY),   # the day before the due day
    (nov(20, 7, 30), Timeliness.ON_TIME),  # on the due day (Friday 20/11, due 17:00)
    (nov(20, 17), Timeliness.ON_TIME),     # at the due moment
    (nov(20, 17, 1), Timeliness.LATE),     # after it
    (nov(23, 8), Timeliness.LATE),
])
def test_the_final_timeliness_is_decided_when_the_result_reaches_the_desk(accepted, resolved, expected):
    d = to_result(accepted, resolved)
    assert (d.status, local(d.resolved_at), d.timeliness) == (Status.READY, resolved, expected)
    assert TrackedDeadline.objects.get(pk=d.deadline_id).met_at == resolved
    # Returning it days later does not change how it is counted.
    d = return_result(actor=user("motcua"), dossier=d, method="desk", received_by="Nguyễn Thị Lan",
                      at=nov(27, 9))
    assert (d.status, d.timeliness, local(d.resolved_at)) == (Status.RETURNED, expected, resolved)


def test_the_desk_returns_in_person_recording_who_received_it(accepted):
    d = to_result(accepted, nov(17, 9))
    with pytest.raises(ValidationError) as error:
        return_result(actor=user("motcua"), dossier=d, method="desk", received_by=" ", at=nov(18, 8))
    assert "người nhận" in error.value.message_dict["received_by"][0]
    with pytest.raises(ValidationError) as error:
        return_result(actor=user("motcua"), dossier=d, method="fax", at=nov(18, 8))
    assert "method" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        return_result(actor=user("chuyenvien2"), dossier=d, method="desk", received_by="Lan", at=nov(18, 8))
    d = return_result(actor=user("motcua2"), dossier=d, method="desk", at=nov(18, 8),
                      received_by="  Trần   Văn Hùng (ủy quyền) ")
    assert (d.status, d.returned_to, local(d.returned_at), local(d.closed_at), d.current_unit) == (
        Status.RETURNED, "Trần Văn Hùng (ủy quyền)", nov(18, 8), nov(18, 8), None)
    back = d.steps.get(kind="return")
    assert (back.status, back.finished_by.username, back.timeliness) == (
        StepStatus.DONE, "motcua2", Timeliness.LATE)  # 0.5 day from Tue 09:00 was due 14:30
    assert active(d) == []
    with pytest.raises(ActionRefused):
        return_result(actor=user("motcua"), dossier=d, method="desk", received_by="Lan", at=nov(18, 9))


def test_the_desk_returns_by_post_recording_the_tracking_number(accepted):
    d = to_result(accepted, nov(17, 9))
    with pytest.raises(ValidationError) as error:
        return_result(actor=user("motcua"), dossier=d, method="post", at=nov(17, 10))
    assert "số hiệu bưu gửi" in error.value.message_dict["tracking_number"][0]
    d = return_result(actor=user("motcua"), dossier=d, method="post", tracking_number="EI123456789VN",
                      at=nov(17, 10))
    assert (d.status, d.return_method, d.return_tracking) == (Status.RETURNED, "post", "EI123456789VN")


def test_a_rejected_dossier_returns_the_written_answer(accepted):
    d = accepted("1.012767", at=nov(10, 9))
    d = reject(actor=user("truongdk"), dossier=d, reason="Thửa đất đang có tranh chấp", at=nov(12, 9))
    d = return_result(actor=user("motcua"), dossier=d, method="desk", received_by="Nguyễn Thị Lan",
                      at=nov(12, 10))
    assert (d.status, d.outcome, d.timeliness) == (Status.RETURNED, Outcome.REJECTED, Timeliness.EARLY)


def test_withdrawal_is_recorded_by_the_desk_while_no_result_exists(accepted):
    d = accepted("1.012767", at=nov(10, 9))
    d = forward(actor=user("chuyenvien2"), dossier=d, at=nov(11, 9))
    with pytest.raises(PermissionDenied):
        withdraw(actor=user("chuyenvien2"), dossier=d, reason="Người nộp xin rút", at=nov(12, 9))
    d = withdraw(actor=user("motcua"), dossier=d, reason="Người nộp có đơn xin rút hồ sơ", at=nov(12, 9))
    assert (d.status, local(d.closed_at), d.current_unit, d.timeliness, d.resolved_at) == (
        Status.WITHDRAWN, nov(12, 9), None, "", None)
    assert active(d) == [] and d.steps.filter(status=StepStatus.CLOSED).count() == 1
    assert TrackedDeadline.objects.get(pk=d.deadline_id).met_at == nov(12, 9)
    done = to_result(accepted, nov(17, 9))
    before = counts()
    with pytest.raises(ActionRefused, match="chưa có kết quả"):
        withdraw(actor=user("motcua"), dossier=done, reason="Xin rút", at=nov(17, 10))
    assert counts() == before


def test_a_dossier_waiting_for_a_supplement_or_paused_can_be_withdrawn(accepted):
    waiting = accepted("1.012767", at=nov(10, 9))
    request_supplement(actor=user("chuyenvien2"), dossier=waiting, items=["Hợp đồng"], at=nov(11, 9))
    waiting = withdraw(actor=user("motcua"), dossier=waiting, reason="Không bổ sung được", at=nov(20, 9))
    assert (waiting.status, waiting.paused_at, waiting.timeliness) == (Status.WITHDRAWN, None, "")
    assert TrackedDeadline.objects.get(pk=waiting.deadline_id).met_at == nov(20, 9)
    assert active(waiting) == []
    paused = accepted("1.012767", at=nov(10, 9))
    pause(actor=user("chuyenvien2"), dossier=paused, reason="Nộp lệ phí", at=nov(11, 9))
    paused = withdraw(actor=user("motcua"), dossier=paused, at=nov(12, 9))
    assert (paused.status, paused.paused_at) == (Status.WITHDRAWN, None)
    assert check(waiting) == [] and check(paused) == []


def test_only_an_agency_leader_cancels_a_dossier_accepted_in_error(accepted):
    d = accepted("1.012767", at=nov(10, 9))
    before = counts()
    for someone in ("motcua", "truongphong", "truongdk", "chuyenvien2"):
        with pytest.raises(PermissionDenied):
            cancel_dossier(actor=user(someone), dossier=d, reason="Tiếp nhận nhầm", at=nov(10, 10))
    with pytest.raises(ValidationError) as error:
        cancel_dossier(actor=user("lanhdao"), dossier=d, reason="", at=nov(10, 10))
    assert "lý do hủy" in error.value.message_dict["reason"][0]
    assert counts() == before
    code = d.code
    d = cancel_dossier(actor=user("phogiamdoc"), dossier=d, reason="Tiếp nhận trùng hồ sơ 0002",
                       at=nov(10, 10))
    assert (d.status, d.code, local(d.closed_at), d.current_unit) == (
        Status.CANCELLED, code, nov(10, 10), None)
    assert active(d) == []
    assert TrackedDeadline.objects.get(pk=d.deadline_id).met_at == nov(10, 10)
    e = DossierEvent.objects.get(dossier=d, action="cancel")
    assert (e.actor.username, e.note, e.from_status) == (
        "phogiamdoc", "Tiếp nhận trùng hồ sơ 0002", "processing")
    with pytest.raises(ActionRefused):
        cancel_dossier(actor=user("lanhdao"), dossier=d, reason="Lần nữa", at=nov(10, 11))


def test_a_cancelled_result_is_no_longer_counted(accepted):
    d = to_result(accepted, nov(23, 9))
    assert d.timeliness == Timeliness.LATE
    d = cancel_dossier(actor=user("lanhdao"), dossier=d, reason="Tiếp nhận nhầm thủ tục", at=nov(23, 10))
    assert (d.status, d.timeliness) == (Status.CANCELLED, "")
    assert active(d) == []
    assert check(d) == []


def test_a_day_off_declared_later_moves_open_dossiers_and_never_closed_ones(
        accepted, staff, django_capture_on_commit_callbacks):
    running = accepted("1.012767", at=nov(10, 9))
    cancelled = cancel_dossier(actor=user("lanhdao"), dossier=accepted("1.012767", at=nov(10, 9)),
                               reason="Tiếp nhận nhầm", at=nov(10, 10))
    with django_capture_on_commit_callbacks(execute=True):
        set_calendar_day(actor=staff("admin"), schedule=running.deadline.schedule, day=dt.date(2026, 11, 19),
                         working=False, name="Nghỉ theo quyết định của UBND thành phố")
    # The background recomputation refreshed the work queues' copy of the due moment too.
    assert local(fresh(running).due_at) == nov(23, 17)  # one working day later
    assert refresh_due_moments() == 0
    assert local(fresh(cancelled).due_at) == nov(20, 17)
    assert check(running) == [] and check(cancelled) == []


@pytest.mark.parametrize(("done", "due", "expected"), [
    (nov(20, 16), nov(21, 0), Timeliness.ON_TIME),  # due "24:00 on Friday 20/11" is Friday's
    (nov(19, 16), nov(21, 0), Timeliness.EARLY),
    (nov(21, 0, 1), nov(21, 0), Timeliness.LATE),
    (nov(20, 17), nov(20, 17), Timeliness.ON_TIME),
    (nov(20, 7, 30), nov(20, 17), Timeliness.ON_TIME),
    (nov(19, 23, 59), nov(20, 17), Timeliness.EARLY),
])
def test_the_written_definition_of_early_on_time_and_late(done, due, expected):
    assert classify(done, due, VN) == expected
    assert not is_overdue(due, due) and is_overdue(due, due + dt.timedelta(seconds=1))
    assert not is_overdue(None, due)
