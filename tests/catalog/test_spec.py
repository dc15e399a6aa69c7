"""Checking a procedure's data: the process time with parallel and optional steps, and the
messages an administrator reads when something is wrong."""

from __future__ import annotations

from decimal import Decimal

import pytest

from motcua.catalog.spec import CatalogueInvalid, StepSpec, parse_procedure, process_total


def _step(value: str, unit: str = "day", group: str = "", optional: bool = False) -> StepSpec:
    return StepSpec(name="b", kind="appraise", unit=None, role="specialist", allotted_value=Decimal(value),
                    allotted_unit=unit, optional=optional, parallel_group=group)


def test_parallel_steps_count_once_as_the_longest_and_optional_steps_count():
    steps = [_step("0.5"), _step("3", group="y-kien"), _step("5", group="y-kien"), _step("2", optional=True),
             _step("4", "hour")]
    # 0.5 + max(3, 5) + 2 + 0.5 (4 hours) = 8 working days
    assert process_total(steps).minutes == 8 * 480


def test_the_same_group_name_after_another_step_is_a_new_group():
    steps = [_step("2", group="a"), _step("1"), _step("3", group="a")]
    assert process_total(steps).minutes == 6 * 480


def _data(**overrides) -> dict:
    data = {"code": "1.004227", "name": "Cấp đổi Giấy chứng nhận", "field": "dat-dai",
            "result": "Giấy chứng nhận",
            "time_limit": {"value": "3", "unit": "day"}, "documents": [{"name": "Đơn đề nghị"}],
            "steps": [{"name": "Tiếp nhận", "kind": "receive", "unit": "mot-cua",
                       "allotted": {"value": "0.5", "unit": "day"}},
                      {"name": "Thẩm định", "kind": "appraise", "unit": "vpdk",
                       "allotted": {"value": "12", "unit": "hour"}}]}
    return {**data, **overrides}


def _problems(demo, **overrides) -> list[str]:
    with pytest.raises(CatalogueInvalid) as invalid:
        parse_procedure(_data(**overrides), agency=demo)
    return [str(p) for p in invalid.value.problems]


def test_a_valid_procedure_is_read_with_its_defaults(demo):
    spec = parse_procedure(_data(), agency=demo)
    assert spec.counting_rule == "working_days" and spec.level == "province" and spec.online_level == "none"
    assert spec.documents[0].mandatory and spec.documents[0].originals == 1
    assert [s.unit.code for s in spec.steps] == ["mot-cua", "vpdk"]


def test_a_process_longer_than_the_legal_time_says_by_how_much(demo):
    problems = _problems(demo, time_limit={"value": "1.5", "unit": "day"})
    assert problems == [
        "Bước: Tổng thời gian các bước của quy trình nội bộ là 2 ngày làm việc, vượt thời hạn giải quyết "
        "1,5 ngày làm việc là 0,5 ngày làm việc. Hãy giảm thời gian của các bước."]


def test_every_problem_is_reported_with_its_place(demo):
    problems = _problems(demo, code="ABC", field="nong-nghiep", fees=[{"name": "Lệ phí", "amount": -1}],
                         documents=[{"name": "Đơn", "file_types": "pdf, exe"}], level="huyen")
    assert any(p.startswith("Mã thủ tục: Mã thủ tục “ABC” không đúng dạng") for p in problems)
    assert any(p.startswith("Lĩnh vực: Không có lĩnh vực “nong-nghiep”") for p in problems)
    assert "Phí, lệ phí 1 — Mức thu: Mức thu không được là số âm." in problems
    assert any(p.startswith("Thành phần hồ sơ 1 — Loại tệp: Loại tệp không được chấp nhận: exe")
               for p in problems)
    assert any(p.startswith("Cấp thực hiện: “huyen” không hợp lệ") for p in problems)


def test_a_step_of_an_unknown_unit_or_an_amount_that_is_not_whole_minutes(demo):
    steps = [{"name": "Thẩm định", "kind": "appraise", "unit": "khong-co",
              "allotted": {"value": "1", "unit": "day"}},
             {"name": "Ký", "kind": "approve", "unit": "bgd", "allotted": {"value": "0.001", "unit": "day"}}]
    problems = _problems(demo, steps=steps)
    assert "Bước 1 — Đơn vị: Không có đơn vị có mã “khong-co” trong cơ quan." in problems
    assert any(p.startswith("Bước 2 — Thời gian thực hiện: 0.001 ngày làm việc không phải là một số "
                            "nguyên phút")
               for p in problems)


@pytest.mark.parametrize(("amount", "expected"), [("100.000", 100000), ("100 000 đồng", 100000),
                                                    ("2500000", 2500000), (0, 0)])
def test_fees_are_read_with_dots_or_spaces_between_thousands(demo, amount, expected):
    spec = parse_procedure(_data(fees=[{"name": "Lệ phí", "amount": amount}]), agency=demo)
    assert spec.fees[0].amount == expected


@pytest.mark.parametrize("amount", ["150.000,00", "1,5", "1²", "10.00", "một trăm"])
def test_a_fee_that_is_not_whole_dong_is_refused_not_guessed(demo, amount):
    problems = _problems(demo, fees=[{"name": "Lệ phí", "amount": amount}])
    assert problems == [f"Phí, lệ phí 1 — Mức thu: Mức thu “{amount}” phải là số đồng (số nguyên)."]


def test_a_procedure_needs_an_internal_process(demo):
    assert _problems(demo, steps=[]) == ["Bước: Thủ tục phải có quy trình nội bộ với ít nhất một bước."]


def test_a_template_whose_content_is_not_its_type_is_refused(demo):
    documents = [{"name": "Đơn", "template": {"filename": "don.pdf", "base64": "aGVsbG8="}}]  # "hello"
    assert _problems(demo, documents=documents) == [
        "Thành phần hồ sơ 1 — Mẫu đơn, tờ khai: Nội dung tệp “don.pdf” không phải là tệp pdf hợp lệ."]


def test_text_with_a_null_character_and_endless_lists_are_refused(demo):
    problems = _problems(demo, name="Cấp\x00đổi", legal_basis=[f"Văn bản {i}" for i in range(101)])
    assert "Tên: Có ký tự không hợp lệ (ký tự rỗng)." in problems
    assert any(p.startswith("Căn cứ pháp lý: Danh sách quá dài: tối đa 100 mục") for p in problems)
