"""Who is told, and by which working calendar: the units with their parents and schedules, and
the positions held today, each read once (a reminder run or an event touches few units)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from motcua.dossiers.models import DossierStep
from motcua.org.models import Position, Role, Unit, User
from motcua.worktime.calendar import WorkCalendar
from motcua.worktime.models import Schedule
from motcua.worktime.selectors import calendar_for


class Units:
    """Every unit's parent and agency (one query), its schedule (the nearest one up the tree,
    else the agency's — as :func:`motcua.worktime.selectors.schedule_for_unit`) and calendar."""

    def __init__(self) -> None:
        rows = list(Unit.objects.values_list("id", "parent_id", "agency_id"))
        self.parent: dict[int, int | None] = {pk: parent for pk, parent, _agency in rows}
        self.agency: dict[int, int] = {pk: agency for pk, _parent, agency in rows}
        self._schedules: dict[tuple[int, int | None], Schedule] | None = None
        self._calendars: dict[int, WorkCalendar] = {}

    def lineage(self, unit_id: int) -> list[int]:
        """The unit, its parent, … up to the top unit."""
        chain: list[int] = []
        node: int | None = unit_id
        while node is not None and node not in chain:
            chain.append(node)
            node = self.parent.get(node)
        return chain

    def schedule_of(self, unit_id: int) -> Schedule | None:
        if self._schedules is None:
            self._schedules = {(s.agency_id, s.unit_id): s for s in Schedule.objects.select_related("agency")}
        agency = self.agency.get(unit_id)
        for node in self.lineage(unit_id):
            if (agency, node) in self._schedules:
                return self._schedules[(agency, node)]
        return self._schedules.get((agency, None))

    def calendar_of(self, unit_id: int) -> WorkCalendar | None:
        schedule = self.schedule_of(unit_id)
        if schedule is None:
            return None
        if schedule.pk not in self._calendars:
            self._calendars[schedule.pk] = calendar_for(schedule)
        return self._calendars[schedule.pk]


class Staff:
    """The staff of some units on one day, loaded with one query per batch of new units."""

    def __init__(self, units: Units, day: dt.date) -> None:
        self.units = units
        self.day = day
        self._loaded: set[int] = set()
        self._by_unit: dict[int, dict[str, list[User]]] = defaultdict(lambda: defaultdict(list))

    def load(self, unit_ids: Iterable[int]) -> None:
        wanted = {node for unit_id in unit_ids for node in self.units.lineage(unit_id)} - self._loaded
        if not wanted:
            return
        positions = (Position.objects.active_on(self.day).filter(unit_id__in=wanted, user__is_active=True)
                     .select_related("user").order_by("user__username"))
        for position in positions:
            people = self._by_unit[position.unit_id][position.role]
            if all(u.pk != position.user_id for u in people):
                people.append(position.user)
        self._loaded |= wanted

    def _in(self, unit_id: int, *roles: str) -> list[User]:
        self.load([unit_id])
        found: list[User] = []
        for role in roles:
            found += [u for u in self._by_unit[unit_id][role] if u not in found]
        return found

    def heads(self, unit_id: int) -> list[User]:
        """The unit's heads; a unit without one answers to the nearest unit above that has one
        (a leadership unit's "head" is the agency's leaders)."""
        for node in self.units.lineage(unit_id):
            people = self._in(node, Role.UNIT_HEAD) or self._in(node, Role.AGENCY_LEADER)
            if people:
                return people
        return []

    def workers(self, unit_id: int, role: str = "") -> list[User]:
        """Who may work on a step of ``unit_id`` for ``role`` when it is assigned to nobody."""
        if role == Role.AGENCY_LEADER:
            return self._in(unit_id, Role.AGENCY_LEADER) or self.heads(unit_id)
        if role == Role.UNIT_HEAD:
            return self.heads(unit_id)
        return self._in(unit_id, Role.SPECIALIST, Role.DESK_OFFICER) or self.heads(unit_id)

    def desk(self, unit_id: int) -> list[User]:
        return self._in(unit_id, Role.DESK_OFFICER) or self.heads(unit_id)

    def on_step(self, step: DossierStep) -> list[User]:
        """The step's officer, or (assigned to nobody) the officers of its unit."""
        if step.assignee_id is not None and step.assignee.is_active:
            return [step.assignee]
        return self.workers(step.unit_id, step.role)


def unique(users: Iterable[User], *, excluding: int | None = None) -> list[User]:
    seen: set[int] = set()
    out: list[User] = []
    for user in users:
        if user.pk not in seen and user.pk != excluding:
            seen.add(user.pk)
            out.append(user)
    return out
