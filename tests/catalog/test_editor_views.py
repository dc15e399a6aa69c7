"""The catalogue's staff pages as an administrator, a desk officer and a specialist use them:
the list and search, a procedure and its versions, and the editor (create, edit through a
draft, reorder steps, publish, copy, suspend, discard)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from motcua.audit.models import AuditEvent
from motcua.catalog import services
from motcua.catalog.models import FormTemplate, Procedure, ProcedureVersion, ProcessStep, Status
from motcua.org.models import Agency

CODE = "1.004227"  # demo: 20 working days, its steps use exactly 20


class _FormReader(HTMLParser):
    """The values a browser would submit for each ``<form method="post">`` of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self.values: list[tuple[str, str]] = []
        self.in_form = False
        self.select: str | None = None
        self.select_value: str | None = None
        self.first_option: str | None = None
        self.textarea: str | None = None
        self.text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("method") == "post":
            self.in_form, self.values = True, []
            self.forms.append(self.values)
        if not self.in_form:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "file", "button"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.values.append((name, a.get("value", "on")))
            else:
                self.values.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self.select, self.select_value, self.first_option = name, None, None
        elif tag == "option" and self.select:
            if self.first_option is None:
                self.first_option = a.get("value", "")
            if "selected" in a:
                self.select_value = a.get("value", "")
        elif tag == "textarea" and name:
            self.textarea, self.text = name, ""

    def handle_endtag(self, tag):
        if tag == "form" and self.in_form:
            self.in_form = False
        elif tag == "select" and self.select:
            value = self.select_value if self.select_value is not None else self.first_option
            self.values.append((self.select, value or ""))
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.values.append((self.textarea, self.text.removeprefix("\n")))
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.text += data


def form_values(response) -> dict[str, str]:
    """What the page's main form (the one with the most fields) submits as it is."""
    reader = _FormReader()
    reader.feed(response.content.decode())
    return dict(max(reader.forms, key=len))


def _page(response) -> str:
    return response.content.decode()


def _events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def _procedure(code: str = CODE) -> Procedure:
    return Procedure.objects.get(national_code=code)


def _step_rows(values: dict[str, str]) -> int:
    return int(values["steps-TOTAL_FORMS"])


@pytest.fixture
def admin(login, catalogue):
    return login("admin")


# --- Reading ------------------------------------------------------------------------------------


def test_every_staff_member_reads_the_list_and_searches_without_diacritics(login, catalogue):
    client = login("motcua")
    response = client.get(reverse("catalog:list"), {"q": "cap giay chung nhan lan dau to chuc"})
    assert response.status_code == 200
    page = _page(response)
    assert CODE in page
    assert "Thêm thủ tục" not in page  # only administrators edit
    assert 'href="/danh-muc-thu-tuc/"' in _page(client.get(reverse("ui:home")))  # in the menu
    live = client.get(reverse("catalog:list"), {"q": "so do"}, headers={"HX-Request": "true"})
    assert _page(live).startswith('<div id="procedure-results">') and CODE in _page(live)
    same_day = client.get(reverse("catalog:list"), {"q": "1.012772"})
    assert "Trong ngày" in _page(same_day)  # a time limit of 0 days is the same-day rule


def test_list_filters_by_status_and_shows_badges(admin):
    services.set_status(actor=None, procedure=_procedure(), status=Status.SUSPENDED,
                        since=dt.date(2026, 3, 2), note="QĐ 12/QĐ-UBND")
    response = admin.get(reverse("catalog:list"), {"status": "suspended"})
    codes = [row["procedure"].national_code for row in response.context["rows"]]
    assert CODE in codes
    assert all(row["procedure"].status == Status.SUSPENDED for row in response.context["rows"])
    assert "Tạm ngừng" in _page(response)
    assert "Thêm thủ tục" in _page(response)


def test_detail_shows_documents_fees_steps_and_total(login, catalogue):
    response = login("chuyenvien").get(reverse("catalog:detail", args=[CODE]))
    page = _page(response)
    assert response.status_code == 200
    assert "100.000 đồng" in page and "1.500.000 đồng" in page
    assert "Tổng thời gian quy trình: 20 ngày làm việc — thời hạn giải quyết: 20 ngày làm việc." in page
    assert "Song song (ykien-lan-dau)" in page
    assert "Lịch sử phiên bản" in page
    assert reverse("catalog:edit", args=[CODE]) not in page  # no edit buttons for a specialist
    assert reverse("catalog:version", args=[CODE, 1]) in page


def test_another_agencys_procedure_is_not_found(admin):
    other = Agency.objects.create(code="000.00.99.H13", name="UBND xã Thử", place_name="Cần Thơ")
    Procedure.objects.filter(national_code=CODE).update(agency=other)
    assert admin.get(reverse("catalog:detail", args=[CODE])).status_code == 404
    assert admin.post(reverse("catalog:edit", args=[CODE]), {}).status_code == 404
    assert admin.get(reverse("catalog:version", args=[CODE, 1])).status_code == 404
    assert CODE not in _page(admin.get(reverse("catalog:list")))


def test_a_specialist_cannot_change_anything(login, catalogue):
    client = login("chuyenvien")
    versions = ProcedureVersion.objects.count()
    assert client.get(reverse("catalog:edit", args=[CODE])).status_code == 403
    assert client.post(reverse("catalog:edit", args=[CODE]), {"name": "x"}).status_code == 403
    assert client.post(reverse("catalog:create"), {"code": "1.999999"}).status_code == 403
    assert client.post(reverse("catalog:copy", args=[CODE]),
                       {"code": "1.999999", "name": "Bản sao"}).status_code == 403
    assert client.post(reverse("catalog:suspend", args=[CODE]),
                       {"since": "2026-03-02"}).status_code == 403
    assert client.post(reverse("catalog:publish", args=[CODE]), {}).status_code == 403
    assert ProcedureVersion.objects.count() == versions
    assert _procedure().status == Status.IN_FORCE
    assert not Procedure.objects.filter(national_code="1.999999").exists()


# --- Editing a published procedure --------------------------------------------------------------


def test_edit_then_publish_keeps_the_old_version_unchanged(admin):
    procedure = _procedure()
    old = procedure.current
    old_steps = list(old.steps.values_list("pk", "name", "allotted_value"))
    old_documents = list(old.documents.values_list("pk", "name"))
    url = reverse("catalog:edit", args=[CODE])
    values = form_values(admin.get(url))
    values["name"] = "Đăng ký đất đai lần đầu (sửa đổi)"
    values["documents-0-name"] = "Đơn đăng ký theo Mẫu số 04/ĐK mới"
    values["action"] = "save"
    response = admin.post(url, values, follow=True)
    assert response.redirect_chain[-1][0] == url
    assert "Đã lưu bản nháp" in _page(response)
    procedure.refresh_from_db()
    assert procedure.current_id == old.pk  # not yet in force
    assert _events("catalog.draft.save") == 1

    response = admin.post(reverse("catalog:publish", args=[CODE]),
                          {"effective_from": "2026-04-01", "decision": "QĐ 99/QĐ-UBND"}, follow=True)
    page = _page(response)
    assert "Đã ban hành phiên bản 2" in page
    assert "Đăng ký đất đai lần đầu (sửa đổi)" in page
    assert "Đơn đăng ký theo Mẫu số 04/ĐK mới" in page
    assert _events("catalog.version.publish") == 1
    old.refresh_from_db()
    assert old.name.startswith("Đăng ký đất đai, tài sản gắn liền với đất")
    assert list(old.steps.values_list("pk", "name", "allotted_value")) == old_steps
    assert list(old.documents.values_list("pk", "name")) == old_documents
    old_page = _page(admin.get(reverse("catalog:version", args=[CODE, old.number])))
    assert "Đơn đăng ký theo Mẫu số 04/ĐK mới" not in old_page
    assert "Đã được thay thế" in old_page


def test_overrun_shows_the_excess_and_saves_nothing(admin):
    url = reverse("catalog:edit", args=[CODE])
    values = form_values(admin.get(url))
    assert values["steps-2-allotted_value"] == "5"
    values["steps-2-allotted_value"] = "6,5"
    values["name"] = "Tên không được lưu"
    counts = (ProcedureVersion.objects.count(), ProcessStep.objects.count(), AuditEvent.objects.count())
    response = admin.post(url, values)
    assert response.status_code == 400
    page = _page(response)
    assert ("Tổng thời gian các bước của quy trình nội bộ là 21,5 ngày làm việc, vượt thời hạn giải "
            "quyết 20 ngày làm việc là 1,5 ngày làm việc.") in page
    steps_section = page.index('id="sec-steps"')
    assert page.index("vượt thời hạn giải quyết", steps_section) < page.index('name="steps-0-name"')
    assert counts == (ProcedureVersion.objects.count(), ProcessStep.objects.count(),
                      AuditEvent.objects.count())
    assert _procedure().name != "Tên không được lưu"


def test_steps_are_saved_in_the_order_of_their_numbers(admin):
    url = reverse("catalog:edit", args=[CODE])
    values = form_values(admin.get(url))
    first, last = values["steps-0-name"], values[f"steps-{_step_rows(values) - 3}-name"]
    values["steps-0-position"] = "50"  # the reception step moves to the end
    admin.post(url, values)
    draft = _procedure().versions.drafts().get()
    names = list(draft.steps.values_list("name", flat=True))
    assert names[-1] == first
    assert names[-2] == last
    assert len(names) == 9


def test_rows_are_added_deleted_and_bad_values_shown_next_to_the_field(admin):
    url = reverse("catalog:edit", args=[CODE])
    values = form_values(admin.get(url))
    fees = int(values["fees-TOTAL_FORMS"])
    response = admin.post(url, {**values, "add": "fees"})
    assert response.status_code == 200
    assert int(form_values(response)["fees-TOTAL_FORMS"]) == fees + 1
    assert not _procedure().versions.drafts().exists()  # adding a row saves nothing

    values = form_values(response)
    values[f"fees-{fees}-name"] = "Phí khai thác tài liệu"  # the row just added
    values[f"fees-{fees}-amount"] = "-5"
    values["fees-0-DELETE"] = "on"
    response = admin.post(url, values)
    assert response.status_code == 400
    assert "Mức thu không được là số âm." in _page(response)
    values[f"fees-{fees}-amount"] = "250.000"
    admin.post(url, values)
    draft = _procedure().versions.drafts().get()
    assert list(draft.fees.values_list("name", "amount")) == [
        ("Phí thẩm định hồ sơ cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
         1500000), ("Phí khai thác tài liệu", 250000)]


def test_a_step_without_anyone_to_do_it_is_refused_in_its_row(admin):
    url = reverse("catalog:edit", args=[CODE])
    values = form_values(admin.get(url))
    values["steps-0-unit"] = values["steps-0-role"] = ""
    response = admin.post(url, values)
    assert response.status_code == 400
    assert "phải có đơn vị, vai trò hoặc cơ quan phối hợp thực hiện" in _page(response)
    assert not _procedure().versions.drafts().exists()


def test_template_upload_is_checked_and_kept(admin):
    url = reverse("catalog:edit", args=[CODE])
    values = form_values(admin.get(url))
    templates = FormTemplate.objects.count()
    fake = io.BytesIO(b"MZ not a word document")
    fake.name = "mau-04.docx"
    response = admin.post(url, {**values, "documents-0-template_file": fake})
    assert response.status_code == 400
    assert "không phải là tệp docx hợp lệ" in _page(response)
    assert FormTemplate.objects.count() == templates
    assert not _procedure().versions.drafts().exists()

    package = io.BytesIO()
    with zipfile.ZipFile(package, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    package.seek(0)
    package.name = "mau-04.docx"
    admin.post(url, {**values, "documents-0-template_file": package})
    draft = _procedure().versions.drafts().get()
    template = draft.documents.get(position=1).template
    assert template.filename == "mau-04.docx"
    # saved again without a new file: the template stays
    values = form_values(admin.get(url))
    assert values["documents-0-template_sha256"] == template.sha256
    admin.post(url, values)
    assert _procedure().versions.drafts().get().documents.get(position=1).template == template
    download = admin.get(reverse("catalog:template", args=[template.sha256]))
    assert download.status_code == 200
    assert download.content == bytes(template.content)


# --- Creating, copying, publishing, status, discarding ------------------------------------------


def test_create_a_procedure_as_a_draft_then_publish(admin):
    values = form_values(admin.get(reverse("catalog:create")))
    values.update({
        "code": "1.012345", "name": "Cung cấp dữ liệu đất đai", "field": "dat-dai",
        "receiving_desk": "mot-cua", "time_limit_value": "3", "result": "Dữ liệu đất đai",
        "legal_basis": "Luật Đất đai 2024\nNghị định 101/2024/NĐ-CP", "keywords": "trích lục, bản đồ",
        "documents-0-name": "Phiếu yêu cầu cung cấp dữ liệu", "fees-0-name": "Phí khai thác",
        "fees-0-amount": "100000",
        "steps-0-position": "2", "steps-0-name": "Xử lý yêu cầu", "steps-0-kind": "appraise",
        "steps-0-unit": "vpdk-dk", "steps-0-role": "specialist", "steps-0-allotted_value": "2",
        "steps-1-position": "1", "steps-1-name": "Tiếp nhận", "steps-1-kind": "receive",
        "steps-1-unit": "mot-cua", "steps-1-allotted_value": "0,5",
        "action": "publish",
    })
    response = admin.post(reverse("catalog:create"), values)
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:publish", args=["1.012345"])
    procedure = _procedure("1.012345")
    assert procedure.current is None
    draft = procedure.versions.drafts().get()
    assert list(draft.steps.values_list("name", flat=True)) == ["Tiếp nhận", "Xử lý yêu cầu"]
    assert draft.legal_basis == ["Luật Đất đai 2024", "Nghị định 101/2024/NĐ-CP"]
    assert draft.keywords == ["trích lục", "bản đồ"]
    assert _events("catalog.procedure.create") == 1
    page = _page(admin.get(reverse("catalog:detail", args=["1.012345"])))
    assert "Chưa ban hành" in page and "đây là nội dung của bản nháp" in page
    admin.post(reverse("catalog:publish", args=["1.012345"]), {"effective_from": "2026-05-01"})
    procedure.refresh_from_db()
    assert procedure.current.number == 1 and procedure.current.effective_from == dt.date(2026, 5, 1)


def test_create_with_a_taken_code_says_so_next_to_the_code(admin):
    values = form_values(admin.get(reverse("catalog:create")))
    values.update({"code": CODE, "name": "Trùng mã", "field": "dat-dai", "time_limit_value": "3",
                   "result": "x", "documents-0-name": "Đơn", "steps-0-name": "Tiếp nhận",
                   "steps-0-kind": "receive", "steps-0-unit": "mot-cua", "steps-0-allotted_value": "0,5",
                   "steps-0-allotted_unit": "day"})
    procedures = Procedure.objects.count()
    response = admin.post(reverse("catalog:create"), values)
    assert response.status_code == 400
    assert f"Mã thủ tục “{CODE}” đã có trong danh mục." in _page(response)
    assert Procedure.objects.count() == procedures


def test_copy_makes_a_new_draft_procedure(admin):
    response = admin.post(reverse("catalog:copy", args=[CODE]),
                          {"code": "1.004227.000.00.00.H13", "name": "Biến thể cho hộ gia đình"})
    assert response.status_code == 302
    copy = _procedure("1.004227.000.00.00.H13")
    assert copy.current is None and copy.name == "Biến thể cho hộ gia đình"
    assert copy.versions.drafts().get().steps.count() == 9
    assert _events("catalog.procedure.copy") == 1
    taken = admin.post(reverse("catalog:copy", args=[CODE]), {"code": CODE, "name": "x"})
    assert taken.status_code == 400 and "đã có trong danh mục" in _page(taken)
    bad = admin.post(reverse("catalog:copy", args=[CODE]), {"code": "abc", "name": "x"})
    assert bad.status_code == 400 and "không đúng dạng" in _page(bad)


def test_suspend_shows_the_badge_and_the_date_then_reinstate(admin):
    response = admin.post(reverse("catalog:suspend", args=[CODE]),
                          {"since": "2026-03-02", "note": "QĐ 12/QĐ-UBND"}, follow=True)
    page = _page(response)
    assert "Tạm ngừng từ ngày 02/03/2026." in page and "QĐ 12/QĐ-UBND" in page
    assert _procedure().status == Status.SUSPENDED
    assert admin.post(reverse("catalog:suspend", args=[CODE]), {"since": "hôm qua"}).status_code == 400
    admin.post(reverse("catalog:reinstate", args=[CODE]), {"since": "2026-04-01"})
    assert _procedure().status == Status.IN_FORCE
    assert _events("catalog.procedure.status") == 2


def test_discard_a_draft_keeps_the_current_version(admin):
    url = reverse("catalog:edit", args=[CODE])
    values = form_values(admin.get(url))
    admin.post(url, {**values, "name": "Bản nháp bỏ đi"})
    assert "Bỏ bản nháp" in _page(admin.get(reverse("catalog:detail", args=[CODE])))
    response = admin.post(reverse("catalog:discard", args=[CODE]), follow=True)
    assert "Đã bỏ bản nháp" in _page(response)
    procedure = _procedure()
    assert not procedure.versions.drafts().exists() and procedure.current.number == 1
    assert "Bản nháp bỏ đi" not in procedure.name
    assert _events("catalog.draft.discard") == 1


def test_publish_without_a_draft_says_there_is_nothing_to_publish(admin):
    response = admin.post(reverse("catalog:publish", args=[CODE]), {"effective_from": "2026-04-01"},
                          follow=True)
    assert "không có bản nháp" in _page(response)
    assert _procedure().current.number == 1


def test_the_list_leads_administrators_to_import_and_export(demo, login):
    assert "/danh-muc-thu-tuc/nhap/" in login("admin").get("/danh-muc-thu-tuc/").content.decode()
    assert "/danh-muc-thu-tuc/nhap/" not in login("chuyenvien").get("/danh-muc-thu-tuc/").content.decode()
