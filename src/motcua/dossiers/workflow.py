"""What every dossier action shares: taking the dossier (so that two officers cannot both act
on the same state), opening and closing steps, moving through the process, the clock, and
writing the event with its audit record. The verbs in :mod:`.services` read as the procedure;
the mechanics live here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.audit.services import record
from motcua.catalog.models import ProcessStep, StepKind
from motcua.dossiers import process
from motcua.dossiers.models import (
    Dossier,
    DossierEvent,
    DossierStep,
    Outcome,
    Status,
    StepStatus,
)
from motcua.dossiers.timeliness import classify
from motcua.notify.services import tell_applicant_later, tell_staff_later
from motcua.org.models import Unit, User
from motcua.worktime.amount import WorkAmount
from motcua.worktime.calendar import WorkCalendar
from motcua.worktime.clock import ClockEvent
from motcua.worktime.models import Schedule
from motcua.worktime.selectors import calendar_for, schedule_for_unit
from motcua.worktime.services import add_clock_event, mark_met


class ActionRefused(Exception):
    """The action is not possible in the dossier's present state (HTTP 409)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DossierChanged(ActionRefused):
    """Someone else changed the dossier since the actor looked at it."""


def changed_message() -> str:
    return _("Hồ sơ vừa được người khác cập nhật. Hãy tải lại trang để xem trạng thái mới "
             "rồi thực hiện lại nếu vẫn cần.")


@dataclass
class Work:
    """One action in progress on one dossier, inside its transaction."""

    dossier: Dossier
    actor: User
    now: dt.datetime
    schedule: Schedule
    before: dict = field(default_factory=dict)
    #: The dossier's column values as read (``None`` for a new dossier): ``finish`` writes only
    #: the columns the action changed.
    loaded: dict | None = None
    #: The dossier's active steps, read once per action and kept current by ``open_step`` and
    #: ``close_step`` (see :func:`active_steps`).
    steps: list[DossierStep] | None = None

    @cached_property
    def calendar(self) -> WorkCalendar:
        return calendar_for(self.schedule)

    @property
    def tz(self):
        return self.calendar.tz


#: The dossier's fields an event records when the action changed them (under the same names in
#: ``DossierEvent.data``), so that :func:`motcua.dossiers.history.replay` can rebuild them.
TRACKED_FIELDS = ("due_at", "original_due_at", "current_unit", "outcome", "timeliness")


def _snapshot(dossier: Dossier) -> dict:
    return {"status": dossier.status, "code": dossier.code, "due_at": dossier.due_at,
            "original_due_at": dossier.original_due_at, "current_unit": dossier.current_unit_id,
            "outcome": dossier.outcome, "timeliness": dossier.timeliness}


def _as_json(value):
    return value.isoformat() if isinstance(value, dt.datetime) else value


_UNSET = {"outcome": "", "timeliness": ""}


def _changes(work: Work) -> dict:
    """The tracked fields the action changed (those that are set, for a new dossier)."""
    now = _snapshot(work.dossier)
    return {name: _as_json(now[name]) for name in TRACKED_FIELDS
            if now[name] != work.before.get(name, _UNSET.get(name))}


def schedule_of(dossier: Dossier) -> Schedule:
    """The office hours the dossier's time is counted on: its deadline's, or before it has one,
    those of the desk that receives it."""
    if dossier.deadline_id is not None:
        return dossier.deadline.schedule
    return schedule_for_unit(dossier.receiving_unit)


def calendar_of(dossier: Dossier) -> WorkCalendar:
    return calendar_for(schedule_of(dossier))


def columns(dossier: Dossier) -> dict:
    """The dossier's column values (to find those an action changed)."""
    return {f.attname: getattr(dossier, f.attname) for f in _DOSSIER_COLUMNS}


_DOSSIER_COLUMNS = [f for f in Dossier._meta.concrete_fields if not f.primary_key]


def begin(dossier_id: int, actor: User, *, expected_version: int | None = None,
          at: dt.datetime | None = None) -> Work:
    """Take the dossier for one action (inside ``transaction.atomic``).

    The first statement locks the dossier's row until commit (``SELECT … FOR UPDATE`` on
    PostgreSQL; on SQLite the transaction already holds the write lock), so a second officer
    acting at the same moment waits and then sees this action's result; ``finish`` raises
    ``lock_version``. The dossier is read after the lock, with what it refers to: a statement
    that waited for the lock would see the new row joined to the old state of the others. With
    ``expected_version`` (what the officer's page showed) a dossier changed in the meantime is
    refused with :class:`DossierChanged` instead of acting on a state the officer did not see."""
    locked = list(Dossier.objects.select_for_update().filter(pk=dossier_id)
                  .values_list("lock_version", flat=True))
    if not locked:
        raise Dossier.DoesNotExist
    if expected_version is not None and locked[0] != expected_version:
        raise DossierChanged(changed_message())
    dossier = Dossier.objects.select_related("version", "deadline__schedule").get(pk=dossier_id)
    return Work(dossier=dossier, actor=actor, now=at or timezone.now(), schedule=schedule_of(dossier),
                before=_snapshot(dossier), loaded=columns(dossier))


def start(dossier: Dossier, actor: User, *, at: dt.datetime | None = None) -> Work:
    """A new dossier's first action (the row is new: nobody else can hold it)."""
    return Work(dossier=dossier, actor=actor, now=at or timezone.now(), schedule=schedule_of(dossier),
                before={})


def event(work: Work, action: str, *, from_status: str, step: DossierStep | None = None,
          to_unit: Unit | None = None, to_user: User | None = None, note: str = "",
          data: dict | None = None, from_unit: Unit | None = None) -> DossierEvent:
    """Write the action's event: call it after every change the action makes to the dossier
    (the event records the changed :data:`TRACKED_FIELDS`). ``from_unit`` defaults to the
    unit of ``step``."""
    dossier = work.dossier
    dossier.last_seq += 1
    return DossierEvent.objects.create(
        dossier=dossier, seq=dossier.last_seq, at=work.now, action=action, actor=work.actor,
        actor_name=work.actor.display_name(), from_status=from_status, to_status=dossier.status,
        step=step, from_unit=from_unit or (step.unit if step else None), to_unit=to_unit,
        to_user=to_user, note=note, data={**(data or {}), **_changes(work)},
    )


def finish(work: Work, action: str, *, tell_applicant: bool = False, **extra) -> Dossier:
    """Save the dossier (the columns the action changed, and a new ``lock_version``), write the
    audit record of the action, and queue the notices to the officers concerned (and to the
    applicant, with ``tell_applicant``): all in the action's transaction."""
    dossier = work.dossier
    if work.loaded is None:
        dossier.save()
    else:
        dossier.lock_version += 1
        now = columns(dossier)
        changed = [name for name, value in now.items() if value != work.loaded[name]]
        dossier.save(update_fields=changed)
    record(actor=work.actor, action=f"dossier.{action}", obj=work.dossier, before=work.before or None,
           after={**_snapshot(work.dossier), **extra})
    tell_staff_later(work.dossier, action)
    if tell_applicant:
        tell_applicant_later(work.dossier)
    return work.dossier


# -- steps -------------------------------------------------------------------------------------
def active_steps(work: Work) -> list[DossierStep]:
    """The dossier's active steps now (read once per action)."""
    if work.steps is None:
        work.steps = list(work.dossier.steps.filter(status=StepStatus.ACTIVE).select_related("unit")
                          .order_by("started_at", "id"))
    return list(work.steps)


def open_step(work: Work, template: ProcessStep | None, *, unit: Unit, name: str = "", kind: str = "",
              allotted: WorkAmount | None = None, assignee: User | None = None,
              done_now: bool = False) -> DossierStep:
    """Start a step now (``done_now``: a step begun and finished in the same action, as the
    reception at the desk is)."""
    allotted = allotted if allotted is not None else (template.allotted if template else WorkAmount.mins(0))
    due = work.calendar.add(work.now, allotted)
    if allotted.minutes == 0 and work.dossier.due_at is not None:
        # A step given no time of its own (a same-day procedure: "0 ngày") is due with the
        # dossier, not at the moment it starts.
        due = max(due, work.dossier.due_at)
    finished = {}
    if done_now:
        finished = {"status": StepStatus.DONE, "finished_at": work.now, "finished_by": work.actor,
                    "timeliness": classify(work.now, due, work.tz)}
    step = DossierStep.objects.create(
        dossier=work.dossier, process_step=template, position=template.position if template else 0,
        name=template.name if template else name, kind=template.kind if template else kind, unit=unit,
        role=template.role if template else "",
        external_agency=template.external_agency if template else "",
        parallel_group=template.parallel_group if template else "",
        allotted_minutes=allotted.minutes, started_at=work.now, due_at=due, assignee=assignee,
        **finished,
    )
    if not finished and work.steps is not None:
        work.steps.append(step)
    return step


def close_step(work: Work, step: DossierStep, status: str = StepStatus.DONE, note: str = "") -> None:
    step.status, step.finished_at, step.finished_by = status, work.now, work.actor
    step.timeliness = classify(work.now, step.due_at, work.tz)
    if note:
        step.note = note
    step.save(update_fields=["status", "finished_at", "finished_by", "timeliness", "note"])
    if work.steps is not None:
        work.steps = [s for s in work.steps if s.pk != step.pk]


def close_all(work: Work, status: str) -> list[int]:
    steps = active_steps(work)
    for step in steps:
        close_step(work, step, status)
    return [s.pk for s in steps]


def _unit_for(template: ProcessStep, holder: Unit) -> Unit:
    """A step done by another agency (a consultation) is tracked by the unit that asked."""
    return template.unit or holder


def advance(work: Work, after_stage: int, holder: Unit, *,
            include_optional: bool = False) -> list[DossierStep]:
    """Open the next stage of the process after ``after_stage``. Optional steps (a field
    inspection) are opened only when ``include_optional`` asks for them; a stage of optional
    steps only is skipped. Reaching the return stage brings the result to the desk."""
    all_stages = process.stages(work.dossier.version)
    for index in range(after_stage + 1, len(all_stages)):
        stage = all_stages[index]
        if process.is_return(stage):
            return [arrive_at_desk(work, stage)]
        wanted = [s for s in stage if not s.optional or (include_optional and index == after_stage + 1)]
        if wanted:
            opened = [open_step(work, s, unit=_unit_for(s, holder)) for s in wanted]
            work.dossier.current_unit = opened[0].unit
            return opened
    return [arrive_at_desk(work, None)]


def arrive_at_desk(work: Work, stage: Iterable[ProcessStep] | None) -> DossierStep:
    """The result (or the written answer) reaches the desk: the dossier is resolved now, its
    clock stops, and it waits to be returned."""
    dossier = work.dossier
    template = next(iter(stage), None) if stage else None
    desk = (template.unit if template and template.unit else None) or dossier.receiving_unit
    step = open_step(work, template, unit=desk, name=_("Trả kết quả"), kind=StepKind.RETURN)
    dossier.status = Status.READY
    dossier.outcome = dossier.outcome or Outcome.GRANTED
    dossier.resolved_at = work.now
    dossier.current_unit = desk
    if dossier.deadline_id is not None:
        mark_met(deadline=dossier.deadline, at=work.now)
        dossier.timeliness = classify(work.now, dossier.original_due_at, work.tz)
    return step


# -- the clock ---------------------------------------------------------------------------------
def clock(work: Work, event_: ClockEvent) -> None:
    """Add a clock event to the dossier's deadline and refresh the cached due moments."""
    deadline = add_clock_event(deadline=work.dossier.deadline, event=event_)
    work.dossier.deadline = deadline
    work.dossier.due_at, work.dossier.original_due_at = deadline.due_at, deadline.original_due_at


def shift_active_steps(work: Work, paused_at: dt.datetime) -> None:
    """After a pause, each open step gets back the working time it had left when the clock
    stopped (a step already overdue then stays as it was)."""
    for step in active_steps(work):
        if step.due_at > paused_at:
            left = work.calendar.between(paused_at, step.due_at)
            step.due_at = work.calendar.add(work.now, left)
            step.save(update_fields=["due_at"])
