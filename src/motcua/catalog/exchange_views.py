"""The administrator's page to download the whole catalogue (JSON, Excel) and to import a file:
the import is all or nothing, and a bad file is answered with every problem and its place."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from motcua.catalog import exchange
from motcua.catalog.services import ImportReport, can_edit_catalogue
from motcua.catalog.spec import CatalogueInvalid, Problem
from motcua.org.models import Agency
from motcua.org.selectors import agency_of

EXTENSIONS = (".json", ".xlsx")


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp danh mục (.json hoặc .xlsx)"),
        help_text=gettext_lazy("Tệp xuất từ hệ thống (JSON hoặc Excel), tối đa 10 MB."),
        widget=forms.FileInput(attrs={"class": "form-control", "accept": ",".join(
            (*EXTENSIONS, exchange.JSON_CONTENT_TYPE, exchange.XLSX_CONTENT_TYPE))}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(EXTENSIONS):
            raise forms.ValidationError(_("Chỉ nhận tệp .json hoặc .xlsx."))
        if upload.size > exchange.MAX_FILE_BYTES:
            raise forms.ValidationError(_("Tệp lớn quá 10 MB."))
        return upload


def _admin_agency(request: HttpRequest) -> Agency:
    if not can_edit_catalogue(request.user):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được nhập, xuất danh mục thủ tục hành chính."))
    agency = agency_of(request.user)
    if agency is None:
        raise Http404(_("Chưa có cơ quan nào trong hệ thống."))
    return agency


@login_required
@require_GET
def export(request: HttpRequest, kind: str) -> HttpResponse:
    agency = _admin_agency(request)
    if kind == "xlsx":
        response = HttpResponse(exchange.export_xlsx(agency), content_type=exchange.XLSX_CONTENT_TYPE)
    else:
        response = HttpResponse(exchange.export_json(agency),
                                content_type=f"{exchange.JSON_CONTENT_TYPE}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{exchange.export_filename(agency, kind)}"'
    return response


def report_text(report: ImportReport) -> str:
    return _("Đã thêm %(created)s, cập nhật %(updated)s, giữ nguyên %(unchanged)s thủ tục.") % {
        "created": len(report.created), "updated": len(report.updated), "unchanged": len(report.unchanged)}


@login_required
@require_http_methods(["GET", "POST"])
def exchange_page(request: HttpRequest) -> HttpResponse:
    agency = _admin_agency(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    report: ImportReport | None = None
    problems: list[Problem] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = exchange.import_file(actor=request.user, agency=agency, content=upload.read(),
                                          filename=upload.name)
        except CatalogueInvalid as invalid:
            problems = invalid.problems
        else:
            form = UploadForm()
    refused = request.method == "POST" and (bool(problems) or not form.is_valid())
    return render(request, "catalog/exchange.html", status=400 if refused else 200, context={
        "agency": agency, "form": form, "report": report,
        "report_text": report_text(report) if report else "", "problems": problems,
        "breadcrumbs": [(reverse("catalog:list"), _("Thủ tục hành chính"))],
        "title": _("Nhập, xuất danh mục"),
    })
