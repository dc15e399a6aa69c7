"""Forms of the dossier pages. They only parse and present input: every rule (what a complete
dossier is, who may act, in which state) is checked by :mod:`motcua.dossiers.services`, whose
problems the views attach back to these forms next to the field they concern."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Procedure, RequiredDocument
from motcua.common.uploads import CheckedFile, check_upload
from motcua.dossiers.filing import ApplicantData, Filing
from motcua.dossiers.models import (
    ApplicantKind,
    Channel,
    Dossier,
    DossierStep,
    FileKind,
    ReturnMethod,
    Status,
)
from motcua.org.forms import DateInput, StyledForm
from motcua.org.models import Unit, User

SMALL_TEXTAREA = {"rows": 3}
#: A service's field names that a form calls otherwise.
SERVICE_ALIASES = {"note": "reason", "new_due_at": "new_date"}
#: Where the service's problems go on the reception form.
RECEPTION_FIELDS = {
    "applicant.kind": "kind", "applicant.name": "name", "applicant.id_number": "id_number",
    "applicant.phone": "phone", "applicant.email": "email", "applicant.address": "address",
}


class Styled(StyledForm):
    """:class:`StyledForm` with radio buttons styled as Bootstrap checks."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.RadioSelect):
                field.widget.attrs["class"] = "form-check-input"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class CheckedFilesField(forms.FileField):
    """Several files at once, each checked by :func:`check_upload` (type sniffed, size); the
    cleaned value is a list of :class:`CheckedFile`."""

    widget = MultipleFileInput

    def __init__(self, *args, types: tuple[str, ...] | None = None, **kwargs):
        kwargs.setdefault("required", False)
        self.types = types
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list[CheckedFile]:
        uploads = [u for u in (data if isinstance(data, list | tuple) else [data]) if u]
        if not uploads and self.required:
            raise ValidationError(_("Hãy chọn tệp."), code="required")
        checked, problems = [], []
        for upload in uploads:
            try:
                checked.append(check_upload(upload, types=self.types))
            except ValidationError as exc:
                problems.extend(exc.messages)
        if problems:
            raise ValidationError(problems)
        return checked


class OfferedChoiceField(forms.TypedChoiceField):
    """A choice among those the page offered, or any other number: the page may be stale, and
    whether the value is still allowed is for the service to say (“already changed”, “not
    yours to do”), not for the form."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("required", False)
        kwargs.setdefault("empty_value", None)
        super().__init__(*args, **kwargs)

    def valid_value(self, value) -> bool:
        return str(value).isdigit() and len(str(value)) < 12


def lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in (text or "").splitlines() if line.strip()]


# -- reception -----------------------------------------------------------------------------------
class ReceptionForm(Styled):
    """The reception page: procedure, applicant, documents, scans, request and return; then the
    officer's decision (accept, guide to complete, refuse)."""

    ACCEPT, COMPLETE, REFUSE = "accept", "complete", "refuse"

    procedure = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    #: A token per reception page: a double click or a resent form makes one dossier only.
    submission = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput,
                                 initial=lambda: uuid.uuid4().hex)
    decision = forms.ChoiceField(required=False, choices=[
        (ACCEPT, _("Tiếp nhận")), (COMPLETE, _("Hướng dẫn bổ sung")), (REFUSE, _("Từ chối tiếp nhận"))])
    channel = forms.ChoiceField(label=_("Hình thức nộp"), required=False, widget=forms.RadioSelect,
                                choices=[(Channel.DIRECT, Channel.DIRECT.label),
                                         (Channel.POST, Channel.POST.label)], initial=Channel.DIRECT)
    id_number = forms.CharField(
        label=_("Số định danh cá nhân / mã số thuế"), required=False, max_length=30,
        help_text=_("Nhập số để tìm người đã từng nộp hồ sơ; thông tin cũ sẽ được điền sẵn."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text", "autofocus": True}))
    kind = forms.ChoiceField(label=_("Người nộp là"), required=False, widget=forms.RadioSelect,
                             choices=ApplicantKind.choices, initial=ApplicantKind.PERSON)
    name = forms.CharField(label=_("Họ tên người nộp / tên tổ chức"), required=False, max_length=400)
    phone = forms.CharField(label=_("Điện thoại"), required=False, max_length=30,
                            widget=forms.TextInput(attrs={"inputmode": "tel"}))
    email = forms.CharField(label=_("Thư điện tử"), required=False, max_length=254,
                            widget=forms.TextInput(attrs={"inputmode": "email"}))
    address = forms.CharField(label=_("Địa chỉ"), required=False, max_length=400)
    documents_received = forms.TypedMultipleChoiceField(
        label=_("Giấy tờ đã nhận"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple)
    files = CheckedFilesField(label=_("Bản quét giấy tờ"),
                              help_text=_("Có thể chọn nhiều tệp (PDF, JPG, PNG, DOCX)."))
    request = forms.CharField(label=_("Nội dung yêu cầu giải quyết"), required=False, max_length=1200,
                              widget=forms.Textarea(attrs={"rows": 2}))
    sets = forms.IntegerField(label=_("Số bộ hồ sơ"), required=False, initial=1)
    return_method = forms.ChoiceField(label=_("Nhận kết quả"), required=False, widget=forms.RadioSelect,
                                      choices=ReturnMethod.choices, initial=ReturnMethod.DESK)
    return_address = forms.CharField(label=_("Địa chỉ nhận kết quả qua bưu chính"), required=False,
                                     max_length=400)
    missing = forms.CharField(
        label=_("Giấy tờ, nội dung cần bổ sung, hoàn thiện (mỗi dòng một mục)"), required=False,
        max_length=20000, widget=forms.Textarea(attrs={"rows": 4}))
    reason = forms.CharField(label=_("Lý do từ chối tiếp nhận (nêu căn cứ)"), required=False,
                             max_length=4000, widget=forms.Textarea(attrs=SMALL_TEXTAREA))

    def __init__(self, *args, documents: list[RequiredDocument] = (), post_return: bool = True,
                 existing: Dossier | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.documents = list(documents)
        self.existing = existing
        self.fields["documents_received"].choices = [(d.pk, d.name) for d in self.documents]
        if not post_return:
            self.fields["return_method"].choices = [(ReturnMethod.DESK, ReturnMethod.DESK.label)]
        if existing is not None:
            self.fields["channel"].choices = [(existing.channel, existing.get_channel_display())]

    @classmethod
    def initial_for(cls, dossier: Dossier) -> dict[str, Any]:
        """A dossier waiting at the desk, as its reception form starts."""
        return {
            "procedure": dossier.procedure.national_code, "version": dossier.lock_version,
            "channel": dossier.channel, "id_number": dossier.applicant_id_number,
            "kind": dossier.applicant_kind, "name": dossier.applicant_name, "phone": dossier.applicant_phone,
            "email": dossier.applicant_email, "address": dossier.applicant_address,
            "documents_received": [r.required_document_id for r in dossier.received_documents.all()
                                   if r.required_document_id],
            "request": dossier.request, "sets": dossier.sets, "return_method": dossier.return_method,
            "return_address": dossier.return_address,
        }

    def ticked(self) -> set[int]:
        """The documents ticked as the page shows them (posted, or initial)."""
        if self.is_bound:
            values = self.data.getlist("documents_received") if hasattr(self.data, "getlist") else []
            return {int(v) for v in values if str(v).isdigit()}
        return {int(v) for v in self.initial.get("documents_received", []) or []}

    def unticked_mandatory(self) -> list[str]:
        ticked = self.ticked()
        return [d.name for d in self.documents if d.mandatory and d.pk not in ticked]

    def filing(self, procedure: Procedure) -> Filing:
        """The filing as entered (a value the form refused is left at its default)."""
        data = self.cleaned_data
        channel = (self.existing.channel if self.existing is not None
                   else data.get("channel") or Channel.DIRECT)
        return Filing(
            procedure=procedure, channel=channel,
            applicant=ApplicantData(
                name=data.get("name", ""), id_number=data.get("id_number", ""),
                kind=data.get("kind") or ApplicantKind.PERSON, phone=data.get("phone", ""),
                email=data.get("email", ""), address=data.get("address", "")),
            documents_received=list(data.get("documents_received", [])), request=data.get("request", ""),
            sets=data["sets"] if data.get("sets") is not None else 1,
            return_method=data.get("return_method") or ReturnMethod.DESK,
            return_address=data.get("return_address", ""),
        )

    def add_service_errors(self, exc: ValidationError) -> None:
        """A service's problems next to their fields (the applicant's under their own names)."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for key, errors in exc.error_dict.items():
            name = RECEPTION_FIELDS.get(key, key)
            if name == "note":
                name = "reason" if self.data.get("decision") == self.REFUSE else "missing"
            self.add_error(name if name in self.fields else None, ValidationError(errors))


# -- the actions on a dossier -------------------------------------------------------------------
def step_label(step: DossierStep) -> str:
    return f"{step.name} — {step.unit.name}"


class ActionForm(Styled):
    """Every action form carries the dossier's ``lock_version`` as the officer saw it, so that
    a page gone stale is refused instead of acting on a state nobody looked at."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    step_field = False

    def __init__(self, *args, dossier: Dossier, steps: list[DossierStep] = (), **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("version", dossier.lock_version)
        super().__init__(*args, **kwargs)
        self.dossier = dossier
        if self.step_field:
            choices = [(s.pk, step_label(s)) for s in steps]
            self.fields["step"] = OfferedChoiceField(
                label=_("Bước"), choices=choices,
                widget=(forms.Select(attrs={"class": "form-select"}) if len(choices) > 1
                        else forms.HiddenInput))
            if len(choices) == 1:
                self.fields["step"].initial = choices[0][0]
            self.order_fields(["step", *[n for n in self.fields if n != "step"]])

    def arguments(self) -> dict[str, Any]:
        """The cleaned values as the service's keyword arguments."""
        return dict(self.cleaned_data)

    def add_service_errors(self, exc: ValidationError) -> None:
        """A service's problems next to the field they concern (its ``note`` is this form's
        reason, its moment this form's date), the rest on top."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for key, errors in exc.error_dict.items():
            name = key if key in self.fields else SERVICE_ALIASES.get(key)
            self.add_error(name if name in self.fields else None, ValidationError(errors))


class NoteForm(ActionForm):
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=4000,
                           widget=forms.Textarea(attrs=SMALL_TEXTAREA))


class ForwardForm(NoteForm):
    step_field = True
    include_optional = forms.BooleanField(required=False)

    def __init__(self, *args, optional_step: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if optional_step:
            self.fields["include_optional"].label = _("Thực hiện cả bước “%(step)s”") % {
                "step": optional_step}
        else:
            del self.fields["include_optional"]


class ApproveForm(NoteForm):
    step_field = True
    files = CheckedFilesField(label=_("Tệp kết quả giải quyết"))


class ReasonForm(ActionForm):
    reason = forms.CharField(label=_("Lý do"), max_length=4000, widget=forms.Textarea(attrs=SMALL_TEXTAREA))
    reason_required = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = self.reason_required


class RejectForm(ReasonForm):
    step_field = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("Lý do không giải quyết")


class SendBackForm(ActionForm):
    step_field = True
    note = forms.CharField(label=_("Lý do trả lại"), max_length=4000,
                           widget=forms.Textarea(attrs=SMALL_TEXTAREA))


class PauseForm(ReasonForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("Nghĩa vụ tài chính người nộp phải thực hiện")


class WithdrawForm(ReasonForm):
    reason_required = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("Lý do người nộp xin dừng giải quyết")


class CancelForm(ReasonForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("Lý do hủy (tiếp nhận nhầm)")


class AssignForm(ActionForm):
    step_field = True
    assignee = OfferedChoiceField(label=_("Cán bộ xử lý"))
    unit = OfferedChoiceField(label=_("Chuyển sang đơn vị khác"))
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, officers: list[tuple[User, Unit]] = (), units: list[Unit] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("— Giữ nguyên —"))] + [
            (user.pk, f"{user.display_name()} — {unit.name}") for user, unit in officers]
        if units:
            self.fields["unit"].choices = [("", _("— Giữ nguyên —"))] + [(u.pk, u.name) for u in units]
        else:
            del self.fields["unit"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("assignee") is not None:
            data["assignee"] = User.objects.filter(pk=data["assignee"], is_active=True).first()
            if data["assignee"] is None:
                self.add_error("assignee", _("Không có cán bộ này."))
        if data.get("unit") is not None:
            data["unit"] = Unit.objects.filter(pk=data["unit"]).first()
            if data["unit"] is None:
                self.add_error("unit", _("Không có đơn vị này."))
        return data

    def arguments(self) -> dict[str, Any]:
        data = super().arguments()
        data.setdefault("unit", None)
        return data


class SupplementRequestForm(ActionForm):
    step_field = True
    items = forms.CharField(label=_("Giấy tờ, nội dung cần bổ sung (mỗi dòng một mục)"), max_length=20000,
                            widget=forms.Textarea(attrs={"rows": 4}))
    note = forms.CharField(label=_("Lý do"), required=False, max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def arguments(self) -> dict[str, Any]:
        data = super().arguments()
        data["items"] = lines(data["items"])
        return data


class ReceiveSupplementForm(NoteForm):
    documents = forms.TypedMultipleChoiceField(label=_("Giấy tờ nhận bổ sung"), required=False, coerce=int,
                                               widget=forms.CheckboxSelectMultiple)
    files = CheckedFilesField(label=_("Bản quét giấy tờ bổ sung"))

    def __init__(self, *args, documents: list[RequiredDocument] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].choices = [(d.pk, d.name) for d in documents]


class ApologizeForm(ActionForm):
    new_date = forms.DateField(label=_("Ngày hẹn trả mới"), widget=DateInput)
    new_time = forms.TimeField(label=_("Giờ hẹn trả mới"), initial=dt.time(16, 30),
                               widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    reason = forms.CharField(label=_("Lý do chậm giải quyết"), max_length=4000,
                             widget=forms.Textarea(attrs=SMALL_TEXTAREA))

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        zone = ZoneInfo(self.dossier.agency.time_zone)
        return {"new_due_at": dt.datetime.combine(data["new_date"], data["new_time"], tzinfo=zone),
                "reason": data["reason"], "version": data["version"]}


class ReturnForm(ActionForm):
    method = forms.ChoiceField(label=_("Hình thức trả"), choices=ReturnMethod.choices,
                               widget=forms.RadioSelect)
    received_by = forms.CharField(label=_("Họ tên người nhận kết quả"), required=False, max_length=300)
    tracking_number = forms.CharField(label=_("Số hiệu bưu gửi"), required=False, max_length=100)
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].initial = self.dossier.return_method
        self.fields["received_by"].initial = self.dossier.applicant_name


class AttachForm(ActionForm):
    files = CheckedFilesField(label=_("Tệp đính kèm"), required=True)
    kind = forms.ChoiceField(label=_("Loại tệp"), choices=FileKind.choices, initial=FileKind.SCAN)


# -- the work queues ----------------------------------------------------------------------------
class QueueFilterForm(Styled):
    q = forms.CharField(label=_("Tìm hồ sơ"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={
                            "type": "search", "placeholder": _("Mã hồ sơ, người nộp, số định danh…")}))
    procedure = forms.ChoiceField(label=_("Thủ tục"), required=False)
    unit = forms.TypedChoiceField(label=_("Đơn vị đang xử lý"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Trạng thái"), required=False,
                               choices=[("", _("Tất cả trạng thái")), *Status.choices])
    channel = forms.ChoiceField(label=_("Kênh nộp"), required=False,
                                choices=[("", _("Tất cả kênh")), *Channel.choices])
    received_from = forms.DateField(label=_("Tiếp nhận từ ngày"), required=False, widget=DateInput)
    received_to = forms.DateField(label=_("đến ngày"), required=False, widget=DateInput)

    def __init__(self, *args, procedures: list[tuple[str, str]] = (), units: list[tuple[int, str]] = (),
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedure"].choices = [("", _("Tất cả thủ tục")), *procedures]
        self.fields["unit"].choices = [("", _("Tất cả đơn vị")), *units]
