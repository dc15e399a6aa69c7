"""Officers are told what happens to the dossiers they work on; the applicant is told by email
and SMS when something is asked of them."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import transaction

from motcua.dossiers.models import StepStatus
from motcua.dossiers.services import apologize, assign_step, forward, receive_supplement, request_supplement
from motcua.notify.models import Kind, Notification
from motcua.notify.services import notify_staff, on_dossier_event
from motcua.notify.sms import LogGateway
from tests.notify.conftest import at

pytestmark = pytest.mark.django_db


def last_event(dossier):
    return dossier.events.select_related("dossier", "dossier__agency", "dossier__procedure").last()


def inbox(username: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient__username=username).order_by("id"))


def test_the_officer_a_step_is_assigned_to_is_told_and_not_the_head_who_assigned_it(accepted, staff):
    dossier = accepted()
    before = Notification.objects.count()
    assign_step(actor=staff("truongdk"), dossier=dossier, assignee=staff("chuyenvien2"), note="Xử lý gấp",
                at=at(10, 10))
    created = list(Notification.objects.order_by("id")[before:])
    assert [n.recipient.username for n in created] == ["chuyenvien2"]
    notice = created[0]
    assert notice.kind == Kind.ASSIGNED and dossier.code in notice.title
    assert "Xử lý gấp" in notice.body and "Đặng Thị Mỹ Linh" in notice.body  # the note and who wrote it
    assert mail.outbox[-1].to == ["chuyenvien2@stnmt.cantho.gov.vn"]
    assert on_dossier_event(last_event(dossier)) == []  # a repeated task tells nobody twice
    assert Notification.objects.count() == before + 1


def test_a_dossier_arriving_at_a_unit_tells_its_officers_and_its_head(accepted):
    accepted()  # accepted at the desk, sent to vpdk-dk
    assert {n.recipient.username for n in Notification.objects.filter(kind=Kind.ARRIVED)} == {
        "chuyenvien2", "truongdk"}
    assert not inbox("motcua")  # the desk officer who accepted it


def test_the_desk_is_told_of_a_supplement_request_and_the_officer_of_its_arrival(accepted, staff):
    dossier = accepted()
    assign_step(actor=staff("truongdk"), dossier=dossier, assignee=staff("chuyenvien2"), at=at(10, 10))
    request_supplement(actor=staff("chuyenvien2"), dossier=dossier, items=["Bản sao giấy chứng tử"],
                       at=at(11, 9))
    desk = Notification.objects.filter(kind=Kind.SUPPLEMENT_REQUESTED)
    assert {n.recipient.username for n in desk} == {"motcua", "motcua2", "motcua3"}
    assert "Bản sao giấy chứng tử" in desk[0].body

    receive_supplement(actor=staff("motcua"), dossier=dossier, at=at(12, 9))
    arrived = Notification.objects.get(kind=Kind.SUPPLEMENT_RECEIVED)
    assert arrived.recipient.username == "chuyenvien2" and dossier.code in arrived.title


def test_forwarding_tells_who_does_the_next_step(accepted, staff):
    dossier = accepted()
    specialist = staff("chuyenvien2")
    assign_step(actor=staff("truongdk"), dossier=dossier, assignee=specialist, at=at(10, 10))
    for minute in (15, 20):  # appraisal → consultation of the tax office → appraisal again
        before = Notification.objects.count()
        forward(actor=specialist, dossier=dossier, at=at(10, 10, minute))
        assert Notification.objects.count() == before  # the specialist carries on: no one to tell
    forward(actor=specialist, dossier=dossier, note="Đủ điều kiện cấp giấy", at=at(10, 11))
    review = dossier.steps.get(status=StepStatus.ACTIVE)
    created = list(Notification.objects.order_by("id")[before:])
    assert [(n.recipient.username, n.step) for n in created] == [("truongdk", review)]  # the head reviews
    assert review.name in created[0].title and "Đủ điều kiện cấp giấy" in created[0].body


def test_the_staff_are_told_only_of_actions_that_commit(accepted, staff):
    """The notices are written in the action's transaction (in production the task is queued
    there too): an action that fails or is rolled back leaves none in anyone's list."""
    dossier = accepted()
    before = Notification.objects.count()
    with pytest.raises(PermissionDenied):  # a specialist may not assign
        assign_step(actor=staff("chuyenvien"), dossier=dossier, assignee=staff("chuyenvien2"), at=at(10, 10))
    with pytest.raises(RuntimeError), transaction.atomic():
        assign_step(actor=staff("truongdk"), dossier=dossier, assignee=staff("chuyenvien2"), at=at(10, 10))
        assert [n.kind for n in inbox("chuyenvien2")][-1:] == [Kind.ASSIGNED]
        raise RuntimeError("the action's transaction is rolled back")
    assert Notification.objects.count() == before

    assign_step(actor=staff("truongdk"), dossier=dossier, assignee=staff("chuyenvien2"), at=at(10, 10))
    assert [n.kind for n in inbox("chuyenvien2")] == [Kind.ARRIVED, Kind.ASSIGNED]


def test_notify_staff_is_idempotent_and_emails_only_those_with_an_address(staff):
    lan, hau = staff("chuyenvien2"), staff("motcua2")
    hau.email = ""
    hau.save()
    first = notify_staff([lan, hau, lan], Kind.ASSIGNED, None, "Thử", "Nội dung", "test:1")
    again = notify_staff([lan, hau], Kind.ASSIGNED, None, "Thử", "Nội dung", "test:1")
    assert len(first) == 2 and again == []
    assert [m.to for m in mail.outbox] == [["chuyenvien2@stnmt.cantho.gov.vn"]]
    assert Notification.objects.get(recipient=hau).emailed_at is None


def test_the_applicant_gets_the_supplement_request_with_every_item_by_email_and_sms(
        accepted, staff, django_capture_on_commit_callbacks):
    dossier = accepted()
    with django_capture_on_commit_callbacks(execute=True):
        request_supplement(actor=staff("chuyenvien2"), dossier=dossier, at=at(11, 9),
                           items=["Bản sao giấy chứng tử", "Văn bản thỏa thuận phân chia di sản"])
    # The desk officers are told too; the applicant gets exactly one message.
    to_applicant = [m for m in mail.outbox if m.to == ["lan@example.vn"]]
    assert len(to_applicant) == 1
    message = to_applicant[0]
    assert dossier.code in message.subject and "bổ sung" in message.subject
    assert "1. Bản sao giấy chứng tử" in message.body
    assert "2. Văn bản thỏa thuận phân chia di sản" in message.body
    phone, text = LogGateway.sent[-1]
    assert phone == "0912345678" and "Bản sao giấy chứng tử" in text and len(text) <= 600


def test_an_applicant_without_email_gets_the_sms_only(accepted, staff, django_capture_on_commit_callbacks):
    from tests.dossiers.conftest import applicant

    dossier = accepted(applicant=applicant(email=""))
    with django_capture_on_commit_callbacks(execute=True):
        request_supplement(actor=staff("chuyenvien2"), dossier=dossier, items=["Trích lục bản đồ"],
                           at=at(11, 9))
    assert not [m for m in mail.outbox if "lan@example.vn" in m.to]
    assert LogGateway.sent and "Trích lục bản đồ" in LogGateway.sent[-1][1]


def test_the_applicant_is_told_the_new_appointment_of_an_apology(accepted, staff):
    dossier = accepted()  # due Friday 20/11 at 17:00
    apologize(actor=staff("truongdk"), dossier=dossier, new_due_at=at(25, 17),
              reason="Chờ ý kiến của cơ quan thuế", at=at(19, 10))
    phone, text = LogGateway.sent[-1]
    assert phone == "0912345678" and "17:00 25/11/2026" in text and "20/11/2026" not in text
