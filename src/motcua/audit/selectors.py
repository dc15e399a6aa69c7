from __future__ import annotations

from django.db.models import QuerySet

from motcua.audit.models import AuditEvent


def events_for(obj) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).select_related("actor")


def recent_events(*, action_prefix: str = "", actor_id: int | None = None) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.select_related("actor")
    if action_prefix:
        events = events.filter(action__startswith=action_prefix)
    if actor_id:
        events = events.filter(actor_id=actor_id)
    return events
