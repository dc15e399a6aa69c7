"""The notification list: each officer sees their own, unread first, and marks them read."""

from __future__ import annotations

import pytest

from motcua.notify.models import Kind, Notification
from motcua.notify.services import notify_staff

pytestmark = pytest.mark.django_db
LIST = "/thong-bao/"


@pytest.fixture
def notes(staff, accepted):
    dossier = accepted()
    Notification.objects.all().delete()  # the acceptance told the unit; start from an empty inbox
    me, other = staff("chuyenvien2"), staff("truongdk")
    old = notify_staff([me], Kind.ASSIGNED, dossier, "Được giao hồ sơ cũ", "", "t:old")[0]
    Notification.objects.filter(pk=old.pk).update(read_at=old.created_at)
    new = notify_staff([me], Kind.STEP_DUE_SOON, dossier, "Sắp đến hạn: bước kiểm tra", "Còn 2 giờ",
                       "t:new")[0]
    theirs = notify_staff([other], Kind.STEP_OVERDUE, dossier, "Quá hạn: việc của trưởng phòng", "", "t:x")[0]
    return {"dossier": dossier, "old": old, "new": new, "theirs": theirs}


def test_the_list_shows_only_my_notifications_unread_first(login, notes):
    response = login("chuyenvien2").get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sắp đến hạn: bước kiểm tra" in html and "Được giao hồ sơ cũ" in html
    assert "Quá hạn: việc của trưởng phòng" not in html
    assert html.index("Sắp đến hạn: bước kiểm tra") < html.index("Được giao hồ sơ cũ")
    assert [n.pk for n in response.context["page"]] == [notes["new"].pk, notes["old"].pk]
    assert '1<span class="visually-hidden"> chưa đọc' in html  # the bell counts the unread one
    unread_only = login("chuyenvien2").get(LIST, {"chua-doc": "1"})
    assert [n.pk for n in unread_only.context["page"]] == [notes["new"].pk]


def test_marking_one_read_and_opening_the_dossier(login, notes):
    client = login("chuyenvien2")
    response = client.post(f"{LIST}{notes['new'].pk}/da-doc/", {"next": LIST})
    assert response.status_code == 302 and response.url == LIST
    notes["new"].refresh_from_db()
    assert notes["new"].read_at is not None
    assert "chưa đọc</span>" not in client.get(LIST).content.decode()

    response = client.post(f"{LIST}{notes['old'].pk}/mo/")
    assert response.status_code == 302 and response.url == f"/ho-so/{notes['dossier'].code}/"


def test_marking_all_read_leaves_other_peoples_alone(login, notes):
    client = login("chuyenvien2")
    response = client.post(f"{LIST}doc-tat-ca/", follow=True)
    assert "Đã đánh dấu 1 thông báo là đã đọc." in response.content.decode()
    assert not Notification.objects.filter(recipient__username="chuyenvien2", read_at__isnull=True).exists()
    notes["theirs"].refresh_from_db()
    assert notes["theirs"].read_at is None


def test_another_officers_notification_cannot_be_touched(login, notes):
    client = login("chuyenvien2")
    assert client.post(f"{LIST}{notes['theirs'].pk}/da-doc/").status_code == 404
    assert client.post(f"{LIST}{notes['theirs'].pk}/mo/").status_code == 404
    notes["theirs"].refresh_from_db()
    assert notes["theirs"].read_at is None


def test_marking_read_needs_post_and_a_signed_in_officer(client, login, notes):
    assert client.get(LIST).status_code == 302  # to the login page
    assert client.post(f"{LIST}doc-tat-ca/").status_code == 302
    assert login("chuyenvien2").get(f"{LIST}{notes['new'].pk}/da-doc/").status_code == 405
    notes["new"].refresh_from_db()
    assert notes["new"].read_at is None


def test_an_unsafe_next_address_is_not_followed(login, notes):
    response = login("chuyenvien2").post(f"{LIST}{notes['new'].pk}/da-doc/", {"next": "https://evil.example/"})
    assert response.url == LIST


def test_an_empty_list_says_so(login, demo):
    html = login("motcua").get(LIST).content.decode()
    assert "Chưa có thông báo nào." in html


def test_the_bell_for_the_page_header_shows_the_unread_count(rf, staff, notes):
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = staff("chuyenvien2")
    html = render_to_string("notify/_bell.html", request=request)
    assert 'href="/thong-bao/"' in html and ">1<" in html and "chưa đọc" in html
    request.user = staff("motcua")
    assert "badge" not in render_to_string("notify/_bell.html", request=request)
