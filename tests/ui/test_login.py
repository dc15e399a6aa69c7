"""Signing in: the home page per role, wrong passwords, throttling, language."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.urls import reverse

from motcua.org.demo import DEMO_PASSWORD

LOGIN = "/dang-nhap/"


def _post_login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def test_login_page_is_in_vietnamese(db, client):
    page = client.get(LOGIN)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Đăng nhập hệ thống một cửa điện tử" in html
    assert 'lang="vi"' in html


def test_anonymous_visitor_is_sent_to_the_login_page(db, client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_desk_officer_signs_in_and_sees_their_home(demo, client):
    response = _post_login(client, "motcua", DEMO_PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("ui:home")
    home = client.get("/").content.decode()
    assert "Xin chào, Lâm Thị Diễm My" in home
    assert "Bộ phận Tiếp nhận và Trả kết quả" in home
    assert "Kiều Văn Hậu" in home  # a colleague at the desk
    assert "Nhật ký hệ thống" not in home  # not for a desk officer


def test_admin_home_shows_administration(demo, login):
    home = login("admin").get("/").content.decode()
    assert "Quản trị hệ thống" in home
    assert reverse("org:staff_create") in home


def test_unit_head_home_lists_the_units_they_lead(demo, login):
    home = login("truongphong").get("/").content.decode()
    assert "Các đơn vị bạn phụ trách" in home
    assert "Chi nhánh Văn phòng Đăng ký đất đai quận Ninh Kiều" in home
    assert "Chi cục Bảo vệ môi trường" not in home


def test_wrong_password_is_refused_in_vietnamese_and_logged(demo, client):
    response = _post_login(client, "motcua", "sai-mat-khau")
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()
    assert AccessFailureLog.objects.filter(username="motcua").count() == 1


def test_repeated_wrong_passwords_lock_the_login_even_with_the_right_one(demo, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _post_login(client, "motcua", "sai-mat-khau")
    locked = _post_login(client, "motcua", DEMO_PASSWORD)
    assert locked.status_code == 429
    assert "Tạm khóa đăng nhập" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get(username="motcua").failures_since_start >= 5


def test_lockout_is_per_username(demo, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _post_login(client, "motcua", "sai-mat-khau")
    assert _post_login(client, "chuyenvien", DEMO_PASSWORD).status_code == 302


def test_logout_needs_post_and_ends_the_session(demo, login):
    client = login("motcua")
    response = client.post(reverse("ui:logout"))
    assert response.status_code == 302
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("language", ["en"])
def test_staff_can_switch_to_english(demo, login, language):
    client = login("motcua")
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    home = client.get("/").content.decode()
    assert 'lang="en"' in home
    assert "Hello, Lâm Thị Diễm My" in home
    assert "Sign out" in home


def test_an_english_browser_still_gets_vietnamese_until_the_person_switches(db, client):
    page = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Đăng nhập hệ thống một cửa điện tử" in page


def test_forbidden_page_explains_in_vietnamese(demo, login):
    response = login("motcua").get("/to-chuc/don-vi/them/")
    assert response.status_code == 403
    assert "Chỉ quản trị hệ thống" in response.content.decode()


def test_the_login_page_points_citizens_to_the_public_catalogue(db, client):
    html = client.get(LOGIN).content.decode()
    assert 'href="/dich-vu-cong/thu-tuc/"' in html
