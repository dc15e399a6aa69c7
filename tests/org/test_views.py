"""The organisation pages, as an administrator and a desk officer use them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from motcua.audit.models import AuditEvent
from motcua.org.models import Position, Role, Unit, User

PASSWORD = "Dat-dai-2026-moi"


def _unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def _events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def _today() -> dt.date:
    return timezone.localdate()


def _page(response) -> str:
    return response.content.decode()


def _found(response) -> list[str]:
    """Names listed by the staff directory (the page also shows the signed-in user's name)."""
    return [user.full_name for user in response.context["page"]]


# --- Who sees what ------------------------------------------------------------------------------


def test_everyone_sees_the_unit_tree_but_only_the_administrator_sees_actions(demo, login):
    page = _page(login("motcua").get(reverse("org:units")))
    assert "Chi nhánh Văn phòng Đăng ký đất đai quận Ninh Kiều" in page
    assert reverse("org:unit_detail", args=[_unit("vpdk").pk]) in page
    assert reverse("org:unit_create") not in page
    assert reverse("org:unit_edit", args=[_unit("vpdk").pk]) not in page

    page = _page(login("admin").get(reverse("org:units")))
    assert reverse("org:unit_create") in page
    assert reverse("org:unit_dissolve", args=[_unit("vpdk").pk]) in page


def test_unit_tree_counts_current_staff_and_indents_sub_units(demo, login):
    response = login("chuyenvien").get(reverse("org:units"))
    rows = {row.unit.code: row for row in response.context["rows"]}
    assert rows["vpdk"].staff_count == 2  # truongphong and chuyenvien
    assert rows["mot-cua"].staff_count == 3
    assert rows["vpdk"].depth == 0 and rows["vpdk-ninh-kieu"].depth == 1
    assert 'class="fw-normal unit-depth-1"' in _page(response)


def test_desk_officer_gets_403_on_every_management_page(demo, login, staff):
    client = login("motcua")
    unit = _unit("vpdk")
    person = staff("chuyenvien")
    position = person.positions.get()
    urls = [
        reverse("org:unit_create"),
        reverse("org:unit_edit", args=[unit.pk]),
        reverse("org:unit_rename", args=[unit.pk]),
        reverse("org:unit_merge", args=[unit.pk]),
        reverse("org:unit_dissolve", args=[unit.pk]),
        reverse("org:staff_create"),
        reverse("org:staff_edit", args=[person.pk]),
        reverse("org:staff_password", args=[person.pk]),
        reverse("org:position_add", args=[person.pk]),
        reverse("org:position_end", args=[position.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
    before = AuditEvent.objects.count()
    response = client.post(reverse("org:unit_create"), {
        "name": "Phòng Lạ", "code": "phong-la", "kind": "office", "valid_from": "2026-01-05"})
    assert response.status_code == 403
    response = client.post(reverse("org:position_end", args=[position.pk]),
                           {"last_day": _today().isoformat()})
    assert response.status_code == 403
    assert not Unit.objects.filter(code="phong-la").exists()
    assert Position.objects.get(pk=position.pk).valid_to is None
    assert AuditEvent.objects.count() == before


def test_desk_officer_sees_no_action_buttons_on_detail_pages(demo, login, staff):
    client = login("motcua")
    unit_page = _page(client.get(reverse("org:unit_detail", args=[_unit("vpdk").pk])))
    assert "Phạm Quốc Bảo" in unit_page  # the unit's current staff
    assert reverse("org:unit_rename", args=[_unit("vpdk").pk]) not in unit_page
    person = staff("chuyenvien")
    staff_page = _page(client.get(reverse("org:staff_detail", args=[person.pk])))
    assert "Văn phòng Đăng ký đất đai" in staff_page
    assert reverse("org:staff_edit", args=[person.pk]) not in staff_page
    assert reverse("org:position_end", args=[person.positions.get().pk]) not in staff_page


def test_pages_need_a_signed_in_user(demo, client):
    response = client.get(reverse("org:units"))
    assert response.status_code == 302
    assert reverse("ui:login") in response["Location"]


# --- Units --------------------------------------------------------------------------------------


def test_admin_creates_a_unit_and_it_appears_in_the_tree(demo, login):
    client = login("admin")
    response = client.post(reverse("org:unit_create"), {
        "name": "Phòng Đo đạc, Bản đồ và Viễn thám", "short_name": "", "code": "p-dodac",
        "kind": "division", "parent": "", "valid_from": "2026-01-05",
        "decision": "Quyết định số 5/QĐ-UBND", "address": "", "phone": ""}, follow=True)
    assert response.status_code == 200
    page = _page(response)
    assert "Đã thêm đơn vị “Phòng Đo đạc, Bản đồ và Viễn thám”." in page
    assert "Phòng Đo đạc, Bản đồ và Viễn thám" in _page(client.get(reverse("org:units")))
    unit = _unit("p-dodac")
    assert unit.agency == demo and unit.valid_from == dt.date(2026, 1, 5)
    assert AuditEvent.objects.filter(action="org.unit.create", object_id=str(unit.pk)).exists()


def test_admin_creates_a_sub_unit_from_the_parent_page(demo, login):
    client = login("admin")
    vpdk = _unit("vpdk")
    form_page = client.get(reverse("org:unit_create") + f"?parent={vpdk.pk}")
    assert form_page.context["form"]["parent"].value() == str(vpdk.pk)
    client.post(reverse("org:unit_create"), {
        "name": "Phòng Kỹ thuật địa chính", "code": "vpdk-ktdc", "kind": "office",
        "parent": str(vpdk.pk), "valid_from": "2026-01-05"})
    assert _unit("vpdk-ktdc").parent == vpdk


def test_duplicate_unit_code_shows_the_error_and_creates_nothing(demo, login):
    count = Unit.objects.count()
    response = login("admin").post(reverse("org:unit_create"), {
        "name": "Văn phòng thứ hai", "code": "vpdk", "kind": "office", "valid_from": "2026-01-05"})
    assert response.status_code == 200
    assert "Mã đơn vị “vpdk” đã được dùng." in _page(response)
    assert 'is-invalid' in _page(response)
    assert Unit.objects.count() == count


def test_parent_choices_are_the_active_units_of_the_agency(demo, login):
    client = login("admin")
    client.post(reverse("org:unit_dissolve", args=[_unit("cc-qldd-qh").pk]),
                {"effective": _today().isoformat()})
    choices = dict(client.get(reverse("org:unit_create")).context["form"].fields["parent"].choices)
    assert str(_unit("vpdk").pk) in choices
    assert str(_unit("cc-qldd-qh").pk) not in choices
    # When editing, a unit cannot be put below itself or one of its sub-units.
    vpdk = _unit("vpdk")
    edit = client.get(reverse("org:unit_edit", args=[vpdk.pk])).context["form"]
    edit_choices = dict(edit.fields["parent"].choices)
    assert str(vpdk.pk) not in edit_choices
    assert str(_unit("vpdk-ninh-kieu").pk) not in edit_choices
    assert str(_unit("thanh-tra").pk) in edit_choices


def test_admin_edits_a_unit(demo, login):
    unit = _unit("thanh-tra")
    response = login("admin").post(reverse("org:unit_edit", args=[unit.pk]), {
        "short_name": "TTS", "code": "thanh-tra", "kind": "inspectorate", "parent": "",
        "decision": "", "address": "Số 9 Cách Mạng Tháng Tám", "phone": "0292 3820 140"})
    assert response.status_code == 302
    unit.refresh_from_db()
    assert (unit.short_name, unit.phone) == ("TTS", "0292 3820 140")
    assert unit.name == "Thanh tra Sở"
    assert _events("org.unit.update") == 1


def test_renaming_keeps_the_old_name_with_its_period(demo, login):
    client = login("admin")
    unit = _unit("p-tnn")
    old_name = unit.name
    response = client.post(reverse("org:unit_rename", args=[unit.pk]), {
        "new_name": "Phòng Tài nguyên nước và Khí tượng thủy văn", "effective": "2026-03-01",
        "decision": "Quyết định số 30/QĐ-STNMT"}, follow=True)
    page = _page(response)
    assert response.status_code == 200
    assert "<h1 class=\"h3 mb-1\">Phòng Tài nguyên nước và Khí tượng thủy văn" in page
    assert old_name in page
    assert "01/01/2019 – 28/02/2026" in page
    assert "Quyết định số 30/QĐ-STNMT" in page
    assert _events("org.unit.rename") == 1


def test_renaming_with_an_early_date_shows_the_error(demo, login):
    unit = _unit("p-tnn")
    response = login("admin").post(reverse("org:unit_rename", args=[unit.pk]), {
        "new_name": "Tên mới", "effective": "2018-06-01"})
    assert response.status_code == 200
    assert "Ngày đổi tên phải sau ngày bắt đầu dùng tên hiện tại (01/01/2019)." in _page(response)
    assert _unit("p-tnn").name != "Tên mới"
    assert _events("org.unit.rename") == 0


def test_merging_moves_staff_and_sub_units_and_shows_the_successor(demo, login, staff):
    client = login("admin")
    into, merged = _unit("p-tnn"), _unit("cc-bvmt")
    merge_page = client.get(reverse("org:unit_merge", args=[into.pk]))
    assert str(merged.pk) in dict(merge_page.context["form"].fields["units"].choices)
    response = client.post(reverse("org:unit_merge", args=[into.pk]), {
        "units": [str(merged.pk)], "effective": _today().isoformat(),
        "decision": "Quyết định số 99/QĐ-UBND"}, follow=True)
    assert response.status_code == 200
    page = _page(response)
    assert "Đã sáp nhập Chi cục Bảo vệ môi trường vào" in page
    assert "Chi cục Bảo vệ môi trường" in page  # listed among the predecessors

    merged.refresh_from_db()
    assert merged.successor == into and merged.valid_to == _today() - dt.timedelta(days=1)
    assert _unit("cc-bvmt-td").parent == into
    moved = Position.objects.active_on().get(user=staff("cc.moitruong"))
    assert moved.unit == into and moved.role == Role.UNIT_HEAD

    old_page = _page(client.get(reverse("org:unit_detail", args=[merged.pk])))
    assert "Đơn vị kế thừa" in old_page
    assert reverse("org:unit_detail", args=[into.pk]) in old_page
    assert "Dương Minh Triết" in old_page  # among the staff who worked there

    tree = client.get(reverse("org:units"))
    assert merged not in [row.unit for row in tree.context["rows"]]
    closed = _page(client.get(reverse("org:units") + "?closed=1"))
    assert "Đã sáp nhập" in closed
    assert _events("org.unit.merge") == 1 and _events("org.unit.move") == 1


def test_a_unit_cannot_be_merged_into_its_own_sub_unit(demo, login):
    branch = _unit("vpdk-ninh-kieu")
    form = login("admin").get(reverse("org:unit_merge", args=[branch.pk])).context["form"]
    choices = dict(form.fields["units"].choices)
    assert str(_unit("vpdk").pk) not in choices
    assert str(branch.pk) not in choices
    assert str(_unit("vpdk-cai-rang").pk) in choices


def test_dissolving_a_unit_with_staff_shows_the_error_and_changes_nothing(demo, login):
    unit = _unit("thanh-tra")
    before = AuditEvent.objects.count()
    response = login("admin").post(reverse("org:unit_dissolve", args=[unit.pk]),
                                   {"effective": _today().isoformat(), "decision": ""})
    assert response.status_code == 200
    assert ("Đơn vị còn cán bộ đang công tác; hãy kết thúc hoặc chuyển vị trí của họ trước."
            in _page(response))
    unit.refresh_from_db()
    assert unit.valid_to is None and unit.is_active()
    assert AuditEvent.objects.count() == before


def test_dissolving_an_empty_unit_hides_it_unless_closed_units_are_shown(demo, login):
    client = login("admin")
    unit = _unit("cc-qldd-qh")
    response = client.post(reverse("org:unit_dissolve", args=[unit.pk]),
                           {"effective": _today().isoformat(), "decision": "QĐ 7/QĐ-UBND"})
    assert response.status_code == 302
    unit.refresh_from_db()
    yesterday = _today() - dt.timedelta(days=1)
    assert unit.valid_to == yesterday and unit.successor is None
    tree = client.get(reverse("org:units"))
    assert unit not in [row.unit for row in tree.context["rows"]]
    closed = _page(client.get(reverse("org:units") + "?closed=1"))
    assert unit.name in closed and "Đã giải thể" in closed
    assert yesterday.strftime("%d/%m/%Y") in closed
    assert 'aria-pressed="true"' in closed
    detail = _page(client.get(reverse("org:unit_detail", args=[unit.pk])))
    assert reverse("org:unit_dissolve", args=[unit.pk]) not in detail  # no actions on it now
    assert _events("org.unit.dissolve") == 1


def test_a_unit_starting_later_is_listed_as_not_yet_active(demo, login):
    client = login("admin")
    start = _today() + dt.timedelta(days=30)
    client.post(reverse("org:unit_create"), {
        "name": "Phòng Chuyển đổi số", "code": "p-cds", "kind": "division",
        "valid_from": start.isoformat()})
    page = _page(client.get(reverse("org:units")))
    assert "Phòng Chuyển đổi số" in page and "Chưa hoạt động" in page


# --- Staff --------------------------------------------------------------------------------------


def test_search_ignores_diacritics(demo, login):
    response = login("motcua").get(reverse("org:staff"), {"q": "nguyen van"})
    found = _found(response)
    assert "Nguyễn Văn Thành" in found
    assert "Lâm Thị Diễm My" not in found and "Phạm Quốc Bảo" not in found
    page = _page(response)
    assert "Nguyễn Văn Thành" in page
    assert "Giám đốc Sở" in page  # the current position is shown
    assert _found(login("motcua").get(reverse("org:staff"), {"q": "ĐẶNG  thị"})) == [
        "Đặng Thị Mỹ Linh"]


def test_directory_filters_by_unit_and_role(demo, login):
    client = login("motcua")
    found = _found(client.get(reverse("org:staff"), {"unit": _unit("vpdk").pk}))
    assert sorted(found) == ["Phạm Quốc Bảo", "Võ Thị Ngọc Hân"]
    found = _found(client.get(reverse("org:staff"), {"role": Role.DESK_OFFICER}))
    assert sorted(found) == ["Kiều Văn Hậu", "Lâm Thị Diễm My", "Đoàn Thị Yến Nhi"]
    found = _found(client.get(reverse("org:staff"), {"unit": _unit("vpdk").pk,
                                                     "role": Role.UNIT_HEAD}))
    assert found == ["Phạm Quốc Bảo"]


def test_directory_is_paginated(demo, login):
    response = login("motcua").get(reverse("org:staff"))
    assert response.context["page"].paginator.count == User.objects.filter(is_active=True).count()
    assert response.context["page"].paginator.per_page == 25


def test_live_search_returns_only_the_results(demo, login):
    response = login("motcua").get(reverse("org:staff"), {"q": "diem my"},
                                   headers={"HX-Request": "true"})
    page = _page(response)
    assert "<html" not in page and 'id="staff-results"' in page
    assert "Lâm Thị Diễm My" in page


def test_staff_detail_shows_current_and_past_positions(demo, login, staff):
    admin = login("admin")
    person = staff("chuyenvien")
    position = person.positions.get()
    admin.post(reverse("org:position_end", args=[position.pk]),
               {"last_day": (_today() - dt.timedelta(days=1)).isoformat()})
    admin.post(reverse("org:position_add", args=[person.pk]), {
        "unit": _unit("cc-qldd").pk, "role": Role.SPECIALIST, "title": "Chuyên viên chính",
        "valid_from": _today().isoformat()})
    response = login("lanhdao").get(reverse("org:staff_detail", args=[person.pk]))
    current, ended = response.context["current_positions"], response.context["ended_positions"]
    assert [p.unit.code for p in current] == ["cc-qldd"]
    assert [p.unit.code for p in ended] == ["vpdk"]
    page = _page(response)
    assert "Chuyên viên chính" in page and "Văn phòng Đăng ký đất đai" in page


def test_admin_creates_staff_with_a_first_position(demo, login):
    client = login("admin")
    response = client.post(reverse("org:staff_create"), {
        "username": "Tiepnhan4", "full_name": "Nguyễn Thị Mai", "email": "mai@stnmt.cantho.gov.vn",
        "phone": "0292 3820 124", "password1": PASSWORD, "password2": PASSWORD,
        "unit": _unit("mot-cua").pk, "role": Role.DESK_OFFICER,
        "title": "Cán bộ tiếp nhận và trả kết quả"}, follow=True)
    assert response.status_code == 200
    user = User.objects.get(username="tiepnhan4")
    assert user.check_password(PASSWORD) and user.full_name == "Nguyễn Thị Mai"
    position = user.positions.get()
    assert (position.unit.code, position.role) == ("mot-cua", Role.DESK_OFFICER)
    assert "Đã tạo tài khoản “tiepnhan4” cho Nguyễn Thị Mai." in _page(response)
    assert "Nguyễn Thị Mai" in _found(client.get(reverse("org:staff"), {"q": "nguyen thi mai"}))
    assert AuditEvent.objects.filter(action="org.staff.create", object_id=str(user.pk)).exists()
    assert AuditEvent.objects.filter(action="org.position.assign",
                                     object_id=str(position.pk)).exists()


def test_duplicate_username_shows_the_error_and_writes_nothing(demo, login):
    users, events = User.objects.count(), AuditEvent.objects.count()
    response = login("admin").post(reverse("org:staff_create"), {
        "username": "MOTCUA", "full_name": "Lâm Thị Diễm My", "email": "", "phone": "",
        "password1": PASSWORD, "password2": PASSWORD, "unit": _unit("mot-cua").pk,
        "role": Role.DESK_OFFICER, "title": ""})
    assert response.status_code == 200
    assert "Tên đăng nhập “motcua” đã tồn tại." in _page(response)
    assert User.objects.count() == users
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(("password1", "password2", "message"), [
    ("Dat-dai-2026-moi", "Dat-dai-2026-khac", "Hai mật khẩu không khớp."),
    ("12345678", "12345678", None),  # rejected by the password validators
])
def test_bad_passwords_are_refused_and_nothing_is_written(demo, login, password1, password2,
                                                          message):
    users, positions = User.objects.count(), Position.objects.count()
    response = login("admin").post(reverse("org:staff_create"), {
        "username": "moi", "full_name": "Trần Văn Mới", "password1": password1,
        "password2": password2, "unit": _unit("mot-cua").pk, "role": Role.DESK_OFFICER})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors.get("password1") or form.errors.get("password2")
    if message:
        assert message in _page(response)
    assert (User.objects.count(), Position.objects.count()) == (users, positions)


def test_admin_locks_and_unlocks_an_account(demo, login, staff):
    client = login("admin")
    person = staff("motcua")
    url = reverse("org:staff_edit", args=[person.pk])
    data = {"full_name": person.full_name, "email": person.email, "phone": person.phone}
    assert client.post(url, data).status_code == 302  # is_active unchecked: locked
    person.refresh_from_db()
    assert not person.is_active
    assert "Lâm Thị Diễm My" not in _found(client.get(reverse("org:staff")))
    assert "Lâm Thị Diễm My" in _found(client.get(reverse("org:staff"), {"inactive": "on"}))
    client.post(url, {**data, "is_active": "on"})
    person.refresh_from_db()
    assert person.is_active
    assert _events("org.staff.update") == 2


def test_admin_cannot_lock_their_own_account(demo, login, staff):
    admin = staff("admin")
    response = login("admin").post(reverse("org:staff_edit", args=[admin.pk]), {
        "full_name": admin.full_name, "email": admin.email, "phone": admin.phone})
    assert response.status_code == 200
    assert "Bạn không thể tự khóa tài khoản của mình." in _page(response)
    admin.refresh_from_db()
    assert admin.is_active


def test_admin_sets_a_new_password(demo, login, staff):
    person = staff("chuyenvien")
    response = login("admin").post(reverse("org:staff_password", args=[person.pk]),
                                   {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password(PASSWORD)
    assert _events("org.staff.set_password") == 1


def test_admin_adds_and_ends_a_position(demo, login, staff):
    client = login("admin")
    person = staff("cv.datdai")
    response = client.post(reverse("org:position_add", args=[person.pk]), {
        "unit": _unit("mot-cua").pk, "role": Role.DESK_OFFICER, "title": "Cán bộ tăng cường",
        "valid_from": _today().isoformat()})
    assert response.status_code == 302
    added = person.positions.get(unit__code="mot-cua")
    assert AuditEvent.objects.filter(action="org.position.assign", object_id=str(added.pk)).exists()

    last_day = _today() + dt.timedelta(days=14)
    response = client.post(reverse("org:position_end", args=[added.pk]),
                           {"last_day": last_day.isoformat()})
    assert response.status_code == 302
    added.refresh_from_db()
    assert added.valid_to == last_day
    assert AuditEvent.objects.filter(action="org.position.end", object_id=str(added.pk)).exists()


def test_the_same_position_twice_shows_the_error(demo, login, staff):
    person = staff("chuyenvien")
    response = login("admin").post(reverse("org:position_add", args=[person.pk]), {
        "unit": _unit("vpdk").pk, "role": Role.SPECIALIST, "valid_from": _today().isoformat()})
    assert response.status_code == 200
    assert "Cán bộ đã giữ vai trò này tại đơn vị này." in _page(response)
    assert person.positions.count() == 1


def test_ending_a_position_before_it_started_shows_the_error(demo, login, staff):
    position = staff("chuyenvien").positions.get()
    response = login("admin").post(reverse("org:position_end", args=[position.pk]),
                                   {"last_day": "2018-12-31"})
    assert response.status_code == 200
    assert "Ngày kết thúc phải sau ngày bắt đầu." in _page(response)
    position.refresh_from_db()
    assert position.valid_to is None


def test_staff_see_and_change_only_their_own_agencys_units_and_people(demo, login, staff):
    from motcua.org.models import Agency, Position, Unit, UnitKind, User

    other = Agency.objects.create(code="000.00.99.H99", name="Sở khác", place_name="Hà Nội")
    unit = Unit.objects.create(agency=other, kind=UnitKind.DIVISION, code="khac", name="Phòng khác",
                               name_since=demo.units.first().valid_from,
                               valid_from=demo.units.first().valid_from)
    person = User.objects.create_user("nguoi.khac", password="Rat-kho-doan-2026",
                                      full_name="Người Sở Khác")
    Position.objects.create(user=person, unit=unit, role="specialist", valid_from=unit.valid_from)
    admin = login("admin")
    assert admin.get(f"/to-chuc/don-vi/{unit.pk}/").status_code == 404
    assert admin.post(f"/to-chuc/don-vi/{unit.pk}/giai-the/",
                      {"effective": "2026-12-01"}).status_code == 404
    assert admin.get(f"/to-chuc/can-bo/{person.pk}/").status_code == 404
    assert "Người Sở Khác" not in admin.get("/to-chuc/can-bo/?q=nguoi").content.decode()
    unit.refresh_from_db()
    assert unit.valid_to is None
