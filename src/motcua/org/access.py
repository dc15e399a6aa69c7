"""Who sees and may do what, by unit and role.

- an agency leader, a reform officer and an administrator see the whole agency;
- a unit head sees the work of their unit and every unit below it;
- a specialist sees the work of their own unit;
- a desk officer sees their desk and every dossier at reception (the reception queue itself is
  filtered by the dossier module, which asks :func:`sees_reception`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from motcua.org.models import AGENCY_WIDE_ROLES, Position, Role, Unit, User


def active_positions(user: User, day: dt.date | None = None) -> list[Position]:
    if not user.is_authenticated or not user.is_active:
        return []
    cache_key = ("_motcua_positions", day)
    cache = user.__dict__.setdefault("_motcua_cache", {})
    if cache_key not in cache:
        cache[cache_key] = list(
            Position.objects.active_on(day).filter(user=user).select_related("unit", "unit__agency")
        )
    return cache[cache_key]


def roles_of(user: User, day: dt.date | None = None) -> set[str]:
    roles = {p.role for p in active_positions(user, day)}
    if user.is_authenticated and user.is_superuser:
        roles.add(Role.ADMINISTRATOR)
    return roles


def has_role(user: User, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def require_role(user: User, *roles: str) -> None:
    """Raise ``PermissionDenied`` unless ``user`` holds one of ``roles`` today."""
    if not has_role(user, *roles):
        names = ", ".join(str(Role(r).label) for r in roles)
        raise PermissionDenied(_("Chức năng này dành cho: %(roles)s.") % {"roles": names})


def descendants(units: Iterable[Unit]) -> set[int]:
    """Ids of ``units`` and every unit below them (in any period)."""
    units = list(units)
    if not units:
        return set()
    agency_ids = {u.agency_id for u in units}
    children: dict[int | None, list[int]] = defaultdict(list)
    for unit_id, parent_id in Unit.objects.filter(agency_id__in=agency_ids).values_list(
        "id", "parent_id"
    ):
        children[parent_id].append(unit_id)
    seen: set[int] = set()
    stack = [u.id for u in units]
    while stack:
        unit_id = stack.pop()
        if unit_id not in seen:
            seen.add(unit_id)
            stack.extend(children[unit_id])
    return seen


def led_unit_ids(user: User, day: dt.date | None = None) -> set[int]:
    """Ids of the units ``user`` heads, and of every unit below them (read once per user
    object, like the positions)."""
    cache_key = ("_motcua_led_units", day)
    cache = user.__dict__.setdefault("_motcua_cache", {})
    if cache_key not in cache:
        heads = [p.unit for p in active_positions(user, day) if p.role == Role.UNIT_HEAD]
        cache[cache_key] = descendants(heads)
    return cache[cache_key]


def visible_unit_ids(user: User, day: dt.date | None = None) -> set[int]:
    """Ids of the units whose work ``user`` may see."""
    positions = active_positions(user, day)
    if user.is_authenticated and user.is_superuser and not positions:
        return set(Unit.objects.values_list("id", flat=True))
    wide_agencies = {p.unit.agency_id for p in positions if p.role in AGENCY_WIDE_ROLES}
    visible = set(Unit.objects.filter(agency_id__in=wide_agencies).values_list("id", flat=True)
                  if wide_agencies else ())
    visible |= led_unit_ids(user, day)
    visible |= {p.unit_id for p in positions if p.role in (Role.SPECIALIST, Role.DESK_OFFICER)}
    return visible


def can_see_unit(user: User, unit: Unit) -> bool:
    return unit.id in visible_unit_ids(user)


def sees_reception(user: User) -> bool:
    """Desk officers (and agency-wide roles) see every dossier at reception."""
    return has_role(user, Role.DESK_OFFICER, *AGENCY_WIDE_ROLES)


def can_manage_organisation(user: User) -> bool:
    return has_role(user, Role.ADMINISTRATOR)


def require_organisation_admin(user: User) -> None:
    if not can_manage_organisation(user):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được thay đổi cơ cấu tổ chức và cán bộ."))


def agencies_of(user: User) -> list[int]:
    return sorted({p.unit.agency_id for p in active_positions(user)})
