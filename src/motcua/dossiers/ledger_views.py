"""The dossier tracking book (Sổ theo dõi hồ sơ) in the staff UI: the rows of a period on screen,
100 to a page and printable, and the whole period as an Excel workbook. The filters: the period
(this month unless chosen; at most one year), the field (the law keeps one book per field), the
procedure and the channel. Every staff member sees the rows of the dossiers they may open.

``urlpatterns`` is included in the dossiers URLconf (namespace ``dossiers``): ``dossiers:ledger``
and ``dossiers:ledger_export``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from motcua.catalog.models import Field, Procedure
from motcua.dossiers import ledger as book
from motcua.dossiers import ledger_export
from motcua.dossiers.models import Channel
from motcua.org.forms import DateInput, StyledForm
from motcua.org.models import Agency
from motcua.org.selectors import agency_of
from motcua.ui.pages import add_service_errors

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
DATE_ERRORS = {"invalid": gettext_lazy(
    "Ngày không hợp lệ; hãy ghi theo dạng ngày/tháng/năm, ví dụ 01/11/2026.")}


class LedgerForm(StyledForm):
    """The book's filters. Empty dates mean this month; the period is checked by
    :func:`motcua.dossiers.ledger.check_period`."""

    date_from = forms.DateField(label=gettext_lazy("Từ ngày"), required=False, input_formats=DATE_FORMATS,
                                widget=DateInput(), error_messages=DATE_ERRORS)
    date_to = forms.DateField(label=gettext_lazy("Đến ngày"), required=False, input_formats=DATE_FORMATS,
                              widget=DateInput(), error_messages=DATE_ERRORS)
    field = forms.ChoiceField(label=gettext_lazy("Lĩnh vực"), required=False)
    procedure = forms.ChoiceField(label=gettext_lazy("Thủ tục"), required=False)
    channel = forms.ChoiceField(label=gettext_lazy("Kênh nộp"), required=False)

    def __init__(self, *args, agency: Agency, **kwargs):
        self.agency = agency
        self.period = book.default_period(agency)
        kwargs.setdefault("initial", {"date_from": self.period[0], "date_to": self.period[1]})
        super().__init__(*args, **kwargs)
        self.field_objects = {f.code: f for f in Field.objects.order_by("position", "name")}
        self.procedure_objects = {p.national_code: p for p in Procedure.objects.filter(agency=agency)
                                  .only("id", "agency_id", "national_code", "name").order_by("national_code")}
        self.fields["field"].choices = [("", _("Tất cả lĩnh vực")),
                                        *((code, f.name) for code, f in self.field_objects.items())]
        self.fields["procedure"].choices = [("", _("Tất cả thủ tục")), *(
            (code, f"{code} – {_shorten(p.name)}") for code, p in self.procedure_objects.items())]
        self.fields["channel"].choices = [("", _("Tất cả kênh")), *Channel.choices]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        data["date_from"] = data.get("date_from") or self.period[0]
        data["date_to"] = data.get("date_to") or self.period[1]
        try:
            book.check_period(data["date_from"], data["date_to"])
        except ValidationError as exc:
            add_service_errors(self, exc)
        return data

    def ledger_filter(self) -> book.LedgerFilter:
        """The filter of a valid form (or of an unbound one: this month, everything)."""
        data = self.cleaned_data if self.is_bound else {}
        return book.LedgerFilter(
            date_from=data.get("date_from") or self.period[0], date_to=data.get("date_to") or self.period[1],
            field=self.field_objects.get(data.get("field") or ""),
            procedure=self.procedure_objects.get(data.get("procedure") or ""),
            channel=data.get("channel") or "")


def _shorten(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else f"{text[:limit - 1].rstrip()}…"


def _agency(request: HttpRequest) -> Agency:
    agency = agency_of(request.user)
    if agency is None:
        raise Http404(_("Chưa có cơ quan nào trong hệ thống."))
    return agency


def _form(request: HttpRequest, agency: Agency) -> LedgerForm:
    wanted = {k: v for k, v in request.GET.items() if k in LedgerForm.base_fields}
    return LedgerForm(request.GET if wanted else None, agency=agency)


def _page(request: HttpRequest, agency: Agency, form: LedgerForm, *, status: int = 200) -> HttpResponse:
    valid = not form.is_bound or form.is_valid()
    context: dict[str, Any] = {"agency": agency, "form": form, "title": _("Sổ theo dõi hồ sơ"),
                               "book_title": ledger_export.book_title(), "page": None, "rows": []}
    if valid:
        f = form.ledger_filter()
        page = Paginator(book.ledger_dossiers(request.user, agency, f), book.PER_PAGE).get_page(
            request.GET.get("page"))
        context.update(page=page, filter=f, filter_lines=ledger_export.filter_lines(agency, f),
                       rows=list(book.ledger_rows(page.object_list, agency, first_number=page.start_index()
                                                  if page.paginator.count else 1)))
    return render(request, "dossiers/ledger.html", context, status=status if valid else 400)


@login_required
@require_GET
def ledger(request: HttpRequest) -> HttpResponse:
    agency = _agency(request)
    return _page(request, agency, _form(request, agency))


@login_required
@require_GET
def ledger_export_view(request: HttpRequest) -> HttpResponse:
    agency = _agency(request)
    form = _form(request, agency)
    if form.is_bound and not form.is_valid():
        return _page(request, agency, form)
    f = form.ledger_filter()
    response = FileResponse(ledger_export.ledger_file(request.user, agency, f), as_attachment=True,
                            filename=ledger_export.filename(agency, f),
                            content_type=ledger_export.XLSX_CONTENT_TYPE)
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("so-theo-doi/", ledger, name="ledger"),
    path("so-theo-doi/xuat-excel/", ledger_export_view, name="ledger_export"),
]
