"""Reminders of due moments: to the step's officer and the unit head, once per due moment,
only in office hours. The dossier of procedure 1.012767 accepted on Tuesday 10/11/2026 09:00 has
its first processing step (vpdk-dk, “Kiểm tra hồ sơ…”, 2.5 working days) due on Thursday 12/11
at 14:30, and the dossier itself due on Friday 20/11 at 17:00."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.dossiers.models import StepStatus
from motcua.dossiers.services import apologize, assign_step, receive_supplement, request_supplement
from motcua.notify.models import Kind, Notification
from motcua.notify.reminders import send_reminders
from motcua.notify.services import notifications_silenced
from motcua.org.models import Position, Role, Unit, User
from tests.notify.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _only_reminders():
    """These tests count reminders: the messages the actions themselves send (tested in
    test_events.py) are left out."""
    with notifications_silenced():
        yield


def first_step(dossier):
    return dossier.steps.get(status=StepStatus.ACTIVE)


def told(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def mailed_to() -> set[str]:
    return {address for message in mail.outbox for address in message.to}


def test_a_step_due_within_a_working_day_reminds_its_unit_and_head_once(accepted):
    dossier = accepted()
    step = first_step(dossier)
    assert send_reminders(now=at(11, 9)).notifications == 0  # Wed 09:00: 12 working hours left

    report = send_reminders(now=at(11, 15))  # Wed 15:00: 2 h today + 5.5 h on Thursday = 7.5 h
    assert report.notifications == 2
    assert told(Kind.STEP_DUE_SOON) == {"chuyenvien2", "truongdk"}  # unassigned: the unit's officer
    assert mailed_to() == {"chuyenvien2@stnmt.cantho.gov.vn", "truongdk@stnmt.cantho.gov.vn"}
    reminder = Notification.objects.filter(recipient__username="truongdk").get()
    assert reminder.dossier == dossier and reminder.step == step and reminder.read_at is None
    assert dossier.code in reminder.title and step.name in reminder.title
    assert "14:30 12/11/2026" in reminder.body and "7 giờ 30 phút" in reminder.body
    assert reminder.url == f"/ho-so/{dossier.code}/"
    assert reminder.emailed_at is not None
    assert dossier.code in mail.outbox[0].subject and "14:30 12/11/2026" in mail.outbox[0].body

    mail.outbox.clear()
    assert send_reminders(now=at(11, 15, 5)).notifications == 0
    assert send_reminders(now=at(12, 9)).notifications == 0
    assert Notification.objects.count() == 2 and mail.outbox == []


def test_a_step_assigned_to_an_officer_reminds_that_officer_and_the_head(accepted, staff):
    unit = Unit.objects.get(code="vpdk-dk")
    newcomer = User.objects.create_user("chuyenvien3", email="cv3@stnmt.cantho.gov.vn", full_name="Lê Văn Tư")
    Position.objects.create(user=newcomer, unit=unit, role=Role.SPECIALIST, valid_from=at(1, 0).date())
    dossier = accepted()
    assign_step(actor=staff("truongdk"), dossier=dossier, assignee=newcomer, at=at(10, 10))

    send_reminders(now=at(11, 15))
    assert told(Kind.STEP_DUE_SOON) == {"chuyenvien3", "truongdk"}


@pytest.mark.parametrize(("outside", "next_run"), [
    (at(11, 20), at(12, 7, 30)), (at(12, 12), at(12, 13)),
    (at(14, 15), at(16, 7, 30)), (at(15, 10), at(16, 7, 30)),
], ids=["Wednesday 20:00", "lunch break", "Saturday afternoon", "Sunday"])
def test_nothing_is_sent_outside_office_hours_and_the_next_run_in_office_hours_sends_it(
        accepted, outside, next_run):
    accepted()  # step due Thursday 12/11 at 14:30: less than a working day left from Wednesday evening
    accepted(at=at(12, 9))  # step due Monday 16/11 at 14:30
    report = send_reminders(now=outside)
    assert report.notifications == 0 and report.units_in_office_hours == 0
    assert Notification.objects.count() == 0 and mail.outbox == []

    assert send_reminders(now=next_run).notifications > 0
    assert told(Kind.STEP_DUE_SOON) | told(Kind.STEP_OVERDUE) == {"chuyenvien2", "truongdk"}
    assert mailed_to() == {"chuyenvien2@stnmt.cantho.gov.vn", "truongdk@stnmt.cantho.gov.vn"}


def test_an_overdue_step_is_reminded_once_more_as_overdue(accepted):
    dossier = accepted()
    send_reminders(now=at(12, 9))
    assert send_reminders(now=at(12, 14, 29)).notifications == 0  # still due soon, already told
    mail.outbox.clear()

    assert send_reminders(now=at(12, 14, 31)).notifications == 2
    assert told(Kind.STEP_OVERDUE) == {"chuyenvien2", "truongdk"}
    overdue = Notification.objects.filter(kind=Kind.STEP_OVERDUE, recipient__username="chuyenvien2").get()
    assert overdue.title.startswith("Quá hạn") and dossier.code in overdue.title
    assert "quá hạn từ 14:30 12/11/2026" in overdue.body
    assert len(mail.outbox) == 2
    assert send_reminders(now=at(13, 9)).notifications == 0


def test_a_due_moment_moved_by_a_supplement_gets_a_fresh_reminder(accepted, staff):
    dossier = accepted()
    send_reminders(now=at(11, 15))
    assert Notification.objects.filter(kind=Kind.STEP_DUE_SOON).count() == 2
    # Thursday 09:00 the specialist asks for a supplement: 4 working hours of the step are left.
    request_supplement(actor=staff("chuyenvien2"), dossier=dossier, items=["Bản sao sổ hộ khẩu"],
                       at=at(12, 9))
    assert send_reminders(now=at(13, 9)).notifications == 0  # the clock is stopped: no reminder
    receive_supplement(actor=staff("motcua"), dossier=dossier, at=at(16, 9))  # Monday 09:00
    step = first_step(dossier)
    assert step.due_at == at(16, 14, 30)

    assert send_reminders(now=at(16, 9, 5)).notifications == 2
    fresh = Notification.objects.filter(kind=Kind.STEP_DUE_SOON, due_at=step.due_at)
    assert {n.recipient.username for n in fresh} == {"chuyenvien2", "truongdk"}
    assert "14:30 16/11/2026" in fresh[0].body
    assert Notification.objects.filter(kind=Kind.STEP_DUE_SOON).count() == 4


def test_the_dossier_due_moment_is_reminded_to_the_head_of_the_unit_holding_it(accepted, staff):
    dossier = accepted()
    assert send_reminders(now=at(19, 16)).notifications > 0  # the step is long overdue
    assert not told(Kind.DOSSIER_DUE_SOON)  # Thursday 16:00: 1 h + a whole Friday left

    send_reminders(now=at(20, 9))
    assert told(Kind.DOSSIER_DUE_SOON) == {"truongdk"}
    reminder = Notification.objects.get(kind=Kind.DOSSIER_DUE_SOON)
    assert reminder.step is None and dossier.code in reminder.title
    assert "17:00 20/11/2026" in reminder.body and "Mẫu 04" in reminder.body

    # The head apologises with a new appointment: the new due moment is reminded again.
    apologize(actor=staff("truongdk"), dossier=dossier, new_due_at=at(25, 17), reason="Chờ cơ quan thuế",
              at=at(20, 10))
    assert send_reminders(now=at(24, 10)).notifications == 0
    send_reminders(now=at(25, 9))
    assert Notification.objects.filter(kind=Kind.DOSSIER_DUE_SOON).count() == 2
    assert Notification.objects.filter(kind=Kind.DOSSIER_DUE_SOON, due_at=at(25, 17)).exists()

    send_reminders(now=at(26, 8))
    overdue = Notification.objects.get(kind=Kind.DOSSIER_OVERDUE)
    assert overdue.recipient.username == "truongdk" and "đã quá hạn" in overdue.title
    assert "Đã có văn bản xin lỗi" in overdue.body and "25/11/2026" in overdue.body


def test_a_lead_time_of_two_days_reminds_earlier(accepted, settings):
    accepted()
    settings.MOTCUA_REMINDER_LEAD_MINUTES = 960
    assert send_reminders(now=at(11, 9)).notifications == 2  # 12 working hours left


def test_a_run_costs_the_same_number_of_queries_for_few_or_many_dossiers(accepted):
    for _ in range(2):
        accepted()
    for _ in range(6):
        accepted(at=at(17, 9))
    send_reminders(now=at(10, 16))  # warm the calendars; nothing is due
    with CaptureQueriesContext(connection) as few:
        assert send_reminders(now=at(11, 15)).steps == 2
    with CaptureQueriesContext(connection) as many:
        assert send_reminders(now=at(18, 15)).steps == 8  # 6 due soon, 2 overdue
    assert len(many) == len(few)
