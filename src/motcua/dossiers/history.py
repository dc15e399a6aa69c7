"""A dossier's state rebuilt from its events alone, and the check that the stored state is the
one its history leads to.

The events are the truth (issue #5, item 10: "state can be rebuilt from the event history");
``Dossier`` and its ``DossierStep`` rows hold the state they lead to, for fast reads. Each event
carries what :func:`replay` needs:

* ``to_status`` — the status after the event;
* ``data["opened"]`` / ``data["closed"]`` — the step ids the event opened and closed;
* ``data["code"]`` on the acceptance — the dossier code;
* ``data[name]`` for each field of :data:`motcua.dossiers.workflow.TRACKED_FIELDS` the action
  changed (``due_at``, ``original_due_at``, ``current_unit``, ``outcome``, ``timeliness``);
* ``at`` and ``action`` — when the dossier was received, resolved (the result or the written
  answer reached the desk: the first event into ``ready``), returned and closed, when its clock
  stopped, how many supplements were requested and whether an apology was sent.

:func:`check` compares the two and names every difference (an empty list: they agree). The
one change that is not a dossier event is a calendar change (a day off declared later) moving an
open dossier's due moment: then the stored moment must equal its clock's
(:func:`motcua.dossiers.services.refresh_due_moments`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, fields

from motcua.dossiers.models import (
    FINAL_STATUSES,
    PAUSED_STATUSES,
    Action,
    Dossier,
    DossierEvent,
    Status,
    StepStatus,
)

__all__ = ["ReplayedState", "check", "replay", "stored_state"]

#: Due moments change without a dossier event when the calendar changes (a day off declared
#: later): then the dossier's clock, not its last event, has the current value.
MOVED_BY_CALENDAR = ("due_at", "original_due_at")


@dataclass(frozen=True)
class ReplayedState:
    """What a dossier's history says its state is."""

    status: str = ""
    code: str | None = None
    outcome: str = ""
    active_steps: frozenset[int] = frozenset()
    received_at: dt.datetime | None = None
    resolved_at: dt.datetime | None = None
    returned_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    paused_at: dt.datetime | None = None
    due_at: dt.datetime | None = None
    original_due_at: dt.datetime | None = None
    timeliness: str = ""
    current_unit: int | None = None
    supplements_requested: int = 0
    apologized: bool = False
    last_seq: int = 0


def _moment(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def replay(events: Iterable[DossierEvent]) -> ReplayedState:
    """Fold a dossier's events (in ``seq`` order) into the state they lead to."""
    state: dict = {f.name: f.default for f in fields(ReplayedState)}
    active: set[int] = set()
    for e in sorted(events, key=lambda e: e.seq):
        data = e.data or {}
        before = state["status"]
        state["status"] = e.to_status
        state["last_seq"] = e.seq
        if e.action == Action.ACCEPT:
            state["code"] = data.get("code")
            state["received_at"] = e.at
        active.difference_update(data.get("closed", ()))
        active.update(data.get("opened", ()))
        for name in ("due_at", "original_due_at"):
            if name in data:
                state[name] = _moment(data[name])
        for name in ("outcome", "timeliness", "current_unit"):
            if name in data:
                state[name] = data[name]
        if e.to_status == Status.READY and before != Status.READY:
            state["resolved_at"] = e.at
        if e.action == Action.RETURN:
            state["returned_at"] = e.at
        if e.to_status in FINAL_STATUSES and before not in FINAL_STATUSES:
            state["closed_at"] = e.at
        if e.to_status in PAUSED_STATUSES:
            if before not in PAUSED_STATUSES:
                state["paused_at"] = e.at
        else:
            state["paused_at"] = None
        if e.action == Action.REQUEST_SUPPLEMENT:
            state["supplements_requested"] += 1
        if e.action == Action.APOLOGIZE:
            state["apologized"] = True
    state["active_steps"] = frozenset(active)
    return ReplayedState(**state)


def stored_state(dossier: Dossier) -> ReplayedState:
    """The same view of what is stored in the dossier row and its steps."""
    return ReplayedState(
        status=dossier.status, code=dossier.code, outcome=dossier.outcome,
        active_steps=frozenset(dossier.steps.filter(status=StepStatus.ACTIVE).values_list("pk", flat=True)),
        received_at=dossier.received_at, resolved_at=dossier.resolved_at, returned_at=dossier.returned_at,
        closed_at=dossier.closed_at, paused_at=dossier.paused_at, due_at=dossier.due_at,
        original_due_at=dossier.original_due_at, timeliness=dossier.timeliness,
        current_unit=dossier.current_unit_id, supplements_requested=dossier.supplements_requested,
        apologized=dossier.apologized, last_seq=dossier.last_seq,
    )


def check(dossier: Dossier) -> list[str]:
    """Every difference between the dossier as stored and as its history rebuilds it, one
    line each (``"status: stored 'ready', replayed 'processing'"``); empty when they agree.
    Also reports a history with a missing or repeated event number."""
    dossier = Dossier.objects.select_related("deadline").get(pk=dossier.pk)
    events = list(DossierEvent.objects.filter(dossier=dossier).order_by("seq"))
    problems = []
    numbers = [e.seq for e in events]
    if numbers != list(range(1, len(events) + 1)):
        problems.append(f"events: numbered {numbers}, expected 1..{len(events)}")
    stored, replayed = stored_state(dossier), replay(events)
    clock = dossier.deadline
    for f in fields(ReplayedState):
        a, b = getattr(stored, f.name), getattr(replayed, f.name)
        if a == b:
            continue
        if f.name in MOVED_BY_CALENDAR and clock is not None and a == getattr(clock, f.name):
            continue  # an open dossier's due moment moved by a calendar change (no dossier event)
        problems.append(f"{f.name}: stored {a!r}, replayed {b!r}")
    return problems
