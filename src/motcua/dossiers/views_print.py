"""The printable slips of a dossier, for the browser's print (A4): the receipt and
appointment slip (form 01), the guide to complete the dossier (form 02), the refusal to receive
(form 03) and the process-control slip (form 06). The official PDF forms come later; these
carry the same data."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from motcua.catalog.formatting import time_limit_text
from motcua.dossiers import permissions, selectors
from motcua.dossiers.models import Action, Dossier, DossierEvent, Status
from motcua.dossiers.views import key_of


def _render(request: HttpRequest, template: str, dossier: Dossier, **extra) -> HttpResponse:
    """A slip is handed to the applicant: it is written in Vietnamese whatever the officer's
    language."""
    with translation.override("vi"):
        return render(request, template, {
            "dossier": dossier, "key": key_of(dossier), "agency": dossier.agency,
            "can_receive": bool(permissions.desk_agency_ids(request.user)), **extra})


def _last_event(dossier: Dossier, action: str) -> DossierEvent | None:
    return dossier.events.filter(action=action).select_related("actor").order_by("-seq").first()


@login_required
@require_GET
def receipt(request: HttpRequest, key: str) -> HttpResponse:
    """Form 01: the receipt and appointment slip of an accepted dossier."""
    dossier = selectors.dossier_for(request.user, key)
    if not dossier.code or dossier.received_at is None:
        raise Http404(_("Hồ sơ chưa được tiếp nhận nên chưa có giấy tiếp nhận."))
    documents = [d for d in dossier.received_documents.all() if not d.at_supplement]
    version = dossier.version
    return _render(request, "dossiers/print/receipt.html", dossier, documents=documents,
                   time_limit=time_limit_text(version.time_limit_value, version.time_limit_unit),
                   title=_("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"))


@login_required
@require_GET
def completion_guide(request: HttpRequest, key: str) -> HttpResponse:
    """Form 02: what the applicant must complete, as the desk wrote it."""
    dossier = selectors.dossier_for(request.user, key)
    event = _last_event(dossier, Action.REQUEST_COMPLETION)
    if event is None:
        raise Http404(_("Hồ sơ không có hướng dẫn bổ sung, hoàn thiện nào."))
    return _render(request, "dossiers/print/completion_guide.html", dossier, event=event,
                   items=event.data.get("missing") or dossier.reception_note.splitlines(),
                   title=_("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"))


@login_required
@require_GET
def refusal(request: HttpRequest, key: str) -> HttpResponse:
    """Form 03: the refusal to receive, with its reasons."""
    dossier = selectors.dossier_for(request.user, key)
    event = _last_event(dossier, Action.REFUSE)
    if dossier.status != Status.REFUSED or event is None:
        raise Http404(_("Hồ sơ không bị từ chối tiếp nhận."))
    return _render(request, "dossiers/print/refusal.html", dossier, event=event,
                   title=_("Phiếu từ chối tiếp nhận giải quyết hồ sơ"))


@login_required
@require_GET
def control_slip(request: HttpRequest, key: str) -> HttpResponse:
    """Form 06: every hand-over of the dossier, with each step's timeliness."""
    dossier = selectors.dossier_for(request.user, key)
    if not dossier.code:
        raise Http404(_("Hồ sơ chưa được tiếp nhận nên chưa có phiếu kiểm soát."))
    return _render(request, "dossiers/print/control_slip.html", dossier, slip=selectors.control_slip(dossier),
                   title=_("Phiếu kiểm soát quá trình giải quyết hồ sơ"))
