"""The dossier tracking book (Sổ theo dõi hồ sơ): form 07 of Circular 03/2025/TT-VPCP (Mẫu 06 of
Circular 01/2018/TT-VPCP), kept per field of procedures (lĩnh vực); an electronic book need not be
printed.

One row per dossier **received** in the period — a dossier with a code, its moment of receipt on a
day of the period in the agency's time zone — in order of receipt, with the columns of the form:
number, dossier code, procedure, applicant, address and phone, lead body, received, appointment,
returned, how the result is collected, who signed for it; plus the status and the timeliness
(:mod:`motcua.dossiers.timeliness`).

* The **lead body** (cơ quan chủ trì giải quyết) is the unit of the dossier's first step after
  reception, by the name it had on the day of receipt; without one, the implementing agency of
  the procedure version the dossier was received under.
* The **appointment** is the due moment without extensions (the one of form 01, moved only by
  the time the clock was paused for the applicant); when the unit apologised (form 04), the new
  appointment is shown beside it.
* Who sees which rows follows :func:`motcua.dossiers.selectors.visible_dossiers`.

Reading a page or the whole period takes a fixed number of SQL queries however many rows there
are: the dossiers (with their version and procedure, and the first step's unit as a subquery) in
one query, and the agency's units with their former names in two.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import Field, Procedure, StepKind
from motcua.dossiers.models import (
    PAUSED_STATUSES,
    Channel,
    Dossier,
    DossierStep,
    ReturnMethod,
    Status,
    Timeliness,
)
from motcua.dossiers.selectors import visible_dossiers
from motcua.org.models import Agency, Unit, UnitName, User

#: The earliest and latest days a period may name (the book's dates stay real calendar days).
FIRST_DAY = dt.date(1990, 1, 1)
LAST_DAY = dt.date(2999, 12, 31)
#: Rows per screen page.
PER_PAGE = 100


class OpenTimeliness:
    """Labels of a dossier still being processed (RULES.md §1: within time or overdue)."""

    WITHIN = "within"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class LedgerFilter:
    """A period (both days included, in the agency's calendar) and the optional filters."""

    date_from: dt.date
    date_to: dt.date
    field: Field | None = None
    procedure: Procedure | None = None
    channel: str = ""


@dataclass(frozen=True)
class LedgerRow:
    number: int
    dossier_id: int
    code: str
    procedure_code: str
    procedure_name: str
    applicant_name: str
    applicant_address: str
    applicant_phone: str
    lead_body: str
    #: moments in the agency's time zone
    received_at: dt.datetime
    due_at: dt.datetime | None
    new_due_at: dt.datetime | None
    returned_at: dt.datetime | None
    return_method: str
    return_method_label: str
    return_tracking: str
    returned_to: str
    channel_label: str
    status: str
    status_label: str
    timeliness: str
    timeliness_label: str

    @property
    def address_phone(self) -> str:
        """The “Địa chỉ/Số điện thoại” cell."""
        return " / ".join(part for part in (self.applicant_address, self.applicant_phone) if part)

    @property
    def collection(self) -> str:
        """The “Phương thức nhận kết quả” cell: at the desk, or by post with the tracking number."""
        if self.return_method == ReturnMethod.POST and self.return_tracking:
            return _("%(method)s, số hiệu bưu gửi %(tracking)s") % {
                "method": self.return_method_label, "tracking": self.return_tracking}
        return self.return_method_label


# -- the period ----------------------------------------------------------------------------------
def agency_zone(agency: Agency) -> ZoneInfo:
    return ZoneInfo(agency.time_zone)


def default_period(agency: Agency, now: dt.datetime | None = None) -> tuple[dt.date, dt.date]:
    """This month in the agency's calendar: its first and last day."""
    today = timezone.localtime(now or timezone.now(), agency_zone(agency)).date()
    first = today.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def _one_year_after(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return dt.date(day.year + 1, 3, 1)


def check_period(date_from: dt.date, date_to: dt.date) -> None:
    """Raise ``ValidationError`` (by field) unless the period is at most one year, in order, and
    within the calendar the book covers: 01/01/2026–31/12/2026 is allowed, 01/01/2026–01/01/2027
    is not."""
    for name, day in (("date_from", date_from), ("date_to", date_to)):
        if not FIRST_DAY <= day <= LAST_DAY:
            raise ValidationError({name: _("Ngày %(day)s nằm ngoài khoảng %(first)s – %(last)s.") % {
                "day": f"{day:%d/%m/%Y}", "first": f"{FIRST_DAY:%d/%m/%Y}", "last": f"{LAST_DAY:%d/%m/%Y}"}})
    if date_from > date_to:
        raise ValidationError({"date_to": _(
            "“Đến ngày” (%(to)s) không được trước “Từ ngày” (%(from)s).") % {
            "from": f"{date_from:%d/%m/%Y}", "to": f"{date_to:%d/%m/%Y}"}})
    if date_to >= _one_year_after(date_from):
        raise ValidationError({"date_to": _(
            "Kỳ theo dõi dài quá một năm (từ %(from)s đến %(to)s). Hãy chọn kỳ không quá một năm, "
            "ví dụ từ %(from)s đến %(last)s.") % {
            "from": f"{date_from:%d/%m/%Y}", "to": f"{date_to:%d/%m/%Y}",
            "last": f"{_one_year_after(date_from) - dt.timedelta(days=1):%d/%m/%Y}"}})


def period_bounds(agency: Agency, date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The moments the period starts (included) and ends (excluded): local midnights."""
    zone = agency_zone(agency)
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start, end


# -- the rows ------------------------------------------------------------------------------------
LEDGER_COLUMNS = (
    "id", "agency_id", "code", "channel", "status", "procedure_id", "version_id",
    "applicant_name", "applicant_address", "applicant_phone", "received_at", "due_at",
    "original_due_at", "apologized", "paused_at", "returned_at", "returned_to", "return_method",
    "return_tracking", "timeliness",
    "procedure__national_code", "version__name", "version__implementing_agency",
)


def ledger_dossiers(user: User, agency: Agency, f: LedgerFilter) -> QuerySet[Dossier]:
    """The dossiers of the book that ``user`` may see, in order of receipt, with what the rows
    need (one query; ``lead_unit_id`` is the unit of the first step after reception)."""
    check_period(f.date_from, f.date_to)
    start, end = period_bounds(agency, f.date_from, f.date_to)
    dossiers = visible_dossiers(user).filter(
        agency=agency, code__isnull=False, received_at__gte=start, received_at__lt=end)
    if f.field is not None:
        dossiers = dossiers.filter(version__field=f.field)
    if f.procedure is not None:
        dossiers = dossiers.filter(procedure=f.procedure)
    if f.channel:
        dossiers = dossiers.filter(channel=f.channel)
    first_step = (DossierStep.objects.filter(dossier=OuterRef("pk"))
                  .exclude(kind__in=(StepKind.RECEIVE, StepKind.RETURN))
                  .order_by("started_at", "id").values("unit_id")[:1])
    return (dossiers.select_related("procedure", "version").only(*LEDGER_COLUMNS)
            .annotate(lead_unit_id=Subquery(first_step)).order_by("received_at", "id"))


def agency_units(agency: Agency) -> dict[int, Unit]:
    """Every unit of the agency with its former names (two queries)."""
    units = Unit.objects.filter(agency=agency).prefetch_related(
        Prefetch("former_names", UnitName.objects.order_by("-valid_to")))
    return {u.pk: u for u in units}


def _timeliness(d: Dossier, now: dt.datetime) -> str:
    if d.timeliness:
        return d.timeliness
    if d.status in (Status.PROCESSING, *PAUSED_STATUSES):
        due = d.due_at or d.original_due_at  # the appointment in force (docs/definitions.md)
        moment = d.paused_at if d.status in PAUSED_STATUSES and d.paused_at else now
        if due is not None:
            return OpenTimeliness.OVERDUE if moment > due else OpenTimeliness.WITHIN
    return ""


def timeliness_labels() -> dict[str, str]:
    return {**{value: str(label) for value, label in Timeliness.choices},
            OpenTimeliness.WITHIN: _("Trong hạn"), OpenTimeliness.OVERDUE: _("Đang quá hạn")}


def ledger_rows(dossiers: Iterable[Dossier], agency: Agency, *, first_number: int = 1,
                units: dict[int, Unit] | None = None, now: dt.datetime | None = None) -> Iterator[LedgerRow]:
    """The book's rows for dossiers of :func:`ledger_dossiers`, numbered from ``first_number``."""
    zone = agency_zone(agency)
    units = agency_units(agency) if units is None else units
    now = now or timezone.now()
    labels = timeliness_labels()
    statuses = dict(Status.choices)
    methods = dict(ReturnMethod.choices)
    channels = dict(Channel.choices)

    def local(moment: dt.datetime | None) -> dt.datetime | None:
        return moment.astimezone(zone) if moment is not None else None

    for number, d in enumerate(dossiers, start=first_number):
        received = local(d.received_at)
        unit = units.get(getattr(d, "lead_unit_id", None) or 0)
        lead = (unit.name_on(received.date()) if unit is not None
                else d.version.implementing_agency or agency.name)
        original = d.original_due_at or d.due_at
        new_due = d.due_at if d.apologized and d.due_at != original else None
        timeliness = _timeliness(d, now)
        yield LedgerRow(
            number=number, dossier_id=d.pk, code=d.code or "",
            procedure_code=d.procedure.national_code, procedure_name=d.version.name,
            applicant_name=d.applicant_name, applicant_address=d.applicant_address,
            applicant_phone=d.applicant_phone, lead_body=lead,
            received_at=received, due_at=local(original), new_due_at=local(new_due),
            returned_at=local(d.returned_at), return_method=d.return_method,
            return_method_label=str(methods.get(d.return_method, d.return_method)),
            return_tracking=d.return_tracking, returned_to=d.returned_to,
            channel_label=str(channels.get(d.channel, d.channel)),
            status=d.status, status_label=str(statuses.get(d.status, d.status)),
            timeliness=timeliness, timeliness_label=labels.get(timeliness, ""),
        )
