"""Reads of dossiers: who sees which, the work queues, one dossier with everything on its page,
the actions open to a viewer, the deadline's explanation and the process-control slip.

Every read is scoped by :func:`visible_dossiers`; queues and pages use a fixed number of SQL
queries however many dossiers exist (tests pin the counts)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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
    DossierStep,
    Status,
    StepStatus,
)
from motcua.org.access import active_positions, visible_unit_ids
from motcua.org.models import AGENCY_WIDE_ROLES, Role, User
from motcua.worktime.clock import Deadline
from motcua.worktime.services import evaluate


def visible_dossiers(user: User) -> QuerySet[Dossier]:
    """The dossiers ``user`` may open (see :func:`permissions.may_see`)."""
    positions = active_positions(user)
    if user.is_superuser and not positions:
        return Dossier.objects.all()
    # The desk and agency-wide roles see their own agency's dossiers (not those of another
    # agency where the same person holds some other position).
    agencies = {p.unit.agency_id for p in positions
                if p.role == Role.DESK_OFFICER or p.role in AGENCY_WIDE_ROLES}
    condition = Q(pk__in=[])
    if agencies:
        condition |= Q(agency_id__in=agencies)
    units = visible_unit_ids(user)
    if units:
        condition |= Exists(DossierStep.objects.filter(dossier=OuterRef("pk"), unit_id__in=units))
    return Dossier.objects.filter(condition)


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


def _my_steps(user: User) -> Q:
    """Active steps ``user`` works on: assigned to them, or in a unit where they work and not
    yet assigned, or in a unit they lead."""
    worker_units = {p.unit_id for p in active_positions(user) if p.role in permissions.WORKER_ROLES}
    led = permissions.led_unit_ids(user)
    condition = Q(assignee=user) | Q(unit_id__in=worker_units, assignee__isnull=True) | Q(unit_id__in=led)
    if any(p.role == "agency_leader" for p in active_positions(user)):
        condition |= Q(role="agency_leader")
    return condition


def queue(user: User, name: str, filters: QueueFilter = QueueFilter(), *,
          now: dt.datetime | None = None, soon: dt.timedelta = dt.timedelta(days=2)) -> QuerySet[Dossier]:
    """A work queue: ``receive`` (waiting at the desk), ``process`` (my steps), ``due_soon``,
    ``overdue``, ``supplement`` (waiting for the applicant), ``sign`` (decisions for me),
    ``return`` (results to hand over) or ``all``; most urgent first."""
    now = now or timezone.now()
    dossiers = visible_dossiers(user)
    mine = DossierStep.objects.filter(_my_steps(user), dossier=OuterRef("pk"), status=StepStatus.ACTIVE)
    is_desk = bool(permissions.desk_agency_ids(user)) or bool(
        {p.role for p in active_positions(user)} & AGENCY_WIDE_ROLES)
    if name == "receive":
        dossiers = dossiers.filter(status__in=(Status.SUBMITTED, Status.INCOMPLETE))
    elif name == "process":
        dossiers = dossiers.filter(status=Status.PROCESSING).filter(Exists(mine))
    elif name in ("due_soon", "overdue"):
        open_ = dossiers.filter(status=Status.PROCESSING)
        if not is_desk:
            open_ = open_.filter(Exists(mine))
        dossiers = (open_.filter(due_at__gt=now, due_at__lte=now + soon) if name == "due_soon"
                    else open_.filter(due_at__lt=now))
    elif name == "supplement":
        dossiers = dossiers.filter(status__in=(Status.AWAITING_SUPPLEMENT, Status.PAUSED))
    elif name == "sign":
        signing = DossierStep.objects.filter(
            dossier=OuterRef("pk"), status=StepStatus.ACTIVE, kind__in=(StepKind.APPROVE, StepKind.REVIEW))
        dossiers = dossiers.filter(status=Status.PROCESSING).filter(Exists(signing.filter(_my_steps(user))))
    elif name == "return":
        dossiers = dossiers.filter(status=Status.READY)
    elif name != "all":
        raise Http404
    dossiers = _filtered(dossiers, filters)
    # Newest first by key (ids grow with time): no sort of the whole table at province scale.
    order = ("due_at", "id") if name not in ("receive", "all", "return") else ("-id",)
    if name == "return":
        order = ("resolved_at", "id")
    return dossiers.select_related("procedure", "current_unit").order_by(*order)


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
def dossier_for(user: User, code_or_id: str | int) -> Dossier:
    """The dossier (by code, or by id for one without a code yet) if ``user`` may see it."""
    rows = visible_dossiers(user).select_related(
        "agency", "procedure", "version", "version__field", "receiving_unit", "received_by",
        "current_unit", "deadline__schedule__agency")
    key = str(code_or_id)
    by_id = key.isascii() and key.isdigit() and len(key) <= 18  # ids fit in a signed 64-bit key
    dossier = rows.filter(pk=int(key)).first() if by_id else rows.filter(code=key[:40]).first()
    if dossier is None:
        raise Http404
    return dossier


def steps_of(dossier: Dossier) -> list[DossierStep]:
    return list(dossier.steps.select_related("unit", "assignee", "finished_by").order_by("started_at", "id"))


def events_of(dossier: Dossier) -> list[DossierEvent]:
    return list(dossier.events.select_related("actor", "from_unit", "to_unit", "to_user", "step")
                .order_by("seq"))


def deadline_of(dossier: Dossier, now: dt.datetime | None = None) -> Deadline | None:
    """The dossier's deadline recomputed from its clock events, with its explanation."""
    if dossier.deadline_id is None:
        return None
    return evaluate(dossier.deadline, now=now or timezone.now())


def available_actions(user: User, dossier: Dossier, active: list[DossierStep] | None = None) -> list[str]:
    """The actions ``user`` may take on ``dossier`` now: the page shows these and no others."""
    status = dossier.status
    active = active if active is not None else [s for s in steps_of(dossier) if s.status == StepStatus.ACTIVE]
    desk = permissions.is_desk_officer(user, dossier.agency_id)
    works = [s for s in active if permissions.works_on_step(user, s)]
    leads = [s for s in active if permissions.leads_step(user, s)]
    actions: list[str] = []
    if status in (Status.SUBMITTED, Status.INCOMPLETE) and desk:
        actions += [Action.ACCEPT, Action.REFUSE]
        if status == Status.SUBMITTED:
            actions.append(Action.REQUEST_COMPLETION)
    if status == Status.PROCESSING:
        decision = process.approval_index(dossier.version)
        at_decision = [s for s in works
                       if process.stage_index(dossier.version, s.process_step_id) == decision]
        if [s for s in works if s not in at_decision]:
            actions.append(Action.FORWARD)
        if at_decision:
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


def control_slip(dossier: Dossier) -> list[SlipRow]:
    """One row per hand-over: who gave the dossier, to which unit (and officer), when, and
    whether the step handed over was finished early, on time or late against its own due
    moment."""
    steps = {s.pk: s for s in steps_of(dossier)}
    rows = []
    for e in events_of(dossier):
        opened = [steps[i] for i in e.data.get("opened", []) if i in steps]
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
