"""Calendars edited by an administrator, and the open deadlines that follow the change."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from motcua.audit.models import AuditEvent
from motcua.worktime import ClockEvent, WorkAmount
from motcua.worktime.models import TrackedDeadline
from motcua.worktime.selectors import agency_schedule, calendar_for
from motcua.worktime.services import (
    add_clock_event,
    evaluate,
    mark_met,
    recompute_open_deadlines,
    remove_calendar_day,
    set_calendar_day,
    track_deadline,
    update_office_hours,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN)


@pytest.fixture
def schedule(demo):
    return agency_schedule(demo)


def _track(schedule, received, days=5, rule="plain", owner="1"):
    return track_deadline(schedule=schedule, owner_type="test.dossier", owner_id=owner,
                          amount=WorkAmount.days(days), received_at=received, counting_rule=rule)


def test_five_working_days_from_monday_morning_end_next_monday_same_time(schedule):
    # Mon 02/03/2026 08:00 + 5 days: 450 min on Monday, 4 × 480 to Friday, 30 min next Monday.
    deadline = _track(schedule, at(2026, 3, 2, 8, 0))
    assert deadline.due_at == at(2026, 3, 9, 8, 0)


def test_legal_counting_starts_the_next_working_day_and_ends_at_close(schedule):
    deadline = _track(schedule, at(2026, 3, 2, 10, 0), rule="working_days")
    assert deadline.due_at == at(2026, 3, 9, 17, 0)


def test_an_agency_day_off_moves_open_deadlines_and_is_audited(schedule, staff,
                                                               django_capture_on_commit_callbacks):
    plain = _track(schedule, at(2026, 3, 2, 8, 0), owner="1")
    legal = _track(schedule, at(2026, 3, 2, 10, 0), rule="working_days", owner="2")
    done = _track(schedule, at(2026, 3, 2, 8, 0), owner="3")
    mark_met(deadline=done, at=at(2026, 3, 5, 9, 0))
    after_the_day = _track(schedule, at(2026, 3, 5, 8, 0), owner="4")
    expected_after = after_the_day.due_at

    with django_capture_on_commit_callbacks(execute=True):
        set_calendar_day(actor=staff("admin"), schedule=schedule, day=dt.date(2026, 3, 4),
                         working=False, name="Nghỉ để tổ chức bầu cử",
                         decision="Quyết định 45/QĐ-UBND ngày 20/02/2026")

    plain.refresh_from_db(), legal.refresh_from_db(), done.refresh_from_db()
    after_the_day.refresh_from_db()
    assert plain.due_at == at(2026, 3, 10, 8, 0)
    assert legal.due_at == at(2026, 3, 10, 17, 0)
    assert done.due_at == at(2026, 3, 9, 8, 0)  # met: never altered
    assert after_the_day.due_at == expected_after  # received after the day: not affected
    changes = AuditEvent.objects.filter(action="worktime.deadline.recompute")
    assert {e.object_id for e in changes} == {str(plain.pk), str(legal.pk)}
    change = changes.get(object_id=str(plain.pk))
    assert change.before["due_at"] == "2026-03-09T08:00:00+07:00"
    assert change.after["due_at"] == "2026-03-10T08:00:00+07:00"
    assert AuditEvent.objects.filter(action="worktime.day.set").count() == 1


def test_removing_the_day_off_moves_them_back(schedule, staff, django_capture_on_commit_callbacks):
    deadline = _track(schedule, at(2026, 3, 2, 8, 0))
    with django_capture_on_commit_callbacks(execute=True):
        day = set_calendar_day(actor=staff("admin"), schedule=schedule, day=dt.date(2026, 3, 4),
                               working=False, name="Nghỉ đột xuất")
    with django_capture_on_commit_callbacks(execute=True):
        remove_calendar_day(actor=staff("admin"), calendar_day=day)
    deadline.refresh_from_db()
    assert deadline.due_at == at(2026, 3, 9, 8, 0)


def test_a_make_up_saturday_shortens_a_deadline_over_it(schedule, staff,
                                                        django_capture_on_commit_callbacks):
    deadline = _track(schedule, at(2026, 3, 2, 8, 0))
    with django_capture_on_commit_callbacks(execute=True):
        set_calendar_day(actor=staff("admin"), schedule=schedule, day=dt.date(2026, 3, 7),
                         working=True, name="Làm bù cho ngày 04/03")
    deadline.refresh_from_db()
    # Saturday 07/03 gives 480 minutes: the last 30 minutes end at Saturday 08:00.
    assert deadline.due_at == at(2026, 3, 7, 8, 0)


def test_the_calendar_is_cached_until_it_changes(schedule, staff):
    first = calendar_for(schedule)
    assert calendar_for(agency_schedule(schedule.agency)) is first
    set_calendar_day(actor=staff("admin"), schedule=schedule, day=dt.date(2026, 3, 4),
                     working=False, name="Nghỉ đột xuất")
    changed = calendar_for(agency_schedule(schedule.agency))
    assert changed is not first
    assert not changed.is_working_day(dt.date(2026, 3, 4))


@pytest.mark.parametrize(
    ("day", "working", "message"),
    [
        (dt.date(2026, 3, 4), True, "vốn là ngày làm việc"),
        (dt.date(2026, 3, 8), False, "vốn là ngày nghỉ"),
        (dt.date(2026, 2, 17), False, "vốn là ngày nghỉ"),  # Tết
    ],
)
def test_pointless_changes_are_refused_in_vietnamese(schedule, staff, day, working, message):
    with pytest.raises(ValidationError, match=message):
        set_calendar_day(actor=staff("admin"), schedule=schedule, day=day, working=working,
                         name="Thử")


def test_only_administrators_edit_the_calendar(schedule, staff):
    with pytest.raises(PermissionDenied):
        set_calendar_day(actor=staff("motcua"), schedule=schedule, day=dt.date(2026, 3, 4),
                         working=False, name="Nghỉ")
    assert not schedule.days.exists()


def test_saturday_morning_reception_does_not_count_unless_the_agency_works_saturdays(
        schedule, staff, django_capture_on_commit_callbacks):
    hours = {"monday": "07:30-11:30, 13:00-17:00", "tuesday": "07:30-11:30, 13:00-17:00",
             "wednesday": "07:30-11:30, 13:00-17:00", "thursday": "07:30-11:30, 13:00-17:00",
             "friday": "07:30-11:30, 13:00-17:00", "saturday": "", "sunday": "",
             "makeup_hours": "07:30-11:30, 13:00-17:00"}
    with pytest.raises(ValidationError, match="không hợp lệ"):
        update_office_hours(actor=staff("admin"), schedule=schedule,
                            hours={**hours, "monday": "13:00-11:00"})
    deadline = _track(schedule, at(2026, 3, 2, 8, 0))
    due = deadline.due_at
    with django_capture_on_commit_callbacks(execute=True):
        update_office_hours(actor=staff("admin"), schedule=schedule,
                            hours={**hours, "saturday": "07:30-11:30"})
    deadline.refresh_from_db()
    # The desk now receives on Saturday morning, but Saturday is a weekly rest day: no change.
    assert deadline.due_at == due == at(2026, 3, 9, 8, 0)
    calendar = calendar_for(agency_schedule(schedule.agency))
    assert calendar.next_working_moment(at(2026, 3, 7, 8, 0)) == at(2026, 3, 9, 7, 30)
    with django_capture_on_commit_callbacks(execute=True):
        update_office_hours(actor=staff("admin"), schedule=schedule,
                            hours={**hours, "saturday": "07:30-11:30"}, weekend_counts=True)
    deadline.refresh_from_db()
    # Saturday morning (240 min) now counts: the last 30 minutes fall on Saturday 07/03 08:00.
    assert deadline.due_at == at(2026, 3, 7, 8, 0)


def test_a_pause_for_a_supplement_adds_the_paused_working_time(schedule):
    deadline = _track(schedule, at(2026, 3, 2, 8, 0))
    deadline = add_clock_event(deadline=deadline, event=ClockEvent.pause(at(2026, 3, 3, 8, 0),
                                                                          "yêu cầu bổ sung"))
    assert deadline.due_at is None  # paused: known on resume
    deadline = add_clock_event(deadline=deadline, event=ClockEvent.resume(at(2026, 3, 5, 8, 0)))
    assert deadline.due_at == at(2026, 3, 11, 8, 0)  # two working days later
    assert "pause" in evaluate(deadline).explanation.codes()


def test_an_impossible_clock_event_changes_nothing(schedule):
    deadline = _track(schedule, at(2026, 3, 2, 8, 0))
    with pytest.raises(ValidationError):
        add_clock_event(deadline=deadline, event=ClockEvent.resume(at(2026, 3, 3, 8, 0)))
    deadline.refresh_from_db()
    assert len(deadline.events) == 1 and deadline.due_at == at(2026, 3, 9, 8, 0)


def test_recompute_reads_in_chunks_and_checks_every_open_deadline(schedule, staff):
    for owner in range(7):
        _track(schedule, at(2026, 3, 2, 8, owner), owner=str(owner))
    set_calendar_day(actor=staff("admin"), schedule=schedule, day=dt.date(2026, 3, 4),
                     working=False, name="Nghỉ đột xuất")  # no on_commit here: recompute by hand
    report = recompute_open_deadlines(schedule_id=schedule.pk, first_day=dt.date(2026, 3, 4),
                                      last_day=dt.date(2026, 3, 4), chunk_size=3)
    assert (report.checked, report.changed) == (7, 7)
    assert set(TrackedDeadline.objects.values_list("due_at__date", flat=True)) == {
        dt.date(2026, 3, 10)}


def test_a_unit_with_its_own_hours_keeps_the_agencys_days_off(schedule, staff,
                                                             django_capture_on_commit_callbacks):
    from motcua.org.models import Unit
    from motcua.worktime.selectors import schedule_for_unit
    from motcua.worktime.services import create_unit_schedule

    admin = staff("admin")
    branch = Unit.objects.get(code="vpdk-ninh-kieu")
    own = create_unit_schedule(actor=admin, unit=branch)
    assert schedule_for_unit(branch) == own
    hours = {field: getattr(own, field) for field in (
        "monday", "tuesday", "wednesday", "thursday", "friday", "sunday", "makeup_hours")}
    update_office_hours(actor=admin, schedule=own, hours={**hours, "saturday": "07:30-11:30"},
                        weekend_counts=True)
    own.refresh_from_db()
    at_branch = _track(own, at(2026, 3, 2, 8, 0), owner="b")
    at_agency = _track(schedule, at(2026, 3, 2, 8, 0), owner="a")
    assert at_branch.due_at == at(2026, 3, 7, 8, 0)  # the branch works Saturday mornings
    assert at_agency.due_at == at(2026, 3, 9, 8, 0)

    with django_capture_on_commit_callbacks(execute=True):
        set_calendar_day(actor=admin, schedule=schedule, day=dt.date(2026, 3, 4), working=False,
                         name="Nghỉ đột xuất toàn Sở")
    at_branch.refresh_from_db(), at_agency.refresh_from_db()
    # Inherited the agency's day off: Mon 450 + Tue 480 + Thu 480 + Fri 480 + Sat 240 = 2130
    # minutes; the last 270 end on Monday 09/03 at 13:30 (after the lunch break).
    assert at_branch.due_at == at(2026, 3, 9, 13, 30)
    assert at_agency.due_at == at(2026, 3, 10, 8, 0)
    assert not calendar_for(own).is_working_day(dt.date(2026, 3, 4))


def test_a_unit_schedule_with_deadlines_cannot_be_removed(schedule, staff):
    from motcua.org.models import Unit
    from motcua.worktime.services import create_unit_schedule, remove_unit_schedule

    admin = staff("admin")
    own = create_unit_schedule(actor=admin, unit=Unit.objects.get(code="vpdk-cai-rang"))
    _track(own, at(2026, 3, 2, 8, 0))
    with pytest.raises(ValidationError, match="không thể bỏ"):
        remove_unit_schedule(actor=admin, schedule=own)
    with pytest.raises(ValidationError, match="đã có giờ làm việc riêng"):
        create_unit_schedule(actor=admin, unit=own.unit)


def test_a_unit_may_work_on_an_agency_day_off(schedule, staff):
    from motcua.org.models import Unit
    from motcua.worktime.services import create_unit_schedule

    admin = staff("admin")
    own = create_unit_schedule(actor=admin, unit=Unit.objects.get(code="mot-cua"))
    set_calendar_day(actor=admin, schedule=schedule, day=dt.date(2026, 3, 10), working=False,
                     name="Nghỉ toàn Sở")
    set_calendar_day(actor=admin, schedule=own, day=dt.date(2026, 3, 10), working=True,
                     name="Bộ phận Một cửa trực tiếp nhận")
    own.refresh_from_db()
    assert calendar_for(own).is_working_day(dt.date(2026, 3, 10))
    assert not calendar_for(agency_schedule(schedule.agency)).is_working_day(dt.date(2026, 3, 10))


def test_a_recompute_stops_when_the_calendar_changes_under_it(schedule, staff, monkeypatch):
    import motcua.worktime.services as services_module

    deadline = _track(schedule, at(2026, 3, 2, 8, 0))
    set_calendar_day(actor=staff("admin"), schedule=schedule, day=dt.date(2026, 3, 4),
                     working=False, name="Nghỉ đột xuất")
    monkeypatch.setattr(services_module, "calendar_key",
                        lambda s, lock=False: "changed-meanwhile" if lock else "as-read")
    report = recompute_open_deadlines(schedule_id=schedule.pk, first_day=dt.date(2026, 3, 4),
                                      last_day=dt.date(2026, 3, 4))
    deadline.refresh_from_db()
    assert deadline.due_at == at(2026, 3, 9, 8, 0)  # nothing written on the stale calendar
    assert report.changed == 0
