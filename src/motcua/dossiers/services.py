"""Every change to a dossier, as the one-stop procedure names it (Decree 118/2025; Circular
03/2025). Each verb is one transaction that checks the state (``ActionRefused``, HTTP 409) and
the actor (``PermissionDenied``, 403), changes the dossier, and writes the dossier event and the
audit record together. Keyword-only; ``at`` exists for imports and tests, never for users."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure, StepKind
from motcua.common.text import fold
from motcua.common.uploads import CheckedFile
from motcua.dossiers import codes, permissions, process
from motcua.dossiers.filing import (
    ApplicantData,
    Filing,
    check_filing,
    check_procedure,
    raise_problems,
    required_documents,
)
from motcua.dossiers.models import (
    OPEN_STATUSES,
    PAUSED_STATUSES,
    Action,
    Applicant,
    Dossier,
    DossierFile,
    DossierStep,
    FileKind,
    IdempotencyKey,
    Outcome,
    ReceivedDocument,
    ReturnMethod,
    Status,
    StepStatus,
)
from motcua.dossiers.workflow import (
    ActionRefused,
    Work,
    active_steps,
    advance,
    arrive_at_desk,
    begin,
    clock,
    close_all,
    close_step,
    columns,
    event,
    finish,
    open_step,
    shift_active_steps,
    start,
)
from motcua.org.access import active_positions
from motcua.org.models import Role, Unit, User
from motcua.worktime.clock import ClockEvent
from motcua.worktime.models import TrackedDeadline
from motcua.worktime.services import mark_met, track_deadline

__all__ = [
    "ActionRefused", "accept_dossier", "apologize", "approve", "assign_step", "attach_files",
    "cancel_dossier", "forward", "pause", "receive_supplement", "refresh_due_moments", "refuse_dossier",
    "reject", "request_completion", "request_supplement", "resume", "return_result", "send_back",
    "withdraw",
]


# -- helpers -----------------------------------------------------------------------------------
def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


def _state(condition: bool, message: str) -> None:
    if not condition:
        raise ActionRefused(message)


def _note(text: str | None, *, required: str | None = None, limit: int = 4000, field: str = "note") -> str:
    """A free text cleaned; a problem is reported against ``field`` (the parameter's name)."""
    text = (text or "").replace("\x00", "").strip()
    if required and not text:
        raise ValidationError({field: required})
    if len(text) > limit:
        raise ValidationError({field: _("Nội dung dài quá %(n)s ký tự.") % {"n": limit}})
    return text


def _status_label(status: str) -> str:
    return str(Status(status).label)


def _desk_unit(actor: User, agency_id: int, fallback: Unit | None) -> Unit:
    for position in active_positions(actor):
        if position.role == Role.DESK_OFFICER and position.unit.agency_id == agency_id:
            return position.unit
    if fallback is None:
        raise PermissionDenied(_("Chỉ cán bộ Bộ phận Một cửa được tiếp nhận hồ sơ."))
    return fallback


def _require_desk(actor: User, dossier: Dossier) -> None:
    _require(permissions.is_desk_officer(actor, dossier.agency_id),
             _("Chỉ cán bộ Bộ phận Một cửa được thực hiện việc này."))


def _search_text(dossier: Dossier) -> str:
    return fold(" ".join([dossier.code or "", dossier.applicant_name, dossier.applicant_id_number,
                          dossier.applicant_phone, dossier.procedure.national_code]))[:600]


def _pick_step(work: Work, step_id: int | None, allowed, *, what: str, prefer=None) -> DossierStep:
    """The active step the actor acts on: the one named, else the first they may act on (the
    first that ``prefer`` likes, if any does)."""
    steps = active_steps(work)
    if step_id is not None:
        step = next((s for s in steps if s.pk == step_id), None)
        _state(step is not None, _("Bước này không còn đang xử lý."))
        _require(allowed(work.actor, step), _("Anh/chị không được %(what)s ở bước “%(step)s”.") % {
            "what": what, "step": step.name})
        return step
    mine = [s for s in steps if allowed(work.actor, s)]
    _require(bool(mine), _("Anh/chị không được %(what)s ở bước hiện tại của hồ sơ.") % {"what": what})
    return next((s for s in mine if prefer(s)), mine[0]) if prefer else mine[0]


# -- reception ---------------------------------------------------------------------------------
def _upsert_applicant(agency_id: int, data: ApplicantData) -> Applicant:
    """The applicant found by ID number, with the details given this time (one statement:
    ``INSERT … ON CONFLICT DO UPDATE``, safe when two desks receive the same person at once)."""
    applicant = Applicant(agency_id=agency_id, id_number=data.id_number, kind=data.kind, name=data.name,
                          phone=data.phone, email=data.email, address=data.address)
    Applicant.objects.bulk_create(
        [applicant], update_conflicts=True, unique_fields=["agency", "id_number"],
        update_fields=["kind", "name", "phone", "email", "address", "updated_at"])
    if applicant.pk is None:  # SQLite before 3.35 returns no row from an upsert
        applicant.pk = Applicant.objects.get(agency_id=agency_id, id_number=data.id_number).pk
    return applicant


def _fill(dossier: Dossier, filing: Filing, applicant: Applicant) -> None:
    data = filing.applicant
    dossier.channel = filing.channel
    dossier.procedure = filing.procedure
    dossier.applicant = applicant
    dossier.applicant_kind, dossier.applicant_name = data.kind, data.name
    dossier.applicant_id_number, dossier.applicant_phone = data.id_number, data.phone
    dossier.applicant_email, dossier.applicant_address = data.email, data.address
    dossier.request = " ".join(filing.request.split()) or filing.procedure.name
    dossier.sets = filing.sets
    dossier.return_method = filing.return_method
    by_post = filing.return_method == ReturnMethod.POST
    dossier.return_address = filing.return_address.strip() if by_post else ""


def _record_documents(dossier: Dossier, ids: Iterable[int], *, at_supplement: bool = False) -> None:
    wanted = set(ids)
    ReceivedDocument.objects.bulk_create([
        ReceivedDocument(dossier=dossier, required_document=d, position=d.position, name=d.name,
                         originals=d.originals, copies=d.copies, at_supplement=at_supplement)
        for d in required_documents(dossier.version) if d.pk in wanted
    ])


def _store_files(work: Work, files: Sequence[CheckedFile], kind: str) -> list[DossierFile]:
    stored = []
    for checked in files:
        item = DossierFile(dossier=work.dossier, kind=kind, filename=checked.name,
                           content_type=checked.content_type, size=len(checked.content),
                           sha256=checked.sha256, uploaded_by=work.actor)
        # Stored under a generated name (the applicant's name is kept in ``filename``): any name,
        # however long or odd, fits the file system.
        item.file.save(f"{uuid.uuid4().hex}.{checked.extension}", ContentFile(checked.content), save=False)
        item.save()
        stored.append(item)
    return stored


def _open_filing(actor: User, filing: Filing, dossier: Dossier | None, *, complete: bool,
                 expected_version: int | None, at: dt.datetime | None) -> Work:
    """Check a filing and take (or make) the dossier row it goes into. A dossier waiting at the
    desk (submitted online, or guided to complete) is reused; otherwise a new row is made."""
    agency = filing.procedure.agency
    _require(permissions.is_desk_officer(actor, agency.pk),
             _("Chỉ cán bộ Bộ phận Một cửa được tiếp nhận hồ sơ."))
    version = check_procedure(agency, filing.procedure)
    filing.applicant = filing.applicant.cleaned()
    raise_problems(check_filing(filing, version, complete=complete))
    if dossier is not None:
        work = begin(dossier.pk, actor, expected_version=expected_version, at=at)
        _state(work.dossier.status in (Status.SUBMITTED, Status.INCOMPLETE),
               _("Hồ sơ đang ở trạng thái “%(status)s”, không thể tiếp nhận lại.") % {
                   "status": _status_label(work.dossier.status)})
        _state(work.dossier.procedure_id == filing.procedure.pk,
               _("Hồ sơ đã nộp cho thủ tục khác; hãy tiếp nhận thành hồ sơ mới."))
        work.dossier.version = version
        work.dossier.received_documents.all().delete()
    else:
        desk = _desk_unit(actor, agency.pk, version.receiving_desk)
        work = start(Dossier(agency=agency, procedure=filing.procedure, version=version,
                             receiving_unit=desk, secret=codes.new_secret(), status=Status.SUBMITTED),
                     actor, at=at)
    work.before = work.before or {}
    _fill(work.dossier, filing, _upsert_applicant(agency.pk, filing.applicant))
    work.dossier.received_by = actor
    work.dossier.search_text = _search_text(work.dossier)
    work.dossier.save()
    work.loaded = columns(work.dossier)
    _record_documents(work.dossier, filing.documents_received)
    return work


@transaction.atomic
def accept_dossier(*, actor: User, filing: Filing, files: Sequence[CheckedFile] = (),
                   dossier: Dossier | None = None, expected_version: int | None = None,
                   once: tuple[str, str] | None = None, at: dt.datetime | None = None) -> Dossier:
    """Receive a complete dossier (form 01): it gets its code and its due moment by the
    procedure's time limit and counting rule, the reception step is done, and it goes to the
    first handling unit at once (electronic transfer).

    ``once`` is ``(key, request hash)`` of a submission that must make one dossier only (an API
    ``Idempotency-Key``, the reception form's token): a second acceptance with the same key by
    the same officer fails with ``IntegrityError`` and writes nothing — see
    :func:`accepted_before`."""
    work = _open_filing(actor, filing, dossier, complete=True, expected_version=expected_version, at=at)
    d = work.dossier
    from_status = d.status if dossier is not None else ""
    if once is not None:
        IdempotencyKey.objects.create(user=actor, key=once[0], request_hash=once[1], dossier=d)
    # The scans first: the day's counter row stays locked from the code to the commit.
    _store_files(work, files, FileKind.SCAN)
    d.code, d.code_format = codes.allocate_code(d.agency, work.calendar.local(work.now).date())
    d.received_at = work.now
    d.deadline = track_deadline(
        schedule=work.schedule, owner_type="dossiers.dossier", owner_id=d.pk,
        amount=d.version.time_limit, received_at=work.now, counting_rule=d.version.counting_rule,
        clock_rule="pause_resume", purpose="dossier")
    d.due_at, d.original_due_at = d.deadline.due_at, d.deadline.original_due_at
    d.status = Status.PROCESSING
    d.search_text = _search_text(d)
    stages = process.stages(d.version)
    first = 0 if stages and process.is_receive(stages[0]) else -1
    reception = open_step(work, stages[0][0] if first == 0 else None, unit=d.receiving_unit,
                          name=_("Tiếp nhận hồ sơ"), kind="receive", done_now=True)
    opened = advance(work, first, d.receiving_unit)
    event(work, Action.ACCEPT, from_status=from_status, step=reception, to_unit=opened[0].unit,
          data={"code": d.code, "due_at": d.due_at.isoformat() if d.due_at else None,
                "opened": [s.pk for s in opened], "closed": [reception.pk],
                "documents": sorted(filing.documents_received)})
    return finish(work, Action.ACCEPT, received_at=d.received_at)


@transaction.atomic
def request_completion(*, actor: User, filing: Filing, missing: Sequence[str], note: str = "",
                       dossier: Dossier | None = None, expected_version: int | None = None,
                       at: dt.datetime | None = None) -> Dossier:
    """Guide the applicant to complete the dossier (form 02): once, fully, in writing. Nothing
    is counted and no code is given until the complete dossier is received."""
    items = [" ".join(m.split()) for m in missing if m and m.strip()]
    if not items:
        raise ValidationError({"missing": _("Hãy ghi rõ từng giấy tờ, nội dung cần bổ sung, hoàn thiện.")})
    if any(len(m) > 500 for m in items) or len(items) > 50:
        raise ValidationError({"missing": _(
            "Danh sách cần bổ sung quá dài (tối đa 50 mục, mỗi mục 500 ký tự).")})
    work = _open_filing(actor, filing, dossier, complete=False, expected_version=expected_version, at=at)
    _state(work.dossier.status != Status.INCOMPLETE,
           _("Hồ sơ đã được hướng dẫn bổ sung một lần; theo Nghị định 118/2025 chỉ được yêu cầu "
             "bổ sung, hoàn thiện một lần. Hãy tiếp nhận hoặc từ chối tiếp nhận."))
    from_status = work.dossier.status if dossier is not None else ""
    work.dossier.status = Status.INCOMPLETE
    work.dossier.reception_note = "\n".join(items)
    event(work, Action.REQUEST_COMPLETION, from_status=from_status,
          note=_note(note), data={"missing": items})
    return finish(work, Action.REQUEST_COMPLETION)


@transaction.atomic
def refuse_dossier(*, actor: User, filing: Filing, reason: str, dossier: Dossier | None = None,
                   expected_version: int | None = None, at: dt.datetime | None = None) -> Dossier:
    """Refuse to receive (form 03), with the legal reason."""
    reason = _note(reason, required=_("Hãy ghi rõ lý do từ chối tiếp nhận (căn cứ pháp lý)."),
                   field="reason")
    work = _open_filing(actor, filing, dossier, complete=False, expected_version=expected_version, at=at)
    from_status = work.dossier.status if dossier is not None else ""
    work.dossier.status = Status.REFUSED
    work.dossier.reception_note = reason
    work.dossier.closed_at = work.now
    event(work, Action.REFUSE, from_status=from_status, note=reason)
    return finish(work, Action.REFUSE)


# -- processing --------------------------------------------------------------------------------
def _require_processing(work: Work) -> None:
    _state(work.dossier.status == Status.PROCESSING, _(
        "Hồ sơ đang ở trạng thái “%(status)s”, không thể thực hiện việc này.") % {
        "status": _status_label(work.dossier.status)})


def _require_undecided(work: Work) -> None:
    """After the decision (approval) only the remaining steps of the result go on: the decision
    cannot be reversed, asked to be supplemented or withdrawn."""
    _state(not work.dossier.outcome, _(
        "Hồ sơ đã có quyết định giải quyết; không thể thay đổi, yêu cầu bổ sung hoặc dừng giải quyết."))


def _stage_of(work: Work, step: DossierStep) -> int:
    return process.stage_index(work.dossier.version, step.process_step_id)


@transaction.atomic
def forward(*, actor: User, dossier: Dossier, step: int | None = None, note: str = "",
            include_optional: bool = False, version: int | None = None,
            at: dt.datetime | None = None) -> Dossier:
    """Finish a step and hand the dossier to the next one of the process (a hand-over on the
    process-control slip). A step of a parallel group waits for the others of its group."""
    work = begin(dossier.pk, actor, expected_version=version, at=at)
    _require_processing(work)
    decision = process.approval_index(work.dossier.version)
    current = _pick_step(work, step, permissions.works_on_step, what=_("chuyển hồ sơ"),
                         prefer=lambda s: _stage_of(work, s) != decision)
    index = _stage_of(work, current)
    _state(index != decision or index < 0, _(
        "Bước “%(step)s” kết thúc bằng quyết định: hãy phê duyệt hoặc không giải quyết.") % {
        "step": current.name})
    close_step(work, current, note=_note(note))
    still_open = [s for s in active_steps(work) if s.pk != current.pk]
    opened: list[DossierStep] = []
    if not still_open:
        opened = advance(work, index, current.unit, include_optional=include_optional)
    event(work, Action.FORWARD, from_status=Status.PROCESSING, step=current,
          to_unit=opened[0].unit if opened else None, note=_note(note),
          data={"closed": [current.pk], "opened": [s.pk for s in opened],
                "waiting_for": [s.pk for s in still_open]})
    return finish(work, Action.FORWARD)


@transaction.atomic
def approve(*, actor: User, dossier: Dossier, step: int | None = None, note: str = "",
            files: Sequence[CheckedFile] = (), version: int | None = None,
            at: dt.datetime | None = None) -> Dossier:
    """The decision: the leader approves at the decision step and the result goes on."""
    work = begin(dossier.pk, actor, expected_version=version, at=at)
    _require_processing(work)
    decision = process.approval_index(work.dossier.version)
    current = _pick_step(work, step, permissions.works_on_step, what=_("phê duyệt"),
                         prefer=lambda s: _stage_of(work, s) == decision)
    index = _stage_of(work, current)
    _state(index == decision and index >= 0, _(
        "Chưa đến bước phê duyệt: hồ sơ đang ở bước “%(step)s”.") % {"step": current.name})
    close_step(work, current, note=_note(note))
    work.dossier.outcome = Outcome.GRANTED
    _store_files(work, files, FileKind.RESULT)
    still_open = [s for s in active_steps(work) if s.pk != current.pk]
    opened = [] if still_open else advance(work, index, current.unit)
    event(work, Action.APPROVE, from_status=Status.PROCESSING, step=current,
          to_unit=opened[0].unit if opened else None, note=_note(note),
          data={"closed": [current.pk], "opened": [s.pk for s in opened]})
    return finish(work, Action.APPROVE)


@transaction.atomic
def reject(*, actor: User, dossier: Dossier, reason: str, step: int | None = None,
           version: int | None = None, at: dt.datetime | None = None) -> Dossier:
    """The dossier does not qualify: a leader answers in writing with the reasons, and the
    answer goes to the desk to be returned."""
    reason = _note(reason, required=_("Hãy ghi rõ lý do không giải quyết."), field="reason")
    work = begin(dossier.pk, actor, expected_version=version, at=at)
    _require_processing(work)
    _require_undecided(work)
    current = _pick_step(work, step, permissions.leads_step, what=_("quyết định không giải quyết"))
    closed = close_all(work, StepStatus.DONE)
    work.dossier.outcome, work.dossier.outcome_note = Outcome.REJECTED, reason
    back = arrive_at_desk(work, process.return_stage(work.dossier.version))
    event(work, Action.REJECT, from_status=Status.PROCESSING, step=current, to_unit=back.unit,
          note=reason, data={"closed": closed, "opened": [back.pk]})
    return finish(work, Action.REJECT)


@transaction.atomic
def send_back(*, actor: User, dossier: Dossier, note: str, step: int | None = None,
              version: int | None = None, at: dt.datetime | None = None) -> Dossier:
    """A leader sends the dossier back one step: the previous step is done again (a new row on
    the slip), by the same officer, with its full allotted time."""
    note = _note(note, required=_("Hãy ghi rõ lý do trả lại."))
    work = begin(dossier.pk, actor, expected_version=version, at=at)
    _require_processing(work)
    _require_undecided(work)
    current = _pick_step(work, step, permissions.leads_step, what=_("trả lại hồ sơ"))
    index = _stage_of(work, current)
    finished = (work.dossier.steps.filter(status=StepStatus.DONE).exclude(kind=StepKind.RECEIVE)
                .select_related("process_step", "unit", "assignee"))
    done = [s for s in finished if s.process_step_id and 0 <= _stage_of(work, s) < index]
    _state(bool(done), _("Không có bước xử lý nào trước bước này để trả lại. Nếu hồ sơ cần bổ "
                         "sung, hãy yêu cầu bổ sung hồ sơ."))
    previous = max(_stage_of(work, s) for s in done)
    again = [s for s in done if _stage_of(work, s) == previous]
    latest = {s.process_step_id: s for s in sorted(again, key=lambda s: s.started_at)}
    closed = close_all(work, StepStatus.SENT_BACK)
    opened = [open_step(work, s.process_step, unit=s.unit, assignee=s.assignee) for s in latest.values()]
    work.dossier.current_unit = opened[0].unit
    event(work, Action.SEND_BACK, from_status=Status.PROCESSING, step=current, to_unit=opened[0].unit,
          to_user=opened[0].assignee, note=note, data={"closed": closed, "opened": [s.pk for s in opened]})
    return finish(work, Action.SEND_BACK)


@transaction.atomic
def assign_step(*, actor: User, dossier: Dossier, assignee: User | None = None, unit: Unit | None = None,
                step: int | None = None, note: str = "", version: int | None = None,
                at: dt.datetime | None = None) -> Dossier:
    """A unit head assigns a step to a named officer of the unit; a leader may move it to
    another unit (reassignment). Every change is a hand-over on the slip."""
    work = begin(dossier.pk, actor, expected_version=version, at=at)
    _state(work.dossier.status in OPEN_STATUSES, _("Hồ sơ không còn đang giải quyết."))
    current = _pick_step(work, step, permissions.leads_step, what=_("phân công"))
    previous_unit = current.unit
    if unit is not None and unit.pk != current.unit_id:
        _state(unit.agency_id == work.dossier.agency_id and unit.is_active(),
               _("Đơn vị được giao không thuộc cơ quan hoặc đã ngừng hoạt động."))
        _require(unit.pk in permissions.led_unit_ids(actor)
                 or permissions.is_agency_leader(actor, work.dossier.agency_id),
                 _("Chỉ lãnh đạo phụ trách đơn vị đó được chuyển hồ sơ sang."))
        current.unit = unit
        current.assignee = None
    if assignee is not None:
        _state(any(p.unit_id == current.unit_id and p.role in permissions.WORKER_ROLES
                   for p in active_positions(assignee)),
               _("%(name)s không công tác tại %(unit)s.") % {"name": assignee.display_name(),
                                                             "unit": current.unit.name})
        _state(permissions.works_on_step(assignee, current), _(
            "Bước “%(step)s” dành cho lãnh đạo; %(name)s không thể thực hiện.") % {
            "step": current.name, "name": assignee.display_name()})
        current.assignee = assignee
    if unit is None and assignee is None:
        raise ValidationError({"assignee": _("Hãy chọn cán bộ hoặc đơn vị được giao.")})
    current.save(update_fields=["unit", "assignee"])
    work.dossier.current_unit = active_steps(work)[0].unit
    event(work, Action.ASSIGN, from_status=work.dossier.status, step=current, from_unit=previous_unit,
          to_unit=current.unit, to_user=current.assignee, note=_note(note))
    return finish(work, Action.ASSIGN)


# -- the applicant's clock ---------------------------------------------------------------------
@transaction.atomic
def request_supplement(*, actor: User, dossier: Dossier, items: Sequence[str], note: str = "",
                       step: int | None = None, version: int | None = None,
                       at: dt.datetime | None = None) -> Dossier:
    """The handling unit finds the dossier needs more: the applicant is told through the desk,
    once, in writing, and the clock stops until the supplement arrives (the time already spent
    still counts)."""
    items = [" ".join(i.split()) for i in items if i and i.strip()]
    if not items:
        raise ValidationError({"items": _("Hãy ghi rõ từng giấy tờ, nội dung cần bổ sung.")})
    if any(len(i) > 500 for i in items) or len(items) > 50:
        raise ValidationError({"items": _(
            "Danh sách cần bổ sung quá dài (tối đa 50 mục, mỗi mục 500 ký tự).")})
    work = begin(dossier.pk, actor, expected_version=version, at=at)
    _require_processing(work)
    _require_undecided(work)
    current = _pick_step(work, step, permissions.works_on_step, what=_("yêu cầu bổ sung"))
    _state(work.dossier.supplements_requested == 0, _(
        "Hồ sơ đã được yêu cầu bổ sung một lần; theo quy định chỉ được yêu cầu bổ sung một lần."))
    work.dossier.supplements_requested += 1
    work.dossier.status, work.dossier.paused_at = Status.AWAITING_SUPPLEMENT, work.now
    clock(work, ClockEvent.pause(work.now, reason=_("chờ bổ sung hồ sơ")))
    event(work, Action.REQUEST_SUPPLEMENT, from_status=Status.PROCESSING, step=current,
          to_unit=work.dossier.receiving_unit, note=_note(note), data={"items": items})
    return finish(work, Action.REQUEST_SUPPLEMENT, tell_applicant=True)


def _resume(work: Work, reason: str) -> None:
    paused_at = work.dossier.paused_at
    clock(work, ClockEvent.resume(work.now, reason=reason))
    shift_active_steps(work, paused_at)
    work.dossier.status, work.dossier.paused_at = Status.PROCESSING, None


@transaction.atomic
def receive_supplement(*, actor: User, dossier: Dossier, documents: Sequence[int] = (), note: str = "",
                       files: Sequence[CheckedFile] = (), version: int | None = None,
                       at: dt.datetime | None = None) -> Dossier:
    """The desk receives the supplement: the clock runs again from where it stopped."""
    work = begin(dossier.pk, actor, expected_version=version, at=at)
    _state(work.dossier.status == Status.AWAITING_SUPPLEMENT, _("Hồ sơ không ở trạng thái chờ bổ sung."))
    _require_desk(actor, work.dossier)
    known = {d.pk for d in required_documents(work.dossier.version)}
    unknown = sorted(set(documents) - known)
    if unknown:
        raise ValidationError({"documents": _(
            "Giấy tờ mã %(ids)s không thuộc thành phần hồ sơ của thủ tục này.") % {
            "ids": ", ".join(str(i) for i in unknown)}})
    _resume(work, _("đã nhận hồ sơ bổ sung"))
    _record_documents(work.dossier, documents, at_supplement=True)
    _store_files(work, files, FileKind.SUPPLEMENT)
    active = active_steps(work)
    event(work, Action.RECEIVE_SUPPLEMENT, from_status=Status.AWAITING_SUPPLEMENT,
          to_unit=active[0].unit if active else None, note=_note(note),
          data={"documents": sorted(documents), "due_at": work.dossier.due_at.isoformat()})
    return finish(work, Action.RECEIVE_SUPPLEMENT)


def _desk_or_worker(work: Work) -> bool:
    return permissions.is_desk_officer(work.actor, work.dossier.agency_id) or any(
        permissions.works_on_step(work.actor, s) for s in active_steps(work))


@transaction.atomic
def pause(*, actor: User, dossier: Dossier, reason: str, version: int | None = None,
          at: dt.datetime | None = None) -> Dossier:
    """Stop the clock while the applicant fulfils financial obligations (fees, land levy)."""
    reason = _note(reason, required=_("Hãy ghi rõ nghĩa vụ tài chính người nộp phải thực hiện."),
                   field="reason")
    work = begin(dossier.pk, actor, expected_version=version, at=at)
    _require_processing(work)
    _require(_desk_or_worker(work),
             _("Chỉ đơn vị đang xử lý hoặc Bộ phận Một cửa được tạm dừng hồ sơ."))
    work.dossier.status, work.dossier.paused_at = Status.PAUSED, work.now
    clock(work, ClockEvent.pause(work.now, reason=_("chờ thực hiện nghĩa vụ tài chính")))
    event(work, Action.PAUSE, from_status=Status.PROCESSING, note=reason)
    return finish(work, Action.PAUSE, tell_applicant=True)


@transaction.atomic
def resume(*, actor: User, dossier: Dossier, note: str = "", version: int | None = None,
           at: dt.datetime | None = None) -> Dossier:
    """The applicant has fulfilled the obligations: the clock runs again."""
    work = begin(dossier.pk, actor, expected_version=version, at=at)
    _state(work.dossier.status == Status.PAUSED, _("Hồ sơ không ở trạng thái tạm dừng."))
    _require(_desk_or_worker(work),
             _("Chỉ đơn vị đang xử lý hoặc Bộ phận Một cửa được tiếp tục hồ sơ."))
    _resume(work, _("đã thực hiện nghĩa vụ tài chính"))
    event(work, Action.RESUME, from_status=Status.PAUSED, note=_note(note),
          data={"due_at": work.dossier.due_at.isoformat()})
    return finish(work, Action.RESUME)


@transaction.atomic
def apologize(*, actor: User, dossier: Dossier, new_due_at: dt.datetime, reason: str,
              version: int | None = None, at: dt.datetime | None = None) -> Dossier:
    """The unit that cannot meet the time limit apologises in writing (form 04) with a new
    appointment. The applicant gets the new date; the dossier stays counted as late against the
    original one."""
    reason = _note(reason, required=_("Hãy ghi rõ lý do chậm giải quyết."), field="reason")
    work = begin(dossier.pk, actor, expected_version=version, at=at)
    _state(work.dossier.status not in PAUSED_STATUSES, _(
        "Hồ sơ đang tạm dừng tính thời gian (%(status)s): hạn giải quyết chỉ xác định lại khi tiếp tục "
        "giải quyết, nên chưa thể hẹn lại ngày trả.") % {"status": _status_label(work.dossier.status)})
    _require_processing(work)
    current = _pick_step(work, None, permissions.leads_step, what=_("ký văn bản xin lỗi, hẹn lại"))
    due = work.dossier.due_at
    if new_due_at.tzinfo is None:
        raise ValidationError({"new_due_at": _("Thời điểm hẹn mới phải có múi giờ.")})
    if new_due_at > work.now + dt.timedelta(days=366):
        raise ValidationError({"new_due_at": _("Ngày hẹn mới không được quá một năm kể từ hôm nay.")})
    if new_due_at <= max(due, work.now):
        raise ValidationError({"new_due_at": _(
            "Ngày hẹn mới phải sau hạn hiện tại (%(due)s) và sau thời điểm này.") % {
            "due": work.calendar.local(due).strftime("%H:%M %d/%m/%Y")}})
    clock(work, ClockEvent.extend(work.now, due_at=new_due_at, reason=reason))
    work.dossier.apologized = True
    event(work, Action.APOLOGIZE, from_status=Status.PROCESSING, step=current, note=reason,
          data={"old_due_at": due.isoformat(), "new_due_at": work.dossier.due_at.isoformat(),
                "before_due": work.now <= due})
    return finish(work, Action.APOLOGIZE, tell_applicant=True)


# -- the end -----------------------------------------------------------------------------------
@transaction.atomic
def return_result(*, actor: User, dossier: Dossier, method: str, received_by: str = "",
                  tracking_number: str = "", note: str = "", version: int | None = None,
                  at: dt.datetime | None = None) -> Dossier:
    """The desk hands the result over in person (recording who received it) or sends it by
    public postal service (recording the tracking number)."""
    work = begin(dossier.pk, actor, expected_version=version, at=at)
    _state(work.dossier.status == Status.READY, _("Hồ sơ chưa có kết quả để trả."))
    _require_desk(actor, work.dossier)
    received_by, tracking_number = " ".join(received_by.split()), tracking_number.strip()
    if method == ReturnMethod.DESK:
        if not received_by:
            raise ValidationError({"received_by": _("Hãy ghi họ tên người nhận kết quả.")})
    elif method == ReturnMethod.POST:
        if not tracking_number:
            raise ValidationError({"tracking_number": _("Hãy ghi số hiệu bưu gửi.")})
    else:
        raise ValidationError({"method": _("Hình thức trả phải là tại Bộ phận Một cửa hoặc qua bưu chính.")})
    if len(received_by) > 200 or len(tracking_number) > 60:
        raise ValidationError({"received_by": _("Tên người nhận hoặc số hiệu bưu gửi quá dài.")})
    closed = close_all(work, StepStatus.DONE)
    d = work.dossier
    d.status, d.returned_at, d.closed_at = Status.RETURNED, work.now, work.now
    d.returned_to, d.return_tracking = received_by, tracking_number
    d.return_method = method
    d.current_unit = None
    event(work, Action.RETURN, from_status=Status.READY, note=_note(note),
          data={"closed": closed, "method": method})
    return finish(work, Action.RETURN)


def _close(work: Work, status: str) -> list[int]:
    """Stop a dossier for good (withdrawn, cancelled): its open steps are closed and its clock
    is closed too, so that no calendar change moves it again and it is never counted overdue."""
    closed = close_all(work, StepStatus.CLOSED)
    d = work.dossier
    if d.deadline_id is not None and d.deadline.met_at is None:
        mark_met(deadline=d.deadline, at=work.now)
    d.status, d.closed_at, d.current_unit, d.paused_at = status, work.now, None, None
    if status == Status.CANCELLED:
        d.timeliness = ""  # accepted in error: never counted early, on time or late
    return closed


@transaction.atomic
def withdraw(*, actor: User, dossier: Dossier, reason: str = "", version: int | None = None,
             at: dt.datetime | None = None) -> Dossier:
    """The applicant withdraws: processing stops (form 05), only while no result exists."""
    work = begin(dossier.pk, actor, expected_version=version, at=at)
    _state(work.dossier.status in OPEN_STATUSES, _(
        "Chỉ dừng giải quyết được khi hồ sơ chưa có kết quả (hồ sơ đang ở trạng thái “%(status)s”).") % {
        "status": _status_label(work.dossier.status)})
    _require_undecided(work)
    _require_desk(actor, work.dossier)
    from_status = work.dossier.status
    closed = _close(work, Status.WITHDRAWN)
    event(work, Action.WITHDRAW, from_status=from_status, note=_note(reason, field="reason"),
          data={"closed": closed})
    return finish(work, Action.WITHDRAW)


@transaction.atomic
def cancel_dossier(*, actor: User, dossier: Dossier, reason: str, version: int | None = None,
                   at: dt.datetime | None = None) -> Dossier:
    """An agency leader cancels a dossier accepted in error. Its code is never given again."""
    reason = _note(reason, required=_("Hãy ghi rõ lý do hủy hồ sơ."), field="reason")
    work = begin(dossier.pk, actor, expected_version=version, at=at)
    _state(work.dossier.status in (*OPEN_STATUSES, Status.READY), _(
        "Không thể hủy hồ sơ ở trạng thái “%(status)s”.") % {"status": _status_label(work.dossier.status)})
    _require(permissions.is_agency_leader(actor, work.dossier.agency_id),
             _("Chỉ lãnh đạo cơ quan được hủy hồ sơ tiếp nhận nhầm."))
    from_status = work.dossier.status
    closed = _close(work, Status.CANCELLED)
    event(work, Action.CANCEL, from_status=from_status, note=reason, data={"closed": closed})
    return finish(work, Action.CANCEL)


@transaction.atomic
def attach_files(*, actor: User, dossier: Dossier, files: Sequence[CheckedFile], kind: str = FileKind.SCAN,
                 version: int | None = None, at: dt.datetime | None = None) -> Dossier:
    """Add scans (the desk) or the result file (the handling unit) to an open dossier."""
    if not files:
        raise ValidationError({"files": _("Hãy chọn tệp cần đính kèm.")})
    work = begin(dossier.pk, actor, expected_version=version, at=at)
    _state(work.dossier.status not in (Status.REFUSED, Status.RETURNED, Status.WITHDRAWN, Status.CANCELLED),
           _("Hồ sơ đã kết thúc, không thể đính kèm thêm."))
    _require(_desk_or_worker(work), _("Anh/chị không được đính kèm tệp vào hồ sơ này."))
    stored = _store_files(work, files, kind if kind in FileKind.values else FileKind.OTHER)
    event(work, Action.ATTACH, from_status=work.dossier.status, data={"files": [f.pk for f in stored]})
    return finish(work, Action.ATTACH)


def refresh_due_moments(*, schedule_id: int | None = None) -> int:
    """Copy the due moments of the open dossiers' clocks into the dossiers (the work queues read
    the copy) where a calendar change moved them: the worktime recomputation
    (:func:`motcua.worktime.services.recompute_open_deadlines`) updates the tracked deadlines
    only. Returns how many dossiers changed."""
    clocks = TrackedDeadline.objects.filter(pk=OuterRef("deadline_id"))
    stale = Dossier.objects.filter(status__in=OPEN_STATUSES, deadline__isnull=False).filter(
        ~Q(due_at=F("deadline__due_at")) | ~Q(original_due_at=F("deadline__original_due_at"))
        | Q(due_at__isnull=True, deadline__due_at__isnull=False)
        | Q(due_at__isnull=False, deadline__due_at__isnull=True))
    if schedule_id is not None:
        stale = stale.filter(deadline__schedule_id=schedule_id)
    ids = list(stale.values_list("pk", flat=True))
    if not ids:
        return 0
    return Dossier.objects.filter(pk__in=ids).update(
        due_at=Subquery(clocks.values("due_at")), original_due_at=Subquery(clocks.values("original_due_at")))


def accepted_before(actor: User, key: str) -> tuple[Dossier, str] | None:
    """The dossier (and the request hash) an earlier submission with ``key`` made, if any."""
    found = IdempotencyKey.objects.filter(user=actor, key=key).select_related("dossier").first()
    return (found.dossier, found.request_hash) if found else None


def procedure_for(agency_id: int, code: str) -> Procedure | None:
    return Procedure.objects.select_related("agency", "current").filter(
        agency_id=agency_id, national_code=code).first()
