"""Clock rules and deadlines recomputed from clock events.

A deadline is a pure function of (calendar, amount, counting rule, clock rule, clock events).
Events are what happened to the dossier's clock, in the order they happened:

* ``start``   — the complete dossier was received (exactly one, first);
* ``pause``   — e.g. the applicant was asked to supplement the dossier;
* ``resume``  — the supplement arrived;
* ``restart`` — the legal time starts again from zero at this moment;
* ``extend``  — more time: by a stated amount, or to an explicit new due moment (form 04, the
  apology with a new appointment).

The **clock rule** (chosen per procedure or step) says what a pause … resume does:

* ``pause_resume`` — the working time between pause and resume is not counted: the due moment
  moves by exactly that working time (RULES.md §1: "the time already spent counts toward the time
  limit", as OpenCPS implemented it);
* ``restart`` — on resume the legal time restarts from zero, counted by the start rule from the
  resume moment (the complete dossier is received then);
* ``extend`` — a pause does not stop the clock; more time comes only from ``extend`` events.

``restart`` and ``extend`` events mean the same under every clock rule. A restart forgets earlier
pauses and extensions. The result keeps the due moment without extensions as
``original_due_at``: a dossier extended by an apology stays counted as late against it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import Literal

from ._i18n import gettext_noop
from .amount import WorkAmount
from .calendar import WorkCalendar
from .explain import Explanation, Step, describe_days
from .rules import PLAIN, CountingRule


class EventKind(StrEnum):
    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    RESTART = "restart"
    EXTEND = "extend"


@dataclass(frozen=True, slots=True)
class ClockEvent:
    kind: EventKind
    at: datetime
    amount: WorkAmount | None = None  # extend by
    due_at: datetime | None = None  # extend to
    reason: str = ""

    @classmethod
    def start(cls, at: datetime, reason: str = "") -> ClockEvent:
        return cls(EventKind.START, at, reason=reason)

    @classmethod
    def pause(cls, at: datetime, reason: str = "") -> ClockEvent:
        return cls(EventKind.PAUSE, at, reason=reason)

    @classmethod
    def resume(cls, at: datetime, reason: str = "") -> ClockEvent:
        return cls(EventKind.RESUME, at, reason=reason)

    @classmethod
    def restart(cls, at: datetime, reason: str = "") -> ClockEvent:
        return cls(EventKind.RESTART, at, reason=reason)

    @classmethod
    def extend(
        cls,
        at: datetime,
        *,
        amount: WorkAmount | None = None,
        due_at: datetime | None = None,
        reason: str = "",
    ) -> ClockEvent:
        if (amount is None) == (due_at is None):
            raise ValueError("an extension gives either an amount or a new due moment")
        if amount is not None and amount.minutes <= 0:
            raise ValueError("an extension must be positive")
        return cls(EventKind.EXTEND, at, amount=amount, due_at=due_at, reason=reason)


@dataclass(frozen=True)
class ClockRule:
    """What a pause … resume does to a deadline. See the module docstring."""

    code: str
    label: str  # Vietnamese msgid
    doc: str = field(default="", repr=False)


PAUSE_RESUME = ClockRule(
    "pause_resume",
    gettext_noop("Tạm dừng rồi tiếp tục"),
    "Paused working time is added back: the due moment moves by the working time paused. "
    "Decree 118/2025 (as Decree 61/2018 art. 19 before it): when a dossier must be supplemented "
    "the time already spent still counts toward the limit.",
)
RESTART = ClockRule(
    "restart",
    gettext_noop("Tính lại từ đầu"),
    "On resume the legal time restarts from zero, counted by the start rule from the resume "
    "(the moment the complete dossier is received).",
)
EXTEND = ClockRule(
    "extend",
    gettext_noop("Gia hạn"),
    "A pause does not stop the clock; only extend events (apology and new appointment, "
    "form 04) give more time, by an amount or to an explicit new due moment.",
)
CLOCK_RULES: dict[str, ClockRule] = {rule.code: rule for rule in (PAUSE_RESUME, RESTART, EXTEND)}


def get_clock_rule(code: str) -> ClockRule:
    try:
        return CLOCK_RULES[code]
    except KeyError:
        raise KeyError(f"unknown clock rule {code!r}") from None


Timeliness = Literal["early", "on_time", "late"]


@dataclass(frozen=True)
class Deadline:
    """A computed deadline, as it stood at ``now`` (or after all events when ``now`` is None).

    ``due_at`` is None while the clock is paused under ``pause_resume`` or ``restart``: it will
    be known on resume. ``remaining`` is signed: negative once overdue.
    """

    received_at: datetime
    started_at: datetime
    amount: WorkAmount
    due_at: datetime | None
    original_due_at: datetime | None
    paused: WorkAmount
    extended_by: WorkAmount
    is_paused: bool
    now: datetime | None
    elapsed: WorkAmount | None
    remaining: WorkAmount | None
    counting_rule: str
    clock_rule: str
    explanation: Explanation

    @property
    def is_overdue(self) -> bool:
        """Whether ``now`` is after the due moment (False while paused or without ``now``)."""
        return self.due_at is not None and self.now is not None and self.now > self.due_at

    def timeliness(self, done_at: datetime, *, against_original: bool = False) -> Timeliness:
        """Classify a result returned at ``done_at``.

        ``late`` when after the due moment; ``on_time`` when on the due day (local date) and not
        after the moment; ``early`` when on an earlier day. ``against_original`` compares with the
        due moment before extensions (a dossier extended by an apology stays late).
        """
        due = self.original_due_at if against_original else self.due_at
        if due is None:
            raise ValueError("the deadline is paused: no due moment to compare with")
        return classify(done_at, due, due.tzinfo)

    def as_dict(self) -> dict[str, object]:
        def iso(moment: datetime | None) -> str | None:
            return moment.isoformat() if moment is not None else None

        def amount(value: WorkAmount | None) -> object:
            return value.as_dict() if value is not None else None

        return {
            "received_at": iso(self.received_at),
            "started_at": iso(self.started_at),
            "amount": self.amount.as_dict(),
            "due_at": iso(self.due_at),
            "original_due_at": iso(self.original_due_at),
            "paused": self.paused.as_dict(),
            "extended_by": self.extended_by.as_dict(),
            "is_paused": self.is_paused,
            "now": iso(self.now),
            "elapsed": amount(self.elapsed),
            "remaining": amount(self.remaining),
            "is_overdue": self.is_overdue,
            "counting_rule": self.counting_rule,
            "clock_rule": self.clock_rule,
            "explanation": self.explanation.as_dict(),
        }


def due_day(due: datetime, tz: tzinfo) -> date:
    """The day a due moment belongs to: 24:00 (the next day's 00:00) ends the day before."""
    local = due.astimezone(tz)
    if local.time() == time(0):
        return (local - timedelta(days=1)).date()
    return local.date()


def classify(done: datetime, due: datetime, tz: tzinfo) -> Timeliness:
    """Work finished at ``done`` against ``due`` (compared in ``tz``): ``late`` after the due
    moment, ``on_time`` on the due day and not after it, ``early`` on an earlier day. The one
    definition of ``docs/definitions.md``, used by the dossiers, their steps and every report."""
    if done > due:
        return "late"
    if done.astimezone(tz).date() < due_day(due, tz):
        return "early"
    return "on_time"


def compute_deadline(
    calendar: WorkCalendar,
    amount: WorkAmount,
    events: Iterable[ClockEvent],
    *,
    rule: CountingRule = PLAIN,
    clock: ClockRule = PAUSE_RESUME,
    now: datetime | None = None,
) -> Deadline:
    """Fold the clock events into a deadline. Events after ``now`` are ignored (the deadline as
    it stood then). Events are ordered by time; at equal times, in the order given."""
    if amount.minutes < 0:
        raise ValueError("a time limit cannot be negative")
    ordered = sorted(events, key=lambda event: event.at)
    if now is not None:
        ordered = [event for event in ordered if event.at <= now]
    if not ordered or ordered[0].kind != EventKind.START:
        raise ValueError("the first clock event must be the start")

    received = calendar.local(ordered[0].at)
    steps: list[Step] = []
    start, step = rule.start.start(calendar, received, amount)
    steps += [step, Step("amount", {"amount": amount})]
    start_pos = calendar.position(start)
    paused = 0  # working minutes not counted (completed pauses, pause_resume)
    extra = 0  # working minutes added by extensions
    explicit_due: datetime | None = None
    paused_since_explicit = 0  # working minutes paused after an explicit new due moment
    pause_at: datetime | None = None
    pause_reason = ""

    for event in ordered[1:]:
        at = calendar.local(event.at)
        if event.kind == EventKind.START:
            raise ValueError("a deadline has exactly one start event")
        if event.kind == EventKind.PAUSE:
            if pause_at is not None:
                raise ValueError(f"pause at {at} while already paused")
            pause_at, pause_reason = at, event.reason
        elif event.kind == EventKind.RESUME:
            if pause_at is None:
                raise ValueError(f"resume at {at} without a pause")
            span = {"start": pause_at, "end": at, "reason": pause_reason}
            if clock.code == PAUSE_RESUME.code:
                length = max(0, calendar.position(at) - max(calendar.position(pause_at), start_pos))
                paused += length
                if explicit_due is not None:  # a new appointment moves by the pause too
                    paused_since_explicit += length
                steps.append(Step("pause", {**span, "length": WorkAmount(length)}))
            elif clock.code == RESTART.code:
                steps.append(Step("pause.restart", span))
                start, step = rule.start.start(calendar, at, amount)
                steps.append(step)
                start_pos, paused, extra, explicit_due = calendar.position(start), 0, 0, None
                paused_since_explicit = 0
            else:
                steps.append(Step("pause.clock_runs", span))
            pause_at = None
        elif event.kind == EventKind.RESTART:
            pause_at = None
            steps.append(Step("restart", {"moment": at, "reason": event.reason}))
            start, step = rule.start.start(calendar, at, amount)
            steps.append(step)
            start_pos, paused, extra, explicit_due = calendar.position(start), 0, 0, None
            paused_since_explicit = 0
        elif event.kind == EventKind.EXTEND:
            if event.due_at is not None:
                requested = calendar.local(event.due_at)
                day = calendar.day_of(requested, end=True)
                extra = paused_since_explicit = 0
                if calendar.is_working_day(day):
                    explicit_due = requested
                    steps.append(Step("extend.to", {"due": requested, "reason": event.reason}))
                else:  # Điều 148 khoản 5: a period ending on a rest day ends with the next workday
                    explicit_due = calendar.closing(calendar.next_working_day(day))
                    steps.append(Step("extend.to", {"due": requested, "reason": event.reason}))
                    steps.append(Step("extend.rolled", {"requested": requested, "due": explicit_due}))
            else:
                assert event.amount is not None
                extra += event.amount.minutes
                steps.append(Step("extend.amount", {"amount": event.amount, "reason": event.reason}))

    is_paused = pause_at is not None and clock.code != EXTEND.code
    due_at: datetime | None = None
    original_due_at: datetime | None = None
    remaining: WorkAmount | None = None
    elapsed: WorkAmount | None = None
    last_day = (calendar.local(now) if now is not None else start).date()

    if is_paused:
        assert pause_at is not None
        used = max(0, calendar.position(pause_at) - start_pos) - paused
        left = amount.minutes if clock.code == RESTART.code else amount.minutes + extra - used
        remaining = WorkAmount(left)
        if now is not None:
            elapsed = WorkAmount(max(0, used))
        steps.append(
            Step("pause.ongoing", {"start": pause_at, "reason": pause_reason, "remaining": remaining})
        )
        due_step = Step("due.paused")
    else:
        if pause_at is not None:  # the extend rule: the clock runs through the pause
            steps.append(Step("pause.clock_runs.ongoing", {"start": pause_at, "reason": pause_reason}))
        reached = calendar.add(start, WorkAmount(amount.minutes + paused))
        original_due_at, due_step = rule.due.due(calendar, reached)
        if explicit_due is not None:
            moved = extra + paused_since_explicit
            due_at = calendar.add(explicit_due, WorkAmount(moved)) if moved else explicit_due
            due_step = Step("due.at_moment", {"due": due_at})
        elif extra:
            reached = calendar.add(start, WorkAmount(amount.minutes + paused + extra))
            due_at, due_step = rule.due.due(calendar, reached)
        else:
            due_at = original_due_at
        last_day = max(last_day, due_at.date())
        if now is not None:
            now_pos = calendar.position(now)
            elapsed = WorkAmount(max(0, max(0, now_pos - start_pos) - paused))
            remaining = WorkAmount(calendar.position(due_at) - now_pos)

    steps[2:2] = describe_days(calendar, received.date(), last_day)
    steps.append(due_step)
    extended_by = (
        calendar.between(original_due_at, due_at)
        if due_at is not None and original_due_at is not None
        else WorkAmount(extra)
    )
    return Deadline(
        received_at=received,
        started_at=start,
        amount=amount,
        due_at=due_at,
        original_due_at=original_due_at,
        paused=WorkAmount(paused),
        extended_by=extended_by,
        is_paused=is_paused,
        now=calendar.local(now) if now is not None else None,
        elapsed=elapsed,
        remaining=remaining,
        counting_rule=rule.code,
        clock_rule=clock.code,
        explanation=Explanation(tuple(steps)),
    )


def deadline(
    calendar: WorkCalendar,
    received: datetime,
    amount: WorkAmount,
    *,
    rule: CountingRule = PLAIN,
    now: datetime | None = None,
) -> Deadline:
    """The deadline of a dossier received at ``received`` with no pause or extension."""
    return compute_deadline(calendar, amount, [ClockEvent.start(received)], rule=rule, now=now)
