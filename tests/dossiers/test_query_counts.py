"""A work queue and a dossier's page read with a fixed number of SQL queries: the count does not
grow with the number of dossiers in the queue nor with the length of a dossier's history (with
a million dossiers, one query per row would make every page take seconds)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.dossiers import selectors, services
from motcua.dossiers.models import Dossier, Status
from motcua.org.models import User
from tests.dossiers.conftest import TUESDAY_9AM, applicant, filing_for

#: (who, queue, the present moment the queue is read at)
QUEUES = (
    ("motcua", "receive", None), ("motcua", "supplement", None), ("motcua", "return", None),
    ("motcua", "all", None), ("motcua", "due_soon", TUESDAY_9AM + dt.timedelta(days=9, hours=1)),
    ("motcua", "overdue", TUESDAY_9AM + dt.timedelta(days=17, hours=1)),
    ("chuyenvien2", "process", None), ("truongdk", "sign", None), ("truongdk", "process", None),
    ("lanhdao", "all", None), ("cchc", "all", None),
)
PAGE_VIEWERS = ("motcua", "chuyenvien2", "truongdk", "lanhdao")


def _user(username: str) -> User:
    """A fresh instance: what a user's positions cost is counted every time, as in a request."""
    return User.objects.get(username=username)


def _spread(procedure, staff, count: int, first: int) -> None:
    """``count`` dossiers of procedure 1.012767 in every state a queue shows: at the first step,
    at the head's review (to sign), waiting for a supplement, with a result to return, and
    guided to complete at the desk."""
    desk, specialist = staff("motcua"), staff("chuyenvien2")
    head, director = staff("truongdk"), staff("truongphong")
    p = procedure("1.012767")
    for i in range(first, first + count):
        at = TUESDAY_9AM + dt.timedelta(minutes=i)
        person = applicant(id_number=f"0921900{i:05d}", name=f"Lê Văn Phúc {i}")
        if i % 5 == 4:
            incomplete = filing_for(p, applicant=person, documents_received=[])
            services.request_completion(actor=desk, filing=incomplete, missing=["Hợp đồng chuyển nhượng"],
                                        at=at)
            continue
        d = services.accept_dossier(actor=desk, filing=filing_for(p, applicant=person), at=at)
        later = at + dt.timedelta(hours=1)
        if i % 5 == 1:
            for _step in range(3):
                d = services.forward(actor=specialist, dossier=d, at=later)
        elif i % 5 == 2:
            d = services.request_supplement(actor=specialist, dossier=d, items=["Bản sao Giấy chứng nhận"],
                                            at=later)
        elif i % 5 == 3:
            for _step in range(3):
                d = services.forward(actor=specialist, dossier=d, at=later)
            d = services.forward(actor=head, dossier=d, at=later)
            d = services.approve(actor=director, dossier=d, at=later)


def _read_queue(username: str, name: str, now: dt.datetime | None) -> list[tuple]:
    """What the queue page shows of the first 20 rows."""
    user = _user(username)
    rows = list(selectors.queue(user, name, now=now)[:20])
    return [(d.code, d.status, d.procedure.name, d.current_unit.name if d.current_unit_id else "", d.due_at)
            for d in rows]


def _count(read) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        result = read()
    return len(queries), result


@pytest.mark.django_db
def test_each_work_queue_reads_its_first_page_in_a_few_queries_however_many_dossiers(
        procedure, staff, django_assert_max_num_queries):
    _spread(procedure, staff, 5, 0)
    for username, name, now in QUEUES:
        _read_queue(username, name, now)  # warm the per-process caches (a procedure's stages)
    few = {(u, name): _count(lambda u=u, name=name, now=now: _read_queue(u, name, now))
           for u, name, now in QUEUES}
    _spread(procedure, staff, 45, 5)
    for username, name, now in QUEUES:
        count, rows = few[(username, name)]
        assert rows, f"{username} sees nothing in {name}"
        with django_assert_max_num_queries(count):
            more = _read_queue(username, name, now)
        assert len(more) > len(rows) or len(more) == 20, (username, name)
        with django_assert_max_num_queries(5):  # the user, their positions, the units they lead, the page
            _read_queue(username, name, now)


def _long_history(procedure, staff, rounds: int) -> Dossier:
    """A dossier sent back by the head of the registration office ``rounds`` times: each round
    is three hand-overs more, and three steps more on the slip."""
    desk, specialist, head = staff("motcua"), staff("chuyenvien2"), staff("truongdk")
    at = TUESDAY_9AM
    d = services.accept_dossier(actor=desk, filing=filing_for(procedure("1.012767"),
                                                               applicant=applicant(id_number="092085001111")),
                                at=at)
    for _step in range(3):
        at += dt.timedelta(minutes=30)
        d = services.forward(actor=specialist, dossier=d, at=at)
    for _round in range(rounds):
        at += dt.timedelta(minutes=30)
        d = services.send_back(actor=head, dossier=d, note="Kiểm tra lại diện tích thửa đất.", at=at)
        at += dt.timedelta(minutes=30)
        d = services.forward(actor=specialist, dossier=d, at=at)
    return d


def _read_page(username: str, key: str) -> dict:
    """What a dossier's page reads: the dossier, its steps and history, documents and files, the
    viewer's actions, the process-control slip and the deadline with its explanation."""
    user = _user(username)
    d = selectors.dossier_for(user, key)
    record = selectors.dossier_record(d)
    steps, events, active = record.steps, record.events, record.active
    return {
        "header": (d.code, d.procedure.name, d.version.name, d.receiving_unit.name,
                   d.current_unit.name if d.current_unit_id else "", d.received_by.display_name()),
        "steps": [(s.name, s.unit.name, s.assignee.display_name() if s.assignee_id else "",
                   s.finished_by_id) for s in steps],
        "history": [(e.seq, e.actor_name, e.from_unit.name if e.from_unit_id else "",
                     e.to_unit.name if e.to_unit_id else "", e.step.name if e.step_id else "")
                    for e in events],
        "actions": selectors.available_actions(user, d, active),
        "actions_alone": selectors.available_actions(user, d),
        "slip": selectors.control_slip(d, steps, events),
        "documents": [(r.name, r.originals) for r in record.documents],
        "files": [(f.filename, f.uploaded_by.display_name() if f.uploaded_by_id else "")
                  for f in record.files],
        "deadline": selectors.deadline_of(d, now=TUESDAY_9AM + dt.timedelta(days=2)).explanation.render(),
    }


@pytest.mark.django_db
def test_a_dossiers_page_reads_in_the_same_number_of_queries_whatever_its_history(
        procedure, staff, django_assert_max_num_queries):
    warm = _long_history(procedure, staff, 1)
    short = _long_history(procedure, staff, 1)
    long = _long_history(procedure, staff, 10)
    assert long.last_seq >= 3 * short.last_seq
    _spread(procedure, staff, 30, 0)  # and many other dossiers around them
    for viewer in PAGE_VIEWERS:
        _read_page(viewer, warm.code)
        count, page = _count(lambda viewer=viewer: _read_page(viewer, short.code))
        assert page["history"] and page["slip"] and page["deadline"]
        with django_assert_max_num_queries(count):
            long_page = _read_page(viewer, long.code)
        assert len(long_page["history"]) == long.last_seq
        assert len(long_page["slip"]) > len(page["slip"])
        assert count <= 11, f"{viewer}: {count} queries for one dossier's page"
    assert "send_back" in _read_page("truongdk", long.code)["actions"]
    assert _read_page("chuyenvien2", long.code)["actions"] == []  # the review is not theirs
    assert Dossier.objects.filter(status=Status.PROCESSING).count() > 10
