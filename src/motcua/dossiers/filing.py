"""What an applicant files, checked before anything is written: the applicant's details, the
procedure, the documents handed in and how the result is to be returned. Every problem is
reported at once, in Vietnamese, against the field it belongs to."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure, ProcedureVersion, RequiredDocument
from motcua.catalog.models import Status as ProcedureStatus
from motcua.dossiers.models import ApplicantKind, Channel, ReturnMethod
from motcua.org.models import Agency

PERSON_ID = re.compile(r"^(\d{12}|\d{9}|[A-Z][A-Z0-9]{5,11})$")  # personal ID; old ID card; passport
TAX_CODE = re.compile(r"^\d{10}(-\d{3})?$")
PHONE = re.compile(r"^(0|\+84)\d{8,10}$")


def _clean(text: str | None, limit: int) -> str:
    return " ".join((text or "").split())[:limit + 1]


@dataclass
class ApplicantData:
    name: str
    id_number: str
    kind: str = ApplicantKind.PERSON
    phone: str = ""
    email: str = ""
    address: str = ""

    def cleaned(self) -> ApplicantData:
        return ApplicantData(
            name=_clean(self.name, 300), id_number=re.sub(r"[\s.]", "", self.id_number or "").upper(),
            kind=self.kind, phone=re.sub(r"[\s.\-()]", "", self.phone or ""),
            email=(self.email or "").strip().lower(), address=_clean(self.address, 300),
        )


@dataclass
class Filing:
    """A dossier as handed in at the desk (or by post, or online)."""

    procedure: Procedure
    channel: str
    applicant: ApplicantData
    documents_received: list[int] = field(default_factory=list)
    request: str = ""
    sets: int = 1
    return_method: str = ReturnMethod.DESK
    return_address: str = ""


def applicant_problems(data: ApplicantData) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}

    def add(where: str, message: str) -> None:
        problems.setdefault(f"applicant.{where}", []).append(message)

    if data.kind not in ApplicantKind.values:
        add("kind", _("Người nộp phải là cá nhân hoặc tổ chức."))
    if not data.name:
        add("name", _("Hãy nhập họ tên người nộp hoặc tên tổ chức."))
    elif len(data.name) > 300:
        add("name", _("Tên dài quá 300 ký tự."))
    if data.kind == ApplicantKind.ORGANISATION:
        if not TAX_CODE.match(data.id_number):
            add("id_number", _("Mã số thuế (mã số doanh nghiệp) gồm 10 chữ số, hoặc 10 chữ số, "
                               "dấu gạch ngang và 3 chữ số của đơn vị phụ thuộc."))
    elif not PERSON_ID.match(data.id_number):
        add("id_number", _("Số định danh cá nhân gồm 12 chữ số (hoặc số hộ chiếu đối với người "
                           "nước ngoài)."))
    if data.phone and not PHONE.match(data.phone):
        add("phone", _("Số điện thoại không hợp lệ (ví dụ 0912345678)."))
    if data.email:
        try:
            validate_email(data.email)
        except ValidationError:
            add("email", _("Địa chỉ thư điện tử không hợp lệ."))
    if len(data.address) > 300:
        add("address", _("Địa chỉ dài quá 300 ký tự."))
    return problems


@lru_cache(maxsize=512)
def _required_documents(version_id: int, *moments: object) -> tuple[RequiredDocument, ...]:
    # A published version is frozen: its list is remembered for the process's life (the key has
    # its moments too, as in :func:`motcua.dossiers.process.stages`).
    return tuple(RequiredDocument.objects.filter(version_id=version_id).order_by("position", "id"))


def required_documents(version: ProcedureVersion) -> tuple[RequiredDocument, ...]:
    """The documents a published version's dossier consists of, in the order of its list."""
    return _required_documents(version.pk, version.created_at, version.published_at)


def check_procedure(agency: Agency, procedure: Procedure) -> ProcedureVersion:
    """The version a dossier received today follows: the procedure's published one, if the
    procedure is in force at this agency."""
    if procedure.agency_id != agency.pk or procedure.current_id is None:
        raise ValidationError({"procedure": _("Không tìm thấy thủ tục này trong danh mục của cơ quan.")})
    if procedure.status != ProcedureStatus.IN_FORCE:
        raise ValidationError({"procedure": _(
            "Thủ tục “%(name)s” đang ở trạng thái “%(status)s”, không tiếp nhận hồ sơ mới.") % {
            "name": procedure.name, "status": procedure.get_status_display()}})
    return procedure.current


def check_filing(filing: Filing, version: ProcedureVersion, *, complete: bool) -> dict[str, list[str]]:
    """Every problem with ``filing``. With ``complete`` the dossier is being accepted, so every
    mandatory document of the procedure's list must be among those received."""
    problems = applicant_problems(filing.applicant)
    if filing.channel not in Channel.values:
        problems["channel"] = [_("Kênh nộp phải là trực tiếp, bưu chính hoặc trực tuyến.")]
    documents = {d.pk: d for d in required_documents(version)}
    unknown = [i for i in filing.documents_received if i not in documents]
    if unknown:
        problems["documents_received"] = [_(
            "Giấy tờ mã %(ids)s không thuộc thành phần hồ sơ của thủ tục này.") % {
            "ids": ", ".join(str(i) for i in unknown)}]
    elif complete:
        missing = [d for d in documents.values() if d.mandatory and d.pk not in filing.documents_received]
        if missing:
            problems["documents_received"] = [_("Thiếu giấy tờ bắt buộc: %(names)s.") % {
                "names": "; ".join(f"{d.name} (mã {d.pk})"
                                   for d in sorted(missing, key=lambda d: d.position))}]
    if not 1 <= filing.sets <= 20:
        problems["sets"] = [_("Số bộ hồ sơ từ 1 đến 20.")]
    if len(filing.request) > 1000:
        problems["request"] = [_("Nội dung yêu cầu dài quá 1000 ký tự.")]
    if filing.return_method not in ReturnMethod.values:
        problems["return_method"] = [
            _("Hình thức nhận kết quả phải là tại Bộ phận Một cửa hoặc qua bưu chính.")]
    elif filing.return_method == ReturnMethod.POST:
        if not version.post_return:
            problems["return_method"] = [_("Thủ tục này không trả kết quả qua bưu chính.")]
        elif not filing.return_address.strip():
            problems["return_address"] = [_("Hãy ghi địa chỉ nhận kết quả qua bưu chính.")]
    return problems


def raise_problems(problems: dict[str, list[str]]) -> None:
    if problems:
        raise ValidationError(problems)
