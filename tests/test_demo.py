import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import transaction

from motcua.dossiers.demo import load_demo_dossiers
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.org.access import roles_of
from motcua.org.demo import KEY_LOGINS
from motcua.org.models import Agency, Position, Unit, User


def test_seed_demo_is_idempotent_and_prints_the_logins(db, capsys):
    call_command("seed_demo")
    first = capsys.readouterr().out
    counts = (Agency.objects.count(), Unit.objects.count(), User.objects.count(),
              Position.objects.count(), Dossier.objects.count(), DossierEvent.objects.count())
    assert counts[4] >= 150  # a desk with work in progress, from the first start
    call_command("seed_demo")
    second = capsys.readouterr().out
    assert (Agency.objects.count(), Unit.objects.count(), User.objects.count(),
            Position.objects.count(), Dossier.objects.count(), DossierEvent.objects.count()) == counts
    assert "đã có sẵn" in second
    assert "hồ sơ mẫu" in first and "hồ sơ mẫu" not in second
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


class _Undo(Exception):
    pass


def _demo_rows(agency, now: dt.datetime) -> list[tuple]:
    """The demo dossiers made for ``now`` (a dozen), then undone."""
    try:
        with transaction.atomic():
            assert load_demo_dossiers(agency, now=now, count=12) is not None
            rows = list(Dossier.objects.order_by("id").values_list(
                "code", "status", "procedure__national_code", "applicant_name", "applicant_id_number",
                "received_at", "due_at", "timeliness"))
            raise _Undo
    except _Undo:
        return rows


@pytest.mark.django_db
def test_the_demo_dossiers_are_the_same_for_the_same_moment(catalogue):
    now = dt.datetime(2026, 11, 25, 14, 10, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    first, second = _demo_rows(catalogue, now), _demo_rows(catalogue, now)
    assert len(first) >= 12 and first == second
    assert _demo_rows(catalogue, now + dt.timedelta(days=7)) != first  # and follow the present moment
