"""Formatting for the public site: amounts of money and working time the Vietnamese way."""

from __future__ import annotations

from django import template

from motcua.catalog.formatting import money, time_limit_text
from motcua.org.selectors import default_agency

register = template.Library()


@register.filter
def dong(amount) -> str:
    """``100000`` → “100.000 đồng”."""
    try:
        return money(int(amount))
    except (TypeError, ValueError):
        return ""


@register.filter
def duration(value, unit: str) -> str:
    """``(7, "day")`` → “7 ngày làm việc”; zero → “Trong ngày”."""
    return "" if value is None or value == "" else time_limit_text(value, unit)


@register.simple_tag(takes_context=True)
def public_agency(context):
    """The agency whose public site this is: the view's ``agency`` when it gave one, else the
    default agency (for pages such as errors that have none)."""
    agency = context.get("agency")
    if agency is None:
        agency = default_agency()
    return agency
