"""The benchmarks' history generator (``bench/dossier_history.py``) writes what the services would
have written: each dossier's stored state is the one its events rebuild, its due moments are
the working-time engine's, the codes follow each day's counter, and the services carry on from
there (a new dossier continues the day's sequence; an open one moves on)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from bench.dossier_history import generate

from motcua.dossiers import history, selectors, services
from motcua.dossiers.models import (
    Applicant,
    Dossier,
    DossierCounter,
    DossierEvent,
    DossierStep,
    ReceivedDocument,
    Status,
)
from motcua.org.models import User
from motcua.worktime.models import TrackedDeadline
from motcua.worktime.services import evaluate
from tests.dossiers.conftest import applicant, filing_for

VN = ZoneInfo("Asia/Ho_Chi_Minh")
END = dt.datetime(2026, 11, 25, 10, 30, tzinfo=VN)


@pytest.fixture
def generated(catalogue):
    report = generate(1500, end=END, years=1.0, parallel=False, log=None)
    assert report.dossiers == 1500
    return report


def test_each_generated_dossier_is_what_its_history_rebuilds(generated):
    problems = {d.code or d.pk: history.check(d) for d in Dossier.objects.all()}
    assert {k: v for k, v in problems.items() if v} == {}
    for deadline in TrackedDeadline.objects.all():
        computed = evaluate(deadline)
        assert (computed.due_at, computed.original_due_at) == (deadline.due_at, deadline.original_due_at)
    # every reference points at a row that exists
    assert not DossierStep.objects.exclude(dossier__in=Dossier.objects.all()).exists()
    with_step = DossierEvent.objects.filter(step__isnull=False)
    assert not with_step.exclude(step__in=DossierStep.objects.all()).exists()
    assert not ReceivedDocument.objects.exclude(dossier__in=Dossier.objects.all()).exists()
    assert not Dossier.objects.exclude(applicant__in=Applicant.objects.all()).exists()
    assert Dossier.objects.filter(deadline__isnull=False).count() == TrackedDeadline.objects.count()


def test_the_history_looks_like_a_real_year(generated):
    statuses = Counter(Dossier.objects.values_list("status", flat=True))
    for status in (Status.RETURNED, Status.PROCESSING, Status.READY, Status.REFUSED, Status.INCOMPLETE,
                   Status.WITHDRAWN):
        assert statuses[status] > 0, status
    resolved = Dossier.objects.exclude(timeliness="")
    late = resolved.filter(timeliness="late").count() / resolved.count()
    assert 0.01 < late < 0.08
    actions = Counter(DossierEvent.objects.values_list("action", flat=True))
    for action in ("request_supplement", "receive_supplement", "pause", "resume", "apologize", "reject",
                   "withdraw", "refuse", "request_completion"):
        assert actions[action] > 0, action
    by_month = Counter(d.month for d in Dossier.objects.exclude(received_at=None).values_list(
        "received_at", flat=True))
    assert by_month[12] > by_month[2]  # the year-end peak; February has Tết


def test_the_services_carry_on_from_the_generated_history(generated, procedure, staff):
    day = END.date()
    last = DossierCounter.objects.get(day=day).last
    assert Dossier.objects.filter(code__contains=f"-{day:%y%m%d}-").count() == last
    d = services.accept_dossier(actor=staff("motcua"), filing=filing_for(
        procedure("1.012767"), applicant=applicant(id_number="092190009999")), at=END)
    assert d.code.endswith(f"-{day:%y%m%d}-{last + 1:04d}")
    # an open dossier at a handling step moves on in the hands of an officer who may act on it
    moved = 0
    for open_dossier in Dossier.objects.filter(status=Status.PROCESSING).order_by("-id")[:20]:
        for user in User.objects.filter(positions__isnull=False).distinct():
            if "forward" in selectors.available_actions(user, open_dossier):
                services.forward(actor=user, dossier=open_dossier, at=END)
                moved += 1
                break
    assert moved > 5
