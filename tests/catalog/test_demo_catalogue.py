"""The demo department's catalogue: what a visitor to the demo finds."""

from __future__ import annotations

import io
import zipfile

import pytest

from motcua.catalog.models import Procedure, Status
from motcua.catalog.selectors import search_procedures
from motcua.catalog.spec import process_total


def test_the_demo_department_publishes_the_procedures_a_department_of_natural_resources_handles(catalogue):
    published = Procedure.objects.published().filter(agency=catalogue)
    assert published.count() >= 25
    names = " | ".join(published.values_list("name", flat=True)).lower()
    for kind in ("lần đầu", "cấp đổi", "cấp lại", "tác động môi trường", "giấy phép môi trường",
                 "nước dưới đất", "khai thác khoáng sản"):
        assert kind in names, kind
    assert set(published.values_list("field__code", flat=True)) >= {
        "dat-dai", "moi-truong", "tai-nguyen-nuoc", "khoang-san"}
    assert Procedure.objects.filter(status=Status.SUSPENDED).exists()
    assert Procedure.objects.filter(status=Status.REPEALED).exists()


def test_every_demo_process_fits_its_legal_time(catalogue):
    for procedure in Procedure.objects.filter(agency=catalogue).select_related("current"):
        version = procedure.current
        assert version.steps.exists(), procedure.national_code
        needed = process_total(version.steps.all())
        assert needed.minutes <= version.time_limit.minutes, procedure.national_code


def test_application_forms_come_with_a_blank_word_form_to_download(catalogue):
    procedure = Procedure.objects.get(agency=catalogue, name__startswith="Cấp đổi Giấy chứng nhận")
    document = procedure.current.documents.exclude(template=None).first()
    assert document is not None and document.name.startswith("Đơn")
    with zipfile.ZipFile(io.BytesIO(bytes(document.template.content))) as docx:
        text = docx.read("word/document.xml").decode("utf-8")
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Cần Thơ, ngày" in text
    assert document.template.filename.endswith(".docx")


@pytest.mark.parametrize(("query", "first"), [
    ("cap doi so do", "Cấp đổi Giấy chứng nhận"),
    ("dtm", "Thẩm định báo cáo đánh giá tác động môi trường"),
    ("giay phep khai thac nuoc duoi dat", "Cấp giấy phép khai thác, sử dụng nước dưới đất"),
])
def test_what_people_type_finds_the_procedure_first(catalogue, query, first):
    found = search_procedures(catalogue, q=query)
    assert found[0].name.startswith(first), [p.name for p in found[:3]]
