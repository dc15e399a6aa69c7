"""Background work for dossiers: telling the applicant (by email and SMS) what happened, telling
the officers concerned, and the reminders of due moments (enqueued by ``run_scheduler``)."""

from __future__ import annotations

from django_tasks import task

from motcua.dossiers.models import DossierEvent


def _event(dossier_id: int, seq: int) -> DossierEvent | None:
    return DossierEvent.objects.select_related("dossier", "dossier__agency", "dossier__procedure").filter(
        dossier_id=dossier_id, seq=seq).first()


@task()
def notify_applicant(dossier_id: int, seq: int) -> None:
    from motcua.notify.services import tell_applicant

    event = _event(dossier_id, seq)
    if event is not None:
        tell_applicant(event)


@task()
def notify_staff_of_event(dossier_id: int, seq: int) -> int:
    """Tell the officers an event concerns (see ``motcua.notify.services.on_dossier_event``)."""
    from motcua.notify.services import on_dossier_event

    event = _event(dossier_id, seq)
    return len(on_dossier_event(event)) if event is not None else 0


@task()
def send_reminders() -> dict[str, int]:
    """One reminder run: steps and dossiers about to fall due or overdue, in office hours."""
    from motcua.notify.reminders import send_reminders as run

    return run().as_dict()
