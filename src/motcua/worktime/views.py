"""Pages for working time: the agency's working calendar (everyone signed in reads it, the
administrator adds days off and make-up days and edits office hours) and the deadline calculator,
which shows how a deadline is computed. Each page parses a form and calls one service or the
engine; the services check permissions and rules, write the audit log and recompute the open
deadlines in the background."""

from __future__ import annotations

import calendar as month_calendar
import contextlib
import datetime as dt
import re
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_http_methods

from motcua.org.access import can_manage_organisation
from motcua.org.models import Agency
from motcua.org.selectors import agency_of
from motcua.ui.pages import add_service_errors, form_page
from motcua.worktime import DayInfo, WorkCalendar, deadline, selectors, services
from motcua.worktime import forms as wt_forms
from motcua.worktime.calendar import format_sessions, parse_sessions
from motcua.worktime.explain import WEEKDAYS, Label, format_amount
from motcua.worktime.forms import KINDS, ORIGINS
from motcua.worktime.models import CalendarDay, Schedule

UNIT_PARAM = "don-vi"
RECOMPUTE_NOTICE = gettext_noop("Các thời hạn đang mở bị ảnh hưởng sẽ được tính lại ở chế độ nền.")

MONTHS = (gettext_noop("Tháng 1"), gettext_noop("Tháng 2"), gettext_noop("Tháng 3"),
          gettext_noop("Tháng 4"), gettext_noop("Tháng 5"), gettext_noop("Tháng 6"),
          gettext_noop("Tháng 7"), gettext_noop("Tháng 8"), gettext_noop("Tháng 9"),
          gettext_noop("Tháng 10"), gettext_noop("Tháng 11"), gettext_noop("Tháng 12"))
WEEKDAY_SHORT = (gettext_noop("T2"), gettext_noop("T3"), gettext_noop("T4"), gettext_noop("T5"),
                 gettext_noop("T6"), gettext_noop("T7"), gettext_noop("CN"))


# -- helpers ----------------------------------------------------------------------------------------
def _agency(request: HttpRequest) -> Agency:
    agency = agency_of(request.user)
    if agency is None:
        raise Http404(_("Chưa có cơ quan nào trong hệ thống."))
    return agency


def _agency_schedule(agency: Agency) -> Schedule:
    try:
        return selectors.agency_schedule(agency)
    except Schedule.DoesNotExist:
        return services.ensure_schedule(agency)  # an agency made outside setup gets one now


def _schedule(request: HttpRequest, agency: Agency | None = None) -> Schedule:
    """The agency's schedule, or with ``?don-vi=<unit id>`` that unit's own schedule."""
    agency = agency or _agency(request)
    unit_id = request.GET.get(UNIT_PARAM, "")
    if not unit_id:
        return _agency_schedule(agency)
    if not re.fullmatch(r"[0-9]{1,18}", unit_id):
        raise Http404(_("Không có đơn vị này."))
    return get_object_or_404(Schedule.objects.select_related("unit", "agency"), agency=agency,
                             unit_id=int(unit_id))


def _query(schedule: Schedule) -> str:
    """The query string that keeps a unit's schedule selected across pages."""
    return f"?{UNIT_PARAM}={schedule.unit_id}" if schedule.unit_id else ""


def _require_admin(request: HttpRequest) -> None:
    if not can_manage_organisation(request.user):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được thay đổi lịch làm việc."))


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("nam", ""))
    except ValueError:
        return timezone.localdate().year
    return min(max(year, wt_forms.MIN_YEAR), wt_forms.MAX_YEAR)


def day_name(info: DayInfo) -> str:
    """The day's name in the active language (official names are our msgids)."""
    return Label.of_day(info).render()


def day_source(info: DayInfo) -> str:
    return _(info.source) if info.translatable and info.source else info.source


def moment_text(moment: dt.datetime) -> str:
    """``17:00 thứ Sáu, 13/03/2026``."""
    return _("%(time)s %(weekday)s, %(date)s") % {
        "time": f"{moment:%H:%M}", "weekday": _(WEEKDAYS[moment.weekday()]), "date": f"{moment:%d/%m/%Y}"}


def _crumbs() -> list[tuple[str, str]]:
    return [(reverse("worktime:calendar"), _("Lịch làm việc"))]


def _form_page(request: HttpRequest, form: Form, **kwargs) -> HttpResponse:
    return form_page(request, form, breadcrumbs=_crumbs(), **kwargs)


def _calendar_url(day: dt.date | None = None, schedule: Schedule | None = None) -> str:
    query = _query(schedule) if schedule is not None else ""
    if day is not None:
        query = f"{query}&nam={day.year}" if query else f"?nam={day.year}"
    return f"{reverse('worktime:calendar')}{query}"


# -- the year view ----------------------------------------------------------------------------------
@dataclass
class Cell:
    info: DayInfo
    today: bool

    @property
    def css(self) -> str:
        return KINDS[self.info.kind][1]

    @property
    def title(self) -> str:
        label = _(KINDS[self.info.kind][0])
        name = day_name(self.info)
        return f"{self.info.day:%d/%m/%Y}: {label}" + (f" – {name}" if name else "")


@dataclass
class Month:
    number: int
    label: str
    weeks: list[list[Cell | None]]


@dataclass
class SpecialRow:
    """One line of the list of special days: a run of consecutive days with the same status and
    name (an agency's day is always a line of its own, with its record for removal)."""

    first: dt.date
    last: dt.date
    info: DayInfo
    record: CalendarDay | None = None

    @property
    def count(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def kind_label(self) -> str:
        return _(KINDS[self.info.kind][0])

    @property
    def css(self) -> str:
        return KINDS[self.info.kind][1]

    @property
    def name(self) -> str:
        return day_name(self.info)

    @property
    def source(self) -> str:
        return day_source(self.info)

    @property
    def origin(self) -> str:
        return _(ORIGINS[self.info.origin])

    @property
    def hours(self) -> str:
        return format_sessions(self.info.sessions) if self.info.kind == "makeup" else ""


def _session_texts(sessions) -> list[str]:
    """``["07:30-11:30", "13:00-17:00"]``: one text per session (shown unbroken)."""
    return [format_sessions((session,)) for session in sessions]


def _months(calendar: WorkCalendar, year: int) -> list[Month]:
    infos = {info.day: info for info in calendar.days(dt.date(year, 1, 1), dt.date(year, 12, 31))}
    today = timezone.localdate()
    months = []
    for number in range(1, 13):
        weeks = [
            [Cell(infos[day], day == today) if day.month == number else None for day in week]
            for week in month_calendar.Calendar(firstweekday=0).monthdatescalendar(year, number)
        ]
        months.append(Month(number, _(MONTHS[number - 1]), weeks))
    return months


def _special_rows(calendar: WorkCalendar, year: int, records: dict[dt.date, CalendarDay]) -> list[SpecialRow]:
    rows: list[SpecialRow] = []
    for info in calendar.special_days(year):
        previous = rows[-1] if rows else None
        if (previous is not None and info.origin != "agency" and previous.record is None
                and (previous.last + dt.timedelta(days=1)) == info.day
                and (previous.info.kind, previous.info.name, previous.info.source, previous.info.origin)
                == (info.kind, info.name, info.source, info.origin)):
            previous.last = info.day
            continue
        rows.append(SpecialRow(info.day, info.day, info, records.get(info.day) if info.origin == "agency"
                               else None))
    return rows


@login_required
def calendar_view(request: HttpRequest) -> HttpResponse:
    agency = _agency(request)
    schedule = _schedule(request, agency)
    calendar = selectors.calendar_for(schedule)
    year = _year(request)
    records = {record.day: record for record in selectors.calendar_days(schedule)
               if record.day.year == year}
    reception, counting = schedule.weekly_hours(), schedule.counting_hours()
    hours = [(_(WEEKDAYS[i]), _session_texts(parse_sessions(reception[i])), reception[i] == counting[i])
             for i in range(7)]
    return render(request, "worktime/calendar.html", {
        "agency": agency,
        "year": year,
        "previous_year": year - 1 if year > wt_forms.MIN_YEAR else None,
        "next_year": year + 1 if year < wt_forms.MAX_YEAR else None,
        "this_year": timezone.localdate().year,
        "months": _months(calendar, year),
        "weekday_labels": [_(label) for label in WEEKDAY_SHORT],
        "legend": [(_(label), css) for label, css in KINDS.values()],
        "rows": _special_rows(calendar, year, records),
        "office_hours": hours,
        "makeup_hours": _session_texts(calendar.hours.makeup),
        "can_manage": can_manage_organisation(request.user),
        "schedule": schedule,
        "unit_schedules": list(selectors.unit_schedules(agency)),
        "query": _query(schedule),
        "unit_param": UNIT_PARAM,
    })


# -- the administrator's pages ------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def day_add(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    schedule = _schedule(request)
    initial = {}
    if request.method == "GET" and request.GET.get("ngay"):
        with contextlib.suppress(ValueError):
            initial["day"] = dt.date.fromisoformat(request.GET["ngay"])
    form = wt_forms.CalendarDayForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.set_calendar_day(actor=request.user, schedule=schedule,
                                               **form.service_arguments())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            text = (_("Đã lưu ngày làm bù %(day)s (%(name)s). %(notice)s") if record.working
                    else _("Đã lưu ngày nghỉ %(day)s (%(name)s). %(notice)s"))
            messages.success(request, text % {"day": f"{record.day:%d/%m/%Y}", "name": record.name,
                                              "notice": _(RECOMPUTE_NOTICE)})
            return redirect(_calendar_url(record.day, schedule))
    return _form_page(
        request, form, title=_("Thêm ngày nghỉ hoặc ngày làm bù"), submit=_("Lưu"),
        cancel=_calendar_url(schedule=schedule),
        intro=_("Chỉ dùng cho thay đổi riêng của cơ quan hoặc thông báo mới chưa có trong lịch: "
                "các ngày lễ, Tết và lịch nghỉ theo thông báo của Chính phủ đã có sẵn. Nếu ngày đã có "
                "thay đổi của cơ quan, thay đổi đó được cập nhật."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def day_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove an agency's day off or make-up day: a confirmation page, then POST."""
    _require_admin(request)
    record = get_object_or_404(CalendarDay, pk=pk, schedule__agency=_agency(request))
    schedule = record.schedule
    form = Form(request.POST if request.method == "POST" else None)  # no fields: bound on POST
    if request.method == "POST" and form.is_valid():
        try:
            services.remove_calendar_day(actor=request.user, calendar_day=record)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã bỏ thay đổi ngày %(day)s (%(name)s). %(notice)s") % {
                "day": f"{record.day:%d/%m/%Y}", "name": record.name, "notice": _(RECOMPUTE_NOTICE)})
            return redirect(_calendar_url(record.day, schedule))
    title = _("Bỏ ngày làm bù %(day)s") if record.working else _("Bỏ ngày nghỉ %(day)s")
    return _form_page(
        request, form, title=title % {"day": f"{record.day:%d/%m/%Y}"},
        submit=_("Bỏ ngày này"), cancel=_calendar_url(record.day, schedule), danger=True,
        intro=_("“%(name)s”%(decision)s. Ngày này sẽ trở lại như lịch chung (lịch tuần, ngày lễ, "
                "thông báo của Chính phủ).") % {
            "name": record.name,
            "decision": f" – {record.decision}" if record.decision else ""},
    )


@login_required
@require_http_methods(["GET", "POST"])
def hours_edit(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    schedule = _schedule(request)
    form = wt_forms.OfficeHoursForm(request.POST or None, schedule=schedule)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_office_hours(actor=request.user, schedule=schedule, hours=form.hours(),
                                         weekend_counts=form.cleaned_data["weekend_counts"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu giờ làm việc. %(notice)s") % {"notice": _(RECOMPUTE_NOTICE)})
            return redirect(_calendar_url(schedule=schedule))
    title = (_("Giờ làm việc riêng của %(unit)s") % {"unit": schedule.unit.name} if schedule.unit_id
             else _("Giờ làm việc"))
    return _form_page(
        request, form, title=title, submit=_("Lưu giờ làm việc"),
        cancel=_calendar_url(schedule=schedule),
        intro=_("Ghi các buổi làm việc theo dạng 07:30-11:30, 13:00-17:00 (giờ nghỉ trưa không "
                "tính). Để trống ngày không làm việc. Mọi thời hạn đang mở sẽ được tính lại theo giờ "
                "mới."),
        columns=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_schedule_add(request: HttpRequest) -> HttpResponse:
    """Give a unit office hours of its own (a branch that also works Saturday mornings)."""
    _require_admin(request)
    agency = _agency(request)
    taken = {s.unit_id for s in selectors.unit_schedules(agency)}
    form = wt_forms.UnitScheduleForm(request.POST or None, agency=agency, taken=taken)
    if request.method == "POST" and form.is_valid():
        try:
            schedule = services.create_unit_schedule(actor=request.user,
                                                     unit=form.cleaned_data["unit"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(unit)s đã có giờ làm việc riêng; hãy sửa giờ cho đúng.")
                             % {"unit": schedule.unit.name})
            return redirect(f"{reverse('worktime:hours_edit')}{_query(schedule)}")
    return _form_page(
        request, form, title=_("Giờ làm việc riêng cho một đơn vị"), submit=_("Tạo"),
        cancel=reverse("worktime:calendar"),
        intro=_("Giờ làm việc riêng bắt đầu bằng giờ hiện tại của đơn vị; ngày nghỉ, ngày làm bù "
                "của cơ quan vẫn áp dụng cho đơn vị."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_schedule_remove(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    schedule = _schedule(request)
    if schedule.unit_id is None:
        raise Http404(_("Không có đơn vị này."))
    form = Form(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.remove_unit_schedule(actor=request.user, schedule=schedule)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(unit)s làm việc lại theo giờ chung.")
                             % {"unit": schedule.unit.name})
            return redirect("worktime:calendar")
    return _form_page(
        request, form, title=_("Bỏ giờ làm việc riêng của %(unit)s") % {"unit": schedule.unit.name},
        submit=_("Bỏ giờ làm việc riêng"), cancel=_calendar_url(schedule=schedule), danger=True,
        intro=_("Đơn vị sẽ làm việc theo giờ của đơn vị cấp trên hoặc của cơ quan."),
    )


# -- the calculator -----------------------------------------------------------------------------------
@login_required
def calculator(request: HttpRequest) -> HttpResponse:
    """Deadline and working time between two moments, on the agency's calendar. Both forms are
    GET forms (a computation changes nothing, and its address can be shared)."""
    agency = _agency(request)
    calendar = selectors.calendar_for(_agency_schedule(agency))
    data = request.GET
    computes_deadline = "amount" in data or "procedure" in data
    computes_between = "first_day" in data
    form = wt_forms.DeadlineForm(data if computes_deadline else None, agency=agency)
    between_form = wt_forms.BetweenForm(data if computes_between else None)
    context: dict[str, object] = {"agency": agency, "form": form, "between_form": between_form,
                                  "presets": wt_forms.RULE_PRESETS.values()}
    if computes_deadline and form.is_valid():
        result = deadline(calendar, form.received(calendar.tz), form.cleaned_data["work_amount"],
                          rule=form.cleaned_data["counting_rule"])
        context.update(deadline=result, due_text=moment_text(result.due_at),
                       rule_label=form.cleaned_data["rule_label"], rule_sources=form.rule_sources,
                       version=form.cleaned_data.get("version"),
                       received_text=moment_text(result.received_at),
                       start_text=moment_text(result.started_at), amount_text=format_amount(result.amount))
    if computes_between and between_form.is_valid():
        first, last = between_form.moments(calendar.tz)
        amount = calendar.between(first, last)
        context.update(between=amount, between_text=format_amount(amount), between_minutes=amount.minutes,
                       between_first=moment_text(first), between_last=moment_text(last))
    return render(request, "worktime/calculator.html", context)

