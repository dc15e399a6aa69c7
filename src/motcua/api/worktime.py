"""Working time: deadlines computed on an agency's calendar, and the calendar's special days.

``GET /api/v1/worktime/deadline`` applies plain arithmetic unless a counting rule is named; a start
outside office hours begins at the next working moment. ``GET /api/v1/worktime/calendar`` lists the
days off and make-up days of a year with their names and where they come from. Texts (error
messages, explanation lines) follow the request's language: Vietnamese unless the language cookie
chose English.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field, WithJsonSchema

from motcua.api.schemas import ErrorOut
from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.catalog.selectors import published_procedure
from motcua.org.models import Agency
from motcua.org.selectors import agency_of
from motcua.worktime import DUE_RULES, PRESETS, START_RULES, WorkCalendar, deadline
from motcua.worktime.calendar import DayInfo, format_sessions
from motcua.worktime.forms import (
    AMOUNT_LIMIT,
    MAX_YEAR,
    MIN_YEAR,
    ORIGINS,
    RULE_PRESETS,
    UNITS,
    check_year,
    parse_amount,
    parse_rule,
)
from motcua.worktime.models import WEEKDAY_FIELDS, Schedule
from motcua.worktime.selectors import agency_calendar

router = Router(tags=["worktime"])

# An ISO 8601 date and time in the years MIN_YEAR..MAX_YEAR (real dates only: month lengths and
# leap years), to the minute, second or microsecond, with an optional offset. The published
# pattern is exactly what the endpoint accepts.
_YEAR = r"(?:20[0-9]{2}|2100)"
_LEAP = r"(?:20(?:0[048]|[2468][048]|[13579][26]))"
_MONTH_DAY = (r"(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
              r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
              r"|02-(?:0[1-9]|1[0-9]|2[0-8]))")
_DATE = rf"(?:{_YEAR}-{_MONTH_DAY}|{_LEAP}-02-29)"
_TIME = r"(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{1,6})?)?"
_OFFSET = r"(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])?"
MOMENT = re.compile(rf"{_DATE}[T ]{_TIME}{_OFFSET}")
MOMENT_PATTERN = rf"^{MOMENT.pattern}$"
# Below 1000, in steps of 0.05: every such amount of any unit is a whole number of working minutes
# (0.05 hour = 3 minutes), and an amount in hours is a whole number of minutes only in such steps.
AMOUNT = re.compile(r"[0-9]{1,3}(?:[.,][0-9][05]?)?")
AMOUNT_PATTERN = rf"^{AMOUNT.pattern}$"
RULE_CODES = [*PRESETS, *(f"{s}+{d}" for s in START_RULES for d in DUE_RULES)]

UnitCode = Literal["day", "half_day", "hour"]
DayKind = Literal["workday", "makeup", "weekend", "holiday", "day_off"]
Origin = Literal["weekly", "holidays", "official", "agency"]


# -- schemas ----------------------------------------------------------------------------------------
class AgencyOut(Schema):
    code: str
    name: str
    time_zone: str


class AmountOut(Schema):
    value: float = Field(description="As requested, in `unit`.")
    unit: UnitCode
    minutes: int = Field(description="Working minutes (1 working day = 8 hours = 480 minutes).")


class RuleOut(Schema):
    code: str = Field(description="As requested, or the procedure's; `plain` when neither was given.")
    counting_rule: str = Field(description="`<start rule>+<due rule>`.")
    label: str = Field(description="The preset's name, in the request's language ('' for other codes).")
    sources: list[str] = Field(description="Legal sources of the start rule and the due rule.")


class ProcedureRefOut(Schema):
    code: str
    name: str
    version: int = Field(description="The catalogue version whose rule and time limit applied.")


class StepOut(Schema):
    code: str
    params: dict[str, Any]
    text: str


class DeadlineOut(Schema):
    agency: AgencyOut
    start: dt.datetime = Field(description="The start as given, in the agency's time zone.")
    counting_from: dt.datetime = Field(description="When counting starts under the rule.")
    due_at: dt.datetime = Field(description="The due moment, in the agency's time zone with its offset.")
    amount: AmountOut
    rule: RuleOut
    procedure: ProcedureRefOut | None = Field(description="The procedure, when `procedure` was given.")
    explanation: list[str] = Field(description="The explanation, one line per step.")
    steps: list[StepOut] = Field(description="The explanation as structured steps.")


class OfficeHoursOut(Schema):
    """The hours of each weekday that count toward deadlines (a desk that also receives on
    Saturday morning shows Saturday empty here unless the agency counts weekend hours)."""

    monday: str
    tuesday: str
    wednesday: str
    thursday: str
    friday: str
    saturday: str
    sunday: str
    makeup: str = Field(description="Hours of a make-up working day.")


class DayOut(Schema):
    date: dt.date
    kind: DayKind
    working: bool
    hours: str = Field(description="Office hours of the day ('' on a day off).")
    origin: Origin = Field(description="`holidays`: the national holiday calendar; `official`: the "
                           "government's notice for civil servants; `agency`: the agency's own change.")
    origin_label: str = Field(description="`origin` in words, in the request's language.")
    name: str = Field(description="In Vietnamese, or the reason the administrator typed.")
    name_en: str
    source: str = Field(description="The notice, decision or legal basis.")
    holiday: str = Field(description="The national holiday falling on the day, if any (Vietnamese).")
    holiday_en: str


class CalendarOut(Schema):
    year: int
    agency: AgencyOut
    office_hours: OfficeHoursOut
    days: list[DayOut]


def _documented(kind: str = "string", **constraints: object) -> WithJsonSchema:
    """The parameter's schema with its constraints, which the handler checks itself so that a
    bad value gets a specific message in the request's language."""
    return WithJsonSchema({"type": kind, **constraints})


class _AgencyCodes:
    """Documents the agency codes that exist when the schema is generated (a code that is not
    listed is answered with 422), so the schema describes exactly what the endpoint accepts."""

    def __get_pydantic_json_schema__(self, core_schema, handler) -> dict[str, object]:
        schema: dict[str, object] = {"type": "string"}
        with contextlib.suppress(DatabaseError):  # no database yet (e.g. building the schema offline)
            schema["enum"] = list(Agency.objects.order_by("code").values_list("code", flat=True))
        return schema


class _ProcedureCodes:
    """Documents the procedure codes published when the schema is generated (others are 422)."""

    def __get_pydantic_json_schema__(self, core_schema, handler) -> dict[str, object]:
        schema: dict[str, object] = {"type": "string"}
        with contextlib.suppress(DatabaseError):
            codes = Procedure.objects.published().values_list("national_code", flat=True)
            schema["enum"] = sorted(set(codes))
        return schema


# -- helpers ----------------------------------------------------------------------------------------


def _agency(request, code: str | None) -> Agency:
    if code is None:
        agency = agency_of(request.auth)
        if agency is None:
            raise ValidationError({"agency": _("Chưa có cơ quan nào trong hệ thống.")})
        return agency
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        raise ValidationError({"agency": _("Không có cơ quan có mã định danh “%(code)s”.") % {"code": code}})
    return agency


def _calendar(agency: Agency) -> WorkCalendar:
    try:
        return agency_calendar(agency)
    except Schedule.DoesNotExist:
        from motcua.worktime.services import ensure_schedule

        ensure_schedule(agency)  # every agency has one; an agency made outside setup gets it now
        return agency_calendar(agency)


def _agency_out(agency: Agency) -> AgencyOut:
    return AgencyOut(code=agency.code, name=agency.name, time_zone=agency.time_zone)


def _parse_moment(value: str, tz) -> dt.datetime:
    """An ISO 8601 moment matching :data:`MOMENT`; a naive one is taken in ``tz``."""
    text = value.strip()
    if len(text) > 6 and text[-6] == " " and MOMENT.fullmatch(f"{text[:-6]}+{text[-5:]}"):
        raise ValidationError({"start": _(
            "Thời điểm “%(value)s” có dấu cách thay cho dấu + của múi giờ: trong địa chỉ truy vấn, "
            "dấu + phải viết là %%2B (ví dụ 2026-02-13T16:55:00%%2B07:00)."
        ) % {"value": value}})
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is not None and not MIN_YEAR <= moment.year <= MAX_YEAR:
        check_year(moment.year, "start")
    if moment is None or not MOMENT.fullmatch(text):
        raise ValidationError({"start": _(
            "Thời điểm “%(value)s” không đúng định dạng ISO 8601, ví dụ 2026-02-13T16:55:00+07:00 "
            "(năm từ %(first)s đến %(last)s; không ghi múi giờ thì tính theo múi giờ của cơ quan)."
        ) % {"value": value, "first": MIN_YEAR, "last": MAX_YEAR}})
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment


def _parse_amount(value: str, unit: str):
    work = parse_amount(value, unit)
    if not AMOUNT.fullmatch(value.strip()):
        raise ValidationError({"amount": _(
            "Thời hạn “%(value)s” ghi không đúng: dùng số không dấu, tối đa hai chữ số thập phân và "
            "chữ số thứ hai là 0 hoặc 5 (ví dụ 5, 1.5 hoặc 0.25); thời hạn lẻ hơn hãy đổi sang giờ."
        ) % {"value": value}})
    return work


def _procedure_version(agency: Agency, code: str) -> ProcedureVersion:
    """The current version of a procedure of the agency's published catalogue (a suspended
    procedure still has deadlines: dossiers received before the suspension run on)."""
    found = published_procedure(agency, code.strip())
    if found is None:
        raise ValidationError({"procedure": _(
            "Thủ tục “%(code)s” không có trong danh mục thủ tục hành chính đang công bố của %(agency)s."
        ) % {"code": code, "agency": agency.name}})
    return found.current


def _name_en(info: DayInfo) -> str:
    if info.name_en or not info.translatable:
        return info.name_en
    with translation.override("en"):
        english = _(info.name)
    return english if english != info.name else ""


def _day_out(info: DayInfo) -> DayOut:
    return DayOut(
        date=info.day, kind=info.kind, working=info.working, hours=format_sessions(info.sessions),
        origin=info.origin, origin_label=_(ORIGINS[info.origin]), name=info.name,
        name_en=_name_en(info), source=info.source, holiday=info.holiday, holiday_en=info.holiday_en,
    )


# -- operations -------------------------------------------------------------------------------------
@router.get(
    "/deadline",
    response={200: DeadlineOut, 400: ErrorOut, 401: ErrorOut, 422: ErrorOut},
    summary="The due moment of an amount of working time from a start",
    description=(
        "Plain arithmetic without `rule` or `procedure`: a start outside office hours begins at the "
        "next working moment, and the due moment is when the working time is used up (1 working "
        "day = 8 working hours). The calendar is the agency's (`agency`, else the caller's agency): "
        "national holidays, the government's notices and the agency's own days off and make-up "
        "days. Errors are 422 with a message in the request's language.\n\n"
        "`procedure=<national code>` applies the counting rule of that procedure of the agency's "
        "published catalogue (the amount stays the caller's: the procedure's legal time limit or "
        "one step's allotment); an explicit `rule` overrides it."
    ),
)
def deadline_api(
    request,
    start: Annotated[str, _documented(pattern=MOMENT_PATTERN)] = Query(
        ...,
        description="ISO 8601 date and time, e.g. `2026-02-13T16:55:00+07:00` (write `+` as `%2B` "
        "in a URL). Without an offset the agency's time zone applies. Seconds are ignored.",
    ),
    amount: Annotated[str, _documented(pattern=AMOUNT_PATTERN)] = Query(
        ...,
        description=f"A number of `unit`s from 0 to below {AMOUNT_LIMIT} in steps of 0.05, e.g. `5`, "
        "`1.5`, `0.25` (a decimal point or comma). 1 working day = 8 working hours.",
    ),
    unit: Annotated[str, _documented(enum=list(UNITS))] = Query(
        ..., description="`day` (working day), `half_day` or `hour`."),
    agency: Annotated[str | None, _AgencyCodes()] = Query(
        None, description="The agency's code; default: the caller's agency."),
    rule: Annotated[str | None, _documented(enum=RULE_CODES)] = Query(
        None, description="A counting rule: a preset (`plain`, `working_days`, `same_day_15h`) or "
        "`<start rule>+<due rule>`. Default `plain`."),
    procedure: Annotated[str | None, _ProcedureCodes()] = Query(
        None, description="A national procedure code of the agency's published "
        "catalogue, e.g. `1.004227`: its counting rule applies (an explicit `rule` overrides it)."),
):
    place = _agency(request, agency)
    calendar = _calendar(place)
    received = _parse_moment(start, calendar.tz)
    work = _parse_amount(amount, unit)
    version = _procedure_version(place, procedure) if procedure is not None else None
    code = rule if rule is not None else version.counting_rule if version is not None else "plain"
    counting = parse_rule(code)
    result = deadline(calendar, received, work, rule=counting)
    assert result.due_at is not None  # no pause: always known
    preset = RULE_PRESETS.get(code)
    return DeadlineOut(
        agency=_agency_out(place),
        start=calendar.local(received),
        counting_from=result.started_at,
        due_at=result.due_at,
        amount=AmountOut(value=float(amount.strip().replace(",", ".")), unit=unit, minutes=work.minutes),
        rule=RuleOut(
            code=code, counting_rule=counting.code, label=str(preset.label) if preset else "",
            sources=list(dict.fromkeys(s for s in (counting.start.source, counting.due.source) if s)),
        ),
        procedure=ProcedureRefOut(code=version.procedure.national_code, name=version.name,
                                  version=version.number) if version is not None else None,
        explanation=result.explanation.render(),
        steps=[StepOut(**step) for step in result.explanation.as_dict()],
    )


@router.get(
    "/calendar",
    response={200: CalendarOut, 400: ErrorOut, 401: ErrorOut, 422: ErrorOut},
    summary="The days off and make-up working days of a year",
    description=(
        "Every day of the year that differs from the weekly office hours or is named: public "
        "holidays and Tết, days off and make-up days announced by the government, and the agency's "
        "own days off and make-up days, with their names and sources."
    ),
)
def calendar_api(
    request,
    year: Annotated[int | None, _documented("integer", minimum=MIN_YEAR, maximum=MAX_YEAR)] = Query(
        None, description=f"From {MIN_YEAR} to {MAX_YEAR}; default: this year."),
    agency: Annotated[str | None, _AgencyCodes()] = Query(
        None, description="The agency's code; default: the caller's agency."),
):
    if year is None:
        year = timezone.localdate().year
    check_year(year, "year")
    place = _agency(request, agency)
    calendar = _calendar(place)
    weekly = {name: format_sessions(calendar.hours.weekly[i]) for i, name in enumerate(WEEKDAY_FIELDS)}
    return CalendarOut(
        year=year,
        agency=_agency_out(place),
        office_hours=OfficeHoursOut(**weekly, makeup=format_sessions(calendar.hours.makeup)),
        days=[_day_out(info) for info in calendar.special_days(year)],
    )

