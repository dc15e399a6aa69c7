"""Forms of the organisation pages. They only parse and present input: every rule is checked by
the services in :mod:`motcua.org.services`, whose errors the views attach back to these forms."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.org.access import descendants
from motcua.org.models import Agency, Role, Unit, UnitKind, User
from motcua.org.selectors import UnitNode, unit_ancestors, unit_tree

INDENT = "\u00a0\u00a0\u00a0"


def _today():
    return timezone.localdate()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class UnitCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes rendered with Bootstrap's ``form-check`` markup."""

    template_name = "org/widgets/checkboxes.html"
    option_template_name = "org/widgets/checkbox_option.html"


class StyledForm(forms.Form):
    """Adds Bootstrap classes to widgets, and marks fields with errors as invalid (visually and
    for screen readers), including errors attached later by a view from a service."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue  # styled by its own template
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:  # Django itself adds aria-invalid and aria-describedby
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                if "is-invalid" not in attrs.get("class", ""):
                    attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()


def _unit_label(node: UnitNode) -> str:
    return f"{INDENT * node.depth}{node.unit.name}"


class UnitChoiceField(forms.ChoiceField):
    """One unit, chosen from a list indented as the tree; cleans to a :class:`Unit` or None."""

    def __init__(self, *, empty_label=None, **kwargs):
        self.empty_label = empty_label or _("— Không có —")
        self._units: dict[str, Unit] = {}
        super().__init__(choices=(), **kwargs)

    def set_units(self, nodes: Iterable[UnitNode]) -> None:
        nodes = list(nodes)
        self._units = {str(n.unit.pk): n.unit for n in nodes}
        self.choices = [("", self.empty_label), *((str(n.unit.pk), _unit_label(n)) for n in nodes)]

    def clean(self, value):
        value = super().clean(value)
        return self._units.get(str(value)) if value else None


class UnitMultipleChoiceField(forms.MultipleChoiceField):
    """Several units, as checkboxes indented as the tree; cleans to a list of :class:`Unit`."""

    widget = UnitCheckboxes

    def __init__(self, **kwargs):
        self._units: dict[str, Unit] = {}
        super().__init__(choices=(), **kwargs)

    def set_units(self, nodes: Iterable[UnitNode]) -> None:
        nodes = list(nodes)
        self._units = {str(n.unit.pk): n.unit for n in nodes}
        self.choices = [(str(n.unit.pk), _unit_label(n)) for n in nodes]

    def clean(self, value):
        return [self._units[str(v)] for v in super().clean(value)]


def active_unit_nodes(agency: Agency, *, exclude: Iterable[int] = ()) -> list[UnitNode]:
    """Units of ``agency`` active today, in tree order, without the ids in ``exclude``."""
    excluded = set(exclude)
    return [n for n in unit_tree(agency) if n.unit.pk not in excluded]


# --- Units --------------------------------------------------------------------------------------


def _code_field() -> forms.SlugField:
    return forms.SlugField(
        label=_("Mã đơn vị"), max_length=30, allow_unicode=False,
        help_text=_("Chữ không dấu, chữ số và dấu gạch ngang; duy nhất trong cơ quan. "
                    "Ví dụ: vpdk-ninh-kieu"),
    )


class UnitCreateForm(StyledForm):
    name = forms.CharField(label=_("Tên đơn vị"), max_length=200)
    short_name = forms.CharField(label=_("Tên viết tắt"), max_length=60, required=False)
    code = _code_field()
    kind = forms.ChoiceField(label=_("Loại đơn vị"), choices=UnitKind.choices)
    parent = UnitChoiceField(label=_("Đơn vị cấp trên"), required=False,
                             empty_label=_("— Trực thuộc cơ quan —"))
    valid_from = forms.DateField(label=_("Hoạt động từ ngày"), initial=_today, widget=DateInput)
    decision = forms.CharField(label=_("Quyết định thành lập"), max_length=200, required=False,
                               help_text=_("Ví dụ: Quyết định số 12/QĐ-UBND ngày 02/01/2019"))
    address = forms.CharField(label=_("Địa chỉ"), max_length=300, required=False)
    phone = forms.CharField(label=_("Điện thoại"), max_length=50, required=False)

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].set_units(active_unit_nodes(agency))


class UnitEditForm(StyledForm):
    """Details of a unit. The name is changed by renaming, which keeps the old one in history."""

    short_name = forms.CharField(label=_("Tên viết tắt"), max_length=60, required=False)
    code = _code_field()
    kind = forms.ChoiceField(label=_("Loại đơn vị"), choices=UnitKind.choices)
    parent = UnitChoiceField(label=_("Đơn vị cấp trên"), required=False,
                             empty_label=_("— Trực thuộc cơ quan —"))
    decision = forms.CharField(label=_("Quyết định thành lập/thay đổi"), max_length=200,
                               required=False)
    address = forms.CharField(label=_("Địa chỉ"), max_length=300, required=False)
    phone = forms.CharField(label=_("Điện thoại"), max_length=50, required=False)

    def __init__(self, *args, unit: Unit, **kwargs):
        kwargs.setdefault("initial", {
            "short_name": unit.short_name, "code": unit.code, "kind": unit.kind,
            "parent": str(unit.parent_id or ""), "decision": unit.decision,
            "address": unit.address, "phone": unit.phone,
        })
        super().__init__(*args, **kwargs)
        # A unit cannot sit below itself or below one of its own sub-units.
        self.fields["parent"].set_units(active_unit_nodes(unit.agency,
                                                          exclude=descendants([unit])))


class UnitRenameForm(StyledForm):
    new_name = forms.CharField(label=_("Tên mới"), max_length=200)
    effective = forms.DateField(
        label=_("Dùng tên mới từ ngày"), initial=_today, widget=DateInput,
        help_text=_("Hồ sơ và báo cáo của thời gian trước ngày này vẫn mang tên cũ."),
    )
    decision = forms.CharField(label=_("Quyết định đổi tên"), max_length=200, required=False)


class UnitMergeForm(StyledForm):
    units = UnitMultipleChoiceField(label=_("Các đơn vị sáp nhập vào đơn vị này"))
    effective = forms.DateField(
        label=_("Sáp nhập có hiệu lực từ ngày"), initial=_today, widget=DateInput,
        help_text=_("Các đơn vị bị sáp nhập hoạt động đến hết ngày trước đó; đơn vị cấp dưới và "
                    "cán bộ đang công tác của chúng được chuyển sang đơn vị này."),
    )
    decision = forms.CharField(label=_("Quyết định sáp nhập"), max_length=200, required=False)

    def __init__(self, *args, into: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        # Neither the receiving unit nor a unit above it can be merged into it.
        exclude = {into.pk, *(u.pk for u in unit_ancestors(into))}
        self.fields["units"].set_units(active_unit_nodes(into.agency, exclude=exclude))


class UnitDissolveForm(StyledForm):
    effective = forms.DateField(
        label=_("Giải thể có hiệu lực từ ngày"), initial=_today, widget=DateInput,
        help_text=_("Đơn vị hoạt động đến hết ngày trước đó. Cần chuyển hoặc kết thúc vị trí của "
                    "cán bộ và đơn vị cấp dưới trước khi giải thể."),
    )
    decision = forms.CharField(label=_("Quyết định giải thể"), max_length=200, required=False)


# --- Staff --------------------------------------------------------------------------------------


class PasswordFieldsMixin(forms.Form):
    password1 = forms.CharField(
        label=_("Mật khẩu"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = password_validators_help_text_html()

    def clean_password2(self):
        first, second = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if first and second and first != second:
            raise forms.ValidationError(_("Hai mật khẩu không khớp."))
        return second


class StaffCreateForm(StyledForm, PasswordFieldsMixin):
    """A new staff account together with its first position."""

    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "off"}),
                               help_text=_("Chữ thường không dấu, chữ số và . @ + - _"))
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    phone = forms.CharField(label=_("Điện thoại"), max_length=30, required=False)
    unit = UnitChoiceField(label=_("Đơn vị công tác"), empty_label=_("— Chọn đơn vị —"))
    role = forms.ChoiceField(label=_("Vai trò"), choices=Role.choices)
    title = forms.CharField(label=_("Chức danh"), max_length=100, required=False,
                            help_text=_("Ví dụ: Trưởng phòng, Phó Giám đốc, Chuyên viên"))

    account_fields = ("username", "full_name", "email", "phone", "password1", "password2")
    position_fields = ("unit", "role", "title")

    field_order = [*account_fields, *position_fields]

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].set_units(active_unit_nodes(agency))

    def account_bound_fields(self):
        return [self[name] for name in self.account_fields]

    def position_bound_fields(self):
        return [self[name] for name in self.position_fields]


class StaffEditForm(StyledForm):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    phone = forms.CharField(label=_("Điện thoại"), max_length=30, required=False)
    is_active = forms.BooleanField(
        label=_("Tài khoản đang hoạt động (bỏ chọn để khóa tài khoản)"), required=False,
        help_text=_("Tài khoản bị khóa không đăng nhập được; lịch sử công tác vẫn được giữ."),
    )

    def __init__(self, *args, user: User, **kwargs):
        kwargs.setdefault("initial", {"full_name": user.full_name, "email": user.email,
                                      "phone": user.phone, "is_active": user.is_active})
        super().__init__(*args, **kwargs)


class StaffPasswordForm(StyledForm, PasswordFieldsMixin):
    field_order = ["password1", "password2"]


class PositionForm(StyledForm):
    unit = UnitChoiceField(label=_("Đơn vị"), empty_label=_("— Chọn đơn vị —"))
    role = forms.ChoiceField(label=_("Vai trò"), choices=Role.choices)
    title = forms.CharField(label=_("Chức danh"), max_length=100, required=False,
                            help_text=_("Ví dụ: Trưởng phòng, Phó Giám đốc, Chuyên viên"))
    valid_from = forms.DateField(label=_("Từ ngày"), initial=_today, widget=DateInput)

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].set_units(active_unit_nodes(agency))


class PositionEndForm(StyledForm):
    last_day = forms.DateField(label=_("Ngày cuối cùng giữ vị trí"), initial=_today,
                               widget=DateInput)


class StaffFilterForm(StyledForm):
    """The directory's search box and filters (GET)."""

    q = forms.CharField(label=_("Tìm cán bộ"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={
                            "type": "search", "placeholder": _("Họ tên, tên đăng nhập, thư điện tử"),
                            "autocomplete": "off"}))
    unit = UnitChoiceField(label=_("Đơn vị"), required=False, empty_label=_("Tất cả đơn vị"))
    role = forms.ChoiceField(label=_("Vai trò"), required=False,
                             choices=[("", _("Tất cả vai trò")), *Role.choices])
    inactive = forms.BooleanField(label=_("Gồm tài khoản đã khóa"), required=False)

    def __init__(self, *args, agency: Agency | None, show_inactive: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].set_units(unit_tree(agency) if agency else [])
        if not show_inactive:
            del self.fields["inactive"]
