"""Reads for notifications: an officer's list, and the steps and dossiers a reminder run looks at."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet

from motcua.dossiers.models import Dossier, DossierStep, Status, StepStatus
from motcua.notify.models import Kind, Notification
from motcua.org.models import User


def notifications_of(user: User) -> QuerySet[Notification]:
    """``user``'s notifications, unread first, newest first."""
    return (Notification.objects.filter(recipient=user).select_related("dossier")
            .order_by(ExpressionWrapper(Q(read_at__isnull=False), output_field=BooleanField()).asc(),
                      "-created_at", "-id"))


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def _reminded(kind: str, **link: object) -> Exists:
    return Exists(Notification.objects.filter(kind=kind, due_at=OuterRef("due_at"), **link))


def steps_to_remind(unit_ids: Collection[int], *, now: dt.datetime, horizon: dt.datetime,
                    limit: int) -> list[DossierStep]:
    """Active steps of dossiers being processed, in ``unit_ids``, due before ``horizon`` (the
    lead time ahead, on the widest calendar: the caller checks each step on its own calendar),
    that have not had the reminder for their present due moment: a due-soon reminder while the
    due moment is ahead, an overdue one once it has passed. Most urgent first, at most ``limit``
    (the rest come in the next run). One query, on the index ``active_step_by_unit``."""
    if not unit_ids:
        return []
    not_reminded = (
        (Q(due_at__lt=now) & ~_reminded(Kind.STEP_OVERDUE, step=OuterRef("pk")))
        | (Q(due_at__gte=now) & ~_reminded(Kind.STEP_DUE_SOON, step=OuterRef("pk")))
    )
    return list(
        DossierStep.objects.filter(status=StepStatus.ACTIVE, unit_id__in=list(unit_ids), due_at__lte=horizon,
                                   dossier__status=Status.PROCESSING)
        .filter(not_reminded)
        .select_related("dossier", "dossier__procedure", "dossier__agency", "unit", "assignee")
        .order_by("due_at", "id")[:limit]
    )


def dossiers_to_remind(unit_ids: Collection[int], *, now: dt.datetime, horizon: dt.datetime,
                       limit: int) -> list[Dossier]:
    """Dossiers being processed in ``unit_ids`` whose due moment is before ``horizon`` and that
    have not had the reminder for their present due moment (as :func:`steps_to_remind`)."""
    if not unit_ids:
        return []
    not_reminded = (
        (Q(due_at__lt=now) & ~_reminded(Kind.DOSSIER_OVERDUE, dossier=OuterRef("pk"), step__isnull=True))
        | (Q(due_at__gte=now) & ~_reminded(Kind.DOSSIER_DUE_SOON, dossier=OuterRef("pk"), step__isnull=True))
    )
    return list(
        Dossier.objects.filter(status=Status.PROCESSING, current_unit_id__in=list(unit_ids),
                               due_at__lte=horizon)
        .filter(not_reminded)
        .select_related("procedure", "agency", "current_unit")
        .order_by("due_at", "id")[:limit]
    )
