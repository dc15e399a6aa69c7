"""Forms of the catalogue pages. They only parse and present input: the procedure itself is
checked by :func:`motcua.catalog.spec.parse_procedure` (through the services), whose problems the
views attach back to these forms next to the field they concern."""

from __future__ import annotations

import base64
import contextlib
import re
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import (
    Field,
    Level,
    OnlineLevel,
    ResultKind,
    Status,
    StepKind,
    TimeUnit,
)
from motcua.catalog.spec import TEMPLATE_MAX_BYTES, TEMPLATE_TYPES, content_matches
from motcua.org.forms import DateInput, StyledForm
from motcua.org.models import Agency, Role, Unit, UnitKind
from motcua.worktime.forms import RULE_PRESETS

STATUS_FILTERS = (
    (Status.IN_FORCE, _("Đang áp dụng")),
    (Status.SUSPENDED, _("Tạm ngừng")),
    (Status.REPEALED, _("Đã bãi bỏ")),
    ("draft", _("Có bản nháp chưa ban hành")),
)
SMALL_TEXTAREA = {"rows": 3}


def unit_choices(agency: Agency, current: list[str] | None = None) -> list[tuple[str, str]]:
    """The agency's active units (the one-stop desks first), by code; a unit referenced by the
    procedure but no longer active is kept (marked) so that the problem shows next to it."""
    units = list(Unit.objects.filter(agency=agency).active_on().order_by("name"))
    units.sort(key=lambda u: u.kind != UnitKind.DESK)
    choices = [("", str(_("— Không chọn —")))]
    choices += [(u.code, u.name) for u in units]
    known = {u.code for u in units}
    for code in current or []:
        if code and code not in known:
            unit = Unit.objects.filter(agency=agency, code=code).first()
            label = unit.name if unit else code
            choices.append((code, str(_("%(name)s (đã ngừng hoạt động)")) % {"name": label}))
            known.add(code)
    return choices


# -- list --------------------------------------------------------------------------------------------
class ProcedureFilterForm(StyledForm):
    q = forms.CharField(label=_("Tìm thủ tục"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Mã, tên, từ khóa…")}))
    field = forms.ChoiceField(label=_("Lĩnh vực"), required=False)
    status = forms.ChoiceField(label=_("Trạng thái"), required=False,
                               choices=[("", _("Tất cả")), *STATUS_FILTERS])

    def __init__(self, *args, fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", _("Tất cả lĩnh vực")), *((f.code, f.name) for f in fields)]


# -- the editor --------------------------------------------------------------------------------------
class GeneralForm(StyledForm):
    """A procedure's own information (everything but its documents, fees and steps)."""

    code = forms.CharField(label=_("Mã thủ tục"), max_length=40,
                           help_text=_("Mã trên Cơ sở dữ liệu quốc gia về thủ tục hành chính, "
                                       "ví dụ 1.004227"))
    name = forms.CharField(label=_("Tên thủ tục"), max_length=500)
    field = forms.ChoiceField(label=_("Lĩnh vực"))
    level = forms.ChoiceField(label=_("Cấp thực hiện"), choices=Level.choices)
    implementing_agency = forms.CharField(label=_("Cơ quan thực hiện"), max_length=300, required=False)
    deciding_authority = forms.CharField(label=_("Cơ quan có thẩm quyền quyết định"), max_length=300,
                                         required=False)
    receiving_desk = forms.ChoiceField(label=_("Nơi tiếp nhận"), required=False)
    time_limit_value = forms.CharField(label=_("Thời hạn giải quyết"), max_length=12,
                                       help_text=_("Ví dụ 10 hoặc 0,5"))
    time_limit_unit = forms.ChoiceField(label=_("Đơn vị thời hạn"), choices=TimeUnit.choices)
    counting_rule = forms.ChoiceField(
        label=_("Cách tính thời hạn"),
        choices=[(code, preset.label) for code, preset in RULE_PRESETS.items()])
    time_limit_note = forms.CharField(label=_("Ghi chú về thời hạn"), required=False, max_length=2000,
                                      widget=forms.Textarea(attrs=SMALL_TEXTAREA))
    result_kind = forms.ChoiceField(label=_("Loại kết quả"), choices=ResultKind.choices)
    result = forms.CharField(label=_("Kết quả thực hiện"), max_length=500)
    online_level = forms.ChoiceField(label=_("Dịch vụ công trực tuyến"), choices=OnlineLevel.choices)
    post_return = forms.BooleanField(label=_("Trả kết quả qua bưu chính"), required=False)
    eligibility = forms.CharField(label=_("Yêu cầu, điều kiện thực hiện"), required=False, max_length=5000,
                                  widget=forms.Textarea(attrs=SMALL_TEXTAREA))
    sequence = forms.CharField(label=_("Trình tự thực hiện"), required=False, max_length=10000,
                               widget=forms.Textarea(attrs={"rows": 5}))
    legal_basis = forms.CharField(label=_("Căn cứ pháp lý"), required=False,
                                  help_text=_("Mỗi văn bản một dòng."),
                                  widget=forms.Textarea(attrs=SMALL_TEXTAREA))
    keywords = forms.CharField(label=_("Từ khóa, tên gọi khác"), required=False, max_length=2000,
                               help_text=_("Cách nhau bằng dấu phẩy, ví dụ: sổ đỏ, sổ hồng"))
    fee_note = forms.CharField(label=_("Ghi chú về phí, lệ phí"), required=False, max_length=2000,
                               widget=forms.Textarea(attrs=SMALL_TEXTAREA))

    def __init__(self, *args, agency: Agency, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", _("— Chọn lĩnh vực —")),
                                        *Field.objects.values_list("code", "name")]
        initial_desk = self.initial.get("receiving_desk") or ""
        self.fields["receiving_desk"].choices = unit_choices(agency, [initial_desk])
        if not creating:
            del self.fields["code"]

    def to_data(self) -> dict[str, Any]:
        """The cleaned values in the catalogue format."""
        d = self.cleaned_data
        data = {name: d[name] for name in (
            "name", "field", "level", "implementing_agency", "deciding_authority", "receiving_desk",
            "time_limit_note", "counting_rule", "result_kind", "result", "online_level", "post_return",
            "eligibility", "sequence", "fee_note")}
        if "code" in d:
            data["code"] = d["code"]
        data["time_limit"] = {"value": d["time_limit_value"], "unit": d["time_limit_unit"]}
        data["legal_basis"] = [line.strip() for line in d["legal_basis"].splitlines() if line.strip()]
        data["keywords"] = [k.strip() for k in re.split(r"[,;\n]", d["keywords"]) if k.strip()]
        return data

    @staticmethod
    def initial_from(data: dict[str, Any]) -> dict[str, Any]:
        """Form initial values from a procedure in the catalogue format."""
        initial = {k: v for k, v in data.items() if not isinstance(v, list | dict)}
        initial["time_limit_value"] = data["time_limit"]["value"].replace(".", ",")
        initial["time_limit_unit"] = data["time_limit"]["unit"]
        initial["legal_basis"] = "\n".join(data.get("legal_basis", []))
        initial["keywords"] = ", ".join(data.get("keywords", []))
        return initial


class DocumentForm(StyledForm):
    name = forms.CharField(label=_("Tên giấy tờ"), max_length=500)
    originals = forms.IntegerField(label=_("Số bản chính"), min_value=0, max_value=99, initial=1)
    copies = forms.IntegerField(label=_("Số bản sao"), min_value=0, max_value=99, initial=0)
    mandatory = forms.BooleanField(label=_("Bắt buộc"), required=False, initial=True)
    file_types = forms.CharField(label=_("Loại tệp chấp nhận"), max_length=200, required=False,
                                 initial="pdf, jpg, png, docx", help_text=_("Ví dụ: pdf, jpg"))
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)
    template_file = forms.FileField(
        label=_("Tải lên mẫu đơn, tờ khai"), required=False,
        help_text=_("pdf, doc, docx, xls, xlsx hoặc odt, tối đa 5 MB"))
    template_sha256 = forms.CharField(required=False, widget=forms.HiddenInput)
    template_filename = forms.CharField(required=False, widget=forms.HiddenInput)
    remove_template = forms.BooleanField(label=_("Bỏ mẫu hiện có"), required=False)

    def clean_template_file(self) -> dict[str, str] | None:
        upload: UploadedFile | None = self.cleaned_data.get("template_file")
        if not upload:
            return None
        filename = upload.name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
        extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        if extension not in TEMPLATE_TYPES:
            raise forms.ValidationError(_("Tệp mẫu phải là một trong: %(types)s.")
                                        % {"types": ", ".join(TEMPLATE_TYPES)})
        if upload.size > TEMPLATE_MAX_BYTES:
            raise forms.ValidationError(_("Tệp mẫu lớn quá 5 MB."))
        content = upload.read()
        if not content_matches(extension, content):
            raise forms.ValidationError(_("Nội dung tệp “%(name)s” không phải là tệp %(ext)s hợp lệ.")
                                        % {"name": filename, "ext": extension})
        return {"filename": filename, "base64": base64.b64encode(content).decode("ascii")}

    def to_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        template = d.get("template_file")
        if template is None and d.get("template_sha256") and not d.get("remove_template"):
            template = {"filename": d.get("template_filename") or "", "sha256": d["template_sha256"]}
        return {"name": d["name"], "originals": d["originals"], "copies": d["copies"],
                "mandatory": d["mandatory"], "file_types": d["file_types"] or "", "note": d["note"],
                "template": template}

    @staticmethod
    def initial_from(item: dict[str, Any]) -> dict[str, Any]:
        template = item.get("template") or {}
        return {"name": item["name"], "originals": item["originals"], "copies": item["copies"],
                "mandatory": item["mandatory"], "file_types": ", ".join(item["file_types"]),
                "note": item["note"], "template_sha256": template.get("sha256", ""),
                "template_filename": template.get("filename", "")}


class FeeForm(StyledForm):
    name = forms.CharField(label=_("Tên phí, lệ phí"), max_length=300)
    amount = forms.CharField(label=_("Mức thu (đồng)"), max_length=30, help_text=_("Ví dụ 100.000"))
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)

    def to_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {"name": d["name"], "amount": d["amount"], "note": d["note"]}

    @staticmethod
    def initial_from(item: dict[str, Any]) -> dict[str, Any]:
        return {"name": item["name"], "amount": f"{item['amount']:,}".replace(",", "."), "note": item["note"]}


class StepForm(StyledForm):
    position = forms.IntegerField(label=_("Thứ tự"), required=False, min_value=0, max_value=999)
    name = forms.CharField(label=_("Tên bước"), max_length=300)
    kind = forms.ChoiceField(label=_("Loại bước"), choices=[("", _("— Chọn —")), *StepKind.choices])
    unit = forms.ChoiceField(label=_("Đơn vị thực hiện"), required=False)
    role = forms.ChoiceField(label=_("Vai trò"), required=False, choices=[("", "—"), *Role.choices])
    allotted_value = forms.CharField(label=_("Thời gian thực hiện"), max_length=12)
    allotted_unit = forms.ChoiceField(label=_("Đơn vị thời gian"), choices=TimeUnit.choices,
                                      initial=TimeUnit.DAY)
    optional = forms.BooleanField(label=_("Chỉ khi cần"), required=False)
    parallel_group = forms.CharField(label=_("Nhóm song song"), max_length=20, required=False)
    external_agency = forms.CharField(label=_("Cơ quan phối hợp"), max_length=300, required=False)
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = unit_choices(agency, [self.initial.get("unit") or ""])

    def to_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {"name": d["name"], "kind": d["kind"], "unit": d["unit"], "role": d["role"],
                "allotted": {"value": d["allotted_value"], "unit": d["allotted_unit"]},
                "optional": d["optional"], "parallel_group": d["parallel_group"],
                "external_agency": d["external_agency"], "note": d["note"]}

    @staticmethod
    def initial_from(item: dict[str, Any], position: int) -> dict[str, Any]:
        return {"position": position, "name": item["name"], "kind": item["kind"], "unit": item["unit"],
                "role": item["role"], "allotted_value": item["allotted"]["value"].replace(".", ","),
                "allotted_unit": item["allotted"]["unit"], "optional": item["optional"],
                "parallel_group": item["parallel_group"], "external_agency": item["external_agency"],
                "note": item["note"]}


class _UnitAwareFormSet(forms.BaseFormSet):
    def __init__(self, *args, agency: Agency | None = None, **kwargs):
        self.agency = agency
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if self.form is StepForm:
            kwargs["agency"] = self.agency
        return kwargs

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if self.can_delete and forms.formsets.DELETION_FIELD_NAME in form.fields:
            form.fields[forms.formsets.DELETION_FIELD_NAME].label = _("Xóa dòng này")
            form.fields[forms.formsets.DELETION_FIELD_NAME].widget.attrs["class"] = "form-check-input"

    def rows(self) -> list[forms.Form]:
        """The filled rows that are kept (not deleted, not left empty), in form order."""
        return [f for f in self.forms if f.has_changed() or not f.empty_permitted
                if not (self.can_delete and self._should_delete_form(f))]


DocumentFormSet = formset_factory(DocumentForm, formset=_UnitAwareFormSet, extra=1, can_delete=True,
                                  max_num=200, absolute_max=300)
FeeFormSet = formset_factory(FeeForm, formset=_UnitAwareFormSet, extra=1, can_delete=True,
                             max_num=100, absolute_max=200)
StepFormSet = formset_factory(StepForm, formset=_UnitAwareFormSet, extra=2, can_delete=True,
                              max_num=200, absolute_max=300)


# -- the other verbs -----------------------------------------------------------------------------------
class PublishForm(StyledForm):
    effective_from = forms.DateField(label=_("Áp dụng từ ngày"), widget=DateInput())
    decision = forms.CharField(label=_("Quyết định công bố"), max_length=300, required=False,
                               help_text=_("Ví dụ: Quyết định số 1234/QĐ-UBND ngày 01/7/2025"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("effective_from", timezone.localdate())


class CopyForm(StyledForm):
    code = forms.CharField(label=_("Mã thủ tục mới"), max_length=40,
                           help_text=_("Mã trên Cơ sở dữ liệu quốc gia, ví dụ 1.004227"))
    name = forms.CharField(label=_("Tên thủ tục mới"), max_length=500)


class StatusForm(StyledForm):
    since = forms.DateField(label=_("Từ ngày"), widget=DateInput())
    note = forms.CharField(label=_("Căn cứ, ghi chú"), max_length=300, required=False,
                           help_text=_("Ví dụ: quyết định tạm ngừng, bãi bỏ"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("since", timezone.localdate())


class ConfirmForm(StyledForm):
    """A confirmation with nothing to fill in."""


# -- the editor page as a whole ------------------------------------------------------------------------
SECTIONS = ("documents", "fees", "steps")
_GENERAL_KEYS = ("code", "name", "field", "level", "implementing_agency", "deciding_authority",
                 "receiving_desk", "time_limit_note", "counting_rule", "result_kind", "result",
                 "online_level", "post_return", "eligibility", "sequence", "fee_note", "legal_basis",
                 "keywords")
_ROW_FIELDS = {"template": "template_file", "allotted": "allotted_value"}


def add_row(post, section: str):
    """A copy of the posted data with one more empty row in ``section`` (the “Thêm dòng” button)."""
    post = post.copy()
    key = f"{section}-TOTAL_FORMS"
    with contextlib.suppress(ValueError):
        post[key] = str(min(int(post.get(key, "0")) + 1, 200))
    return post


class ProcedureEditor:
    """The editor page's forms: the general information and the documents, fees and steps
    formsets. Builds the catalogue-format data and puts the parser's problems back next to the
    fields they concern."""

    def __init__(self, *, agency: Agency, data: dict[str, Any] | None, post=None, files=None) -> None:
        self.creating = data is None
        self.base = dict(data or {})
        initial = GeneralForm.initial_from(data) if data else {
            "level": Level.PROVINCE, "time_limit_unit": TimeUnit.DAY, "counting_rule": "working_days",
            "result_kind": ResultKind.CERTIFICATE, "online_level": OnlineLevel.PARTIAL}
        self.general = GeneralForm(post, initial=initial, agency=agency, creating=self.creating)
        self.documents = DocumentFormSet(
            post, files, prefix="documents",
            initial=[DocumentForm.initial_from(d) for d in self.base.get("documents", [])])
        self.fees = FeeFormSet(post, prefix="fees",
                               initial=[FeeForm.initial_from(f) for f in self.base.get("fees", [])])
        self.steps = StepFormSet(
            post, prefix="steps", agency=agency,
            initial=[StepForm.initial_from(s, i) for i, s in enumerate(self.base.get("steps", []), start=1)])
        self.section_errors: dict[str, list[str]] = {name: [] for name in SECTIONS}
        self.order: dict[str, list[forms.Form]] = {name: [] for name in SECTIONS}

    @property
    def formsets(self) -> dict[str, forms.BaseFormSet]:
        return {"documents": self.documents, "fees": self.fees, "steps": self.steps}

    def is_valid(self) -> bool:
        results = [self.general.is_valid(), *(fs.is_valid() for fs in self.formsets.values())]
        return all(results)

    def to_data(self) -> dict[str, Any]:
        """The procedure in the catalogue format (status, effective date and decision kept)."""
        data = {**self.base, **self.general.to_data()}
        self.order["documents"] = self.documents.rows()
        self.order["fees"] = self.fees.rows()
        rows = list(enumerate(self.steps.rows()))
        rows.sort(key=lambda pair: (pair[1].cleaned_data.get("position") is None,
                                    pair[1].cleaned_data.get("position") or 0, pair[0]))
        self.order["steps"] = [form for _, form in rows]
        for section in SECTIONS:
            data[section] = [form.to_data() for form in self.order[section]]
        return data

    def _targets(self, data: dict[str, Any]) -> dict[tuple, tuple[Any, str | None]]:
        """Where each place of the data (a problem's path) is shown on the page."""
        general = self.general
        targets: dict[tuple, tuple[Any, str | None]] = {}
        for key in _GENERAL_KEYS:
            targets[(key,)] = (general, key if key in general.fields else None)
        for key in ("legal_basis", "keywords"):
            for index in range(len(data.get(key, []))):
                targets[(key, index)] = (general, key)
        targets[("time_limit",)] = (general, "time_limit_value")
        targets[("time_limit", "value")] = (general, "time_limit_value")
        targets[("time_limit", "unit")] = (general, "time_limit_unit")
        for section in SECTIONS:
            targets[(section,)] = (section, None)
            for index, form in enumerate(self.order[section]):
                targets[(section, index)] = (form, None)
                for key in (*form.fields, "template", "allotted"):
                    name = _ROW_FIELDS.get(key, key)
                    targets[(section, index, key)] = (form, name if name in form.fields else None)
                targets[(section, index, "allotted", "unit")] = (form, "allotted_unit")
                targets[(section, index, "allotted", "value")] = (form, "allotted_value")
        return targets

    def attach(self, problems, data: dict[str, Any]) -> None:
        """Show each problem next to its field, row or section (else at the top)."""
        targets = self._targets(data)
        for problem in problems:
            target, name = targets.get(problem.path, (None, None))
            if isinstance(target, str):
                self.section_errors[target].append(problem.message)
            elif target is not None:
                target.add_error(name, problem.message)
            else:
                self.general.add_error(None, str(problem))
        self.note_unsaved_uploads()

    def note_unsaved_uploads(self) -> None:
        """A chosen file is not kept when the page comes back with errors: say so next to it."""
        for form in self.documents.forms:
            if form.files.get(form.add_prefix("template_file")) and "template_file" not in form.errors:
                form.add_error("template_file", _("Tệp chưa được lưu vì còn lỗi; hãy chọn lại tệp."))

    @property
    def has_errors(self) -> bool:
        return bool(self.general.errors or any(self.section_errors.values())
                    or any(fs.total_error_count() for fs in self.formsets.values()))
