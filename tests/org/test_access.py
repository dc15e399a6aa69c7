"""Staff see only what their unit and role allow."""

from motcua.org.access import has_role, sees_reception, visible_unit_ids
from motcua.org.models import Role, Unit


def _codes(unit_ids):
    return set(Unit.objects.filter(id__in=unit_ids).values_list("code", flat=True))


def test_specialist_sees_only_their_own_unit(staff):
    assert _codes(visible_unit_ids(staff("chuyenvien"))) == {"vpdk"}


def test_unit_head_sees_their_unit_and_every_unit_below_it(staff):
    seen = _codes(visible_unit_ids(staff("truongphong")))
    assert {"vpdk", "vpdk-dk", "vpdk-ninh-kieu", "vpdk-vinh-thanh"} <= seen
    assert len([c for c in seen if c.startswith("vpdk-")]) == 10  # 9 branches + 1 office
    assert "cc-qldd" not in seen and "mot-cua" not in seen


def test_head_of_a_sub_office_does_not_see_the_parent_unit(staff):
    assert _codes(visible_unit_ids(staff("truongdk"))) == {"vpdk-dk"}


def test_agency_leader_and_reform_officer_see_the_whole_agency(demo, staff):
    every_unit = set(Unit.objects.filter(agency=demo).values_list("code", flat=True))
    assert _codes(visible_unit_ids(staff("lanhdao"))) == every_unit
    assert _codes(visible_unit_ids(staff("cchc"))) == every_unit


def test_desk_officer_sees_the_reception_but_not_the_units_work(staff):
    desk = staff("motcua")
    assert sees_reception(desk)
    assert _codes(visible_unit_ids(desk)) == {"mot-cua"}
    assert not sees_reception(staff("chuyenvien"))


def test_roles_follow_positions(staff):
    assert has_role(staff("admin"), Role.ADMINISTRATOR)
    assert not has_role(staff("motcua"), Role.ADMINISTRATOR)
    assert has_role(staff("truongphong"), Role.UNIT_HEAD)


def test_an_ended_position_no_longer_gives_access(staff):
    import datetime as dt

    from motcua.org.services import end_position

    specialist = staff("chuyenvien")
    position = specialist.positions.get()
    end_position(actor=staff("admin"), position=position,
                 last_day=dt.date.today() - dt.timedelta(days=1))
    specialist = staff("chuyenvien")  # fresh object, no cached positions
    assert visible_unit_ids(specialist) == set()
