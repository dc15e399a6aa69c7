"""Django admin for the organisation: read-only views for technical support.

Units, staff and positions change only through the staff pages (``/to-chuc/``), which call the
services that check the rules and write the audit log; the admin therefore shows them but does not
edit them. The agency's own details (address, hotline …) have no page yet and are edited here, with
an audit record.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from motcua.audit.services import record, snapshot
from motcua.org.models import Agency, Position, Unit, UnitName, User

AGENCY_FIELDS = ("code", "name", "short_name", "governing_body", "place_name", "address", "phone",
                 "hotline", "email", "time_zone")


class NoWrites:
    """Viewable by staff with the view permission (and superusers); never added, changed or
    deleted here: every write goes through the org services, with its audit record."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(NoWrites, admin.ModelAdmin):
    pass


class ReadOnlyInline(NoWrites, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "short_name", "place_name", "hotline")
    search_fields = ("name", "code", "short_name")
    # Deadlines are computed in the agency's time zone: changing it would need every open
    # deadline recomputed, which this page does not do.
    readonly_fields = ("code", "time_zone")

    def has_add_permission(self, request):
        return False  # agencies are created by setup (seed_demo) or a data migration

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # The admin's change view runs in a transaction, so the record commits with the change.
        before = snapshot(Agency.objects.get(pk=obj.pk), AGENCY_FIELDS) if change else None
        super().save_model(request, obj, form, change)
        record(actor=request.user, action="org.agency.update", obj=obj, before=before,
               after=snapshot(obj, AGENCY_FIELDS))


class UnitNameInline(ReadOnlyInline):
    model = UnitName
    fields = ("name", "valid_from", "valid_to", "decision")
    readonly_fields = fields


class UnitPositionInline(ReadOnlyInline):
    model = Position
    fk_name = "unit"
    fields = ("user", "role", "title", "valid_from", "valid_to")
    readonly_fields = fields
    verbose_name_plural = _("vị trí công tác tại đơn vị")


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ("name", "code", "kind", "parent", "valid_from", "valid_to", "successor")
    list_filter = ("agency", "kind", ("valid_to", admin.EmptyFieldListFilter))
    search_fields = ("name", "short_name", "code", "search_text", "former_names__name")
    list_select_related = ("parent", "successor")
    inlines = [UnitNameInline, UnitPositionInline]


@admin.register(UnitName)
class UnitNameAdmin(ReadOnlyAdmin):
    list_display = ("name", "unit", "valid_from", "valid_to", "decision")
    search_fields = ("name", "unit__name")
    list_select_related = ("unit",)


class UserPositionInline(ReadOnlyInline):
    model = Position
    fk_name = "user"
    fields = ("unit", "role", "title", "valid_from", "valid_to")
    readonly_fields = fields


@admin.register(User)
class UserAdmin(NoWrites, BaseUserAdmin):
    list_display = ("username", "full_name", "email", "phone", "is_active", "is_staff",
                    "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser", "positions__role")
    search_fields = ("username", "full_name", "email", "search_text")
    ordering = ("full_name",)
    fieldsets = (
        (None, {"fields": ("username",)}),
        (_("Thông tin cá nhân"), {"fields": ("full_name", "email", "phone")}),
        (_("Quyền"), {"fields": ("is_active", "is_staff", "is_superuser", "groups",
                                 "user_permissions")}),
        (_("Thời gian"), {"fields": ("last_login", "date_joined")}),
    )
    inlines = [UserPositionInline]


@admin.register(Position)
class PositionAdmin(ReadOnlyAdmin):
    list_display = ("user", "unit", "role", "title", "valid_from", "valid_to")
    list_filter = ("role", ("valid_to", admin.EmptyFieldListFilter), "unit__agency")
    search_fields = ("user__full_name", "user__username", "user__search_text", "unit__name",
                     "title")
    list_select_related = ("user", "unit")
