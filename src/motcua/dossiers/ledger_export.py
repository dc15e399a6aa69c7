"""The dossier tracking book as an Excel workbook (form 07 of Circular 03/2025/TT-VPCP; Mẫu 06 of
Circular 01/2018/TT-VPCP), the whole period at once.

The sheet: the agency's governing body and name, the book's name “SỔ THEO DÕI HỒ SƠ”, the field
(lĩnh vực), the period and any other filter; then the header row and one row per dossier. Moments
are real Excel date-times in the agency's local time (Excel has no time zones), shown
``dd/mm/yyyy hh:mm``; codes are text. The workbook is written in openpyxl's write-only mode into
a temporary file, so memory stays flat however long the period is; the dossiers are read with
one streamed query (see :mod:`motcua.dossiers.ledger`).
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from dataclasses import dataclass
from typing import IO, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.worksheet import Worksheet

from motcua.dossiers.ledger import (
    LedgerFilter,
    LedgerRow,
    agency_units,
    agency_zone,
    ledger_dossiers,
    ledger_rows,
)
from motcua.dossiers.models import Channel
from motcua.org.models import Agency, User

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
CHUNK = 2000

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
TOP = Alignment(vertical="top")
TOP_CENTER = Alignment(horizontal="center", vertical="top")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


@dataclass(frozen=True)
class Column:
    label: str
    width: float
    kind: str = "text"  # text, number, moment


def book_title() -> str:
    return _("SỔ THEO DÕI HỒ SƠ")


def columns() -> tuple[Column, ...]:
    return (
        Column(_("STT"), 6, "number"),
        Column(_("Mã hồ sơ"), 24),
        Column(_("Tên thủ tục hành chính"), 45),
        Column(_("Tên tổ chức, cá nhân"), 26),
        Column(_("Địa chỉ / Số điện thoại"), 34),
        Column(_("Cơ quan chủ trì giải quyết"), 28),
        Column(_("Nhận hồ sơ"), 17, "moment"),
        Column(_("Hẹn trả kết quả"), 17, "moment"),
        Column(_("Hẹn lại (văn bản xin lỗi)"), 17, "moment"),
        Column(_("Trả kết quả"), 17, "moment"),
        Column(_("Phương thức nhận kết quả"), 28),
        Column(_("Ký nhận (người nhận kết quả)"), 24),
        Column(_("Trạng thái"), 22),
        Column(_("Tiến độ"), 14),
    )


def _values(row: LedgerRow) -> tuple[Any, ...]:
    return (row.number, row.code, row.procedure_name, row.applicant_name, row.address_phone, row.lead_body,
            row.received_at, row.due_at, row.new_due_at, row.returned_at, row.collection, row.returned_to,
            row.status_label, row.timeliness_label)


def _excel_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)  # already local: Excel keeps wall-clock time
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value) or None
    return value


def filter_lines(agency: Agency, f: LedgerFilter) -> list[str]:
    """What the book covers, one line each: field, period, and any other filter."""
    lines = [_("Lĩnh vực: %(field)s") % {"field": f.field.name if f.field else _("Tất cả lĩnh vực")},
             _("Từ ngày %(from)s đến ngày %(to)s") % {"from": f"{f.date_from:%d/%m/%Y}",
                                                      "to": f"{f.date_to:%d/%m/%Y}"}]
    if f.procedure is not None:
        lines.append(_("Thủ tục: %(code)s – %(name)s") % {"code": f.procedure.national_code,
                                                          "name": f.procedure.name})
    if f.channel:
        lines.append(_("Kênh nộp: %(channel)s") % {"channel": Channel(f.channel).label})
    return lines


def filename(agency: Agency, f: LedgerFilter) -> str:
    """``so-theo-doi-ho-so-dat-dai-2026-11-01-2026-11-30.xlsx``."""
    scope = f.field.code if f.field else "tat-ca-linh-vuc"
    name = f"so-theo-doi-ho-so-{scope}-{f.date_from.isoformat()}-{f.date_to.isoformat()}.xlsx"
    return re.sub(r"[^0-9A-Za-z.\-]", "-", name)


def _cell(ws: Worksheet, value: Any, *, font: Font | None = None, alignment: Alignment | None = None,
          number_format: str | None = None, border: Border | None = None,
          fill: PatternFill | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=_excel_value(value))
    if cell.data_type == "f":
        cell.data_type = "s"  # text starting with “=” stays text
    if font is not None:
        cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    if number_format is not None:
        cell.number_format = number_format
    if border is not None:
        cell.border = border
    if fill is not None:
        cell.fill = fill
    return cell


def write_ledger(user: User, agency: Agency, f: LedgerFilter, out: IO[bytes], *,
                 now: dt.datetime | None = None) -> int:
    """Write the book for ``f`` as seen by ``user`` into ``out``; return the number of rows."""
    cols = columns()
    width = len(cols)
    last = get_column_letter(width)
    wb = Workbook(write_only=True)
    wb.properties.title = f"{book_title()} — {agency.name}"
    wb.properties.creator = "motcua"
    ws = wb.create_sheet(_("Sổ theo dõi hồ sơ")[:31])
    for index, column in enumerate(cols, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    titles: list[tuple[str, Font]] = []
    if agency.governing_body:
        titles.append((agency.governing_body.upper(), Font(bold=True)))
    titles.append((agency.name.upper(), Font(bold=True)))
    titles.append(("", Font()))
    titles.append((book_title(), Font(bold=True, size=14)))
    titles += [(line, Font(italic=True)) for line in filter_lines(agency, f)]
    titles.append(("", Font()))
    header_row = len(titles) + 1
    # A write-only sheet writes its views with the first row: freeze before appending.
    ws.freeze_panes = f"C{header_row + 2}"
    ws.print_title_rows = f"{header_row}:{header_row + 1}"
    for number, (text, font) in enumerate(titles, start=1):
        ws.append([_cell(ws, text, font=font, alignment=CENTER)])
        if text:
            ws.merged_cells.add(CellRange(f"A{number}:{last}{number}"))
    bold = Font(bold=True)
    ws.append([_cell(ws, c.label, font=bold, alignment=CENTER, border=BORDER, fill=HEADER_FILL)
               for c in cols])
    ws.append([_cell(ws, f"({i})", alignment=CENTER, border=BORDER, font=Font(italic=True))
               for i in range(1, width + 1)])

    now = now or timezone.now()
    dossiers = ledger_dossiers(user, agency, f).iterator(chunk_size=CHUNK)
    count = 0
    for row in ledger_rows(dossiers, agency, units=agency_units(agency), now=now):
        count += 1
        cells = []
        for column, value in zip(cols, _values(row), strict=True):
            if column.kind == "moment":
                cells.append(_cell(ws, value, number_format=DATETIME_FORMAT, border=BORDER, alignment=TOP))
            elif column.kind == "number":
                cells.append(_cell(ws, value, border=BORDER, alignment=TOP_CENTER))
            else:
                cells.append(_cell(ws, value, border=BORDER, alignment=WRAP, number_format="@"))
        ws.append(cells)
    if count == 0:
        ws.append([_cell(ws, _("Không có hồ sơ nào được tiếp nhận trong kỳ."), font=Font(italic=True))])
    ws.append([])
    made = timezone.localtime(now, agency_zone(agency))
    ws.append([_cell(ws, _("Tổng số: %(count)s hồ sơ. Lập lúc %(at)s.") % {
        "count": count, "at": f"{made:%H:%M %d/%m/%Y}"}, font=Font(italic=True))])
    wb.save(out)
    return count


def ledger_file(user: User, agency: Agency, f: LedgerFilter) -> IO[bytes]:
    """The workbook in a temporary file, rewound (the caller closes it)."""
    out = tempfile.TemporaryFile()  # noqa: SIM115  (FileResponse closes it when sent)
    try:
        write_ledger(user, agency, f, out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out
