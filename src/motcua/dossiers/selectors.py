"""Reads of dossiers: who sees which, the work queues, one dossier with everything on its page,
the actions open to a viewer, the deadline's explanation and the process-control slip.

Every read is scoped by :func:`visible_dossiers`; queues and pages use a fixed number of SQL
queries however many dossiers exist (tests pin the counts)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import StepKind
from motcua.common.text import fold
from motcua.dossiers import permissions, process
from motcua.dossiers.models import (
    FINAL_STATUSES,
    OPEN_STATUSES,
    Action,
    Dossier,
    DossierEvent,
    DossierFile,
    DossierStep,
    ReceivedDocument,
    Status,
    StepStatus,
)
from motcua.org.access import active_positions, visible_unit_ids
from motcua.org.models import AGENCY_WIDE_ROLES, Role, Unit, User
from motcua.worktime.clock import Deadline
from motcua.worktime.services import evaluate


def _scope(user: User) -> tuple[bool, frozenset[int], frozenset[int]]:
    """Whom ``user`` sees: (every dossier, the agencies whose dossiers they all see, the units
    whose dossiers they see), read once per user object like their positions (a page asks for
    it once per tab)."""
    cache = user.__dict__.setdefault("_motcua_cache", {})
    if "dossier_scope" not in cache:
        positions = active_positions(user)
        if user.is_superuser and not positions:
            cache["dossier_scope"] = (True, frozenset(), frozenset())
        else:
            # The desk and agency-wide roles see their own agency's dossiers (not those of another
            # agency where the same person holds some other position).
            agencies = frozenset(p.unit.agency_id for p in positions
                                 if p.role == Role.DESK_OFFICER or p.role in AGENCY_WIDE_ROLES)
            units = visible_unit_ids(user)
            cache["dossier_scope"] = (False, agencies, frozenset(units))
    return cache["dossier_scope"]


def _visible(user: User) -> Q | None:
    """The condition :func:`visible_dossiers` puts on dossiers (``None``: every dossier)."""
    everything, agencies, units = _scope(user)
    if everything:
        return None
    condition = Q(pk__in=[])
    if agencies:
        condition = Q(agency_id__in=sorted(agencies))
    if units:
        condition |= Exists(DossierStep.objects.filter(dossier=OuterRef("pk"), unit_id__in=sorted(units)))
    return condition


def visible_dossiers(user: User) -> QuerySet[Dossier]:
    """The dossiers ``user`` may open (see :func:`permissions.may_see`)."""
    condition = _visible(user)
    return Dossier.objects.all() if condition is None else Dossier.objects.filter(condition)


# -- work queues -------------------------------------------------------------------------------
QUEUES = ("receive", "process", "due_soon", "overdue", "supplement", "sign", "return", "all")

@dataclass(frozen=True)
class QueueFilter:
    q: str = ""
    procedure: str = ""  # national code
    unit: int | None = None
    status: str = ""
    channel: str = ""
    received_from: dt.date | None = None
    received_to: dt.date | None = None


def _my_steps_parts(user: User) -> tuple[list[Q], list[Q]]:
    """The active steps ``user`` works on, in two lists of conditions: steps in a unit where they
    work and not yet assigned, or in a unit they lead (all in units whose dossiers they see);
    and steps assigned to them, or for an agency leader (which may be anywhere)."""
    cache = user.__dict__.setdefault("_motcua_cache", {})
    if "my_steps" not in cache:
        positions = active_positions(user)
        worker_units = sorted({p.unit_id for p in positions if p.role in permissions.WORKER_ROLES})
        led = sorted(permissions.led_unit_ids(user))
        in_units = []
        if worker_units:
            in_units.append(Q(unit_id__in=worker_units, assignee__isnull=True))
        if led:
            in_units.append(Q(unit_id__in=led))
        elsewhere = [Q(assignee=user)]
        if any(p.role == Role.AGENCY_LEADER for p in positions):
            elsewhere.append(Q(role=Role.AGENCY_LEADER))
        cache["my_steps"] = (in_units, elsewhere)
    return cache["my_steps"]


def _my_steps(user: User) -> Q:
    """Active steps ``user`` works on: assigned to them, or in a unit where they work and not
    yet assigned, or in a unit they lead."""
    in_units, elsewhere = _my_steps_parts(user)
    condition = Q()
    for part in (*in_units, *elsewhere):
        condition |= part
    return condition


def _any_exists(steps: QuerySet[DossierStep], parts: list[Q]) -> Q:
    condition = Q()
    for part in parts:
        condition |= Exists(steps.filter(part))
    return condition


def _mine_and_visible(user: User, steps: QuerySet[DossierStep]) -> Q:
    """Dossiers ``user`` sees with one of ``steps`` (correlated to the dossier) theirs.

    A step in a unit where they work or that they lead makes the dossier visible by itself, so
    only the other steps (assigned to them, for an agency leader) need the visibility test.
    One ``EXISTS`` per kind of step, joined by ``OR``: the database reads each kind once from
    the small index of active steps and checks the queue's dossiers in the queue's order,
    stopping at a page (or at a tab's cap), instead of joining every step of their units."""
    in_units, elsewhere = _my_steps_parts(user)
    other = _any_exists(steps, elsewhere)
    visible = _visible(user)
    if visible is not None:
        other &= visible
    return _any_exists(steps, in_units) | other


def queue(user: User, name: str, filters: QueueFilter = QueueFilter(), *,
          now: dt.datetime | None = None, soon: dt.timedelta = dt.timedelta(days=2)) -> QuerySet[Dossier]:
    """A work queue: ``receive`` (waiting at the desk), ``process`` (my steps), ``due_soon``,
    ``overdue``, ``supplement`` (waiting for the applicant), ``sign`` (decisions for me),
    ``return`` (results to hand over) or ``all``; most urgent first."""
    if name not in QUEUES:
        raise Http404
    now = now or timezone.now()
    dossiers = Dossier.objects.all()
    visible = _visible(user)
    if name == "receive":
        dossiers = dossiers.filter(status__in=(Status.SUBMITTED, Status.INCOMPLETE))
    elif name in ("process", "sign", "due_soon", "overdue"):
        dossiers = dossiers.filter(status=Status.PROCESSING)
        if name == "due_soon":
            dossiers = dossiers.filter(due_at__gt=now, due_at__lte=now + soon)
        elif name == "overdue":
            dossiers = dossiers.filter(due_at__lt=now)
        # The desk and agency-wide roles watch every deadline of their agency; others their steps.
        if name in ("process", "sign") or not _scope(user)[1]:
            steps = DossierStep.objects.filter(dossier=OuterRef("pk"), status=StepStatus.ACTIVE)
            if name == "sign":
                steps = steps.filter(kind__in=(StepKind.APPROVE, StepKind.REVIEW))
            dossiers = dossiers.filter(_mine_and_visible(user, steps))
            visible = None  # tested with the steps
    elif name == "supplement":
        dossiers = dossiers.filter(status__in=(Status.AWAITING_SUPPLEMENT, Status.PAUSED))
    elif name == "return":
        dossiers = dossiers.filter(status=Status.READY)
    if visible is not None:
        dossiers = dossiers.filter(visible)
    dossiers = _filtered(dossiers, filters)
    # Newest first by key (ids grow with time): no sort of the whole table at province scale.
    order = ("due_at", "id") if name not in ("receive", "all", "return") else ("-id",)
    if name == "return":
        order = ("resolved_at", "id")
    return dossiers.select_related("procedure", "current_unit").order_by(*order)


def queue_counts(user: User, names: list[str], filters: QueueFilter = QueueFilter(), *,
                 now: dt.datetime | None = None, caps: dict[str, int] | None = None,
                 default_cap: int = 1000) -> dict[str, int]:
    """How many dossiers each queue of ``names`` holds, counting no further than its cap + 1
    (``caps`` by name, else ``default_cap``): one query for all the tabs of a page."""
    if not names:
        return {}
    now = now or timezone.now()
    parts, params = [], []
    for name in names:
        cap = (caps or {}).get(name, default_cap)
        rows = queue(user, name, filters, now=now).select_related(None).order_by().values("pk")[:cap + 1]
        try:
            sql, sql_params = rows.query.sql_with_params()
        except EmptyResultSet:  # a viewer who sees no dossier at all
            parts.append("0")
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS q)")
        params.extend(sql_params)
    with connections[Dossier.objects.db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        counts = cursor.fetchone()
    return dict(zip(names, counts, strict=True))


def _filtered(dossiers: QuerySet[Dossier], f: QueueFilter) -> QuerySet[Dossier]:
    if f.procedure:
        dossiers = dossiers.filter(procedure__national_code=f.procedure)
    if f.unit:
        dossiers = dossiers.filter(current_unit_id=f.unit)
    if f.status:
        dossiers = dossiers.filter(status=f.status)
    if f.channel:
        dossiers = dossiers.filter(channel=f.channel)
    # The period is the day of receipt; a dossier not yet received (waiting at the desk) counts
    # from the day it was filed.
    if f.received_from:
        dossiers = dossiers.filter(Q(received_at__date__gte=f.received_from)
                                   | Q(received_at__isnull=True, created_at__date__gte=f.received_from))
    if f.received_to:
        dossiers = dossiers.filter(Q(received_at__date__lte=f.received_to)
                                   | Q(received_at__isnull=True, created_at__date__lte=f.received_to))
    for word in fold(f.q).split()[:8]:
        dossiers = dossiers.filter(search_text__contains=word)
    return dossiers


# -- one dossier -------------------------------------------------------------------------------
# A dossier's page at a million dossiers: the database finds its rows at once, and the time goes
# into planning and composing the queries. So the dossier is read with the few relations every
# page needs (a join of many tables takes PostgreSQL milliseconds to plan), its steps, history,
# documents and files without joins, then the units and officers they name in one query each
# (:func:`dossier_record`); the few rows of one dossier are sorted in Python (the models'
# default ordering is cleared: an ``ORDER BY`` over a wide join is costly to compose).
def dossier_for(user: User, code_or_id: str | int) -> Dossier:
    """The dossier (by code, or by id for one without a code yet) if ``user`` may see it, with its
    agency, procedure, version and deadline (its units and officers are read when used, or all
    at once by :func:`dossier_record`)."""
    rows = visible_dossiers(user).select_related("agency", "procedure", "version", "deadline__schedule")
    key = str(code_or_id)
    by_id = key.isascii() and key.isdigit() and len(key) <= 18  # ids fit in a signed 64-bit key
    # Both keys are unique: the first row is the only one (no ORDER BY needed).
    found = list((rows.filter(pk=int(key)) if by_id else rows.filter(code=key[:40]))[:1])
    if not found:
        raise Http404
    dossier = found[0]
    schedule = dossier.deadline.schedule if dossier.deadline_id else None
    if schedule is not None and schedule.agency_id == dossier.agency_id:
        schedule.agency = dossier.agency  # a unit's schedule inherits the agency's days off
    return dossier


@dataclass(frozen=True)
class DossierRecord:
    """What a dossier's page shows besides the dossier itself, in order."""

    steps: list[DossierStep]
    events: list[DossierEvent]
    documents: list[ReceivedDocument]
    files: list[DossierFile]

    @property
    def active(self) -> list[DossierStep]:
        return [s for s in self.steps if s.status == StepStatus.ACTIVE]


def dossier_record(dossier: Dossier) -> DossierRecord:
    """The steps, history, documents and files of ``dossier``, with every unit and officer they
    (and the dossier: its receiving and current unit, who received it) name, in five or six
    queries whatever the length of its history."""
    steps = sorted(dossier.steps.select_related("unit").order_by(), key=lambda s: (s.started_at, s.pk))
    events = sorted(dossier.events.order_by(), key=lambda e: e.seq)
    documents = sorted(dossier.received_documents.order_by(),
                       key=lambda r: (r.at_supplement, r.position, r.pk))
    files = sorted(dossier.files.order_by(), key=lambda f: (f.uploaded_at, f.pk))
    # The units are nearly always those of the steps: the others (if any) in one query.
    unit = {s.unit_id: s.unit for s in steps}
    units = {dossier.receiving_unit_id, dossier.current_unit_id, *(e.from_unit_id for e in events),
             *(e.to_unit_id for e in events)} - {None} - unit.keys()
    users = {dossier.received_by_id, *(s.assignee_id for s in steps), *(e.actor_id for e in events),
             *(e.to_user_id for e in events), *(f.uploaded_by_id for f in files)} - {None}
    if units:
        unit.update(Unit.objects.order_by().in_bulk(units))
    # what the pages show of an officer: their name and username (not their password hash)
    user = User.objects.order_by().only("username", "full_name").in_bulk(users) if users else {}
    _attach(dossier, unit, "receiving_unit", "current_unit")
    _attach(dossier, user, "received_by")
    by_id = {s.pk: s for s in steps}
    for s in steps:
        _attach(s, user, "assignee")
    for e in events:
        _attach(e, by_id, "step")
        _attach(e, unit, "from_unit", "to_unit")
        _attach(e, user, "actor", "to_user")
    for f in files:
        _attach(f, user, "uploaded_by")
    return DossierRecord(steps=steps, events=events, documents=documents, files=files)


def _attach(row: object, found: dict, *fields: str) -> None:
    """Set each relation ``field`` of ``row`` to the object ``found`` has for its id (one not
    found is read when used, as usual)."""
    for field in fields:
        pk = getattr(row, f"{field}_id")
        if pk is not None and pk in found:
            setattr(row, field, found[pk])


def steps_of(dossier: Dossier) -> list[DossierStep]:
    """Every step of ``dossier`` in the order they were opened, with their unit and assignee."""
    steps = list(dossier.steps.select_related("unit", "assignee").order_by())
    steps.sort(key=lambda s: (s.started_at, s.pk))
    return steps


def events_of(dossier: Dossier, steps: list[DossierStep] | None = None) -> list[DossierEvent]:
    """The history of ``dossier`` in order, with the units and officers of each event; ``steps``
    (from :func:`steps_of`) are the events' steps, not read again."""
    rows = dossier.events.select_related("actor", "from_unit", "to_unit", "to_user").order_by()
    if steps is None:
        rows = rows.select_related("step")
    events = sorted(rows, key=lambda e: e.seq)
    if steps is not None:
        by_id = {s.pk: s for s in steps}
        for e in events:
            if e.step_id in by_id:
                e.step = by_id[e.step_id]
    return events


def deadline_of(dossier: Dossier, now: dt.datetime | None = None) -> Deadline | None:
    """The dossier's deadline recomputed from its clock events, with its explanation."""
    if dossier.deadline_id is None:
        return None
    return evaluate(dossier.deadline, now=now or timezone.now())


def action_steps(user: User, dossier: Dossier, action: str, active: list[DossierStep]) -> list[DossierStep]:
    """The active steps ``user`` may take ``action`` on (the page offers these to choose from;
    the service checks again): for ``assign``, ``send_back`` and ``reject`` the steps they lead;
    for ``forward`` / ``approve`` the steps they work on before / at the decision; otherwise the
    steps they work on."""
    if action in (Action.ASSIGN, Action.SEND_BACK, Action.REJECT):
        return [s for s in active if permissions.leads_step(user, s)]
    works = [s for s in active if permissions.works_on_step(user, s)]
    if action in (Action.FORWARD, Action.APPROVE):
        decision = process.approval_index(dossier.version)
        at_decision = [s for s in works
                       if process.stage_index(dossier.version, s.process_step_id) == decision]
        return at_decision if action == Action.APPROVE else [s for s in works if s not in at_decision]
    return works


def available_actions(user: User, dossier: Dossier, active: list[DossierStep] | None = None) -> list[str]:
    """The actions ``user`` may take on ``dossier`` now: the page shows these and no others."""
    status = dossier.status
    active = active if active is not None else [s for s in steps_of(dossier) if s.status == StepStatus.ACTIVE]
    desk = permissions.is_desk_officer(user, dossier.agency_id)
    works = action_steps(user, dossier, Action.REQUEST_SUPPLEMENT, active)
    leads = action_steps(user, dossier, Action.ASSIGN, active)
    actions: list[str] = []
    if status in (Status.SUBMITTED, Status.INCOMPLETE) and desk:
        actions += [Action.ACCEPT, Action.REFUSE]
        if status == Status.SUBMITTED:
            actions.append(Action.REQUEST_COMPLETION)
    if status == Status.PROCESSING:
        if action_steps(user, dossier, Action.FORWARD, active):
            actions.append(Action.FORWARD)
        if action_steps(user, dossier, Action.APPROVE, active):
            actions.append(Action.APPROVE)
        decided = bool(dossier.outcome)  # after approval only the result's own steps go on
        if leads:
            actions += [Action.ASSIGN, Action.APOLOGIZE] + ([] if decided else [Action.REJECT])
            first_work = 1 if process.stages(dossier.version) and process.is_receive(
                process.stages(dossier.version)[0]) else 0
            if not decided and any(
                    process.stage_index(dossier.version, s.process_step_id) > first_work for s in leads):
                actions.append(Action.SEND_BACK)
        if works and dossier.supplements_requested == 0 and not decided:
            actions.append(Action.REQUEST_SUPPLEMENT)
        if works or desk:
            actions.append(Action.PAUSE)
    if status == Status.AWAITING_SUPPLEMENT and desk:
        actions.append(Action.RECEIVE_SUPPLEMENT)
    if status == Status.PAUSED and (works or desk):
        actions.append(Action.RESUME)
    if status in OPEN_STATUSES and leads and Action.ASSIGN not in actions:
        actions.append(Action.ASSIGN)
    if status == Status.READY and desk:
        actions.append(Action.RETURN)
    if status in OPEN_STATUSES and desk and not dossier.outcome:
        actions.append(Action.WITHDRAW)
    if status in (*OPEN_STATUSES, Status.READY) and permissions.is_agency_leader(user, dossier.agency_id):
        actions.append(Action.CANCEL)
    if status not in FINAL_STATUSES and (works or desk):
        actions.append(Action.ATTACH)
    return actions


# -- the process-control slip (form 06; Mẫu 05 of 2018) ---------------------------------------
@dataclass(frozen=True)
class SlipRow:
    at: dt.datetime
    giver: str
    giver_unit: str
    receiver_unit: str
    receiver: str
    step: str
    step_due: dt.datetime | None
    step_done: dt.datetime | None
    timeliness: str
    note: str


def control_slip(dossier: Dossier, steps: list[DossierStep] | None = None,
                 events: list[DossierEvent] | None = None) -> list[SlipRow]:
    """One row per hand-over: who gave the dossier, to which unit (and officer), when, and
    whether the step handed over was finished early, on time or late against its own due
    moment. ``steps`` and ``events`` are the dossier's (:func:`steps_of`, :func:`events_of`)
    when the caller has them already."""
    if steps is None:
        steps = steps_of(dossier)
    if events is None:
        events = events_of(dossier, steps)
    by_id = {s.pk: s for s in steps}
    rows = []
    for e in events:
        opened = [by_id[i] for i in e.data.get("opened", []) if i in by_id]
        targets = opened or ([None] if e.to_unit_id else [])
        if not targets and e.step_id and e.action in (Action.FORWARD, Action.APPROVE):
            targets = [None]  # a parallel step done while others of its group go on
        receiver = ""
        if e.action == Action.RETURN:  # the last hand-over: the result to the applicant
            targets = [None]
            receiver = dossier.returned_to or _("Người nộp hồ sơ (qua bưu chính %(number)s)") % {
                "number": dossier.return_tracking}
        for target in targets:
            unit = target.unit if target else e.to_unit
            officer = (target.assignee if target and target.assignee_id else e.to_user)
            rows.append(SlipRow(
                at=e.at, giver=e.actor_name,
                giver_unit=(e.from_unit.name if e.from_unit_id
                            else dossier.receiving_unit.name if e.action == Action.RETURN else ""),
                receiver_unit=unit.name if unit else "",
                receiver=officer.display_name() if officer else receiver,
                step=e.step.name if e.step_id else "", step_due=e.step.due_at if e.step_id else None,
                step_done=e.step.finished_at if e.step_id else None,
                timeliness=e.step.timeliness if e.step_id else "", note=e.note,
            ))
    return rows
