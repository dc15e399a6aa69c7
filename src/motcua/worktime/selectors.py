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


def calendar_days(schedule: Schedule) -> QuerySet[CalendarDay]:
    return schedule.days.all().order_by("day")


def build_calendar(schedule: Schedule) -> WorkCalendar:
    """A fresh calendar for ``schedule`` (national calendar + its hours + its own days)."""
    hours = OfficeHours.from_spec(schedule.weekly_hours(), schedule.makeup_hours or None)
    overrides = [
        DayOverride.workday(d.day, d.name, d.decision, d.hours or None) if d.working
        else DayOverride.day_off(d.day, d.name, d.decision)
        for d in calendar_days(schedule)
    ]
    return WorkCalendar(hours=hours, overrides=overrides, time_zone=schedule.agency.time_zone,
                        name=str(schedule))


def calendar_for(schedule: Schedule) -> WorkCalendar:
    """The calendar of ``schedule``, cached per process until the schedule changes (every
    change to its hours or days gives it a new revision)."""
    cached = _cache.get(schedule.pk)
    if cached is not None and cached[0] == schedule.revision:
        return cached[1]
    calendar = build_calendar(schedule)
    with _cache_lock:
        _cache[schedule.pk] = (schedule.revision, calendar)
    return calendar


def agency_calendar(agency: Agency) -> WorkCalendar:
    return calendar_for(agency_schedule(agency))


def deadlines_of(owner_type: str, owner_id: object) -> QuerySet[TrackedDeadline]:
    return TrackedDeadline.objects.filter(owner_type=owner_type, owner_id=str(owner_id))
