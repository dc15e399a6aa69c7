"""Named counting rules: when counting starts, and where a due time falls.

A procedure picks one **start rule** and one **due rule**; together they are a
:class:`CountingRule`, whose ``code`` is ``"<start>+<due>"`` (e.g.
``"from_next_working_day+end_of_day"``). Rules are looked up by code in the registries
``START_RULES`` and ``DUE_RULES``, or by preset name (``PRESETS``) with :func:`get_counting_rule`.
Codes are stable: they are stored with procedures and dossiers (a dossier keeps the rule in force
when it was received).

Legal texts (checked against the text of Bộ luật Dân sự 2015, Điều 147–148):

* Điều 147 k1: a period in minutes or hours starts at the stated moment; k2–k3: a period in days
  starts on the day after the day of the event ("ngày xảy ra sự kiện không được tính mà tính từ
  ngày tiếp theo liền kề").
* Điều 148 k1: a period in days ends at the end of its last day; k5: when the last day is a
  weekly rest day or a holiday, the period ends at the end of the next working day; k6: the end
  of the last day is 24:00 of that day.
* Same-day procedures with a cut-off hour are procedure-specific, e.g. chứng thực
  (Nghị định 23/2015/NĐ-CP, Điều 21): "trong ngày … hoặc trong ngày làm việc tiếp theo, nếu
  tiếp nhận yêu cầu sau 15 giờ".
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, ClassVar

from .amount import WorkAmount
from .explain import Step

if TYPE_CHECKING:
    from .calendar import WorkCalendar


# -- start rules -------------------------------------------------------------------------------
class StartRule(ABC):
    """Maps the receipt moment to the moment counting starts."""

    code: ClassVar[str]
    source: ClassVar[str] = ""

    @abstractmethod
    def start(self, calendar: WorkCalendar, received: datetime, amount: WorkAmount) -> tuple[datetime, Step]:
        """The counting start and the step that explains it."""

    def by_day(self, amount: WorkAmount) -> bool:
        """Whether the start depends only on the (local) day of receipt, not on its hour: then
        every dossier received that day with the same amount has the same deadline, which a bulk
        recomputation computes once."""
        return False

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.code}>"


class FromReceiptMoment(StartRule):
    """Plain arithmetic: counting starts at receipt, or at the next working moment when the
    dossier is received outside office hours (evening, lunch break, rest day).

    Legal basis: Bộ luật Dân sự 2015, Điều 147 khoản 1 (a period in hours starts at the stated
    moment). This is what the API applies when no procedure is given.
    """

    code = "from_receipt_moment"
    source = "BLDS 2015 Đ147 k1"

    def start(self, calendar: WorkCalendar, received: datetime, amount: WorkAmount) -> tuple[datetime, Step]:
        received = calendar.local(received)
        start = calendar.next_working_moment(received)
        if calendar.is_working_time(received):
            return start, Step("start.at_receipt", {"received": received, "start": start})
        return start, Step("start.next_working_moment", {"received": received, "start": start})


class FromNextWorkingDay(StartRule):
    """Day 1 is the first working day after the day of receipt; counting starts when that day's
    office hours open. A dossier received on Friday (any hour) or on Saturday starts on Monday.

    Legal basis: Bộ luật Dân sự 2015, Điều 147 khoản 2–3 ("ngày xảy ra sự kiện không được tính mà
    tính từ ngày tiếp theo liền kề"), applied to "X ngày làm việc kể từ ngày nhận đủ hồ sơ".
    """

    code = "from_next_working_day"
    source = "BLDS 2015 Đ147 k2–3"

    def by_day(self, amount: WorkAmount) -> bool:
        return True

    def start(self, calendar: WorkCalendar, received: datetime, amount: WorkAmount) -> tuple[datetime, Step]:
        received = calendar.local(received)
        start = calendar.opening(calendar.next_working_day(received.date()))
        return start, Step("start.next_working_day", {"received": received, "start": start})


@dataclass(frozen=True, repr=False)
class SameDayCutoff(StartRule):
    """Received on a working day no later than the cut-off (default 15:00): counting starts at
    once, so a same-day procedure (amount 0 with the ``end_of_day`` due rule) is due at the close
    of that day. Received after the cut-off (from 15:01), or on a day that is not a working day:
    counting starts when the next working day opens.

    Legal basis (procedure-specific, never general): Nghị định 23/2015/NĐ-CP, Điều 21 for
    chứng thực — "trong ngày … hoặc trong ngày làm việc tiếp theo, nếu tiếp nhận yêu cầu sau
    15 giờ"; the same wording is used for some civil-status procedures and for certified copies
    from the master register.
    """

    cutoff: time = time(15, 0)
    source: ClassVar[str] = "NĐ 23/2015/NĐ-CP Đ21"

    @property
    def code(self) -> str:  # type: ignore[override]
        suffix = f"{self.cutoff.hour}h" + (f"{self.cutoff.minute:02}" if self.cutoff.minute else "")
        return f"same_day_cutoff_{suffix}"

    def start(self, calendar: WorkCalendar, received: datetime, amount: WorkAmount) -> tuple[datetime, Step]:
        received = calendar.local(received)
        day = received.date()
        cutoff_moment = calendar.day_midnight(day) + timedelta(
            hours=self.cutoff.hour, minutes=self.cutoff.minute
        )
        if calendar.is_working_day(day) and received.replace(second=0, microsecond=0) <= (cutoff_moment):
            start = calendar.next_working_moment(received)
            if start.date() == day:
                return start, Step(
                    "start.before_cutoff",
                    {"received": received, "cutoff": self.cutoff, "start": start},
                )
        start = calendar.opening(calendar.next_working_day(day))
        return start, Step(
            "start.after_cutoff", {"received": received, "cutoff": self.cutoff, "start": start}
        )


class CivilCode147(StartRule):
    """Bộ luật Dân sự 2015, Điều 147 as a whole: an amount stated in hours (or minutes) starts at
    the receipt moment (khoản 1, as ``from_receipt_moment``); an amount stated in days or half
    days starts on the next working day (khoản 2–3, as ``from_next_working_day``)."""

    code = "civil_code_147"
    source = "BLDS 2015 Đ147"

    def start(self, calendar: WorkCalendar, received: datetime, amount: WorkAmount) -> tuple[datetime, Step]:
        rule = FROM_NEXT_WORKING_DAY if amount.unit == "day" else FROM_RECEIPT_MOMENT
        return rule.start(calendar, received, amount)

    def by_day(self, amount: WorkAmount) -> bool:
        return amount.unit == "day"


# -- due rules -----------------------------------------------------------------------------------
class DueRule(ABC):
    """Maps the moment the arithmetic reaches (``calendar.add``) to the due moment."""

    code: ClassVar[str]
    source: ClassVar[str] = ""

    @abstractmethod
    def due(self, calendar: WorkCalendar, reached: datetime) -> tuple[datetime, Step]:
        """The due moment and the step that explains it."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.code}>"


def _last_working_day(calendar: WorkCalendar, reached: datetime) -> date:
    """The working day on which ``reached`` ends; a rest day rolls forward (Điều 148 khoản 5)."""
    day = calendar.day_of(reached, end=True)
    return day if calendar.is_working_day(day) else calendar.next_working_day(day)


class AtMoment(DueRule):
    """Due exactly when the working time is used up (to the minute): plain arithmetic.

    Legal basis: Bộ luật Dân sự 2015, Điều 147 khoản 1 (periods in hours); used by systems that
    count in working hours (8 h = 1 day).
    """

    code = "at_moment"
    source = "BLDS 2015 Đ147 k1"

    def due(self, calendar: WorkCalendar, reached: datetime) -> tuple[datetime, Step]:
        return reached, Step("due.at_moment", {"due": reached})


class EndOfDay(DueRule):
    """Due at the close of office hours of the day the working time runs out on (the last
    session's end, e.g. 17:00). If that day is not a working day — possible only for an explicit
    new date — the period ends at the close of the next working day.

    Legal basis: Bộ luật Dân sự 2015, Điều 148 khoản 1 (a period in days ends at the end of its
    last day) and khoản 5 (last day a rest day → end of the next working day). Khoản 6 puts the end
    of a day at 24:00; a one-stop desk returns results only in office hours, so the appointment is
    the close of office hours — ``end_of_day_24h`` is the strict reading.
    """

    code = "end_of_day"
    source = "BLDS 2015 Đ148 k1, k5"

    def due(self, calendar: WorkCalendar, reached: datetime) -> tuple[datetime, Step]:
        due = calendar.closing(_last_working_day(calendar, reached))
        return due, Step("due.end_of_day", {"due": due})


class EndOfDay24h(DueRule):
    """Due at 24:00 of the last working day (the following 00:00).

    Legal basis: Bộ luật Dân sự 2015, Điều 148 khoản 1, 5 and 6 ("Thời điểm kết thúc ngày cuối
    cùng của thời hạn vào lúc hai mươi tư giờ của ngày đó").
    """

    code = "end_of_day_24h"
    source = "BLDS 2015 Đ148 k1, k5, k6"

    def due(self, calendar: WorkCalendar, reached: datetime) -> tuple[datetime, Step]:
        day = _last_working_day(calendar, reached)
        due = calendar.day_midnight(day + timedelta(days=1))
        return due, Step("due.end_of_day_24h", {"due": due})


# -- composition and registries ------------------------------------------------------------------
@dataclass(frozen=True)
class CountingRule:
    """A start rule and a due rule, as selected for a procedure."""

    start: StartRule
    due: DueRule

    @property
    def code(self) -> str:
        return f"{self.start.code}+{self.due.code}"


FROM_RECEIPT_MOMENT = FromReceiptMoment()
FROM_NEXT_WORKING_DAY = FromNextWorkingDay()
SAME_DAY_CUTOFF_15H = SameDayCutoff(time(15, 0))
CIVIL_CODE_147 = CivilCode147()
AT_MOMENT = AtMoment()
END_OF_DAY = EndOfDay()
END_OF_DAY_24H = EndOfDay24h()

START_RULES: dict[str, StartRule] = {
    rule.code: rule
    for rule in (FROM_RECEIPT_MOMENT, FROM_NEXT_WORKING_DAY, SAME_DAY_CUTOFF_15H, CIVIL_CODE_147)
}
DUE_RULES: dict[str, DueRule] = {rule.code: rule for rule in (AT_MOMENT, END_OF_DAY, END_OF_DAY_24H)}

#: Plain arithmetic: what the API applies without a procedure.
PLAIN = CountingRule(FROM_RECEIPT_MOMENT, AT_MOMENT)
#: "X ngày làm việc kể từ ngày nhận đủ hồ sơ": day 1 is the next working day, due at its close.
WORKING_DAYS = CountingRule(FROM_NEXT_WORKING_DAY, END_OF_DAY)
#: Same-day procedures with the 15:00 cut-off (chứng thực), due at the close of the day.
SAME_DAY_15H = CountingRule(SAME_DAY_CUTOFF_15H, END_OF_DAY)

PRESETS: dict[str, CountingRule] = {
    "plain": PLAIN,
    "working_days": WORKING_DAYS,
    "same_day_15h": SAME_DAY_15H,
}


def register_start_rule(rule: StartRule) -> StartRule:
    """Add a start rule (e.g. ``SameDayCutoff(time(16))``) to the registry under its code."""
    START_RULES[rule.code] = rule
    return rule


def get_counting_rule(code: str) -> CountingRule:
    """A preset name (``"working_days"``) or ``"<start code>+<due code>"``."""
    if code in PRESETS:
        return PRESETS[code]
    start_code, plus, due_code = code.partition("+")
    if not plus:
        raise KeyError(f"unknown counting rule {code!r}")
    try:
        return CountingRule(START_RULES[start_code], DUE_RULES[due_code])
    except KeyError as error:
        raise KeyError(f"unknown counting rule {code!r}: no rule {error.args[0]!r}") from None
