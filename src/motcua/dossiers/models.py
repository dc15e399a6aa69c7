"""Dossiers (hồ sơ thủ tục hành chính): what the applicant filed, the steps it goes through, and
every event that happened to it.

The events are the history; ``Dossier`` and ``DossierStep`` hold the current state they lead to
(rebuildable with :func:`motcua.dossiers.history.replay`). Every write goes through
:mod:`motcua.dossiers.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Procedure, ProcedureVersion, ProcessStep, RequiredDocument
from motcua.org.models import Agency, Unit
from motcua.worktime.models import TrackedDeadline


class Channel(models.TextChoices):
    DIRECT = "direct", _("Trực tiếp")
    POST = "post", _("Qua bưu chính")
    ONLINE = "online", _("Trực tuyến")


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("Cá nhân")
    ORGANISATION = "organisation", _("Tổ chức")


class ReturnMethod(models.TextChoices):
    DESK = "desk", _("Nhận tại Bộ phận Một cửa")
    POST = "post", _("Nhận qua bưu chính công ích")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Chờ tiếp nhận")
    INCOMPLETE = "incomplete", _("Đã hướng dẫn bổ sung khi tiếp nhận")
    REFUSED = "refused", _("Từ chối tiếp nhận")
    PROCESSING = "processing", _("Đang giải quyết")
    AWAITING_SUPPLEMENT = "awaiting_supplement", _("Chờ bổ sung hồ sơ")
    PAUSED = "paused", _("Tạm dừng chờ thực hiện nghĩa vụ tài chính")
    READY = "ready", _("Có kết quả, chờ trả")
    RETURNED = "returned", _("Đã trả kết quả")
    WITHDRAWN = "withdrawn", _("Dừng giải quyết (rút hồ sơ)")
    CANCELLED = "cancelled", _("Đã hủy (tiếp nhận nhầm)")


#: A dossier in one of these states has a running (or paused) clock and no result yet.
OPEN_STATUSES = (Status.PROCESSING, Status.AWAITING_SUPPLEMENT, Status.PAUSED)
#: The states a dossier is in while it is in some work queue.
QUEUE_STATUSES = (Status.SUBMITTED, Status.INCOMPLETE, *OPEN_STATUSES, Status.READY)
#: The applicant-side clock is stopped in these states.
PAUSED_STATUSES = (Status.AWAITING_SUPPLEMENT, Status.PAUSED)
#: Nothing more can happen to a dossier in these states.
FINAL_STATUSES = (Status.REFUSED, Status.RETURNED, Status.WITHDRAWN, Status.CANCELLED)


class Outcome(models.TextChoices):
    GRANTED = "granted", _("Giải quyết (chấp thuận)")
    REJECTED = "rejected", _("Không giải quyết (có văn bản trả lời)")


class Timeliness(models.TextChoices):
    """See ``docs/definitions.md``: compared with the due moment without extensions."""

    EARLY = "early", _("Trước hạn")
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Quá hạn")


class Applicant(models.Model):
    """A person or organisation who files dossiers with the agency, found again by ID number
    (số định danh cá nhân) or tax code (mã số thuế / mã số doanh nghiệp)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="applicants")
    kind = models.CharField(_("loại"), max_length=20, choices=ApplicantKind.choices)
    id_number = models.CharField(_("số định danh / mã số thuế"), max_length=20)
    name = models.CharField(_("họ tên / tên tổ chức"), max_length=300)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("người nộp hồ sơ")
        verbose_name_plural = _("người nộp hồ sơ")
        constraints = [models.UniqueConstraint(fields=["agency", "id_number"],
                                               name="applicant_id_unique_in_agency")]

    def __str__(self) -> str:
        return f"{self.name} ({self.id_number})"


class DossierCounter(models.Model):
    """The last sequence number given on a day of receipt: numbers only grow, so a code is
    never reused (a cancelled dossier keeps its code)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="one_counter_per_day")]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y}: {self.last}"


class Dossier(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="dossiers")
    code = models.CharField(_("mã hồ sơ"), max_length=40, null=True, blank=True, unique=True)
    code_format = models.CharField(max_length=20, blank=True)
    channel = models.CharField(_("kênh nộp"), max_length=10, choices=Channel.choices)
    status = models.CharField(_("trạng thái"), max_length=30, choices=Status.choices)
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="dossiers",
                                  verbose_name=_("thủ tục"))
    version = models.ForeignKey(ProcedureVersion, on_delete=models.PROTECT, related_name="dossiers")
    # The applicant as stated on this dossier (the forms print what was filed, even if the
    # applicant's details change later).
    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="dossiers")
    applicant_kind = models.CharField(_("loại người nộp"), max_length=20, choices=ApplicantKind.choices)
    applicant_name = models.CharField(_("người nộp"), max_length=300)
    applicant_id_number = models.CharField(_("số định danh / mã số thuế"), max_length=20)
    applicant_phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    request = models.CharField(_("nội dung yêu cầu giải quyết"), max_length=1000)
    sets = models.PositiveSmallIntegerField(_("số bộ hồ sơ"), default=1)
    return_method = models.CharField(_("hình thức nhận kết quả"), max_length=10,
                                     choices=ReturnMethod.choices, default=ReturnMethod.DESK)
    return_address = models.CharField(_("địa chỉ nhận kết quả qua bưu chính"), max_length=300, blank=True)
    receiving_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("nơi tiếp nhận"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                    related_name="+", verbose_name=_("người tiếp nhận"))
    secret = models.CharField(_("mã tra cứu"), max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    received_at = models.DateTimeField(_("tiếp nhận lúc"), null=True, blank=True)
    reception_note = models.TextField(_("nội dung hướng dẫn / lý do từ chối"), blank=True)
    # The clock: a tracked deadline (events are the truth), with its due moments cached here
    # for the work queues.
    deadline = models.OneToOneField(TrackedDeadline, on_delete=models.PROTECT, null=True,
                                    related_name="+")
    due_at = models.DateTimeField(_("hẹn trả kết quả"), null=True, blank=True)
    original_due_at = models.DateTimeField(_("hạn giải quyết theo quy định"), null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    supplements_requested = models.PositiveSmallIntegerField(default=0)
    apologized = models.BooleanField(_("đã xin lỗi, hẹn lại"), default=False)
    current_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("đơn vị đang xử lý"))
    outcome = models.CharField(_("kết quả giải quyết"), max_length=10, choices=Outcome.choices,
                               blank=True)
    outcome_note = models.TextField(_("ghi chú kết quả / lý do không giải quyết"), blank=True)
    resolved_at = models.DateTimeField(_("có kết quả lúc"), null=True, blank=True)
    timeliness = models.CharField(_("tiến độ"), max_length=10, choices=Timeliness.choices, blank=True)
    returned_at = models.DateTimeField(_("trả kết quả lúc"), null=True, blank=True)
    returned_to = models.CharField(_("người nhận kết quả"), max_length=200, blank=True)
    return_tracking = models.CharField(_("số hiệu bưu gửi"), max_length=60, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    lock_version = models.PositiveIntegerField(default=0)
    last_seq = models.PositiveIntegerField(default=0)
    #: Code, applicant, ID number, phone and procedure code without diacritics, for the queues'
    #: search (a substring search: an ordinary index would not serve it).
    search_text = models.CharField(max_length=600, editable=False)

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        indexes = [
            models.Index(fields=["agency", "status", "due_at"], name="dossier_queue"),
            models.Index(fields=["agency", "received_at"], name="dossier_by_receipt"),
            models.Index(fields=["agency", "resolved_at"], name="dossier_by_resolution"),
            models.Index(fields=["current_unit", "status"], name="dossier_by_unit"),
            models.Index(fields=["applicant_id_number"], name="dossier_by_applicant_id"),
            # The work queues at province scale list a few thousand dossiers of a million: these
            # hold just those, in each queue's order, with the agency that scopes them.
            models.Index(fields=["status", "due_at", "id", "agency"], name="dossier_in_queue",
                         condition=Q(status__in=[*QUEUE_STATUSES])),
            models.Index(fields=["id", "agency"], name="dossier_at_reception",
                         condition=Q(status__in=[Status.SUBMITTED, Status.INCOMPLETE])),
            models.Index(fields=["resolved_at", "id", "agency"], name="dossier_to_return",
                         condition=Q(status=Status.READY)),
        ]

    def __str__(self) -> str:
        return self.code or _("Hồ sơ chưa có mã #%(pk)s") % {"pk": self.pk}

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class StepStatus(models.TextChoices):
    ACTIVE = "active", _("Đang xử lý")
    DONE = "done", _("Đã xong")
    SENT_BACK = "sent_back", _("Bị trả lại")
    CLOSED = "closed", _("Dừng")


class DossierStep(models.Model):
    """One step of the internal process as this dossier lives it. A step that is sent back and
    done again gets a new row: the process-control slip shows both."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="steps")
    process_step = models.ForeignKey(ProcessStep, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(_("bước"), max_length=300)
    kind = models.CharField(max_length=20)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="dossier_steps",
                             verbose_name=_("đơn vị xử lý"))
    role = models.CharField(max_length=30, blank=True)
    external_agency = models.CharField(_("cơ quan phối hợp"), max_length=300, blank=True)
    parallel_group = models.CharField(max_length=20, blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="dossier_steps", verbose_name=_("cán bộ xử lý"))
    allotted_minutes = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=StepStatus.choices, default=StepStatus.ACTIVE)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField(_("hạn của bước"))
    finished_at = models.DateTimeField(null=True, blank=True)
    finished_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+")
    timeliness = models.CharField(max_length=10, choices=Timeliness.choices, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("bước xử lý hồ sơ")
        verbose_name_plural = _("bước xử lý hồ sơ")
        ordering = ["dossier", "started_at", "id"]
        indexes = [
            models.Index(fields=["unit", "due_at"], condition=Q(status="active"),
                         name="active_step_by_unit"),
            models.Index(fields=["assignee", "due_at"], condition=Q(status="active"),
                         name="active_step_by_assignee"),
            # Whether one of a dossier's active steps is the viewer's (the queues), and whether
            # a dossier passed through a unit the viewer sees, from the indexes alone.
            models.Index(fields=["dossier", "unit", "assignee", "role", "kind"], condition=Q(status="active"),
                         name="active_step_by_dossier"),
            models.Index(fields=["dossier", "unit"], name="step_by_dossier_and_unit"),
        ]

    def __str__(self) -> str:
        return self.name


class ReceivedDocument(models.Model):
    """A document of the procedure's list that the desk received (form 01's list)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="received_documents")
    required_document = models.ForeignKey(RequiredDocument, on_delete=models.PROTECT, null=True,
                                          blank=True, related_name="+")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(_("tên giấy tờ"), max_length=500)
    originals = models.PositiveSmallIntegerField(_("bản chính"), default=0)
    copies = models.PositiveSmallIntegerField(_("bản sao"), default=0)
    at_supplement = models.BooleanField(_("nộp bổ sung"), default=False)

    class Meta:
        ordering = ["dossier", "at_supplement", "position"]

    def __str__(self) -> str:
        return self.name


class FileKind(models.TextChoices):
    SCAN = "scan", _("Bản quét giấy tờ")
    SUPPLEMENT = "supplement", _("Giấy tờ bổ sung")
    RESULT = "result", _("Kết quả giải quyết")
    OTHER = "other", _("Tệp khác")


class DossierFile(models.Model):
    """An attached file: a scan of a received document, a supplement, the result."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="files")
    document = models.ForeignKey(ReceivedDocument, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="files")
    kind = models.CharField(max_length=12, choices=FileKind.choices)
    file = models.FileField(upload_to="dossiers/%Y/%m/")
    filename = models.CharField(_("tên tệp"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["dossier", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.filename


class Action(models.TextChoices):
    """What can happen to a dossier; each is one service and one event kind."""

    SUBMIT = "submit", _("Nộp trực tuyến")
    REQUEST_COMPLETION = "request_completion", _("Hướng dẫn bổ sung khi tiếp nhận")
    REFUSE = "refuse", _("Từ chối tiếp nhận")
    ACCEPT = "accept", _("Tiếp nhận")
    ASSIGN = "assign", _("Phân công")
    FORWARD = "forward", _("Chuyển bước tiếp theo")
    SEND_BACK = "send_back", _("Trả lại bước trước")
    REQUEST_SUPPLEMENT = "request_supplement", _("Yêu cầu bổ sung hồ sơ")
    RECEIVE_SUPPLEMENT = "receive_supplement", _("Nhận hồ sơ bổ sung")
    PAUSE = "pause", _("Tạm dừng (nghĩa vụ tài chính)")
    RESUME = "resume", _("Tiếp tục giải quyết")
    APOLOGIZE = "apologize", _("Xin lỗi, hẹn lại ngày trả")
    APPROVE = "approve", _("Phê duyệt")
    REJECT = "reject", _("Không giải quyết (trả lời bằng văn bản)")
    RETURN = "return", _("Trả kết quả")
    WITHDRAW = "withdraw", _("Dừng giải quyết theo yêu cầu")
    CANCEL = "cancel", _("Hủy hồ sơ tiếp nhận nhầm")
    ATTACH = "attach", _("Đính kèm tệp")


class DossierEvent(models.Model):
    """One thing that happened to a dossier. ``seq`` numbers a dossier's events 1, 2, 3 … and
    is unique, so two officers can never both write the "next" event. An event with a
    ``to_unit`` is a hand-over: a row of the process-control slip."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    at = models.DateTimeField(_("thời điểm"))
    action = models.CharField(_("hành động"), max_length=30, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              related_name="+")
    actor_name = models.CharField(max_length=200)
    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30)
    step = models.ForeignKey(DossierStep, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="events")
    from_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    to_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+")
    note = models.TextField(blank=True)
    #: what the event changed: opened/closed step ids, due moments, codes, etc.
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["dossier", "seq"]
        constraints = [models.UniqueConstraint(fields=["dossier", "seq"], name="one_event_per_seq")]

    def __str__(self) -> str:
        return f"{self.dossier} #{self.seq} {self.action}"


class IdempotencyKey(models.Model):
    """An API client's ``Idempotency-Key``: a retried request finds the dossier it made."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique")]

    def __str__(self) -> str:
        return self.key
