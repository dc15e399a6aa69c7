"""Blank application forms (đơn, phiếu yêu cầu, văn bản đề nghị) for the demo catalogue, as Word
documents an applicant downloads and fills in: the national motto, the title, the applicant's
particulars with dotted lines, the place and date, and the signature block.

A .docx is a zip of XML parts; the four parts below are the minimum Word and LibreOffice open.
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.sax.saxutils import escape

from motcua.common.text import fold

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml"
 ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>"""
_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="word/document.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>
</Relationships>"""
_DOCUMENT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>"""

_FIELDS = (
    "Kính gửi: {recipient}",
    "1. Người đề nghị (cá nhân ghi rõ họ tên; tổ chức ghi tên tổ chức): ……………………………………………",
    "2. Số định danh cá nhân / mã số thuế: …………………………… Ngày cấp: ……………… Nơi cấp: ……………………",
    "3. Địa chỉ liên hệ: ……………………………………………………………………………………………………",
    "4. Điện thoại: ………………………………………… Thư điện tử: ……………………………………………",
    "5. Nội dung đề nghị: …………………………………………………………………………………………………",
    "………………………………………………………………………………………………………………………………",
    "6. Giấy tờ nộp kèm theo: ………………………………………………………………………………………………",
    "7. Cách nhận kết quả:  ☐ Tại Bộ phận Một cửa   ☐ Qua dịch vụ bưu chính công ích   ☐ Trực tuyến",
    "Tôi cam đoan nội dung kê khai trên đơn là đúng sự thật, nếu sai tôi hoàn toàn chịu trách nhiệm trước "
    "pháp luật.",
)


def _paragraph(text: str, *, bold: bool = False, center: bool = False, right: bool = False,
               size: int = 26, italic: bool = False) -> str:
    align = "center" if center else "right" if right else "both"
    props = "".join(("<w:b/>" if bold else "", "<w:i/>" if italic else "", f'<w:sz w:val="{size}"/>'))
    return (f'<w:p><w:pPr><w:jc w:val="{align}"/><w:spacing w:after="120"/></w:pPr>'
            f'<w:r><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman"/>{props}</w:rPr>'
            f'<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>')


def form_title(document_name: str) -> tuple[str, str]:
    """The form's title (the document's name before “theo Mẫu số …”) and its number, if any."""
    cut = re.search(r"\s+theo\s+mẫu", document_name, flags=re.IGNORECASE)
    number = re.search(r"Mẫu số\s+[^\s,;]+", document_name)
    title = document_name[:cut.start()] if cut else document_name
    return title.strip().rstrip(",;"), number.group(0) if number else ""


def blank_form_docx(document_name: str, *, recipient: str, place: str) -> bytes:
    """A Word document: the blank form for ``document_name``."""
    title, number = form_title(document_name)
    body = [
        _paragraph(number, italic=True, right=True, size=22) if number else "",
        _paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, center=True),
        _paragraph("Độc lập - Tự do - Hạnh phúc", bold=True, center=True),
        _paragraph("―――――――――――――――", center=True),
        _paragraph(title.upper(), bold=True, center=True, size=28),
        *(_paragraph(line.format(recipient=recipient)) for line in _FIELDS),
        _paragraph(f"{place}, ngày …… tháng …… năm 20……", italic=True, right=True),
        _paragraph("NGƯỜI VIẾT ĐƠN", bold=True, right=True),
        _paragraph("(Ký, ghi rõ họ tên; tổ chức ký tên, đóng dấu)", italic=True, right=True, size=22),
    ]
    document = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                f'<w:body>{"".join(body)}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
                '<w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1701"/></w:sectPr>'
                '</w:body></w:document>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as docx:
        docx.writestr("[Content_Types].xml", _CONTENT_TYPES)
        docx.writestr("_rels/.rels", _RELS)
        docx.writestr("word/_rels/document.xml.rels", _DOCUMENT_RELS)
        docx.writestr("word/document.xml", document)
    return buffer.getvalue()


def is_application_form(document_name: str) -> bool:
    """Documents the applicant writes on a form (not certificates, maps, reports, nor the tax
    authority's own declarations)."""
    return bool(re.match(r"(Đơn|Phiếu yêu cầu|Văn bản đề nghị)\b", document_name))


def form_filename(document_name: str) -> str:
    title, number = form_title(document_name)
    slug = re.sub(r"[^a-z0-9]+", "-", fold(f"{number} {title}" if number else title)).strip("-")
    return f"{slug[:80].rstrip('-')}.docx"
