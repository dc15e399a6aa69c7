"""Reminders to officers: a step or a dossier about to fall due (within the lead time, counted
in working time on the unit's calendar, by default one working day) or overdue. Each goes to
the step's officer (or, assigned to nobody, the officers of its unit) and the unit's head; the
dossier's own due moment to the head of the unit now holding it. Sent only while the unit is in
office hours: outside them the run skips the unit, and the next run in office hours sends.

A reminder is about one due moment: the same one is never sent twice, and a due moment moved
(by a pause, a supplement or an apology with a new appointment) is reminded again."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict, dataclass

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from motcua.dossiers.models import Dossier, DossierStep
from motcua.notify import selectors
from motcua.notify.models import Kind, Notification
from motcua.notify.services import deliver, dossier_lines, draft, duration_text, local_text, step_line
from motcua.notify.staffing import Staff, Units, unique
from motcua.worktime.amount import WorkAmount
from motcua.worktime.calendar import WorkCalendar

log = logging.getLogger("motcua.notify")

#: At most this many steps (and as many dossiers) per run, most urgent first; the rest follow in
#: the next run (those reminded are not looked at again).
BATCH = 1000


@dataclass
class ReminderReport:
    units_in_office_hours: int = 0
    units_outside_office_hours: int = 0
    steps: int = 0
    dossiers: int = 0
    notifications: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def lead_time() -> WorkAmount:
    return WorkAmount(int(getattr(settings, "MOTCUA_REMINDER_LEAD_MINUTES", 480)))


def reminder_kind(now: dt.datetime, due: dt.datetime, calendar: WorkCalendar, lead: WorkAmount,
                  *, soon: str, overdue: str) -> str | None:
    """``overdue`` once ``due`` has passed, ``soon`` when at most ``lead`` working time is left."""
    if due < now:
        return overdue
    if calendar.between(now, due) <= lead:
        return soon
    return None


def send_reminders(*, now: dt.datetime | None = None, lead: WorkAmount | None = None) -> ReminderReport:
    """One reminder run (the scheduler enqueues one every few minutes)."""
    now = now or timezone.now()
    lead = lead if lead is not None else lead_time()
    report = ReminderReport()
    units = Units()
    open_units, calendars = [], {}
    for unit_id in units.parent:
        calendar = units.calendar_of(unit_id)
        if calendar is not None and calendar.is_working_time(now):
            open_units.append(unit_id)
            calendars[id(calendar)] = calendar
        else:
            report.units_outside_office_hours += 1
    report.units_in_office_hours = len(open_units)
    if not open_units:
        return report
    # The latest moment a due moment within the lead time can be, on any of these calendars: the
    # query takes everything before it, and each candidate is checked on its own unit's calendar.
    horizon = max(c.add(now, lead + WorkAmount(1)) for c in calendars.values())
    staff = Staff(units, timezone.localtime(now).date())
    with translation.override(settings.LANGUAGE_CODE):
        steps = selectors.steps_to_remind(open_units, now=now, horizon=horizon, limit=BATCH)
        staff.load({s.unit_id for s in steps})
        drafts: list[Notification] = []
        for step in steps:
            calendar = units.calendar_of(step.unit_id)
            kind = reminder_kind(now, step.due_at, calendar, lead, soon=Kind.STEP_DUE_SOON,
                                 overdue=Kind.STEP_OVERDUE)
            if kind is not None:
                report.steps += 1
                drafts += _step_reminders(step, kind, now, calendar, staff)
        dossiers = selectors.dossiers_to_remind(open_units, now=now, horizon=horizon, limit=BATCH)
        staff.load({d.current_unit_id for d in dossiers})
        for dossier in dossiers:
            calendar = units.calendar_of(dossier.current_unit_id)
            kind = reminder_kind(now, dossier.due_at, calendar, lead, soon=Kind.DOSSIER_DUE_SOON,
                                 overdue=Kind.DOSSIER_OVERDUE)
            if kind is not None:
                report.dossiers += 1
                drafts += _dossier_reminders(dossier, kind, now, calendar, staff)
    report.notifications = len(deliver(drafts, now=now))
    if report.notifications:
        log.info("reminders: %s", report.as_dict())
    return report


def _key(prefix: str, pk: int, kind: str, due: dt.datetime) -> str:
    return f"{prefix}:{pk}:{kind}:{due.astimezone(dt.UTC):%Y%m%dT%H%MZ}"


def _left(now: dt.datetime, due: dt.datetime, calendar: WorkCalendar) -> str:
    return duration_text(calendar.between(now, due).minutes)


def _step_reminders(step: DossierStep, kind: str, now: dt.datetime, calendar: WorkCalendar,
                    staff: Staff) -> list[Notification]:
    dossier = step.dossier
    tz = dossier.agency.time_zone
    values = {"code": dossier.code, "step": step.name}
    if kind == Kind.STEP_OVERDUE:
        title = _("Quá hạn: bước “%(step)s” của hồ sơ %(code)s") % values
        lead_line = _("Bước này đã quá hạn từ %(due)s.") % {"due": local_text(step.due_at, tz)}
    else:
        title = _("Sắp đến hạn: bước “%(step)s” của hồ sơ %(code)s") % values
        lead_line = _("Còn %(left)s làm việc đến hạn của bước (%(due)s).") % {
            "left": _left(now, step.due_at, calendar), "due": local_text(step.due_at, tz)}
    who = step.assignee.display_name() if step.assignee_id else _("chưa phân công")
    body = "\n".join([lead_line, step_line(step, tz), _("Cán bộ xử lý: %(name)s") % {"name": who},
                      *dossier_lines(dossier)])
    key = _key("step", step.pk, kind, step.due_at)
    return [draft(user, kind, title=title, body=body, dedupe_key=key, dossier=dossier, step=step,
                  due_at=step.due_at)
            for user in unique([*staff.on_step(step), *staff.heads(step.unit_id)])]


def _dossier_reminders(dossier: Dossier, kind: str, now: dt.datetime, calendar: WorkCalendar,
                       staff: Staff) -> list[Notification]:
    tz = dossier.agency.time_zone
    due = {"due": local_text(dossier.due_at, tz)}
    if kind == Kind.DOSSIER_OVERDUE:
        title = _("Hồ sơ %(code)s đã quá hạn trả kết quả") % {"code": dossier.code}
        lines = [_("Hẹn trả kết quả: %(due)s — đã quá hạn.") % due,
                 _("Đã có văn bản xin lỗi, hẹn lại ngày trả; hồ sơ vẫn được tính là trễ hạn.")
                 if dossier.apologized else
                 _("Hồ sơ được tính là trễ hạn. Đơn vị làm chậm gửi người nộp văn bản xin lỗi và hẹn lại "
                   "ngày trả kết quả (Mẫu 04).")]
    else:
        title = _("Hồ sơ %(code)s sắp đến hạn trả kết quả") % {"code": dossier.code}
        lines = [_("Hẹn trả kết quả: %(due)s — còn %(left)s làm việc.") % {
                     **due, "left": _left(now, dossier.due_at, calendar)},
                 _("Nếu không kịp, đơn vị phải gửi người nộp văn bản xin lỗi và hẹn lại ngày trả kết quả "
                   "(Mẫu 04) trước thời hạn.")]
    lines.append(_("Đơn vị đang xử lý: %(unit)s") % {"unit": dossier.current_unit.name})
    key = _key("dossier", dossier.pk, kind, dossier.due_at)
    return [draft(user, kind, title=title, body="\n".join([*lines, *dossier_lines(dossier)]),
                  dedupe_key=key, dossier=dossier, due_at=dossier.due_at)
            for user in unique(staff.heads(dossier.current_unit_id))]
