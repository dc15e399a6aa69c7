import json
import re
from datetime import date

from django.utils import translation

from motcua.worktime import (
    PLAIN,
    WORKING_DAYS,
    ClockEvent,
    DayOverride,
    WorkAmount,
    WorkCalendar,
    compute_deadline,
    deadline,
)
from motcua.worktime.explain import MESSAGES, WEEKDAYS

from .conftest import at

D = WorkAmount.days


def test_friday_1655_before_tet_explains_itself(cal):
    result = deadline(cal, at(2025, 1, 24, 16, 55), D(5), rule=WORKING_DAYS)
    lines = result.explanation.render()
    assert lines[0].startswith("Tiếp nhận lúc 16:55 thứ Sáu 24/01/2025")
    assert "07:30 thứ Hai 03/02/2025" in lines[0]
    assert "Điều 147" in lines[0]
    assert "Thời hạn: 5 ngày làm việc" in lines
    tet = [line for line in lines if "Tết Nguyên đán Ất Tỵ" in line]
    assert tet == [
        "Không tính thứ Bảy 25/01/2025 – Chủ nhật 02/02/2025 (9 ngày): Nghỉ Tết Nguyên đán"
        " Ất Tỵ 2025 (8726/VPCP-KGVX, 26/11/2024)"
    ]
    assert lines[-1].endswith("17:00 thứ Sáu 07/02/2025")


def test_outside_hours_start_is_explained(cal):
    result = deadline(cal, at(2026, 3, 6, 16, 55), WorkAmount.hours(1), rule=PLAIN)
    assert result.explanation.codes()[0] == "start.at_receipt"  # 16:55 is still office hours
    sunday = deadline(cal, at(2026, 3, 8, 9), WorkAmount.hours(1), rule=PLAIN)
    first = sunday.explanation.render()[0]
    assert "ngoài giờ làm việc" in first and "07:30 thứ Hai 09/03/2026" in first


def test_makeup_day_agency_day_off_and_pause_are_listed():
    cal = WorkCalendar(overrides=[DayOverride.day_off(date(2026, 1, 12), "Đại hội Đảng bộ", "QĐ 5/QĐ-UBND")])
    result = compute_deadline(
        cal,
        D(5),
        [
            ClockEvent.start(at(2026, 1, 5, 9)),
            ClockEvent.pause(at(2026, 1, 6, 7, 30), "yêu cầu bổ sung"),
            ClockEvent.resume(at(2026, 1, 7, 7, 30)),
        ],
        rule=WORKING_DAYS,
    )
    text = str(result.explanation)
    assert "Có tính thứ Bảy 10/01/2026: ngày làm bù" in text
    assert "12729/VPCP-KGVX" in text
    assert "ngày nghỉ của cơ quan – Đại hội Đảng bộ (QĐ 5/QĐ-UBND)" in text
    assert "(yêu cầu bổ sung): 1 ngày làm việc không tính vào thời hạn" in text
    assert "Không tính Chủ nhật 11/01/2026: nghỉ cuối tuần" in text
    assert result.due_at == at(2026, 1, 13, 17)  # Wed 7, Thu 8, Fri 9, Sat 10, Tue 13


def test_gio_to_2026_and_package_names(cal):
    result = deadline(cal, at(2026, 4, 24, 14), D(4), rule=PLAIN)
    text = str(result.explanation)
    assert "Giỗ Tổ Hùng Vương 2026" in text
    assert "Không tính thứ Năm 30/04/2026: Ngày Chiến thắng" in text  # the package's name
    with translation.override("en"):
        assert "Liberation Day/Reunification Day" in str(result.explanation)


def test_as_dict_is_json_with_codes_params_and_text(cal):
    result = deadline(cal, at(2026, 2, 13, 9), D(2), rule=PLAIN, now=at(2026, 2, 23, 9))
    data = json.loads(json.dumps(result.as_dict(), ensure_ascii=False))
    assert data["due_at"] == "2026-02-24T09:00:00+07:00"
    assert data["remaining"]["minutes"] == 480
    steps = data["explanation"]
    assert steps[0]["code"] == "start.at_receipt"
    assert steps[0]["params"]["received"] == "2026-02-13T09:00:00+07:00"
    skipped = next(step for step in steps if step["code"] == "skip.holiday")
    assert skipped["params"]["days"] == {"first": "2026-02-14", "last": "2026-02-22", "days": 9}
    assert all(step["text"] for step in steps)


def test_msgids_are_vietnamese_with_diacritics():
    vietnamese = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]")
    for msgid in [*MESSAGES.values(), *WEEKDAYS[:6]]:
        assert vietnamese.search(msgid.lower()), msgid
