"""Notifications to staff: the list each officer sees in the staff UI (and gets by email)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    STEP_DUE_SOON = "step_due_soon", _("Bước xử lý sắp đến hạn")
    STEP_OVERDUE = "step_overdue", _("Bước xử lý quá hạn")
    DOSSIER_DUE_SOON = "dossier_due_soon", _("Hồ sơ sắp đến hạn trả kết quả")
    DOSSIER_OVERDUE = "dossier_overdue", _("Hồ sơ quá hạn trả kết quả")
    ASSIGNED = "assigned", _("Được giao xử lý hồ sơ")
    ARRIVED = "arrived", _("Hồ sơ chuyển đến đơn vị")
    SENT_BACK = "sent_back", _("Hồ sơ bị trả lại")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Hồ sơ cần bổ sung")
    SUPPLEMENT_RECEIVED = "supplement_received", _("Đã nhận hồ sơ bổ sung")


#: Reminders about time (the others tell of an event).
REMINDER_KINDS = (Kind.STEP_DUE_SOON, Kind.STEP_OVERDUE, Kind.DOSSIER_DUE_SOON, Kind.DOSSIER_OVERDUE)


class Notification(models.Model):
    """One message to one staff member. ``dedupe_key`` names what it is about (a step, its kind
    of reminder and the due moment; or a dossier event), unique per recipient: the same
    reminder is never made twice, however often the reminder run repeats."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="notifications", verbose_name=_("người nhận"))
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, null=True, blank=True,
                                related_name="+", verbose_name=_("hồ sơ"))
    step = models.ForeignKey("dossiers.DossierStep", on_delete=models.CASCADE, null=True, blank=True,
                             related_name="+", verbose_name=_("bước xử lý"))
    kind = models.CharField(_("loại"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("tiêu đề"), max_length=300)
    body = models.TextField(_("nội dung"), blank=True)
    url = models.CharField(_("đường dẫn"), max_length=300, blank=True)
    #: the due moment a reminder is about (a moved due moment is a new reminder)
    due_at = models.DateTimeField(_("hạn được nhắc"), null=True, blank=True)
    dedupe_key = models.CharField(max_length=150)
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("đã gửi thư lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="notification_once"),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], condition=Q(read_at__isnull=True),
                         name="notification_unread"),
            models.Index(fields=["recipient", "-created_at"], name="notification_by_recipient"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
