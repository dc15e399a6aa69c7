"""Dossiers, for staff tokens: the desk accepts a dossier (``POST /api/v1/dossiers``, idempotent
with an ``Idempotency-Key`` header), anyone who may see a dossier reads it with its current step,
deadline, explanation, history and the actions open to them (``GET /api/v1/dossiers/{code}``),
and acts on it, one operation per lifecycle action (``POST /api/v1/dossiers/{code}/actions/<action>``).
``GET /api/v1/dossiers`` lists a work queue.

Thin handlers: the rules live in :mod:`motcua.dossiers.services` (writes) and
:mod:`motcua.dossiers.selectors` (reads). Errors: 403 when the caller may not do it, 404 when the
dossier is not visible to them, 409 when the dossier's state does not allow it (or it changed
since the ``version`` the caller sent), 422 for input the services refuse, with Vietnamese messages.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from pathlib import PurePosixPath
from typing import Annotated, Any, Literal
from urllib.parse import quote
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, IntegrityError
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from motcua.api.procedures import UnitRefOut
from motcua.api.schemas import ErrorOut
from motcua.api.worktime import MOMENT, StepOut
from motcua.catalog.models import Procedure, RequiredDocument
from motcua.catalog.models import Status as ProcedureStatus
from motcua.common.uploads import CheckedFile, check_upload, max_bytes
from motcua.dossiers import permissions, services
from motcua.dossiers.filing import ApplicantData, Filing
from motcua.dossiers.models import (
    OPEN_STATUSES,
    Action,
    ApplicantKind,
    Channel,
    Dossier,
    DossierEvent,
    DossierStep,
    FileKind,
    Outcome,
    ReturnMethod,
    StepStatus,
    Timeliness,
)
from motcua.dossiers.models import (
    Status as DossierStatus,
)
from motcua.dossiers.selectors import (
    QUEUES,
    QueueFilter,
    available_actions,
    deadline_of,
    dossier_for,
    dossier_record,
    queue,
)
from motcua.dossiers.timeliness import is_overdue
from motcua.org.access import agencies_of
from motcua.org.models import Unit, User
from motcua.org.selectors import default_agency
from motcua.worktime.forms import MAX_YEAR, MIN_YEAR

router = Router(tags=["dossiers"])

MAX_ATTACHMENTS = 20
PAGE_SIZE_MAX = 100
#: Largest id or version the database holds (a bigger number is refused, never sent to it).
MAX_ID = 2**31 - 1

StatusCode = Literal["submitted", "incomplete", "refused", "processing", "awaiting_supplement", "paused",
                     "ready", "returned", "withdrawn", "cancelled"]
ChannelCode = Literal["direct", "post", "online"]
ReturnMethodCode = Literal["desk", "post"]
TimelinessCode = Literal["early", "on_time", "late"]
StepStatusCode = Literal["active", "done", "sent_back", "closed"]
ActionCode = Literal["submit", "request_completion", "refuse", "accept", "assign", "forward", "send_back",
                     "request_supplement", "receive_supplement", "pause", "resume", "apologize", "approve",
                     "reject", "return", "withdraw", "cancel", "attach"]
QueueName = Literal["receive", "process", "due_soon", "overdue", "supplement", "sign", "return", "all"]


def _clean_text(value: str) -> str:
    # PostgreSQL cannot store half of a surrogate pair, which JSON's \ud800 escapes can carry
    # (nor a NUL character: the schema's pattern refuses it).
    try:
        value.encode()
    except UnicodeEncodeError:
        raise PydanticCustomError("surrogate", _("Có ký tự Unicode không hợp lệ.")) from None
    return value


def _json_int(value: object) -> object:
    # A JSON number only (5 or 5.0), not "5" or true: what the schema's integer means.
    if isinstance(value, bool | str | bytes):
        raise PydanticCustomError("json_integer", _("Phải là một số nguyên."))
    return value


#: Text from the caller: valid Unicode without NUL characters (PostgreSQL cannot store them).
Text = Annotated[str, Field(pattern=r"^[^\x00]*$"), AfterValidator(_clean_text)]
JsonInt = Annotated[int, BeforeValidator(_json_int)]
Id = Annotated[int, Field(ge=1, le=MAX_ID), BeforeValidator(_json_int)]
Version = Annotated[Annotated[int, Field(ge=0, le=MAX_ID), BeforeValidator(_json_int)] | None, Field(
    description="The dossier's `version` as the caller last saw it: if someone acted on the dossier "
    "since, the action is refused with 409 instead of acting on a state the caller did not see.")]
Note = Annotated[Text, Field(max_length=4000, description="A note for the history.")]


class _In(Schema):
    """A request body, or an object in one: a JSON object, nothing else."""

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, value: object) -> object:
        given = getattr(value, "_obj", value)  # django-ninja hands the input over wrapped
        if not isinstance(given, dict | cls):
            raise PydanticCustomError("json_object", _("Phải là một đối tượng JSON."))
        return value


# -- accepting a dossier ------------------------------------------------------------------------
class ApplicantIn(_In):
    name: Text = Field(max_length=300, description="Full name, or the organisation's name.")
    id_number: Text = Field(
        max_length=30, description="Personal identification number (12 digits; a passport number for "
        "a foreigner), or the tax code (10 digits, or 10-3) of an organisation. A returning "
        "applicant is found by it and their details are updated.")
    phone: Text = Field(max_length=30, description="e.g. `0912345678` (may be empty).")
    email: Text = Field("", max_length=254)
    address: Text = Field("", max_length=300)
    kind: Literal["person", "organisation"] = "person"


class AttachmentIn(_In):
    filename: Text = Field(min_length=1, max_length=200, description="With its extension, e.g. "
                           "`don-dang-ky.pdf`; the content must really be of that type.")
    content_base64: str = Field(description="The file's bytes, base64-encoded (line breaks are ignored). "
                                "The whole request must stay under the server's request size limit "
                                "(2.5 MB by default); send larger scans through the staff pages.")


def _create_examples(schema: dict[str, Any]) -> None:
    """A body that works on this agency's catalogue: a procedure in force and its mandatory
    documents (documented when the schema is generated)."""
    with contextlib.suppress(DatabaseError):
        agency = default_agency()
        procedure = (Procedure.objects.filter(agency=agency, status=ProcedureStatus.IN_FORCE,
                                              current__isnull=False)
                     .select_related("current").order_by("national_code").first()) if agency else None
        if procedure is not None:
            mandatory = [d.pk for d in procedure.current.documents.all() if d.mandatory]
            schema["examples"] = [{
                "procedure": procedure.national_code, "channel": "direct",
                "applicant": {"name": "Nguyễn Thị Lan", "id_number": "092190001234", "phone": "0912345678",
                              "email": "lan@example.vn", "address": "12 Mậu Thân, Ninh Kiều, Cần Thơ",
                              "kind": "person"},
                "documents_received": mandatory, "sets": 1, "return_method": "desk",
            }]


class DossierIn(_In):
    model_config = ConfigDict(json_schema_extra=_create_examples)

    procedure: Text = Field(max_length=40, description="The national procedure code, e.g. `1.012767`, of "
                            "a procedure in force in the caller's agency's catalogue.")
    channel: ChannelCode = Field(description="How the dossier was filed.")
    applicant: ApplicantIn
    documents_received: list[Id] = Field(
        max_length=100, description="Ids of the procedure's required documents that were received "
        "(`required_documents[].id` of `GET /api/v1/procedures/{code}`); every mandatory one must be "
        "among them.")
    request: Text = Field("", max_length=1000, description="What the applicant asks for; default: the "
                          "procedure's name.")
    sets: JsonInt = Field(1, json_schema_extra={"minimum": 1, "maximum": 20}, description="Number of sets.")
    return_method: ReturnMethodCode = Field("desk", description="Where the result goes: `desk` or "
                                            "`post` (public postal service, if the procedure allows it).")
    return_address: Text = Field("", max_length=300, description="Needed for `post`.")
    attachments: list[AttachmentIn] = Field(
        [], max_length=MAX_ATTACHMENTS, description="Scans of the documents received.")


# -- reading a dossier --------------------------------------------------------------------------
class DossierProcedureOut(Schema):
    code: str
    name: str
    version: int = Field(description="The catalogue version the dossier follows.")


class DossierApplicantOut(Schema):
    kind: Literal["person", "organisation"]
    name: str
    id_number: str
    phone: str
    email: str
    address: str


class DossierOfficerOut(Schema):
    username: str
    name: str


class DossierStepOut(Schema):
    id: int = Field(description="Name it as `step` in an action to act on this step.")
    name: str
    kind: str
    unit: UnitRefOut
    role: str = Field(description="The role the step is for ('' for any officer of the unit).")
    external_agency: str = Field(description="For a consultation of another agency.")
    parallel_group: str = Field(description="Steps of one group run at the same time.")
    assignee: DossierOfficerOut | None
    status: StepStatusCode
    started_at: dt.datetime
    due_at: dt.datetime
    finished_at: dt.datetime | None
    timeliness: TimelinessCode | None = Field(description="For a finished step, against its own due moment.")
    overdue: bool = Field(description="An active step past its due moment.")
    note: str


class DossierEventOut(Schema):
    seq: int
    at: dt.datetime
    action: ActionCode
    action_label: str
    actor: str = Field(description="The officer's name as recorded.")
    actor_username: str | None
    from_status: StatusCode | None
    to_status: StatusCode
    step: str | None = Field(description="The step the action was taken on.")
    from_unit: UnitRefOut | None
    to_unit: UnitRefOut | None = Field(description="Set on a hand-over (a row of the process-control slip).")
    to_user: str | None
    note: str


class DossierDocumentOut(Schema):
    id: int | None = Field(description="The procedure's required document id.")
    name: str
    originals: int
    copies: int
    at_supplement: bool


class DossierFileOut(Schema):
    id: int
    filename: str
    kind: Literal["scan", "supplement", "result", "other"]
    content_type: str
    size: int
    uploaded_at: dt.datetime


class DossierOut(Schema):
    id: int
    code: str | None = Field(description="The official dossier code (none before acceptance).")
    status: StatusCode
    status_label: str
    procedure: DossierProcedureOut
    channel: ChannelCode
    applicant: DossierApplicantOut
    request: str
    sets: int
    return_method: ReturnMethodCode
    return_address: str
    receiving_unit: UnitRefOut
    received_by: DossierOfficerOut | None
    received_at: dt.datetime | None
    due_at: dt.datetime | None = Field(description="The appointment given to the applicant (moved by an "
                                       "apology letter and by pauses).")
    original_due_at: dt.datetime | None = Field(description="The due moment without extensions: "
                                                "timeliness is judged against it.")
    overdue: bool
    paused_since: dt.datetime | None
    apologized: bool
    timeliness: TimelinessCode | None = Field(description="Once resolved: early, on time or late.")
    outcome: Literal["granted", "rejected"] | None
    outcome_note: str
    resolved_at: dt.datetime | None
    returned_at: dt.datetime | None
    returned_to: str
    return_tracking: str
    current_unit: UnitRefOut | None
    current_step: DossierStepOut | None = Field(description="The first active step.")
    active_steps: list[DossierStepOut] = Field(description="Every active step (parallel steps run together).")
    steps: list[DossierStepOut] = Field(description="Every step so far, in order.")
    deadline_explanation: list[StepOut] = Field(description="How the due moment was computed, line by line.")
    history: list[DossierEventOut]
    documents: list[DossierDocumentOut]
    files: list[DossierFileOut]
    actions: list[ActionCode] = Field(
        description="What the caller may do now, and nothing else. Each has its operation "
        "`POST /api/v1/dossiers/{code}/actions/<action>`, except `accept`, `refuse` and "
        "`request_completion` of a dossier waiting at the desk, which are done on the staff pages.")
    version: int = Field(description="Changes with every action: send it back as `version` to act only "
                         "on the state you saw.")


class DossierCreatedOut(Schema):
    """What a client needs once a dossier is accepted; the whole dossier is at its ``url``."""

    id: int
    code: str = Field(description="The official dossier code.")
    url: str = Field(description="The dossier in this API (`GET` it for its steps, history and actions); "
                     "also sent as the `Location` header.")
    status: StatusCode
    status_label: str
    procedure: DossierProcedureOut
    applicant_name: str
    received_at: dt.datetime
    due_at: dt.datetime | None = Field(description="The appointment given to the applicant.")
    original_due_at: dt.datetime | None = Field(description="The due moment without extensions.")
    current_unit: UnitRefOut | None = Field(description="The unit the dossier went to.")
    lookup_secret: str = Field(description="Printed on the receipt: with the code, the applicant looks "
                               "the dossier up on the public portal.")
    version: int = Field(description="Send it back as `version` to act only on the state you saw.")


class DossierSummaryOut(Schema):
    id: int
    code: str | None
    status: StatusCode
    status_label: str
    procedure: DossierProcedureOut
    channel: ChannelCode
    applicant_name: str
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    overdue: bool
    timeliness: TimelinessCode | None
    current_unit: UnitRefOut | None


class DossierPageOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[DossierSummaryOut]


# -- helpers ------------------------------------------------------------------------------------
def _tz(dossier: Dossier) -> ZoneInfo:
    return ZoneInfo(dossier.agency.time_zone)


def _local(moment: dt.datetime | None, tz: ZoneInfo) -> dt.datetime | None:
    return moment.astimezone(tz) if moment is not None else None


# The answers are built as plain data: django-ninja validates them once against the schemas.
def _unit(unit: Unit | None) -> dict | None:
    return {"code": unit.code, "name": unit.name} if unit is not None else None


def _officer(user: User | None) -> dict | None:
    return {"username": user.username, "name": user.display_name()} if user is not None else None


def _step(step: DossierStep, tz: ZoneInfo, now: dt.datetime) -> dict:
    active = step.status == StepStatus.ACTIVE
    return dict(
        id=step.pk, name=step.name, kind=step.kind, unit=_unit(step.unit), role=step.role,
        external_agency=step.external_agency, parallel_group=step.parallel_group,
        assignee=_officer(step.assignee), status=step.status, started_at=_local(step.started_at, tz),
        due_at=_local(step.due_at, tz), finished_at=_local(step.finished_at, tz),
        timeliness=step.timeliness or None, overdue=active and is_overdue(step.due_at, now), note=step.note,
    )


def _event(e: DossierEvent, tz: ZoneInfo) -> dict:
    return dict(
        seq=e.seq, at=_local(e.at, tz), action=e.action, action_label=str(Action(e.action).label),
        actor=e.actor_name, actor_username=e.actor.username if e.actor_id else None,
        from_status=e.from_status or None, to_status=e.to_status, step=e.step.name if e.step_id else None,
        from_unit=_unit(e.from_unit), to_unit=_unit(e.to_unit),
        to_user=e.to_user.display_name() if e.to_user_id else None, note=e.note,
    )


def _procedure(d: Dossier) -> dict:
    return {"code": d.procedure.national_code, "name": d.version.name, "version": d.version.number}


def _detail(user: User, d: Dossier) -> dict:
    """A dossier as ``DossierOut`` describes it."""
    tz, now = _tz(d), timezone.now()
    record = dossier_record(d)
    steps, active = record.steps, record.active
    deadline = deadline_of(d, now)
    return dict(
        id=d.pk, code=d.code, status=d.status, status_label=str(DossierStatus(d.status).label),
        procedure=_procedure(d), channel=d.channel,
        applicant={"kind": d.applicant_kind, "name": d.applicant_name, "id_number": d.applicant_id_number,
                   "phone": d.applicant_phone, "email": d.applicant_email, "address": d.applicant_address},
        request=d.request, sets=d.sets, return_method=d.return_method, return_address=d.return_address,
        receiving_unit=_unit(d.receiving_unit), received_by=_officer(d.received_by),
        received_at=_local(d.received_at, tz), due_at=_local(d.due_at, tz),
        original_due_at=_local(d.original_due_at, tz),
        overdue=d.status in OPEN_STATUSES and d.paused_at is None and is_overdue(d.due_at, now),
        paused_since=_local(d.paused_at, tz), apologized=d.apologized, timeliness=d.timeliness or None,
        outcome=d.outcome or None, outcome_note=d.outcome_note, resolved_at=_local(d.resolved_at, tz),
        returned_at=_local(d.returned_at, tz), returned_to=d.returned_to, return_tracking=d.return_tracking,
        current_unit=_unit(d.current_unit),
        current_step=_step(active[0], tz, now) if active else None,
        active_steps=[_step(s, tz, now) for s in active],
        steps=[_step(s, tz, now) for s in steps],
        deadline_explanation=deadline.explanation.as_dict() if deadline else [],
        history=[_event(e, tz) for e in record.events],
        documents=[{"id": r.required_document_id, "name": r.name, "originals": r.originals,
                    "copies": r.copies, "at_supplement": r.at_supplement}
                   for r in record.documents],
        files=[{"id": f.pk, "filename": f.filename, "kind": f.kind, "content_type": f.content_type,
                "size": f.size, "uploaded_at": _local(f.uploaded_at, tz)} for f in record.files],
        actions=[str(a) for a in available_actions(user, d, active)],
        version=d.lock_version,
    )


def _created(d: Dossier, url: str) -> dict:
    """A dossier just accepted (or accepted by an earlier request with the same key), as
    ``DossierCreatedOut`` describes it: from the dossier the service returned, whose procedure,
    version, agency and unit are already loaded."""
    tz = _tz(d)
    return dict(
        id=d.pk, code=d.code, url=url, status=d.status, status_label=str(DossierStatus(d.status).label),
        procedure=_procedure(d), applicant_name=d.applicant_name, received_at=_local(d.received_at, tz),
        due_at=_local(d.due_at, tz), original_due_at=_local(d.original_due_at, tz),
        current_unit=_unit(d.current_unit), lookup_secret=d.secret, version=d.lock_version,
    )


def _find(user: User, code: str) -> Dossier:
    """The dossier ``code`` (or, before it has a code, its id) if ``user`` may see it."""
    try:
        if not code or len(code) > 40 or (code.isdigit() and not (code.isascii() and int(code) <= MAX_ID)):
            raise Http404
        return dossier_for(user, code)
    except Http404:
        raise HttpError(404, _("Không có hồ sơ “%(code)s”, hoặc anh/chị không được xem hồ sơ này.") % {
            "code": code}) from None


def _load(pk: int) -> Dossier:
    """A dossier the caller has just acted on, read as :func:`dossier_for` reads it."""
    return Dossier.objects.select_related("agency", "procedure", "version", "deadline__schedule").get(pk=pk)


def _attachments(items: Sequence[AttachmentIn], field: str = "attachments") -> list[CheckedFile]:
    """Decode and check base64 files (the size is checked before decoding)."""
    limit_mb = max_bytes() // (1024 * 1024)
    checked = []
    for i, item in enumerate(items):
        where = f"{field}.{i}"
        text = "".join(item.content_base64.split())
        if len(text) > 4 * ((max_bytes() + 2) // 3):
            raise ValidationError({where: _("Tệp “%(name)s” lớn hơn %(limit)s MB.") % {
                "name": item.filename, "limit": limit_mb}})
        try:
            content = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError({where: _("Tệp “%(name)s”: nội dung không phải là base64 hợp lệ.") % {
                "name": item.filename}}) from None
        # Only the name's last part counts ("a/b.pdf" is "b.pdf"); check_upload says what is wrong
        # with a name that has nothing left ("/", "..").
        name = PurePosixPath(item.filename.replace("\\", "/")).name
        upload = SimpleUploadedFile(name if name not in ("", ".", "..") else "tep", content)
        checked.append(check_upload(upload, field=where))
    return checked


def _desk_agencies(user: User) -> set[int]:
    agencies = permissions.desk_agency_ids(user)
    if not agencies:
        raise PermissionDenied(_("Chỉ cán bộ Bộ phận Một cửa được tiếp nhận hồ sơ."))
    return agencies


def _filing(user: User, body: DossierIn) -> Filing:
    code = body.procedure.strip()
    procedure = Procedure.objects.select_related("agency", "current").filter(
        agency_id__in=_desk_agencies(user), national_code=code).order_by("id").first()
    if procedure is None:
        raise ValidationError({"procedure": _(
            "Thủ tục “%(code)s” không có trong danh mục thủ tục hành chính của cơ quan.") % {"code": code}})
    a = body.applicant
    return Filing(
        procedure=procedure, channel=body.channel,
        applicant=ApplicantData(name=a.name, id_number=a.id_number, kind=a.kind, phone=a.phone,
                                email=a.email, address=a.address),
        documents_received=list(dict.fromkeys(body.documents_received)), request=body.request,
        sets=body.sets, return_method=body.return_method, return_address=body.return_address,
    )


def _digest(body: DossierIn) -> str:
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True, ensure_ascii=False,
                           separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _earlier(user: User, key: str, digest: str) -> Dossier | None:
    """The dossier an earlier request with this key made, if any (the same request only)."""
    found = services.accepted_before(user, key)
    if found is None:
        return None
    earlier, request_hash = found
    if request_hash != digest:
        raise ValidationError({"Idempotency-Key": _(
            "Mã Idempotency-Key “%(key)s” đã được dùng cho một yêu cầu tiếp nhận khác (nội dung khác). "
            "Mỗi hồ sơ mới cần một mã mới; gửi lại đúng yêu cầu cũ thì dùng lại mã cũ.") % {"key": key}})
    return _load(earlier.pk)


def _day(value: str | None, field: str) -> dt.date | None:
    if value is None:
        return None
    day = None
    if len(value) == 10:
        with contextlib.suppress(ValueError):
            day = dt.date.fromisoformat(value)
    if day is None or not MIN_YEAR <= day.year <= MAX_YEAR:
        raise ValidationError({field: _(
            "Ngày “%(value)s” không đúng định dạng năm-tháng-ngày, ví dụ 2026-11-01 (năm từ %(first)s "
            "đến %(last)s).") % {"value": value, "first": MIN_YEAR, "last": MAX_YEAR}})
    return day


# -- operations ---------------------------------------------------------------------------------
LOCATION = {"description": "The dossier's address in this API, `/api/v1/dossiers/{code}`.",
            "schema": {"type": "string"}}

@router.get(
    "",
    response={200: DossierPageOut, 400: ErrorOut, 401: ErrorOut, 422: ErrorOut},
    summary="A work queue",
    description="`receive` (waiting at the desk), `process` (steps for the caller), `due_soon`, "
    "`overdue`, `supplement` (waiting for the applicant), `sign` (decisions for the caller), `return` "
    "(results to hand over) or `all` the caller may see; most urgent first. `q` searches the code, "
    "the applicant's name, ID number and phone, ignoring diacritics.",
)
def list_dossiers(
    request,
    queue_name: Annotated[QueueName, Query(alias="queue", description="Which queue.")] = "all",
    q: str = Query("", max_length=200, description="Search words."),
    procedure: str = Query("", max_length=40, description="A national procedure code."),
    unit: str = Query("", max_length=30, description="The code of the unit now handling the dossier."),
    status: Annotated[StatusCode | None, Query(description="The dossier's status.")] = None,
    channel: Annotated[ChannelCode | None, Query(description="How it was filed.")] = None,
    received_from: Annotated[str | None, WithJsonSchema({"type": "string", "format": "date"})] = Query(
        None, description="Received on or after this day, e.g. `2026-11-01` (for a dossier waiting at the "
        "desk: filed)."),
    received_to: Annotated[str | None, WithJsonSchema({"type": "string", "format": "date"})] = Query(
        None, description="Received on or before this day."),
    page: int = Query(1, ge=1, le=10_000),
    page_size: int = Query(20, ge=1, le=PAGE_SIZE_MAX),
):
    user = request.auth
    unit_id = None
    if unit:  # an unknown unit matches nothing, as an unknown procedure code does
        unit_id = Unit.objects.filter(agency_id__in=agencies_of(user), code=unit).values_list(
            "id", flat=True).first() or -1
    filters = QueueFilter(q=q, procedure=procedure, unit=unit_id, status=status or "", channel=channel or "",
                          received_from=_day(received_from, "received_from"),
                          received_to=_day(received_to, "received_to"))
    found = queue(user, queue_name, filters).select_related("agency", "version")
    start = (page - 1) * page_size
    now = timezone.now()
    items = []
    for d in found[start:start + page_size]:
        tz = _tz(d)
        items.append(dict(
            id=d.pk, code=d.code, status=d.status, status_label=str(DossierStatus(d.status).label),
            procedure=_procedure(d), channel=d.channel, applicant_name=d.applicant_name,
            received_at=_local(d.received_at, tz), due_at=_local(d.due_at, tz),
            overdue=d.status in OPEN_STATUSES and d.paused_at is None and is_overdue(d.due_at, now),
            timeliness=d.timeliness or None, current_unit=_unit(d.current_unit)))
    return {"count": found.count(), "page": page, "page_size": page_size, "items": items}


@router.post(
    "",
    response={201: DossierCreatedOut, 200: DossierCreatedOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut,
              413: ErrorOut, 422: ErrorOut},
    summary="Accept a complete dossier at the desk",
    openapi_extra={"responses": {
        201: {"description": "Accepted: the new dossier's code, due moment and lookup secret; the whole "
              "dossier (steps, history, deadline explanation, actions) is at `url`.",
              "headers": {"Location": LOCATION}},
        200: {"description": "A repeat of an earlier request with the same `Idempotency-Key`: the dossier "
              "that request made, as it is now. Nothing new was made.",
              "headers": {"Idempotent-Replayed": {"description": "Always `true` on a repeat.",
                                                  "schema": {"type": "string", "enum": ["true"]}},
                          "Location": LOCATION}},
    }},
    description="For desk officers (403 otherwise). The dossier gets its official code and its due "
    "moment from the procedure's time limit and counting rule, and goes to the first handling "
    "unit at once. A mandatory document missing from `documents_received`, an unknown procedure or "
    "bad applicant details answer 422 naming the problem.\n\n"
    "**Idempotency.** Send an `Idempotency-Key` header (any text up to 100 characters, unique per "
    "dossier, e.g. a UUID) to retry safely: a request repeated with the same key by the same user "
    "never makes a second dossier, even when both arrive at the same instant. The first request "
    "answers **201**; a repeat answers **200** with the dossier that request made, as it is now, and "
    "the header `Idempotent-Replayed: true`. The same key with a different body answers 422.\n\n"
    "The answer is short (code, status, due moments, lookup secret); `GET` the dossier at `url` (the "
    "`Location` header) for its steps, history, deadline explanation and the caller's actions.",
)
def accept_dossier(
    request,
    response: HttpResponse,
    body: DossierIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", min_length=1, max_length=100,
                                         description="Makes retries safe (see above)."),
):
    user = request.auth
    _desk_agencies(user)
    key = idempotency_key.strip() if idempotency_key is not None else None
    digest = _digest(body) if key else ""

    def answer(status: int, d: Dossier) -> Status:
        url = f"{request.path.rstrip('/')}/{quote(d.code)}"
        response["Location"] = url
        if status == 200:
            response["Idempotent-Replayed"] = "true"
        return Status(status, _created(d, url))

    if key:
        earlier = _earlier(user, key, digest)
        if earlier is not None:
            return answer(200, earlier)
    filing = _filing(user, body)
    files = _attachments(body.attachments)
    try:
        dossier = services.accept_dossier(actor=user, filing=filing, files=files,
                                          once=(key, digest) if key else None)
    except IntegrityError:
        # A request with the same key got there first (at the same instant): answer with its dossier.
        earlier = _earlier(user, key, digest) if key else None
        if earlier is None:
            raise
        return answer(200, earlier)
    return answer(201, dossier)


@router.get(
    "/{code}",
    response={200: DossierOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
    summary="One dossier: status, current step, deadline and its explanation, history, your actions",
    description="404 when there is no such dossier or the caller may not see it (desk officers and "
    "agency-wide roles see their agency's dossiers; others, the dossiers that passed through units "
    "they see).",
)
def get_dossier(request, code: str):
    return _detail(request.auth, _find(request.auth, code))


# -- actions ------------------------------------------------------------------------------------
ACTION_RESPONSES = {200: DossierOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                    409: ErrorOut, 422: ErrorOut}
ACTION_NOTE = ("Answers the dossier as `GET` does. 404: no such dossier visible to the caller; 403: "
               "the caller may not do this; 409: not possible in the dossier's present state, or the "
               "dossier changed since the `version` sent; 422: bad input.")


def _expected(body, dossier: Dossier) -> int:
    """The dossier's version the action is meant for: the client's, else the one this request
    read. A retried or doubled request then gets 409 instead of acting on the next step."""
    return body.version if body.version is not None else dossier.lock_version


def _act(request, code: str, run: Callable[[User, Dossier], Dossier]) -> dict:
    user = request.auth
    dossier = _find(user, code)
    done = run(user, dossier)
    return _detail(user, _load(done.pk))


def _action(name: str, summary: str, description: str, *, responses: dict | None = None):
    return router.post(f"/{{code}}/actions/{name}", response=responses or ACTION_RESPONSES,
                       summary=summary, description=f"{description}\n\n{ACTION_NOTE}",
                       operation_id=f"dossier_action_{name}")


class ForwardIn(_In):
    note: Note = ""
    step: Id | None = Field(None, description="The active step to finish (`active_steps[].id`); default: "
                            "the one the caller works on.")
    include_optional: StrictBool = Field(
        False, description="Also open the next stage's optional steps (e.g. a field inspection).")
    version: Version = None


class SendBackIn(_In):
    note: Text = Field(min_length=1, max_length=4000, description="Why it is sent back (required).")
    step: Id | None = None
    version: Version = None


class AssignIn(_In):
    assignee: Text | None = Field(None, max_length=150, description="Username of an officer of the "
                                  "step's unit.")
    unit: Text | None = Field(None, max_length=30, description="Code of another unit to move the step to "
                              "(a leader of that unit or of the agency).")
    step: Id | None = None
    note: Note = ""
    version: Version = None


class RequestSupplementIn(_In):
    items: list[Annotated[Text, Field(min_length=1, max_length=500)]] = Field(
        min_length=1, max_length=50, description="Each document or content to supplement.")
    note: Note = ""
    step: Id | None = None
    version: Version = None


class ReceiveSupplementIn(_In):
    documents: list[Id] = Field([], max_length=100, description="Ids of the procedure's required documents "
                                "handed in.")
    attachments: list[AttachmentIn] = Field([], max_length=MAX_ATTACHMENTS, description="Their scans.")
    note: Note = ""
    version: Version = None


class PauseIn(_In):
    reason: Text = Field(min_length=1, max_length=4000, description="The financial obligation the applicant "
                         "must fulfil.")
    version: Version = None


class ResumeIn(_In):
    note: Note = ""
    version: Version = None


class ApproveIn(_In):
    note: Note = ""
    step: Id | None = None
    attachments: list[AttachmentIn] = Field([], max_length=MAX_ATTACHMENTS, description="The result "
                                            "document(s).")
    version: Version = None


class RejectIn(_In):
    reason: Text = Field(min_length=1, max_length=4000, description="Why the dossier is not resolved; "
                         "written on the answer to the applicant.")
    step: Id | None = None
    version: Version = None


class ApologizeIn(_In):
    new_due_at: str = Field(
        json_schema_extra={"format": "date-time"}, description="The new appointment, ISO 8601 with its "
        "offset, e.g. `2026-11-25T17:00:00+07:00`; after the present due moment.")
    reason: Text = Field(min_length=1, max_length=4000, description="Why the dossier is late.")
    version: Version = None


class ReturnIn(_In):
    method: ReturnMethodCode = Field(description="`desk`: handed over at the desk (`received_by` needed); "
                                     "`post`: sent by public postal service (`tracking_number` needed).")
    received_by: Text = Field("", max_length=200, description="Who received the result.")
    tracking_number: Text = Field("", max_length=60, description="The postal tracking number.")
    note: Note = ""
    version: Version = None


class WithdrawIn(_In):
    reason: Text = Field("", max_length=4000, description="The applicant's request.")
    version: Version = None


class CancelIn(_In):
    reason: Text = Field(min_length=1, max_length=4000, description="Why the acceptance was an error.")
    version: Version = None


class AttachIn(_In):
    attachments: list[AttachmentIn] = Field(min_length=1, max_length=MAX_ATTACHMENTS)
    kind: Literal["scan", "result", "other"] = Field("scan", description="`result` for the result document.")
    version: Version = None


@_action("forward", "Finish the step and hand the dossier to the next one",
         "The next step comes from the procedure's process; a step of a parallel group waits for the "
         "others of its group. For the officers of the step's unit (or its leaders).")
def forward(request, code: str, body: ForwardIn):
    return _act(request, code, lambda user, d: services.forward(
        actor=user, dossier=d, step=body.step, note=body.note, include_optional=body.include_optional,
        version=_expected(body, d)))


@_action("send_back", "Send the dossier back one step",
         "For a leader of the step: the previous step is done again. `note` (the reason) is required.")
def send_back(request, code: str, body: SendBackIn):
    return _act(request, code, lambda user, d: services.send_back(
        actor=user, dossier=d, note=body.note, step=body.step, version=_expected(body, d)))


@_action("assign", "Assign the step to an officer, or move it to another unit",
         "For a leader of the step. Give `assignee`, `unit` or both.")
def assign(request, code: str, body: AssignIn):
    def run(user: User, d: Dossier) -> Dossier:
        assignee = unit = None
        if body.assignee:
            assignee = User.objects.filter(username=body.assignee.strip(), is_active=True).first()
            if assignee is None:
                raise ValidationError({"assignee": _("Không có cán bộ có tên đăng nhập “%(name)s”.") % {
                    "name": body.assignee}})
        if body.unit:
            unit = Unit.objects.filter(agency_id=d.agency_id, code=body.unit.strip()).first()
            if unit is None:
                raise ValidationError({"unit": _("Không có đơn vị có mã “%(code)s”.") % {"code": body.unit}})
        return services.assign_step(actor=user, dossier=d, assignee=assignee, unit=unit, step=body.step,
                                    note=body.note, version=_expected(body, d))

    return _act(request, code, run)


@_action("request_supplement", "Ask the applicant for more documents (through the desk)",
         "Once per dossier, in writing: the clock stops until the supplement arrives. For the officers "
         "of the step.")
def request_supplement(request, code: str, body: RequestSupplementIn):
    return _act(request, code, lambda user, d: services.request_supplement(
        actor=user, dossier=d, items=body.items, note=body.note, step=body.step, version=_expected(body, d)))


@_action("receive_supplement", "Receive the supplement at the desk",
         "For desk officers: the clock runs again from where it stopped.",
         responses={**ACTION_RESPONSES, 413: ErrorOut})
def receive_supplement(request, code: str, body: ReceiveSupplementIn):
    def run(user: User, d: Dossier) -> Dossier:
        known = set(RequiredDocument.objects.filter(version_id=d.version_id).values_list("pk", flat=True))
        unknown = [i for i in body.documents if i not in known]
        if unknown:
            raise ValidationError({"documents": _(
                "Giấy tờ mã %(ids)s không thuộc thành phần hồ sơ của thủ tục này.") % {
                "ids": ", ".join(str(i) for i in unknown)}})
        return services.receive_supplement(
            actor=user, dossier=d, documents=list(dict.fromkeys(body.documents)), note=body.note,
            files=_attachments(body.attachments), version=_expected(body, d))

    return _act(request, code, run)


@_action("pause", "Pause for the applicant's financial obligations",
         "The clock stops until `resume`. For the handling unit or the desk.")
def pause(request, code: str, body: PauseIn):
    return _act(request, code, lambda user, d: services.pause(
        actor=user, dossier=d, reason=body.reason, version=_expected(body, d)))


@_action("resume", "Resume after the financial obligations are fulfilled",
         "The clock runs again. For the handling unit or the desk.")
def resume(request, code: str, body: ResumeIn):
    return _act(request, code, lambda user, d: services.resume(
        actor=user, dossier=d, note=body.note, version=_expected(body, d)))


@_action("approve", "Approve at the decision step",
         "For whoever the decision step is for; the result goes to the desk to be returned.",
         responses={**ACTION_RESPONSES, 413: ErrorOut})
def approve(request, code: str, body: ApproveIn):
    return _act(request, code, lambda user, d: services.approve(
        actor=user, dossier=d, step=body.step, note=body.note, files=_attachments(body.attachments),
        version=_expected(body, d)))


@_action("reject", "Do not resolve the dossier (a written answer with reasons)",
         "For a leader of the active step; the answer goes to the desk to be returned.")
def reject(request, code: str, body: RejectIn):
    return _act(request, code, lambda user, d: services.reject(
        actor=user, dossier=d, reason=body.reason, step=body.step, version=_expected(body, d)))


def _moment(value: str) -> dt.datetime:
    text = value.strip()
    moment = None
    if MOMENT.fullmatch(text) and (text.endswith("Z") or text[-6] in "+-"):
        with contextlib.suppress(ValueError):
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment is None or not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise ValidationError({"new_due_at": _(
            "Thời điểm “%(value)s” không đúng định dạng ISO 8601 có múi giờ, ví dụ 2026-11-25T17:00:00+07:00 "
            "(năm từ %(first)s đến %(last)s).") % {"value": value, "first": MIN_YEAR, "last": MAX_YEAR}})
    return moment


@_action("apologize", "Apologise and give a new appointment (before the due moment)",
         "For a leader of the unit that is late: the applicant gets the new appointment; the dossier "
         "stays counted as late against the original due moment.")
def apologize(request, code: str, body: ApologizeIn):
    return _act(request, code, lambda user, d: services.apologize(
        actor=user, dossier=d, new_due_at=_moment(body.new_due_at), reason=body.reason,
        version=_expected(body, d)))


@_action("return", "Return the result to the applicant",
         "For desk officers, once the result is ready (409 before): in person (`received_by`) or by "
         "public postal service (`tracking_number`).")
def return_result(request, code: str, body: ReturnIn):
    return _act(request, code, lambda user, d: services.return_result(
        actor=user, dossier=d, method=body.method, received_by=body.received_by,
        tracking_number=body.tracking_number, note=body.note, version=_expected(body, d)))


@_action("withdraw", "Stop processing at the applicant's request",
         "For desk officers, only while no result exists.")
def withdraw(request, code: str, body: WithdrawIn):
    return _act(request, code, lambda user, d: services.withdraw(
        actor=user, dossier=d, reason=body.reason, version=_expected(body, d)))


@_action("cancel", "Cancel a dossier accepted in error",
         "For agency leaders; the code is never given again.")
def cancel(request, code: str, body: CancelIn):
    return _act(request, code, lambda user, d: services.cancel_dossier(
        actor=user, dossier=d, reason=body.reason, version=_expected(body, d)))


@_action("attach", "Attach files (scans, the result)",
         "For the desk or the handling unit, while the dossier is not closed.",
         responses={**ACTION_RESPONSES, 413: ErrorOut})
def attach(request, code: str, body: AttachIn):
    return _act(request, code, lambda user, d: services.attach_files(
        actor=user, dossier=d, files=_attachments(body.attachments), kind=body.kind,
        version=_expected(body, d)))


@router.post("/{code}/actions/{action}", response={404: ErrorOut}, include_in_schema=False)
def unknown_action(request, code: str, action: str):
    _find(request.auth, code)
    raise HttpError(404, _("Không có hành động “%(action)s” trên hồ sơ.") % {"action": action})


# The literal types above mirror these choices; keep them in step.
assert set(DossierStatus.values) == set(StatusCode.__args__)
assert set(Channel.values) == set(ChannelCode.__args__)
assert set(ReturnMethod.values) == set(ReturnMethodCode.__args__)
assert set(Timeliness.values) == set(TimelinessCode.__args__)
assert set(StepStatus.values) == set(StepStatusCode.__args__)
assert set(Action.values) == set(ActionCode.__args__)
assert set(ApplicantKind.values) == {"person", "organisation"}
assert set(Outcome.values) == {"granted", "rejected"}
assert set(FileKind.values) == {"scan", "supplement", "result", "other"}
assert set(QUEUES) == set(QueueName.__args__)
