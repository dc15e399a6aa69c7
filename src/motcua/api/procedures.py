"""The procedure catalogue, public: ``GET /api/v1/procedures`` (search, filter, paginated) and
``GET /api/v1/procedures/{code}`` (everything published about one procedure, with its internal
process). No token needed: the law requires the catalogue to be public. Both answer in the
request's language for labels; names and texts are the agency's (Vietnamese).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from motcua.api.schemas import ErrorOut
from motcua.catalog.formatting import time_limit_text
from motcua.catalog.models import (
    Level,
    OnlineLevel,
    Procedure,
    ResultKind,
    Status,
    StepKind,
)
from motcua.catalog.selectors import published_procedure, search_procedures
from motcua.org.models import Agency, Role
from motcua.org.selectors import default_agency

router = Router(tags=["procedures"], auth=None)

PAGE_SIZE_MAX = 100
TimeUnitCode = Literal["day", "half_day", "hour"]


class TimeLimitOut(Schema):
    amount: float = Field(description="In `unit`.")
    unit: TimeUnitCode
    label: str = Field(description="In words, e.g. “7 ngày làm việc”, or “Trong ngày” for a same-day "
                       "procedure.")


class FieldOut(Schema):
    code: str
    name: str


class ProcedureSummaryOut(Schema):
    code: str = Field(description="The national procedure code (Cơ sở dữ liệu quốc gia về TTHC).")
    name: str
    field: FieldOut
    level: Literal["province", "commune"]
    time_limit: TimeLimitOut
    online_level: Literal["full", "partial", "none"]
    status: Literal["in_force", "suspended", "repealed"]
    url: str = Field(description="The procedure's page on the public site.")


class ProcedurePageOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[ProcedureSummaryOut]


class UnitRefOut(Schema):
    code: str
    name: str


class TemplateOut(Schema):
    filename: str
    url: str


class DocumentOut(Schema):
    id: int
    name: str
    originals: int
    copies: int
    mandatory: bool
    file_types: list[str]
    note: str
    template: TemplateOut | None


class FeeOut(Schema):
    name: str
    amount: int = Field(description="Vietnamese đồng.")
    note: str


class AllottedOut(Schema):
    amount: float
    unit: TimeUnitCode
    minutes: int = Field(description="Working minutes (1 working day = 8 hours).")


class ProcessStepOut(Schema):
    position: int
    name: str
    kind: Literal["receive", "assign", "appraise", "field_inspection", "consult", "review", "approve",
                  "return", "other"]
    unit: UnitRefOut | None
    role: Literal["", "desk_officer", "specialist", "unit_head", "agency_leader", "reform_officer",
                  "administrator"]
    allotted: AllottedOut
    optional: bool
    parallel_group: str = Field(description="Adjacent steps with the same group run at the same time.")
    external_agency: str


class ProcedureOut(ProcedureSummaryOut):
    version: int
    effective_from: dt.date | None
    decision: str
    status_since: dt.date | None
    status_note: str
    implementing_agency: str
    deciding_authority: str
    receiving_desk: UnitRefOut | None
    time_limit_note: str
    counting_rule: str = Field(description="The counting rule's code (see /worktime/deadline).")
    fees: list[FeeOut]
    fee_note: str
    required_documents: list[DocumentOut]
    eligibility: str
    result_kind: Literal["certificate", "licence", "decision", "approval", "confirmation", "information",
                         "other"]
    result: str
    legal_basis: list[str]
    sequence: str
    post_return: bool
    keywords: list[str]
    steps: list[ProcessStepOut]


def _agency() -> Agency | None:
    return default_agency()


def _time_limit(value, unit: str) -> TimeLimitOut:
    return TimeLimitOut(amount=float(value), unit=unit, label=time_limit_text(value, unit))


def _public_url(name: str, *args: object) -> str:
    """A page of the public site ('' while the portal is not installed)."""
    try:
        return reverse(f"portal:{name}", args=args)
    except NoReverseMatch:
        return ""


def _summary(procedure: Procedure, version=None) -> dict:
    version = version or procedure.current
    return {
        "code": procedure.national_code, "name": procedure.name,
        "field": FieldOut(code=procedure.field.code, name=procedure.field.name), "level": procedure.level,
        "time_limit": _time_limit(version.time_limit_value, version.time_limit_unit),
        "online_level": procedure.online_level, "status": procedure.status,
        "url": _public_url("procedure_detail", procedure.national_code),
    }


@router.get(
    "",
    response={200: ProcedurePageOut, 400: ErrorOut, 422: ErrorOut},
    summary="Search the published procedures",
    description="Every word of `q` must begin a word of the procedure's code, name, field, result or "
    "colloquial names; diacritics, case and word order are ignored (`cap doi so do` finds “Cấp đổi Giấy "
    "chứng nhận…”). Repealed and unpublished procedures are not listed. Best matches first.",
)
def list_procedures(
    request,
    q: str = Query("", max_length=200, pattern=r"^[^\x00]*$", description="Search words."),
    field: str = Query("", max_length=40, pattern=r"^[^\x00]*$", description="A field code, e.g. `dat-dai`."),
    level: Literal["", "province", "commune"] = Query("", description="`province` or `commune`."),
    page: int = Query(1, ge=1, le=10_000),
    page_size: int = Query(20, ge=1, le=PAGE_SIZE_MAX),
):
    agency = _agency()
    found = search_procedures(agency, q=q, field=field, level=level) if agency else []
    start = (page - 1) * page_size
    shown = found[start:start + page_size]
    current = {p.pk: p.current for p in
               Procedure.objects.filter(pk__in=[p.pk for p in shown]).select_related("current")}
    return ProcedurePageOut(
        count=len(found), page=page, page_size=page_size,
        items=[ProcedureSummaryOut(**_summary(p, current[p.pk])) for p in shown],
    )


@router.get(
    "/{code}",
    response={200: ProcedureOut, 400: ErrorOut, 404: ErrorOut},
    summary="One published procedure with its documents, fees and internal process",
)
def get_procedure(request, code: str):
    agency = _agency()
    procedure = published_procedure(agency, code) if agency else None
    if procedure is None:
        raise HttpError(404, _("Không có thủ tục có mã “%(code)s” trong danh mục đang công bố.")
                        % {"code": code})
    version = procedure.current
    documents = []
    for document in version.documents.all():
        template = None
        if document.template_id:
            url = _public_url("template_download", procedure.national_code, document.pk)
            template = TemplateOut(filename=document.template.filename, url=url)
        documents.append(DocumentOut(
            id=document.pk, name=document.name, originals=document.originals, copies=document.copies,
            mandatory=document.mandatory, file_types=list(document.file_types), note=document.note,
            template=template))
    desk = version.receiving_desk
    return ProcedureOut(
        **_summary(procedure, version),
        version=version.number, effective_from=version.effective_from, decision=version.decision,
        status_since=procedure.status_since, status_note=procedure.status_note,
        implementing_agency=version.implementing_agency, deciding_authority=version.deciding_authority,
        receiving_desk=UnitRefOut(code=desk.code, name=desk.name) if desk else None,
        time_limit_note=version.time_limit_note, counting_rule=version.counting_rule,
        fees=[FeeOut(name=f.name, amount=f.amount, note=f.note) for f in version.fees.all()],
        fee_note=version.fee_note, required_documents=documents, eligibility=version.eligibility,
        result_kind=version.result_kind, result=version.result, legal_basis=list(version.legal_basis),
        sequence=version.sequence, post_return=version.post_return, keywords=list(version.keywords),
        steps=[ProcessStepOut(
            position=s.position, name=s.name, kind=s.kind,
            unit=UnitRefOut(code=s.unit.code, name=s.unit.name) if s.unit_id else None, role=s.role,
            allotted=AllottedOut(amount=float(s.allotted_value), unit=s.allotted_unit,
                                 minutes=s.allotted.minutes),
            optional=s.optional, parallel_group=s.parallel_group, external_agency=s.external_agency,
        ) for s in version.steps.all()],
    )


# The literal types above mirror these choices; keep them in step.
assert set(Level.values) == {"province", "commune"}
assert set(OnlineLevel.values) == {"full", "partial", "none"}
assert set(Status.values) == {"in_force", "suspended", "repealed"}
assert set(ResultKind.values) == {"certificate", "licence", "decision", "approval", "confirmation",
                                  "information", "other"}
assert set(StepKind.values) == {"receive", "assign", "appraise", "field_inspection", "consult", "review",
                                "approve", "return", "other"}
assert set(Role.values) <= {"desk_officer", "specialist", "unit_head", "agency_leader", "reform_officer",
                            "administrator"}
