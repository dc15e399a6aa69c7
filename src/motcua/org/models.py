"""The agency, its units over time, and the staff who hold positions in them."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.common.text import fold


class Agency(models.Model):
    """A public agency that runs a one-stop desk (e.g. a provincial department, a commune)."""

    code = models.CharField(
        _("mã định danh điện tử"),
        max_length=40,
        unique=True,
        help_text=_("Mã định danh của cơ quan theo Quyết định 20/2020/QĐ-TTg, ví dụ 000.00.12.H13"),
    )
    name = models.CharField(_("tên cơ quan"), max_length=200)
    short_name = models.CharField(_("tên viết tắt"), max_length=50, blank=True)
    governing_body = models.CharField(
        _("cơ quan chủ quản"), max_length=200, blank=True,
        help_text=_("Dòng trên tên cơ quan ở tiêu đề văn bản, ví dụ ỦY BAN NHÂN DÂN THÀNH PHỐ CẦN THƠ"),
    )
    place_name = models.CharField(
        _("địa danh"), max_length=100, help_text=_("Dùng trong dòng “Cần Thơ, ngày … tháng … năm …”")
    )
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=50, blank=True)
    hotline = models.CharField(_("đường dây nóng"), max_length=50, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    time_zone = models.CharField(_("múi giờ"), max_length=50, default="Asia/Ho_Chi_Minh")

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UnitKind(models.TextChoices):
    SUB_DEPARTMENT = "sub_department", _("Chi cục")
    DIVISION = "division", _("Phòng chuyên môn")
    PUBLIC_SERVICE_UNIT = "public_service_unit", _("Đơn vị sự nghiệp")
    BRANCH = "branch", _("Chi nhánh")
    INSPECTORATE = "inspectorate", _("Thanh tra")
    DESK = "desk", _("Bộ phận Một cửa")
    OFFICE = "office", _("Văn phòng / Tổ / Đội")
    LEADERSHIP = "leadership", _("Ban lãnh đạo")


class UnitQuerySet(models.QuerySet):
    def active_on(self, day: dt.date | None = None) -> UnitQuerySet:
        day = day or timezone.localdate()
        return self.filter(Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gte=day))


class Unit(models.Model):
    """A unit of the agency (đơn vị). Units are never deleted: a unit that is renamed keeps its
    identity and its name history; one that is merged or dissolved gets an end date (and, when
    merged, a successor), so dossiers handled by it stay attributed to it."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="units",
                               verbose_name=_("cơ quan"))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children", verbose_name=_("đơn vị cấp trên"))
    kind = models.CharField(_("loại đơn vị"), max_length=30, choices=UnitKind.choices)
    code = models.SlugField(_("mã đơn vị"), max_length=30, allow_unicode=False)
    name = models.CharField(_("tên đơn vị"), max_length=200)
    short_name = models.CharField(_("tên viết tắt"), max_length=60, blank=True)
    name_since = models.DateField(_("dùng tên này từ ngày"))
    valid_from = models.DateField(_("hoạt động từ ngày"))
    valid_to = models.DateField(_("hoạt động đến ngày"), null=True, blank=True)
    successor = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="predecessors", verbose_name=_("đơn vị kế thừa"))
    decision = models.CharField(_("quyết định thành lập/thay đổi"), max_length=200, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=50, blank=True)
    search_text = models.CharField(max_length=400, editable=False, db_index=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["agency", "parent_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="unit_code_unique_in_agency"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="unit_validity_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.search_text = fold(f"{self.name} {self.short_name} {self.code}")
        super().save(*args, **kwargs)

    def is_active(self, day: dt.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def name_on(self, day: dt.date) -> str:
        """The name the unit had on ``day`` (reports on old periods use the old names)."""
        if day >= self.name_since:
            return self.name
        for old in self.former_names.all():
            if old.valid_from <= day <= old.valid_to:
                return old.name
        return self.name


class UnitName(models.Model):
    """A former name of a unit, with the period it was used."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="former_names")
    name = models.CharField(_("tên cũ"), max_length=200)
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"))
    decision = models.CharField(_("quyết định đổi tên"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("tên cũ của đơn vị")
        verbose_name_plural = _("tên cũ của đơn vị")
        ordering = ["-valid_to"]

    def __str__(self) -> str:
        return f"{self.name} ({self.valid_from:%d/%m/%Y}–{self.valid_to:%d/%m/%Y})"


class User(AbstractUser):
    """A staff member (cán bộ, công chức, viên chức) who signs in to motcua."""

    full_name = models.CharField(_("họ và tên"), max_length=150)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    search_text = models.CharField(max_length=400, editable=False, db_index=True)

    REQUIRED_FIELDS = ["email", "full_name"]

    class Meta:
        verbose_name = _("cán bộ")
        verbose_name_plural = _("cán bộ")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.display_name()

    def display_name(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.display_name()

    def get_short_name(self) -> str:
        return self.full_name.rsplit(" ", 1)[-1] if self.full_name else self.username

    def save(self, *args, **kwargs) -> None:
        self.search_text = fold(f"{self.full_name} {self.username} {self.email}")
        super().save(*args, **kwargs)


class Role(models.TextChoices):
    DESK_OFFICER = "desk_officer", _("Cán bộ một cửa")
    SPECIALIST = "specialist", _("Chuyên viên")
    UNIT_HEAD = "unit_head", _("Lãnh đạo phòng/đơn vị")
    AGENCY_LEADER = "agency_leader", _("Lãnh đạo cơ quan")
    REFORM_OFFICER = "reform_officer", _("Cán bộ cải cách hành chính")
    ADMINISTRATOR = "administrator", _("Quản trị hệ thống")


AGENCY_WIDE_ROLES = frozenset({Role.AGENCY_LEADER, Role.REFORM_OFFICER, Role.ADMINISTRATOR})


class PositionQuerySet(models.QuerySet):
    def active_on(self, day: dt.date | None = None) -> PositionQuerySet:
        day = day or timezone.localdate()
        return self.filter(Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gte=day))


class Position(models.Model):
    """A staff member's role in a unit for a period (a person may hold several)."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="positions",
                             verbose_name=_("cán bộ"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="positions",
                             verbose_name=_("đơn vị"))
    role = models.CharField(_("vai trò"), max_length=30, choices=Role.choices)
    title = models.CharField(_("chức danh"), max_length=100, blank=True,
                             help_text=_("Ví dụ: Trưởng phòng, Phó Giám đốc, Chuyên viên"))
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)

    objects = PositionQuerySet.as_manager()

    class Meta:
        verbose_name = _("vị trí công tác")
        verbose_name_plural = _("vị trí công tác")
        ordering = ["user", "-valid_from"]
        indexes = [models.Index(fields=["unit", "role"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="position_validity_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}, {self.unit}"

    def is_active(self, day: dt.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)
