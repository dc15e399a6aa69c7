"""Messages to applicants (email, SMS) and to staff (the notification list, email)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage, get_connection, send_mail
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from motcua.catalog.models import StepKind
from motcua.dossiers.models import Action, Dossier, DossierEvent, DossierStep, StepStatus
from motcua.notify.models import Kind, Notification
from motcua.notify.sms import gateway
from motcua.org.models import User

logger = logging.getLogger("motcua.notify")


def applicant_message(event: DossierEvent) -> tuple[str, str] | None:
    """(subject, text) telling the applicant about ``event``, or None if there is nothing to tell."""
    dossier = event.dossier
    code = dossier.code or ""
    agency = dossier.agency.name
    if event.action == Action.REQUEST_SUPPLEMENT:
        items = "\n".join(f"{i}. {item}" for i, item in enumerate(event.data.get("items", []), 1))
        return (_("Hồ sơ %(code)s cần bổ sung") % {"code": code},
                _("%(agency)s đề nghị Ông/Bà bổ sung hồ sơ %(code)s:\n%(items)s\n"
                  "Thời gian chờ bổ sung không tính vào thời hạn giải quyết. Vui lòng nộp bổ sung "
                  "tại Bộ phận Một cửa.") % {"agency": agency, "code": code, "items": items})
    if event.action == Action.PAUSE:
        return (_("Hồ sơ %(code)s tạm dừng chờ thực hiện nghĩa vụ tài chính") % {"code": code},
                _("%(agency)s thông báo: hồ sơ %(code)s tạm dừng giải quyết chờ Ông/Bà thực hiện "
                  "nghĩa vụ tài chính: %(note)s") % {"agency": agency, "code": code, "note": event.note})
    if event.action == Action.APOLOGIZE:
        from motcua.dossiers.workflow import calendar_of

        new_due = calendar_of(dossier).local(dossier.due_at).strftime("%H:%M %d/%m/%Y")
        return (_("Xin lỗi về việc chậm trả kết quả hồ sơ %(code)s") % {"code": code},
                _("%(agency)s xin lỗi Ông/Bà vì hồ sơ %(code)s chưa giải quyết kịp thời hạn. "
                  "Lý do: %(reason)s. Hẹn trả kết quả mới: %(due)s.") % {
                    "agency": agency, "code": code, "reason": event.note, "due": new_due})
    return None


def tell_applicant(event: DossierEvent) -> None:
    """Email (when the applicant gave an address) and SMS (when a phone is known)."""
    dossier = event.dossier
    with translation.override("vi"):
        message = applicant_message(event)
    if message is None:
        return
    subject, text = message
    if dossier.applicant_email:
        send_mail(subject, text, None, [dossier.applicant_email], fail_silently=False)
    if dossier.applicant_phone:
        gateway().send(dossier.applicant_phone, f"{subject}. {text}"[:600])


# -- staff notifications -----------------------------------------------------------------------
def dossier_url(dossier: Dossier) -> str:
    """The dossier's staff page."""
    code = dossier.code or str(dossier.pk)
    for kwargs in ({"args": [code]}, {"kwargs": {"code": code}}):
        try:
            return reverse("dossiers:detail", **kwargs)
        except NoReverseMatch:
            continue
    return f"/ho-so/{code}/"


def local_text(moment: dt.datetime, time_zone: str) -> str:
    """``moment`` as officers read it: ``16:30 12/11/2026``."""
    return timezone.localtime(moment, ZoneInfo(time_zone)).strftime("%H:%M %d/%m/%Y")


def duration_text(minutes: int) -> str:
    """Working time in words: ``3 giờ 30 phút``."""
    hours, rest = divmod(max(minutes, 0), 60)
    if hours and rest:
        return _("%(h)s giờ %(m)s phút") % {"h": hours, "m": rest}
    if hours:
        return _("%(h)s giờ") % {"h": hours}
    return _("%(m)s phút") % {"m": rest}


def draft(recipient: User, kind: str, *, title: str, body: str = "", dedupe_key: str,
          dossier: Dossier | None = None, step: DossierStep | None = None,
          due_at: dt.datetime | None = None, url: str | None = None) -> Notification:
    """An unsaved notification, for :func:`deliver`."""
    if url is None:
        url = dossier_url(dossier) if dossier is not None else ""
    return Notification(recipient=recipient, kind=kind, title=title[:300], body=body, url=url[:300],
                        dossier=dossier, step=step, due_at=due_at, dedupe_key=dedupe_key[:150])


def deliver(drafts: Sequence[Notification], *, now: dt.datetime | None = None) -> list[Notification]:
    """Save the notifications not made before (a recipient gets each ``dedupe_key`` once) and
    email the new ones to recipients who have an address. Returns the new ones. Safe to run
    twice at once: the unique constraint lets only one of two identical notifications in."""
    now = now or timezone.now()
    wanted: dict[tuple[int, str], Notification] = {}
    for item in drafts:
        wanted.setdefault((item.recipient.pk, item.dedupe_key), item)
    if not wanted:
        return []
    existing: set[tuple[int, str]] = set()
    pairs = list(wanted)
    for i in range(0, len(pairs), 400):
        chunk = pairs[i:i + 400]
        existing |= set(Notification.objects.filter(
            recipient_id__in={r for r, _k in chunk}, dedupe_key__in={k for _r, k in chunk},
        ).values_list("recipient_id", "dedupe_key"))
    created = _insert([item for pair, item in wanted.items() if pair not in existing])
    _email(created, now)
    return created


def _insert(rows: list[Notification]) -> list[Notification]:
    if not rows:
        return []
    try:
        with transaction.atomic():
            return Notification.objects.bulk_create(rows, batch_size=500)
    except IntegrityError:  # a concurrent run made some of them meanwhile: one by one
        pass
    created = []
    for row in rows:
        row.pk = None
        row._state.adding = True
        try:
            with transaction.atomic():
                row.save(force_insert=True)
        except IntegrityError:
            continue
        created.append(row)
    return created


def _email_text(item: Notification) -> str:
    site = getattr(settings, "MOTCUA_SITE_URL", "").rstrip("/")
    lines = [item.body] if item.body else []
    if item.url:
        lines += ["", _("Xem hồ sơ: %(url)s") % {"url": f"{site}{item.url}"}]
    lines += ["", "—", _("Thư tự động của hệ thống Một cửa điện tử. Mọi thông báo của anh/chị: %(url)s") % {
        "url": f"{site}{reverse('notify:list')}"}]
    return "\n".join(lines)


def _email(rows: Sequence[Notification], now: dt.datetime) -> None:
    messages, ids = [], []
    with translation.override(settings.LANGUAGE_CODE):
        for item in rows:
            if item.recipient.email:
                messages.append(EmailMessage(item.title, _email_text(item), None, [item.recipient.email]))
                ids.append(item.pk)
    if not messages:
        return
    try:
        get_connection(fail_silently=False).send_messages(messages)
    except OSError:  # the mail server is down: the notifications are in the list all the same
        logger.exception("could not email %s staff notifications", len(messages))
        return
    Notification.objects.filter(pk__in=ids).update(emailed_at=now)


def notify_staff(users: Iterable[User], kind: str, dossier: Dossier | None, title: str, body: str,
                 dedupe_key: str, *, step: DossierStep | None = None, due_at: dt.datetime | None = None,
                 url: str | None = None) -> list[Notification]:
    """Tell ``users`` (each active one once, whatever the number of calls with the same
    ``dedupe_key``): a row in their notification list, and an email when they have an address."""
    from motcua.notify.staffing import unique

    return deliver([draft(user, kind, title=title, body=body, dedupe_key=dedupe_key, dossier=dossier,
                          step=step, due_at=due_at, url=url)
                    for user in unique(users) if user.is_active])


def mark_read(user: User, ids: Iterable[int] | None = None, *, now: dt.datetime | None = None) -> int:
    """Mark ``user``'s notifications read (all unread ones when ``ids`` is None)."""
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=now or timezone.now())


# -- what happens to a dossier -----------------------------------------------------------------
#: The dossier actions some officer must hear about (the others need nobody's attention).
STAFF_EVENT_ACTIONS = frozenset({
    Action.ACCEPT, Action.ASSIGN, Action.FORWARD, Action.APPROVE, Action.REJECT, Action.SEND_BACK,
    Action.REQUEST_SUPPLEMENT, Action.RECEIVE_SUPPLEMENT,
})


_silenced: ContextVar[bool] = ContextVar("motcua_notifications_silenced", default=False)


@contextmanager
def notifications_silenced() -> Iterator[None]:
    """Actions played into the past (the demo's history, an import) tell no one: inside this
    block no notification is queued for officers or applicants."""
    token = _silenced.set(True)
    try:
        yield
    finally:
        _silenced.reset(token)


def notifications_are_silenced() -> bool:
    return _silenced.get()


def tell_staff_later(dossier: Dossier, action: str) -> None:
    """In the background, tell the officers concerned by the dossier's last event. Called once
    per action (``motcua.dossiers.workflow.finish``), inside its transaction: the task is queued
    in the database with the action, so it is committed (or rolled back) with it and never lost
    in between. Does nothing for actions that concern no officer."""
    if action not in STAFF_EVENT_ACTIONS or notifications_are_silenced():
        return
    from motcua.dossiers.tasks import notify_staff_of_event

    notify_staff_of_event.enqueue(dossier.pk, dossier.last_seq)


def tell_applicant_later(dossier: Dossier) -> None:
    """In the background, tell the applicant what the dossier's last event asks of them (by
    email, and SMS where configured): queued in the action's transaction, like
    :func:`tell_staff_later`."""
    if notifications_are_silenced():
        return
    from motcua.dossiers.tasks import notify_applicant

    notify_applicant.enqueue(dossier.pk, dossier.last_seq)


def dossier_lines(dossier: Dossier) -> list[str]:
    return [_("Thủ tục: %(procedure)s") % {"procedure": dossier.procedure.name},
            _("Người nộp: %(name)s") % {"name": dossier.applicant_name}]


def step_line(step: DossierStep, time_zone: str) -> str:
    return _("Bước: %(step)s — %(unit)s; hạn của bước: %(due)s") % {
        "step": step.name, "unit": step.unit.name, "due": local_text(step.due_at, time_zone)}


def on_dossier_event(event: DossierEvent) -> list[Notification]:
    """Tell the officers an event concerns: the officer a step is assigned to (or, assigned to
    nobody, the officers of the unit it arrives at, and its heads when it comes from another
    unit); the desk when a supplement is requested or a result is ready to return; the step's
    officers when the supplement arrives. The actor is never told of their own action.
    Idempotent: the same event never notifies anyone twice."""
    dossier = event.dossier
    if event.action not in STAFF_EVENT_ACTIONS or not dossier.code:
        return []
    from motcua.notify.staffing import Staff, Units, unique

    time_zone = dossier.agency.time_zone
    staff = Staff(Units(), timezone.localtime(event.at, ZoneInfo(time_zone)).date())
    drafts: list[Notification] = []

    def tell(users: Iterable[User], kind: str, title: str, lines: list[str],
             step: DossierStep | None = None) -> None:
        note = [_("Ghi chú của %(actor)s: %(note)s") % {"actor": event.actor_name, "note": event.note}
                ] if event.note else []
        body = "\n".join([*lines, *dossier_lines(dossier), *note])
        key = f"event:{dossier.pk}:{event.seq}:{kind}:{step.pk if step else ''}"
        drafts.extend(draft(user, kind, title=title, body=body, dedupe_key=key, dossier=dossier, step=step)
                      for user in unique(users, excluding=event.actor_id))

    code = {"code": dossier.code}
    with translation.override(settings.LANGUAGE_CODE):
        if event.action == Action.ASSIGN and event.step_id is not None:
            step = DossierStep.objects.select_related("unit", "assignee").get(pk=event.step_id)
            if event.to_user_id is not None:
                tell([event.to_user], Kind.ASSIGNED, _("Anh/chị được giao xử lý hồ sơ %(code)s") % code,
                     [step_line(step, time_zone)], step)
            else:
                tell(staff.workers(step.unit_id, step.role) + staff.heads(step.unit_id), Kind.ARRIVED,
                     _("Hồ sơ %(code)s được chuyển đến %(unit)s") % {**code, "unit": step.unit.name},
                     [step_line(step, time_zone)], step)
        elif event.action == Action.REQUEST_SUPPLEMENT:
            items = [f"{i}. {item}" for i, item in enumerate(event.data.get("items", []), 1)]
            tell(staff.desk(dossier.receiving_unit_id), Kind.SUPPLEMENT_REQUESTED,
                 _("Hồ sơ %(code)s cần bổ sung: báo cho người nộp") % code,
                 [_("Đơn vị xử lý đề nghị người nộp bổ sung:"), *items])
        elif event.action == Action.RECEIVE_SUPPLEMENT:
            lines = [_("Bộ phận Một cửa đã nhận hồ sơ bổ sung; thời hạn tiếp tục được tính."),
                     _("Hẹn trả kết quả: %(due)s") % {"due": local_text(dossier.due_at, time_zone)}]
            for step in dossier.steps.filter(status=StepStatus.ACTIVE).select_related("unit", "assignee"):
                tell(staff.on_step(step), Kind.SUPPLEMENT_RECEIVED,
                     _("Hồ sơ %(code)s đã được bổ sung") % code, [*lines, step_line(step, time_zone)], step)
        else:
            opened = DossierStep.objects.filter(pk__in=event.data.get("opened", [])).select_related(
                "unit", "assignee")
            for step in opened:
                _tell_arrival(event, step, staff, tell, time_zone)
    return deliver(drafts, now=timezone.now())


def _tell_arrival(event: DossierEvent, step: DossierStep, staff, tell, time_zone: str) -> None:
    code = {"code": event.dossier.code}
    line = [step_line(step, time_zone)]
    if step.kind == StepKind.RETURN:
        title = (_("Hồ sơ %(code)s không được giải quyết: chờ trả văn bản trả lời")
                 if event.action == Action.REJECT
                 else _("Hồ sơ %(code)s đã có kết quả, chờ trả cho người nộp"))
        tell(staff.desk(step.unit_id), Kind.ARRIVED, title % code, line, step)
    elif event.action == Action.SEND_BACK:
        tell(staff.on_step(step), Kind.SENT_BACK,
             _("Hồ sơ %(code)s bị trả lại bước “%(step)s”") % {**code, "step": step.name}, line, step)
    elif step.assignee_id is not None:
        tell([step.assignee], Kind.ASSIGNED, _("Anh/chị được giao xử lý hồ sơ %(code)s") % code, line, step)
    else:
        from_elsewhere = event.from_unit_id != step.unit_id
        tell(staff.on_step(step) + (staff.heads(step.unit_id) if from_elsewhere else []), Kind.ARRIVED,
             _("Hồ sơ %(code)s chuyển đến: bước “%(step)s”") % {**code, "step": step.name}, line, step)
