"""Staff pages of the procedure catalogue: every signed-in staff member reads the list, each
procedure and its old versions; administrators create, edit (through a draft), publish, copy,
suspend and repeal procedures. Each page parses a form and calls one service; the services check
permissions and every value (the same parser as the imports) and write the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_http_methods

from motcua.catalog import forms, selectors, services
from motcua.catalog.formatting import money, time_limit_text
from motcua.catalog.models import Procedure, ProcedureVersion, Status, work_amount
from motcua.catalog.spec import CatalogueInvalid, describe_amount, process_total
from motcua.org.models import Agency
from motcua.org.selectors import agency_of
from motcua.ui.pages import add_service_errors, form_page
from motcua.worktime import WorkAmount

PER_PAGE = 50
STATUS_VERBS = {  # url name, page title, button
    Status.SUSPENDED: ("suspend", gettext_noop("Tạm ngừng áp dụng thủ tục %(code)s"),
                       gettext_noop("Tạm ngừng áp dụng")),
    Status.REPEALED: ("repeal", gettext_noop("Bãi bỏ thủ tục %(code)s"), gettext_noop("Bãi bỏ")),
    Status.IN_FORCE: ("reinstate", gettext_noop("Áp dụng lại thủ tục %(code)s"),
                      gettext_noop("Áp dụng lại")),
}


# -- helpers ----------------------------------------------------------------------------------------
def _agency(request: HttpRequest) -> Agency:
    agency = agency_of(request.user)
    if agency is None:
        raise Http404(_("Chưa có cơ quan nào trong hệ thống."))
    return agency


def _procedure(request: HttpRequest, code: str) -> Procedure:
    """The procedure with this national code in the signed-in person's agency, else 404."""
    procedure = selectors.staff_procedure(_agency(request), code)
    if procedure is None:
        raise Http404(_("Không có thủ tục “%(code)s” trong danh mục.") % {"code": code})
    return procedure


def _crumbs(procedure: Procedure | None = None) -> list[tuple[str, str]]:
    crumbs = [(reverse("catalog:list"), _("Thủ tục hành chính"))]
    if procedure is not None:
        crumbs.append((reverse("catalog:detail", args=[procedure.national_code]), procedure.national_code))
    return crumbs


@dataclass
class _Step:
    allotted: WorkAmount
    parallel_group: str


def process_summary(data: dict[str, Any]) -> dict[str, Any] | None:
    """The internal process's total time against the legal time limit, from catalogue-format data
    (``None`` when a value cannot be read; the parser reports it)."""
    def amount(value: dict[str, Any]) -> WorkAmount:
        return work_amount(Decimal(str(value["value"]).strip().replace(",", ".")), value["unit"])

    try:
        steps = [_Step(amount(s["allotted"]), str(s.get("parallel_group") or "").strip())
                 for s in data.get("steps", [])]
        limit = amount(data["time_limit"])
    except (KeyError, TypeError, ValueError, InvalidOperation, ArithmeticError):
        return None
    if not steps:
        return None
    total = process_total(steps)
    return {"total": describe_amount(total), "limit": describe_amount(limit),
            "over": total.minutes > limit.minutes, "count": len(steps)}


def _version_context(version: ProcedureVersion) -> dict[str, Any]:
    """A version with its content, and what the pages show of it."""
    for fee in version.fees.all():
        fee.display = money(fee.amount)
    for step in version.steps.all():
        step.allotted_text = time_limit_text(step.allotted_value, step.allotted_unit)
    steps = list(version.steps.all())
    total = process_total(steps) if steps else None
    return {
        "version": version,
        "time_limit_text": time_limit_text(version.time_limit_value, version.time_limit_unit),
        "process_total": describe_amount(total) if total is not None else "",
        "process_over": total is not None and total.minutes > version.time_limit.minutes,
        "counting_rule_label": forms.RULE_PRESETS[version.counting_rule].label
        if version.counting_rule in forms.RULE_PRESETS else version.counting_rule,
    }


def _form_page(request: HttpRequest, form, **kwargs) -> HttpResponse:
    """:func:`form_page`, answering 400 when the form comes back with errors."""
    response = form_page(request, form, **kwargs)
    if form.is_bound and form.errors:
        response.status_code = 400
    return response


def _problems_to_form(form, exc: ValidationError) -> None:
    """A service's problems on a small form: the code and the name next to their fields."""
    if isinstance(exc, CatalogueInvalid):
        for problem in exc.problems:
            name = problem.path[0] if len(problem.path) == 1 else None
            form.add_error(name if name in form.fields else None,
                           problem.message if name in form.fields else str(problem))
    else:
        add_service_errors(form, exc)


# -- reading ------------------------------------------------------------------------------------------
@login_required
def procedure_list(request: HttpRequest) -> HttpResponse:
    agency = _agency(request)
    form = forms.ProcedureFilterForm(request.GET or None,
                                     fields=selectors.fields_in_use(agency, published_only=False))
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    found = selectors.editor_procedures(agency, q=filters.get("q", ""), field=filters.get("field", ""),
                                        status=filters.get("status", ""))
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    shown = selectors.shown_versions(page.object_list)
    drafts = selectors.procedures_with_drafts(agency)
    rows = [{"procedure": p, "version": shown.get(p.pk), "has_draft": p.pk in drafts,
             "time_limit": time_limit_text(shown[p.pk].time_limit_value, shown[p.pk].time_limit_unit)
             if p.pk in shown else ""} for p in page.object_list]
    context = {"form": form, "page": page, "rows": rows,
               "can_edit": services.can_edit_catalogue(request.user)}
    partial = (request.headers.get("HX-Request") == "true"
               and request.headers.get("HX-History-Restore-Request") != "true")
    return render(request, "catalog/_results.html" if partial else "catalog/list.html", context)


@login_required
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    procedure = _procedure(request, code)
    draft = selectors.draft_of(procedure)
    shown = procedure.current or draft
    return render(request, "catalog/detail.html", {
        "procedure": procedure, "draft": draft, "showing_draft": procedure.current is None,
        "versions": selectors.published_versions(procedure),
        "can_edit": services.can_edit_catalogue(request.user),
        "status_actions": _status_actions(procedure),
        **_version_context(selectors.version_with_content(shown.pk)),
    })


@login_required
def version_detail(request: HttpRequest, code: str, number: int) -> HttpResponse:
    procedure = _procedure(request, code)
    version = selectors.version_by_number(procedure, number)
    if version is None:
        raise Http404(_("Thủ tục không có phiên bản %(number)s.") % {"number": number})
    return render(request, "catalog/version.html", {
        "procedure": procedure, "breadcrumbs": _crumbs(procedure),
        "title": _("Phiên bản %(number)s") % {"number": number},
        **_version_context(selectors.version_with_content(version.pk)),
    })


@login_required
def template_download(request: HttpRequest, sha256: str) -> HttpResponse:
    template = selectors.agency_template(_agency(request), sha256)
    if template is None:
        raise Http404(_("Không có mẫu đơn này."))
    response = HttpResponse(bytes(template.content), content_type=template.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(template.filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _quote(filename: str) -> str:
    from urllib.parse import quote

    return quote(filename, safe="")


def _status_actions(procedure: Procedure) -> list[tuple[str, str, str]]:
    """(url name, label, button style) of the status changes that make sense now."""
    if procedure.current_id is None:
        return []
    wanted = {Status.IN_FORCE: (Status.SUSPENDED, Status.REPEALED),
              Status.SUSPENDED: (Status.IN_FORCE, Status.REPEALED),
              Status.REPEALED: (Status.IN_FORCE,)}[procedure.status]
    styles = {Status.IN_FORCE: "success", Status.SUSPENDED: "warning", Status.REPEALED: "danger"}
    return [(f"catalog:{STATUS_VERBS[s][0]}", _(STATUS_VERBS[s][2]), styles[s]) for s in wanted]


# -- the editor -------------------------------------------------------------------------------------
def _editor(request: HttpRequest, procedure: Procedure | None) -> HttpResponse:
    services.require_catalogue_editor(request.user)
    agency = _agency(request)
    data = services.draft_data(procedure) if procedure is not None else None
    summary = process_summary(data) if data else None
    if request.method == "POST":
        section = request.POST.get("add", "")
        post = forms.add_row(request.POST, section) if section in forms.SECTIONS else request.POST
        editor = forms.ProcedureEditor(agency=agency, data=data, post=post, files=request.FILES)
        if section in forms.SECTIONS or not editor.is_valid():  # a row added, or bad input
            editor.note_unsaved_uploads()
        else:
            payload = editor.to_data()
            summary = process_summary(payload)
            try:
                if procedure is None:
                    procedure = services.create_procedure(actor=request.user, agency=agency, data=payload)
                else:
                    services.save_draft(actor=request.user, procedure=procedure, data=payload)
            except CatalogueInvalid as exc:
                editor.attach(exc.problems, payload)
            except ValidationError as exc:
                add_service_errors(editor.general, exc)
            else:
                messages.success(request, _("Đã lưu bản nháp thủ tục “%(code)s”. Bản nháp chưa áp dụng "
                                            "cho hồ sơ cho đến khi được ban hành.")
                                 % {"code": procedure.national_code})
                if request.POST.get("action") == "publish":
                    return redirect("catalog:publish", code=procedure.national_code)
                return redirect("catalog:edit", code=procedure.national_code)
    else:
        editor = forms.ProcedureEditor(agency=agency, data=data)
    saving = request.method == "POST" and request.POST.get("add", "") not in forms.SECTIONS
    status = 400 if saving and editor.has_errors else 200
    title = (_("Sửa thủ tục %(code)s") % {"code": procedure.national_code} if procedure
             else _("Thêm thủ tục hành chính"))
    return render(request, "catalog/editor.html", {
        "editor": editor, "procedure": procedure, "title": title, "summary": summary,
        "breadcrumbs": _crumbs(procedure),
        "cancel_url": reverse("catalog:detail", args=[procedure.national_code]) if procedure
        else reverse("catalog:list"),
        "has_draft": procedure is not None and selectors.draft_of(procedure) is not None,
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def procedure_create(request: HttpRequest) -> HttpResponse:
    return _editor(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def procedure_edit(request: HttpRequest, code: str) -> HttpResponse:
    return _editor(request, _procedure(request, code))


# -- the other verbs ----------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest, code: str) -> HttpResponse:
    services.require_catalogue_editor(request.user)
    procedure = _procedure(request, code)
    draft = selectors.draft_of(procedure)
    if draft is None:
        messages.info(request, _("Thủ tục không có bản nháp nào để ban hành."))
        return redirect("catalog:detail", code=code)
    form = forms.PublishForm(request.POST if request.method == "POST" else None, initial={
        "effective_from": draft.effective_from or timezone.localdate(), "decision": draft.decision})
    if request.method == "POST" and form.is_valid():
        try:
            version = services.publish_draft(actor=request.user, procedure=procedure, **form.cleaned_data)
        except CatalogueInvalid as exc:
            for problem in exc.problems:
                form.add_error(None, str(problem))
            form.add_error(None, _("Hãy sửa bản nháp rồi ban hành lại."))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã ban hành phiên bản %(number)s của thủ tục “%(code)s”.")
                             % {"number": version.number, "code": code})
            return redirect("catalog:detail", code=code)
    summary = process_summary(services.draft_data(procedure))
    intro = _("Bản nháp “%(name)s” sẽ trở thành phiên bản áp dụng cho các hồ sơ tiếp nhận từ nay; "
              "phiên bản trước được giữ nguyên cho các hồ sơ đã tiếp nhận.") % {"name": draft.name}
    if summary:
        intro += " " + (_("Tổng thời gian quy trình nội bộ: %(total)s (thời hạn giải quyết %(limit)s).")
                        % summary)
    return _form_page(request, form, title=_("Ban hành thủ tục %(code)s") % {"code": code},
                     submit=_("Ban hành"), cancel=reverse("catalog:detail", args=[code]),
                     breadcrumbs=_crumbs(procedure), intro=intro)


@login_required
@require_http_methods(["GET", "POST"])
def discard(request: HttpRequest, code: str) -> HttpResponse:
    services.require_catalogue_editor(request.user)
    procedure = _procedure(request, code)
    if selectors.draft_of(procedure) is None:
        messages.info(request, _("Thủ tục không có bản nháp nào."))
        return redirect("catalog:detail", code=code)
    form = forms.ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        never_published = procedure.current_id is None
        try:
            services.discard_draft(actor=request.user, procedure=procedure)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if never_published:
                messages.success(request, _("Đã bỏ bản nháp; thủ tục “%(code)s” chưa từng ban hành nên "
                                            "đã được xóa khỏi danh mục.") % {"code": code})
                return redirect("catalog:list")
            messages.success(request, _("Đã bỏ bản nháp của thủ tục “%(code)s”.") % {"code": code})
            return redirect("catalog:detail", code=code)
    intro = (_("Thủ tục chưa từng ban hành: bỏ bản nháp sẽ xóa thủ tục khỏi danh mục.")
             if procedure.current_id is None
             else _("Các thay đổi chưa ban hành sẽ mất; phiên bản đang áp dụng không thay đổi."))
    return _form_page(request, form, title=_("Bỏ bản nháp của thủ tục %(code)s") % {"code": code},
                     submit=_("Bỏ bản nháp"), cancel=reverse("catalog:detail", args=[code]),
                     breadcrumbs=_crumbs(procedure), intro=intro, danger=True)


@login_required
@require_http_methods(["GET", "POST"])
def copy(request: HttpRequest, code: str) -> HttpResponse:
    services.require_catalogue_editor(request.user)
    procedure = _procedure(request, code)
    form = forms.CopyForm(request.POST if request.method == "POST" else None,
                          initial={"name": procedure.name})
    if request.method == "POST" and form.is_valid():
        try:
            new = services.copy_procedure(actor=request.user, procedure=procedure, **form.cleaned_data)
        except ValidationError as exc:
            _problems_to_form(form, exc)
        else:
            messages.success(request, _("Đã tạo thủ tục “%(code)s” là bản sao của “%(source)s”; hãy sửa "
                                        "rồi ban hành.") % {"code": new.national_code, "source": code})
            return redirect("catalog:edit", code=new.national_code)
    return _form_page(request, form, title=_("Sao chép thủ tục %(code)s") % {"code": code},
                     submit=_("Sao chép"), cancel=reverse("catalog:detail", args=[code]),
                     breadcrumbs=_crumbs(procedure),
                     intro=_("Thủ tục mới (một biến thể) bắt đầu là bản nháp với nội dung của thủ tục này."))


@login_required
@require_http_methods(["GET", "POST"])
def change_status(request: HttpRequest, code: str, status: str) -> HttpResponse:
    services.require_catalogue_editor(request.user)
    procedure = _procedure(request, code)
    form = forms.StatusForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_status(actor=request.user, procedure=procedure, status=status, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Thủ tục “%(code)s”: %(status)s từ ngày %(day)s.") % {
                "code": code, "status": Status(status).label,
                "day": form.cleaned_data["since"].strftime("%d/%m/%Y")})
            return redirect("catalog:detail", code=code)
    return _form_page(request, form, title=_(STATUS_VERBS[status][1]) % {"code": code},
                     submit=_(STATUS_VERBS[status][2]), cancel=reverse("catalog:detail", args=[code]),
                     breadcrumbs=_crumbs(procedure), danger=status != Status.IN_FORCE,
                     intro=procedure.name)
