"""The public catalogue: browse, search, a page per procedure, template downloads — anonymous."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from motcua.catalog import selectors
from motcua.catalog.demo_forms import blank_form_docx
from motcua.catalog.models import Procedure, RequiredDocument
from motcua.catalog.services import create_procedure, import_catalogue

LIST = "/dich-vu-cong/thu-tuc/"
FORM_BYTES = blank_form_docx("Đơn đề nghị cấp đổi Giấy chứng nhận", recipient="Văn phòng Đăng ký đất đai",
                             place="Cần Thơ")
OTHER_FORM_BYTES = b"%PDF-1.4 mau bao cao dtm"


def _template(filename: str, content: bytes) -> dict:
    return {"filename": filename, "content_type": "", "sha256": hashlib.sha256(content).hexdigest(),
            "base64": base64.b64encode(content).decode("ascii")}


def _procedure(code: str, name: str, field: str, **extra) -> dict:
    data = {
        "code": code, "name": name, "field": field, "level": "province",
        "receiving_desk": "mot-cua", "time_limit": {"value": "10", "unit": "day"},
        "documents": [{"name": "Đơn đề nghị", "originals": 1, "copies": 0}],
        "result_kind": "decision", "result": "Quyết định", "online_level": "partial",
        "steps": [{"name": "Tiếp nhận và xử lý hồ sơ", "kind": "appraise", "unit": "mot-cua",
                   "allotted": {"value": "1", "unit": "day"}}],
    }
    data.update(extra)
    return data


CATALOGUE = [
    _procedure(
        "1.004227", "Cấp đổi Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn "
        "liền với đất", "dat-dai", time_limit={"value": "7", "unit": "day"},
        implementing_agency="Văn phòng Đăng ký đất đai",
        fees=[{"name": "Lệ phí cấp giấy chứng nhận", "amount": 100000, "note": "mỗi giấy"},
              {"name": "Phí thẩm định hồ sơ", "amount": 1250000}],
        documents=[
            {"name": "Đơn đề nghị cấp đổi Giấy chứng nhận (Mẫu số 10/ĐK)", "originals": 1, "copies": 0,
             "mandatory": True, "file_types": ["pdf", "docx"],
             "template": _template("Mẫu số 10-ĐK đơn đề nghị.docx", FORM_BYTES)},
            {"name": "Bản gốc Giấy chứng nhận đã cấp", "originals": 1, "copies": 2, "mandatory": False,
             "file_types": ["pdf", "jpg"]},
        ],
        eligibility="Giấy chứng nhận đã cấp bị ố, nhòe, rách, hư hỏng.",
        result_kind="certificate", result="Giấy chứng nhận quyền sử dụng đất",
        legal_basis=["Luật Đất đai số 31/2024/QH15", "Nghị định 101/2024/NĐ-CP"],
        online_level="partial", post_return=True, keywords=["sổ đỏ", "sổ hồng"],
        effective_from="2025-01-01", decision="Quyết định 123/QĐ-UBND ngày 20/12/2024",
        steps=[
            {"name": "Tiếp nhận hồ sơ", "kind": "receive", "unit": "mot-cua", "role": "desk_officer",
             "allotted": {"value": "0.5", "unit": "day"}},
            {"name": "Thẩm định hồ sơ, in Giấy chứng nhận", "kind": "appraise", "unit": "vpdk-dk",
             "allotted": {"value": "5", "unit": "day"}},
            {"name": "Trả kết quả", "kind": "return", "unit": "mot-cua",
             "allotted": {"value": "0.5", "unit": "day"}},
        ]),
    _procedure("1.004203", "Đăng ký biến động quyền sử dụng đất do đổi tên người sử dụng đất", "dat-dai",
               level="commune", online_level="full"),
    _procedure("1.010727", "Cấp giấy phép môi trường", "moi-truong", online_level="full",
               time_limit={"value": "30", "unit": "day"}),
    _procedure("1.010728", "Thẩm định báo cáo đánh giá tác động môi trường", "moi-truong",
               counting_rule="plain", time_limit={"value": "20", "unit": "day"},
               documents=[{"name": "Báo cáo đánh giá tác động môi trường",
                           "template": _template("Mẫu báo cáo ĐTM.pdf", OTHER_FORM_BYTES)}]),
    _procedure("1.004232", "Cấp giấy phép khai thác, sử dụng nước dưới đất", "tai-nguyen-nuoc",
               status="suspended", status_since="2025-07-01",
               status_note="Quyết định 45/QĐ-UBND tạm ngừng để sắp xếp lại"),
    _procedure("2.001777", "Cấp giấy phép thăm dò khoáng sản", "khoang-san", status="repealed",
               status_since="2025-03-01"),
]


@pytest.fixture
def public(demo):
    """The demo agency with six published procedures (one suspended, one repealed) and one that
    is only a draft."""
    import_catalogue(actor=None, agency=demo, items=[(item, None) for item in CATALOGUE])
    create_procedure(actor=None, agency=demo, data=_procedure(
        "1.099999", "Cấp phép nháp về đất đai chưa công bố", "dat-dai"))
    return demo


def _codes(response) -> list[str]:
    return [p.national_code for p in response.context["page"].object_list]


def test_the_catalogue_is_open_to_anyone(client: Client, public):
    response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Cán bộ đăng nhập" in html and reverse("ui:login") in html
    assert public.name in html
    assert public.hotline in html
    assert "nav_items" not in response.context or not response.context["nav_items"]
    assert sorted(_codes(response)) == ["1.004203", "1.004227", "1.004232", "1.010727", "1.010728"]
    assert client.get("/dich-vu-cong/").url == LIST


def test_no_external_requests_in_the_pages(client: Client, public):
    for url in (LIST, f"{LIST}1.004227/"):
        html = client.get(url).content.decode()
        sources = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert not [s for s in sources if s.startswith(("http:", "https:", "//"))], url


@pytest.mark.parametrize(("query", "expected"), [
    ("cap doi so do", "1.004227"),
    ("so do cap doi", "1.004227"),
    ("CẤP ĐỔI giấy", "1.004227"),
    ("1.004227", "1.004227"),
    ("dtm", "1.010728"),
    ("nuoc duoi dat khai thac", "1.004232"),
])
def test_search_ignores_diacritics_case_and_word_order(client: Client, public, query, expected):
    response = client.get(LIST, {"q": query})
    assert _codes(response)[0] == expected


def test_dat_dai_finds_the_land_procedures(client: Client, public):
    codes = _codes(client.get(LIST, {"q": "dat dai"}))
    assert {"1.004227", "1.004203"} <= set(codes)
    assert "1.010727" not in codes


def test_nothing_found_is_explained(client: Client, public):
    response = client.get(LIST, {"q": "xyzxyz"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Không tìm thấy thủ tục nào phù hợp" in html
    assert public.hotline in html


def test_field_and_level_filters(client: Client, public):
    response = client.get(LIST, {"field": "moi-truong"})
    assert sorted(_codes(response)) == ["1.010727", "1.010728"]
    counts = {c.field.code: c.count for c in response.context["catalogue"].fields}
    assert counts == {"dat-dai": 2, "moi-truong": 2, "tai-nguyen-nuoc": 1}
    assert _codes(client.get(LIST, {"level": "commune"})) == ["1.004203"]
    assert _codes(client.get(LIST, {"q": "dat", "field": "dat-dai", "level": "province"})) == ["1.004227"]
    assert sorted(_codes(client.get(LIST, {"online": "full"}))) == ["1.004203", "1.010727"]
    # A field with no match under the query: nothing, and the field stays listed with 0.
    response = client.get(LIST, {"q": "khai thac", "field": "moi-truong"})
    assert _codes(response) == []
    assert {c.field.code: c.count for c in response.context["catalogue"].fields}["moi-truong"] == 0


@pytest.mark.parametrize("params", [
    {"page": "abc"}, {"page": "-1"}, {"page": "99999"}, {"q": "đất " * 2000}, {"q": "a b c d e " * 500},
    {"field": "unknown"}, {"field": "x" * 500}, {"level": "moon"}, {"online": "<script>"},
    {"q": "%_\\'\""},
])
def test_bad_input_is_never_an_error(client: Client, public, params):
    assert client.get(LIST, params).status_code == 200


def test_draft_and_repealed_procedures_are_not_public(client: Client, public):
    assert Procedure.objects.filter(national_code="1.099999", current__isnull=True).exists()
    codes = _codes(client.get(LIST, {"q": "cap phep"}))
    assert "1.099999" not in codes and "2.001777" not in codes
    assert _codes(client.get(LIST, {"q": "tham do khoang san"})) == []
    for code in ("1.099999", "2.001777", "9.999999", "không-có"):
        response = client.get(f"{LIST}{quote(code)}/")
        assert response.status_code == 404
        assert "Không tìm thấy thủ tục" in response.content.decode()


def test_a_suspended_procedure_is_shown_with_a_warning(client: Client, public):
    response = client.get(f"{LIST}1.004232/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Thủ tục đang tạm ngừng thực hiện từ ngày 01/07/2025" in html
    assert "Quyết định 45/QĐ-UBND" in html
    assert "Tạm ngừng" in client.get(LIST, {"q": "nuoc duoi dat"}).content.decode()


def test_the_detail_page_has_everything(client: Client, public):
    response = client.get(f"{LIST}1.004227/")
    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        "1.004227", "Cấp đổi Giấy chứng nhận quyền sử dụng đất", "Đất đai", "Cấp tỉnh",
        "Văn phòng Đăng ký đất đai", "Bộ phận Tiếp nhận và Trả kết quả",
        "7 ngày làm việc", "Ngày làm việc, kể từ ngày làm việc tiếp theo",
        "100.000 đồng", "1.250.000 đồng", "mỗi giấy",
        "Đơn đề nghị cấp đổi Giấy chứng nhận (Mẫu số 10/ĐK)", "Bản gốc Giấy chứng nhận đã cấp",
        "Nếu có", "Mẫu số 10-ĐK đơn đề nghị.docx",
        "Giấy chứng nhận đã cấp bị ố, nhòe, rách, hư hỏng.", "Giấy chứng nhận quyền sử dụng đất",
        "Luật Đất đai số 31/2024/QH15", "Nghị định 101/2024/NĐ-CP", "Một phần",
        "Trả kết quả qua dịch vụ bưu chính", "Đang áp dụng", "01/01/2025",
        "Quyết định 123/QĐ-UBND ngày 20/12/2024",
        "Quy trình nội bộ", "Tiếp nhận hồ sơ", "Thẩm định hồ sơ, in Giấy chứng nhận", "0,5 ngày làm việc",
        "5 ngày làm việc", "6 ngày làm việc", "Phòng Đăng ký và Cấp giấy chứng nhận",
        'class="btn btn-outline-primary js-print"', "portal/portal.css",
    ):
        assert text in html, text
    document = RequiredDocument.objects.get(name__startswith="Đơn đề nghị cấp đổi")
    assert reverse("portal:template_download", args=["1.004227", document.pk]) in html


def test_no_fees_and_a_rule_that_is_not_a_preset(client: Client, public):
    html = client.get(f"{LIST}1.010727/").content.decode()
    assert "Không thu phí, lệ phí" in html
    assert "30 ngày làm việc" in html and "Toàn trình" in html
    html = client.get(f"{LIST}1.010728/").content.decode()
    assert "Tính theo giờ làm việc, từ lúc tiếp nhận" in html  # the "plain" preset's label


def test_template_download(client: Client, public):
    document = RequiredDocument.objects.get(name__startswith="Đơn đề nghị cấp đổi")
    response = client.get(reverse("portal:template_download", args=["1.004227", document.pk]))
    assert response.status_code == 200
    assert response.content == FORM_BYTES
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="Mau so 10-DK don de nghi.docx"' in disposition
    assert f"filename*=UTF-8''{quote('Mẫu số 10-ĐK đơn đề nghị.docx', safe='')}" in disposition


def test_template_download_only_for_the_procedure_s_current_version(client: Client, public):
    other = RequiredDocument.objects.get(name="Báo cáo đánh giá tác động môi trường")
    assert client.get(reverse("portal:template_download", args=["1.010728", other.pk])).status_code == 200
    assert client.get(reverse("portal:template_download", args=["1.004227", other.pk])).status_code == 404
    no_template = RequiredDocument.objects.get(name="Bản gốc Giấy chứng nhận đã cấp")
    assert client.get(reverse("portal:template_download",
                              args=["1.004227", no_template.pk])).status_code == 404
    assert client.get(f"{LIST}1.004227/mau/999999/").status_code == 404


def test_a_superseded_version_s_template_is_not_served(client: Client, public):
    old = RequiredDocument.objects.get(name__startswith="Đơn đề nghị cấp đổi")
    changed = dict(CATALOGUE[0], name=CATALOGUE[0]["name"] + " (sửa đổi)")
    import_catalogue(actor=None, agency=public, items=[(changed, None)])
    url = reverse("portal:template_download", args=["1.004227", old.pk])
    assert client.get(url).status_code == 404
    current = RequiredDocument.objects.filter(name=old.name).exclude(pk=old.pk).get()
    response = client.get(reverse("portal:template_download", args=["1.004227", current.pk]))
    assert response.content == FORM_BYTES


def test_the_detail_page_prints_cleanly():
    css = Path(finders.find("portal/portal.css")).read_text(encoding="utf-8")
    assert "@media print" in css
    printed = css[css.index("@media print"):]
    assert "size: A4" in printed
    for hidden in ("header", "footer.portal-footer", ".no-print", ".btn"):
        assert hidden in printed


def test_english_chrome_via_the_language_cookie(client: Client, public):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for url in (LIST, f"{LIST}1.004227/", f"{LIST}?q=dat+dai"):
        response = client.get(url)
        assert response.status_code == 200
        assert '<html lang="en">' in response.content.decode()


def test_live_search_returns_only_the_results(client: Client, public):
    response = client.get(LIST, {"q": "moi truong"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<div id="catalogue"' in html and "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_the_list_makes_a_fixed_number_of_queries(client: Client, demo, django_assert_max_num_queries):
    items = [_procedure(f"1.{100000 + i}", f"Thủ tục đất đai số {i}", ("dat-dai", "moi-truong")[i % 2])
             for i in range(60)]
    import_catalogue(actor=None, agency=demo, items=[(item, None) for item in items])
    with django_assert_max_num_queries(5):
        response = client.get(LIST, {"q": "thu tuc"})
    assert len(response.context["page"].object_list) == 30
    assert "10 ngày làm việc" in response.content.decode()
    with django_assert_max_num_queries(5):
        client.get(LIST, {"page": "2"})


def test_the_detail_page_makes_a_fixed_number_of_queries(client: Client, public,
                                                          django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        assert client.get(f"{LIST}1.004227/").status_code == 200


def test_selector_public_catalogue_without_agency():
    assert selectors.public_catalogue(None, q="dat").procedures == []


def test_the_demo_catalogue_search(client: Client, demo, request):
    """On the demo catalogue (demo_catalogue.json), once it is there."""
    from motcua.catalog.demo import DEMO_FILE

    if not DEMO_FILE.exists():
        pytest.skip("demo_catalogue.json not available yet")
    request.getfixturevalue("catalogue")
    names = [p.name for p in client.get(LIST, {"q": "cap doi so do"}).context["page"].object_list]
    assert names and names[0].startswith("Cấp đổi Giấy chứng nhận")
    land = client.get(LIST, {"q": "dat dai"}).context["page"].object_list
    assert land and any(p.field.code == "dat-dai" for p in land)


def test_a_long_query_still_needs_every_word(client: Client, public):
    name = "Cấp đổi Giấy chứng nhận quyền sử dụng đất quyền sở hữu nhà ở và tài sản khác gắn liền với đất"
    assert _codes(client.get(LIST, {"q": name})) == ["1.004227"]
    assert _codes(client.get(LIST, {"q": f"{name} zzz"})) == []
    assert _codes(client.get(LIST, {"q": f"zzz {name}"})) == []


def test_a_word_that_begins_another_is_implied(public):
    found = selectors.search_procedures(public, q="c cap doi d")
    assert found[0].national_code == "1.004227"
    assert {p.national_code for p in found} == {p.national_code for p in selectors.search_procedures(
        public, q="cap doi")}
