"""Reception at the one-stop desk (issue #5 item 1): accept with the code and the due moment,
guide to complete (once), refuse with the reason; an incomplete filing writes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from motcua.catalog.models import RequiredDocument
from motcua.dossiers import selectors
from motcua.dossiers.models import Applicant, Dossier, DossierCounter, DossierEvent, Status, StepStatus
from motcua.dossiers.services import accept_dossier, refuse_dossier, request_completion
from motcua.dossiers.workflow import ActionRefused, DossierChanged
from tests.dossiers.conftest import TUESDAY_9AM, applicant, filing_for
from tests.dossiers.lifecycle import active, audit_actions, counts, last_audit_id, local, nov


def test_accepted_on_tuesday_for_8_working_days_is_due_friday_20_11_at_17h(accepted):
    d = accepted("1.012767", at=nov(10, 9))
    # Day 1 is Wednesday 11/11 (the day of receipt does not count); 11, 12, 13, 16, 17, 18, 19,
    # 20/11 are the 8 working days; the period ends when the office closes on Friday 20/11.
    assert local(d.due_at) == nov(20, 17)
    assert local(d.original_due_at) == nov(20, 17)
    assert local(d.received_at) == nov(10, 9)
    assert d.code == "000.15.31.H13-261110-0001"
    assert d.status == Status.PROCESSING
    assert d.current_unit.code == "vpdk-dk"
    reception, appraisal = d.steps.order_by("id")
    assert (reception.kind, reception.status, reception.finished_by.username) == (
        "receive", StepStatus.DONE, "motcua")
    # The first handling step starts at once (electronic transfer), 2.5 working days:
    # Tue 09:00 + 2 days = Thu 12/11 09:00, + 4 h = 11:30 and (after lunch) 14:30.
    assert (appraisal.status, appraisal.unit.code) == (StepStatus.ACTIVE, "vpdk-dk")
    assert local(appraisal.due_at) == nov(12, 14, 30)
    lines = selectors.deadline_of(d, now=nov(10, 9)).explanation.render()
    assert lines[0] == ("Tiếp nhận lúc 09:00 thứ Ba 10/11/2026; ngày tiếp nhận không được tính (Bộ luật "
                        "Dân sự 2015, Điều 147): bắt đầu tính từ ngày làm việc tiếp theo, 07:30 thứ Tư "
                        "11/11/2026")
    assert lines[-1] == ("Hạn giải quyết: hết giờ làm việc của ngày làm việc cuối cùng, "
                         "17:00 thứ Sáu 20/11/2026")


def test_a_same_day_procedure_received_after_15h_is_due_the_next_working_day(accepted):
    # 1.012772 "Cung cấp thông tin, dữ liệu đất đai": 0 days, counting rule same_day_15h.
    early = accepted("1.012772", at=nov(10, 14, 59))
    late = accepted("1.012772", at=nov(10, 15, 30))
    friday = accepted("1.012772", at=nov(13, 15, 30))
    assert local(early.due_at) == nov(10, 17)
    assert local(late.due_at) == nov(11, 17)
    assert local(friday.due_at) == nov(16, 17)  # Monday: Saturday and Sunday are not working days
    # Its steps have no time of their own ("0 ngày"): each is due with the dossier, so finishing
    # the step the same afternoon is not late.
    assert [local(s.due_at) for s in active(late)] == [nov(11, 17)]
    assert [local(s.due_at) for s in active(early)] == [nov(10, 17)]
    assert selectors.deadline_of(late, now=nov(10, 15, 30)).explanation.render()[0] == (
        "Tiếp nhận lúc 15:30 thứ Ba 10/11/2026, sau 15:00 hoặc ngoài ngày làm việc: tính từ ngày làm "
        "việc tiếp theo, 07:30 thứ Tư 11/11/2026")


def test_a_missing_mandatory_document_is_named_and_nothing_is_written(procedure, staff):
    p = procedure("1.012767")
    certificate = RequiredDocument.objects.get(version=p.current, name__startswith="Giấy chứng nhận đã cấp")
    filing = filing_for(p)
    filing.documents_received.remove(certificate.pk)
    before = counts()
    with pytest.raises(ValidationError) as error:
        accept_dossier(actor=staff("motcua"), filing=filing, at=TUESDAY_9AM)
    message = " ".join(error.value.message_dict["documents_received"])
    assert "Thiếu giấy tờ bắt buộc" in message and "Giấy chứng nhận đã cấp" in message
    assert counts() == before  # no dossier, applicant, document, event, audit row, counter bump
    # The number was not consumed: the next complete dossier of the day is -0001.
    d = accept_dossier(actor=staff("motcua"), filing=filing_for(p), at=TUESDAY_9AM)
    assert d.code.endswith("-0001")


def test_an_accept_failing_after_its_code_was_drawn_gives_the_number_back(procedure, staff, monkeypatch):
    import motcua.dossiers.services as services

    def broken(**kwargs):
        raise RuntimeError("đĩa đầy")

    p = procedure("1.012767")
    before = counts()
    monkeypatch.setattr(services, "track_deadline", broken)
    with pytest.raises(RuntimeError):
        accept_dossier(actor=staff("motcua"), filing=filing_for(p), at=TUESDAY_9AM)
    assert counts() == before
    assert not DossierCounter.objects.exists()
    monkeypatch.undo()
    assert accept_dossier(actor=staff("motcua"), filing=filing_for(p), at=TUESDAY_9AM).code.endswith("-0001")


def test_guidance_to_complete_is_given_once_and_the_same_row_gets_its_code_on_acceptance(procedure, staff):
    p = procedure("1.012767")
    incomplete = filing_for(p)
    incomplete.documents_received = incomplete.documents_received[:1]
    start = last_audit_id()
    d = request_completion(actor=staff("motcua"), filing=incomplete, at=nov(10, 9), missing=[
        "Hợp đồng chuyển nhượng có công chứng", "Giấy chứng nhận đã cấp (bản gốc)"])
    assert (d.status, d.code, d.due_at, d.received_at) == (Status.INCOMPLETE, None, None, None)
    assert d.reception_note == "Hợp đồng chuyển nhượng có công chứng\nGiấy chứng nhận đã cấp (bản gốc)"
    assert not DossierCounter.objects.exists()  # nothing counted, no number drawn
    # Only once (Decree 118/2025 art. 11): a second guidance is refused and changes nothing.
    with pytest.raises(ActionRefused):
        request_completion(actor=staff("motcua2"), filing=incomplete, dossier=d, missing=["Tờ khai"],
                           at=nov(12, 9))
    assert Dossier.objects.get(pk=d.pk).reception_note.startswith("Hợp đồng")
    # The applicant comes back on Friday with everything: the same row is accepted now.
    accepted = accept_dossier(actor=staff("motcua2"), filing=filing_for(p), dossier=d,
                              expected_version=Dossier.objects.get(pk=d.pk).lock_version, at=nov(13, 10))
    assert accepted.pk == d.pk and Dossier.objects.count() == 1
    assert accepted.code == "000.15.31.H13-261113-0001"
    assert local(accepted.received_at) == nov(13, 10)
    # 8 working days from Monday 16/11: 16, 17, 18, 19, 20, 23, 25, 26/11 (Tuesday 24/11 is the
    # Day of Vietnamese Culture, a day off).
    assert local(accepted.due_at) == nov(26, 17)
    assert list(DossierEvent.objects.filter(dossier=d).values_list("action", "from_status", "to_status")) == [
        ("request_completion", "", "incomplete"), ("accept", "incomplete", "processing")]
    assert audit_actions(start) == ["dossier.request_completion", "dossier.accept"]
    assert accepted.received_documents.count() == len(filing_for(p).documents_received)


def test_accepting_a_dossier_someone_else_changed_is_refused(procedure, staff):
    p = procedure("1.012767")
    incomplete = filing_for(p)
    d = request_completion(actor=staff("motcua"), filing=incomplete, missing=["Tờ khai"], at=nov(10, 9))
    before = counts()
    with pytest.raises(DossierChanged):
        accept_dossier(actor=staff("motcua2"), filing=filing_for(p), dossier=d,
                       expected_version=d.lock_version - 1, at=nov(11, 9))
    assert counts() == before


def test_refusal_needs_the_legal_reason(procedure, staff):
    p = procedure("1.012767")
    before = counts()
    with pytest.raises(ValidationError) as error:
        refuse_dossier(actor=staff("motcua"), filing=filing_for(p), reason="  ", at=TUESDAY_9AM)
    assert "lý do từ chối" in error.value.message_dict["reason"][0]
    assert counts() == before
    start = last_audit_id()
    d = refuse_dossier(actor=staff("motcua"), filing=filing_for(p), at=TUESDAY_9AM, reason=(
        "Thửa đất thuộc thẩm quyền của Chi nhánh Văn phòng Đăng ký đất đai quận Cái Răng."))
    assert (d.status, d.code, d.due_at) == (Status.REFUSED, None, None)
    assert local(d.closed_at) == TUESDAY_9AM
    assert d.reception_note.startswith("Thửa đất thuộc thẩm quyền")
    assert audit_actions(start) == ["dossier.refuse"]
    assert not DossierCounter.objects.exists()


def test_a_returning_applicant_is_found_by_id_number_and_updated(procedure, staff):
    p = procedure("1.012767")
    first = accept_dossier(actor=staff("motcua"), filing=filing_for(p), at=nov(10, 9))
    second = accept_dossier(actor=staff("motcua2"), at=nov(10, 10), filing=filing_for(
        p, applicant=applicant(id_number="092 190 001 234", phone="0987 654 321")))
    assert Applicant.objects.count() == 1
    person = Applicant.objects.get()
    assert (person.id_number, person.phone) == ("092190001234", "0987654321")
    assert first.applicant_id == second.applicant_id == person.pk
    # Each dossier keeps the details as they were filed on it.
    assert Dossier.objects.get(pk=first.pk).applicant_phone == "0912345678"
    assert second.applicant_phone == "0987654321"
    assert second.code.endswith("-0002")


def test_only_the_desk_receives(procedure, staff):
    before = counts()
    with pytest.raises(PermissionDenied):
        accept_dossier(actor=staff("chuyenvien2"), filing=filing_for(procedure("1.012767")), at=TUESDAY_9AM)
    with pytest.raises(PermissionDenied):
        refuse_dossier(actor=staff("lanhdao"), filing=filing_for(procedure("1.012767")), reason="Sai",
                       at=TUESDAY_9AM)
    assert counts() == before


def test_a_bad_applicant_is_reported_field_by_field_and_nothing_is_written(procedure, staff):
    before = counts()
    with pytest.raises(ValidationError) as error:
        accept_dossier(actor=staff("motcua"), at=TUESDAY_9AM, filing=filing_for(
            procedure("1.012767"), applicant=applicant(id_number="12345", phone="12", email="lan@")))
    assert set(error.value.message_dict) == {"applicant.id_number", "applicant.phone", "applicant.email"}
    assert counts() == before
