"""Import and export of the whole catalogue (JSON and Excel): lossless round trips, every bad row
reported with its place, and nothing saved from a bad file."""

from __future__ import annotations

import base64
import hashlib
import io
import json
from collections.abc import Callable

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from motcua.catalog import exchange
from motcua.catalog.demo import DEMO_FILE, load_demo_catalogue
from motcua.catalog.models import FormTemplate, Procedure, ProcedureVersion
from motcua.catalog.services import import_catalogue
from motcua.catalog.spec import FORMAT, CatalogueInvalid
from motcua.org.models import Agency

PDF = b"%PDF-1.4\n% mau don thu nghiem\n%%EOF\n"


def _rich(code: str, **changes) -> dict:
    """A procedure that uses every part of the format (lists, dates, templates, parallel steps)."""
    data = {
        "code": code, "name": "=SUM(A1) Thủ tục thử nghiệm đầy đủ", "field": "dat-dai", "level": "commune",
        "implementing_agency": "Văn phòng Đăng ký đất đai", "deciding_authority": "Sở TN&MT",
        "receiving_desk": "mot-cua", "time_limit": {"value": "10", "unit": "day"},
        "time_limit_note": "Không tính thời gian\nthực hiện nghĩa vụ tài chính.",
        "counting_rule": "working_days",
        "fees": [{"name": "Lệ phí", "amount": 100000, "note": "đồng/hồ sơ"},
                 {"name": "Phí thẩm định", "amount": 0, "note": ""}],
        "fee_note": "Miễn cho hộ nghèo.",
        "documents": [
            {"name": "Đơn đề nghị (Mẫu 01)", "originals": 1, "copies": 0, "mandatory": True,
             "file_types": ["pdf", "docx"], "note": "",
             "template": {"filename": "mau-01.pdf", "content_type": "application/pdf",
                          "sha256": hashlib.sha256(PDF).hexdigest(),
                          "base64": base64.b64encode(PDF).decode()}},
            {"name": "Bản sao giấy tờ tùy thân", "originals": 0, "copies": 2, "mandatory": False,
             "file_types": ["pdf", "jpg"], "note": "Nếu nộp trực tuyến", "template": None},
        ],
        "eligibility": "", "result_kind": "certificate", "result": "Giấy chứng nhận",
        "legal_basis": ["Luật Đất đai số 31/2024/QH15; sửa đổi 2025", "Nghị định 101/2024/NĐ-CP"],
        "sequence": "Bước 1: nộp hồ sơ.\nBước 2: nhận kết quả.", "online_level": "partial",
        "post_return": True, "keywords": ["sổ đỏ", "sổ hồng"], "status": "in_force",
        "status_since": None, "status_note": "", "effective_from": "2025-07-01",
        "decision": "Quyết định 123/QĐ-UBND",
        "steps": [
            {"name": "Tiếp nhận", "kind": "receive", "unit": "mot-cua", "role": "desk_officer",
             "allotted": {"value": "0.5", "unit": "day"}, "optional": False, "parallel_group": "",
             "external_agency": "", "note": ""},
            {"name": "Lấy ý kiến Thuế", "kind": "consult", "unit": "", "role": "",
             "allotted": {"value": "3", "unit": "day"}, "optional": False, "parallel_group": "A",
             "external_agency": "Cục Thuế", "note": ""},
            {"name": "Kiểm tra thực địa", "kind": "field_inspection", "unit": "vpdk-dk", "role": "specialist",
             "allotted": {"value": "2", "unit": "day"}, "optional": True, "parallel_group": "A",
             "external_agency": "", "note": "Khi cần"},
            {"name": "Thẩm định", "kind": "appraise", "unit": "vpdk-dk", "role": "specialist",
             "allotted": {"value": "4", "unit": "half_day"}, "optional": False, "parallel_group": "",
             "external_agency": "", "note": ""},
            {"name": "Ký", "kind": "approve", "unit": "bgd", "role": "agency_leader",
             "allotted": {"value": "4", "unit": "hour"}, "optional": False, "parallel_group": "",
             "external_agency": "", "note": ""},
        ],
    }
    data.update(changes)
    return data


RICH = "9.999001"
OTHER = "9.999002"


@pytest.fixture
def full(demo) -> Agency:
    """The demo agency with its catalogue and two procedures that use every part of the format."""
    if DEMO_FILE.exists():
        load_demo_catalogue(demo)
    import_catalogue(actor=None, agency=demo, items=[
        (_rich(RICH), None),
        (_rich(OTHER, name="Thủ tục tạm ngừng", status="suspended", status_since="2025-08-01",
               status_note="Quyết định 9/QĐ", fees=[], effective_from=None, post_return=False),
         None),
    ])
    return demo


def _counts() -> tuple[int, int]:
    return Procedure.objects.count(), ProcedureVersion.objects.count()


def _without_volatile(content: bytes) -> dict:
    data = json.loads(content)
    data.pop("exported_at")
    for procedure in data["procedures"]:
        for document in procedure["documents"]:
            document.pop("id")
    return data


def _wipe(agency: Agency) -> None:
    Procedure.objects.filter(agency=agency).update(current=None)
    ProcedureVersion.objects.filter(procedure__agency=agency).delete()
    Procedure.objects.filter(agency=agency).delete()


def _edit(content: bytes, change: Callable[[openpyxl.Workbook], None]) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(content))
    change(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _line(ws, code: str, nth: int = 0) -> int:
    """The row number of the ``nth`` row of ``code`` in a sheet (column A is the code)."""
    return [cell.row for cell in ws["A"] if cell.value == code][nth]


def _column(ws, header: str) -> int:
    return next(cell.column for cell in ws[1] if cell.value == header)


def _problems(content: bytes, agency: Agency, filename: str = "danh-muc.xlsx") -> list[str]:
    before = _counts()
    with pytest.raises(CatalogueInvalid) as raised:
        exchange.import_file(actor=None, agency=agency, content=content, filename=filename)
    assert _counts() == before  # nothing of a bad file is saved
    return [str(p) for p in raised.value.problems]


# -- export ---------------------------------------------------------------------------------------
def test_json_export_has_every_published_procedure_by_code_with_template_files(full):
    data = json.loads(exchange.export_json(full))
    assert data["format"] == FORMAT and data["agency"] == full.code and data["exported_at"]
    codes = [p["code"] for p in data["procedures"]]
    assert codes == sorted(codes) and RICH in codes and OTHER in codes
    assert {"code": "dat-dai", "name": "Đất đai"} in data["fields"]
    rich = next(p for p in data["procedures"] if p["code"] == RICH)
    assert base64.b64decode(rich["documents"][0]["template"]["base64"]) == PDF
    assert rich["steps"][3]["allotted"] == {"value": "4", "unit": "half_day"}


def test_xlsx_export_is_a_workbook_an_officer_can_read(full):
    wb = openpyxl.load_workbook(io.BytesIO(exchange.export_xlsx(full)))
    assert wb.sheetnames == ["Thủ tục", "Thành phần hồ sơ", "Phí, lệ phí", "Quy trình nội bộ", "Lĩnh vực",
                             "Hướng dẫn"]
    ws = wb["Thủ tục"]
    assert ws.freeze_panes == "B2" and ws["A1"].font.b
    headers = [c.value for c in ws[1]]
    assert headers[:3] == ["Mã thủ tục", "Tên", "Lĩnh vực"]
    assert "Thời hạn giải quyết" in headers and "Đơn vị thời hạn" in headers
    row = _line(ws, RICH)
    value = {h: ws.cell(row, i + 1).value for i, h in enumerate(headers)}
    assert value["Thời hạn giải quyết"] == 10 and value["Đơn vị thời hạn"] == "day"
    assert value["Căn cứ pháp lý"] == "Luật Đất đai số 31/2024/QH15; sửa đổi 2025\nNghị định 101/2024/NĐ-CP"
    assert value["Trả kết quả qua bưu chính"] == "Có"
    assert value["Tên"].startswith("=") and ws.cell(row, 2).data_type == "s"  # text, not a formula
    documents = wb["Thành phần hồ sơ"]
    first = _line(documents, RICH)
    assert documents.cell(first, 2).value == "Đơn đề nghị (Mẫu 01)"
    assert documents.cell(first, _column(documents, "Mẫu đơn, tờ khai")).value == "mau-01.pdf"
    assert documents.cell(first + 1, 2).value == "Bản sao giấy tờ tùy thân"
    steps = wb["Quy trình nội bộ"]
    assert [steps.cell(_line(steps, RICH, n), 2).value for n in range(5)] == [
        "Tiếp nhận", "Lấy ý kiến Thuế", "Kiểm tra thực địa", "Thẩm định", "Ký"]
    assert "dat-dai" in [c.value for c in wb["Lĩnh vực"]["A"]]
    assert any("half_day" in str(c.value) for c in wb["Hướng dẫn"]["B"])


# -- round trips ------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["json", "xlsx"])
def test_export_then_import_on_the_same_database_changes_nothing(full, kind):
    content = exchange.export_xlsx(full) if kind == "xlsx" else exchange.export_json(full)
    before = _counts()
    report = exchange.import_file(actor=None, agency=full, content=content, filename=f"a.{kind}")
    assert report.created == [] and report.updated == []
    assert len(report.unchanged) == Procedure.objects.filter(agency=full).count()
    assert _counts() == before


@pytest.mark.parametrize("kind", ["json", "xlsx"])
def test_export_import_into_an_empty_agency_and_export_again_is_identical(full, kind):
    original = exchange.export_json(full)
    content = exchange.export_xlsx(full) if kind == "xlsx" else original
    templates = FormTemplate.objects.count()
    _wipe(full)  # the same agency, units and stored templates, no procedures
    report = exchange.import_file(actor=None, agency=full, content=content, filename=f"a.{kind}")
    assert len(report.created) == len(json.loads(original)["procedures"])
    assert _without_volatile(exchange.export_json(full)) == _without_volatile(original)
    assert FormTemplate.objects.count() == templates  # the same template files, not copies


def test_a_changed_row_is_a_new_version_and_the_rest_unchanged(full):
    def rename(wb):
        ws = wb["Thủ tục"]
        ws.cell(_line(ws, RICH), 2).value = "Tên mới của thủ tục"
    content = _edit(exchange.export_xlsx(full), rename)
    report = exchange.import_file(actor=None, agency=full, content=content, filename="a.xlsx")
    assert report.updated == [RICH] and report.created == []
    procedure = Procedure.objects.get(agency=full, national_code=RICH)
    assert procedure.current.name == "Tên mới của thủ tục" and procedure.current.number == 2


# -- bad files --------------------------------------------------------------------------------------
def _zip_of_junk() -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", "<not-a-workbook")
    return out.getvalue()


@pytest.mark.parametrize("content", [b"\x00\x01 this is not a workbook" * 20, b"", _zip_of_junk()])
def test_random_bytes_named_xlsx(full, content):
    assert _problems(content, full) == [
        "Tệp không phải là bảng tính Excel (.xlsx) hợp lệ. Hãy lưu tệp dạng “Excel Workbook (.xlsx)” "
        "hoặc dùng tệp xuất từ hệ thống."]


def test_a_workbook_without_the_procedure_sheet(full):
    content = _edit(exchange.export_xlsx(full), lambda wb: wb.remove(wb["Thủ tục"]))
    assert _problems(content, full) == ["Bảng tính không có trang “Thủ tục”."]


def test_a_missing_and_an_unknown_column(full):
    def change(wb):
        ws = wb["Phí, lệ phí"]
        ws.delete_cols(_column(ws, "Ghi chú"))
        ws.cell(1, 10).value = "Cột lạ"
    problems = _problems(_edit(exchange.export_xlsx(full), change), full)
    assert "Trang “Phí, lệ phí”, dòng 1: Thiếu cột “Ghi chú”." in problems
    assert ("Trang “Phí, lệ phí”, dòng 1: Cột “Cột lạ” không có trong mẫu; hãy sửa lại tiêu đề hoặc xóa cột."
            in problems)


def test_columns_may_be_reordered(full):
    def change(wb):
        ws = wb["Thủ tục"]
        ws.move_range("B1:B200", cols=40)
        ws.delete_cols(2)
    report = exchange.import_file(actor=None, agency=full, content=_edit(exchange.export_xlsx(full), change),
                                  filename="a.xlsx")
    assert report.updated == [] and report.created == []


def test_duplicate_codes_name_both_lines(full):
    def change(wb):
        ws = wb["Thủ tục"]
        ws.cell(_line(ws, OTHER), 1).value = RICH
        ws.cell(_line(ws, RICH), 2).value = "Đổi tên — không được lưu"
    wb = openpyxl.load_workbook(io.BytesIO(exchange.export_xlsx(full)))
    first, second = _line(wb["Thủ tục"], RICH), _line(wb["Thủ tục"], OTHER)
    problems = _problems(_edit(exchange.export_xlsx(full), change), full)
    assert problems[0] == (f"Trang “Thủ tục”, dòng {second} — Mã thủ tục: Mã thủ tục “{RICH}” lặp lại "
                           f"(đã có ở Trang “Thủ tục”, dòng {first} — Mã thủ tục).")
    # and the rows of the code that is no longer there
    other = _rich(OTHER)
    assert len(problems) == 1 + len(other["documents"]) + len(other["steps"])
    assert all(f"Không có thủ tục mã “{OTHER}”" in p for p in problems[1:])
    assert Procedure.objects.get(national_code=RICH).current.name != "Đổi tên — không được lưu"


def test_steps_longer_than_the_legal_time_say_by_how_much(full):
    def change(wb):
        ws = wb["Quy trình nội bộ"]
        ws.cell(_line(ws, RICH, 3), _column(ws, "Thời gian thực hiện")).value = 20  # 20 half days = 10 days
    wb = openpyxl.load_workbook(io.BytesIO(exchange.export_xlsx(full)))
    line = _line(wb["Thủ tục"], RICH)
    problems = _problems(_edit(exchange.export_xlsx(full), change), full)
    assert problems == [
        f"Trang “Thủ tục”, dòng {line} — Quy trình nội bộ: Tổng thời gian các bước của quy trình nội bộ là "
        "14 ngày làm việc, vượt thời hạn giải quyết 10 ngày làm việc là 4 ngày làm việc. Hãy giảm thời gian "
        "của các bước."]


def test_a_negative_fee_names_row_and_column(full):
    wb = openpyxl.load_workbook(io.BytesIO(exchange.export_xlsx(full)))
    line = _line(wb["Phí, lệ phí"], RICH, 1)

    def change(wb):
        ws = wb["Phí, lệ phí"]
        ws.cell(line, _column(ws, "Mức thu")).value = -5000
    problems = _problems(_edit(exchange.export_xlsx(full), change), full)
    assert problems == [f"Trang “Phí, lệ phí”, dòng {line} — Mức thu: Mức thu không được là số âm."]


def test_an_unknown_field(full):
    def change(wb):
        ws = wb["Thủ tục"]
        ws.cell(_line(ws, OTHER), _column(ws, "Lĩnh vực")).value = "khong-co"
    wb = openpyxl.load_workbook(io.BytesIO(exchange.export_xlsx(full)))
    line = _line(wb["Thủ tục"], OTHER)
    problems = _problems(_edit(exchange.export_xlsx(full), change), full)
    assert len(problems) == 1
    assert problems[0].startswith(f"Trang “Thủ tục”, dòng {line} — Lĩnh vực: Không có lĩnh vực “khong-co”")


def test_a_document_of_a_procedure_not_in_the_procedure_sheet_and_other_problems_together(full):
    def change(wb):
        ws = wb["Thành phần hồ sơ"]
        ws.append(["9.999999", "Giấy tờ lạc", 1, 0, "Có", "pdf", None, None, None])
        ws.cell(_line(ws, RICH, 1), _column(ws, "Số bản sao")).value = "hai"
        steps = wb["Quy trình nội bộ"]
        steps.cell(_line(steps, RICH), _column(steps, "Đơn vị thời gian")).value = "tuần"
    content = _edit(exchange.export_xlsx(full), change)
    ws = openpyxl.load_workbook(io.BytesIO(content))["Thành phần hồ sơ"]
    steps = openpyxl.load_workbook(io.BytesIO(content))["Quy trình nội bộ"]
    problems = _problems(content, full)
    assert (f"Trang “Thành phần hồ sơ”, dòng {ws.max_row} — Mã thủ tục: Không có thủ tục mã “9.999999” "
            "ở trang “Thủ tục”.") in problems
    assert (f"Trang “Thành phần hồ sơ”, dòng {_line(ws, RICH, 1)} — Số bản sao: “hai” không phải là số "
            "nguyên.") in problems
    assert any(p.startswith(f"Trang “Quy trình nội bộ”, dòng {_line(steps, RICH)} — Đơn vị thời gian: "
                            "“tuần” không hợp lệ") for p in problems)
    assert len(problems) == 3


def test_a_template_not_stored_is_reported(full):
    def change(wb):
        ws = wb["Thành phần hồ sơ"]
        ws.cell(_line(ws, RICH), _column(ws, "Mã kiểm tra SHA-256 của mẫu")).value = "0" * 64
    problems = _problems(_edit(exchange.export_xlsx(full), change), full)
    assert len(problems) == 1
    assert "— Mẫu đơn, tờ khai: Tệp mẫu “mau-01.pdf” chưa có trong hệ thống" in problems[0]


def test_values_as_an_officer_types_them(full):
    """Numbers as text, dates as dd/mm/yyyy, Vietnamese labels instead of codes, empty rows."""
    def change(wb):
        ws = wb["Thủ tục"]
        line = _line(ws, RICH)
        ws.cell(line, _column(ws, "Thời hạn giải quyết")).value = "10"
        ws.cell(line, _column(ws, "Áp dụng từ ngày")).value = "01/07/2025"
        ws.cell(line, _column(ws, "Cấp thực hiện")).value = "Cấp xã"
        ws.insert_rows(line)  # an empty row in the middle
        fees = wb["Phí, lệ phí"]
        fees.cell(_line(fees, RICH), _column(fees, "Mức thu")).value = "100.000"
    report = exchange.import_file(actor=None, agency=full, content=_edit(exchange.export_xlsx(full), change),
                                  filename="a.xlsx")
    assert report.updated == [] and report.created == []


def test_json_problems_name_the_procedure_and_item(full):
    data = json.loads(exchange.export_json(full))
    index = next(i for i, p in enumerate(data["procedures"]) if p["code"] == RICH)
    data["procedures"][index]["documents"][1]["name"] = ""
    problems = _problems(json.dumps(data).encode(), full, "a.json")
    assert problems == [f"Thủ tục {RICH} (mục {index + 1}) — Thành phần hồ sơ 2 — Tên: Không được để trống."]


@pytest.mark.parametrize(("content", "expected"), [
    (b"{not json", "Tệp không phải là JSON hợp lệ: lỗi ở dòng 1, cột 2."),
    (b'{"format": "motcua.catalogue/2", "procedures": []}',
     "Tệp không phải là danh mục thủ tục theo định dạng “motcua.catalogue/1” (định dạng của tệp: "
     "“motcua.catalogue/2”)."),
    (b'{"format": "motcua.catalogue/1"}', "procedures: Thiếu danh sách thủ tục (“procedures”)."),
])
def test_malformed_json(full, content, expected):
    assert _problems(content, full, "a.json") == [expected]


def test_xlsx_with_a_newer_format_marker(full):
    def change(wb):
        wb.properties.subject = "motcua.catalogue/2"
    problems = _problems(_edit(exchange.export_xlsx(full), change), full)
    assert problems == ["Bảng tính theo định dạng “motcua.catalogue/2”, hệ thống này đọc định dạng "
                        "“motcua.catalogue/1”."]


# -- the page -----------------------------------------------------------------------------------------
def test_page_and_downloads_for_the_administrator(full, login):
    client = login("admin")
    page = client.get(reverse("catalog_exchange:import"))
    assert page.status_code == 200 and "Nhập, xuất danh mục" in page.content.decode()
    response = client.get(reverse("catalog_exchange:export_xlsx"))
    assert response["Content-Disposition"].startswith(f'attachment; filename="danh-muc-thu-tuc-{full.code}-')
    assert response["Content-Disposition"].endswith('.xlsx"')
    openpyxl.load_workbook(io.BytesIO(response.content))
    response = client.get(reverse("catalog_exchange:export_json"))
    assert response["Content-Disposition"].endswith('.json"')
    assert json.loads(response.content)["format"] == FORMAT


def test_upload_success_shows_the_report(full, login):
    content = exchange.export_json(full)
    _wipe(full)
    response = login("admin").post(reverse("catalog_exchange:import"),
                                   {"file": SimpleUploadedFile("danh-muc.json", content)})
    count = len(json.loads(content)["procedures"])
    assert f"Đã thêm {count}, cập nhật 0, giữ nguyên 0 thủ tục." in response.content.decode()
    assert Procedure.objects.filter(agency=full).count() == count


def test_upload_failure_lists_every_problem_and_saves_nothing(full, login):
    def change(wb):
        fees = wb["Phí, lệ phí"]
        fees.cell(_line(fees, RICH), _column(fees, "Mức thu")).value = -1
        ws = wb["Thủ tục"]
        ws.cell(_line(ws, OTHER), 2).value = "Tên đổi"
    before = _counts()
    response = login("admin").post(reverse("catalog_exchange:import"), {
        "file": SimpleUploadedFile("danh-muc.xlsx", _edit(exchange.export_xlsx(full), change))})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Không có thủ tục nào được nhập." in page and "Mức thu không được là số âm." in page
    assert "Trang “Phí, lệ phí”, dòng" in page
    assert _counts() == before


def test_upload_rejects_other_files(full, login):
    client = login("admin")
    response = client.post(reverse("catalog_exchange:import"),
                           {"file": SimpleUploadedFile("danh-muc.txt", b"hello")})
    assert "Chỉ nhận tệp .json hoặc .xlsx." in response.content.decode()
    response = client.post(reverse("catalog_exchange:import"),
                           {"file": SimpleUploadedFile("danh-muc.xlsx", b"hello")})
    assert "không phải là bảng tính Excel" in response.content.decode()


@pytest.mark.parametrize("name", ["catalog_exchange:import", "catalog_exchange:export_json",
                                  "catalog_exchange:export_xlsx"])
def test_a_specialist_may_not(full, login, name):
    assert login("chuyenvien").get(reverse(name)).status_code == 403


def test_a_specialist_may_not_upload(full, login):
    before = _counts()
    response = login("chuyenvien").post(reverse("catalog_exchange:import"), {
        "file": SimpleUploadedFile("danh-muc.json", exchange.export_json(full))})
    assert response.status_code == 403 and _counts() == before


# -- the commands ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["json", "xlsx"])
def test_commands_export_and_import(full, tmp_path, kind):
    path = tmp_path / f"danh-muc.{kind}"
    out = io.StringIO()
    call_command("export_catalogue", "--format", kind, "--output", str(path), "--agency", full.code,
                 stdout=out)
    assert path.exists() and "Đã xuất danh mục" in out.getvalue()
    out = io.StringIO()
    call_command("import_catalogue", str(path), stdout=out)
    count = Procedure.objects.filter(agency=full).count()
    assert f"Đã thêm 0, cập nhật 0, giữ nguyên {count} thủ tục." in out.getvalue()


def test_import_command_prints_every_problem_and_fails(full, tmp_path):
    def change(wb):
        fees = wb["Phí, lệ phí"]
        fees.cell(_line(fees, RICH), _column(fees, "Mức thu")).value = -1
        fees.cell(_line(fees, RICH, 1), _column(fees, "Mức thu")).value = -2
    path = tmp_path / "danh-muc.xlsx"
    path.write_bytes(_edit(exchange.export_xlsx(full), change))
    before = _counts()
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_catalogue", str(path), stderr=err)
    assert raised.value.returncode == 1
    assert "Không có thủ tục nào được nhập (2 lỗi)." in str(raised.value)
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 2 and all("Mức thu không được là số âm." in line for line in lines)
    assert _counts() == before


def test_import_command_unknown_agency(full, tmp_path):
    with pytest.raises(CommandError, match=r"Không có cơ quan mã “khong-co”\."):
        call_command("import_catalogue", str(tmp_path / "x.json"), "--agency", "khong-co")


def test_an_import_waits_for_a_pending_draft_so_that_publishing_it_cannot_undo_the_import(full):
    from motcua.catalog.services import draft_data, save_draft

    procedure = Procedure.objects.get(national_code=RICH)
    save_draft(actor=None, procedure=procedure, data=draft_data(procedure))
    before = _counts()
    with pytest.raises(CatalogueInvalid) as refused:
        exchange.import_file(actor=None, agency=full, content=exchange.export_json(full), filename="d.json")
    assert [str(p) for p in refused.value.problems] == [
        f"Mã thủ tục: Thủ tục “{RICH}” đang có bản nháp chưa ban hành: hãy ban hành hoặc bỏ bản nháp trước "
        "khi nhập, để bản nháp không ghi đè nội dung nhập vào."]
    assert _counts() == before


def test_a_json_file_nested_too_deep_is_refused_plainly(full):
    with pytest.raises(CatalogueInvalid) as refused:
        exchange.read_json(b"[" * 100_000 + b"]" * 100_000)
    assert "lồng nhau quá sâu" in str(refused.value.problems[0])
