"""The demo agency: a provincial Department of Natural Resources and Environment (Sở Tài nguyên
và Môi trường thành phố Cần Thơ), with the units its own reform plan names and staff with
Vietnamese names. Everything is created through the org services, like an administrator would."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from motcua.audit.services import record
from motcua.org import services
from motcua.org.models import Agency, Role, Unit, UnitKind, User

DEMO_AGENCY_CODE = "000.15.31.H13"
DEMO_PASSWORD = "Thuchanh@2026"
ESTABLISHED = dt.date(2019, 1, 1)


@dataclass(frozen=True)
class DemoUnit:
    code: str
    name: str
    kind: str
    parent: str | None = None
    short_name: str = ""


BRANCH_DISTRICTS = ("Ninh Kiều", "Bình Thủy", "Cái Răng", "Ô Môn", "Thốt Nốt", "Phong Điền",
                    "Cờ Đỏ", "Thới Lai", "Vĩnh Thạnh")
BRANCH_CODES = ("ninh-kieu", "binh-thuy", "cai-rang", "o-mon", "thot-not", "phong-dien",
                "co-do", "thoi-lai", "vinh-thanh")

UNITS: tuple[DemoUnit, ...] = (
    DemoUnit("bgd", "Ban Giám đốc Sở", UnitKind.LEADERSHIP),
    DemoUnit("van-phong", "Văn phòng Sở", UnitKind.OFFICE),
    DemoUnit("mot-cua", "Bộ phận Tiếp nhận và Trả kết quả", UnitKind.DESK, short_name="Bộ phận Một cửa"),
    DemoUnit("cc-qldd", "Chi cục Quản lý đất đai", UnitKind.SUB_DEPARTMENT),
    DemoUnit("cc-qldd-qh", "Phòng Quy hoạch và Kinh tế đất", UnitKind.OFFICE, "cc-qldd"),
    DemoUnit("cc-bvmt", "Chi cục Bảo vệ môi trường", UnitKind.SUB_DEPARTMENT),
    DemoUnit("cc-bvmt-td", "Phòng Thẩm định và Đánh giá tác động môi trường", UnitKind.OFFICE,
             "cc-bvmt"),
    DemoUnit("vpdk", "Văn phòng Đăng ký đất đai", UnitKind.PUBLIC_SERVICE_UNIT,
             short_name="VPĐKĐĐ"),
    DemoUnit("vpdk-dk", "Phòng Đăng ký và Cấp giấy chứng nhận", UnitKind.OFFICE, "vpdk"),
    *(DemoUnit(f"vpdk-{code}", f"Chi nhánh Văn phòng Đăng ký đất đai quận {name}"
               if name in ("Ninh Kiều", "Bình Thủy", "Cái Răng", "Ô Môn", "Thốt Nốt")
               else f"Chi nhánh Văn phòng Đăng ký đất đai huyện {name}", UnitKind.BRANCH, "vpdk")
      for code, name in zip(BRANCH_CODES, BRANCH_DISTRICTS, strict=True)),
    DemoUnit("p-tnn", "Phòng Tài nguyên Khoáng sản – Nước – Khí tượng thủy văn và Biến đổi khí hậu",
             UnitKind.DIVISION, short_name="Phòng TNKS-N-KTTV&BĐKH"),
    DemoUnit("thanh-tra", "Thanh tra Sở", UnitKind.INSPECTORATE),
    DemoUnit("ttcntt", "Trung tâm Công nghệ thông tin Tài nguyên và Môi trường",
             UnitKind.PUBLIC_SERVICE_UNIT, short_name="Trung tâm CNTT"),
)


@dataclass(frozen=True)
class DemoStaff:
    username: str
    full_name: str
    unit: str
    role: str
    title: str
    phone: str = ""


STAFF: tuple[DemoStaff, ...] = (
    DemoStaff("admin", "Trần Minh Khoa", "ttcntt", Role.ADMINISTRATOR, "Quản trị hệ thống",
              "0292 3820 101"),
    DemoStaff("lanhdao", "Nguyễn Văn Thành", "bgd", Role.AGENCY_LEADER, "Giám đốc Sở",
              "0292 3820 102"),
    DemoStaff("phogiamdoc", "Lê Thị Hồng Nhung", "bgd", Role.AGENCY_LEADER, "Phó Giám đốc Sở"),
    DemoStaff("truongphong", "Phạm Quốc Bảo", "vpdk", Role.UNIT_HEAD,
              "Giám đốc Văn phòng Đăng ký đất đai", "0292 3820 110"),
    DemoStaff("chuyenvien", "Võ Thị Ngọc Hân", "vpdk", Role.SPECIALIST, "Chuyên viên",
              "0292 3820 111"),
    DemoStaff("chuyenvien2", "Huỳnh Tấn Phát", "vpdk-dk", Role.SPECIALIST, "Chuyên viên"),
    DemoStaff("truongdk", "Đặng Thị Mỹ Linh", "vpdk-dk", Role.UNIT_HEAD, "Trưởng phòng"),
    DemoStaff("cn.ninhkieu", "Lý Hoàng Nam", "vpdk-ninh-kieu", Role.UNIT_HEAD, "Giám đốc Chi nhánh"),
    DemoStaff("cv.ninhkieu", "Bùi Thị Thu Trang", "vpdk-ninh-kieu", Role.SPECIALIST, "Chuyên viên"),
    DemoStaff("cn.cairang", "Trương Văn Lộc", "vpdk-cai-rang", Role.UNIT_HEAD, "Giám đốc Chi nhánh"),
    DemoStaff("cc.datdai", "Hồ Thanh Tùng", "cc-qldd", Role.UNIT_HEAD, "Chi cục trưởng"),
    DemoStaff("cv.datdai", "Ngô Thị Kim Ngân", "cc-qldd", Role.SPECIALIST, "Chuyên viên"),
    DemoStaff("cc.moitruong", "Dương Minh Triết", "cc-bvmt", Role.UNIT_HEAD, "Chi cục trưởng"),
    DemoStaff("cv.moitruong", "Phan Thị Bích Tuyền", "cc-bvmt-td", Role.SPECIALIST, "Chuyên viên"),
    DemoStaff("tp.tainguyen", "Châu Văn Đức", "p-tnn", Role.UNIT_HEAD, "Trưởng phòng"),
    DemoStaff("cv.tainguyen", "Mai Thị Thanh Thảo", "p-tnn", Role.SPECIALIST, "Chuyên viên"),
    DemoStaff("thanhtra", "Tô Quang Vinh", "thanh-tra", Role.UNIT_HEAD, "Chánh Thanh tra Sở"),
    DemoStaff("motcua", "Lâm Thị Diễm My", "mot-cua", Role.DESK_OFFICER,
              "Cán bộ tiếp nhận và trả kết quả", "0292 3820 120"),
    DemoStaff("motcua2", "Kiều Văn Hậu", "mot-cua", Role.DESK_OFFICER,
              "Cán bộ tiếp nhận và trả kết quả"),
    DemoStaff("motcua3", "Đoàn Thị Yến Nhi", "mot-cua", Role.DESK_OFFICER,
              "Cán bộ tiếp nhận và trả kết quả"),
    DemoStaff("cchc", "Quách Thị Phương Thảo", "van-phong", Role.REFORM_OFFICER,
              "Chuyên viên cải cách hành chính", "0292 3820 130"),
)

#: Usernames printed on start and relied on by scripts and tests.
KEY_LOGINS = ("admin", "lanhdao", "truongphong", "chuyenvien", "motcua", "cchc")


def demo_agency() -> Agency | None:
    return Agency.objects.filter(code=DEMO_AGENCY_CODE).first()


@transaction.atomic
def load_demo() -> tuple[Agency, bool]:
    """Create the demo agency unless it exists. Returns it and whether it was created now."""
    existing = demo_agency()
    if existing is not None:
        return existing, False
    agency = Agency.objects.create(
        code=DEMO_AGENCY_CODE,
        name="Sở Tài nguyên và Môi trường thành phố Cần Thơ",
        short_name="Sở TN&MT Cần Thơ",
        governing_body="ỦY BAN NHÂN DÂN THÀNH PHỐ CẦN THƠ",
        place_name="Cần Thơ",
        address="Số 9 đường Cách Mạng Tháng Tám, phường Cái Khế, quận Ninh Kiều, thành phố Cần Thơ",
        phone="0292 3820 100",
        hotline="0931 015 119",
        email="stnmt@cantho.gov.vn",
    )
    record(actor="seed_demo", action="org.agency.create", obj=agency,
           after={"code": agency.code, "name": agency.name})
    from motcua.worktime.services import ensure_schedule

    ensure_schedule(agency)
    admin_spec = STAFF[0]
    admin = User(username=admin_spec.username, full_name=admin_spec.full_name,
                 phone=admin_spec.phone, email="admin@stnmt.cantho.gov.vn",
                 is_staff=True, is_superuser=True)
    admin.set_password(DEMO_PASSWORD)
    admin.save()
    record(actor="seed_demo", action="org.staff.create", obj=admin,
           after={"username": admin.username, "full_name": admin.full_name})

    units: dict[str, Unit] = {}
    for spec in UNITS:
        units[spec.code] = services.create_unit(
            actor=admin, agency=agency, name=spec.name, code=spec.code, kind=spec.kind,
            parent=units[spec.parent] if spec.parent else None, short_name=spec.short_name,
            valid_from=ESTABLISHED, decision="Quyết định số 12/QĐ-UBND ngày 02/01/2019",
        )
    for spec in STAFF:
        user = admin if spec.username == "admin" else services.create_staff(
            actor=admin, username=spec.username, full_name=spec.full_name,
            password=DEMO_PASSWORD, email=f"{spec.username.replace('.', '')}@stnmt.cantho.gov.vn",
            phone=spec.phone,
        )
        services.assign_position(actor=admin, user=user, unit=units[spec.unit], role=spec.role,
                                 title=spec.title, valid_from=ESTABLISHED)
    return agency, True


def login_table() -> list[tuple[str, str, str]]:
    """(username, name, role and unit) for the key demo logins."""
    rows = []
    for spec in STAFF:
        if spec.username in KEY_LOGINS:
            unit_name = next(u.name for u in UNITS if u.code == spec.unit)
            rows.append((spec.username, spec.full_name, f"{spec.title} — {unit_name}"))
    return rows
