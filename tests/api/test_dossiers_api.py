"""The dossier API with staff tokens: accepting at the desk (idempotent), reading a dossier, and
acting on it through its lifecycle with each officer's own token."""

from __future__ import annotations

import base64
import datetime as dt
import threading
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from motcua.api.tokens import create_api_token
from motcua.catalog.models import Procedure
from motcua.dossiers.models import Dossier, IdempotencyKey

DOSSIERS = "/api/v1/dossiers"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def api(catalogue, staff) -> Callable[[str], Client]:
    """A client with the API token of a demo user: ``api("motcua")``."""
    clients: dict[str, Client] = {}

    def client_for(username: str) -> Client:
        if username not in clients:
            _, raw = create_api_token(actor=None, user=staff(username))
            clients[username] = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return clients[username]

    return client_for


def documents(code: str) -> list[tuple[int, str, bool]]:
    procedure = Procedure.objects.get(national_code=code)
    return [(d.pk, d.name, d.mandatory) for d in procedure.current.documents.order_by("position")]


def body(code: str = "1.012767", **overrides) -> dict:
    data = {
        "procedure": code, "channel": "direct",
        "applicant": {"name": "Nguyễn Thị Lan", "id_number": "092190001234", "phone": "0912345678",
                      "email": "lan@example.vn", "address": "12 Mậu Thân, Ninh Kiều, Cần Thơ"},
        "documents_received": [pk for pk, _name, mandatory in documents(code) if mandatory],
    }
    return {**data, **overrides}


def post(client: Client, path: str, data: dict, **headers):
    return client.post(path, data, content_type="application/json", **headers)


def accept(api, code: str = "1.012767", **overrides) -> dict:
    response = post(api("motcua"), DOSSIERS, body(code, **overrides))
    assert response.status_code == 201, response.json()
    return response.json()


def act(api, username: str, code: str, action: str, data: dict | list | None = None):
    return post(api(username), f"{DOSSIERS}/{code}/actions/{action}", {} if data is None else data)


# -- accepting --------------------------------------------------------------------------------------
def test_accepting_gives_the_official_code_and_the_due_moment_of_the_procedure(api, catalogue):
    created = accept(api)
    today = timezone.localdate()
    assert created["code"] == f"000.15.31.H13-{today:%y%m%d}-0001"
    assert catalogue.code == "000.15.31.H13"
    assert created["status"] == "processing"
    assert len(created["lookup_secret"]) == 8
    # The due moment is the procedure's 8 working days under its own counting rule, counted from
    # the moment of receipt, in the agency's time zone.
    received = dt.datetime.fromisoformat(created["received_at"])
    expected = api("motcua").get("/api/v1/worktime/deadline", {
        "start": received.isoformat(), "procedure": "1.012767", "amount": "8", "unit": "day"}).json()
    assert created["due_at"] == expected["due_at"]
    assert created["due_at"].endswith("+07:00")
    assert created["current_unit"]["code"] == "vpdk-dk"
    # The answer is short; the whole dossier is at its address, also given as the Location header.
    assert "history" not in created and "steps" not in created
    assert created["url"] == f"{DOSSIERS}/{created['code']}"
    full = api("motcua").get(created["url"]).json()
    assert (full["code"], full["due_at"], full["version"]) == (created["code"], created["due_at"],
                                                                created["version"])
    assert full["current_step"]["name"] == "Kiểm tra hồ sơ, lập Phiếu chuyển thông tin địa chính"
    assert full["current_step"]["unit"]["code"] == "vpdk-dk"
    assert [d["id"] for d in full["documents"]] == body()["documents_received"]
    second = accept(api, applicant={**body()["applicant"], "id_number": "092190009999"})
    assert second["code"] == f"000.15.31.H13-{today:%y%m%d}-0002"


def test_a_missing_mandatory_document_is_422_naming_it(api):
    required = [(pk, name) for pk, name, mandatory in documents("1.012767") if mandatory]
    missing_pk, missing_name = required[1]
    response = post(api("motcua"), DOSSIERS, body(documents_received=[pk for pk, _ in required
                                                                       if pk != missing_pk]))
    assert response.status_code == 422
    problem = response.json()["errors"]["documents_received"][0]
    assert problem.startswith("Thiếu giấy tờ bắt buộc") and missing_name in problem
    assert missing_name in response.json()["detail"]
    assert not Dossier.objects.exists()


def test_an_unknown_procedure_is_422_and_only_desk_officers_accept(api):
    response = post(api("motcua"), DOSSIERS, body(procedure="9.999999"))
    assert response.status_code == 422
    assert response.json()["errors"]["procedure"] == [
        "Thủ tục “9.999999” không có trong danh mục thủ tục hành chính của cơ quan."]
    refused = post(api("chuyenvien2"), DOSSIERS, body())
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Chỉ cán bộ Bộ phận Một cửa được tiếp nhận hồ sơ."
    bad = post(api("motcua"), DOSSIERS, body(applicant={**body()["applicant"], "id_number": "12ab"},
                                             channel="fax"))
    assert bad.status_code == 422 and "channel" in bad.json()["errors"]
    assert not Dossier.objects.exists()


def test_a_retried_request_with_the_same_key_returns_the_same_dossier(api):
    key = {"HTTP_IDEMPOTENCY_KEY": "b6f1c0de-2026-11-10-0001"}
    first = post(api("motcua"), DOSSIERS, body(), **key)
    again = post(api("motcua"), DOSSIERS, body(), **key)
    assert first.status_code == 201 and again.status_code == 200
    assert again["Idempotent-Replayed"] == "true" and not first.has_header("Idempotent-Replayed")
    assert again.json()["code"] == first.json()["code"]
    assert again["Location"] == first["Location"] == f"{DOSSIERS}/{first.json()['code']}"
    assert again.json()["lookup_secret"] == first.json()["lookup_secret"]
    assert Dossier.objects.count() == 1
    # the same key for another dossier is refused, and nothing is made
    other = post(api("motcua"), DOSSIERS, body(request="Chuyển nhượng thửa đất số 12"), **key)
    assert other.status_code == 422
    assert "Idempotency-Key" in other.json()["errors"]
    # keys belong to their user: another desk officer's key is their own
    theirs = post(api("motcua2"), DOSSIERS, body(), **key)
    assert theirs.status_code == 201 and theirs.json()["code"] != first.json()["code"]
    assert Dossier.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_identical_requests_at_the_same_instant_make_one_dossier(catalogue, staff, monkeypatch):
    """Both requests look for their key before either has made the dossier, then both accept.
    On PostgreSQL they then run at once (the second waits on the first's rows); SQLite's test
    database (in memory, shared cache) cannot make a writer wait, so there they take turns, as a
    file database does with its busy timeout."""
    from motcua.api import dossiers

    payload = body()
    _, raw = create_api_token(actor=None, user=staff("motcua"))
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me").status_code == 200
    both_looked = threading.Barrier(2, timeout=30)
    turn = threading.Lock() if connection.vendor == "sqlite" else None
    state = threading.local()
    look_up = dossiers._earlier

    def look_up_then_race(*args, **kwargs):
        found = look_up(*args, **kwargs)
        if not getattr(state, "raced", False):
            state.raced = True
            assert found is None
            both_looked.wait()
            if turn is not None:
                turn.acquire()
        return found

    monkeypatch.setattr(dossiers, "_earlier", look_up_then_race)
    answers: list = []
    errors: list = []

    def send() -> None:
        client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        try:
            answers.append(post(client, DOSSIERS, payload, HTTP_IDEMPOTENCY_KEY="same-instant"))
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()
            if turn is not None and turn.locked() and getattr(state, "raced", False):
                turn.release()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(a.status_code for a in answers) == [200, 201], [a.content[:300] for a in answers]
    assert answers[0].json()["code"] == answers[1].json()["code"]
    assert Dossier.objects.count() == 1 and IdempotencyKey.objects.count() == 1


# -- reading ----------------------------------------------------------------------------------------
def test_the_dossier_shows_its_deadline_explanation_history_and_the_callers_actions(api, staff):
    def staff_name(username: str) -> str:
        return staff(username).display_name()

    code = accept(api)["code"]
    got = api("chuyenvien2").get(f"{DOSSIERS}/{code}").json()
    assert got["status"] == "processing" and got["timeliness"] is None
    assert got["procedure"]["code"] == "1.012767"
    assert got["applicant"]["name"] == "Nguyễn Thị Lan"
    lines = got["deadline_explanation"]
    assert lines and all(set(line) == {"code", "params", "text"} for line in lines)
    assert any("8 ngày làm việc" in line["text"] for line in lines), [line["text"] for line in lines]
    assert [(e["seq"], e["action"], e["actor_username"], e["from_status"], e["to_status"],
             e["to_unit"]["code"]) for e in got["history"]] == [
        (1, "accept", "motcua", None, "processing", "vpdk-dk")]
    assert got["history"][0]["actor"] == staff_name("motcua")
    assert "forward" in got["actions"] and "return" not in got["actions"]
    assert "forward" not in api("motcua").get(f"{DOSSIERS}/{code}").json()["actions"]
    assert got["version"] == Dossier.objects.get(code=code).lock_version


def test_a_dossier_the_caller_cannot_see_is_404(api):
    code = accept(api)["code"]
    hidden = api("cv.moitruong").get(f"{DOSSIERS}/{code}")
    assert hidden.status_code == 404
    assert hidden.json()["detail"] == f"Không có hồ sơ “{code}”, hoặc anh/chị không được xem hồ sơ này."
    refused = act(api, "cv.moitruong", code, "forward")
    assert refused.status_code == 404
    assert api("motcua").get(f"{DOSSIERS}/000.15.31.H13-991231-9999").status_code == 404
    assert api("motcua").get(f"{DOSSIERS}/99999999999999999999999").status_code == 404
    unknown = act(api, "chuyenvien2", code, "fly")
    assert unknown.status_code == 404 and "“fly”" in unknown.json()["detail"]


# -- acting -----------------------------------------------------------------------------------------
def test_a_full_lifecycle_with_each_officers_own_token(api):
    code = accept(api)["code"]
    path = [
        ("chuyenvien2", "forward", "Xác định nghĩa vụ tài chính"),
        ("chuyenvien2", "forward",
         "Xác nhận biến động, chỉnh lý hồ sơ địa chính, in Giấy chứng nhận (nếu cấp mới)"),
        ("chuyenvien2", "forward", "Trưởng phòng kiểm tra hồ sơ"),
        ("truongdk", "forward", "Giám đốc Văn phòng Đăng ký đất đai ký xác nhận hoặc ký Giấy chứng nhận"),
        ("truongphong", "approve", "Trả kết quả, thu lệ phí"),
    ]
    for username, action, next_step in path:
        before = api(username).get(f"{DOSSIERS}/{code}").json()
        assert action in before["actions"], (username, before["current_step"]["name"], before["actions"])
        done = act(api, username, code, action, {"note": f"{username} xong", "version": before["version"]})
        assert done.status_code == 200, done.json()
        assert done.json()["current_step"]["name"] == next_step
    ready = api("motcua").get(f"{DOSSIERS}/{code}").json()
    assert ready["status"] == "ready" and ready["outcome"] == "granted"
    assert ready["timeliness"] == "early"  # resolved the same day, 8 working days early
    assert ready["actions"][:1] == ["return"]
    returned = act(api, "motcua", code, "return", {"method": "desk", "received_by": "Nguyễn Thị Lan"})
    assert returned.status_code == 200, returned.json()
    final = returned.json()
    assert final["status"] == "returned" and final["returned_to"] == "Nguyễn Thị Lan"
    assert final["current_step"] is None and final["actions"] == []
    assert [e["action"] for e in final["history"]] == [
        "accept", "forward", "forward", "forward", "forward", "approve", "return"]
    assert [e["actor_username"] for e in final["history"]] == [
        "motcua", "chuyenvien2", "chuyenvien2", "chuyenvien2", "truongdk", "truongphong", "motcua"]
    assert final["history"][1]["note"] == "chuyenvien2 xong"
    assert all(s["status"] == "done" for s in final["steps"])


def test_returning_before_there_is_a_result_is_409(api):
    created = accept(api)
    response = act(api, "motcua", created["code"], "return", {"method": "desk", "received_by": "Lan"})
    assert response.status_code == 409
    assert response.json()["detail"] == "Hồ sơ chưa có kết quả để trả."
    assert Dossier.objects.get(code=created["code"]).status == "processing"


def test_a_specialist_of_another_unit_cannot_forward(api):
    # 1.004227 starts with the head of vpdk assigning; then the appraisal is vpdk-dk's. A specialist
    # of vpdk sees the dossier (it passed through vpdk) but the step is not theirs.
    code = accept(api, "1.004227", applicant={**body()["applicant"], "kind": "organisation",
                                              "id_number": "1800123456"})["code"]
    assert act(api, "truongphong", code, "forward").status_code == 200
    seen = api("chuyenvien").get(f"{DOSSIERS}/{code}").json()
    assert seen["current_step"]["unit"]["code"] == "vpdk-dk" and "forward" not in seen["actions"]
    response = act(api, "chuyenvien", code, "forward", {"note": "chuyển"})
    assert response.status_code == 403
    assert "không được chuyển hồ sơ" in response.json()["detail"]
    assert act(api, "chuyenvien2", code, "forward").status_code == 200


def test_parallel_consultations_are_listed_together_and_finished_one_at_a_time(api):
    company = {**body()["applicant"], "kind": "organisation", "id_number": "1800123456"}
    code = accept(api, "1.004227", applicant=company)["code"]
    assert act(api, "truongphong", code, "forward").status_code == 200  # assignment
    consulting = act(api, "chuyenvien2", code, "forward").json()  # appraisal; no field inspection
    steps = consulting["active_steps"]
    assert [s["external_agency"] for s in steps] == [
        "Ủy ban nhân dân cấp xã nơi có đất", "Cơ quan thuế quản lý địa bàn"]
    assert consulting["current_step"] == steps[0]
    tax = act(api, "chuyenvien2", code, "forward", {"step": steps[1]["id"], "note": "Đã có thông báo thuế"})
    assert tax.status_code == 200
    assert [s["id"] for s in tax.json()["active_steps"]] == [steps[0]["id"]]  # waits for the commune
    assert act(api, "chuyenvien2", code, "forward", {"step": steps[1]["id"]}).status_code == 409
    done = act(api, "chuyenvien2", code, "forward", {"step": steps[0]["id"]}).json()
    assert done["current_step"]["name"] == "Cập nhật hồ sơ địa chính, in Giấy chứng nhận, trình Lãnh đạo Sở"


def test_a_stale_version_is_409_and_nothing_changes(api):
    created = accept(api)
    first = act(api, "chuyenvien2", created["code"], "forward", {"version": created["version"]})
    assert first.status_code == 200
    late = act(api, "truongdk", created["code"], "forward", {"version": created["version"]})
    assert late.status_code == 409
    assert "vừa được người khác cập nhật" in late.json()["detail"]
    assert len(api("motcua").get(f"{DOSSIERS}/{created['code']}").json()["history"]) == 2


def test_a_supplement_stops_the_clock_and_the_desk_receives_it(api):
    code = accept(api)["code"]
    docs = documents("1.012767")
    optional = next(pk for pk, _name, mandatory in docs if not mandatory)
    asked = act(api, "chuyenvien2", code, "request_supplement",
                {"items": ["Văn bản khai nhận di sản thừa kế"], "note": "thiếu"})
    assert asked.status_code == 200, asked.json()
    assert asked.json()["status"] == "awaiting_supplement"
    assert asked.json()["paused_since"] is not None
    assert "receive_supplement" in api("motcua").get(f"{DOSSIERS}/{code}").json()["actions"]
    assert act(api, "motcua", code, "receive_supplement", {"documents": [999999]}).status_code == 422
    received = act(api, "motcua", code, "receive_supplement", {"documents": [optional]})
    assert received.status_code == 200, received.json()
    got = received.json()
    assert got["status"] == "processing" and got["paused_since"] is None
    assert [d["id"] for d in got["documents"] if d["at_supplement"]] == [optional]
    assert [e["action"] for e in got["history"]][-2:] == ["request_supplement", "receive_supplement"]
    again = act(api, "chuyenvien2", code, "request_supplement", {"items": ["Một lần nữa"]})
    assert again.status_code == 409  # once per dossier


def test_an_apology_moves_the_appointment_but_not_the_original_due_moment(api):
    created = accept(api)
    code, due = created["code"], dt.datetime.fromisoformat(created["due_at"])
    naive = act(api, "truongdk", code, "apologize", {"new_due_at": "2027-01-05T17:00:00", "reason": "Chậm"})
    assert naive.status_code == 422 and "new_due_at" in naive.json()["errors"]
    later = (due + dt.timedelta(days=7)).isoformat()
    done = act(api, "truongdk", code, "apologize", {"new_due_at": later, "reason": "Chờ ý kiến cơ quan thuế"})
    assert done.status_code == 200, done.json()
    assert dt.datetime.fromisoformat(done.json()["due_at"]) == due + dt.timedelta(days=7)
    assert done.json()["original_due_at"] == created["original_due_at"]
    assert done.json()["apologized"] is True
    assert act(api, "chuyenvien2", code, "apologize", {"new_due_at": later, "reason": "x"}).status_code == 403


def test_required_reasons_and_bad_text_are_422_never_500(api):
    code = accept(api)["code"]
    assert act(api, "truongdk", code, "send_back", {}).status_code == 422
    empty = act(api, "lanhdao", code, "cancel", {"reason": ""})
    assert empty.status_code == 422 and empty.json()["errors"]["reason"] == ["Không được để trống."]
    surrogate = api("chuyenvien2").post(f"{DOSSIERS}/{code}/actions/forward", '{"note": "\\ud800"}',
                                        content_type="application/json")
    assert surrogate.status_code == 422 and surrogate.json()["errors"]["note"] == [
        "Có ký tự Unicode không hợp lệ."]
    for wrong in ({"version": "1"}, {"version": True}, {"include_optional": 1}, {"step": 0}):
        typed = act(api, "chuyenvien2", code, "forward", wrong)
        assert typed.status_code == 422, wrong
    assert act(api, "chuyenvien2", code, "forward", {"version": "1"}).json()["errors"]["version"] == [
        "Phải là một số nguyên."]
    listed = act(api, "chuyenvien2", code, "forward", [None])
    assert listed.status_code == 422 and "Phải là một đối tượng JSON." in listed.json()["detail"]
    assert act(api, "motcua", code, "return", {"method": "drone"}).status_code == 422
    # a NUL character (PostgreSQL cannot store it) is refused as the schema says, nothing changes
    nul = act(api, "chuyenvien2", code, "pause", {"reason": "Nộp lệ phí\x00 trước bạ"})
    assert nul.status_code == 422 and "reason" in nul.json()["errors"]
    paused = act(api, "chuyenvien2", code, "pause", {"reason": "Nộp lệ phí trước bạ"})
    assert paused.status_code == 200 and paused.json()["history"][-1]["note"] == "Nộp lệ phí trước bạ"
    assert act(api, "chuyenvien2", code, "resume", {"version": paused.json()["version"]}).status_code == 200
    cancelled = act(api, "lanhdao", code, "cancel", {"reason": "Tiếp nhận nhầm thủ tục"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert act(api, "chuyenvien2", code, "forward").status_code == 409


def test_scans_are_checked_and_attached(api, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    scan = {"filename": "don-dang-ky.pdf", "content_base64": base64.b64encode(PDF).decode()}
    created = api("motcua").get(accept(api, attachments=[scan])["url"]).json()
    assert [(f["filename"], f["kind"], f["size"]) for f in created["files"]] == [
        ("don-dang-ky.pdf", "scan", len(PDF))]
    fake = {"filename": "anh.pdf", "content_base64": base64.b64encode(b"\x89PNG\r\n\x1a\nxx").decode()}
    refused = post(api("motcua"), DOSSIERS, body(attachments=[scan, fake]))
    assert refused.status_code == 422
    assert "không phải là tệp PDF thật" in refused.json()["errors"]["attachments.1"][0]
    garbled = post(api("motcua"), DOSSIERS, body(attachments=[{**scan, "content_base64": "%%%"}]))
    assert garbled.status_code == 422 and "base64" in garbled.json()["detail"]
    nameless = post(api("motcua"), DOSSIERS, body(attachments=[{**scan, "filename": "/"}]))
    assert nameless.status_code == 422 and "chỉ nhận các loại" in nameless.json()["detail"]
    assert Dossier.objects.count() == 1


def test_the_work_queue_lists_what_the_caller_handles(api):
    first = accept(api)["code"]
    company = {**body()["applicant"], "kind": "organisation", "name": "Công ty TNHH Mê Kông",
               "id_number": "1800123456"}
    other = accept(api, "1.004227", applicant=company)["code"]
    mine = api("chuyenvien2").get(DOSSIERS, {"queue": "process"}).json()
    assert [item["code"] for item in mine["items"]] == [first] and mine["count"] == 1
    found = api("motcua").get(DOSSIERS, {"q": "cong ty me kong"}).json()
    assert [item["code"] for item in found["items"]] == [other]
    everything = api("motcua").get(DOSSIERS, {"page_size": 1}).json()
    assert everything["count"] == 2 and len(everything["items"]) == 1
    at_vpdk_dk = api("motcua").get(DOSSIERS, {"unit": "vpdk-dk"}).json()
    assert [item["code"] for item in at_vpdk_dk["items"]] == [first]
    assert api("motcua").get(DOSSIERS, {"unit": "khong-co"}).json()["count"] == 0
    assert api("motcua").get(DOSSIERS, {"received_from": "1/11/2026"}).status_code == 422
