"""Procedures, their versions and what each version contains.

A :class:`Procedure` is the agency's entry for one national procedure code. Its content lives in
:class:`ProcedureVersion` rows: a version is edited while it is a **draft** and is frozen once it
is **published**; publishing a new version supersedes the previous one, which stays in the
database unchanged, so a dossier keeps the version it was received under. The procedure row
caches the current version's name, field, level and search text for listing and search.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.org.models import Agency, Role, Unit
from motcua.worktime.amount import WorkAmount


class Field(models.Model):
    """A field of administrative procedures (lĩnh vực), e.g. Đất đai, Môi trường."""

    code = models.SlugField(_("mã lĩnh vực"), max_length=40, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=120, unique=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Level(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    COMMUNE = "commune", _("Cấp xã")


class OnlineLevel(models.TextChoices):
    FULL = "full", _("Toàn trình")
    PARTIAL = "partial", _("Một phần")
    NONE = "none", _("Không trực tuyến")


class Status(models.TextChoices):
    IN_FORCE = "in_force", _("Đang áp dụng")
    SUSPENDED = "suspended", _("Tạm ngừng")
    REPEALED = "repealed", _("Đã bãi bỏ")


class ResultKind(models.TextChoices):
    CERTIFICATE = "certificate", _("Giấy chứng nhận")
    LICENCE = "licence", _("Giấy phép")
    DECISION = "decision", _("Quyết định")
    APPROVAL = "approval", _("Văn bản chấp thuận, phê duyệt")
    CONFIRMATION = "confirmation", _("Văn bản xác nhận")
    INFORMATION = "information", _("Thông tin, dữ liệu")
    OTHER = "other", _("Khác")


class TimeUnit(models.TextChoices):
    DAY = "day", _("ngày làm việc")
    HALF_DAY = "half_day", _("nửa ngày làm việc")
    HOUR = "hour", _("giờ làm việc")


class StepKind(models.TextChoices):
    RECEIVE = "receive", _("Tiếp nhận hồ sơ")
    ASSIGN = "assign", _("Phân công")
    APPRAISE = "appraise", _("Thẩm định, xử lý")
    FIELD_INSPECTION = "field_inspection", _("Kiểm tra thực địa")
    CONSULT = "consult", _("Lấy ý kiến, liên thông")
    REVIEW = "review", _("Xem xét, trình ký")
    APPROVE = "approve", _("Phê duyệt, ký")
    RETURN = "return", _("Trả kết quả")
    OTHER = "other", _("Khác")


def work_amount(value, unit: str) -> WorkAmount:
    """A stored (value, unit) pair as a :class:`WorkAmount` (half days are half working days)."""
    if unit == TimeUnit.HALF_DAY:
        return WorkAmount.half_days(value)
    return WorkAmount.of(value, unit)


class ProcedureQuerySet(models.QuerySet):
    def published(self) -> ProcedureQuerySet:
        """Procedures the public may see: with a published version and not repealed."""
        return self.filter(current__isnull=False).exclude(status=Status.REPEALED)


class Procedure(models.Model):
    """One administrative procedure as this agency handles it."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="procedures",
                               verbose_name=_("cơ quan"))
    national_code = models.CharField(
        _("mã thủ tục"), max_length=40,
        help_text=_("Mã trên Cơ sở dữ liệu quốc gia về thủ tục hành chính, ví dụ 1.004227"))
    current = models.OneToOneField("ProcedureVersion", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("phiên bản đang áp dụng"))
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices,
                              default=Status.IN_FORCE)
    status_since = models.DateField(_("từ ngày"), null=True, blank=True)
    status_note = models.CharField(_("căn cứ, ghi chú"), max_length=300, blank=True)
    # The current version's listing data, cached when a version is published.
    name = models.CharField(_("tên thủ tục"), max_length=500, blank=True)
    field = models.ForeignKey(Field, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="procedures", verbose_name=_("lĩnh vực"))
    level = models.CharField(_("cấp thực hiện"), max_length=20, choices=Level.choices, blank=True)
    online_level = models.CharField(_("dịch vụ công trực tuyến"), max_length=20,
                                    choices=OnlineLevel.choices, blank=True)
    search_text = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["field__position", "national_code"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "national_code"],
                                    name="procedure_code_unique_in_agency"),
        ]
        indexes = [models.Index(fields=["agency", "field", "level"])]

    def __str__(self) -> str:
        return f"{self.national_code} {self.name}".strip()


class VersionQuerySet(models.QuerySet):
    def drafts(self) -> VersionQuerySet:
        return self.filter(published_at__isnull=True)


class ProcedureVersion(models.Model):
    """The content of a procedure as published at one time. Frozen once published."""

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="versions",
                                  verbose_name=_("thủ tục"))
    number = models.PositiveIntegerField(_("phiên bản"))
    published_at = models.DateTimeField(_("ban hành lúc"), null=True, blank=True)
    effective_from = models.DateField(_("áp dụng từ ngày"), null=True, blank=True)
    decision = models.CharField(_("quyết định công bố"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    name = models.CharField(_("tên thủ tục"), max_length=500)
    field = models.ForeignKey(Field, on_delete=models.PROTECT, related_name="+", verbose_name=_("lĩnh vực"))
    level = models.CharField(_("cấp thực hiện"), max_length=20, choices=Level.choices)
    implementing_agency = models.CharField(_("cơ quan thực hiện"), max_length=300, blank=True)
    deciding_authority = models.CharField(_("cơ quan có thẩm quyền quyết định"), max_length=300, blank=True)
    receiving_desk = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+", verbose_name=_("nơi tiếp nhận"))
    time_limit_value = models.DecimalField(_("thời hạn giải quyết"), max_digits=7, decimal_places=2)
    time_limit_unit = models.CharField(_("đơn vị thời hạn"), max_length=10, choices=TimeUnit.choices,
                                       default=TimeUnit.DAY)
    time_limit_note = models.TextField(_("ghi chú về thời hạn"), blank=True)
    counting_rule = models.CharField(_("cách tính thời hạn"), max_length=80, default="working_days")
    fee_note = models.TextField(_("ghi chú về phí, lệ phí"), blank=True)
    eligibility = models.TextField(_("yêu cầu, điều kiện thực hiện"), blank=True)
    result_kind = models.CharField(_("loại kết quả"), max_length=20, choices=ResultKind.choices)
    result = models.CharField(_("kết quả thực hiện"), max_length=500)
    legal_basis = models.JSONField(_("căn cứ pháp lý"), default=list)
    sequence = models.TextField(_("trình tự thực hiện"), blank=True)
    online_level = models.CharField(_("dịch vụ công trực tuyến"), max_length=20, choices=OnlineLevel.choices)
    post_return = models.BooleanField(_("trả kết quả qua bưu chính"), default=False)
    keywords = models.JSONField(_("từ khóa, tên gọi khác"), default=list)

    objects = VersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="version_number_unique"),
            models.UniqueConstraint(fields=["procedure"], condition=Q(published_at__isnull=True),
                                    name="one_draft_per_procedure"),
            models.CheckConstraint(condition=Q(time_limit_value__gte=0), name="time_limit_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.national_code} v{self.number}"

    @property
    def is_draft(self) -> bool:
        return self.published_at is None

    @property
    def time_limit(self) -> WorkAmount:
        return work_amount(self.time_limit_value, self.time_limit_unit)


class FormTemplate(models.Model):
    """A downloadable template form (tờ khai, mẫu đơn), stored in the database with the catalogue
    so that it is saved, backed up and exported together with the procedure. Never changed:
    a new file is a new row, shared by the versions that use it."""

    filename = models.CharField(_("tên tệp"), max_length=200)
    content_type = models.CharField(max_length=100)
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mẫu đơn, tờ khai")
        verbose_name_plural = _("mẫu đơn, tờ khai")

    def __str__(self) -> str:
        return self.filename


class RequiredDocument(models.Model):
    """One document of the dossier (thành phần hồ sơ)."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="documents")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(_("tên giấy tờ"), max_length=500)
    originals = models.PositiveSmallIntegerField(_("số bản chính"), default=1)
    copies = models.PositiveSmallIntegerField(_("số bản sao"), default=0)
    mandatory = models.BooleanField(_("bắt buộc"), default=True)
    file_types = models.JSONField(_("loại tệp chấp nhận"), default=list)
    template = models.ForeignKey(FormTemplate, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="documents", verbose_name=_("mẫu đơn, tờ khai"))
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return self.name


class Fee(models.Model):
    """A fee or charge (phí, lệ phí) in Vietnamese đồng."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="fees")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(_("tên phí, lệ phí"), max_length=300)
    amount = models.BigIntegerField(_("mức thu (đồng)"))
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")
        ordering = ["version", "position"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="fee_not_negative")]

    def __str__(self) -> str:
        return self.name


class ProcessStep(models.Model):
    """A step of the internal process (quy trình nội bộ) with its allotted working time.

    Adjacent steps with the same ``parallel_group`` run at the same time (e.g. consultations);
    ``optional`` steps (e.g. a field inspection) happen only when needed but are budgeted.
    """

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(_("tên bước"), max_length=300)
    kind = models.CharField(_("loại bước"), max_length=20, choices=StepKind.choices)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("đơn vị thực hiện"))
    role = models.CharField(_("vai trò"), max_length=30, choices=Role.choices, blank=True)
    allotted_value = models.DecimalField(_("thời gian"), max_digits=7, decimal_places=2)
    allotted_unit = models.CharField(_("đơn vị thời gian"), max_length=10, choices=TimeUnit.choices,
                                     default=TimeUnit.DAY)
    optional = models.BooleanField(_("chỉ khi cần"), default=False)
    parallel_group = models.CharField(_("nhóm song song"), max_length=20, blank=True)
    external_agency = models.CharField(_("cơ quan phối hợp (liên thông)"), max_length=300, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("bước xử lý")
        ordering = ["version", "position"]
        constraints = [
            models.CheckConstraint(condition=Q(allotted_value__gte=0), name="allotted_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def allotted(self) -> WorkAmount:
        return work_amount(self.allotted_value, self.allotted_unit)
