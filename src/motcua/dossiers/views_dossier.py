"""One dossier's page: what was filed, its files, its current steps and deadline with the
explanation, every event, the process-control slip, and the actions the viewer may take now
(:func:`selectors.available_actions`) — each a small form posting to its own view, carrying
the ``lock_version`` the officer saw."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from motcua.catalog.models import RequiredDocument
from motcua.dossiers import forms, permissions, process, selectors, services
from motcua.dossiers.models import (
    Action,
    ApplicantKind,
    Channel,
    Dossier,
    DossierStep,
    FileKind,
    Outcome,
    ReturnMethod,
    Status,
    StepStatus,
    Timeliness,
)
from motcua.dossiers.views import detail_url, key_of
from motcua.dossiers.workflow import ActionRefused, changed_message
from motcua.org.models import Position, Unit, User


@dataclass(frozen=True)
class ActionPage:
    """How the page offers one action: its form, the service it calls, the address (a slug of
    ``/ho-so/<code>/``), the message once done, the button's style and whether the viewer
    chooses the step it is taken on (among :func:`selectors.action_steps`)."""

    form: type[forms.ActionForm]
    service: Callable[..., Dossier]
    slug: str
    done: Any
    style: str = "outline-primary"
    steps: bool = False


ACTION_PAGES: dict[str, ActionPage] = {
    Action.FORWARD: ActionPage(forms.ForwardForm, services.forward, "chuyen-buoc",
                               gettext_lazy("Đã chuyển hồ sơ sang bước tiếp theo."), "primary", True),
    Action.APPROVE: ActionPage(forms.ApproveForm, services.approve, "phe-duyet",
                               gettext_lazy("Đã phê duyệt; kết quả được chuyển về Bộ phận Một cửa."),
                               "success", True),
    Action.ASSIGN: ActionPage(forms.AssignForm, services.assign_step, "phan-cong",
                              gettext_lazy("Đã phân công xử lý hồ sơ."), steps=True),
    Action.SEND_BACK: ActionPage(forms.SendBackForm, services.send_back, "tra-lai",
                                 gettext_lazy("Đã trả hồ sơ về bước trước."), "outline-warning", True),
    Action.REQUEST_SUPPLEMENT: ActionPage(forms.SupplementRequestForm, services.request_supplement,
                                          "yeu-cau-bo-sung",
                                          gettext_lazy("Đã yêu cầu bổ sung hồ sơ; thời hạn tạm dừng cho "
                                                       "đến khi nhận đủ hồ sơ bổ sung."),
                                          "outline-warning", True),
    Action.RECEIVE_SUPPLEMENT: ActionPage(forms.ReceiveSupplementForm, services.receive_supplement,
                                          "nhan-bo-sung",
                                          gettext_lazy("Đã nhận hồ sơ bổ sung; thời hạn tiếp tục được tính."),
                                          "primary"),
    Action.PAUSE: ActionPage(forms.PauseForm, services.pause, "tam-dung",
                             gettext_lazy("Đã tạm dừng thời hạn chờ người nộp thực hiện nghĩa vụ tài chính."),
                             "outline-warning"),
    Action.RESUME: ActionPage(forms.NoteForm, services.resume, "tiep-tuc",
                              gettext_lazy("Hồ sơ tiếp tục được giải quyết."), "primary"),
    Action.APOLOGIZE: ActionPage(forms.ApologizeForm, services.apologize, "xin-loi-hen-lai",
                                 gettext_lazy("Đã ghi nhận văn bản xin lỗi và hẹn lại ngày trả kết quả."),
                                 "outline-warning"),
    Action.REJECT: ActionPage(forms.RejectForm, services.reject, "khong-giai-quyet",
                              gettext_lazy("Đã ghi nhận không giải quyết; văn bản trả lời được chuyển về "
                                           "Bộ phận Một cửa."), "outline-danger", True),
    Action.RETURN: ActionPage(forms.ReturnForm, services.return_result, "tra-ket-qua",
                              gettext_lazy("Đã trả kết quả giải quyết."), "success"),
    Action.WITHDRAW: ActionPage(forms.WithdrawForm, services.withdraw, "dung-giai-quyet",
                                gettext_lazy("Đã dừng giải quyết hồ sơ theo yêu cầu của người nộp."),
                                "outline-danger"),
    Action.CANCEL: ActionPage(forms.CancelForm, services.cancel_dossier, "huy",
                              gettext_lazy("Đã hủy hồ sơ tiếp nhận nhầm."), "outline-danger"),
    Action.ATTACH: ActionPage(forms.AttachForm, services.attach_files, "dinh-kem",
                              gettext_lazy("Đã đính kèm tệp vào hồ sơ."), "outline-secondary"),
}


# -- what each form offers ----------------------------------------------------------------------
def _optional_next(dossier: Dossier, steps: list[DossierStep]) -> str:
    """The optional steps of the stage after the one being finished (a field inspection), which
    the officer may include when forwarding."""
    if not steps:
        return ""
    stages = process.stages(dossier.version)
    index = process.stage_index(dossier.version, steps[0].process_step_id)
    if index < 0 or index + 1 >= len(stages):
        return ""
    return "; ".join(s.name for s in stages[index + 1] if s.optional)


def _assign_choices(user: User, dossier: Dossier, steps: list[DossierStep]) -> dict[str, Any]:
    """The officers of the steps' units (a head assigns one of them); the other units the viewer
    may move the step to (those they lead; any unit of the agency for its leaders)."""
    units = {s.unit_id for s in steps}
    officers: dict[tuple[int, int], tuple[User, Unit]] = {}
    for p in (Position.objects.active_on()
              .filter(unit_id__in=units, role__in=permissions.WORKER_ROLES, user__is_active=True)
              .select_related("user", "unit").order_by("unit__name", "user__full_name")):
        officers.setdefault((p.user_id, p.unit_id), (p.user, p.unit))
    if permissions.is_agency_leader(user, dossier.agency_id):
        others = Unit.objects.filter(agency_id=dossier.agency_id)
    else:
        others = Unit.objects.filter(pk__in=permissions.led_unit_ids(user))
    others = [u for u in others.active_on().order_by("name") if u.pk not in units]
    return {"officers": list(officers.values()), "units": others}


def action_form(name: str, user: User, dossier: Dossier, active: list[DossierStep],
                data=None, files=None) -> forms.ActionForm:
    page = ACTION_PAGES[name]
    kwargs: dict[str, Any] = {"dossier": dossier}
    if page.steps:
        kwargs["steps"] = selectors.action_steps(user, dossier, name, active)
    if name == Action.FORWARD:
        kwargs["optional_step"] = _optional_next(dossier, kwargs["steps"])
    elif name == Action.ASSIGN:
        kwargs.update(_assign_choices(user, dossier, kwargs["steps"]))
    elif name == Action.RECEIVE_SUPPLEMENT:
        kwargs["documents"] = list(RequiredDocument.objects.filter(version_id=dossier.version_id)
                                   .order_by("position"))
    return page.form(data, files, prefix=name, **kwargs)


# -- the page -----------------------------------------------------------------------------------
def _label(choices: type[Any], value: str) -> Any:
    """``value``'s label, as ``get_FOO_display`` gives it (which rebuilds the field's choices at
    every call: a tenth of a millisecond each, many times on a page)."""
    return choices(value).label if value in choices.values else value


def _labels(dossier: Dossier, record: selectors.DossierRecord) -> dict[str, Any]:
    """The names of the dossier's choices; each event and file gets its own as ``label``."""
    for e in record.events:
        e.label = _label(Action, e.action)
    for f in record.files:
        f.label = _label(FileKind, f.kind)
    return {"status": _label(Status, dossier.status), "channel": _label(Channel, dossier.channel),
            "return_method": _label(ReturnMethod, dossier.return_method),
            "outcome": _label(Outcome, dossier.outcome), "timeliness": _label(Timeliness, dossier.timeliness),
            "applicant_kind": _label(ApplicantKind, dossier.applicant_kind)}


def _page(request: HttpRequest, dossier: Dossier, *, bound: tuple[str, forms.ActionForm] | None = None,
          status: int = 200) -> HttpResponse:
    record = selectors.dossier_record(dossier)
    steps, events, active = record.steps, record.events, record.active
    allowed = selectors.available_actions(request.user, dossier, active)
    offered = []
    for name in allowed:
        if name not in ACTION_PAGES:
            continue
        form = bound[1] if bound and bound[0] == name else action_form(name, request.user, dossier, active)
        offered.append({"name": name, "label": Action(name).label, "page": ACTION_PAGES[name], "form": form,
                        "url": f"{detail_url(dossier)}{ACTION_PAGES[name].slug}/",
                        "open": bool(bound and bound[0] == name)})
    deadline = selectors.deadline_of(dossier)
    return render(request, "dossiers/detail.html", {
        "dossier": dossier, "key": key_of(dossier), "labels": _labels(dossier, record),
        "steps": steps, "active": active,
        "actions": offered, "allowed": allowed,
        "reception_actions": [a for a in allowed if a in (Action.ACCEPT, Action.REFUSE,
                                                          Action.REQUEST_COMPLETION)],
        "deadline": deadline, "explanation": deadline.explanation.render() if deadline else [],
        "events": events, "slip": selectors.control_slip(dossier, steps, events),
        "documents": record.documents, "files": record.files,
        "completion_guided": any(e.action == Action.REQUEST_COMPLETION for e in events),
        "overdue": bool(dossier.due_at and dossier.is_open and deadline and deadline.is_overdue),
    }, status=status)


@login_required
@require_GET
def detail(request: HttpRequest, key: str) -> HttpResponse:
    return _page(request, selectors.dossier_for(request.user, key))


def _action_view(name: str) -> Callable[[HttpRequest, str], HttpResponse]:
    page = ACTION_PAGES[name]

    @login_required
    @require_POST
    def view(request: HttpRequest, key: str) -> HttpResponse:
        dossier = selectors.dossier_for(request.user, key)
        active = [s for s in selectors.steps_of(dossier) if s.status == StepStatus.ACTIVE]
        form = action_form(name, request.user, dossier, active, request.POST, request.FILES)
        if form.is_valid():
            try:
                page.service(actor=request.user, dossier=dossier, **form.arguments())
            except ActionRefused as exc:  # not possible in this state, or changed meanwhile
                messages.error(request, exc.message)
                return redirect(detail_url(dossier))
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, str(page.done))
                return redirect(detail_url(dossier))
        elif form.data.get(form.add_prefix("version")) != str(dossier.lock_version):
            messages.error(request, changed_message())  # the choices offered have changed too
            return redirect(detail_url(dossier))
        return _page(request, dossier, bound=(name, form), status=400)

    view.__name__ = view.__qualname__ = name
    return view


ACTION_VIEWS = {name: _action_view(name) for name in ACTION_PAGES}


@login_required
@require_GET
def file_download(request: HttpRequest, key: str, file_id: int) -> HttpResponse:
    """A file of a dossier the viewer may open (never served from the media folder directly)."""
    dossier = selectors.dossier_for(request.user, key)
    item = dossier.files.filter(pk=file_id).first()
    if item is None:
        raise Http404(_("Hồ sơ không có tệp này."))
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404(_("Tệp không còn trên máy chủ.")) from exc
    inline = item.content_type in ("application/pdf", "image/jpeg", "image/png")
    response = FileResponse(handle, as_attachment=not inline, filename=item.filename,
                            content_type=item.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

