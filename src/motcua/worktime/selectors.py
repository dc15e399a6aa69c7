"""Reads of the working calendar: which schedule applies, and the calendar built from it."""

from __future__ import annotations

import threading

from django.db.models import QuerySet

from motcua.org.models import Agency, Unit
from motcua.worktime.calendar import DayOverride, OfficeHours, WorkCalendar
from motcua.worktime.models import CalendarDay, Schedule, TrackedDeadline

_cache: dict[int, tuple[str, WorkCalendar]] = {}
_cache_lock = threading.Lock()


def agency_schedule(agency: Agency) -> Schedule:
    """The agency's own schedule (created with the agency; see ``services.ensure_schedule``)."""
    return Schedule.objects.select_related("agency").get(agency=agency, unit__isnull=True)


def schedule_for_unit(unit: Unit) -> Schedule:
    """The schedule a unit works on: its own, else its nearest parent's, else the agency's."""
    own = {s.unit_id: s for s in Schedule.objects.filter(agency_id=unit.agency_id)
           .select_related("agency")}
    node: Unit | None = unit
    while node is not None:
        if node.id in own:
            return own[node.id]
        node = node.parent
    return own[None]


def unit_schedules(agency: Agency) -> QuerySet[Schedule]:
    """The schedules of units that keep their own office hours."""
    return (Schedule.objects.filter(agency=agency, unit__isnull=False)
            .select_related("unit", "agency").order_by("unit__name"))


def calendar_days(schedule: Schedule) -> QuerySet[CalendarDay]:
    return schedule.days.all().order_by("day")


def _inherited(schedule: Schedule) -> Schedule | None:
    """The agency's schedule whose days off and make-up days a unit's schedule inherits."""
    return agency_schedule(schedule.agency) if schedule.unit_id else None


def build_calendar(schedule: Schedule) -> WorkCalendar:
    """A fresh calendar for ``schedule``: the national calendar, its office hours, and the
    agency's own days off and make-up days (a unit's schedule inherits the agency's, and its own
    days win where both name the same day)."""
    hours = OfficeHours.from_spec(schedule.counting_hours(), schedule.makeup_hours or None)
    parent = _inherited(schedule)
    days = {d.day: d for d in calendar_days(parent)} if parent else {}
    days.update({d.day: d for d in calendar_days(schedule)})
    overrides = [
        DayOverride.workday(d.day, d.name, d.decision, d.hours or None) if d.working
        else DayOverride.day_off(d.day, d.name, d.decision)
        for d in days.values()
    ]
    return WorkCalendar(hours=hours, overrides=overrides, time_zone=schedule.agency.time_zone,
                        name=str(schedule))


def calendar_key(schedule: Schedule, *, lock: bool = False) -> str:
    """What the calendar of ``schedule`` is built from, as the revisions of its schedule and
    (for a unit's schedule) of the agency's. ``lock`` reads them with row locks, as calendar
    changes write them, so a writer holding the lock sees the calendar current."""
    rows = Schedule.objects.filter(pk=schedule.pk)
    if schedule.unit_id:
        rows = Schedule.objects.filter(pk=schedule.pk) | Schedule.objects.filter(
            agency_id=schedule.agency_id, unit__isnull=True)
    if lock:
        rows = rows.select_for_update()
    revisions = dict(rows.values_list("unit_id", "revision"))
    own = revisions.get(schedule.unit_id, schedule.revision)
    return f"{own}/{revisions.get(None, '') if schedule.unit_id else ''}"


def calendar_for(schedule: Schedule) -> WorkCalendar:
    """The calendar of ``schedule``, cached per process until the schedule (or, for a unit's
    schedule, the agency's) changes: every change gives a schedule a new revision."""
    parent = _inherited(schedule)
    key = f"{schedule.revision}/{parent.revision if parent else ''}"
    cached = _cache.get(schedule.pk)
    if cached is not None and cached[0] == key:
        return cached[1]
    calendar = build_calendar(schedule)
    with _cache_lock:
        _cache[schedule.pk] = (key, calendar)
    return calendar


def agency_calendar(agency: Agency) -> WorkCalendar:
    return calendar_for(agency_schedule(agency))


def deadlines_of(owner_type: str, owner_id: object) -> QuerySet[TrackedDeadline]:
    return TrackedDeadline.objects.filter(owner_type=owner_type, owner_id=str(owner_id))
