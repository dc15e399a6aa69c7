"""The agency's working calendar as data, and the deadlines computed on it.

A :class:`Schedule` holds an agency's (or one unit's) weekly office hours; its
:class:`CalendarDay` rows are the administrator's own days off and make-up working days on top of
the national calendar. A :class:`TrackedDeadline` is any deadline motcua keeps (a dossier, a
step, a supplement, a feedback answer, a reform task): its clock events are the truth, its
``due_at`` a cache recomputed from them and the calendar.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.org.models import Agency, Unit


def new_revision() -> str:
    return uuid.uuid4().hex


WEEKDAY_FIELDS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DEFAULT_HOURS = "07:30-11:30, 13:00-17:00"


def _hours_field(label: str, default: str = DEFAULT_HOURS) -> models.CharField:
    return models.CharField(label, max_length=100, blank=True, default=default,
                            help_text=_("Ví dụ 07:30-11:30, 13:00-17:00; để trống nếu nghỉ."))


class Schedule(models.Model):
    """Office hours of an agency, or of one of its units that keeps different hours (a unit
    without its own schedule inherits its parent's, and finally the agency's)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="schedules",
                               verbose_name=_("cơ quan"))
    unit = models.OneToOneField(Unit, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="schedule", verbose_name=_("đơn vị"))
    monday = _hours_field(_("thứ Hai"))
    tuesday = _hours_field(_("thứ Ba"))
    wednesday = _hours_field(_("thứ Tư"))
    thursday = _hours_field(_("thứ Năm"))
    friday = _hours_field(_("thứ Sáu"))
    saturday = _hours_field(_("thứ Bảy"), default="")
    sunday = _hours_field(_("Chủ nhật"), default="")
    makeup_hours = _hours_field(_("giờ làm việc ngày làm bù"))
    weekend_counts = models.BooleanField(
        _("tính giờ thứ Bảy, Chủ nhật vào thời hạn"), default=False,
        help_text=_("Thứ Bảy, Chủ nhật là ngày nghỉ hằng tuần (Bộ luật Lao động 2019, Điều 111): giờ tiếp "
                    "nhận ngày nghỉ không được tính vào thời hạn giải quyết, hồ sơ nhận ngày nghỉ được "
                    "tính từ ngày làm việc tiếp theo. Chỉ đánh dấu khi cơ quan được giao làm việc cả "
                    "những ngày này."))
    #: a new random token at every change of the hours or days: the key of the cached calendar
    #: (a token, not a counter, so that a rolled-back change can never be mistaken for another)
    revision = models.CharField(max_length=32, default=new_revision, editable=False)

    class Meta:
        verbose_name = _("lịch làm việc")
        verbose_name_plural = _("lịch làm việc")
        constraints = [
            models.UniqueConstraint(fields=["agency"], condition=Q(unit__isnull=True),
                                    name="one_agency_schedule"),
        ]

    def __str__(self) -> str:
        return str(self.unit or self.agency)

    def weekly_hours(self) -> dict[int, str]:
        """The office hours of each weekday (0 = Monday): when the desk receives."""
        return {i: getattr(self, name) for i, name in enumerate(WEEKDAY_FIELDS)}

    def counting_hours(self) -> dict[int, str]:
        """The hours that count toward deadlines: the office hours, without Saturday's and
        Sunday's unless the agency works those days (make-up days count in any case)."""
        hours = self.weekly_hours()
        if not self.weekend_counts:
            hours[5] = hours[6] = ""
        return hours


class CalendarDay(models.Model):
    """An administrator's change to one day: an extra day off, or a make-up working day."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="days",
                                 verbose_name=_("lịch làm việc"))
    day = models.DateField(_("ngày"))
    working = models.BooleanField(_("là ngày làm việc"),
                                  help_text=_("Đánh dấu nếu là ngày làm bù; bỏ trống nếu là ngày nghỉ."))
    name = models.CharField(_("lý do"), max_length=200)
    decision = models.CharField(_("văn bản thông báo"), max_length=200, blank=True,
                                help_text=_("Ví dụ: Thông báo số 12729/VPCP-KGVX ngày 25/12/2025"))
    hours = models.CharField(_("giờ làm việc"), max_length=100, blank=True,
                             help_text=_("Chỉ cho ngày làm bù; để trống để dùng giờ làm bù chung."))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        verbose_name = _("ngày nghỉ / ngày làm bù")
        verbose_name_plural = _("ngày nghỉ / ngày làm bù")
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["schedule", "day"], name="one_change_per_day")]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.name}"


class TrackedDeadline(models.Model):
    """A deadline kept by motcua, recomputable from its clock events and the calendar."""

    schedule = models.ForeignKey(Schedule, on_delete=models.PROTECT, related_name="deadlines")
    owner_type = models.CharField(max_length=100)
    owner_id = models.CharField(max_length=64)
    purpose = models.CharField(max_length=50, blank=True)
    amount_minutes = models.PositiveIntegerField()
    amount_unit = models.CharField(max_length=10, default="day")
    counting_rule = models.CharField(max_length=100)
    clock_rule = models.CharField(max_length=30)
    #: [{"kind": "start", "at": ISO, "reason": ..., "minutes": ..., "due_at": ...}, ...]
    events = models.JSONField(default=list)
    received_at = models.DateTimeField()
    #: only a start event: the common case, recomputed in bulk without reading ``events``
    simple = models.BooleanField(default=True)
    due_at = models.DateTimeField(null=True, blank=True)
    original_due_at = models.DateTimeField(null=True, blank=True)
    met_at = models.DateTimeField(null=True, blank=True)
    #: bumped by every clock event: a background recompute writes only what it read
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("thời hạn")
        verbose_name_plural = _("thời hạn")
        indexes = [
            models.Index(fields=["owner_type", "owner_id"]),
            models.Index(fields=["schedule", "received_at"], condition=Q(met_at__isnull=True),
                         name="open_deadline_by_receipt"),
        ]

    def __str__(self) -> str:
        return f"{self.owner_type}#{self.owner_id} {self.purpose} → {self.due_at}"
