"""The official civil-service calendar, shipped as data on top of the ``holidays`` package.

Each year the government fixes the Tết days, the day next to Quốc khánh and the swaps (a weekday
off, a Saturday worked) for cán bộ, công chức, viên chức (Labour Code 2019 art. 112(3)). The
``holidays`` package is a good base but lags behind (e.g. 0.108/0.109 lack the New Year 2026 swap),
so the periods below are applied over it. Sources: ``shared/domain/RULES.md`` §3 and
``legal-notes.md`` §6 (secondary sources quoting the notices). A period whose notice number is
not known carries ``notice=None`` and the legal basis instead; ``confirmed=False`` marks a period
taken from the package that still awaits the government's announcement.

Agencies add later announcements themselves as :class:`~motcua.worktime.calendar.DayOverride`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from ._i18n import gettext_noop


@dataclass(frozen=True, slots=True)
class OfficialPeriod:
    """A run of days off (inclusive) and the make-up working days announced with it."""

    name: str  # Vietnamese msgid (translated at render time)
    first: date
    last: date
    workdays: tuple[date, ...] = ()
    notice: str | None = None  # e.g. "8726/VPCP-KGVX"
    notice_date: date | None = None
    basis: str = ""  # legal basis when no notice applies, or a note
    confirmed: bool = True

    @property
    def source(self) -> str:
        """How the explanation cites this period: the notice, else its legal basis."""
        if self.notice:
            when = f", {self.notice_date:%d/%m/%Y}" if self.notice_date else ""
            return f"{self.notice}{when}"
        return self.basis

    def days_off(self) -> Iterator[date]:
        day = self.first
        while day <= self.last:
            yield day
            day += timedelta(days=1)


@dataclass(frozen=True, slots=True)
class OfficialDay:
    day: date
    working: bool
    period: OfficialPeriod


LABOUR_CODE_112 = gettext_noop("Bộ luật Lao động 2019, Điều 112")
LABOUR_CODE_111_3 = gettext_noop("Bộ luật Lao động 2019, Điều 111 khoản 3 (nghỉ bù)")

OFFICIAL_PERIODS: tuple[OfficialPeriod, ...] = (
    OfficialPeriod(
        name=gettext_noop("Nghỉ Tết Nguyên đán Ất Tỵ 2025"),
        first=date(2025, 1, 25),
        last=date(2025, 2, 2),
        notice="8726/VPCP-KGVX",
        notice_date=date(2024, 11, 26),
    ),
    OfficialPeriod(
        name=gettext_noop("Giỗ Tổ Hùng Vương (10/3 âm lịch)"),
        first=date(2025, 4, 7),
        last=date(2025, 4, 7),
        basis=LABOUR_CODE_112,
    ),
    OfficialPeriod(
        name=gettext_noop(
            "Nghỉ lễ Chiến thắng 30/4 và Quốc tế Lao động 1/5/2025 (hoán đổi thứ Sáu 02/5 với thứ Bảy 26/4)"
        ),
        first=date(2025, 4, 30),
        last=date(2025, 5, 4),
        workdays=(date(2025, 4, 26),),
        basis=gettext_noop("Thông báo hoán đổi ngày làm việc năm 2025 (chưa xác minh số hiệu)"),
    ),
    OfficialPeriod(
        name=gettext_noop("Nghỉ lễ Quốc khánh 2/9/2025"),
        first=date(2025, 8, 30),
        last=date(2025, 9, 2),
        notice="6150/TB-BLĐTBXH",
    ),
    OfficialPeriod(
        name=gettext_noop("Nghỉ Tết Dương lịch 2026 (hoán đổi thứ Sáu 02/01 với thứ Bảy 10/01/2026)"),
        first=date(2026, 1, 1),
        last=date(2026, 1, 4),
        workdays=(date(2026, 1, 10),),
        notice="12729/VPCP-KGVX",
        notice_date=date(2025, 12, 25),
    ),
    OfficialPeriod(
        name=gettext_noop("Nghỉ Tết Nguyên đán Bính Ngọ 2026"),
        first=date(2026, 2, 14),
        last=date(2026, 2, 22),
        basis=LABOUR_CODE_112,
    ),
    OfficialPeriod(
        name=gettext_noop("Giỗ Tổ Hùng Vương 2026 (Chủ nhật 26/4, nghỉ bù thứ Hai 27/4)"),
        first=date(2026, 4, 26),
        last=date(2026, 4, 27),
        basis=LABOUR_CODE_111_3,
    ),
    OfficialPeriod(
        name=gettext_noop("Nghỉ lễ Quốc khánh 2/9/2026 (hoán đổi thứ Hai 31/8 với thứ Bảy 22/8/2026)"),
        first=date(2026, 8, 31),
        last=date(2026, 9, 2),
        workdays=(date(2026, 8, 22),),
        basis=gettext_noop("Theo gói holidays; xác nhận khi có thông báo chính thức"),
        confirmed=False,
    ),
)


def official_days(periods: Iterable[OfficialPeriod] = OFFICIAL_PERIODS) -> dict[date, OfficialDay]:
    """Expand periods into one entry per day; a later period wins over an earlier one."""
    days: dict[date, OfficialDay] = {}
    for period in periods:
        for day in period.days_off():
            days[day] = OfficialDay(day, False, period)
        for day in period.workdays:
            days[day] = OfficialDay(day, True, period)
    return days
