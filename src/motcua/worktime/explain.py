"""Explanations of computed deadlines, as structured steps rendered at display time.

A step is a ``code`` plus ``params`` (moments, dates, amounts, day ranges, labels). The text is
made only when rendered, with ``gettext`` on a **Vietnamese msgid** (the project's convention:
Vietnamese source strings, other languages from the catalogs), so one stored explanation renders
in the language active for the reader. ``as_dict()`` gives the JSON form for the API: the code,
JSON-safe params, and the rendered text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from fractions import Fraction
from typing import TYPE_CHECKING

from django.utils.translation import get_language, gettext, ngettext

from ._i18n import gettext_noop
from .amount import WorkAmount

if TYPE_CHECKING:
    from .calendar import DayInfo, WorkCalendar

WEEKDAYS = (
    gettext_noop("thứ Hai"),
    gettext_noop("thứ Ba"),
    gettext_noop("thứ Tư"),
    gettext_noop("thứ Năm"),
    gettext_noop("thứ Sáu"),
    gettext_noop("thứ Bảy"),
    gettext_noop("Chủ nhật"),
)

# code -> msgid. A code with a "+source" variant uses it when the step has a non-empty source.
MESSAGES: dict[str, str] = {
    "start.at_receipt": gettext_noop(
        "Tiếp nhận lúc %(received)s, trong giờ làm việc: bắt đầu tính từ thời điểm tiếp nhận"
    ),
    "start.next_working_moment": gettext_noop(
        "Tiếp nhận lúc %(received)s, ngoài giờ làm việc: bắt đầu tính từ thời điểm làm việc"
        " tiếp theo, %(start)s"
    ),
    "start.next_working_day": gettext_noop(
        "Tiếp nhận lúc %(received)s; ngày tiếp nhận không được tính (Bộ luật Dân sự 2015,"
        " Điều 147): bắt đầu tính từ ngày làm việc tiếp theo, %(start)s"
    ),
    "start.before_cutoff": gettext_noop(
        "Tiếp nhận lúc %(received)s, không muộn hơn %(cutoff)s: tính ngay trong ngày, từ %(start)s"
    ),
    "start.after_cutoff": gettext_noop(
        "Tiếp nhận lúc %(received)s, sau %(cutoff)s hoặc ngoài ngày làm việc: tính từ ngày làm"
        " việc tiếp theo, %(start)s"
    ),
    "amount": gettext_noop("Thời hạn: %(amount)s"),
    "skip.weekend": gettext_noop("Không tính %(days)s: nghỉ cuối tuần"),
    "skip.holiday": gettext_noop("Không tính %(days)s: %(name)s"),
    "skip.holiday+source": gettext_noop("Không tính %(days)s: %(name)s (%(source)s)"),
    "skip.day_off": gettext_noop("Không tính %(days)s: ngày nghỉ của cơ quan – %(name)s"),
    "skip.day_off+source": gettext_noop("Không tính %(days)s: ngày nghỉ của cơ quan – %(name)s (%(source)s)"),
    "makeup": gettext_noop("Có tính %(days)s: ngày làm bù"),
    "makeup+source": gettext_noop("Có tính %(days)s: ngày làm bù – %(name)s (%(source)s)"),
    "pause": gettext_noop(
        "Tạm dừng từ %(start)s đến %(end)s (%(reason)s): %(length)s không tính vào thời hạn"
    ),
    "pause.ongoing": gettext_noop(
        "Đang tạm dừng từ %(start)s (%(reason)s): hạn giải quyết sẽ được xác định khi tiếp tục;"
        " thời hạn còn lại %(remaining)s"
    ),
    "pause.restart": gettext_noop(
        "Tạm dừng từ %(start)s đến %(end)s (%(reason)s): thời hạn được tính lại từ đầu"
    ),
    "pause.clock_runs": gettext_noop(
        "Tạm dừng từ %(start)s đến %(end)s (%(reason)s): thời gian tạm dừng vẫn được tính vào thời hạn"
    ),
    "pause.clock_runs.ongoing": gettext_noop(
        "Đang tạm dừng từ %(start)s (%(reason)s): thời gian tạm dừng vẫn được tính vào thời hạn"
    ),
    "restart": gettext_noop("Tính lại thời hạn từ đầu từ %(moment)s (%(reason)s)"),
    "extend.amount": gettext_noop("Gia hạn thêm %(amount)s (%(reason)s)"),
    "extend.to": gettext_noop("Gia hạn đến %(due)s (%(reason)s)"),
    "extend.rolled": gettext_noop(
        "Ngày hẹn mới %(requested)s là ngày nghỉ: thời hạn kết thúc vào cuối ngày làm việc"
        " tiếp theo, %(due)s (Bộ luật Dân sự 2015, Điều 148 khoản 5)"
    ),
    "due.at_moment": gettext_noop("Hạn giải quyết: %(due)s"),
    "due.end_of_day": gettext_noop("Hạn giải quyết: hết giờ làm việc của ngày làm việc cuối cùng, %(due)s"),
    "due.end_of_day_24h": gettext_noop(
        "Hạn giải quyết: 24 giờ của ngày làm việc cuối cùng (Bộ luật Dân sự 2015, Điều 148 khoản 6), %(due)s"
    ),
    "due.paused": gettext_noop("Hạn giải quyết: chưa xác định (đang tạm dừng)"),
}

_MOMENT = gettext_noop("%(time)s %(weekday)s %(date)s")
_DAY = gettext_noop("%(weekday)s %(date)s")
_NO_REASON = gettext_noop("không nêu lý do")


@dataclass(frozen=True, slots=True)
class Label:
    """A name to show: our own msgid (translated), or text from elsewhere (shown as is).

    ``en`` is used when the active language is English and the source gave an English name
    (the ``holidays`` package does); agency-typed names are shown as typed.
    """

    text: str
    en: str = ""
    translatable: bool = False

    def render(self) -> str:
        if self.translatable:
            return gettext(self.text)
        if self.en and (get_language() or "").startswith("en"):
            return self.en
        return self.text

    @classmethod
    def of_day(cls, info: DayInfo) -> Label:
        return cls(info.name, info.name_en, info.translatable)


@dataclass(frozen=True, slots=True)
class DayRange:
    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def format_day(day: date) -> str:
    return gettext(_DAY) % {"weekday": gettext(WEEKDAYS[day.weekday()]), "date": f"{day:%d/%m/%Y}"}


def format_moment(moment: datetime) -> str:
    return gettext(_MOMENT) % {
        "time": f"{moment:%H:%M}",
        "weekday": gettext(WEEKDAYS[moment.weekday()]),
        "date": f"{moment:%d/%m/%Y}",
    }


def _number(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    text = f"{float(value):.4g}"
    return text if (get_language() or "vi").startswith("en") else text.replace(".", ",")


def format_amount(amount: WorkAmount) -> str:
    """By the stated unit; a measured amount (unit "minute") in half days when it is a whole
    number of them, else in hours, else in hours and minutes."""
    if amount.unit == "day" or (amount.unit == "minute" and amount and amount.minutes % 240 == 0):
        value = amount.in_unit("day")
        count = int(value) if value.denominator == 1 else 2
        return ngettext("%(n)s ngày làm việc", "%(n)s ngày làm việc", count) % {"n": _number(value)}
    if amount.unit == "hour" or amount.minutes % 60 == 0:
        value = amount.in_unit("hour")
        count = int(value) if value.denominator == 1 else 2
        return ngettext("%(n)s giờ làm việc", "%(n)s giờ làm việc", count) % {"n": _number(value)}
    hours, minutes = divmod(abs(amount.minutes), 60)
    sign = "-" if amount.minutes < 0 else ""
    if not hours:
        return ngettext("%(n)s phút làm việc", "%(n)s phút làm việc", minutes) % {"n": f"{sign}{minutes}"}
    return gettext("%(h)s giờ %(m)s phút làm việc") % {"h": f"{sign}{hours}", "m": minutes}


def format_days(days: DayRange) -> str:
    if days.first == days.last:
        return format_day(days.first)
    return ngettext("%(first)s – %(last)s (%(n)s ngày)", "%(first)s – %(last)s (%(n)s ngày)", days.days) % {
        "first": format_day(days.first),
        "last": format_day(days.last),
        "n": days.days,
    }


def format_value(value: object) -> str:
    if isinstance(value, datetime):
        return format_moment(value)
    if isinstance(value, date):
        return format_day(value)
    if isinstance(value, time):
        return f"{value:%H:%M}"
    if isinstance(value, WorkAmount):
        return format_amount(value)
    if isinstance(value, DayRange):
        return format_days(value)
    if isinstance(value, Label):
        return value.render()
    return str(value)


def json_value(value: object) -> object:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, WorkAmount):
        return value.as_dict()
    if isinstance(value, DayRange):
        return {
            "first": value.first.isoformat(),
            "last": value.last.isoformat(),
            "days": value.days,
        }
    if isinstance(value, Label):
        return {"text": value.text, "en": value.en or None}
    return value


@dataclass(frozen=True, slots=True)
class Step:
    """One line of an explanation: a stable ``code`` and its parameters."""

    code: str
    params: Mapping[str, object] = field(default_factory=dict)

    @property
    def message_key(self) -> str:
        keyed = f"{self.code}+source"
        return keyed if keyed in MESSAGES and self.params.get("source") else self.code

    def render(self) -> str:
        params = {key: format_value(value) for key, value in self.params.items()}
        if "reason" in self.params and not self.params["reason"]:
            params["reason"] = gettext(_NO_REASON)
        return gettext(MESSAGES[self.message_key]) % params

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "params": {key: json_value(value) for key, value in self.params.items()},
            "text": self.render(),
        }


@dataclass(frozen=True, slots=True)
class Explanation:
    steps: tuple[Step, ...]

    def render(self) -> list[str]:
        return [step.render() for step in self.steps]

    def as_dict(self) -> list[dict[str, object]]:
        return [step.as_dict() for step in self.steps]

    def codes(self) -> list[str]:
        return [step.code for step in self.steps]

    def __str__(self) -> str:
        return "\n".join(self.render())


def describe_days(calendar: WorkCalendar, first: date, last: date) -> list[Step]:
    """Steps for the days from ``first`` to ``last`` that are not ordinary: rest days, holidays
    and agency days off (not counted), and make-up days (counted). Consecutive days with the
    same reason are grouped into one step."""
    steps: list[Step] = []
    group: list[DayInfo] = []

    def flush() -> None:
        if not group:
            return
        head = group[0]
        code = {
            "weekend": "skip.weekend",
            "holiday": "skip.holiday",
            "day_off": "skip.day_off",
            "makeup": "makeup",
        }[head.kind]
        params: dict[str, object] = {"days": DayRange(head.day, group[-1].day)}
        if code != "skip.weekend":
            params["name"] = Label.of_day(head)
            params["source"] = head.source
        steps.append(Step(code, params))
        group.clear()

    for info in calendar.days(first, last):
        if info.kind == "workday":
            flush()
            continue
        if group:
            prev = group[-1]
            same = (prev.kind, prev.name, prev.source) == (info.kind, info.name, info.source)
            if not same or (info.day - prev.day).days != 1:
                flush()
        group.append(info)
    flush()
    return steps


def explanation(steps: Iterable[Step]) -> Explanation:
    return Explanation(tuple(steps))
