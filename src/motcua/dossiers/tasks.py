"""Background work for dossiers: telling the applicant (by email and SMS) what happened."""

from __future__ import annotations

from django_tasks import task

from motcua.dossiers.models import DossierEvent


@task()
def notify_applicant(dossier_id: int, seq: int) -> None:
    from motcua.notify.services import tell_applicant

    event = DossierEvent.objects.select_related("dossier", "dossier__agency", "dossier__procedure").filter(
        dossier_id=dossier_id, seq=seq).first()
    if event is not None:
        tell_applicant(event)
