"""Reads of the organisation: the unit tree, the staff directory."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from motcua.common.text import search_terms
from motcua.org.models import Agency, Position, Unit, User


@dataclass
class UnitNode:
    unit: Unit
    depth: int
    children: list[UnitNode] = field(default_factory=list)


def unit_tree(agency: Agency, *, include_closed: bool = False,
              day: dt.date | None = None) -> list[UnitNode]:
    """The agency's units as a depth-first list of nodes (for an indented table)."""
    units = Unit.objects.filter(agency=agency).select_related("successor", "parent")
    if not include_closed:
        units = units.active_on(day)
    by_parent: dict[int | None, list[Unit]] = {}
    ids = set()
    for unit in units.order_by("name"):
        ids.add(unit.id)
        by_parent.setdefault(unit.parent_id, []).append(unit)
    roots = [u for parent_id, us in by_parent.items() if parent_id not in ids for u in us]
    ordered: list[UnitNode] = []

    def walk(unit: Unit, depth: int) -> None:
        ordered.append(UnitNode(unit, depth))
        for child in by_parent.get(unit.id, []):
            walk(child, depth + 1)

    for root in sorted(roots, key=lambda u: u.name):
        walk(root, 0)
    return ordered


def staff_directory(
    *, agency: Agency | None, query: str = "", unit: Unit | None = None, role: str = "",
    include_inactive: bool = False, day: dt.date | None = None,
) -> QuerySet[User]:
    """Staff of ``agency`` (whoever has held a position there) matching a diacritics-insensitive
    query, with their current positions."""
    current = Position.objects.active_on(day).select_related("unit").order_by("unit__name")
    users = User.objects.prefetch_related(Prefetch("positions", queryset=current,
                                                   to_attr="current_positions"))
    users = users.filter(pk__in=Position.objects.filter(unit__agency=agency).values("user_id"))
    if not include_inactive:
        users = users.filter(is_active=True)
    for term in search_terms(query):
        users = users.filter(search_text__contains=term)
    if unit is not None or role:
        holding = Position.objects.active_on(day)
        if unit is not None:
            holding = holding.filter(unit=unit)
        if role:
            holding = holding.filter(role=role)
        users = users.filter(pk__in=holding.values("user_id"))
    return users.order_by("full_name")


def default_agency() -> Agency | None:
    return Agency.objects.order_by("id").first()


def agency_of(user: User) -> Agency | None:
    """The agency a staff member works for (the first of their current positions)."""
    from motcua.org.access import active_positions

    positions = active_positions(user)
    return positions[0].unit.agency if positions else default_agency()


# --- Reads for the organisation pages (org/views.py) -------------------------------------------


@dataclass
class UnitRow:
    """A line of the unit directory: the unit, its depth in the tree, its current staff count and
    its state on the day ("active", "future" — established but not started yet — or "closed")."""

    unit: Unit
    depth: int
    staff_count: int
    state: str

    @property
    def indent(self) -> int:
        """Indentation step for the page (the stylesheet has four)."""
        return min(self.depth, 4)


def current_staff_counts(agency: Agency, *, day: dt.date | None = None) -> dict[int, int]:
    """Number of distinct staff holding a current position, per unit id."""
    from django.db.models import Count

    rows = (Position.objects.active_on(day).filter(unit__agency=agency)
            .values("unit_id").annotate(n=Count("user_id", distinct=True)))
    return {row["unit_id"]: row["n"] for row in rows}


def unit_directory(agency: Agency, *, include_closed: bool = False,
                   day: dt.date | None = None) -> list[UnitRow]:
    """The unit tree for the directory page. Without ``include_closed`` it hides only units that
    have ended (merged or dissolved); units established with a future start date stay visible."""
    from django.utils import timezone

    day = day or timezone.localdate()
    counts = current_staff_counts(agency, day=day)
    rows = []
    for node in unit_tree(agency, include_closed=True, day=day):
        unit = node.unit
        if unit.valid_to is not None and unit.valid_to < day:
            state = "closed"
        elif unit.valid_from > day:
            state = "future"
        else:
            state = "active"
        if state == "closed" and not include_closed:
            continue
        rows.append(UnitRow(unit, node.depth, counts.get(unit.id, 0), state))
    return rows


def unit_ancestors(unit: Unit) -> list[Unit]:
    """The units above ``unit``, nearest first."""
    chain: list[Unit] = []
    seen = {unit.pk}
    node = unit.parent
    while node is not None and node.pk not in seen:
        chain.append(node)
        seen.add(node.pk)
        node = node.parent
    return chain


def unit_positions(unit: Unit, *, day: dt.date | None = None
                   ) -> tuple[list[Position], list[Position]]:
    """Positions held in ``unit``: (current or starting later, ended), each by staff name."""
    from django.db.models import Q
    from django.utils import timezone

    day = day or timezone.localdate()
    positions = unit.positions.select_related("user")
    current = positions.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    ended = positions.filter(valid_to__lt=day)
    return (list(current.order_by("role", "user__full_name")),
            list(ended.order_by("-valid_to", "user__full_name")))


def staff_positions(user: User, *, day: dt.date | None = None
                    ) -> tuple[list[Position], list[Position]]:
    """A staff member's positions: (current or starting later, ended), latest first. Ended
    positions carry ``unit_name_then``, the unit's name on their last day."""
    from django.db.models import Q
    from django.utils import timezone

    day = day or timezone.localdate()
    positions = user.positions.select_related("unit")
    current = positions.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    ended = list(positions.filter(valid_to__lt=day).prefetch_related("unit__former_names")
                 .order_by("-valid_to", "unit__name"))
    for position in ended:  # the unit's name while the position was held
        position.unit_name_then = position.unit.name_on(position.valid_to)
    return list(current.order_by("-valid_from", "unit__name")), ended
