"""Every change to the catalogue. Each function is one transaction, checks that the actor may
edit the catalogue, and records what it did in the audit log.

A procedure's content is changed only through a **draft** version, which is published as a
whole; a published version is never changed again, so dossiers keep the version they were
received under. Imports publish new versions directly (a file is a published catalogue).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.audit.services import record
from motcua.catalog.models import (
    Fee,
    Field,
    FormTemplate,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    RequiredDocument,
    Status,
)
from motcua.catalog.search import index_text
from motcua.catalog.spec import (
    CatalogueInvalid,
    Locate,
    Problem,
    ProcedureSpec,
    parse_procedure,
    version_data,
)
from motcua.org.access import has_role
from motcua.org.models import Agency, Role, User

EDITOR_ROLES = (Role.ADMINISTRATOR,)
_STATUS_FIELDS = ("status", "status_since", "status_note")


def can_edit_catalogue(user: User) -> bool:
    return has_role(user, *EDITOR_ROLES)


def require_catalogue_editor(user: User | None) -> None:
    if user is None:  # the system itself (demo data, command line)
        return
    if not can_edit_catalogue(user):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được sửa danh mục thủ tục hành chính."))


# -- writing a version ---------------------------------------------------------------------------
def _template(spec_template) -> FormTemplate | None:
    if spec_template is None:
        return None
    if spec_template.existing is not None:
        return spec_template.existing
    found = FormTemplate.objects.filter(sha256=spec_template.sha256, filename=spec_template.filename).first()
    if found is not None:
        return found
    return FormTemplate.objects.create(
        filename=spec_template.filename, content_type=spec_template.content_type,
        content=spec_template.content, size=len(spec_template.content or b""), sha256=spec_template.sha256)


def _write_content(version: ProcedureVersion, spec: ProcedureSpec) -> None:
    if version.pk is not None and not version.is_draft:
        raise RuntimeError(f"{version} is published: its content never changes")
    for name in ("name", "field", "level", "implementing_agency", "deciding_authority", "receiving_desk",
                 "time_limit_value", "time_limit_unit", "time_limit_note", "counting_rule", "fee_note",
                 "eligibility", "result_kind", "result", "legal_basis", "sequence", "online_level",
                 "post_return", "keywords", "effective_from", "decision"):
        setattr(version, name, getattr(spec, name))
    version.save()
    version.documents.all().delete()
    version.fees.all().delete()
    version.steps.all().delete()
    RequiredDocument.objects.bulk_create(
        RequiredDocument(version=version, position=i, name=d.name, originals=d.originals, copies=d.copies,
                         mandatory=d.mandatory, file_types=d.file_types, note=d.note,
                         template=_template(d.template))
        for i, d in enumerate(spec.documents, start=1))
    Fee.objects.bulk_create(Fee(version=version, position=i, name=f.name, amount=f.amount, note=f.note)
                            for i, f in enumerate(spec.fees, start=1))
    ProcessStep.objects.bulk_create(
        ProcessStep(version=version, position=i, name=s.name, kind=s.kind, unit=s.unit, role=s.role,
                    allotted_value=s.allotted_value, allotted_unit=s.allotted_unit, optional=s.optional,
                    parallel_group=s.parallel_group, external_agency=s.external_agency, note=s.note)
        for i, s in enumerate(spec.steps, start=1))


def _new_version(procedure: Procedure, spec: ProcedureSpec, actor: User | None, *, published: bool
                 ) -> ProcedureVersion:
    last = procedure.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = ProcedureVersion(procedure=procedure, number=last + 1, created_by=actor,
                               published_at=timezone.now() if published else None)
    _write_content(version, spec)
    return version


def _refresh_listing(procedure: Procedure) -> None:
    """Cache the current version's (else the draft's) name, field, level and search text."""
    shown = procedure.current or procedure.versions.drafts().first()
    if shown is None:
        return
    procedure.name, procedure.field, procedure.level = shown.name, shown.field, shown.level
    procedure.online_level = shown.online_level
    procedure.search_text = index_text(procedure.national_code, shown.name, shown.field.name, shown.result,
                                       " ".join(shown.keywords), shown.implementing_agency)
    procedure.save(update_fields=["name", "field", "level", "online_level", "search_text"])


def _apply_status(procedure: Procedure, spec: ProcedureSpec) -> None:
    for name in _STATUS_FIELDS:
        setattr(procedure, name, getattr(spec, name))


def _summary(version: ProcedureVersion) -> dict[str, Any]:
    return {"version": version.number, "name": version.name,
            "time_limit": f"{version.time_limit_value} {version.time_limit_unit}",
            "documents": version.documents.count(), "steps": version.steps.count()}


def _locked(procedure: Procedure) -> Procedure:
    return Procedure.objects.select_for_update(of=("self",)).select_related("current").get(pk=procedure.pk)


def _lock_catalogue(agency: Agency) -> None:
    """Serialise the changes that add procedures to an agency's catalogue (two administrators
    creating the same code at the same instant: the second is told the code exists)."""
    Agency.objects.select_for_update().filter(pk=agency.pk).first()


def _check_code_free(agency: Agency, code: str) -> None:
    if Procedure.objects.filter(agency=agency, national_code=code).exists():
        raise CatalogueInvalid([Problem(_("Mã thủ tục"), _("Mã thủ tục “%(code)s” đã có trong danh mục.")
                                        % {"code": code}, ("code",))])


# -- the editor's verbs ----------------------------------------------------------------------------
@transaction.atomic
def create_procedure(*, actor: User | None, agency: Agency, data: dict[str, Any]) -> Procedure:
    """Add a procedure to the catalogue as a draft (version 1), to be published when complete."""
    require_catalogue_editor(actor)
    spec = parse_procedure(data, agency=agency)
    _lock_catalogue(agency)
    _check_code_free(agency, spec.code)
    procedure = Procedure(agency=agency, national_code=spec.code)
    _apply_status(procedure, spec)
    procedure.save()
    version = _new_version(procedure, spec, actor, published=False)
    _refresh_listing(procedure)
    record(actor=actor, action="catalog.procedure.create", obj=procedure, after=_summary(version))
    return procedure


@transaction.atomic
def save_draft(*, actor: User | None, procedure: Procedure, data: dict[str, Any]) -> ProcedureVersion:
    """Save the procedure's draft (starting one from the current version if there is none). The
    national code cannot change here: a different code is a different procedure (copy it)."""
    require_catalogue_editor(actor)
    procedure = _locked(procedure)
    spec = parse_procedure(data, agency=procedure.agency)
    if spec.code != procedure.national_code:
        raise CatalogueInvalid([Problem(_("Mã thủ tục"), _(
            "Không đổi được mã thủ tục của một thủ tục đã có; hãy sao chép thủ tục thành thủ tục mới."),
            ("code",))])
    draft = procedure.versions.drafts().first()
    before = _summary(draft or procedure.current) if (draft or procedure.current) else None
    if draft is None:
        draft = _new_version(procedure, spec, actor, published=False)
    else:
        _write_content(draft, spec)
    _refresh_listing(procedure)
    record(actor=actor, action="catalog.draft.save", obj=procedure, before=before, after=_summary(draft))
    return draft


def draft_data(procedure: Procedure) -> dict[str, Any]:
    """The data the editor starts from: the draft's, else the current version's."""
    version = procedure.versions.drafts().first() or procedure.current
    return version_data(version, with_content=False)


@transaction.atomic
def publish_draft(*, actor: User | None, procedure: Procedure, effective_from: dt.date | None = None,
                  decision: str | None = None) -> ProcedureVersion:
    """Publish the draft: it becomes the version new dossiers are received under."""
    require_catalogue_editor(actor)
    procedure = _locked(procedure)
    draft = procedure.versions.drafts().first()
    if draft is None:
        raise ValidationError(_("Thủ tục không có bản nháp nào để ban hành."))
    data = version_data(draft, with_content=False)
    if effective_from is not None:
        data["effective_from"] = effective_from.isoformat()
    if decision is not None:
        data["decision"] = decision
    spec = parse_procedure(data, agency=procedure.agency)  # units may have closed since the draft was saved
    _write_content(draft, spec)
    before = _summary(procedure.current) if procedure.current else None
    draft.published_at = timezone.now()
    draft.save(update_fields=["published_at"])
    procedure.current = draft
    procedure.save(update_fields=["current"])
    _refresh_listing(procedure)
    record(actor=actor, action="catalog.version.publish", obj=procedure, before=before, after=_summary(draft))
    return draft


@transaction.atomic
def discard_draft(*, actor: User | None, procedure: Procedure) -> None:
    """Throw away the draft. A procedure that was never published goes with it."""
    require_catalogue_editor(actor)
    procedure = _locked(procedure)
    draft = procedure.versions.drafts().first()
    if draft is None:
        raise ValidationError(_("Thủ tục không có bản nháp nào."))
    summary = _summary(draft)
    record(actor=actor, action="catalog.draft.discard", obj=procedure, before=summary)
    draft.delete()
    if procedure.current is None:
        procedure.delete()
    else:
        _refresh_listing(procedure)


@transaction.atomic
def copy_procedure(*, actor: User | None, procedure: Procedure, code: str, name: str) -> Procedure:
    """Start a new procedure (a variant) as a draft copy of this one's draft or current version."""
    require_catalogue_editor(actor)
    source = procedure.versions.drafts().first() or procedure.current
    data = version_data(source, with_content=False)
    data.update(code=code.strip(), name=name.strip(), status=Status.IN_FORCE, status_since=None,
                status_note="", effective_from=None, decision="")
    spec = parse_procedure(data, agency=procedure.agency)
    _lock_catalogue(procedure.agency)
    _check_code_free(procedure.agency, spec.code)
    copy = Procedure(agency=procedure.agency, national_code=spec.code)
    copy.save()
    version = _new_version(copy, spec, actor, published=False)
    _refresh_listing(copy)
    record(actor=actor, action="catalog.procedure.copy", obj=copy,
           after={**_summary(version), "copied_from": procedure.national_code})
    return copy


@transaction.atomic
def set_status(*, actor: User | None, procedure: Procedure, status: str, since: dt.date | None = None,
               note: str = "") -> Procedure:
    """Suspend, repeal or put back in force (with the date and the decision)."""
    require_catalogue_editor(actor)
    procedure = _locked(procedure)
    if status not in Status.values:
        raise ValidationError({"status": _("Trạng thái không hợp lệ.")})
    if procedure.current is None and status != Status.IN_FORCE:
        raise ValidationError({"status": _("Thủ tục chưa ban hành thì chưa thể tạm ngừng hay bãi bỏ.")})
    before = {name: getattr(procedure, name) for name in _STATUS_FIELDS}
    procedure.status, procedure.status_since, procedure.status_note = status, since, note.strip()[:300]
    procedure.save(update_fields=list(_STATUS_FIELDS))
    record(actor=actor, action="catalog.procedure.status", obj=procedure, before=before,
           after={name: getattr(procedure, name) for name in _STATUS_FIELDS})
    return procedure


# -- import ------------------------------------------------------------------------------------------
@dataclass
class ImportReport:
    created: list[str] = dataclasses.field(default_factory=list)
    updated: list[str] = dataclasses.field(default_factory=list)
    unchanged: list[str] = dataclasses.field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)


def _same_content(a: ProcedureSpec, b: ProcedureSpec) -> bool:
    blank = dict.fromkeys(_STATUS_FIELDS)
    return dataclasses.replace(a, **blank) == dataclasses.replace(b, **blank)


def parse_catalogue(items: Iterable[tuple[Any, Locate | None]], *, agency: Agency) -> list[ProcedureSpec]:
    """Check every procedure of a file; raise :class:`CatalogueInvalid` with every problem of every
    row (and every repeated code) — so that nothing of a bad file is imported."""
    specs: list[ProcedureSpec] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for index, (data, locate) in enumerate(items):
        where: tuple = () if locate else (index,)
        try:
            spec = parse_procedure(data, agency=agency, locate=locate, where=where)
        except CatalogueInvalid as invalid:
            problems.extend(invalid.problems)
            continue
        place = (locate or _index_locate(index))(("code",))
        if spec.code in seen:
            problems.append(Problem(place, _("Mã thủ tục “%(code)s” lặp lại (đã có ở %(first)s).")
                                    % {"code": spec.code, "first": seen[spec.code]}))
            continue
        seen[spec.code] = place
        specs.append(spec)
    if problems:
        raise CatalogueInvalid(problems)
    return specs


def _index_locate(index: int) -> Locate:
    from motcua.catalog.spec import _default_locate

    return lambda path: _default_locate((index, *path))


@transaction.atomic
def import_catalogue(*, actor: User | None, agency: Agency, items: Iterable[tuple[Any, Locate | None]]
                     ) -> ImportReport:
    """Import procedures (each ``(data, locate)``): new codes become procedures; a changed
    procedure gets a new published version; an unchanged one is left alone. All or nothing."""
    require_catalogue_editor(actor)
    specs = parse_catalogue(items, agency=agency)
    _lock_catalogue(agency)
    report = ImportReport()
    existing = {p.national_code: p for p in Procedure.objects.select_for_update(of=("self",))
                .filter(agency=agency, national_code__in=[s.code for s in specs]).select_related("current")}
    drafted = ProcedureVersion.objects.drafts().filter(procedure__in=existing.values())
    pending = sorted(drafted.values_list("procedure__national_code", flat=True))
    if pending:  # publishing such a draft later would silently undo what the file brings
        raise CatalogueInvalid([Problem(_("Mã thủ tục"), _(
            "Thủ tục “%(code)s” đang có bản nháp chưa ban hành: hãy ban hành hoặc bỏ bản nháp trước khi "
            "nhập, để bản nháp không ghi đè nội dung nhập vào.") % {"code": code}, ("code",))
            for code in pending])
    for spec in specs:
        procedure = existing.get(spec.code)
        if procedure is None:
            procedure = Procedure(agency=agency, national_code=spec.code)
            _apply_status(procedure, spec)
            procedure.save()
            report.created.append(spec.code)
        else:
            current = procedure.current
            same = current is not None and _same_content(
                parse_procedure(version_data(current, with_content=False), agency=agency), spec)
            status_changed = any(getattr(procedure, n) != getattr(spec, n) for n in _STATUS_FIELDS)
            if same and not status_changed:
                report.unchanged.append(spec.code)
                continue
            _apply_status(procedure, spec)
            procedure.save(update_fields=list(_STATUS_FIELDS))
            if same:
                report.updated.append(spec.code)
                record(actor=actor, action="catalog.procedure.status", obj=procedure,
                       after={n: getattr(procedure, n) for n in _STATUS_FIELDS})
                continue
            report.updated.append(spec.code)
        version = _new_version(procedure, spec, actor, published=True)
        procedure.current = version
        procedure.save(update_fields=["current"])
        _refresh_listing(procedure)
        record(actor=actor, action="catalog.version.import", obj=procedure, after=_summary(version))
    return report


def ensure_fields(fields: Iterable[tuple[str, str]]) -> None:
    """Create the fields (code, name) that do not exist yet, in the given order."""
    for position, (code, name) in enumerate(fields, start=1):
        Field.objects.get_or_create(code=code, defaults={"name": name, "position": position})
