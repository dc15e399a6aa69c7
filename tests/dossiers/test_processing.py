"""Processing through the units (issue #5 item 3): per-step due moments, forwarding with the
process-control slip, sending back, parallel consultations, optional steps, assignment,
approval and rejection; who may do what; one event and one audit record per action."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from motcua.catalog.demo import DEMO_FILE
from motcua.catalog.models import Procedure
from motcua.catalog.services import import_catalogue
from motcua.dossiers import selectors
from motcua.dossiers.models import DossierEvent, Outcome, Status, StepStatus, Timeliness
from motcua.dossiers.services import (
    accept_dossier,
    approve,
    assign_step,
    forward,
    reject,
    return_result,
    send_back,
)
from motcua.dossiers.workflow import ActionRefused, DossierChanged
from motcua.org.models import Unit
from tests.dossiers.conftest import VN, filing_for
from tests.dossiers.lifecycle import (
    active,
    audit_actions,
    counts,
    fresh,
    last_audit_id,
    local,
    nov,
    only_active,
    user,
)


def walk_1_012767(accepted):
    """1.012767 accepted Tue 10/11 09:00 and taken to the decision, each step on a chosen day."""
    d = accepted("1.012767", at=nov(10, 9))
    d = forward(actor=user("chuyenvien2"), dossier=d, note="Đủ điều kiện, chuyển thuế", at=nov(12, 15))
    d = forward(actor=user("chuyenvien2"), dossier=d, note="Thuế đã có thông báo", at=nov(13, 10))
    d = forward(actor=user("chuyenvien2"), dossier=d, note="Đã chỉnh lý", at=nov(13, 16))
    d = forward(actor=user("truongdk"), dossier=d, note="Trình ký", at=nov(16, 10))
    return d


def test_each_step_has_its_own_due_moment_and_the_slip_shows_early_on_time_late(accepted):
    d = walk_1_012767(accepted)
    d = approve(actor=user("truongphong"), dossier=d, note="Đồng ý", at=nov(17, 9))
    steps = list(d.steps.order_by("id"))
    assert [(s.kind, local(s.started_at), local(s.due_at), local(s.finished_at), s.timeliness)
            for s in steps] == [
        # reception: 0.5 day from 09:00 is 14:30 (2.5 h before the 11:30–13:00 lunch break, 1.5 h after)
        ("receive", nov(10, 9), nov(10, 14, 30), nov(10, 9), Timeliness.ON_TIME),
        # appraisal, 2.5 days: Thu 12/11 14:30; finished at 15:00 → late
        ("appraise", nov(10, 9), nov(12, 14, 30), nov(12, 15), Timeliness.LATE),
        # tax office, 1 day from Thu 15:00: 2 h Thursday + 4 h + 2 h Friday → Fri 13/11 15:00
        ("consult", nov(12, 15), nov(13, 15), nov(13, 10), Timeliness.ON_TIME),
        # appraisal, 1.5 days from Fri 10:00: 5.5 h Friday + 6.5 h Monday → Mon 16/11 15:30; done Friday
        ("appraise", nov(13, 10), nov(16, 15, 30), nov(13, 16), Timeliness.EARLY),
        # review, 1 day from Fri 16:00: 1 h Friday + 7 h Monday → Mon 16/11 16:00
        ("review", nov(13, 16), nov(16, 16), nov(16, 10), Timeliness.ON_TIME),
        # signature, 1 day from Mon 10:00 → Tue 17/11 10:00
        ("approve", nov(16, 10), nov(17, 10), nov(17, 9), Timeliness.ON_TIME),
        # back at the desk for the return, 0.5 day from Tue 09:00 → 14:30
        ("return", nov(17, 9), nov(17, 14, 30), None, ""),
    ]
    slip = selectors.control_slip(d)
    assert [(r.giver, r.receiver_unit, r.step, local(r.step_due), local(r.step_done), r.timeliness)
            for r in slip] == [
        ("Lâm Thị Diễm My", "Phòng Đăng ký và Cấp giấy chứng nhận", "Tiếp nhận, kiểm tra hồ sơ",
         nov(10, 14, 30), nov(10, 9), "on_time"),
        ("Huỳnh Tấn Phát", "Phòng Đăng ký và Cấp giấy chứng nhận",
         "Kiểm tra hồ sơ, lập Phiếu chuyển thông tin địa chính", nov(12, 14, 30), nov(12, 15), "late"),
        ("Huỳnh Tấn Phát", "Phòng Đăng ký và Cấp giấy chứng nhận", "Xác định nghĩa vụ tài chính",
         nov(13, 15), nov(13, 10), "on_time"),
        ("Huỳnh Tấn Phát", "Phòng Đăng ký và Cấp giấy chứng nhận",
         "Xác nhận biến động, chỉnh lý hồ sơ địa chính, in Giấy chứng nhận (nếu cấp mới)",
         nov(16, 15, 30), nov(13, 16), "early"),
        ("Đặng Thị Mỹ Linh", "Văn phòng Đăng ký đất đai", "Trưởng phòng kiểm tra hồ sơ",
         nov(16, 16), nov(16, 10), "on_time"),
        ("Phạm Quốc Bảo", "Bộ phận Tiếp nhận và Trả kết quả",
         "Giám đốc Văn phòng Đăng ký đất đai ký xác nhận hoặc ký Giấy chứng nhận", nov(17, 10), nov(17, 9),
         "on_time"),
    ]
    assert slip[1].note == "Đủ điều kiện, chuyển thuế"
    # The dossier itself: resolved Tuesday 17/11, due Friday 20/11 → early.
    assert (d.status, d.outcome, d.timeliness) == (Status.READY, Outcome.GRANTED, Timeliness.EARLY)
    assert local(d.resolved_at) == nov(17, 9)
    assert d.current_unit.code == "mot-cua"


def test_half_a_working_day_from_9h_is_due_at_14h30(accepted):
    d = accepted("1.004227", at=nov(10, 9))
    assign = only_active(d)
    assert (assign.kind, assign.unit.code, local(assign.due_at)) == ("assign", "vpdk", nov(10, 14, 30))
    # 20 working days from Wednesday 11/11, without the weekends and Tuesday 24/11 (a day off):
    # Wednesday 09/12 at the close of office hours.
    assert local(d.due_at) == dt.datetime(2026, 12, 9, 17, tzinfo=VN)


def test_a_specialist_of_another_unit_cannot_forward_and_nothing_changes(accepted):
    d = accepted("1.012767", at=nov(10, 9))
    step = only_active(d)
    before, version = counts(), fresh(d).lock_version
    for outsider in ("chuyenvien", "cv.moitruong"):
        with pytest.raises(PermissionDenied):
            forward(actor=user(outsider), dossier=d, at=nov(10, 10))
        with pytest.raises(PermissionDenied) as error:
            forward(actor=user(outsider), dossier=d, step=step.pk, at=nov(10, 10))
        assert "Kiểm tra hồ sơ, lập Phiếu chuyển thông tin địa chính" in str(error.value)
    assert counts() == before and fresh(d).lock_version == version
    assert only_active(d).pk == step.pk


def test_the_desk_cannot_approve_and_approval_waits_for_its_step(accepted):
    d = accepted("1.012767", at=nov(10, 9))
    with pytest.raises(ActionRefused, match="Chưa đến bước phê duyệt"):
        approve(actor=user("lanhdao"), dossier=d, at=nov(10, 10))
    d = walk_1_012767(accepted)
    before = counts()
    with pytest.raises(PermissionDenied):
        approve(actor=user("motcua"), dossier=d, at=nov(17, 9))
    with pytest.raises(PermissionDenied):  # the review was for the head of vpdk-dk; signing is for vpdk's
        approve(actor=user("truongdk"), dossier=d, at=nov(17, 9))
    with pytest.raises(ActionRefused, match="kết thúc bằng quyết định"):
        forward(actor=user("truongphong"), dossier=d, at=nov(17, 9))
    assert counts() == before


def test_the_result_cannot_be_returned_before_it_exists(accepted):
    d = accepted("1.012767", at=nov(10, 9))
    before = counts()
    with pytest.raises(ActionRefused, match="chưa có kết quả"):
        return_result(actor=user("motcua"), dossier=d, method="desk", received_by="Nguyễn Thị Lan",
                      at=nov(10, 10))
    assert counts() == before


def test_acting_on_a_stale_version_is_refused_and_changes_nothing(accepted):
    d = accepted("1.012767", at=nov(10, 9))
    seen = fresh(d).lock_version
    forward(actor=user("chuyenvien2"), dossier=d, version=seen, at=nov(10, 10))
    before, now = counts(), fresh(d)
    with pytest.raises(DossierChanged, match="vừa được người khác cập nhật"):
        forward(actor=user("chuyenvien2"), dossier=d, version=seen, at=nov(10, 11))
    assert counts() == before
    after = fresh(d)
    assert (after.lock_version, after.last_seq, after.current_unit_id) == (
        now.lock_version, now.last_seq, now.current_unit_id)
    assert [s.kind for s in active(d)] == ["consult"]


def test_sending_back_reopens_the_previous_step_for_its_full_time_on_a_new_row(accepted):
    d = walk_1_012767(accepted)  # at the signature (vpdk head)
    with pytest.raises(ValidationError) as error:
        send_back(actor=user("truongphong"), dossier=d, note=" ", at=nov(16, 14))
    assert "lý do trả lại" in error.value.message_dict["note"][0]
    with pytest.raises(PermissionDenied):
        send_back(actor=user("chuyenvien2"), dossier=d, note="Sai", at=nov(16, 14))
    d = send_back(actor=user("truongphong"), dossier=d, note="Thiếu sơ đồ thửa đất", at=nov(16, 14))
    review = only_active(d)
    assert (review.kind, review.unit.code, review.status) == ("review", "vpdk-dk", StepStatus.ACTIVE)
    assert local(review.due_at) == nov(17, 14)  # its full day again, from Mon 14:00
    signing = d.steps.get(kind="approve")
    assert (signing.status, local(signing.finished_at)) == (StepStatus.SENT_BACK, nov(16, 14))
    assert d.current_unit.code == "vpdk-dk"
    e = DossierEvent.objects.get(dossier=d, action="send_back")
    assert (e.from_unit.code, e.to_unit.code, e.note) == ("vpdk", "vpdk-dk", "Thiếu sơ đồ thửa đất")
    # The head of vpdk-dk sends it back once more: the appraisal is done again by a new row.
    d = send_back(actor=user("truongdk"), dossier=d, note="Chỉnh lại diện tích", at=nov(16, 15))
    assert only_active(d).kind == "appraise"
    assert d.steps.filter(kind="appraise").count() == 3 and d.steps.filter(kind="review").count() == 2
    d = forward(actor=user("chuyenvien2"), dossier=d, at=nov(17, 9))
    d = forward(actor=user("truongdk"), dossier=d, at=nov(17, 10))
    d = approve(actor=user("truongphong"), dossier=d, at=nov(17, 11))
    assert d.status == Status.READY
    assert [r.step for r in selectors.control_slip(d)].count("Trưởng phòng kiểm tra hồ sơ") == 3


def test_the_first_handling_step_cannot_be_sent_back(accepted):
    d = accepted("1.012767", at=nov(10, 9))
    before = counts()
    with pytest.raises(ActionRefused, match="Không có bước xử lý nào trước bước này"):
        send_back(actor=user("truongdk"), dossier=d, note="Trả lại Một cửa", at=nov(10, 10))
    assert counts() == before


def test_parallel_consultations_both_close_before_the_dossier_moves_on(accepted):
    d = accepted("1.004227", at=nov(10, 9))
    d = forward(actor=user("truongphong"), dossier=d, note="Giao chuyên viên Phát", at=nov(10, 11))
    d = forward(actor=user("chuyenvien2"), dossier=d, at=nov(17, 9))  # no field inspection
    tax, commune = sorted(active(d), key=lambda s: s.external_agency)
    assert {s.kind for s in (tax, commune)} == {"consult"}
    assert (tax.external_agency, commune.external_agency) == (
        "Cơ quan thuế quản lý địa bàn", "Ủy ban nhân dân cấp xã nơi có đất")
    assert tax.unit.code == commune.unit.code == "vpdk-dk"  # tracked by the unit that asked
    # 5 working days from Tue 17/11 09:00: 18, 19, 20, 23 and (after the day off on 24/11) 25/11.
    assert local(tax.due_at) == local(commune.due_at) == nov(25, 9)
    d = forward(actor=user("chuyenvien2"), dossier=d, step=commune.pk, note="Xã đã trả lời", at=nov(19, 9))
    assert [s.pk for s in active(d)] == [tax.pk]  # waiting for the tax office
    waiting = DossierEvent.objects.get(dossier=d, seq=d.last_seq)
    assert (waiting.data["opened"], waiting.data["waiting_for"], waiting.to_unit) == ([], [tax.pk], None)
    d = forward(actor=user("chuyenvien2"), dossier=d, step=tax.pk, at=nov(20, 9))
    review = only_active(d)
    assert (review.kind, review.unit.code) == ("review", "vpdk")
    # Sent back from the review, both consultations are asked again.
    d = send_back(actor=user("truongphong"), dossier=d, note="Hỏi lại", at=nov(20, 10))
    assert {s.process_step_id for s in active(d)} == {tax.process_step_id, commune.process_step_id}
    assert {s.pk for s in active(d)}.isdisjoint({tax.pk, commune.pk})
    for step in active(d):
        d = forward(actor=user("chuyenvien2"), dossier=d, step=step.pk, at=nov(23, 9))
    d = forward(actor=user("truongphong"), dossier=d, at=nov(23, 10))
    assert only_active(d).unit.code == "bgd"
    d = approve(actor=user("lanhdao"), dossier=d, note="Ký", at=nov(23, 14))
    assert (d.status, d.outcome) == (Status.READY, Outcome.GRANTED)


def test_an_optional_step_is_opened_only_when_asked_for(accepted):
    skipped = accepted("1.004227", at=nov(10, 9))
    forward(actor=user("truongphong"), dossier=skipped, at=nov(10, 10))
    forward(actor=user("chuyenvien2"), dossier=skipped, at=nov(11, 9))
    assert {s.kind for s in active(skipped)} == {"consult"}
    inspected = accepted("1.004227", at=nov(10, 9))
    forward(actor=user("truongphong"), dossier=inspected, at=nov(10, 10))
    forward(actor=user("chuyenvien2"), dossier=inspected, include_optional=True, at=nov(11, 9))
    field = only_active(inspected)
    assert (field.kind, local(field.due_at)) == ("field_inspection", nov(13, 9))  # 2 days
    forward(actor=user("chuyenvien2"), dossier=inspected, at=nov(12, 9))
    assert {s.kind for s in active(inspected)} == {"consult"}
    # Sent back from the consultations: the inspection, which was done, is done again.
    send_back(actor=user("truongdk"), dossier=inspected, note="Đo lại", at=nov(12, 10))
    assert only_active(inspected).kind == "field_inspection"


@pytest.fixture
def custom_procedure(catalogue, staff):
    """Import a variant of 1.012767 under another code with the given steps."""
    data = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    base = next(p for p in data["procedures"] if p["code"] == "1.012767")

    def make(code: str, steps: list[dict]) -> Procedure:
        item = copy.deepcopy(base)
        item.update(code=code, name=f"Thủ tục thử {code}", steps=steps)
        import_catalogue(actor=staff("admin"), agency=catalogue, items=[(item, None)])
        return Procedure.objects.select_related("current", "agency").get(agency=catalogue, national_code=code)

    def step(name, kind, unit, role, days="1", **extra):
        return {"name": name, "kind": kind, "unit": unit, "role": role,
                "allotted": {"value": days, "unit": "day"}, "optional": False, "parallel_group": "",
                "external_agency": "", "note": "", **extra}

    make.step = step
    return make


def test_without_an_approval_step_the_last_handling_step_decides(custom_procedure, staff):
    s = custom_procedure.step
    p = custom_procedure("1.999001", [
        s("Tiếp nhận", "receive", "mot-cua", "desk_officer", "0.5"),
        s("Thẩm định", "appraise", "vpdk-dk", "specialist", "5"),
        s("Kiểm tra, ký xác nhận", "review", "vpdk", "unit_head", "2"),
        s("Trả kết quả", "return", "mot-cua", "desk_officer", "0.5"),
    ])
    d = accept_dossier(actor=staff("motcua"), filing=filing_for(p), at=nov(10, 9))
    d = forward(actor=user("chuyenvien2"), dossier=d, at=nov(12, 9))
    with pytest.raises(ActionRefused, match="kết thúc bằng quyết định"):
        forward(actor=user("truongphong"), dossier=d, at=nov(13, 9))
    d = approve(actor=user("truongphong"), dossier=d, at=nov(13, 9))
    assert (d.status, d.outcome, only_active(d).kind) == (Status.READY, Outcome.GRANTED, "return")


def test_a_parallel_signature_waits_for_both_signers(custom_procedure, staff):
    s = custom_procedure.step
    p = custom_procedure("1.999002", [
        s("Tiếp nhận", "receive", "mot-cua", "desk_officer", "0.5"),
        s("Thẩm định", "appraise", "vpdk-dk", "specialist", "5"),
        s("Ký của Văn phòng", "approve", "vpdk", "unit_head", "1", parallel_group="ky"),
        s("Ký của Sở", "approve", "bgd", "agency_leader", "1", parallel_group="ky"),
    ])
    d = accept_dossier(actor=staff("motcua"), filing=filing_for(p), at=nov(10, 9))
    d = forward(actor=user("chuyenvien2"), dossier=d, at=nov(12, 9))
    assert len(active(d)) == 2
    d = approve(actor=user("truongphong"), dossier=d, at=nov(12, 10))
    assert d.status == Status.PROCESSING and [x.unit.code for x in active(d)] == ["bgd"]
    d = approve(actor=user("lanhdao"), dossier=d, at=nov(12, 11))
    # No return step in this plan: the result still comes back to the receiving desk.
    assert (d.status, only_active(d).unit.code, local(d.resolved_at)) == (
        Status.READY, "mot-cua", nov(12, 11))


def test_rejection_needs_reasons_and_sends_the_written_answer_to_the_desk(accepted):
    d = accepted("1.012767", at=nov(10, 9))
    with pytest.raises(ValidationError) as error:
        reject(actor=user("truongdk"), dossier=d, reason="", at=nov(11, 9))
    assert "lý do không giải quyết" in error.value.message_dict["reason"][0]
    with pytest.raises(PermissionDenied):
        reject(actor=user("chuyenvien2"), dossier=d, reason="Tranh chấp", at=nov(11, 9))
    d = reject(actor=user("truongdk"), dossier=d, reason="Thửa đất đang có tranh chấp", at=nov(11, 9))
    assert (d.status, d.outcome, d.outcome_note) == (
        Status.READY, Outcome.REJECTED, "Thửa đất đang có tranh chấp")
    assert (local(d.resolved_at), d.timeliness) == (nov(11, 9), Timeliness.EARLY)
    back = only_active(d)
    assert (back.kind, back.unit.code) == ("return", "mot-cua")
    assert d.steps.get(kind="appraise").status == StepStatus.DONE


def test_assignment_by_the_unit_head_and_reassignment_by_a_leader(accepted):
    d = accepted("1.012767", at=nov(10, 9))
    with pytest.raises(PermissionDenied):
        assign_step(actor=user("chuyenvien2"), dossier=d, assignee=user("chuyenvien2"), at=nov(10, 10))
    with pytest.raises(ActionRefused, match="không công tác tại"):
        assign_step(actor=user("truongdk"), dossier=d, assignee=user("cv.moitruong"), at=nov(10, 10))
    d = assign_step(actor=user("truongdk"), dossier=d, assignee=user("chuyenvien2"), note="Xử lý gấp",
                    at=nov(10, 10))
    assert only_active(d).assignee.username == "chuyenvien2"
    branch = Unit.objects.get(code="vpdk-ninh-kieu")
    d = assign_step(actor=user("lanhdao"), dossier=d, unit=branch, note="Thửa đất tại Ninh Kiều",
                    at=nov(10, 11))
    step = only_active(d)
    assert (step.unit.code, step.assignee) == ("vpdk-ninh-kieu", None)
    assert fresh(d).current_unit_id == branch.pk
    moved = DossierEvent.objects.get(dossier=d, seq=d.last_seq)
    assert (moved.action, moved.from_unit.code, moved.to_unit.code) == ("assign", "vpdk-dk", "vpdk-ninh-kieu")
    rows = selectors.control_slip(d)
    assert [(r.giver_unit, r.receiver_unit, r.receiver) for r in rows[1:]] == [
        ("Phòng Đăng ký và Cấp giấy chứng nhận", "Phòng Đăng ký và Cấp giấy chứng nhận", "Huỳnh Tấn Phát"),
        ("Phòng Đăng ký và Cấp giấy chứng nhận", "Chi nhánh Văn phòng Đăng ký đất đai quận Ninh Kiều", ""),
    ]
    # The branch's own specialist works on it now; the one of vpdk-dk no longer may.
    with pytest.raises(PermissionDenied):
        forward(actor=user("chuyenvien2"), dossier=d, at=nov(10, 14))
    d = forward(actor=user("cv.ninhkieu"), dossier=d, at=nov(10, 14))
    assert only_active(d).kind == "consult"


def test_every_action_writes_one_event_and_one_audit_record(accepted):
    start = last_audit_id()
    d = walk_1_012767(accepted)
    d = approve(actor=user("truongphong"), dossier=d, at=nov(17, 9))
    d = return_result(actor=user("motcua"), dossier=d, method="desk", received_by="Nguyễn Thị Lan",
                      at=nov(18, 8))
    verbs = ["accept", "forward", "forward", "forward", "forward", "approve", "return"]
    assert audit_actions(start) == [f"dossier.{v}" for v in verbs]
    events = DossierEvent.objects.filter(dossier=d).order_by("seq")
    assert list(events.values_list("action", flat=True)) == verbs


def test_a_failing_action_leaves_neither_event_nor_audit_record(accepted, monkeypatch):
    import motcua.dossiers.workflow as workflow

    d = accepted("1.012767", at=nov(10, 9))
    step, before, version = only_active(d), counts(), fresh(d).lock_version

    def audit_down(**kwargs):
        raise RuntimeError("nhật ký không ghi được")

    monkeypatch.setattr(workflow, "record", audit_down)
    with pytest.raises(RuntimeError):
        forward(actor=user("chuyenvien2"), dossier=d, at=nov(10, 10))
    assert counts() == before  # the event written before the audit record was rolled back with it
    assert only_active(d).pk == step.pk and fresh(d).lock_version == version


def test_without_a_reception_step_in_the_plan_the_first_step_can_still_be_sent_back_to(
        custom_procedure, staff):
    s = custom_procedure.step
    p = custom_procedure("1.999003", [
        s("Thẩm định", "appraise", "vpdk-dk", "specialist", "3"),
        s("Kiểm tra hồ sơ", "review", "vpdk-dk", "unit_head", "1"),
        s("Ký", "approve", "vpdk", "unit_head", "1"),
    ])
    d = accept_dossier(actor=staff("motcua"), filing=filing_for(p), at=nov(10, 9))
    assert [x.kind for x in d.steps.order_by("id")] == ["receive", "appraise"]
    with pytest.raises(ActionRefused, match="Không có bước xử lý nào trước bước này"):
        send_back(actor=user("truongdk"), dossier=d, note="Trả lại", at=nov(10, 10))
    d = forward(actor=user("chuyenvien2"), dossier=d, at=nov(11, 9))
    d = send_back(actor=user("truongdk"), dossier=d, note="Thẩm định lại", at=nov(11, 10))
    again = only_active(d)
    assert (again.kind, local(again.due_at)) == ("appraise", nov(16, 10))  # 3 days from Wed 10:00
