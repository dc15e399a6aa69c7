"""Changes to the organisation: each one checked, audited, and all-or-nothing."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from motcua.audit.models import AuditEvent
from motcua.org import services
from motcua.org.models import Position, Unit, UnitKind, User

D = dt.date


def _unit(code):
    return Unit.objects.get(code=code)


def test_admin_creates_a_unit_and_the_change_is_audited(demo, staff):
    admin = staff("admin")
    unit = services.create_unit(actor=admin, agency=demo, name="Phòng Đo đạc, Bản đồ và Viễn thám",
                                code="p-dd", kind=UnitKind.DIVISION, valid_from=D(2025, 7, 1))
    event = AuditEvent.objects.get(action="org.unit.create", object_id=str(unit.pk))
    assert event.actor == admin
    assert event.after["name"] == "Phòng Đo đạc, Bản đồ và Viễn thám"


def test_only_administrators_change_the_organisation(demo, staff):
    with pytest.raises(PermissionDenied):
        services.create_unit(actor=staff("lanhdao"), agency=demo, name="Phòng mới", code="moi",
                             kind=UnitKind.DIVISION)
    assert not Unit.objects.filter(code="moi").exists()


def test_duplicate_unit_code_is_refused_in_vietnamese(demo, staff):
    with pytest.raises(ValidationError) as error:
        services.create_unit(actor=staff("admin"), agency=demo, name="Trùng mã", code="vpdk",
                             kind=UnitKind.OFFICE)
    assert "đã được dùng" in error.value.message_dict["code"][0]


def test_rename_keeps_the_old_name_for_the_earlier_period(staff):
    unit = _unit("p-tnn")
    old_name = unit.name
    services.rename_unit(actor=staff("admin"), unit=unit, new_name="Phòng Tài nguyên nước",
                         effective=D(2025, 7, 1), decision="QĐ 99/QĐ-STNMT")
    unit.refresh_from_db()
    assert unit.name == "Phòng Tài nguyên nước"
    assert unit.name_on(D(2024, 12, 31)) == old_name
    assert unit.name_on(D(2025, 7, 1)) == "Phòng Tài nguyên nước"
    assert AuditEvent.objects.filter(action="org.unit.rename", object_id=str(unit.pk)).exists()


def test_merge_moves_staff_and_sub_units_and_keeps_the_old_unit_in_history(staff):
    admin = staff("admin")
    source, target = _unit("cc-bvmt"), _unit("cc-qldd")
    specialist_in_child = staff("cv.moitruong")  # works in cc-bvmt-td, a sub-unit of cc-bvmt
    head = staff("cc.moitruong")  # works in cc-bvmt itself
    services.merge_units(actor=admin, units=[source], into=target, effective=D(2025, 7, 1))
    source.refresh_from_db()
    assert source.valid_to == D(2025, 6, 30)
    assert source.successor == target
    assert _unit("cc-bvmt-td").parent == target
    assert Position.objects.active_on(D(2025, 7, 1)).get(user=head).unit == target
    assert Position.objects.active_on(D(2025, 6, 30)).get(user=head).unit == source
    assert Position.objects.active_on(D(2025, 7, 1)).get(user=specialist_in_child).unit.code == (
        "cc-bvmt-td")


def test_dissolving_a_unit_with_staff_is_refused_and_changes_nothing(staff):
    unit = _unit("thanh-tra")
    events_before = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="còn cán bộ"):
        services.dissolve_unit(actor=staff("admin"), unit=unit, effective=D(2026, 1, 1))
    unit.refresh_from_db()
    assert unit.valid_to is None
    assert AuditEvent.objects.count() == events_before


def test_dissolve_after_staff_leave(staff):
    admin = staff("admin")
    unit = _unit("thanh-tra")
    for position in unit.positions.all():
        services.end_position(actor=admin, position=position, last_day=D(2025, 12, 31))
    services.dissolve_unit(actor=admin, unit=unit, effective=D(2026, 1, 1))
    unit.refresh_from_db()
    assert unit.valid_to == D(2025, 12, 31)
    assert not unit.is_active(D(2026, 1, 1))


def test_unit_cannot_be_placed_under_its_own_sub_unit(staff):
    with pytest.raises(ValidationError, match="chính nó"):
        services.update_unit(actor=staff("admin"), unit=_unit("vpdk"), parent=_unit("vpdk-dk"),
                             kind=UnitKind.PUBLIC_SERVICE_UNIT, code="vpdk")


def test_create_staff_refuses_a_taken_username_and_weak_password(demo, staff):
    admin = staff("admin")
    count = User.objects.count()
    with pytest.raises(ValidationError, match="đã tồn tại"):
        services.create_staff(actor=admin, username="MOTCUA", full_name="Ai đó",
                              password="Rat-kho-doan-2026")
    with pytest.raises(ValidationError):
        services.create_staff(actor=admin, username="moi", full_name="Người Mới", password="123")
    assert User.objects.count() == count


def test_same_role_in_the_same_unit_twice_is_refused(staff):
    with pytest.raises(ValidationError, match="đã giữ vai trò"):
        services.assign_position(actor=staff("admin"), user=staff("chuyenvien"),
                                 unit=_unit("vpdk"), role="specialist")


def test_a_failed_change_leaves_neither_the_change_nor_its_audit_record(staff, monkeypatch):
    """The audit record and the change commit together: if writing fails half-way, neither
    stays."""
    admin = staff("admin")
    unit = _unit("p-tnn")

    def broken_create(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("motcua.org.services.UnitName.objects.create", broken_create)
    events = AuditEvent.objects.count()
    with pytest.raises(RuntimeError):
        services.rename_unit(actor=admin, unit=unit, new_name="Tên mới", effective=D(2026, 1, 1))
    unit.refresh_from_db()
    assert unit.name != "Tên mới"
    assert AuditEvent.objects.count() == events


def test_merge_keeps_a_positions_planned_end_and_moves_future_positions(staff):
    admin = staff("admin")
    source, target = _unit("cc-bvmt"), _unit("cc-qldd")
    head = staff("cc.moitruong")
    position = head.positions.get()
    position.valid_to = D(2026, 12, 31)
    position.save()
    newcomer = services.create_staff(actor=admin, username="moi.den", full_name="Người Mới Đến",
                                     password="Rat-kho-doan-2026")
    services.assign_position(actor=admin, user=newcomer, unit=source, role="specialist",
                             valid_from=D(2025, 8, 1))
    services.merge_units(actor=admin, units=[source], into=target, effective=D(2025, 7, 1))
    moved = Position.objects.active_on(D(2025, 7, 1)).get(user=head)
    assert (moved.unit, moved.valid_to) == (target, D(2026, 12, 31))
    assert Position.objects.get(user=newcomer).unit == target


def test_merging_a_unit_with_its_own_sub_unit_keeps_the_database_and_the_log_in_step(staff):
    parent, child, into = _unit("vpdk"), _unit("vpdk-dk"), _unit("thanh-tra")
    services.merge_units(actor=staff("admin"), units=[parent, child], into=into,
                         effective=D(2025, 7, 1))
    child.refresh_from_db()
    assert child.successor == into and child.valid_to == D(2025, 6, 30)
    moves = AuditEvent.objects.filter(action="org.unit.move", object_id=str(child.pk))
    if moves.exists():  # moved under the receiving unit before it was itself merged
        assert child.parent == into == Unit.objects.get(pk=moves.get().after["parent_id"])
    else:  # merged first: it stays, closed, under its closed parent
        assert child.parent == parent


def test_an_organisation_administrator_cannot_take_over_the_superuser(demo, staff):
    from motcua.org.demo import DEMO_PASSWORD

    superuser = User.objects.create_superuser("root", "root@example.vn", "Rat-kho-doan-2026",
                                              full_name="Kỹ thuật")
    officer = staff("lanhdao")
    services.assign_position(actor=staff("admin"), user=officer, unit=_unit("ttcntt"),
                             role="administrator")
    with pytest.raises(PermissionDenied):
        services.set_staff_password(actor=staff("lanhdao"), user=superuser,
                                    password="Mat-khau-moi-2026")
    superuser.refresh_from_db()
    assert superuser.check_password("Rat-kho-doan-2026")
    assert not superuser.check_password(DEMO_PASSWORD)
