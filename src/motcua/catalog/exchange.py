"""The whole catalogue to and from a file: JSON (the catalogue format itself, template files in
base64, lossless) and an Excel workbook an officer can read and edit.

Both readers only turn a file into ``(data, locate)`` pairs in the catalogue format (see
:mod:`motcua.catalog.spec`); the import itself is :func:`motcua.catalog.services.import_catalogue`,
one transaction that checks every procedure first and saves nothing when anything is wrong.
``locate`` turns a problem's path in a procedure's data into a place the officer can find: the
procedure and item in a JSON file, the sheet, line and column in a workbook.

The workbook (one procedure is spread over several sheets, joined by “Mã thủ tục”):

* **Thủ tục** — one row per procedure, one column per scalar key (Vietnamese headers from
  :func:`~motcua.catalog.spec.key_labels`); lists (legal basis, keywords) are one cell with one
  item per line; the time limit is two columns, the number and its unit (day, half_day, hour).
* **Thành phần hồ sơ**, **Phí, lệ phí**, **Quy trình nội bộ** — “Mã thủ tục” and one row per
  item, in order. A template form is its file name and SHA-256: file contents travel only in
  JSON; on import the template is found by its SHA-256 among the stored templates.
* **Lĩnh vực** (reference, not read back) and **Hướng dẫn** (the columns and allowed values).

Columns are found by their header text, so they may be reordered: a header matches the key's
Vietnamese label, its label in the language the file was exported in, or the key itself
(``code``). The header is the first row that has a “Mã thủ tục” column (normally row 1). Every
column of the format must be there (a missing column would silently reset that value of every
procedure) and no unknown column may be (it would be silently ignored). Line numbers in
messages are the spreadsheet's own row numbers; empty rows are skipped.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from motcua.catalog.models import (
    Field,
    Level,
    OnlineLevel,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    RequiredDocument,
    ResultKind,
    Status,
    StepKind,
    TimeUnit,
)
from motcua.catalog.services import ImportReport, import_catalogue, parse_catalogue, require_catalogue_editor
from motcua.catalog.spec import (
    FILE_TYPES,
    FORMAT,
    CatalogueInvalid,
    Locate,
    Problem,
    _default_locate,
    key_labels,
    version_data,
)
from motcua.org.models import Agency, Role, Unit, User
from motcua.worktime import PRESETS

MAX_FILE_BYTES = 10 * 1024 * 1024
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON_CONTENT_TYPE = "application/json"
# Values of the format (the parser reads them in any language), not words of the interface.
YES, NO = "Có", "Không"
HEADER_SEARCH_ROWS = 10

Items = list[tuple[dict, Locate]]


# -- export ----------------------------------------------------------------------------------------
def _current_versions(agency: Agency) -> list[ProcedureVersion]:
    """The current version of every published procedure of the agency, by code, with content."""
    ids = (Procedure.objects.filter(agency=agency, current__isnull=False)
           .values_list("current_id", flat=True))
    versions = (ProcedureVersion.objects.filter(pk__in=ids)
                .select_related("procedure", "field", "receiving_desk")
                .prefetch_related(
                    Prefetch("documents", RequiredDocument.objects.select_related("template")
                             .order_by("position")),
                    "fees",
                    Prefetch("steps", ProcessStep.objects.select_related("unit").order_by("position"))))
    return sorted(versions, key=lambda v: v.procedure.national_code)


def catalogue_data(agency: Agency) -> dict[str, Any]:
    """The whole published catalogue of the agency in the catalogue format."""
    return {
        "format": FORMAT,
        "agency": agency.code,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "fields": [{"code": f.code, "name": f.name} for f in Field.objects.order_by("position", "name")],
        "procedures": [version_data(v, with_content=True) for v in _current_versions(agency)],
    }


def export_json(agency: Agency) -> bytes:
    """The catalogue as JSON (UTF-8, template files in base64): a lossless copy."""
    return json.dumps(catalogue_data(agency), ensure_ascii=False, indent=1).encode("utf-8")


def export_filename(agency: Agency, extension: str) -> str:
    """``danh-muc-thu-tuc-000.15.31.H13-2026-11-25.xlsx``."""
    code = re.sub(r"[^0-9A-Za-z.\-]", "-", agency.code)
    return f"danh-muc-thu-tuc-{code}-{timezone.localdate().isoformat()}.{extension}"


# -- the workbook's layout -------------------------------------------------------------------------
@dataclass(frozen=True)
class Column:
    key: str
    width: int = 20
    choices: tuple[str, ...] = ()  # a dropdown of the allowed codes


def _procedure_columns() -> tuple[Column, ...]:
    return (
        Column("code", 18), Column("name", 50), Column("field", 18), Column("level", 12, tuple(Level.values)),
        Column("implementing_agency", 30), Column("deciding_authority", 30), Column("receiving_desk", 16),
        Column("time_limit", 12), Column("time_limit_unit", 12, tuple(TimeUnit.values)),
        Column("time_limit_note", 30), Column("counting_rule", 16, tuple(PRESETS)), Column("fee_note", 30),
        Column("eligibility", 40), Column("result_kind", 14, tuple(ResultKind.values)), Column("result", 40),
        Column("legal_basis", 50), Column("sequence", 60),
        Column("online_level", 14, tuple(OnlineLevel.values)), Column("post_return", 12, (YES, NO)),
        Column("keywords", 24), Column("status", 12, tuple(Status.values)),
        Column("status_since", 14), Column("status_note", 30), Column("effective_from", 14),
        Column("decision", 30),
    )


def _document_columns() -> tuple[Column, ...]:
    return (Column("code", 18), Column("name", 60), Column("originals", 10), Column("copies", 10),
            Column("mandatory", 10, (YES, NO)), Column("file_types", 20), Column("note", 30),
            Column("template", 30), Column("template_sha256", 24))


def _fee_columns() -> tuple[Column, ...]:
    return (Column("code", 18), Column("name", 50), Column("amount", 14), Column("note", 40))


def _step_columns() -> tuple[Column, ...]:
    return (Column("code", 18), Column("name", 40), Column("kind", 16, tuple(StepKind.values)),
            Column("unit", 16), Column("role", 16, tuple(Role.values)), Column("allotted", 10),
            Column("allotted_unit", 12, tuple(TimeUnit.values)), Column("optional", 10, (YES, NO)),
            Column("parallel_group", 12), Column("external_agency", 30), Column("note", 30))


def _labels() -> dict[str, str]:
    return {**key_labels(), "time_limit_unit": _("Đơn vị thời hạn"), "allotted_unit": _("Đơn vị thời gian"),
            "template_sha256": _("Mã kiểm tra SHA-256 của mẫu"), "steps": _("Quy trình nội bộ")}


def _sheet_titles() -> dict[str, str]:
    titles = {"procedures": _("Thủ tục"), "documents": _("Thành phần hồ sơ"), "fees": _("Phí, lệ phí"),
              "steps": _("Quy trình nội bộ"), "fields": _("Lĩnh vực"), "guide": _("Hướng dẫn")}
    return {key: re.sub(r"[\[\]:*?/\\]", " ", title)[:31] for key, title in titles.items()}


SHEET_COLUMNS: dict[str, Callable[[], tuple[Column, ...]]] = {
    "procedures": _procedure_columns, "documents": _document_columns, "fees": _fee_columns,
    "steps": _step_columns,
}


# -- writing the workbook ---------------------------------------------------------------------------
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
WRAP = Alignment(wrap_text=True, vertical="top")


def _cell_value(value: Any) -> Any:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value) or None
    return value


def _number(text: str) -> int | float:
    number = Decimal(text)
    return int(number) if number == number.to_integral() else float(number)


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _write_sheet(ws: Worksheet, columns: tuple[Column, ...], rows: Iterable[dict[str, Any]],
                 field_range: str = "") -> None:
    labels = _labels()
    ws.append([labels[c.key] for c in columns])
    for cell in ws[1]:
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, WRAP
    count = 1
    for row in rows:
        count += 1
        for index, column in enumerate(columns, start=1):
            cell = ws.cell(row=count, column=index, value=_cell_value(row.get(column.key)))
            if isinstance(cell.value, str) and cell.data_type == "f":
                cell.data_type = "s"  # text that starts with “=” stays text
            cell.alignment = WRAP
            if column.key in ("status_since", "effective_from"):
                cell.number_format = "dd/mm/yyyy"
            elif column.key == "code":
                cell.number_format = "@"  # typed codes stay text (1.004220 is not a number)
    last = max(count, 2) + 500  # room for new rows
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = column.width
        ws.column_dimensions[letter].alignment = WRAP
        source = f'"{",".join(column.choices)}"' if column.choices else ""
        if column.key == "field" and field_range:
            source = field_range
        if source:
            validation = DataValidation(type="list", formula1=source, allow_blank=True,
                                        showErrorMessage=False)
            validation.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(validation)
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count}"


def _procedure_row(data: dict[str, Any]) -> dict[str, Any]:
    row = dict(data)
    row["time_limit"] = _number(data["time_limit"]["value"])
    row["time_limit_unit"] = data["time_limit"]["unit"]
    row["legal_basis"] = "\n".join(data["legal_basis"])
    row["keywords"] = "\n".join(data["keywords"])
    row["post_return"] = YES if data["post_return"] else NO
    row["status_since"] = _date(data["status_since"])
    row["effective_from"] = _date(data["effective_from"])
    return row


def _document_row(code: str, data: dict[str, Any]) -> dict[str, Any]:
    template = data.get("template") or {}
    return {**data, "code": code, "mandatory": YES if data["mandatory"] else NO,
            "file_types": ", ".join(data["file_types"]), "template": template.get("filename"),
            "template_sha256": template.get("sha256")}


def _step_row(code: str, data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "code": code, "allotted": _number(data["allotted"]["value"]),
            "allotted_unit": data["allotted"]["unit"], "optional": YES if data["optional"] else NO}


def export_xlsx(agency: Agency) -> bytes:
    """The catalogue as an Excel workbook (see the module's docstring for its layout)."""
    procedures = [version_data(v, with_content=False) for v in _current_versions(agency)]
    fields = list(Field.objects.order_by("position", "name"))
    titles = _sheet_titles()
    wb = Workbook()
    wb.properties.subject = FORMAT
    wb.properties.title = _("Danh mục thủ tục hành chính — %(agency)s") % {"agency": agency.name}
    ws = wb.active
    ws.title = titles["procedures"]
    field_range = f"'{titles['fields']}'!$A$2:$A${len(fields) + 1}" if fields else ""
    _write_sheet(ws, _procedure_columns(), (_procedure_row(p) for p in procedures), field_range)
    _write_sheet(wb.create_sheet(titles["documents"]), _document_columns(),
                 (_document_row(p["code"], d) for p in procedures for d in p["documents"]))
    _write_sheet(wb.create_sheet(titles["fees"]), _fee_columns(),
                 ({**f, "code": p["code"]} for p in procedures for f in p["fees"]))
    _write_sheet(wb.create_sheet(titles["steps"]), _step_columns(),
                 (_step_row(p["code"], s) for p in procedures for s in p["steps"]))
    reference = wb.create_sheet(titles["fields"])
    reference.append([_("Mã lĩnh vực"), _("Tên lĩnh vực")])
    for field in fields:
        reference.append([field.code, field.name])
    _finish_reference(reference, (20, 50))
    _write_guide(wb.create_sheet(titles["guide"]), agency, titles)
    output = io.BytesIO()
    wb.save(output)
    return output.getvalue()


def _finish_reference(ws: Worksheet, widths: tuple[int, ...]) -> None:
    for cell in ws[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    ws.protection.sheet = True  # a reference: read, not edited (no password)


def _choices_text(choices) -> str:
    return "; ".join(f"{code} = {label}" for code, label in choices.choices)


def _write_guide(ws: Worksheet, agency: Agency, titles: dict[str, str]) -> None:
    labels = _labels()
    lines: list[tuple[str, str]] = [
        (_("Danh mục thủ tục hành chính"), agency.name),
        (_("Định dạng"), FORMAT),
        ("", ""),
        (_("Cách dùng"), _(
            "Mỗi thủ tục là một dòng ở trang “%(procedures)s”. Thành phần hồ sơ, phí và lệ phí, các bước "
            "của quy trình nội bộ là các dòng ở trang riêng, nối với thủ tục bằng cột “%(code)s”, theo "
            "đúng thứ tự các dòng. Có thể đổi thứ tự các cột, nhưng không đổi tên, không xóa và không "
            "thêm cột. Khi nhập, mọi lỗi được báo kèm trang, dòng và cột; có lỗi thì không thủ tục nào "
            "được nhập.") % {"procedures": titles["procedures"], "code": labels["code"]}),
        (_("Mẫu đơn, tờ khai"), _(
            "Chỉ ghi tên tệp và mã kiểm tra SHA-256; nội dung tệp chỉ có trong bản xuất JSON. Khi nhập, "
            "mẫu được tìm theo mã kiểm tra trong các mẫu đã có trong hệ thống.")),
        (_("Danh sách"), _("%(legal)s và %(keywords)s: mỗi mục một dòng trong ô (Alt+Enter để xuống dòng).")
         % {"legal": labels["legal_basis"], "keywords": labels["keywords"]}),
        (_("Ngày"), _("Ghi dạng ngày/tháng/năm, ví dụ 01/07/2025.")),
        (_("Có/Không"), _("Ghi “Có” hoặc “Không”.")),
        (_("Thời gian thực hiện"),
         _("Số ngày, buổi hoặc giờ làm việc, tối đa hai chữ số thập phân, ví dụ 10 hoặc 0,5.")),
        ("", ""),
        (_("Giá trị được phép"), ""),
        (labels["level"], _choices_text(Level)),
        (f"{labels['time_limit_unit']}, {labels['allotted_unit']}", _choices_text(TimeUnit)),
        (labels["counting_rule"], ", ".join(PRESETS)),
        (labels["result_kind"], _choices_text(ResultKind)),
        (labels["online_level"], _choices_text(OnlineLevel)),
        (labels["status"], _choices_text(Status)),
        (labels["kind"], _choices_text(StepKind)),
        (labels["role"], _choices_text(Role)),
        (labels["file_types"], ", ".join(FILE_TYPES)),
        (labels["field"], _("mã lĩnh vực ở trang “%(sheet)s”") % {"sheet": titles["fields"]}),
        (f"{labels['receiving_desk']}, {labels['unit']}", _("mã đơn vị trong cơ quan:")),
    ]
    for unit in Unit.objects.filter(agency=agency).order_by("code"):
        if unit.is_active():
            lines.append((unit.code, unit.name))
    for sheet in ("procedures", "documents", "fees", "steps"):
        lines.append(("", ""))
        lines.append((_("Các cột của trang “%(sheet)s”") % {"sheet": titles[sheet]}, ""))
        lines.extend((labels[column.key], column.key) for column in SHEET_COLUMNS[sheet]())
    for label, text in lines:
        ws.append([label, text])
    for row in ws.iter_rows():
        row[0].font = HEADER_FONT
        for cell in row:
            cell.alignment = WRAP
    ws.column_dimensions["A"].width = 36
    ws.column_dimensions["B"].width = 100


# -- reading JSON ----------------------------------------------------------------------------------
def _json_locate(data: Any, index: int) -> Locate:
    code = data.get("code") if isinstance(data, dict) else None

    def locate(path: tuple[str | int, ...]) -> str:
        if isinstance(code, str) and code.strip():
            head = _("Thủ tục %(code)s (mục %(n)s)") % {"code": code.strip(), "n": index + 1}
        else:
            head = _("Thủ tục ở mục %(n)s") % {"n": index + 1}
        rest = _default_locate(path)
        return f"{head} — {rest}" if rest else head

    return locate


def read_json(content: bytes) -> Items:
    """A JSON catalogue file as ``(data, locate)`` pairs, or :class:`CatalogueInvalid`."""
    try:
        document = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise CatalogueInvalid([Problem("", _("Tệp không phải là tệp JSON (không đọc được dạng UTF-8)."))
                                ]) from None
    except RecursionError:
        raise CatalogueInvalid([Problem("", _("Tệp JSON lồng nhau quá sâu, không phải danh mục thủ tục."))
                                ]) from None
    except json.JSONDecodeError as error:
        raise CatalogueInvalid([Problem("", _(
            "Tệp không phải là JSON hợp lệ: lỗi ở dòng %(line)s, cột %(col)s.")
            % {"line": error.lineno, "col": error.colno})]) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        found = document.get("format") if isinstance(document, dict) else None
        raise CatalogueInvalid([Problem("", _(
            "Tệp không phải là danh mục thủ tục theo định dạng “%(format)s” (định dạng của tệp: %(found)s).")
            % {"format": FORMAT, "found": f"“{found}”" if found else _("không ghi")})])
    procedures = document.get("procedures")
    if not isinstance(procedures, list):
        raise CatalogueInvalid([Problem("procedures", _("Thiếu danh sách thủ tục (“procedures”)."))])
    return [(item, _json_locate(item, index)) for index, item in enumerate(procedures)]


# -- reading the workbook --------------------------------------------------------------------------
def _norm(text: Any) -> str:
    return " ".join(str(text).split()).casefold() if text is not None else ""


def _names(make: Callable[[], dict[str, str]]) -> dict[str, set[str]]:
    """Every key with the names it may be written as: in Vietnamese, in the active language."""
    current = make()
    with translation.override("vi"):
        vietnamese = make()
    return {key: {_norm(current[key]), _norm(vietnamese[key]), _norm(key)} for key in current}


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _code_text(value: Any) -> str:
    if isinstance(value, float) and not value.is_integer():
        return repr(value)
    if isinstance(value, float):
        return str(int(value))
    return "" if value is None else str(value).strip()


@dataclass
class _Row:
    line: int
    values: dict[str, Any]


@dataclass
class _Sheet:
    title: str
    rows: list[_Row]


def _not_a_workbook() -> CatalogueInvalid:
    return CatalogueInvalid([Problem("", _(
        "Tệp không phải là bảng tính Excel (.xlsx) hợp lệ. Hãy lưu tệp dạng “Excel Workbook (.xlsx)” "
        "hoặc dùng tệp xuất từ hệ thống."))])


class _WorkbookReader:
    def __init__(self, content: bytes) -> None:
        self.problems: list[Problem] = []
        try:
            if not zipfile.is_zipfile(io.BytesIO(content)):
                raise ValueError("not a zip file")
            self.workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception:  # any failure to open an uploaded file gets the same answer
            raise _not_a_workbook() from None
        self.titles = _names(_sheet_titles)
        self.labels = _labels()
        self.header_names = _names(_labels)

    def check_marker(self) -> None:
        subject = (self.workbook.properties.subject or "").strip()
        if subject.startswith("motcua.") and subject != FORMAT:
            self.problems.append(Problem("", _(
                "Bảng tính theo định dạng “%(found)s”, hệ thống này đọc định dạng “%(format)s”.")
                % {"found": subject, "format": FORMAT}))

    def sheet(self, key: str) -> _Sheet | None:
        title = _sheet_titles()[key]
        ws = next((s for s in self.workbook.worksheets if _norm(s.title) in self.titles[key]), None)
        if ws is None:
            self.problems.append(Problem("", _("Bảng tính không có trang “%(sheet)s”.") % {"sheet": title}))
            return None
        title = ws.title
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()  # read every row the file has, whatever its recorded size
        columns = SHEET_COLUMNS[key]()
        rows = ws.iter_rows(values_only=True)
        header: dict[int, str] | None = None
        header_line = 0
        for header_line, cells in enumerate(rows, start=1):
            if any(_norm(v) in self.header_names["code"] for v in cells):
                header = self.header(title, header_line, cells, columns)
                break
            if header_line >= HEADER_SEARCH_ROWS:
                break
        if header is None:
            self.problems.append(Problem(_("Trang “%(sheet)s”") % {"sheet": title},
                                         _("Không tìm thấy dòng tiêu đề có cột “%(column)s”.")
                                         % {"column": self.labels["code"]}))
            return None
        found: list[_Row] = []
        for line, cells in enumerate(rows, start=header_line + 1):
            values = {key: cells[i] for i, key in header.items() if i < len(cells)}
            if all(_is_empty(v) for v in values.values()):
                continue
            found.append(_Row(line, values))
        return _Sheet(title, found)

    def header(self, title: str, line: int, cells: tuple, columns: tuple[Column, ...]
               ) -> dict[int, str] | None:
        where = _("Trang “%(sheet)s”, dòng %(row)s") % {"sheet": title, "row": line}
        wanted = {c.key for c in columns}
        header: dict[int, str] = {}
        ok = True
        for index, value in enumerate(cells):
            if _is_empty(value):
                continue
            key = next((k for k in wanted if _norm(value) in self.header_names[k]), None)
            if key is None:
                self.problems.append(Problem(where, _(
                    "Cột “%(column)s” không có trong mẫu; hãy sửa lại tiêu đề hoặc xóa cột.")
                    % {"column": value}))
                ok = False
            elif key in header.values():
                self.problems.append(Problem(where, _("Cột “%(column)s” có hai lần.") % {"column": value}))
                ok = False
            else:
                header[index] = key
        for column in columns:
            if column.key not in header.values():
                self.problems.append(Problem(where, _("Thiếu cột “%(column)s”.")
                                             % {"column": self.labels[column.key]}))
                ok = False
        return header if ok else None


def _text_lines(value: Any) -> Any:
    if isinstance(value, str):
        return [line for line in value.splitlines() if line.strip()]
    return value


def _amount(values: dict[str, Any], number_key: str, unit_key: str) -> dict[str, Any] | None:
    number, unit = values.get(number_key), values.get(unit_key)
    if _is_empty(number) and _is_empty(unit):
        return None
    amount: dict[str, Any] = {"value": "" if number is None else number}
    if isinstance(number, float) and number.is_integer():
        amount["value"] = int(number)
    if not _is_empty(unit):
        amount["unit"] = unit
    return amount


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    """Empty cells are left out: the format's default applies."""
    return {key: value for key, value in values.items() if not _is_empty(value) and key != "code"}


def _procedure_data(values: dict[str, Any]) -> dict[str, Any]:
    data = _clean(values)
    data["code"] = _code_text(values.get("code"))
    for key in ("legal_basis", "keywords"):
        if key in data:
            data[key] = _text_lines(data[key])
    data.pop("time_limit_unit", None)
    data.pop("time_limit", None)
    amount = _amount(values, "time_limit", "time_limit_unit")
    if amount is not None:
        data["time_limit"] = amount
    return data


def _document_data(values: dict[str, Any]) -> dict[str, Any]:
    data = _clean(values)
    filename, digest = data.pop("template", None), data.pop("template_sha256", None)
    if filename is not None or digest is not None:
        data["template"] = {"filename": str(filename or ""), "sha256": str(digest or "").strip().lower()}
    return data


def _step_data(values: dict[str, Any]) -> dict[str, Any]:
    data = _clean(values)
    data.pop("allotted_unit", None)
    data.pop("allotted", None)
    amount = _amount(values, "allotted", "allotted_unit")
    if amount is not None:
        data["allotted"] = amount
    return data


def _xlsx_locate(labels: dict[str, str], sheets: dict[str, str], line: int, children: dict[str, list[int]]
                 ) -> Locate:
    def place(sheet: str, row: int, rest: tuple) -> str:
        where = _("Trang “%(sheet)s”, dòng %(row)s") % {"sheet": sheet, "row": row}
        column = ""
        if rest:
            key = rest[0]
            if len(rest) > 1 and rest[1] == "unit" and key in ("time_limit", "allotted"):
                column = labels[f"{key}_unit"]
            elif len(rest) > 1 and isinstance(rest[1], int):
                column = (_("%(column)s (dòng %(n)s trong ô)")
                          % {"column": labels.get(key, key), "n": rest[1] + 1})
            else:
                column = labels.get(str(key), str(key))
        return f"{where} — {column}" if column else where

    def locate(path: tuple[str | int, ...]) -> str:
        if len(path) >= 2 and path[0] in children and isinstance(path[1], int):
            rows = children[str(path[0])]
            if path[1] < len(rows):
                return place(sheets[str(path[0])], rows[path[1]], tuple(path[2:]))
        return place(sheets["procedures"], line, tuple(path))

    return locate


def _read_xlsx(content: bytes) -> tuple[Items, list[Problem]]:
    """The workbook's procedures, and the problems of rows that belong to no procedure. Raises
    :class:`CatalogueInvalid` when the workbook itself is not usable (not a workbook, a sheet or a
    column missing)."""
    reader = _WorkbookReader(content)
    reader.check_marker()
    try:
        sheets = {key: reader.sheet(key) for key in SHEET_COLUMNS}
    except Exception:  # a damaged sheet inside a readable zip: the rows are read lazily
        raise _not_a_workbook() from None
    finally:
        reader.workbook.close()
    if reader.problems:
        raise CatalogueInvalid(reader.problems)
    labels = reader.labels
    procedures = sheets["procedures"]
    assert procedures is not None
    codes = {_code_text(row.values.get("code")) for row in procedures.rows} - {""}
    children: dict[str, dict[str, list[tuple[int, dict]]]] = {"documents": {}, "fees": {}, "steps": {}}
    make = {"documents": _document_data, "fees": _clean, "steps": _step_data}
    problems: list[Problem] = []
    for key, by_code in children.items():
        sheet = sheets[key]
        assert sheet is not None
        for row in sheet.rows:
            code = _code_text(row.values.get("code"))
            where = _("Trang “%(sheet)s”, dòng %(row)s") % {"sheet": sheet.title, "row": row.line}
            where = f"{where} — {labels['code']}"
            if not code:
                problems.append(Problem(where, _("Không được để trống.")))
            elif code not in codes:
                problems.append(Problem(where, _("Không có thủ tục mã “%(code)s” ở trang “%(sheet)s”.")
                                        % {"code": code, "sheet": procedures.title}))
            else:
                by_code.setdefault(code, []).append((row.line, make[key](row.values)))
    titles = {key: sheet.title for key, sheet in sheets.items() if sheet is not None}
    items: Items = []
    for row in procedures.rows:
        data = _procedure_data(row.values)
        lines: dict[str, list[int]] = {}
        for key, by_code in children.items():
            found = by_code.get(data["code"], [])
            data[key] = [item for _line, item in found]
            lines[key] = [line for line, _item in found]
        items.append((data, _xlsx_locate(labels, titles, row.line, lines)))
    return items, problems


def read_xlsx(content: bytes) -> Items:
    """An Excel catalogue workbook as ``(data, locate)`` pairs, or :class:`CatalogueInvalid`."""
    items, problems = _read_xlsx(content)
    if problems:
        raise CatalogueInvalid(problems)
    return items


# -- importing a file ------------------------------------------------------------------------------
def file_kind(content: bytes, filename: str = "") -> str:
    """``"xlsx"`` or ``"json"``: by the file's extension, else by its content."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension in ("xlsx", "json"):
        return extension
    return "xlsx" if content[:4] == b"PK\x03\x04" else "json"


def import_file(*, actor: User | None, agency: Agency, content: bytes, filename: str = "") -> ImportReport:
    """Import a catalogue file (JSON or Excel): all of it, or — with every problem of every row
    reported in one :class:`CatalogueInvalid` — nothing."""
    require_catalogue_editor(actor)
    if len(content) > MAX_FILE_BYTES:
        raise CatalogueInvalid([Problem("", _("Tệp lớn quá 10 MB."))])
    if file_kind(content, filename) == "xlsx":
        items, problems = _read_xlsx(content)
    else:
        items, problems = read_json(content), []
    if problems:  # rows of no procedure: report them together with the procedures' own problems
        try:
            parse_catalogue(items, agency=agency)
        except CatalogueInvalid as invalid:
            problems = [*invalid.problems, *problems]
        raise CatalogueInvalid(problems)
    return import_catalogue(actor=actor, agency=agency, items=items)
