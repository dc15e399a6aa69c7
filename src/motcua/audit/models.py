"""The audit log: who did what, when, from where, to which object, with before/after values."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One recorded change. Written only by :func:`motcua.audit.services.record`, in the same
    transaction as the change it describes, so a change and its record stand or fall together."""

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    actor_name = models.CharField(_("tên người thực hiện"), max_length=200, blank=True)
    action = models.CharField(_("hành động"), max_length=100)
    object_type = models.CharField(_("loại đối tượng"), max_length=100)
    object_id = models.CharField(_("mã đối tượng"), max_length=64)
    object_repr = models.CharField(_("đối tượng"), max_length=300, blank=True)
    before = models.JSONField(_("trước"), null=True, blank=True)
    after = models.JSONField(_("sau"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    user_agent = models.CharField(_("trình duyệt"), max_length=300, blank=True)
    channel = models.CharField(_("kênh"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("sự kiện nhật ký")
        verbose_name_plural = _("nhật ký hệ thống")
        ordering = ["-id"]  # ids grow with time; no index on ``at`` to keep bulk writes cheap
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def changes(self) -> list[tuple[str, object, object]]:
        """Fields whose value differs between ``before`` and ``after``."""
        before, after = self.before or {}, self.after or {}
        keys = list(dict.fromkeys([*before, *after]))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]
