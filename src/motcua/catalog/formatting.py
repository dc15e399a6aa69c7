"""How the catalogue writes money and time limits, the Vietnamese way, for every page and the
API: “100.000 đồng”, “0,5 ngày làm việc”, “Trong ngày”."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from motcua.catalog.models import TimeUnit


def money(amount: int) -> str:
    """``100000`` → “100.000 đồng” (a dot between thousands)."""
    return _("%(amount)s đồng") % {"amount": f"{int(amount):,}".replace(",", ".")}


def decimal_text(value: Decimal | int | str) -> str:
    """``Decimal("0.50")`` → “0,5”; ``Decimal("7.00")`` → “7”."""
    number = Decimal(str(value))
    return (format(number.normalize(), "f") if number else "0").replace(".", ",")


def time_limit_text(value: Decimal | int | str, unit: str) -> str:
    """A time limit or an allotment as stated: “7 ngày làm việc”, “4 giờ làm việc”; zero is
    “Trong ngày” (within the day of reception, as same-day procedures publish it)."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return ""
    if not number:
        return _("Trong ngày")
    label = TimeUnit(unit).label if unit in TimeUnit.values else unit
    return f"{decimal_text(number)} {label}"
