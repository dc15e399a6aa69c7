"""The demo dossiers: a desk with three months of work behind it and something in every queue,
made through the services by the officers allowed to act, the same for the same moment."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from motcua.common.text import fold
from motcua.dossiers import selectors
from motcua.dossiers.demo import load_demo_dossiers
from motcua.dossiers.models import (
    Applicant,
    Dossier,
    DossierCounter,
    DossierEvent,
    DossierStep,
    Status,
    Timeliness,
)
from motcua.org.models import User
from motcua.worktime.selectors import agency_calendar
from motcua.worktime.services import evaluate

VN = ZoneInfo("Asia/Ho_Chi_Minh")
#: A Wednesday afternoon: the demo's "now".
NOW = dt.datetime(2026, 11, 25, 14, 10, tzinfo=VN)

#: (who looks, at which queue): each must show something.
QUEUES = (("motcua", "receive"), ("motcua", "due_soon"), ("motcua", "overdue"), ("motcua", "supplement"),
          ("motcua", "return"), ("chuyenvien2", "process"), ("truongdk", "process"), ("truongphong", "sign"),
          ("lanhdao", "all"))


@pytest.fixture(scope="module")
def demo_desk(django_db_setup, django_db_blocker):
    """The demo agency with its catalogue and its demo dossiers, loaded once for this module
    (a few seconds of service calls) and rolled back after it."""
    from motcua.catalog.demo import load_demo_catalogue
    from motcua.org.demo import load_demo

    with django_db_blocker.unblock(), transaction.atomic():
        agency = load_demo()[0]
        load_demo_catalogue(agency)
        assert load_demo_dossiers(agency, now=NOW) is not None
        yield agency
        transaction.set_rollback(True)


@pytest.fixture
def desk(demo_desk, db):
    return demo_desk


def test_every_work_queue_has_dossiers_now(desk):
    for username, name in QUEUES:
        user = User.objects.get(username=username)
        assert selectors.queue(user, name, now=NOW).exists(), f"{name} of {username} is empty"
    statuses = Counter(Dossier.objects.values_list("status", flat=True))
    for status in (Status.INCOMPLETE, Status.REFUSED, Status.PROCESSING, Status.AWAITING_SUPPLEMENT,
                   Status.PAUSED, Status.READY, Status.RETURNED, Status.WITHDRAWN):
        assert statuses[status] > 0, status
    assert statuses[Status.RETURNED] > sum(statuses.values()) / 2  # most are done


def test_demo_dossiers_look_like_three_months_at_a_real_desk(desk):
    dossiers = list(Dossier.objects.select_related("procedure__field"))
    assert 150 <= len(dossiers) <= 300
    received = [d.created_at for d in dossiers]
    assert min(received) >= NOW - dt.timedelta(days=95) and max(received) <= NOW
    assert max(d.received_at for d in dossiers if d.received_at) >= NOW - dt.timedelta(days=3)
    # land procedures first
    fields = Counter(d.procedure.field.code for d in dossiers)
    assert fields["dat-dai"] > len(dossiers) / 2
    # about 3 % late, some with the apology letter
    resolved = [d for d in dossiers if d.timeliness]
    late = [d for d in resolved if d.timeliness == Timeliness.LATE]
    assert 0.01 <= len(late) / len(resolved) <= 0.08
    assert Dossier.objects.filter(apologized=True).exists()
    actions = Counter(DossierEvent.objects.values_list("action", flat=True))
    for action in ("accept", "forward", "approve", "return", "request_supplement", "receive_supplement",
                   "pause", "resume", "apologize", "reject", "request_completion", "refuse", "withdraw"):
        assert actions[action] > 0, action


def test_applicants_are_people_and_organisations_of_can_tho(desk):
    applicants = list(Applicant.objects.all())
    people = [a for a in applicants if a.kind == "person"]
    organisations = [a for a in applicants if a.kind == "organisation"]
    assert len(people) > 100 and len(organisations) >= 3
    assert all(re.fullmatch(r"\d{12}", a.id_number) for a in people)
    assert all(re.fullmatch(r"\d{10}", a.id_number) for a in organisations)
    assert all(re.fullmatch(r"0\d{9}", a.phone) for a in applicants)
    with_marks = [a for a in people if fold(a.name) != a.name.lower()]
    assert len(with_marks) > len(people) * 0.9  # Vietnamese names keep their diacritics
    assert len({a.name for a in people}) > len(people) * 0.8
    assert all("Cần Thơ" in a.address for a in applicants)
    assert Dossier.objects.values("applicant").distinct().count() < Dossier.objects.count()  # some return


def test_every_action_happened_in_office_hours_and_the_history_holds_together(desk):
    calendar = agency_calendar(desk)
    for at in DossierEvent.objects.values_list("at", flat=True):
        local = calendar.local(at)
        inside = calendar.is_working_time(local) or calendar.is_working_time(local - dt.timedelta(minutes=1))
        assert inside, f"an action at {local:%H:%M %d/%m/%Y}"
    for d in Dossier.objects.select_related("deadline__schedule__agency"):
        assert d.events.count() == d.last_seq
        if d.deadline_id:
            computed = evaluate(d.deadline)
            assert (computed.due_at, computed.original_due_at) == (d.due_at, d.original_due_at)
        if d.status == Status.RETURNED:
            assert not d.steps.filter(status="active").exists()
    # codes: sequential per day of receipt, and the day counters where the next accept continues
    by_day = Counter()
    for code in Dossier.objects.exclude(code=None).values_list("code", flat=True):
        by_day[code.split("-")[1]] += 1
    for counter in DossierCounter.objects.all():
        assert by_day[f"{counter.day:%y%m%d}"] == counter.last
    # the officers who acted were those the steps allow: a specialist never approves, the desk never forwards
    specialists = DossierEvent.objects.filter(actor__username__startswith="chuyenvien")
    assert not specialists.filter(action="approve").exists()
    assert not DossierEvent.objects.filter(action="forward", actor__username__startswith="motcua").exists()
    assert DossierStep.objects.filter(status="active").exists()


def test_loading_again_adds_nothing(desk):
    counts = (Dossier.objects.count(), DossierEvent.objects.count(), Applicant.objects.count())
    assert load_demo_dossiers(desk, now=NOW + dt.timedelta(days=1)) is None
    assert (Dossier.objects.count(), DossierEvent.objects.count(), Applicant.objects.count()) == counts


def test_the_demo_history_tells_no_one(desk):
    """Three months played into the past are not news: no officer gets a notification of the
    hundreds of hand-overs in them."""
    from motcua.notify.models import Notification

    assert DossierEvent.objects.count() > 500
    assert not Notification.objects.exists()
