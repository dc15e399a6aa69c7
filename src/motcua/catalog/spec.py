"""A procedure as plain data, and the one place that checks it.

Every way into the catalogue — the staff editor, the JSON and Excel imports, the demo data —
builds the same plain dictionary (the *catalogue format*, ``motcua.catalogue/1``) and hands it to
:func:`parse_procedure`, which checks every value and returns a :class:`ProcedureSpec` with the
references (field, units, templates) resolved, or reports every problem with where it is. Every
way out — the JSON and Excel exports, the API — starts from :func:`version_data`. So a procedure
exported and imported again is the same procedure.

The format of one procedure (all keys required in an export; an import may leave out optional
keys, which take the defaults shown)::

    {"code": "1.004227", "name": "…", "field": "dat-dai", "level": "province",
     "implementing_agency": "", "deciding_authority": "", "receiving_desk": "mot-cua",
     "time_limit": {"value": "10", "unit": "day"}, "time_limit_note": "",
     "counting_rule": "working_days",
     "fees": [{"name": "…", "amount": 100000, "note": ""}], "fee_note": "",
     "documents": [{"name": "…", "originals": 1, "copies": 0, "mandatory": true,
                    "file_types": ["pdf"], "note": "",
                    "template": null | {"filename": "…", "content_type": "…", "sha256": "…",
                                        "base64": "…" (optional when the sha256 is known)}}],
     "eligibility": "", "result_kind": "certificate", "result": "…", "legal_basis": ["…"],
     "sequence": "", "online_level": "partial", "post_return": false, "keywords": ["sổ đỏ"],
     "status": "in_force", "status_since": null, "status_note": "",
     "effective_from": null, "decision": "",
     "steps": [{"name": "…", "kind": "receive", "unit": "mot-cua", "role": "desk_officer",
                "allotted": {"value": "0.5", "unit": "day"}, "optional": false,
                "parallel_group": "", "external_agency": "", "note": ""}]}
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from motcua.catalog.models import (
    Field,
    FormTemplate,
    Level,
    OnlineLevel,
    ProcedureVersion,
    ResultKind,
    Status,
    StepKind,
    TimeUnit,
    work_amount,
)
from motcua.org.models import Agency, Role, Unit
from motcua.worktime import PRESETS, WorkAmount, get_counting_rule

FORMAT = "motcua.catalogue/1"
CODE = re.compile(r"^[0-9]{1,2}\.[0-9]{6}(?:\.[0-9A-Z]{1,6}){0,5}$")
FILE_TYPES = ("pdf", "jpg", "jpeg", "png", "doc", "docx", "xls", "xlsx", "odt", "ods", "xml", "zip")
DEFAULT_FILE_TYPES = ["pdf", "jpg", "png", "docx"]
TEMPLATE_TYPES = {"pdf": "application/pdf", "doc": "application/msword",
                  "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                  "xls": "application/vnd.ms-excel",
                  "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  "odt": "application/vnd.oasis.opendocument.text"}
TEMPLATE_MAX_BYTES = 5 * 1024 * 1024
MAX_AMOUNT = Decimal(1000)
MAX_LIST_ITEMS = 100
MAX_LIST_CHARS = 30_000  # a list travels in one Excel cell (at most 32,767 characters)

Locate = Callable[[tuple[str | int, ...]], str]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where (in words), what, and the place as a path of keys
    and indexes in the procedure's data (for a form to show it next to its field)."""

    where: str
    message: str
    path: tuple[str | int, ...] = field(default=(), compare=False)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class CatalogueInvalid(ValidationError):
    """The input has problems; nothing was saved. ``problems`` lists every one."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__([str(p) for p in problems])


@dataclass
class TemplateSpec:
    filename: str
    content_type: str
    sha256: str
    content: bytes | None = field(default=None, compare=False)  # None: an existing template
    existing: FormTemplate | None = field(default=None, compare=False)


@dataclass
class DocumentSpec:
    name: str
    originals: int = 1
    copies: int = 0
    mandatory: bool = True
    file_types: list[str] = field(default_factory=lambda: list(DEFAULT_FILE_TYPES))
    note: str = ""
    template: TemplateSpec | None = None


@dataclass
class FeeSpec:
    name: str
    amount: int
    note: str = ""


@dataclass
class StepSpec:
    name: str
    kind: str
    unit: Unit | None
    role: str
    allotted_value: Decimal
    allotted_unit: str
    optional: bool = False
    parallel_group: str = ""
    external_agency: str = ""
    note: str = ""

    @property
    def allotted(self) -> WorkAmount:
        return work_amount(self.allotted_value, self.allotted_unit)


@dataclass
class ProcedureSpec:
    code: str
    name: str
    field: Field
    level: str
    time_limit_value: Decimal
    time_limit_unit: str
    result_kind: str
    result: str
    online_level: str
    implementing_agency: str = ""
    deciding_authority: str = ""
    receiving_desk: Unit | None = None
    time_limit_note: str = ""
    counting_rule: str = "working_days"
    fees: list[FeeSpec] = field(default_factory=list)
    fee_note: str = ""
    documents: list[DocumentSpec] = field(default_factory=list)
    eligibility: str = ""
    legal_basis: list[str] = field(default_factory=list)
    sequence: str = ""
    post_return: bool = False
    keywords: list[str] = field(default_factory=list)
    status: str = Status.IN_FORCE
    status_since: dt.date | None = None
    status_note: str = ""
    effective_from: dt.date | None = None
    decision: str = ""
    steps: list[StepSpec] = field(default_factory=list)

    @property
    def time_limit(self) -> WorkAmount:
        return work_amount(self.time_limit_value, self.time_limit_unit)


# -- the internal process's time ---------------------------------------------------------------
def process_total(steps: Iterable[StepSpec | Any]) -> WorkAmount:
    """The working time the process needs from start to end: the steps one after another, except
    that adjacent steps of the same parallel group run together and count once, as the longest of
    them. Optional steps are counted (the process must fit the legal time when they happen)."""
    total = 0
    group, group_longest = "", 0
    for step in steps:
        minutes = step.allotted.minutes
        if step.parallel_group and step.parallel_group == group:
            group_longest = max(group_longest, minutes)
            continue
        total += group_longest
        group, group_longest = step.parallel_group, minutes
    return WorkAmount(total + group_longest)


def describe_amount(amount: WorkAmount) -> str:
    """“2,5 ngày làm việc”, “3 giờ làm việc” (days when whole half days, else hours)."""
    if amount.minutes % 240 == 0:
        number, unit = amount.in_unit("day"), _("ngày làm việc")
    else:
        number, unit = amount.in_unit("hour"), _("giờ làm việc")
    shown = f"{float(number):g}".replace(".", ",")
    return f"{shown} {unit}"


def process_overrun(spec: ProcedureSpec) -> WorkAmount | None:
    """By how much the internal process exceeds the legal time limit (``None`` when it fits)."""
    excess = process_total(spec.steps) - spec.time_limit
    return excess if excess.minutes > 0 else None


def content_matches(extension: str, content: bytes) -> bool:
    """Whether a file's content is what its extension says (a template is served to the public
    with the type its name gives)."""
    if extension == "pdf":
        return content.startswith(b"%PDF")
    if extension in ("doc", "xls"):
        return content.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")  # OLE2 compound file
    try:  # docx, xlsx, odt: zip packages
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, ValueError):
        return False
    if extension == "odt":
        return "mimetype" in names or "content.xml" in names
    return "[Content_Types].xml" in names


# -- parsing -----------------------------------------------------------------------------------
class _Reader:
    """Reads values out of one procedure's data, collecting problems instead of stopping."""

    def __init__(self, agency: Agency, locate: Locate) -> None:
        self.agency = agency
        self.locate = locate
        self.problems: list[Problem] = []

    def fail(self, path: tuple[str | int, ...], message: str) -> None:
        self.problems.append(Problem(self.locate(path), message, path))

    def text(self, data: dict, key: str, path: tuple, *, required: bool = False, max_length: int = 500,
             default: str = "") -> str:
        value = data.get(key, default)
        if value is None:
            value = ""
        if not isinstance(value, str):
            if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                value = str(value)
            else:
                self.fail((*path, key), _("Phải là chữ."))
                return ""
        value = value.replace("\r\n", "\n").replace("\r", "\n").strip()  # one kind of line break
        if "\x00" in value:
            self.fail((*path, key), _("Có ký tự không hợp lệ (ký tự rỗng)."))
            return ""
        if required and not value:
            self.fail((*path, key), _("Không được để trống."))
        elif len(value) > max_length:
            self.fail((*path, key), _("Dài quá %(limit)s ký tự.") % {"limit": max_length})
        return value

    def choice(self, data: dict, key: str, path: tuple, choices, default: str | None = None) -> str:
        value = data.get(key, default)
        if isinstance(value, str):
            value = value.strip()
        if value in choices.values:
            return value
        labels = {str(label).casefold(): code for code, label in choices.choices}
        if isinstance(value, str) and value.casefold() in labels:
            return labels[value.casefold()]
        allowed = ", ".join(f"{code} ({label})" for code, label in choices.choices)
        if value in (None, ""):
            self.fail((*path, key), _("Không được để trống; dùng một trong: %(allowed)s.")
                      % {"allowed": allowed})
        else:
            self.fail((*path, key), _("“%(value)s” không hợp lệ; dùng một trong: %(allowed)s.")
                      % {"value": value, "allowed": allowed})
        return ""

    def boolean(self, data: dict, key: str, path: tuple, default: bool) -> bool:
        value = data.get(key, default)
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().casefold() in {"có", "co", "x", "yes", "true", "1"}:
            return True
        if isinstance(value, str) and value.strip().casefold() in {"không", "khong", "", "no", "false", "0"}:
            return False
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        self.fail((*path, key), _("“%(value)s” không phải là Có/Không.") % {"value": value})
        return default

    def integer(self, data: dict, key: str, path: tuple, default: int, *, maximum: int) -> int:
        value = data.get(key, default)
        if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
            value = int(value)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            self.fail((*path, key), _("“%(value)s” không phải là số nguyên.") % {"value": value})
            return default
        if value < 0:
            self.fail((*path, key), _("Không được là số âm."))
        elif value > maximum:
            self.fail((*path, key), _("Không được lớn hơn %(limit)s.") % {"limit": maximum})
        return value

    def text_list(self, data: dict, key: str, path: tuple) -> list[str]:
        value = data.get(key, [])
        if isinstance(value, str):
            value = [line for line in re.split(r"\n|;", value)]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail((*path, key), _("Phải là danh sách các dòng chữ."))
            return []
        items = [" ".join(v.split()) for v in value if v.strip()]  # an item is one line
        for index, item in enumerate(items):
            if len(item) > 500:
                self.fail((*path, key, index), _("Dài quá %(limit)s ký tự.") % {"limit": 500})
            elif "\x00" in item:
                self.fail((*path, key, index), _("Có ký tự không hợp lệ (ký tự rỗng)."))
        if len(items) > MAX_LIST_ITEMS or sum(len(item) + 1 for item in items) > MAX_LIST_CHARS:
            self.fail((*path, key), _("Danh sách quá dài: tối đa %(items)s mục và %(chars)s ký tự (để vừa "
                                      "một ô Excel).") % {"items": MAX_LIST_ITEMS, "chars": MAX_LIST_CHARS})
        return items

    def date(self, data: dict, key: str, path: tuple) -> dt.date | None:
        value = data.get(key)
        if value in (None, ""):
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            text = value.strip()
            for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
                try:
                    return dt.datetime.strptime(text, pattern).date()
                except ValueError:
                    continue
        self.fail((*path, key), _("Ngày “%(value)s” không đúng dạng (ví dụ 2025-07-01 hoặc 01/07/2025).")
                  % {"value": value})
        return None

    def amount(self, data: dict, key: str, path: tuple) -> tuple[Decimal, str] | None:
        value = data.get(key)
        if not isinstance(value, dict):
            self.fail((*path, key), _("Thiếu thời gian (số và đơn vị: day, half_day hoặc hour)."))
            return None
        unit = self.choice(value, "unit", (*path, key), TimeUnit, default=TimeUnit.DAY)
        raw = value.get("value")
        try:
            number = Decimal(str(raw).strip().replace(",", ".")) if not isinstance(raw, bool) else None
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self.fail((*path, key), _("“%(value)s” không phải là một số (ví dụ 5 hoặc 0,5).")
                      % {"value": raw})
            return None
        if number < 0:
            self.fail((*path, key), _("Thời gian không được là số âm."))
            return None
        if number >= MAX_AMOUNT:
            self.fail((*path, key), _("Thời gian phải nhỏ hơn %(limit)s.") % {"limit": MAX_AMOUNT})
            return None
        if not unit:
            return None
        try:
            work_amount(number, unit)
        except ValueError:
            self.fail((*path, key), _("%(value)s %(unit)s không phải là một số nguyên phút làm việc "
                                      "(1 ngày làm việc = 8 giờ).")
                      % {"value": raw, "unit": TimeUnit(unit).label})
            return None
        if number != number.quantize(Decimal("0.01")):
            self.fail((*path, key), _("Ghi tối đa hai chữ số thập phân."))
            return None
        return number.normalize() if number == number.to_integral() else number, unit

    def unit(self, data: dict, key: str, path: tuple) -> Unit | None:
        code = self.text(data, key, path, max_length=30)
        if not code:
            return None
        unit = Unit.objects.filter(agency=self.agency, code=code).first()
        if unit is None:
            unit = Unit.objects.filter(agency=self.agency, name__iexact=code).first()
        if unit is None:
            self.fail((*path, key), _("Không có đơn vị có mã “%(code)s” trong cơ quan.") % {"code": code})
        elif not unit.is_active():
            self.fail((*path, key), _("Đơn vị “%(name)s” đã ngừng hoạt động.") % {"name": unit.name})
        return unit

    def field(self, data: dict, key: str, path: tuple) -> Field | None:
        value = self.text(data, key, path, required=True, max_length=120)
        if not value:
            return None
        found = Field.objects.filter(code=value).first() or Field.objects.filter(name__iexact=value).first()
        if found is None:
            known = ", ".join(Field.objects.values_list("code", flat=True))
            self.fail((*path, key), _("Không có lĩnh vực “%(value)s”; các lĩnh vực: %(known)s.")
                      % {"value": value, "known": known})
        return found

    def template(self, data: dict, path: tuple) -> TemplateSpec | None:
        value = data.get("template")
        if value in (None, "", {}):
            return None
        where = (*path, "template")
        if not isinstance(value, dict):
            self.fail(where, _("Mẫu đơn phải có tên tệp và nội dung."))
            return None
        filename = str(value.get("filename") or "").strip()
        extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        if len(filename) > 200 or "\x00" in filename:
            self.fail(where, _("Tên tệp mẫu dài quá 200 ký tự hoặc có ký tự không hợp lệ."))
            return None
        if extension not in TEMPLATE_TYPES:
            self.fail(where, _("Tệp mẫu “%(name)s” phải là %(types)s.")
                      % {"name": filename, "types": ", ".join(TEMPLATE_TYPES)})
            return None
        content: bytes | None = None
        if value.get("base64"):
            try:
                content = base64.b64decode(str(value["base64"]), validate=True)
            except (binascii.Error, ValueError):
                self.fail(where, _("Nội dung tệp mẫu “%(name)s” không phải base64 hợp lệ.")
                          % {"name": filename})
                return None
            if len(content) > TEMPLATE_MAX_BYTES:
                self.fail(where, _("Tệp mẫu “%(name)s” lớn quá 5 MB.") % {"name": filename})
                return None
            if not content_matches(extension, content):
                self.fail(where, _("Nội dung tệp “%(name)s” không phải là tệp %(ext)s hợp lệ.")
                          % {"name": filename, "ext": extension})
                return None
            digest = hashlib.sha256(content).hexdigest()
            if value.get("sha256") and value["sha256"] != digest:
                self.fail(where, _("Tệp mẫu “%(name)s” bị hỏng: mã kiểm tra không khớp.")
                          % {"name": filename})
                return None
            return TemplateSpec(filename, TEMPLATE_TYPES[extension], digest, content)
        digest = str(value.get("sha256") or "")
        same = FormTemplate.objects.filter(sha256=digest)
        existing = (same.filter(filename=filename).first() or same.first()) if digest else None
        if existing is None:
            self.fail(where, _("Tệp mẫu “%(name)s” chưa có trong hệ thống; hãy nhập kèm nội dung tệp "
                               "(xuất, nhập bằng JSON).") % {"name": filename})
            return None
        return TemplateSpec(existing.filename, existing.content_type, digest, existing=existing)


def parse_procedure(data: Any, *, agency: Agency, locate: Locate | None = None,
                    where: tuple[str | int, ...] = ()) -> ProcedureSpec:
    """Check one procedure's data and resolve its references; raise :class:`CatalogueInvalid`
    listing every problem (each with its place, in words, from ``locate``)."""
    reader = _Reader(agency, locate or _default_locate)
    if not isinstance(data, dict):
        reader.fail(where, _("Mỗi thủ tục phải là một đối tượng JSON."))
        raise CatalogueInvalid(reader.problems)
    path = where
    code = reader.text(data, "code", path, required=True, max_length=40)
    if code and not CODE.match(code):
        reader.fail((*path, "code"), _("Mã thủ tục “%(code)s” không đúng dạng mã trên Cơ sở dữ liệu quốc gia "
                                       "(ví dụ 1.004227 hoặc 1.001234.000.00.00.H13).") % {"code": code})
    rule = reader.text(data, "counting_rule", path, default="working_days", max_length=80) or "working_days"
    try:
        get_counting_rule(rule)
    except KeyError:
        reader.fail((*path, "counting_rule"), _("Không có cách tính thời hạn “%(code)s”; dùng một trong: "
                                                "%(codes)s.") % {"code": rule, "codes": ", ".join(PRESETS)})
    time_limit = reader.amount(data, "time_limit", path)
    spec = ProcedureSpec(
        code=code,
        name=reader.text(data, "name", path, required=True),
        field=reader.field(data, "field", path),  # type: ignore[arg-type]
        level=reader.choice(data, "level", path, Level, default=Level.PROVINCE),
        implementing_agency=reader.text(data, "implementing_agency", path, max_length=300),
        deciding_authority=reader.text(data, "deciding_authority", path, max_length=300),
        receiving_desk=reader.unit(data, "receiving_desk", path),
        time_limit_value=time_limit[0] if time_limit else Decimal(0),
        time_limit_unit=time_limit[1] if time_limit else TimeUnit.DAY,
        time_limit_note=reader.text(data, "time_limit_note", path, max_length=2000),
        counting_rule=rule,
        fee_note=reader.text(data, "fee_note", path, max_length=2000),
        eligibility=reader.text(data, "eligibility", path, max_length=5000),
        result_kind=reader.choice(data, "result_kind", path, ResultKind, default=ResultKind.OTHER),
        result=reader.text(data, "result", path, required=True),
        legal_basis=reader.text_list(data, "legal_basis", path),
        sequence=reader.text(data, "sequence", path, max_length=10000),
        online_level=reader.choice(data, "online_level", path, OnlineLevel, default=OnlineLevel.NONE),
        post_return=reader.boolean(data, "post_return", path, False),
        keywords=reader.text_list(data, "keywords", path),
        status=reader.choice(data, "status", path, Status, default=Status.IN_FORCE),
        status_since=reader.date(data, "status_since", path),
        status_note=reader.text(data, "status_note", path, max_length=300),
        effective_from=reader.date(data, "effective_from", path),
        decision=reader.text(data, "decision", path, max_length=300),
    )
    spec.fees = [_fee(reader, item, (*path, "fees", i))
                 for i, item in enumerate(_items(reader, data, "fees", path))]
    spec.documents = [_document(reader, item, (*path, "documents", i))
                      for i, item in enumerate(_items(reader, data, "documents", path))]
    spec.steps = [_step(reader, item, (*path, "steps", i))
                  for i, item in enumerate(_items(reader, data, "steps", path))]
    if not spec.documents and not reader.problems:
        reader.fail((*path, "documents"), _("Thủ tục phải có ít nhất một thành phần hồ sơ."))
    if not spec.steps and not reader.problems:
        reader.fail((*path, "steps"), _("Thủ tục phải có quy trình nội bộ với ít nhất một bước."))
    if not reader.problems and spec.steps:
        _check_process(reader, spec, path)
    if reader.problems:
        raise CatalogueInvalid(reader.problems)
    return spec


def _items(reader: _Reader, data: dict, key: str, path: tuple) -> list[dict]:
    value = data.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        reader.fail((*path, key), _("Phải là một danh sách."))
        return []
    return value


def _fee(reader: _Reader, data: dict, path: tuple) -> FeeSpec:
    name = reader.text(data, "name", path, required=True, max_length=300)
    amount = data.get("amount")
    if amount is None or (isinstance(amount, str) and not amount.strip()):
        reader.fail((*path, "amount"), _("Không được để trống."))
        return FeeSpec(name=name, amount=0, note=reader.text(data, "note", path))
    if isinstance(amount, str):  # “100.000”, “100 000”, “100000 đồng”: dots or spaces between thousands
        cleaned = amount.strip().removesuffix("đồng").strip()
        if re.fullmatch(r"-?[0-9]{1,3}(?:[. ][0-9]{3})+|-?[0-9]+", cleaned):
            amount = int(re.sub(r"[. ]", "", cleaned))
    if isinstance(amount, float) and amount.is_integer():
        amount = int(amount)
    if not isinstance(amount, int) or isinstance(amount, bool):
        reader.fail((*path, "amount"), _("Mức thu “%(value)s” phải là số đồng (số nguyên).")
                    % {"value": amount})
        amount = 0
    elif amount < 0:
        reader.fail((*path, "amount"), _("Mức thu không được là số âm."))
    elif amount > 10**13:
        reader.fail((*path, "amount"), _("Mức thu quá lớn."))
    return FeeSpec(name=name, amount=amount, note=reader.text(data, "note", path))


def _document(reader: _Reader, data: dict, path: tuple) -> DocumentSpec:
    types = data.get("file_types", DEFAULT_FILE_TYPES)
    if isinstance(types, str):
        types = [t for t in re.split(r"[,;\s]+", types) if t]
    if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
        reader.fail((*path, "file_types"), _("Phải là danh sách đuôi tệp, ví dụ pdf, jpg."))
        types = []
    types = list(dict.fromkeys(t.strip().lower().lstrip(".") for t in types))
    unknown = [t for t in types if t not in FILE_TYPES]
    if unknown:
        reader.fail((*path, "file_types"), _("Loại tệp không được chấp nhận: %(unknown)s; dùng: %(known)s.")
                    % {"unknown": ", ".join(unknown), "known": ", ".join(FILE_TYPES)})
    return DocumentSpec(
        name=reader.text(data, "name", path, required=True),
        originals=reader.integer(data, "originals", path, 1, maximum=99),
        copies=reader.integer(data, "copies", path, 0, maximum=99),
        mandatory=reader.boolean(data, "mandatory", path, True),
        file_types=types or list(DEFAULT_FILE_TYPES),
        note=reader.text(data, "note", path),
        template=reader.template(data, path),
    )


def _step(reader: _Reader, data: dict, path: tuple) -> StepSpec:
    amount = reader.amount(data, "allotted", path)
    role = data.get("role") or ""
    if role and role not in Role.values:
        role = reader.choice(data, "role", path, Role)
    step = StepSpec(
        name=reader.text(data, "name", path, required=True, max_length=300),
        kind=reader.choice(data, "kind", path, StepKind, default=StepKind.OTHER),
        unit=reader.unit(data, "unit", path),
        role=role,
        allotted_value=amount[0] if amount else Decimal(0),
        allotted_unit=amount[1] if amount else TimeUnit.DAY,
        optional=reader.boolean(data, "optional", path, False),
        parallel_group=reader.text(data, "parallel_group", path, max_length=20),
        external_agency=reader.text(data, "external_agency", path, max_length=300),
        note=reader.text(data, "note", path),
    )
    if step.unit is None and not step.external_agency and not step.role:
        reader.fail(path, _("Bước “%(name)s” phải có đơn vị, vai trò hoặc cơ quan phối hợp thực hiện.")
                    % {"name": step.name})
    return step


def _check_process(reader: _Reader, spec: ProcedureSpec, path: tuple) -> None:
    excess = process_overrun(spec)
    if excess is not None:
        reader.fail((*path, "steps"), _(
            "Tổng thời gian các bước của quy trình nội bộ là %(total)s, vượt thời hạn giải quyết "
            "%(limit)s là %(excess)s. Hãy giảm thời gian của các bước."
        ) % {"total": describe_amount(process_total(spec.steps)), "limit": describe_amount(spec.time_limit),
             "excess": describe_amount(excess)})


def key_labels() -> dict[str, str]:
    """The Vietnamese name of every key of the format, for messages and spreadsheet headers."""
    return {
        "code": _("Mã thủ tục"), "name": _("Tên"), "field": _("Lĩnh vực"), "level": _("Cấp thực hiện"),
        "implementing_agency": _("Cơ quan thực hiện"), "deciding_authority": _("Cơ quan có thẩm quyền"),
        "receiving_desk": _("Nơi tiếp nhận"), "time_limit": _("Thời hạn giải quyết"),
        "time_limit_note": _("Ghi chú thời hạn"), "counting_rule": _("Cách tính thời hạn"),
        "fees": _("Phí, lệ phí"), "fee_note": _("Ghi chú phí, lệ phí"), "documents": _("Thành phần hồ sơ"),
        "eligibility": _("Yêu cầu, điều kiện"), "result_kind": _("Loại kết quả"), "result": _("Kết quả"),
        "legal_basis": _("Căn cứ pháp lý"), "sequence": _("Trình tự thực hiện"),
        "online_level": _("Dịch vụ công trực tuyến"), "post_return": _("Trả kết quả qua bưu chính"),
        "keywords": _("Từ khóa"), "status": _("Trạng thái"), "status_since": _("Trạng thái từ ngày"),
        "status_note": _("Căn cứ trạng thái"), "effective_from": _("Áp dụng từ ngày"),
        "decision": _("Quyết định công bố"), "steps": _("Bước"), "amount": _("Mức thu"),
        "note": _("Ghi chú"), "originals": _("Số bản chính"), "copies": _("Số bản sao"),
        "mandatory": _("Bắt buộc"), "file_types": _("Loại tệp"), "template": _("Mẫu đơn, tờ khai"),
        "kind": _("Loại bước"), "unit": _("Đơn vị"), "role": _("Vai trò"),
        "allotted": _("Thời gian thực hiện"),
        "optional": _("Chỉ khi cần"), "parallel_group": _("Nhóm song song"),
        "external_agency": _("Cơ quan phối hợp"), "value": _("Số"),
    }


def _default_locate(path: tuple[str | int, ...]) -> str:
    """“Thủ tục thứ 3 — Thành phần hồ sơ 2 — Tên” style places for the editor and the JSON import."""
    labels = key_labels()
    words: list[str] = []
    items = list(path)
    while items:
        part = items.pop(0)
        if isinstance(part, str) and items and isinstance(items[0], int):
            words.append(f"{labels.get(part, part)} {items.pop(0) + 1}")
        elif isinstance(part, int):
            words.append(_("Thủ tục thứ %(n)s") % {"n": part + 1})
        else:
            words.append(labels.get(part, part))
    return " — ".join(words)


# -- the way out ---------------------------------------------------------------------------------
def _amount_data(value: Decimal, unit: str) -> dict[str, str]:
    text = format(value.normalize(), "f")
    return {"value": text, "unit": unit}


def version_data(version: ProcedureVersion, *, with_content: bool = True) -> dict[str, Any]:
    """One version in the catalogue format (template files in base64 when ``with_content``)."""
    procedure = version.procedure
    documents = []
    for document in version.documents.all():
        template = None
        if document.template_id:
            t = document.template
            template = {"filename": t.filename, "content_type": t.content_type, "sha256": t.sha256}
            if with_content:
                template["base64"] = base64.b64encode(bytes(t.content)).decode("ascii")
        documents.append({"id": document.pk, "name": document.name, "originals": document.originals,
                          "copies": document.copies, "mandatory": document.mandatory,
                          "file_types": list(document.file_types), "note": document.note,
                          "template": template})
    return {
        "code": procedure.national_code,
        "name": version.name,
        "field": version.field.code,
        "level": version.level,
        "implementing_agency": version.implementing_agency,
        "deciding_authority": version.deciding_authority,
        "receiving_desk": version.receiving_desk.code if version.receiving_desk_id else "",
        "time_limit": _amount_data(version.time_limit_value, version.time_limit_unit),
        "time_limit_note": version.time_limit_note,
        "counting_rule": version.counting_rule,
        "fees": [{"name": f.name, "amount": f.amount, "note": f.note} for f in version.fees.all()],
        "fee_note": version.fee_note,
        "documents": documents,
        "eligibility": version.eligibility,
        "result_kind": version.result_kind,
        "result": version.result,
        "legal_basis": list(version.legal_basis),
        "sequence": version.sequence,
        "online_level": version.online_level,
        "post_return": version.post_return,
        "keywords": list(version.keywords),
        "status": procedure.status,
        "status_since": procedure.status_since.isoformat() if procedure.status_since else None,
        "status_note": procedure.status_note,
        "effective_from": version.effective_from.isoformat() if version.effective_from else None,
        "decision": version.decision,
        "steps": [{"name": s.name, "kind": s.kind, "unit": s.unit.code if s.unit_id else "", "role": s.role,
                   "allotted": _amount_data(s.allotted_value, s.allotted_unit), "optional": s.optional,
                   "parallel_group": s.parallel_group, "external_agency": s.external_agency, "note": s.note}
                  for s in version.steps.all()],
    }
