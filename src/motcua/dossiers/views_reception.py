"""The reception page of the one-stop desk: pick the procedure (live search ignoring
diacritics), the applicant (found again by ID number), tick the documents, attach the scans,
then accept (the receipt), guide the applicant to complete (form 02) or refuse (form 03). The
same page receives a dossier already waiting at the desk (filed online, or guided once)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from motcua.catalog.models import Procedure, RequiredDocument
from motcua.catalog.models import Status as ProcedureStatus
from motcua.catalog.selectors import search_procedures
from motcua.dossiers import selectors, services
from motcua.dossiers.filing import ApplicantData, check_filing, check_procedure
from motcua.dossiers.forms import RECEPTION_FIELDS, ReceptionForm, lines
from motcua.dossiers.models import Action, Applicant, Dossier, Status
from motcua.dossiers.views import detail_url, key_of
from motcua.dossiers.workflow import ActionRefused
from motcua.org.access import active_positions
from motcua.org.models import Agency, Role

SEARCH_LIMIT = 12


def desk_agency(user) -> Agency:
    """The agency whose desk ``user`` works at (403 for anyone else)."""
    for position in active_positions(user):
        if position.role == Role.DESK_OFFICER:
            return position.unit.agency
    raise PermissionDenied(_("Chỉ cán bộ Bộ phận Một cửa được tiếp nhận hồ sơ."))


def _search(agency: Agency, q: str) -> list[Procedure]:
    """Procedures in force matching every word of ``q`` (diacritics and case ignored)."""
    return [p for p in search_procedures(agency, q=q) if p.status == ProcedureStatus.IN_FORCE]


def _procedure(agency: Agency, code: str | None) -> Procedure | None:
    code = (code or "").replace("\x00", "").strip()[:40]  # PostgreSQL cannot take a NUL
    return services.procedure_for(agency.pk, code) if code else None


def _documents(procedure: Procedure | None) -> list[RequiredDocument]:
    if procedure is None or procedure.current_id is None:
        return []
    return list(RequiredDocument.objects.filter(version_id=procedure.current_id).order_by("position"))


def _form(procedure: Procedure | None, data=None, files=None, *, existing: Dossier | None = None,
          initial: dict | None = None) -> ReceptionForm:
    post_return = procedure.current.post_return if procedure is not None and procedure.current_id else False
    initial = dict(initial or {})
    if procedure is not None:
        initial.setdefault("procedure", procedure.national_code)
        initial.setdefault("request", procedure.name)
    form = ReceptionForm(data, files, documents=_documents(procedure), post_return=post_return,
                         existing=existing, initial=initial)
    if existing is not None:
        form.fields["version"].required = True
    if not form.is_bound:
        form.initial["missing"] = "\n".join(form.unticked_mandatory())
    return form


def _page(request: HttpRequest, form: ReceptionForm, procedure: Procedure | None, *,
          existing: Dossier | None = None, status: int = 200) -> HttpResponse:
    in_force = procedure is not None and procedure.status == ProcedureStatus.IN_FORCE
    actions = (selectors.available_actions(request.user, existing, []) if existing is not None
               else [Action.ACCEPT, Action.REQUEST_COMPLETION, Action.REFUSE])
    q = request.GET.get("q", "")[:200] if existing is None else ""
    return render(request, "dossiers/reception.html", {
        "search_results": _search(desk_agency(request.user), q)[:SEARCH_LIMIT] if q.strip() else None, "q": q,
        "form": form, "procedure": procedure, "version": procedure.current if procedure else None,
        "in_force": in_force, "existing": existing, "actions": actions,
        "files_lost": bool(request.FILES) and form.is_bound and bool(form.errors),
        "title": (_("Tiếp nhận hồ sơ của %(name)s") % {"name": existing.applicant_name}
                  if existing is not None else _("Tiếp nhận hồ sơ")),
    }, status=status)


def _decide(request: HttpRequest, form: ReceptionForm, procedure: Procedure,
            existing: Dossier | None) -> Dossier:
    data = form.cleaned_data
    common = {"actor": request.user, "filing": form.filing(procedure), "dossier": existing,
              "expected_version": data["version"] if existing is not None else None}
    decision = data["decision"] or ReceptionForm.ACCEPT
    if decision == ReceptionForm.COMPLETE:
        return services.request_completion(missing=lines(data["missing"]), **common)
    if decision == ReceptionForm.REFUSE:
        return services.refuse_dossier(reason=data["reason"], **common)
    key = f"form:{data['submission']}" if data.get("submission") and existing is None else ""
    if not key:
        return services.accept_dossier(files=data["files"], **common)
    earlier = services.accepted_before(request.user, key)
    if earlier is not None:  # the same page sent twice: the dossier it already made
        return earlier[0]
    try:
        return services.accept_dossier(files=data["files"], once=(key, "reception-form"), **common)
    except IntegrityError:  # sent twice at the same instant: the other request made it
        earlier = services.accepted_before(request.user, key)
        if earlier is None:
            raise
        return earlier[0]


def _after(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    key = key_of(dossier)
    if dossier.status == Status.INCOMPLETE:
        messages.success(request, _("Đã ghi nhận hướng dẫn bổ sung, hoàn thiện hồ sơ. Hãy in phiếu "
                                    "hướng dẫn và giao cho người nộp."))
        return redirect("dossiers:completion_guide", key=key)
    if dossier.status == Status.REFUSED:
        messages.success(request, _("Đã ghi nhận từ chối tiếp nhận hồ sơ. Hãy in phiếu từ chối và "
                                    "giao cho người nộp."))
        return redirect("dossiers:refusal", key=key)
    messages.success(request, _("Đã tiếp nhận hồ sơ %(code)s. Hãy in giấy tiếp nhận và hẹn trả kết "
                                "quả, giao cho người nộp.") % {"code": dossier.code})
    return redirect("dossiers:receipt", key=key)


def _other_problems(form: ReceptionForm, procedure: Procedure) -> None:
    """When the form itself refused some values (a scan, a number), say at once what else the
    service would refuse too, so that the officer corrects everything in one go."""
    try:
        version = check_procedure(procedure.agency, procedure)
    except ValidationError as exc:
        form.add_service_errors(exc)
        return
    filing = form.filing(procedure)
    filing.applicant = filing.applicant.cleaned()
    decision = form.cleaned_data.get("decision") or ReceptionForm.ACCEPT
    problems = check_filing(filing, version, complete=decision == ReceptionForm.ACCEPT)
    fresh = {key: errors for key, errors in problems.items()
             if RECEPTION_FIELDS.get(key, key) not in form.errors}
    if fresh:
        form.add_service_errors(ValidationError(fresh))


def _receive(request: HttpRequest, agency: Agency, existing: Dossier | None) -> HttpResponse:
    if existing is not None:
        procedure = _procedure(agency, existing.procedure.national_code)
        initial = ReceptionForm.initial_for(existing)
    else:
        procedure = _procedure(agency, request.POST.get("procedure") or request.GET.get("procedure"))
        initial = {}
    if request.method != "POST":
        form = _form(procedure, existing=existing, initial=initial)
        return _page(request, form, procedure, existing=existing)
    form = _form(procedure, request.POST, request.FILES, existing=existing, initial=initial)
    if procedure is None:
        form.is_valid()
        form.add_error("procedure", _("Hãy chọn thủ tục hành chính của hồ sơ."))
    elif form.is_valid():
        try:
            dossier = _decide(request, form, procedure, existing)
        except ActionRefused as exc:  # the dossier changed or was already received
            messages.error(request, exc.message)
            if existing is not None:
                return redirect(detail_url(existing))
            form.add_error(None, exc.message)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return _after(request, dossier)
    else:
        _other_problems(form, procedure)
    return _page(request, form, procedure, existing=existing, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def receive(request: HttpRequest) -> HttpResponse:
    return _receive(request, desk_agency(request.user), None)


@login_required
@require_http_methods(["GET", "POST"])
def receive_waiting(request: HttpRequest, key: str) -> HttpResponse:
    """Receive a dossier waiting at the desk (submitted online, or guided once), prefilled."""
    agency = desk_agency(request.user)
    dossier = selectors.dossier_for(request.user, key)
    if dossier.status not in (Status.SUBMITTED, Status.INCOMPLETE):
        messages.error(request, _("Hồ sơ đang ở trạng thái “%(status)s”, không còn chờ tiếp nhận.")
                       % {"status": dossier.get_status_display()})
        return redirect(detail_url(dossier))
    return _receive(request, agency, dossier)


# -- the page's live parts (htmx) ----------------------------------------------------------------
@login_required
@require_GET
def procedure_search(request: HttpRequest) -> HttpResponse:
    """Procedures in force matching every word typed (diacritics and case ignored)."""
    agency = desk_agency(request.user)
    q = request.GET.get("q", "")[:200]
    found = _search(agency, q) if q.strip() else []
    return render(request, "dossiers/_procedure_results.html", {
        "procedures": found[:SEARCH_LIMIT], "more": max(len(found) - SEARCH_LIMIT, 0), "q": q})


@login_required
@require_GET
def procedure_block(request: HttpRequest) -> HttpResponse:
    """The chosen procedure's part of the reception page: its documents to tick, the request,
    the number of sets and how the result may be returned."""
    agency = desk_agency(request.user)
    procedure = _procedure(agency, request.GET.get("procedure"))
    form = _form(procedure)
    in_force = procedure is not None and procedure.status == ProcedureStatus.IN_FORCE
    return render(request, "dossiers/_reception_procedure.html", {
        "form": form, "procedure": procedure, "version": procedure.current if procedure else None,
        "in_force": in_force, "swap_oob": True})


@login_required
@require_GET
def applicant_lookup(request: HttpRequest) -> HttpResponse:
    """The applicant's details when the ID number typed is already known at this agency;
    nothing (204) otherwise, so that what the officer typed stays."""
    agency = desk_agency(request.user)
    id_number = ApplicantData(name="", id_number=request.GET.get("id_number", "")[:30]).cleaned().id_number
    known = (Applicant.objects.filter(agency=agency, id_number=id_number).first()
             if len(id_number) >= 9 else None)
    if known is None:
        return HttpResponse(status=204)
    form = ReceptionForm(initial={"kind": known.kind, "name": known.name, "phone": known.phone,
                                  "email": known.email, "address": known.address})
    return render(request, "dossiers/_reception_applicant.html", {"form": form, "known": known})
