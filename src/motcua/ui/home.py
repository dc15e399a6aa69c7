"""What the home page shows each role. Later modules add their work queues here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from axes.models import AccessFailureLog
from django.db.models import Count, Q
from django.utils import timezone

from motcua.audit.selectors import recent_events
from motcua.dossiers.navigation import DOSSIER_ROLES, tabs_with_counts
from motcua.org.access import active_positions, descendants, roles_of
from motcua.org.models import AGENCY_WIDE_ROLES, Position, Role, Unit, User


@dataclass
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)


def _unit_overview(unit_ids: set[int]) -> list[Unit]:
    today = timezone.localdate()
    return list(
        Unit.objects.filter(id__in=unit_ids).active_on(today)
        .annotate(staff_count=Count("positions__user", distinct=True,
                                    filter=Q(positions__valid_from__lte=today)
                                    & (Q(positions__valid_to__isnull=True)
                                       | Q(positions__valid_to__gte=today))))
        .order_by("name")
    )


def _colleagues(unit_ids: set[int], exclude: User) -> list[Position]:
    return list(Position.objects.active_on().filter(unit_id__in=unit_ids)
                .exclude(user=exclude).select_related("user", "unit")
                .order_by("unit__name", "user__full_name"))


def panels_for(user: User) -> list[Panel]:
    positions = active_positions(user)
    roles = roles_of(user)
    panels = []
    if roles & DOSSIER_ROLES:
        panels.append(Panel("ui/panels/dossiers.html", {"tabs": tabs_with_counts(user),
                                                        "can_receive": Role.DESK_OFFICER in roles}))
    panels.append(Panel("ui/panels/positions.html", {"positions": positions}))
    own_units = {p.unit_id for p in positions if p.role in (Role.SPECIALIST, Role.DESK_OFFICER)}
    if own_units:
        panels.append(Panel("ui/panels/colleagues.html",
                            {"colleagues": _colleagues(own_units, user)}))
    headed = [p.unit for p in positions if p.role == Role.UNIT_HEAD]
    if headed:
        panels.append(Panel("ui/panels/units.html", {
            "heading_kind": "headed", "units": _unit_overview(descendants(headed))}))
    if roles & AGENCY_WIDE_ROLES:
        agency_ids = {p.unit.agency_id for p in positions}
        unit_ids = set(Unit.objects.filter(agency_id__in=agency_ids).values_list("id", flat=True))
        panels.append(Panel("ui/panels/units.html", {
            "heading_kind": "agency", "units": _unit_overview(unit_ids)}))
    if Role.ADMINISTRATOR in roles:
        since = timezone.now() - timezone.timedelta(days=1)
        panels.append(Panel("ui/panels/admin.html", {
            "events": list(recent_events()[:8]),
            "failures": AccessFailureLog.objects.filter(attempt_time__gte=since).count(),
            "staff_count": User.objects.filter(is_active=True).count(),
        }))
    return panels
