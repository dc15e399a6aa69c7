"""The dossier's clock (issue #5 items 4–5): a supplement during processing and a pause for
financial obligations stop it (the time already spent still counts), visible in the deadline's
explanation; an apology gives a new appointment while the dossier stays measured against the
original due moment. All numbers worked by hand: office hours 07:30–11:30, 13:00–17:00."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from motcua.dossiers import selectors
from motcua.dossiers.models import Dossier, DossierEvent, Status, Timeliness
from motcua.dossiers.services import (
    apologize,
    approve,
    forward,
    pause,
    receive_supplement,
    reject,
    request_supplement,
    resume,
)
from motcua.dossiers.workflow import ActionRefused
from motcua.worktime.amount import WorkAmount
from tests.dossiers.conftest import VN
from tests.dossiers.lifecycle import active, counts, fresh, local, nov, only_active, user


def explanation(d: Dossier, now: dt.datetime) -> list[str]:
    return selectors.deadline_of(fresh(d), now=now).explanation.render()


def resolve_1_012767(d: Dossier, at: dt.datetime) -> Dossier:
    """Take a 1.012767 dossier through its remaining steps and approve it at ``at``."""
    for _ in range(5):
        step = only_active(d)
        if step.kind == "approve":
            return approve(actor=user("truongphong"), dossier=d, at=at)
        d = forward(actor=user("truongdk" if step.kind == "review" else "chuyenvien2"), dossier=d, at=at)
    raise AssertionError("no signature step reached")


def test_a_supplement_moves_the_due_moment_by_exactly_the_working_time_waited(accepted):
    d = accepted("1.012767", at=nov(10, 9))  # due Friday 20/11 17:00
    d = forward(actor=user("chuyenvien2"), dossier=d, at=nov(12, 14))
    tax = only_active(d)
    assert local(tax.due_at) == nov(13, 14)  # 1 day from Thu 14:00: 3 h + 4 h + 1 h
    # Two working days (Wed, Thu) and 2.5 hours of Friday spent; the unit asks for more.
    d = request_supplement(actor=user("chuyenvien2"), dossier=d, at=nov(13, 10), note="Thiếu hợp đồng",
                           items=["Bản sao hợp đồng chuyển nhượng có công chứng"])
    assert (d.status, d.due_at, local(d.paused_at), d.supplements_requested) == (
        Status.AWAITING_SUPPLEMENT, None, nov(13, 10), 1)
    assert explanation(d, nov(13, 11))[-2:] == [
        "Đang tạm dừng từ 10:00 thứ Sáu 13/11/2026 (chờ bổ sung hồ sơ): hạn giải quyết sẽ được xác "
        "định khi tiếp tục; thời hạn còn lại 45 giờ 30 phút làm việc",  # 64 h − 18 h 30
        "Hạn giải quyết: chưa xác định (đang tạm dừng)",
    ]
    with pytest.raises(PermissionDenied):  # the supplement comes in through the desk
        receive_supplement(actor=user("chuyenvien2"), dossier=d, at=nov(16, 10))
    # The applicant brings it three calendar days later, Monday 16/11 10:00: 5.5 h of Friday
    # and 2.5 h of Monday were waited, exactly one working day.
    d = receive_supplement(actor=user("motcua"), dossier=d, note="Đã nhận bản sao hợp đồng", at=nov(16, 10))
    assert (d.status, d.paused_at) == (Status.PROCESSING, None)
    assert local(d.due_at) == local(d.original_due_at) == nov(23, 17)
    deadline = selectors.deadline_of(fresh(d), now=nov(16, 10))
    assert deadline.paused == WorkAmount(480)
    lines = explanation(d, nov(16, 10))
    assert ("Tạm dừng từ 10:00 thứ Sáu 13/11/2026 đến 10:00 thứ Hai 16/11/2026 (chờ bổ sung hồ sơ): "
            "1 ngày làm việc không tính vào thời hạn") in lines
    assert lines[-1] == ("Hạn giải quyết: hết giờ làm việc của ngày làm việc cuối cùng, "
                         "17:00 thứ Hai 23/11/2026")
    # The step in progress gets back the 2.5 h it had left: due Monday 14:00 instead of Friday.
    assert local(only_active(d).due_at) == nov(16, 14)
    events = list(DossierEvent.objects.filter(dossier=d, action__endswith="_supplement")
                  .order_by("seq").values_list("action", "to_status", "data"))
    assert events[0][:2] == ("request_supplement", "awaiting_supplement")
    assert events[0][2]["items"] == ["Bản sao hợp đồng chuyển nhượng có công chứng"]
    assert events[0][2]["due_at"] is None
    assert dt.datetime.fromisoformat(events[1][2]["due_at"]) == nov(23, 17)
    # Only once.
    with pytest.raises(ActionRefused, match="một lần"):
        request_supplement(actor=user("chuyenvien2"), dossier=d, items=["Tờ khai"], at=nov(17, 9))


def test_a_supplement_while_two_consultations_run_gives_both_their_time_back(accepted):
    d = accepted("1.004227", at=nov(10, 9))  # due Wednesday 09/12 17:00
    d = forward(actor=user("truongphong"), dossier=d, at=nov(10, 10))
    d = forward(actor=user("chuyenvien2"), dossier=d, at=nov(11, 9))
    commune, tax = sorted(active(d), key=lambda s: s.external_agency, reverse=True)
    assert local(commune.due_at) == local(tax.due_at) == nov(18, 9)  # 5 days from Wed 11/11 09:00
    d = request_supplement(actor=user("chuyenvien2"), dossier=d, step=commune.pk, at=nov(13, 9),
                           items=["Sơ đồ thửa đất có xác nhận của xã"])
    # Friday 09:00 → Tuesday 09:00: 6.5 h + 8 h + 1.5 h = 16 h, two working days.
    d = receive_supplement(actor=user("motcua2"), dossier=d, at=nov(17, 9))
    assert [local(s.due_at) for s in active(d)] == [nov(20, 9), nov(20, 9)]
    assert local(d.due_at) == dt.datetime(2026, 12, 11, 17, tzinfo=VN)


def test_a_pause_for_financial_obligations_stops_the_clock(accepted):
    d = accepted("1.012767", at=nov(10, 9))
    d = forward(actor=user("chuyenvien2"), dossier=d, at=nov(18, 9))
    assert local(only_active(d).due_at) == nov(19, 9)
    with pytest.raises(ValidationError) as error:
        pause(actor=user("chuyenvien2"), dossier=d, reason="", at=nov(18, 15))
    assert "nghĩa vụ tài chính" in error.value.message_dict["reason"][0]
    with pytest.raises(PermissionDenied):
        pause(actor=user("cv.moitruong"), dossier=d, reason="Nộp lệ phí", at=nov(18, 15))
    with pytest.raises(ActionRefused, match="không ở trạng thái tạm dừng"):
        resume(actor=user("motcua"), dossier=d, at=nov(18, 15))
    d = pause(actor=user("chuyenvien2"), dossier=d, reason="Nộp lệ phí trước bạ và thuế thu nhập cá nhân",
              at=nov(18, 15))
    assert (d.status, d.due_at, d.original_due_at) == (Status.PAUSED, None, None)
    before = counts()
    with pytest.raises(ActionRefused, match="tạm dừng tính thời gian"):
        apologize(actor=user("truongdk"), dossier=d, reason="Chậm", new_due_at=nov(27, 17), at=nov(19, 8))
    with pytest.raises(ActionRefused):
        request_supplement(actor=user("chuyenvien2"), dossier=d, items=["Tờ khai"], at=nov(19, 8))
    assert counts() == before
    # Wednesday 15:00 → Thursday 09:30: 2 h + 2 h = 4 working hours not counted.
    d = resume(actor=user("motcua"), dossier=d, note="Đã nộp biên lai", at=nov(19, 9, 30))
    deadline = selectors.deadline_of(fresh(d), now=nov(19, 9, 30))
    assert deadline.paused == WorkAmount(240)
    # Fri 20/11 17:00 + 4 h runs into Monday 23/11 (11:30): due at that day's close.
    assert local(d.due_at) == nov(23, 17)
    assert ("Tạm dừng từ 15:00 thứ Tư 18/11/2026 đến 09:30 thứ Năm 19/11/2026 (chờ thực hiện nghĩa vụ "
            "tài chính): 0,5 ngày làm việc không tính vào thời hạn") in deadline.explanation.render()
    # The tax step had 3.5 h left (Wed 15:00 → Thu 09:00): from 09:30 that is Thursday 14:30.
    assert local(only_active(d).due_at) == nov(19, 14, 30)


def test_an_apology_gives_a_new_appointment_but_the_dossier_is_late_against_the_original(accepted):
    d = accepted("1.012767", at=nov(10, 9))
    with pytest.raises(PermissionDenied):  # the letter is signed by the leader of the late unit
        apologize(actor=user("chuyenvien2"), dossier=d, reason="Chậm", new_due_at=nov(25, 17), at=nov(19, 10))
    with pytest.raises(ValidationError) as error:
        apologize(actor=user("truongdk"), dossier=d, reason="Chậm", new_due_at=nov(20, 16), at=nov(19, 10))
    assert "phải sau hạn hiện tại (17:00 20/11/2026)" in error.value.message_dict["new_due_at"][0]
    with pytest.raises(ValidationError):
        apologize(actor=user("truongdk"), dossier=d, reason="Chậm", at=nov(19, 10),
                  new_due_at=nov(25, 17).replace(tzinfo=None))
    d = apologize(actor=user("truongdk"), dossier=d, reason="Chờ cơ quan thuế xác định nghĩa vụ tài chính",
                  new_due_at=nov(25, 17), at=nov(19, 10))
    assert (local(d.due_at), local(d.original_due_at), d.apologized) == (nov(25, 17), nov(20, 17), True)
    letter = DossierEvent.objects.get(dossier=d, action="apologize")
    assert letter.data["before_due"] is True
    assert dt.datetime.fromisoformat(letter.data["old_due_at"]) == nov(20, 17)
    assert ("Gia hạn đến 17:00 thứ Tư 25/11/2026 (Chờ cơ quan thuế xác định nghĩa vụ tài chính)"
            in explanation(d, nov(19, 10)))
    # Resolved on Monday 23/11, before the new appointment but after the original due moment.
    d = resolve_1_012767(d, nov(23, 10))
    assert (d.status, local(d.resolved_at), d.timeliness) == (Status.READY, nov(23, 10), Timeliness.LATE)


@pytest.mark.parametrize(("resolved", "expected"), [
    (nov(19, 16), Timeliness.EARLY),    # the day before the original due day
    (nov(20, 16), Timeliness.ON_TIME),  # on the original due day, before 17:00
    (nov(20, 17), Timeliness.ON_TIME),  # at the due moment itself
    (nov(20, 17, 1), Timeliness.LATE),  # a minute after
])
def test_with_an_apology_the_original_due_moment_still_decides(accepted, resolved, expected):
    d = accepted("1.012767", at=nov(10, 9))
    d = apologize(actor=user("truongdk"), dossier=d, reason="Chờ ý kiến", new_due_at=nov(27, 17),
                  at=nov(18, 9))
    d = resolve_1_012767(d, resolved)
    assert (local(d.due_at), local(d.original_due_at)) == (nov(27, 17), nov(20, 17))
    assert d.timeliness == expected


def test_a_new_appointment_on_a_rest_day_ends_with_the_next_working_day(accepted):
    d = accepted("1.012767", at=nov(10, 9))
    d = apologize(actor=user("truongdk"), dossier=d, reason="Chờ ý kiến", new_due_at=nov(28, 10),
                  at=nov(20, 10))
    assert local(d.due_at) == nov(30, 17)  # Saturday 28/11 → Monday 30/11 at the close


def test_a_rejection_is_timed_like_a_result(accepted):
    late = accepted("1.012767", at=nov(10, 9))
    late = reject(actor=user("truongdk"), dossier=late, reason="Không đủ điều kiện", at=nov(23, 8))
    assert (late.status, late.timeliness) == (Status.READY, Timeliness.LATE)


def test_a_pause_after_an_apology_moves_the_new_appointment_too(accepted):
    d = accepted("1.012767", at=nov(10, 9))
    d = apologize(actor=user("truongdk"), dossier=d, reason="Chờ ý kiến", new_due_at=nov(25, 17),
                  at=nov(19, 10))
    # Wed 25/11 is the new appointment; the applicant then takes 4 working hours (Thu 19/11
    # 13:00 → 17:00) to pay the land levy: the appointment moves by those 4 hours.
    d = pause(actor=user("chuyenvien2"), dossier=d, reason="Nộp tiền sử dụng đất", at=nov(19, 13))
    d = resume(actor=user("motcua"), dossier=d, at=nov(20, 7, 30))
    assert local(d.due_at) == nov(26, 11, 30)
    assert local(d.original_due_at) == nov(23, 17)  # 11:30 reached; the rule ends it at the close
