"""Formatting for the public site: amounts of money and working time the Vietnamese way."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.translation import gettext as _

from motcua.catalog.models import TimeUnit
from motcua.org.selectors import default_agency

register = template.Library()


@register.filter
def dong(amount) -> str:
    """``100000`` → “100.000 đồng” (a dot between thousands, as Vietnamese writes it)."""
    try:
        number = int(amount)
    except (TypeError, ValueError):
        return ""
    return _("%(amount)s đồng") % {"amount": f"{number:,}".replace(",", ".")}


@register.filter
def number_vi(value) -> str:
    """``Decimal("0.50")`` → “0,5”; ``Decimal("7.00")`` → “7”."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return ""
    text = format(number.normalize(), "f") if number else "0"
    return text.replace(".", ",")


@register.filter
def duration(value, unit: str) -> str:
    """A time limit as published: ``(7, "day")`` → “7 ngày làm việc”, ``(4, "hour")`` → “4 giờ làm việc”."""
    if value is None or value == "":
        return ""
    label = TimeUnit(unit).label if unit in TimeUnit.values else unit
    return f"{number_vi(value)} {label}"


@register.simple_tag(takes_context=True)
def public_agency(context):
    """The agency whose public site this is: the view's ``agency`` when it gave one, else the
    default agency (for pages such as errors that have none)."""
    agency = context.get("agency")
    if agency is None:
        agency = default_agency()
    return agency
