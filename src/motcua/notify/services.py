"""Messages to applicants (email, SMS) and to staff (the notification list, email)."""

from __future__ import annotations

import logging

from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from motcua.dossiers.models import Action, DossierEvent
from motcua.notify.sms import gateway

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
