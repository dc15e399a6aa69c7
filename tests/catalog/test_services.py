"""The catalogue's editing services: a procedure is created and changed through a draft,
published as a whole, copied into a variant, suspended and repealed; a published version never
changes; only administrators may do any of it; every change is in the audit log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from motcua.audit.models import AuditEvent
from motcua.catalog import services
from motcua.catalog.models import Procedure, ProcedureVersion, ProcessStep, RequiredDocument, Status
from motcua.catalog.spec import CatalogueInvalid
from motcua.org.models import User

CODE = "1.004227"


@pytest.fixture
def admin(catalogue) -> User:
    return User.objects.get(username="admin")


def _procedure(code: str = CODE) -> Procedure:
    return Procedure.objects.select_related("current").get(national_code=code)


def _actions(procedure: Procedure) -> list[str]:
    return list(AuditEvent.objects.filter(object_type="catalog.procedure", object_id=str(procedure.pk))
                .order_by("id").values_list("action", flat=True))


def _new(code: str = "1.012345") -> dict:
    return {"code": code, "name": "Cung cấp dữ liệu đất đai", "field": "dat-dai", "level": "province",
            "time_limit": {"value": "3", "unit": "day"}, "result_kind": "information",
            "result": "Dữ liệu đất đai", "online_level": "full", "receiving_desk": "mot-cua",
            "documents": [{"name": "Phiếu yêu cầu"}],
            "steps": [{"name": "Tiếp nhận", "kind": "receive", "unit": "mot-cua", "role": "desk_officer",
                       "allotted": {"value": "0.5", "unit": "day"}},
                      {"name": "Xử lý", "kind": "appraise", "unit": "vpdk-dk", "role": "specialist",
                       "allotted": {"value": "2.5", "unit": "day"}}]}


def test_a_new_procedure_is_a_draft_until_published(admin):
    procedure = services.create_procedure(actor=admin, agency=admin_agency(), data=_new())
    assert procedure.current is None
    assert procedure.name == "Cung cấp dữ liệu đất đai"  # listed (for staff) with its draft's name
    assert not Procedure.objects.published().filter(pk=procedure.pk).exists()
    version = services.publish_draft(actor=admin, procedure=procedure, effective_from=dt.date(2026, 5, 1),
                                     decision="QĐ 1/QĐ-UBND")
    procedure.refresh_from_db()
    assert procedure.current == version and version.number == 1
    assert version.effective_from == dt.date(2026, 5, 1) and version.decision == "QĐ 1/QĐ-UBND"
    assert Procedure.objects.published().filter(pk=procedure.pk).exists()
    assert _actions(procedure) == ["catalog.procedure.create", "catalog.version.publish"]


def admin_agency():
    return _procedure().agency


def test_publishing_a_new_version_never_changes_the_old_one(admin):
    procedure = _procedure()
    old = procedure.current
    def content(version):
        return (version.name, list(version.documents.values_list("pk", "name", "originals")),
                list(version.steps.values_list("pk", "name", "allotted_value", "position")),
                version.published_at)

    frozen = content(old)
    data = services.draft_data(procedure)
    data["name"] = "Tên mới"
    data["documents"][0]["originals"] = 2
    data["steps"].reverse()
    draft = services.save_draft(actor=admin, procedure=procedure, data=data)
    assert draft.number == old.number + 1 and draft.is_draft
    again = services.save_draft(actor=admin, procedure=procedure, data={**data, "result": "Giấy chứng nhận"})
    assert again.pk == draft.pk  # one draft, saved again
    services.publish_draft(actor=admin, procedure=procedure)
    old.refresh_from_db()
    assert content(old) == frozen
    procedure.refresh_from_db()
    assert procedure.current.name == "Tên mới" and procedure.name == "Tên mới"
    assert procedure.current.steps.first().name == frozen[2][-1][1]  # reversed
    assert _actions(procedure)[-3:] == ["catalog.draft.save", "catalog.draft.save", "catalog.version.publish"]


def test_an_overrunning_process_is_refused_with_the_excess_and_nothing_is_written(admin):
    procedure = _procedure()
    data = services.draft_data(procedure)
    data["steps"][2]["allotted"] = {"value": "8", "unit": "day"}  # 5 → 8: 23 days in a 20-day limit
    before = (ProcedureVersion.objects.count(), ProcessStep.objects.count(), AuditEvent.objects.count())
    with pytest.raises(CatalogueInvalid) as caught:
        services.save_draft(actor=admin, procedure=procedure, data=data)
    assert [str(p) for p in caught.value.problems] == [
        "Bước: Tổng thời gian các bước của quy trình nội bộ là 23 ngày làm việc, vượt thời hạn giải quyết "
        "20 ngày làm việc là 3 ngày làm việc. Hãy giảm thời gian của các bước."]
    assert before == (ProcedureVersion.objects.count(), ProcessStep.objects.count(),
                      AuditEvent.objects.count())


def test_parallel_steps_count_once(admin):
    data = _new()
    data["time_limit"] = {"value": "2", "unit": "day"}
    data["steps"] = [
        {"name": "Lấy ý kiến A", "kind": "consult", "external_agency": "Cục Thuế",
         "allotted": {"value": "2", "unit": "day"}, "parallel_group": "y-kien"},
        {"name": "Lấy ý kiến B", "kind": "consult", "external_agency": "UBND xã",
         "allotted": {"value": "12", "unit": "hour"}, "parallel_group": "y-kien"}]
    procedure = services.create_procedure(actor=admin, agency=admin_agency(), data=data)
    assert procedure.versions.get().steps.count() == 2


def test_copy_makes_a_draft_variant_and_leaves_the_source_alone(admin):
    source = _procedure()
    versions = list(source.versions.values_list("pk", flat=True))
    copy = services.copy_procedure(actor=admin, procedure=source, code="1.004227.000.00.00.H13",
                                   name="Biến thể")
    assert copy.national_code == "1.004227.000.00.00.H13" and copy.current is None
    draft = copy.versions.get()
    assert draft.is_draft and draft.name == "Biến thể" and draft.number == 1
    assert draft.steps.count() == source.current.steps.count()
    assert list(source.versions.values_list("pk", flat=True)) == versions
    assert _actions(copy) == ["catalog.procedure.copy"]
    with pytest.raises(CatalogueInvalid, match="đã có trong danh mục"):
        services.copy_procedure(actor=admin, procedure=source, code=CODE, name="x")


def test_the_code_cannot_change_in_a_draft(admin):
    procedure = _procedure()
    data = {**services.draft_data(procedure), "code": "1.099999"}
    with pytest.raises(CatalogueInvalid, match="sao chép"):
        services.save_draft(actor=admin, procedure=procedure, data=data)
    assert not procedure.versions.drafts().exists()


def test_status_changes_are_dated_and_audited(admin):
    procedure = services.set_status(actor=admin, procedure=_procedure(), status=Status.SUSPENDED,
                                    since=dt.date(2026, 3, 2), note="QĐ 12/QĐ-UBND")
    assert (procedure.status, procedure.status_since, procedure.status_note) == (
        Status.SUSPENDED, dt.date(2026, 3, 2), "QĐ 12/QĐ-UBND")
    event = AuditEvent.objects.filter(action="catalog.procedure.status").latest("id")
    assert event.before["status"] == "in_force" and event.after["status_since"] == "2026-03-02"
    with pytest.raises(ValidationError):
        services.set_status(actor=admin, procedure=procedure, status="closed")
    draft_only = services.create_procedure(actor=admin, agency=admin_agency(), data=_new())
    with pytest.raises(ValidationError, match="chưa ban hành"):
        services.set_status(actor=admin, procedure=draft_only, status=Status.REPEALED)


def test_discarding_the_draft_of_a_never_published_procedure_removes_it(admin):
    procedure = services.create_procedure(actor=admin, agency=admin_agency(), data=_new())
    services.discard_draft(actor=admin, procedure=procedure)
    assert not Procedure.objects.filter(national_code="1.012345").exists()
    assert AuditEvent.objects.filter(action="catalog.draft.discard").count() == 1
    with pytest.raises(ValidationError):
        services.discard_draft(actor=admin, procedure=_procedure())  # no draft


@pytest.mark.parametrize("username", ["lanhdao", "truongphong", "chuyenvien", "motcua", "cchc"])
def test_only_administrators_edit_the_catalogue(catalogue, username):
    user = User.objects.get(username=username)
    procedure = _procedure()
    assert not services.can_edit_catalogue(user)
    documents = RequiredDocument.objects.count()
    attempts = [
        lambda: services.create_procedure(actor=user, agency=procedure.agency, data=_new()),
        lambda: services.save_draft(actor=user, procedure=procedure, data=services.draft_data(procedure)),
        lambda: services.publish_draft(actor=user, procedure=procedure),
        lambda: services.discard_draft(actor=user, procedure=procedure),
        lambda: services.copy_procedure(actor=user, procedure=procedure, code="1.099999", name="x"),
        lambda: services.set_status(actor=user, procedure=procedure, status=Status.REPEALED),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    assert RequiredDocument.objects.count() == documents
    assert _procedure().status == Status.IN_FORCE
    assert services.can_edit_catalogue(User.objects.get(username="admin"))
