from django.urls import reverse

from motcua.api.models import ApiToken
from motcua.api.tokens import user_for_token
from motcua.audit.models import AuditEvent
from motcua.org.demo import DEMO_PASSWORD


def test_staff_change_their_own_password(demo, login, staff):
    client = login("chuyenvien")
    response = client.post(reverse("ui:account"), {
        "pw-old_password": DEMO_PASSWORD, "pw-new_password1": "Dat-dai-2026-moi",
        "pw-new_password2": "Dat-dai-2026-moi"})
    assert response.status_code == 302
    assert staff("chuyenvien").check_password("Dat-dai-2026-moi")
    assert client.get("/").status_code == 200  # still signed in
    assert AuditEvent.objects.filter(action="org.staff.set_password").count() == 1


def test_wrong_old_password_changes_nothing(demo, login, staff):
    response = login("chuyenvien").post(reverse("ui:account"), {
        "pw-old_password": "nham", "pw-new_password1": "Dat-dai-2026-moi",
        "pw-new_password2": "Dat-dai-2026-moi"})
    assert response.status_code == 200
    assert staff("chuyenvien").check_password(DEMO_PASSWORD)


def test_token_is_shown_once_and_can_be_revoked(demo, login, staff):
    client = login("chuyenvien")
    page = client.post(reverse("ui:account"), {"token-name": "thống kê"}).content.decode()
    token = ApiToken.objects.get(user=staff("chuyenvien"))
    raw = page.split('data-testid="new-token">')[1].split("<")[0]
    assert user_for_token(raw) == staff("chuyenvien")
    assert raw not in client.get(reverse("ui:account")).content.decode()
    client.post(reverse("ui:revoke_token", args=[token.pk]))
    assert user_for_token(raw) is None


def test_nobody_revokes_another_persons_token(demo, login, staff):
    from motcua.api.tokens import create_api_token

    token, raw = create_api_token(actor=None, user=staff("lanhdao"))
    response = login("chuyenvien").post(reverse("ui:revoke_token", args=[token.pk]))
    assert response.status_code == 404
    assert user_for_token(raw) == staff("lanhdao")


def test_audit_log_is_for_administrators_and_leaders(demo, login):
    assert login("motcua").get(reverse("ui:audit")).status_code == 403
    page = login("admin").get(reverse("ui:audit") + "?action=org.unit")
    assert page.status_code == 200
    assert "Văn phòng Đăng ký đất đai" in page.content.decode()
