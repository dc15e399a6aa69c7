"""Django admin for working time: read-only views for technical support.

Office hours and the agency's days off and make-up days change only through the staff pages
(``/lich-lam-viec/``), whose services check the rules, write the audit log and recompute the open
deadlines; the admin shows them but does not edit them.
"""

from __future__ import annotations

from django.contrib import admin

from motcua.org.admin import ReadOnlyAdmin, ReadOnlyInline
from motcua.worktime.models import CalendarDay, Schedule, TrackedDeadline


class CalendarDayInline(ReadOnlyInline):
    model = CalendarDay
    fields = ("day", "working", "name", "decision", "hours", "created_by", "created_at")
    readonly_fields = fields


@admin.register(Schedule)
class ScheduleAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "agency", "unit", "monday", "saturday", "makeup_hours")
    list_filter = ("agency",)
    list_select_related = ("agency", "unit")
    inlines = [CalendarDayInline]


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyAdmin):
    list_display = ("day", "working", "name", "decision", "hours", "schedule", "created_by")
    list_filter = ("working", "schedule__agency")
    search_fields = ("name", "decision")
    date_hierarchy = "day"
    list_select_related = ("schedule__agency", "schedule__unit", "created_by")


@admin.register(TrackedDeadline)
class TrackedDeadlineAdmin(ReadOnlyAdmin):
    list_display = ("owner_type", "owner_id", "purpose", "received_at", "due_at", "met_at")
    list_filter = ("owner_type", "purpose", ("met_at", admin.EmptyFieldListFilter))
    search_fields = ("owner_id",)
    list_select_related = ("schedule",)
