"""The reception page as a desk officer uses it: the procedure found while typing (diacritics
ignored, only procedures in force), a returning applicant found by ID, the documents ticked,
the scans attached; then accept (the receipt), guide to complete (form 02) or refuse (form 03).
A problem is shown next to its field and nothing is written."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from motcua.catalog.models import Procedure, RequiredDocument
from motcua.dossiers import services
from motcua.dossiers.models import Applicant, Dossier, DossierEvent, DossierFile, Status
from motcua.org.models import User
from tests.dossiers.conftest import VN, filing_for

CODE = "1.012767"
RECEIVE = "/ho-so/tiep-nhan/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _documents(code: str = CODE) -> list[RequiredDocument]:
    return list(Procedure.objects.get(national_code=code).current.documents.order_by("position"))


def _form(code: str = CODE, *, mandatory: bool = True, **overrides) -> dict:
    data = {"procedure": code, "channel": "direct", "id_number": "092190001234", "kind": "person",
            "name": "Nguyễn Thị Lan", "phone": "0912 345 678", "email": "lan@example.vn",
            "address": "12 Mậu Thân, Ninh Kiều, Cần Thơ", "request": "", "sets": "1",
            "return_method": "desk", "return_address": "", "missing": "", "reason": "",
            "documents_received": [d.pk for d in _documents(code) if d.mandatory or not mandatory],
            "decision": "accept"}
    data.update(overrides)
    return data


def _pdf(name: str = "don.pdf", content: bytes = b"%PDF-1.4\n%%EOF\n") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _nothing_written(media) -> None:
    assert Dossier.objects.count() == 0
    assert Applicant.objects.count() == 0
    assert DossierEvent.objects.count() == 0
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_a_complete_dossier_is_accepted_and_the_receipt_is_ready_to_print(catalogue, login):
    client = login("motcua")
    response = client.post(RECEIVE, {**_form(), "files": [_pdf("don.pdf"), _pdf("hop-dong.pdf")]})

    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("dossiers:receipt", args=[dossier.code])
    assert dossier.status == Status.PROCESSING and dossier.channel == "direct"
    assert dossier.request == dossier.procedure.name  # left empty: the procedure's name
    assert dossier.received_documents.count() == 4
    assert sorted(DossierFile.objects.values_list("filename", flat=True)) == ["don.pdf", "hop-dong.pdf"]

    receipt = client.get(response["Location"])
    html = receipt.content.decode()
    assert f"Đã tiếp nhận hồ sơ {dossier.code}" in html
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html and "Độc lập - Tự do - Hạnh phúc" in html
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in html.upper()
    assert "Cần Thơ, ngày" in html
    assert f'id="dossier-code">{dossier.code}<' in html
    assert "8 ngày làm việc" in html
    assert dossier.secret in html
    due = dossier.original_due_at.astimezone(VN)
    assert f'id="due-at">{due:%H} giờ {due:%M} phút, ngày {due:%d/%m/%Y}<' in html
    for document in dossier.received_documents.all():
        assert document.name in html


def test_a_missing_mandatory_document_is_named_and_nothing_is_written(catalogue, login, media):
    documents = _documents()
    missing = next(d for d in documents if d.mandatory)
    data = _form()
    data["documents_received"] = [d.pk for d in documents if d.mandatory and d != missing]

    response = login("motcua").post(RECEIVE, {**data, "files": [_pdf()]})

    assert response.status_code == 400
    html = response.content.decode()
    errors = re.search(r'id="docs-error"[^>]*>(.*?)</div></div>', html, re.S).group(1)
    assert "Thiếu giấy tờ bắt buộc" in errors and missing.name in errors
    assert "chọn lại tệp" in html  # the scans were not kept: the officer is told
    _nothing_written(media)


def test_every_problem_is_shown_next_to_its_field(catalogue, login, media):
    data = _form(id_number="12345", name="", phone="12", email="lan@", sets="0")
    response = login("motcua").post(RECEIVE, data)
    assert response.status_code == 400
    html = response.content.decode()
    for field in ("id_number", "name", "phone", "email", "sets"):
        assert f'id="id_{field}_error"' in html, field
    _nothing_written(media)


def test_a_scan_that_is_not_what_it_says_is_refused_with_the_other_problems(catalogue, login, media):
    data = _form(name="")
    response = login("motcua").post(RECEIVE, {**data, "files": [_pdf("scan.pdf", b"MZ not a pdf")]})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Tệp “scan.pdf” không phải là tệp PDF thật" in html
    assert 'id="id_name_error"' in html  # reported at the same time
    _nothing_written(media)


def test_without_a_procedure_the_officer_is_asked_to_choose_one(catalogue, login, media):
    response = login("motcua").post(RECEIVE, _form(procedure=""))
    assert response.status_code == 400
    assert "Hãy chọn thủ tục hành chính của hồ sơ." in response.content.decode()
    _nothing_written(media)


def test_guiding_to_complete_lists_the_unticked_mandatory_documents(catalogue, login):
    client = login("motcua")
    documents = _documents()
    page = client.get(RECEIVE + "?procedure=" + CODE).content.decode()
    box = re.search(r'<textarea name="missing"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    assert box.strip().splitlines() == [d.name for d in documents if d.mandatory]  # prefilled

    ticked = [d.pk for d in documents if d.mandatory][:2]
    missing = "Giấy chứng nhận đã cấp (bản gốc)\n\nTờ khai lệ phí trước bạ"
    response = client.post(RECEIVE, _form(decision="complete", documents_received=ticked, missing=missing))

    dossier = Dossier.objects.get()
    assert dossier.status == Status.INCOMPLETE and dossier.code is None and dossier.due_at is None
    assert response["Location"] == reverse("dossiers:completion_guide", args=[dossier.pk])
    guide = client.get(response["Location"]).content.decode()
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in guide.upper()
    listed = re.search(r'id="completion-items">(.*?)</ol>', guide, re.S).group(1)
    items = re.findall(r"<li>(.*?)</li>", listed)
    assert items == ["Giấy chứng nhận đã cấp (bản gốc)", "Tờ khai lệ phí trước bạ"]


def test_an_empty_completion_list_is_asked_for(catalogue, login, media):
    response = login("motcua").post(RECEIVE, _form(decision="complete", missing="  \n "))
    assert response.status_code == 400
    assert 'id="id_missing_error"' in response.content.decode()
    _nothing_written(media)


def test_a_refusal_needs_its_reason_and_prints_form_03(catalogue, login, media):
    client = login("motcua")
    response = client.post(RECEIVE, _form(decision="refuse", reason=""))
    assert response.status_code == 400
    assert 'id="id_reason_error"' in response.content.decode()
    _nothing_written(media)

    reason = "Thửa đất thuộc thẩm quyền của Ủy ban nhân dân cấp xã (Điều 21 Nghị định 101/2024)"
    response = client.post(RECEIVE, _form(decision="refuse", reason=reason))
    dossier = Dossier.objects.get()
    assert dossier.status == Status.REFUSED
    slip = client.get(response["Location"]).content.decode()
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in slip.upper() and reason in slip


def test_return_by_post_is_offered_only_when_the_procedure_allows_it(catalogue, login, media):
    client = login("motcua")
    assert 'name="return_method" value="post"' in client.get(RECEIVE + "?procedure=" + CODE).content.decode()
    page = client.get(RECEIVE + "?procedure=1.012790").content.decode()  # no postal return
    assert 'name="return_method" value="post"' not in page
    assert "Thủ tục này không trả kết quả qua bưu chính." in page
    assert client.post(RECEIVE, _form("1.012790", return_method="post")).status_code == 400
    response = client.post(RECEIVE, _form(return_method="post", return_address=""))
    assert response.status_code == 400
    assert "Hãy ghi địa chỉ nhận kết quả qua bưu chính." in response.content.decode()
    _nothing_written(media)


def test_the_procedure_is_found_without_diacritics_and_only_if_in_force(catalogue, login):
    client = login("motcua")
    html = client.get("/ho-so/tiep-nhan/tim-thu-tuc/?q=dang ky bien dong").content.decode()
    assert "1.012767" in html and "Đăng ký biến động" in html
    assert "1.013012" not in client.get("/ho-so/tiep-nhan/tim-thu-tuc/?q=khai thac cat soi").content.decode()
    assert "1.004249" not in client.get("/ho-so/tiep-nhan/tim-thu-tuc/?q=chat thai nguy hai").content.decode()
    block = client.get("/ho-so/tiep-nhan/thu-tuc/?procedure=1.012767").content.decode()
    assert 'name="procedure" value="1.012767"' in block
    assert all(d.name in block for d in _documents())
    assert block.count("(bắt buộc)") == sum(d.mandatory for d in _documents())


def test_a_suspended_procedure_cannot_be_received(catalogue, login, media):
    response = login("motcua").post(RECEIVE, _form("1.013012"))
    assert response.status_code == 400
    assert "không tiếp nhận hồ sơ mới" in response.content.decode()
    _nothing_written(media)


def test_a_returning_applicant_is_found_by_id_number(catalogue, login, procedure, staff):
    services.accept_dossier(actor=staff("motcua"), filing=filing_for(procedure(CODE)))
    client = login("motcua")
    found = client.get("/ho-so/tiep-nhan/nguoi-nop/?id_number=0921 9000 1234")
    assert found.status_code == 200
    html = found.content.decode()
    assert 'value="Nguyễn Thị Lan"' in html and 'value="12 Mậu Thân, Ninh Kiều, Cần Thơ"' in html
    assert client.get("/ho-so/tiep-nhan/nguoi-nop/?id_number=079000000000").status_code == 204


def test_only_desk_officers_receive(catalogue, login):
    for username in ("chuyenvien2", "lanhdao"):
        client = login(username)
        assert client.get(RECEIVE).status_code == 403
        assert client.post(RECEIVE, _form()).status_code == 403
    assert Dossier.objects.count() == 0


def _incomplete(staff, procedure) -> Dossier:
    filing = filing_for(procedure(CODE))
    filing.documents_received = filing.documents_received[:1]
    return services.request_completion(actor=staff("motcua"), filing=filing,
                                       missing=["Giấy chứng nhận đã cấp"])


def test_a_dossier_waiting_at_the_desk_is_accepted_from_its_page_prefilled(catalogue, login, procedure,
                                                                           staff):
    waiting = _incomplete(staff, procedure)
    client = login("motcua2")
    page = client.get(reverse("dossiers:detail", args=[waiting.pk])).content.decode()
    url = reverse("dossiers:receive_waiting", args=[waiting.pk])
    assert url in page
    form = client.get(url).content.decode()
    assert 'value="Nguyễn Thị Lan"' in form and 'value="092190001234"' in form
    assert f'name="version" value="{waiting.lock_version}"' in form
    ticked = re.findall(r'name="documents_received" value="(\d+)"[^>]*checked', form)
    assert ticked == [str(waiting.received_documents.get().required_document_id)]
    assert 'value="complete"' not in form  # guided once already: accept or refuse only

    response = client.post(url, _form(version=waiting.lock_version))

    waiting.refresh_from_db()
    assert waiting.status == Status.PROCESSING and waiting.code
    assert response["Location"] == reverse("dossiers:receipt", args=[waiting.code])
    assert Dossier.objects.count() == 1


def test_a_waiting_dossier_changed_meanwhile_says_so(catalogue, login, procedure, staff, media):
    waiting = _incomplete(staff, procedure)
    seen = waiting.lock_version
    from motcua.common.uploads import check_upload

    services.attach_files(actor=staff("motcua"), dossier=waiting, files=[check_upload(_pdf())])
    response = login("motcua2").post(reverse("dossiers:receive_waiting", args=[waiting.pk]),
                                     _form(version=seen), follow=True)
    assert response.redirect_chain[-1][0] == reverse("dossiers:detail", args=[waiting.pk])
    assert any("vừa được người khác cập nhật" in str(m) for m in response.context["messages"])
    waiting.refresh_from_db()
    assert waiting.status == Status.INCOMPLETE and waiting.code is None


def test_a_waiting_dossier_is_not_accepted_twice(catalogue, login, procedure, staff):
    waiting = _incomplete(staff, procedure)
    seen = waiting.lock_version
    services.accept_dossier(actor=staff("motcua"), filing=filing_for(procedure(CODE)), dossier=waiting,
                            expected_version=seen)
    client = login("motcua2")
    response = client.post(reverse("dossiers:receive_waiting", args=[waiting.pk]), _form(version=seen),
                           follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert any("không còn chờ tiếp nhận" in m for m in messages)
    assert Dossier.objects.get().received_by == User.objects.get(username="motcua")


def test_the_same_reception_page_sent_twice_makes_one_dossier(catalogue, login):
    data = {**_form(), "submission": "9f1c2e7a0b3d4c5e6f708192a3b4c5d6"}
    client = login("motcua")
    first = client.post(RECEIVE, data)
    second = client.post(RECEIVE, data)  # a double click, or the browser resending the form
    assert first.status_code == second.status_code == 302
    assert first.url == second.url  # both go to the receipt of the one dossier
    assert Dossier.objects.count() == 1
