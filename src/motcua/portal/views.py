"""The public site: the catalogue of procedures, for citizens and businesses, without signing in."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from motcua.catalog import selectors
from motcua.catalog.models import Level, OnlineLevel, Status
from motcua.catalog.spec import describe_amount, process_total
from motcua.org.selectors import default_agency
from motcua.worktime.forms import RULE_PRESETS

PER_PAGE = 30
MAX_QUERY = 200  # characters of the search box that are used (the input's maxlength too)


@require_safe
def procedure_list(request: HttpRequest) -> HttpResponse:
    agency = default_agency()
    q = request.GET.get("q", "").strip()[:MAX_QUERY]
    field = request.GET.get("field", "").strip()
    level = request.GET.get("level", "").strip()
    online = request.GET.get("online", "").strip()
    catalogue = selectors.public_catalogue(agency, q=q, field=field, level=level, online_level=online)
    page = Paginator(catalogue.procedures, PER_PAGE).get_page(request.GET.get("page"))
    selectors.attach_time_limits(page.object_list)
    context = {
        "agency": agency, "page": page, "catalogue": catalogue, "q": q,
        "field": catalogue.field.code if catalogue.field else "",
        "level": level if level in Level.values else "",
        "online": online if online in OnlineLevel.values else "",
        "levels": Level.choices, "online_levels": OnlineLevel.choices,
        "filtered": bool(q or catalogue.field or level in Level.values or online in OnlineLevel.values),
    }
    headers = request.headers
    partial = headers.get("HX-Request") == "true" and not headers.get("HX-History-Restore-Request")
    template = "portal/_results.html" if partial else "portal/procedure_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    agency = default_agency()
    procedure = selectors.published_procedure(agency, code) if agency else None
    if procedure is None:
        return render(request, "portal/not_found.html", {"agency": agency, "code": code}, status=404)
    version = procedure.current
    steps = list(version.steps.all())
    context = {
        "agency": agency, "procedure": procedure, "version": version,
        "documents": version.documents.all(), "fees": version.fees.all(), "steps": steps,
        "rule": RULE_PRESETS.get(version.counting_rule),
        "process_total": describe_amount(process_total(steps)) if steps else "",
        "suspended": procedure.status == Status.SUSPENDED,
    }
    return render(request, "portal/procedure_detail.html", context)


@require_safe
def template_download(request: HttpRequest, code: str, document_id: int) -> HttpResponse:
    agency = default_agency()
    document = selectors.published_template(agency, code, document_id) if agency else None
    if document is None:
        raise Http404
    form = document.template
    response = HttpResponse(bytes(form.content), content_type=form.content_type)
    response["Content-Disposition"] = attachment_header(form.filename)
    response["Content-Length"] = str(len(response.content))
    response["X-Content-Type-Options"] = "nosniff"
    response["ETag"] = f'"{form.sha256}"'
    return response


def attachment_header(filename: str) -> str:
    """``attachment`` with an ASCII ``filename`` for old clients and the exact UTF-8 name in
    ``filename*`` (RFC 5987/6266), which browsers prefer."""
    plain = unicodedata.normalize("NFD", filename.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    plain = re.sub(r"[^A-Za-z0-9._ -]+", "_", plain).strip() or "mau"
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"
