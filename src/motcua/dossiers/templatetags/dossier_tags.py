"""How the dossier pages write statuses, moments and places, the Vietnamese way."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.dossiers.models import Dossier, Status, Timeliness

register = template.Library()

STATUS_STYLES = {
    Status.SUBMITTED: "info", Status.INCOMPLETE: "warning", Status.REFUSED: "secondary",
    Status.PROCESSING: "primary", Status.AWAITING_SUPPLEMENT: "warning", Status.PAUSED: "warning",
    Status.READY: "success", Status.RETURNED: "dark", Status.WITHDRAWN: "secondary",
    Status.CANCELLED: "danger",
}
TIMELINESS_STYLES = {Timeliness.EARLY: "success", Timeliness.ON_TIME: "primary", Timeliness.LATE: "danger"}


@register.filter
def key(dossier: Dossier) -> str:
    """The dossier's name in addresses: its code, or its id while it has none."""
    return dossier.code or str(dossier.pk)


@register.filter
def status_label(status: str) -> str:
    return str(Status(status).label) if status in Status.values else ""


@register.filter
def status_style(status: str) -> str:
    return STATUS_STYLES.get(status, "secondary")


@register.filter
def timeliness_label(value: str) -> str:
    return str(Timeliness(value).label) if value in Timeliness.values else ""


@register.filter
def timeliness_style(value: str) -> str:
    return TIMELINESS_STYLES.get(value, "secondary")


def _local(moment: dt.datetime, zone: str | None) -> dt.datetime:
    return timezone.localtime(moment, ZoneInfo(zone) if zone else None)


@register.filter
def hour_and_day(moment: dt.datetime | None, zone: str | None = None) -> str:
    """“09 giờ 05 phút, ngày 10/11/2026” (in the agency's time zone when given)."""
    if moment is None:
        return ""
    local = _local(moment, zone)
    return _("%(hour)s giờ %(minute)s phút, ngày %(day)s") % {
        "hour": f"{local:%H}", "minute": f"{local:%M}", "day": f"{local:%d/%m/%Y}"}


@register.simple_tag
def place_and_date(agency, moment: dt.datetime | dt.date | None = None) -> str:
    """“Cần Thơ, ngày 10 tháng 11 năm 2026”."""
    moment = moment or timezone.now()
    day = _local(moment, agency.time_zone).date() if isinstance(moment, dt.datetime) else moment
    return _("%(place)s, ngày %(day)s tháng %(month)s năm %(year)s") % {
        "place": agency.place_name, "day": f"{day:%d}", "month": f"{day:%m}", "year": day.year}


@register.filter
def time_limit(version) -> str:
    """A procedure version's legal time limit: “8 ngày làm việc”."""
    from motcua.catalog.formatting import time_limit_text

    return time_limit_text(version.time_limit_value, version.time_limit_unit) if version else ""


@register.filter
def listed(data: dict, names: str) -> list:
    """The lists ``data[name]`` of an event's data, for each comma-separated name (what was
    missing at reception, what to supplement)."""
    if not isinstance(data, dict):
        return []
    found: list = []
    for name in names.split(","):
        value = data.get(name.strip())
        found += value if isinstance(value, list) else []
    return found
