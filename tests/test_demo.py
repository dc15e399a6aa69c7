from django.core.management import call_command

from motcua.org.access import roles_of
from motcua.org.demo import KEY_LOGINS
from motcua.org.models import Agency, Position, Unit, User


def test_seed_demo_is_idempotent_and_prints_the_logins(db, capsys):
    call_command("seed_demo")
    first = capsys.readouterr().out
    counts = (Agency.objects.count(), Unit.objects.count(), User.objects.count(),
              Position.objects.count())
    call_command("seed_demo")
    second = capsys.readouterr().out
    assert (Agency.objects.count(), Unit.objects.count(), User.objects.count(),
            Position.objects.count()) == counts
    assert "đã có sẵn" in second
    for username in KEY_LOGINS:
        assert username in first and username in second


def test_demo_has_the_departments_units_and_key_roles(demo, staff):
    names = set(Unit.objects.filter(agency=demo).values_list("name", flat=True))
    for expected in ("Chi cục Quản lý đất đai", "Chi cục Bảo vệ môi trường",
                     "Văn phòng Đăng ký đất đai", "Thanh tra Sở",
                     "Trung tâm Công nghệ thông tin Tài nguyên và Môi trường",
                     "Bộ phận Tiếp nhận và Trả kết quả"):
        assert expected in names
    assert Unit.objects.filter(agency=demo, kind="branch", parent__code="vpdk").count() == 9
    expected_roles = {"admin": "administrator", "lanhdao": "agency_leader",
                      "truongphong": "unit_head", "chuyenvien": "specialist",
                      "motcua": "desk_officer", "cchc": "reform_officer"}
    for username, role in expected_roles.items():
        assert role in roles_of(staff(username))
    assert staff("truongphong").positions.get().unit.code == "vpdk"
