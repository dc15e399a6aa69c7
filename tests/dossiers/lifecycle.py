"""Helpers for the dossier lifecycle tests: moments in November 2026 (Asia/Ho_Chi_Minh, office
hours 07:30–11:30 and 13:00–17:00, no holiday), the demo staff and the steps of a dossier.

The two demo procedures the tests walk through (demo_catalogue.json):

* ``1.012767`` (8 working days): receive (desk, 0.5 d) → appraise (vpdk-dk specialist, 2.5 d)
  → consult the tax office (external, tracked by vpdk-dk, 1 d) → appraise (1.5 d) → review
  (head of vpdk-dk, 1 d) → approve (head of vpdk, 1 d) → return (desk, 0.5 d);
* ``1.004227`` (20 working days): receive → assign (head of vpdk, 0.5 d) → appraise (vpdk-dk, 5 d)
  → field inspection (optional, 2 d) → two consultations in parallel (5 d each) → review (head of
  vpdk, 3.5 d) → approve (agency leader, 3 d) → return.
"""

from __future__ import annotations

import datetime as dt

from motcua.audit.models import AuditEvent
from motcua.dossiers.models import Dossier, DossierCounter, DossierEvent, DossierStep, StepStatus
from motcua.org.models import User
from tests.dossiers.conftest import VN


def nov(day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    """A moment of November 2026 in Vietnam: ``nov(10, 9)`` is Tuesday 10/11/2026 09:00."""
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=VN)


def local(moment: dt.datetime | None) -> dt.datetime | None:
    return moment.astimezone(VN) if moment is not None else None


def user(username: str) -> User:
    """A fresh instance (permissions cache per user object)."""
    return User.objects.get(username=username)


def fresh(dossier: Dossier) -> Dossier:
    return Dossier.objects.get(pk=dossier.pk)


def active(dossier: Dossier) -> list[DossierStep]:
    return list(DossierStep.objects.filter(dossier=dossier, status=StepStatus.ACTIVE)
                .select_related("unit", "assignee").order_by("position", "id"))


def only_active(dossier: Dossier) -> DossierStep:
    steps = active(dossier)
    assert len(steps) == 1, [s.name for s in steps]
    return steps[0]


def counts() -> dict[str, int]:
    """How many rows of everything a dossier action may write."""
    from motcua.dossiers.models import Applicant, ReceivedDocument

    return {"dossiers": Dossier.objects.count(), "applicants": Applicant.objects.count(),
            "events": DossierEvent.objects.count(), "steps": DossierStep.objects.count(),
            "documents": ReceivedDocument.objects.count(), "counters": DossierCounter.objects.count(),
            "counted": sum(DossierCounter.objects.values_list("last", flat=True)),
            "audit": AuditEvent.objects.count()}


def audit_actions(since: int) -> list[str]:
    return list(AuditEvent.objects.filter(pk__gt=since).order_by("pk").values_list("action", flat=True))


def last_audit_id() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
