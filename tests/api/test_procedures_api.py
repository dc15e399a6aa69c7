"""The public catalogue API and deadlines computed with a procedure's own counting rule."""

from __future__ import annotations

import pytest
from django.test import Client

from motcua.api.tokens import create_api_token
from motcua.catalog import services
from motcua.catalog.models import Procedure

LIST = "/api/v1/procedures"
DEADLINE = "/api/v1/worktime/deadline"


def _procedure(code: str, name: str, **overrides) -> dict:
    data = {
        "code": code, "name": name, "field": "dat-dai", "level": "province", "receiving_desk": "mot-cua",
        "time_limit": {"value": "7", "unit": "day"}, "counting_rule": "working_days",
        "result_kind": "certificate", "result": "Giấy chứng nhận quyền sử dụng đất",
        "online_level": "partial",
        "fees": [{"name": "Lệ phí cấp Giấy chứng nhận", "amount": 100000, "note": "đồng/giấy"}],
        "documents": [
            {"name": "Đơn đề nghị cấp đổi theo Mẫu số 11/ĐK", "originals": 1, "copies": 0, "mandatory": True,
             "file_types": ["pdf", "jpg"]},
            {"name": "Văn bản ủy quyền (nếu có)", "originals": 1, "copies": 0, "mandatory": False},
        ],
        "steps": [
            {"name": "Tiếp nhận hồ sơ", "kind": "receive", "unit": "mot-cua", "role": "desk_officer",
             "allotted": {"value": "0.5", "unit": "day"}},
            {"name": "Thẩm định hồ sơ", "kind": "appraise", "unit": "vpdk", "role": "specialist",
             "allotted": {"value": "5", "unit": "day"}},
            {"name": "Ký Giấy chứng nhận", "kind": "approve", "unit": "bgd", "role": "agency_leader",
             "allotted": {"value": "1", "unit": "day"}},
            {"name": "Trả kết quả", "kind": "return", "unit": "mot-cua",
             "allotted": {"value": "0.5", "unit": "day"}},
        ],
        "keywords": ["sổ đỏ"],
    }
    return {**data, **overrides}


@pytest.fixture
def listed(demo):
    """Three published procedures, a draft-only one and a repealed one."""
    services.import_catalogue(actor=None, agency=demo, items=[(d, None) for d in (
        _procedure("1.004227",
                   "Cấp đổi Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất"),
        _procedure("1.004221", "Cấp lại Giấy chứng nhận do bị mất",
                   time_limit={"value": "10", "unit": "day"}),
        _procedure("1.010727", "Thẩm định báo cáo đánh giá tác động môi trường", field="moi-truong",
                   keywords=[], time_limit={"value": "30", "unit": "day"}),
        _procedure("1.000001", "Thủ tục đã bãi bỏ về đất đai", status="repealed", status_since="2025-07-01"),
    )])
    services.create_procedure(actor=None, agency=demo, data=_procedure("1.999999", "Thủ tục đất đai nháp"))
    return demo


def test_the_catalogue_is_public_and_searches_without_diacritics_in_any_order(client, listed):
    body = client.get(LIST, {"q": "so do cap doi"}).json()
    assert [item["code"] for item in body["items"]] == ["1.004227"]
    assert body["items"][0]["time_limit"] == {"amount": 7.0, "unit": "day", "label": "7 ngày làm việc"}
    land = client.get(LIST, {"q": "dat dai"}).json()
    assert {item["code"] for item in land["items"]} == {"1.004227", "1.004221"}  # no draft, no repealed


def test_filter_by_field_and_pages(client, listed):
    body = client.get(LIST, {"field": "moi-truong"}).json()
    assert [item["code"] for item in body["items"]] == ["1.010727"]
    first = client.get(LIST, {"page_size": 2}).json()
    second = client.get(LIST, {"page_size": 2, "page": 2}).json()
    assert first["count"] == second["count"] == 3
    assert len(first["items"]) == 2 and len(second["items"]) == 1
    assert {i["code"] for i in first["items"] + second["items"]} == {"1.004227", "1.004221", "1.010727"}


def test_the_detail_has_documents_steps_and_time_limit(client, listed):
    body = client.get(f"{LIST}/1.004227").json()
    assert body["code"] == "1.004227" and body["online_level"] == "partial"
    assert body["time_limit"]["amount"] == 7 and body["counting_rule"] == "working_days"
    assert [(d["name"][:8], d["mandatory"]) for d in body["required_documents"]] == [
        ("Đơn đề n", True), ("Văn bản ", False)]
    assert all(isinstance(d["id"], int) for d in body["required_documents"])
    assert [(s["name"], s["unit"]["code"] if s["unit"] else None, s["allotted"]["minutes"])
            for s in body["steps"]] == [
        ("Tiếp nhận hồ sơ", "mot-cua", 240), ("Thẩm định hồ sơ", "vpdk", 2400),
        ("Ký Giấy chứng nhận", "bgd", 480), ("Trả kết quả", "mot-cua", 240)]
    assert body["fees"] == [{"name": "Lệ phí cấp Giấy chứng nhận", "amount": 100000, "note": "đồng/giấy"}]


@pytest.mark.parametrize("code", ["1.999999", "1.000001", "9.123456"])
def test_drafts_repealed_and_unknown_codes_are_404(client, listed, code):
    response = client.get(f"{LIST}/{code}")
    assert response.status_code == 404
    assert f"Không có thủ tục có mã “{code}”" in response.json()["detail"]


def test_a_new_version_shows_at_once_and_the_old_one_is_kept(client, listed):
    procedure = Procedure.objects.get(national_code="1.004227")
    old = procedure.current
    data = services.draft_data(procedure)
    data["time_limit"] = {"value": "5", "unit": "day"}
    data["steps"][1]["allotted"] = {"value": "3", "unit": "day"}
    services.save_draft(actor=None, procedure=procedure, data=data)
    assert client.get(f"{LIST}/1.004227").json()["time_limit"]["amount"] == 7  # drafts are not public
    services.publish_draft(actor=None, procedure=procedure)
    assert client.get(f"{LIST}/1.004227").json()["time_limit"]["amount"] == 5
    old.refresh_from_db()
    assert old.time_limit_value == 7 and old.steps.get(position=2).allotted_value == 5


# -- deadlines with a procedure -----------------------------------------------------------------------
@pytest.fixture
def api(listed, staff):
    _, raw = create_api_token(actor=None, user=staff("motcua"))
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_a_procedure_brings_its_counting_rule(api):
    # Received Friday 13/2/2026 16:55; Tết 2026 runs 14–22/2, so day 1 is Monday 23/2 and the
    # 7th working day is Tuesday 3/3, due at the close of office hours.
    body = api.get(DEADLINE, {"start": "2026-02-13T16:55:00+07:00", "procedure": "1.004227",
                              "amount": "7", "unit": "day"}).json()
    assert body["due_at"] == "2026-03-03T17:00:00+07:00"
    assert body["rule"]["code"] == "working_days"
    assert body["amount"] == {"value": 7.0, "unit": "day", "minutes": 3360}
    assert body["procedure"] == {"code": "1.004227", "name": body["procedure"]["name"], "version": 1}


def test_a_step_allotment_with_the_procedure_rule_and_an_explicit_rule_overriding_it(api):
    params = {"start": "2026-02-13T16:55:00+07:00", "procedure": "1.004227", "amount": "0.5", "unit": "day"}
    assert api.get(DEADLINE, params).json()["due_at"] == "2026-02-23T17:00:00+07:00"
    # plain arithmetic from the receipt: 5 minutes on Friday, the other 3 h 55 on Monday 23/2
    assert api.get(DEADLINE, {**params, "rule": "plain"}).json()["due_at"] == "2026-02-23T11:25:00+07:00"


@pytest.mark.parametrize("code", ["1.999999", "1.000001", "1.123456"])
def test_a_draft_repealed_or_unknown_procedure_answers_422(api, code):
    response = api.get(DEADLINE, {"start": "2026-02-13T16:55:00+07:00", "procedure": code,
                                  "amount": "1", "unit": "day"})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["procedure"]
    assert f"Thủ tục “{code}” không có trong danh mục thủ tục hành chính đang công bố" in (
        response.json()["detail"])
