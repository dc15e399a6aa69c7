"""Forms of the working-calendar pages, and the input parsing the pages and the API share.

Forms only parse and present input. The rules about calendars (valid office hours, which day may
become a day off …) are checked by :mod:`motcua.worktime.services`, whose errors the views attach
back to these forms; the arithmetic is the engine's.

The limits below keep a request from making the cached calendar of an agency grow over
centuries (the engine builds its day tables lazily for whatever years a computation touches).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from motcua.org.forms import DateInput, StyledForm, UnitChoiceField, active_unit_nodes
from motcua.worktime import PRESETS, CountingRule, WorkAmount, get_counting_rule
from motcua.worktime.models import WEEKDAY_FIELDS, Schedule

MIN_YEAR = 2000
MAX_YEAR = 2100
#: An amount is below this many of its unit (999 working days is about four years).
AMOUNT_LIMIT = 1000

#: Units a person or a client may state an amount in, with their Vietnamese names.
UNITS: dict[str, object] = {
    "day": gettext_lazy("ngày làm việc"),
    "half_day": gettext_lazy("nửa ngày làm việc"),
    "hour": gettext_lazy("giờ làm việc"),
}


#: How each kind of day is named (legend, lists) and the CSS class of its cell in the year view.
KINDS: dict[str, tuple[str, str]] = {
    "workday": (gettext_noop("Ngày làm việc"), "wt-workday"),
    "weekend": (gettext_noop("Nghỉ cuối tuần"), "wt-weekend"),
    "holiday": (gettext_noop("Nghỉ lễ, Tết"), "wt-holiday"),
    "day_off": (gettext_noop("Ngày nghỉ của cơ quan"), "wt-day-off"),
    "makeup": (gettext_noop("Ngày làm bù"), "wt-makeup"),
}
#: Where a special day comes from.
ORIGINS: dict[str, str] = {
    "weekly": gettext_noop("Lịch làm việc hằng tuần"),
    "holidays": gettext_noop("Lịch nghỉ lễ, Tết quốc gia"),
    "official": gettext_noop("Thông báo nghỉ lễ của Chính phủ"),
    "agency": gettext_noop("Quyết định của cơ quan"),
}


class RulePreset:
    """A counting rule offered to staff: its code, a Vietnamese name and what it does."""

    def __init__(self, code: str, label, description) -> None:
        self.code, self.label, self.description = code, label, description

    @property
    def rule(self) -> CountingRule:
        return PRESETS[self.code]

    @property
    def sources(self) -> list[str]:
        """The legal sources of the start rule and of the due rule (without repeats)."""
        return list(dict.fromkeys(s for s in (self.rule.start.source, self.rule.due.source) if s))


RULE_PRESETS: dict[str, RulePreset] = {
    preset.code: preset
    for preset in (
        RulePreset(
            "plain", gettext_lazy("Tính theo giờ làm việc, từ lúc tiếp nhận"),
            gettext_lazy("Bắt đầu tính ngay khi tiếp nhận (ngoài giờ làm việc thì từ thời điểm làm "
                         "việc tiếp theo); hạn là lúc dùng hết thời gian làm việc."),
        ),
        RulePreset(
            "working_days", gettext_lazy("Ngày làm việc, kể từ ngày làm việc tiếp theo"),
            gettext_lazy("Ngày tiếp nhận không được tính; hạn là hết giờ làm việc của ngày làm "
                         "việc cuối cùng."),
        ),
        RulePreset(
            "same_day_15h", gettext_lazy("Trong ngày, tiếp nhận sau 15 giờ thì trả ngày làm việc tiếp theo"),
            gettext_lazy("Tiếp nhận đến 15:00 thì tính ngay trong ngày; sau 15:00 tính từ ngày làm "
                         "việc tiếp theo; hạn là hết giờ làm việc."),
        ),
    )
}
assert set(RULE_PRESETS) == set(PRESETS), "every preset of the engine needs a label here"


# -- parsing shared with the API -----------------------------------------------------------------
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


def parse_amount(value: str | Decimal | int | float, unit: str, *, field: str = "amount") -> WorkAmount:
    """``value`` working ``unit``s (``day``, ``half_day``, ``hour``), with Vietnamese errors:
    not a number, negative, too large, or not a whole number of working minutes."""
    if unit not in UNITS:
        raise ValidationError({"unit": _("Đơn vị “%(unit)s” không hợp lệ: dùng %(units)s.") % {
            "unit": unit, "units": ", ".join(UNITS)}})
    text = str(value).strip()
    if not _NUMBER.match(text):
        raise ValidationError({field: _("Thời hạn “%(value)s” không phải là một số (ví dụ 5 hoặc 1,5).")
                               % {"value": text}})
    number = Decimal(text.replace(",", "."))  # the pattern above admits only numbers
    if number < 0:
        raise ValidationError({field: _("Thời hạn không được là số âm.")})
    if number >= AMOUNT_LIMIT:
        raise ValidationError({field: _("Thời hạn phải nhỏ hơn %(limit)s %(unit)s.") % {
            "limit": AMOUNT_LIMIT, "unit": UNITS[unit]}})
    try:
        if unit == "half_day":
            return WorkAmount.half_days(number)
        return WorkAmount.of(number, unit)  # type: ignore[arg-type]
    except ValueError:
        raise ValidationError({field: _(
            "Thời hạn %(value)s %(unit)s không phải là một số nguyên phút làm việc "
            "(1 ngày làm việc = 8 giờ = 480 phút)."
        ) % {"value": text, "unit": UNITS[unit]}}) from None


def parse_rule(code: str) -> CountingRule:
    """A preset (``plain``, ``working_days``, ``same_day_15h``) or ``<start>+<due>`` code."""
    try:
        return get_counting_rule(code)
    except KeyError:
        raise ValidationError({"rule": _(
            "Không có cách tính thời hạn “%(code)s”. Dùng một trong: %(codes)s."
        ) % {"code": code, "codes": ", ".join(PRESETS)}}) from None


def check_year(day: dt.date | int, field: str) -> None:
    year = day if isinstance(day, int) else day.year
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError({field: _("Năm phải từ %(first)s đến %(last)s.")
                               % {"first": MIN_YEAR, "last": MAX_YEAR}})


# -- forms --------------------------------------------------------------------------------------
class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


def _now_local() -> dt.datetime:
    return timezone.localtime().replace(second=0, microsecond=0)


class CalendarDayForm(StyledForm):
    """An extra day off, or a make-up working day, with its reason and decision."""

    KINDS = (
        ("off", gettext_lazy("Ngày nghỉ (cơ quan nghỉ thêm một ngày làm việc)")),
        ("makeup", gettext_lazy("Ngày làm bù (làm việc vào một ngày nghỉ)")),
    )

    day = forms.DateField(label=gettext_lazy("Ngày"), widget=DateInput())
    kind = forms.ChoiceField(label=gettext_lazy("Loại ngày"), choices=KINDS, widget=forms.RadioSelect,
                             initial="off")
    name = forms.CharField(label=gettext_lazy("Lý do"), max_length=200,
                           help_text=gettext_lazy("Ví dụ: Nghỉ bù Quốc khánh; Làm bù ngày 02/01."))
    decision = forms.CharField(
        label=gettext_lazy("Văn bản thông báo"), max_length=200, required=False,
        help_text=gettext_lazy("Số, ký hiệu và ngày của văn bản, ví dụ: Thông báo số 12729/VPCP-KGVX "
                               "ngày 25/12/2025"),
    )
    hours = forms.CharField(
        label=gettext_lazy("Giờ làm việc của ngày làm bù"), max_length=100, required=False,
        help_text=gettext_lazy("Chỉ cho ngày làm bù; để trống để dùng giờ làm việc ngày làm bù chung."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.attrs["class"] = "form-check-input"

    def clean_day(self) -> dt.date:
        day = self.cleaned_data["day"]
        try:
            check_year(day, "day")
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["day"]) from None
        return day

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {"day": data["day"], "working": data["kind"] == "makeup", "name": data["name"],
                "decision": data["decision"], "hours": data["hours"]}


def _hours_field(model_field: str, help_text="") -> forms.CharField:
    field = Schedule._meta.get_field(model_field)
    return forms.CharField(
        label=capfirst(field.verbose_name), max_length=field.max_length, required=False,
        help_text=help_text, widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Nghỉ")}),
    )


class UnitScheduleForm(StyledForm):
    """Choose a unit to give office hours of its own."""

    unit = UnitChoiceField(label=gettext_lazy("Đơn vị"), empty_label=gettext_lazy("— Chọn đơn vị —"),
                           help_text=gettext_lazy("Đơn vị (và các đơn vị cấp dưới) làm việc theo giờ "
                                                  "riêng; ngày nghỉ, ngày làm bù của cơ quan vẫn áp dụng."))

    def __init__(self, *args, agency, taken: set[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].set_units(active_unit_nodes(agency, exclude=taken))


class OfficeHoursForm(StyledForm):
    """Office hours of the seven weekdays and of make-up days, as text ("07:30-11:30, 13:00-17:00").
    The service checks the text."""

    monday = _hours_field("monday")
    tuesday = _hours_field("tuesday")
    wednesday = _hours_field("wednesday")
    thursday = _hours_field("thursday")
    friday = _hours_field("friday")
    saturday = _hours_field("saturday")
    sunday = _hours_field("sunday")
    makeup_hours = _hours_field("makeup_hours", gettext_lazy(
        "Giờ làm việc của một ngày nghỉ được làm bù (thường là giờ của ngày thường); bắt buộc."))

    weekend_counts = forms.BooleanField(
        label=capfirst(Schedule._meta.get_field("weekend_counts").verbose_name), required=False,
        help_text=Schedule._meta.get_field("weekend_counts").help_text)

    FIELDS = (*WEEKDAY_FIELDS, "makeup_hours")

    def __init__(self, *args, schedule: Schedule, **kwargs):
        initial = {name: getattr(schedule, name) for name in (*self.FIELDS, "weekend_counts")}
        super().__init__(*args, initial=initial, **kwargs)

    def hours(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "") for name in self.FIELDS}


class DeadlineForm(StyledForm):
    """The deadline calculator: received when, and either a procedure of the catalogue (its legal
    time limit and counting rule) or an amount of time and a counting rule."""

    received_day = forms.DateField(label=gettext_lazy("Ngày tiếp nhận"), widget=DateInput())
    received_time = forms.TimeField(label=gettext_lazy("Giờ tiếp nhận"), widget=TimeInput())
    procedure = forms.ChoiceField(
        label=gettext_lazy("Thủ tục hành chính"), required=False,
        help_text=gettext_lazy("Chọn thủ tục thì dùng thời hạn và cách tính của thủ tục; để trống thì "
                               "nhập thời hạn và cách tính bên dưới."))
    amount = forms.CharField(label=gettext_lazy("Thời hạn giải quyết"), max_length=20, required=False,
                             widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    unit = forms.ChoiceField(label=gettext_lazy("Đơn vị tính"), choices=list(UNITS.items()), required=False)
    rule = forms.ChoiceField(
        label=gettext_lazy("Cách tính"), widget=forms.RadioSelect, required=False,
        choices=[(code, preset.label) for code, preset in RULE_PRESETS.items()],
    )

    def __init__(self, data=None, *, agency=None, **kwargs):
        now = _now_local()
        kwargs.setdefault("initial", {"received_day": now.date(), "received_time": now.time(),
                                      "amount": "1", "unit": "day", "rule": "plain"})
        super().__init__(data, **kwargs)
        self.agency = agency
        self.fields["rule"].widget.attrs["class"] = "form-check-input"
        self.fields["procedure"].choices = [("", _("— Không theo thủ tục —")), *self._procedure_choices()]

    def _procedure_choices(self) -> list[tuple[str, list[tuple[str, str]]]]:
        if self.agency is None:
            return []
        from motcua.catalog.selectors import search_procedures

        groups: dict[str, list[tuple[str, str]]] = {}
        for procedure in search_procedures(self.agency):
            groups.setdefault(procedure.field.name, []).append(
                (procedure.national_code, f"{procedure.national_code} — {procedure.name}"))
        return list(groups.items())

    def clean_received_day(self) -> dt.date:
        day = self.cleaned_data["received_day"]
        try:
            check_year(day, "received_day")
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["received_day"]) from None
        return day

    def clean(self):
        data = super().clean()
        if data.get("procedure"):
            from motcua.catalog.selectors import published_procedure

            found = published_procedure(self.agency, data["procedure"])
            if found is None:
                self.add_error("procedure", _("Thủ tục không còn trong danh mục đang công bố."))
                return data
            version = found.current
            data["work_amount"], data["counting_rule"] = version.time_limit, parse_rule(version.counting_rule)
            data["version"], preset = version, RULE_PRESETS.get(version.counting_rule)
            data["rule_label"] = preset.label if preset else version.counting_rule
            return data
        for name in ("amount", "unit", "rule"):
            if not data.get(name) and name not in self.errors:
                self.add_error(name, _("Chọn một thủ tục, hoặc nhập mục này."))
        if data.get("amount") and data.get("unit"):
            try:
                data["work_amount"] = parse_amount(data["amount"], data["unit"])
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    self.add_error(field if field in self.fields else None, messages)
        if data.get("rule"):
            data["counting_rule"], data["rule_label"] = self.preset.rule, self.preset.label
        return data

    @property
    def rule_sources(self) -> list[str]:
        """The legal sources of the counting rule applied."""
        rule = self.cleaned_data["counting_rule"]
        return list(dict.fromkeys(s for s in (rule.start.source, rule.due.source) if s))

    def received(self, tz) -> dt.datetime:
        data = self.cleaned_data
        return dt.datetime.combine(data["received_day"], data["received_time"], tzinfo=tz)

    def rule_options(self) -> list[tuple[object, RulePreset]]:
        """The rule's radio buttons, each with its preset (description and legal sources)."""
        return [(radio, RULE_PRESETS[radio.data["value"]]) for radio in self["rule"]]

    @property
    def preset(self) -> RulePreset:
        return RULE_PRESETS[self.cleaned_data["rule"]]


class BetweenForm(StyledForm):
    """Working time between two moments."""

    first_day = forms.DateField(label=gettext_lazy("Từ ngày"), widget=DateInput())
    first_time = forms.TimeField(label=gettext_lazy("Từ giờ"), widget=TimeInput())
    last_day = forms.DateField(label=gettext_lazy("Đến ngày"), widget=DateInput())
    last_time = forms.TimeField(label=gettext_lazy("Đến giờ"), widget=TimeInput())

    def __init__(self, data=None, **kwargs):
        now = _now_local()
        kwargs.setdefault("initial", {"first_day": now.date(), "first_time": dt.time(7, 30),
                                      "last_day": now.date(), "last_time": now.time()})
        super().__init__(data, **kwargs)

    def clean(self):
        data = super().clean()
        for field in ("first_day", "last_day"):
            if field in data:
                try:
                    check_year(data[field], field)
                except ValidationError as exc:
                    self.add_error(field, exc.message_dict[field])
        return data

    def moments(self, tz) -> tuple[dt.datetime, dt.datetime]:
        data = self.cleaned_data
        return (dt.datetime.combine(data["first_day"], data["first_time"], tzinfo=tz),
                dt.datetime.combine(data["last_day"], data["last_time"], tzinfo=tz))
