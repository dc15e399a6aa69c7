"""Working-time amounts: whole and half working days, hours and minutes.

A :class:`WorkAmount` is an exact number of working **minutes** (an ``int``), plus the unit it
was stated in (kept for display and for rules that depend on the unit, such as Civil Code 2015
art. 147: a period in hours starts at the moment, a period in days on the next day).

One working day is 8 working hours (480 minutes), as in the existing one-stop systems
(OpenCPS ``DueDateUtils.DAY_TO_HOURS = 8``) and RULES.md §3. The engine's resolution is one
minute: every amount is a whole number of minutes, and fractions that are not (e.g. 0.001 day)
are refused rather than rounded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Literal

MINUTES_PER_HOUR = 60
HOURS_PER_DAY = 8
MINUTES_PER_DAY = HOURS_PER_DAY * MINUTES_PER_HOUR

Unit = Literal["day", "hour", "minute"]
UNITS: tuple[Unit, ...] = ("day", "hour", "minute")
_MINUTES_PER_UNIT = {"day": MINUTES_PER_DAY, "hour": MINUTES_PER_HOUR, "minute": 1}

Number = int | float | Decimal | Fraction | str


def _exact(value: Number) -> Fraction:
    if isinstance(value, bool):
        raise TypeError("a working-time amount must be a number, not a bool")
    if isinstance(value, float):
        # Go through the shortest repr so 0.1 means one tenth, not the nearest binary fraction.
        return Fraction(Decimal(repr(value)))
    if isinstance(value, int | Fraction | Decimal):
        return Fraction(value)
    if isinstance(value, str):
        return Fraction(Decimal(value.strip().replace(",", ".")))
    raise TypeError(f"not a number: {value!r}")


@dataclass(frozen=True, slots=True, order=True)
class WorkAmount:
    """An exact amount of working time, stored in minutes.

    Equality and ordering compare minutes only: ``WorkAmount.days(1) == WorkAmount.hours(8)``.
    Negative amounts exist (e.g. the remaining time of an overdue dossier) but cannot be added
    to a moment.
    """

    minutes: int
    unit: Unit = field(default="minute", compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.minutes, int) or isinstance(self.minutes, bool):
            raise TypeError("WorkAmount.minutes must be an int")
        if self.unit not in _MINUTES_PER_UNIT:
            raise ValueError(f"unknown unit {self.unit!r}; expected one of {UNITS}")

    # -- constructors -------------------------------------------------------------------------
    @classmethod
    def of(cls, value: Number, unit: Unit) -> WorkAmount:
        """``value`` working ``unit``s; refuses values that are not whole minutes."""
        if unit not in _MINUTES_PER_UNIT:
            raise ValueError(f"unknown unit {unit!r}; expected one of {UNITS}")
        minutes = _exact(value) * _MINUTES_PER_UNIT[unit]
        if minutes.denominator != 1:
            raise ValueError(f"{value} {unit} is not a whole number of working minutes")
        return cls(int(minutes), unit)

    @classmethod
    def days(cls, value: Number) -> WorkAmount:
        """Working days (0.5 = a half day = 4 working hours)."""
        return cls.of(value, "day")

    @classmethod
    def half_days(cls, value: Number) -> WorkAmount:
        return cls.of(_exact(value) / 2, "day")

    @classmethod
    def hours(cls, value: Number) -> WorkAmount:
        return cls.of(value, "hour")

    @classmethod
    def mins(cls, value: int) -> WorkAmount:
        return cls.of(value, "minute")

    # -- views ------------------------------------------------------------------------------
    def in_unit(self, unit: Unit | None = None) -> Fraction:
        """The amount as an exact fraction of ``unit`` (default: the stated unit)."""
        return Fraction(self.minutes, _MINUTES_PER_UNIT[unit or self.unit])

    @property
    def as_days(self) -> Fraction:
        return self.in_unit("day")

    @property
    def as_hours(self) -> Fraction:
        return self.in_unit("hour")

    def number(self, unit: Unit | None = None) -> int | float:
        """The amount in ``unit`` as an ``int`` when whole, else a ``float`` (for JSON)."""
        value = self.in_unit(unit)
        return int(value) if value.denominator == 1 else float(value)

    def as_dict(self) -> dict[str, object]:
        return {"minutes": self.minutes, "unit": self.unit, "value": self.number()}

    # -- arithmetic -------------------------------------------------------------------------
    def _combined_unit(self, other: WorkAmount) -> Unit:
        return self.unit if self.unit == other.unit else "minute"

    def __add__(self, other: object) -> WorkAmount:
        if not isinstance(other, WorkAmount):
            return NotImplemented
        return WorkAmount(self.minutes + other.minutes, self._combined_unit(other))

    def __sub__(self, other: object) -> WorkAmount:
        if not isinstance(other, WorkAmount):
            return NotImplemented
        return WorkAmount(self.minutes - other.minutes, self._combined_unit(other))

    def __neg__(self) -> WorkAmount:
        return WorkAmount(-self.minutes, self.unit)

    def __bool__(self) -> bool:
        return self.minutes != 0

    def __str__(self) -> str:
        value = self.in_unit()
        shown = str(value.numerator) if value.denominator == 1 else f"{float(value):g}"
        return f"{shown} {self.unit}{'' if value == 1 else 's'}"


ZERO = WorkAmount(0)
