"""Every change to calendars and tracked deadlines. Calendar changes are audited and trigger a
background recomputation of the open deadlines they affect."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from motcua.audit.services import record, record_many, snapshot
from motcua.org.access import require_role
from motcua.org.models import Agency, Role, Unit, User
from motcua.worktime.amount import WorkAmount
from motcua.worktime.calendar import OfficeHours, WorkCalendar, parse_sessions
from motcua.worktime.clock import ClockEvent, Deadline, EventKind, compute_deadline, get_clock_rule
from motcua.worktime.models import (
    WEEKDAY_FIELDS,
    CalendarDay,
    Schedule,
    TrackedDeadline,
    new_revision,
)
from motcua.worktime.rules import get_counting_rule
from motcua.worktime.selectors import (
    build_calendar,
    calendar_for,
    calendar_key,
    schedule_for_unit,
)

SCHEDULE_FIELDS = (*WEEKDAY_FIELDS, "makeup_hours", "weekend_counts")
HOURS_FIELDS = (*WEEKDAY_FIELDS, "makeup_hours")
RECOMPUTE_ACTOR = "tính lại thời hạn"


# -- schedules and calendar days -------------------------------------------------------------
@transaction.atomic
def ensure_schedule(agency: Agency) -> Schedule:
    """The agency's schedule, created with the default office hours the first time."""
    schedule, created = Schedule.objects.get_or_create(agency=agency, unit=None)
    if created:
        record(actor="hệ thống", action="worktime.schedule.create", obj=schedule,
               after=snapshot(schedule, SCHEDULE_FIELDS))
    return schedule


def _check_hours(field: str, value: str) -> str:
    try:
        return ", ".join(f"{a}-{b}" for a, b in (
            (f"{s // 60:02}:{s % 60:02}", f"{e // 60:02}:{e % 60:02}") for s, e in parse_sessions(value)
        ))
    except ValueError as exc:
        raise ValidationError({field: _(
            "Giờ làm việc “%(value)s” không hợp lệ: ghi theo dạng 07:30-11:30, 13:00-17:00, "
            "các buổi theo thứ tự và không chồng nhau."
        ) % {"value": value}}) from exc


def _bump(schedule: Schedule) -> None:
    schedule.revision = new_revision()
    Schedule.objects.filter(pk=schedule.pk).update(revision=schedule.revision)


def _recompute_after_commit(schedule: Schedule, first: dt.date, last: dt.date, *,
                            with_units: bool = False) -> None:
    """After commit, recompute the open deadlines of ``schedule`` (and, for a change to the
    agency's days, of the unit schedules that inherit them) in the background."""
    from motcua.worktime.tasks import recompute_deadlines

    schedule_ids = [schedule.pk]
    if with_units and schedule.unit_id is None:
        schedule_ids += list(Schedule.objects.filter(agency_id=schedule.agency_id,
                                                     unit__isnull=False).values_list("pk", flat=True))
    for schedule_id in schedule_ids:
        transaction.on_commit(lambda pk=schedule_id: recompute_deadlines.enqueue(
            pk, first.isoformat(), last.isoformat()))


@transaction.atomic
def update_office_hours(*, actor: User, schedule: Schedule, hours: dict[str, str],
                        weekend_counts: bool | None = None) -> Schedule:
    """Change the weekly office hours (and the hours of make-up days), and whether weekend hours
    count toward deadlines (unchanged when ``None``). Every open deadline of the schedule may
    move, so all of them are recomputed in the background."""
    require_role(actor, Role.ADMINISTRATOR)
    schedule = Schedule.objects.select_for_update().select_related("agency").get(pk=schedule.pk)
    before = snapshot(schedule, SCHEDULE_FIELDS)
    for field in HOURS_FIELDS:
        setattr(schedule, field, _check_hours(field, hours.get(field, "")))
    if weekend_counts is not None:
        schedule.weekend_counts = weekend_counts
    if not schedule.makeup_hours:
        raise ValidationError({"makeup_hours": _("Ngày làm bù phải có giờ làm việc.")})
    if not any(schedule.counting_hours().values()):
        raise ValidationError({"monday": _("Phải có ít nhất một buổi làm việc trong tuần.")})
    OfficeHours.from_spec(schedule.weekly_hours(), schedule.makeup_hours)
    schedule.save()
    _bump(schedule)
    record(actor=actor, action="worktime.schedule.hours", obj=schedule, before=before,
           after=snapshot(schedule, SCHEDULE_FIELDS))
    _recompute_after_commit(schedule, dt.date.min, dt.date.max)
    return schedule


@transaction.atomic
def create_unit_schedule(*, actor: User, unit: Unit) -> Schedule:
    """Give ``unit`` (and the units below it) office hours of their own, starting as a copy of
    the hours it works on now. It keeps the agency's days off and make-up days."""
    require_role(actor, Role.ADMINISTRATOR)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)  # two submits: the second waits
    if Schedule.objects.filter(unit=unit).exists():
        raise ValidationError({"unit": _("Đơn vị này đã có giờ làm việc riêng.")})
    if not unit.is_active():
        raise ValidationError({"unit": _("Đơn vị đã ngừng hoạt động.")})
    current = schedule_for_unit(unit)
    schedule = Schedule.objects.create(
        agency_id=unit.agency_id, unit=unit,
        **{field: getattr(current, field) for field in SCHEDULE_FIELDS})
    record(actor=actor, action="worktime.schedule.create", obj=schedule,
           after={"unit": unit.name, **snapshot(schedule, SCHEDULE_FIELDS)})
    return schedule


@transaction.atomic
def remove_unit_schedule(*, actor: User, schedule: Schedule) -> None:
    """The unit goes back to the hours of its parent (or the agency). Refused while deadlines
    are kept on this schedule, since their history was computed on it."""
    require_role(actor, Role.ADMINISTRATOR)
    schedule = Schedule.objects.select_for_update(of=("self",)).select_related("unit").get(pk=schedule.pk)
    if schedule.unit_id is None:
        raise ValidationError(_("Không thể bỏ lịch làm việc chung của cơ quan."))
    if schedule.deadlines.exists():
        raise ValidationError(_("Đã có thời hạn được tính theo giờ làm việc riêng này; không thể "
                                "bỏ. Hãy sửa giờ làm việc thay vì bỏ."))
    record(actor=actor, action="worktime.schedule.remove", obj=schedule,
           before={"unit": schedule.unit.name, **snapshot(schedule, SCHEDULE_FIELDS)})
    schedule.days.all().delete()
    schedule.delete()


def _day_before_own_change(schedule: Schedule, day: dt.date):
    """What ``day`` is for this schedule before its own change: the national calendar with its
    hours, plus (for a unit's schedule) the agency's days off and make-up days it inherits."""
    calendar = build_calendar(schedule)
    own_days = set(schedule.days.values_list("day", flat=True))
    inherited = [o for o in calendar.overrides if o.day not in own_days]
    return calendar.with_overrides(inherited if schedule.unit_id else []).day_info(day)


@transaction.atomic
def set_calendar_day(
    *,
    actor: User,
    schedule: Schedule,
    day: dt.date,
    working: bool,
    name: str,
    decision: str = "",
    hours: str = "",
) -> CalendarDay:
    """Declare ``day`` an extra day off (``working=False``) or a make-up working day."""
    require_role(actor, Role.ADMINISTRATOR)
    schedule = Schedule.objects.select_for_update().select_related("agency").get(pk=schedule.pk)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Hãy ghi lý do (ví dụ: Nghỉ bù Quốc khánh).")})
    hours = _check_hours("hours", hours) if hours else ""
    if hours and not working:
        raise ValidationError({"hours": _("Ngày nghỉ không có giờ làm việc.")})
    national = _day_before_own_change(schedule, day)
    if working and national.working:
        raise ValidationError({"day": _("Ngày %(day)s vốn là ngày làm việc.")
                               % {"day": day.strftime("%d/%m/%Y")}})
    if not working and not national.working:
        raise ValidationError({"day": _("Ngày %(day)s vốn là ngày nghỉ (%(why)s).") % {
            "day": day.strftime("%d/%m/%Y"), "why": national.name or _("nghỉ cuối tuần")}})
    existing = CalendarDay.objects.filter(schedule=schedule, day=day).first()
    before = snapshot(existing, ("day", "working", "name", "decision", "hours")) if existing else None
    calendar_day = existing or CalendarDay(schedule=schedule, day=day, created_by=actor)
    calendar_day.working, calendar_day.name = working, name
    calendar_day.decision, calendar_day.hours = decision.strip(), hours
    calendar_day.save()
    _bump(schedule)
    record(actor=actor, action="worktime.day.set", obj=calendar_day, before=before,
           after=snapshot(calendar_day, ("day", "working", "name", "decision", "hours")))
    _recompute_after_commit(schedule, day, day, with_units=True)
    return calendar_day


@transaction.atomic
def remove_calendar_day(*, actor: User, calendar_day: CalendarDay) -> None:
    require_role(actor, Role.ADMINISTRATOR)
    schedule = Schedule.objects.select_for_update().get(pk=calendar_day.schedule_id)
    before = snapshot(calendar_day, ("day", "working", "name", "decision", "hours"))
    record(actor=actor, action="worktime.day.remove", obj=calendar_day, before=before)
    day = calendar_day.day
    calendar_day.delete()
    _bump(schedule)
    _recompute_after_commit(schedule, day, day, with_units=True)


# -- tracked deadlines -------------------------------------------------------------------------
def _event_json(event: ClockEvent) -> dict:
    data: dict = {"kind": str(event.kind), "at": event.at.isoformat()}
    if event.reason:
        data["reason"] = event.reason
    if event.amount is not None:
        data["minutes"], data["unit"] = event.amount.minutes, event.amount.unit
    if event.due_at is not None:
        data["due_at"] = event.due_at.isoformat()
    return data


def clock_events(deadline: TrackedDeadline) -> list[ClockEvent]:
    """The deadline's clock events, as the engine reads them."""
    events = []
    for data in deadline.events:
        amount = WorkAmount(data["minutes"], data.get("unit", "minute")) if "minutes" in data else None
        due_at = dt.datetime.fromisoformat(data["due_at"]) if "due_at" in data else None
        events.append(ClockEvent(EventKind(data["kind"]), dt.datetime.fromisoformat(data["at"]),
                                 amount=amount, due_at=due_at, reason=data.get("reason", "")))
    return events


def evaluate(deadline: TrackedDeadline, *, calendar: WorkCalendar | None = None,
             now: dt.datetime | None = None) -> Deadline:
    """The deadline recomputed from its events, with its explanation."""
    calendar = calendar or calendar_for(deadline.schedule)
    return compute_deadline(
        calendar, WorkAmount(deadline.amount_minutes, deadline.amount_unit), clock_events(deadline),
        rule=get_counting_rule(deadline.counting_rule), clock=get_clock_rule(deadline.clock_rule),
        now=now,
    )


def track_deadline(
    *,
    schedule: Schedule,
    owner_type: str,
    owner_id: object,
    amount: WorkAmount,
    received_at: dt.datetime,
    counting_rule: str = "plain",
    clock_rule: str = "pause_resume",
    purpose: str = "",
) -> TrackedDeadline:
    """Start keeping a deadline (called by the owner's service, inside its transaction)."""
    get_counting_rule(counting_rule), get_clock_rule(clock_rule)  # unknown codes fail here
    deadline = TrackedDeadline(
        schedule=schedule, owner_type=owner_type, owner_id=str(owner_id), purpose=purpose,
        amount_minutes=amount.minutes, amount_unit=amount.unit, counting_rule=counting_rule,
        clock_rule=clock_rule, received_at=received_at,
        events=[_event_json(ClockEvent.start(received_at))],
    )
    result = evaluate(deadline)
    deadline.due_at, deadline.original_due_at = result.due_at, result.original_due_at
    deadline.save()
    return deadline


def add_clock_event(*, deadline: TrackedDeadline, event: ClockEvent) -> TrackedDeadline:
    """Append a pause, resume, restart or extension and recompute (inside the owner's
    transaction). An event that the engine refuses (e.g. resume without a pause) changes
    nothing."""
    deadline = TrackedDeadline.objects.select_for_update().get(pk=deadline.pk)
    if deadline.met_at is not None:
        raise ValidationError(_("Thời hạn đã kết thúc, không thể thay đổi."))
    events = [*deadline.events, _event_json(event)]
    candidate = TrackedDeadline(**{f.attname: getattr(deadline, f.attname)
                                   for f in TrackedDeadline._meta.concrete_fields})
    candidate.events = events
    try:
        result = evaluate(candidate)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    deadline.events, deadline.simple, deadline.revision = events, False, deadline.revision + 1
    deadline.due_at, deadline.original_due_at = result.due_at, result.original_due_at
    deadline.save()
    return deadline


def mark_met(*, deadline: TrackedDeadline, at: dt.datetime) -> TrackedDeadline:
    """The work was done at ``at``: the deadline is closed and never recomputed again."""
    if TrackedDeadline.objects.filter(pk=deadline.pk, met_at__isnull=True).update(met_at=at):
        deadline.met_at = at
    else:
        deadline.refresh_from_db()
    return deadline


# -- recomputation after a calendar change ---------------------------------------------------
@dataclass(frozen=True)
class RecomputeReport:
    checked: int
    changed: int


def _due_of_simple_rows(calendar: WorkCalendar, rows: Iterable[tuple], memo: dict) -> list:
    """The due moments of deadlines with only a start event: the bulk path. A rule whose start
    depends only on the day of receipt gives one deadline per (rule, amount, day), computed
    once and remembered in ``memo`` for the whole recomputation."""
    out = []
    tz = calendar.tz
    for _pk, received_at, minutes, unit, rule_code, *_rest in rows:
        rule = memo.get(rule_code) or memo.setdefault(rule_code, get_counting_rule(rule_code))
        amount = WorkAmount(minutes, unit)
        key = None
        if rule.start.by_day(amount):
            key = (rule_code, minutes, unit, received_at.astimezone(tz).date())
            due = memo.get(key)
            if due is not None:
                out.append(due)
                continue
        start, _step = rule.start.start(calendar, received_at, amount)
        due, _step = rule.due.due(calendar, calendar.add(start, amount))
        if key is not None:
            memo[key] = due
        out.append(due)
    return out


def _aware(value: dt.datetime | str | None) -> dt.datetime | None:
    """A UTC timestamp read with a raw query (text on SQLite, see ``_open_rows``)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _fast_adapter():
    """Django's datetime adapter, minus its generality: on SQLite a UTC text timestamp as
    Django stores it (``str`` of the naive UTC datetime), elsewhere the aware value itself."""
    if connection.vendor != "sqlite":
        return connection.ops.adapt_datetimefield_value
    utc = dt.UTC

    def adapt(value: dt.datetime | None) -> str | None:
        return None if value is None else str(value.astimezone(utc).replace(tzinfo=None))

    return adapt


def _due_json(moment: dt.datetime | None, calendar: WorkCalendar) -> str:
    """The audit value as JSON text: no escaping is needed in an ISO 8601 moment."""
    if moment is None:
        return '{"due_at": null}'
    return f'{{"due_at": "{moment.astimezone(calendar.tz).isoformat()}"}}'


def _open_rows(schedule_id: int, received_until: dt.datetime, not_due_before: dt.datetime,
               after_pk: int, limit: int) -> list:
    """One chunk of the open deadlines that a change of the calendar between the two moments
    may move, as plain tuples (no model instances for a million rows).
    On SQLite the timestamps are read as text: Django's text-to-datetime converter would cost
    more than everything else the recompute does."""
    table = TrackedDeadline._meta.db_table
    as_text = "CAST({} AS TEXT)" if connection.vendor == "sqlite" else "{}"
    sql = (
        f"SELECT id, {as_text.format('received_at')}, amount_minutes, amount_unit, counting_rule, "
        f"simple, {as_text.format('due_at')}, revision FROM {table} "
        "WHERE schedule_id = %s AND met_at IS NULL AND received_at <= %s "
        "AND (due_at IS NULL OR due_at >= %s) AND id > %s ORDER BY id LIMIT %s"
    )
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(sql, [schedule_id, adapt(received_until), adapt(not_due_before), after_pk,
                             limit])
        return [(pk, _aware(received), minutes, unit, rule, bool(simple), _aware(due), revision)
                for pk, received, minutes, unit, rule, simple, due, revision in cursor.fetchall()]


def recompute_open_deadlines(
    *, schedule_id: int, first_day: dt.date, last_day: dt.date, chunk_size: int = 5000
) -> RecomputeReport:
    """Recompute every open deadline of the schedule whose counting may cross
    ``first_day``..``last_day``: received on or before ``last_day`` and not due before
    ``first_day``. Rows are read by key in chunks, so memory stays flat however many there are.
    Each change is saved with its audit record (old and new due moment) in the chunk's
    transaction. Deadlines already met, or given a clock event since they were read, are never
    touched."""
    schedule = Schedule.objects.select_related("agency").get(pk=schedule_id)
    key = calendar_key(schedule)
    calendar = calendar_for(schedule)
    adapt = _fast_adapter()
    received_until = dt.datetime.combine(min(last_day, dt.date(9999, 12, 30)), dt.time.max,
                                         tzinfo=calendar.tz)
    not_due_before = dt.datetime.combine(max(first_day, dt.date(1, 1, 2)), dt.time.min,
                                         tzinfo=calendar.tz)
    table = TrackedDeadline._meta.db_table
    update = (f"UPDATE {table} SET due_at = %s, original_due_at = %s "
              "WHERE id = %s AND revision = %s AND met_at IS NULL")
    memo: dict = {}
    checked = changed = last_pk = 0
    while rows := _open_rows(schedule_id, received_until, not_due_before, last_pk, chunk_size):
        last_pk = rows[-1][0]
        checked += len(rows)
        simple = [r for r in rows if r[5]]
        results = {r[0]: (due, due) for r, due in
                   zip(simple, _due_of_simple_rows(calendar, simple, memo), strict=True)}
        others = {r[0]: r for r in rows if not r[5]}
        for deadline in TrackedDeadline.objects.filter(pk__in=list(others)):
            result = evaluate(deadline, calendar=calendar)
            results[deadline.pk] = (result.due_at, result.original_due_at)
        updates, audits = [], []
        for pk, _received, _minutes, _unit, _rule, is_simple, old_due, revision in rows:
            new_due, new_original = results[pk]
            if new_due != old_due or not is_simple:
                updates.append((adapt(new_due), adapt(new_original), pk, revision))
            if new_due != old_due:
                audits.append((pk, f"thời hạn #{pk}", _due_json(old_due, calendar),
                               _due_json(new_due, calendar)))
        if updates:
            with transaction.atomic(), connection.cursor() as cursor:
                if calendar_key(schedule, lock=True) != key:
                    # The calendar changed since this run began: the task that change enqueued
                    # recomputes everything on the new calendar, so stop before writing.
                    break
                cursor.executemany(update, updates)
                record_many(actor=RECOMPUTE_ACTOR, action="worktime.deadline.recompute",
                            object_type=TrackedDeadline._meta.label_lower, changes=audits)
            changed += len(audits)
    return RecomputeReport(checked=checked, changed=changed)
