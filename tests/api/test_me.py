import io

from django.core.management import call_command

from motcua.api.tokens import create_api_token, revoke_api_token


def _bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_me_without_a_token_is_401_with_a_message(db, client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]


def test_me_with_an_unknown_token_is_401(demo, client):
    assert client.get("/api/v1/me", **_bearer("mc_khong-ton-tai")).status_code == 401
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Basic abc").status_code == 401


def test_me_returns_name_units_and_roles(demo, client, staff):
    _, raw = create_api_token(actor=None, user=staff("truongphong"))
    body = client.get("/api/v1/me", **_bearer(raw)).json()
    assert body["username"] == "truongphong"
    assert body["full_name"] == "Phạm Quốc Bảo"
    assert body["roles"] == ["unit_head"]
    assert [u["name"] for u in body["units"]] == ["Văn phòng Đăng ký đất đai"]
    assert body["positions"][0]["title"] == "Giám đốc Văn phòng Đăng ký đất đai"


def test_revoked_token_and_locked_account_are_401(demo, client, staff):
    token, raw = create_api_token(actor=None, user=staff("motcua"))
    assert client.get("/api/v1/me", **_bearer(raw)).status_code == 200
    revoke_api_token(actor=staff("motcua"), token=token)
    assert client.get("/api/v1/me", **_bearer(raw)).status_code == 401
    _, other = create_api_token(actor=None, user=staff("cchc"))
    user = staff("cchc")
    user.is_active = False
    user.save()
    assert client.get("/api/v1/me", **_bearer(other)).status_code == 401


def test_create_api_token_command_prints_the_token_alone_on_the_last_line(demo, client):
    out = io.StringIO()
    call_command("create_api_token", "chuyenvien", stdout=out, stderr=io.StringIO())
    raw = out.getvalue().strip().splitlines()[-1]
    assert raw.startswith("mc_") and " " not in raw
    assert client.get("/api/v1/me", **_bearer(raw)).json()["username"] == "chuyenvien"


def test_openapi_and_docs_are_served_locally(db, client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/me" in schema.json()["paths"]
    docs = client.get("/api/v1/docs").content.decode()
    assert "cdn" not in docs.lower()
    assert "/static/ninja/" in docs


def test_a_missing_parameter_is_explained_in_vietnamese(demo, client, staff):
    _, raw = create_api_token(actor=None, user=staff("motcua"))
    response = client.get("/api/v1/worktime/deadline?amount=1&unit=day", **_bearer(raw))
    assert response.status_code == 422
    body = response.json()
    assert body["errors"]["start"] == ["Thiếu giá trị bắt buộc."]
    assert "start" in body["detail"]
