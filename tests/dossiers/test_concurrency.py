"""Concurrency (issue #5 items 2 and 10), with real parallel database connections: desks
accepting at the same instant never get the same number, and two officers acting on the same
step at once cannot both succeed. Runs on SQLite and on PostgreSQL (the CI runs both)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from contextlib import closing

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from motcua.audit.models import AuditEvent
from motcua.dossiers.models import Dossier, DossierCounter, DossierEvent, Status
from motcua.dossiers.services import accept_dossier, approve, forward, request_completion
from motcua.dossiers.workflow import ActionRefused
from motcua.org.models import User
from tests.dossiers.conftest import applicant, filing_for
from tests.dossiers.lifecycle import active, fresh, nov, only_active

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 8


@pytest.fixture(autouse=True)
def parallel_database(transactional_db, tmp_path):
    """SQLite's test database lives in memory with a shared cache, where a second writer fails at
    once ("database table is locked") instead of waiting as it does on the database file motcua
    runs on (WAL, busy timeout, IMMEDIATE transactions: see ``motcua.common.dburl``). For these
    tests the empty test database is copied to a file and every connection opens that file.
    PostgreSQL is used as it is."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    connection.ensure_connection()
    memory = connection.connection
    path = tmp_path / "parallel.sqlite3"
    with closing(sqlite3.connect(path)) as target:
        memory.backup(target)
    name = connection.settings_dict["NAME"]  # the dict new threads' connections are made from
    connection.settings_dict["NAME"] = str(path)
    connection.connection = None
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = name
        connection.connection = memory


def at_once(jobs: list[Callable[[], object]]) -> tuple[list[object], list[BaseException]]:
    """Run ``jobs`` in threads, each with its own database connection, released together."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(job: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            outcome = job()
            with lock:
                results.append(outcome)
        except BaseException as error:  # reported to the test
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    return results, errors


def as_user(username: str) -> User:
    return User.objects.get(username=username)


def test_desks_accepting_at_the_same_instant_get_distinct_consecutive_numbers(procedure):
    p = procedure("1.012767")
    desks = ("motcua", "motcua2", "motcua3")

    def job(i: int) -> Callable[[], str]:
        filing = filing_for(p, applicant=applicant(id_number=f"0921900100{i:02d}", name=f"Người nộp {i}"))
        return lambda: accept_dossier(actor=as_user(desks[i % 3]), filing=filing, at=nov(10, 9)).code

    codes, errors = at_once([job(i) for i in range(THREADS)])
    assert errors == []
    assert len(set(codes)) == THREADS
    assert sorted(int(c.rsplit("-", 1)[1]) for c in codes) == list(range(1, THREADS + 1))
    assert all(c.startswith("000.15.31.H13-261110-") for c in codes)
    assert DossierCounter.objects.get().last == THREADS
    assert sorted(Dossier.objects.values_list("code", flat=True)) == sorted(codes)
    assert AuditEvent.objects.filter(action="dossier.accept").count() == THREADS


@pytest.mark.parametrize("with_version", [True, False], ids=["page-version", "step-only"])
def test_two_officers_forwarding_the_same_step_at_once_cannot_both_succeed(accepted, with_version):
    d = accepted("1.012767", at=nov(10, 9))
    step, seen = only_active(d), fresh(d).lock_version
    extra = {"version": seen} if with_version else {}

    def job(username: str) -> Callable[[], str]:
        return lambda: forward(actor=as_user(username), dossier=d, step=step.pk, note=username,
                               at=nov(11, 9), **extra) and username

    winners, errors = at_once([job("chuyenvien2"), job("truongdk")])
    assert len(winners) == 1 and len(errors) == 1
    assert isinstance(errors[0], ActionRefused | PermissionDenied), errors
    forwards = DossierEvent.objects.filter(dossier=d, action="forward")
    assert [(e.step_id, e.actor.username) for e in forwards] == [(step.pk, winners[0])]
    assert AuditEvent.objects.filter(action="dossier.forward").count() == 1
    assert [s.kind for s in active(d)] == ["consult"]
    assert fresh(d).last_seq == 2


def test_two_desks_receiving_the_same_waiting_dossier_at_once_receive_it_once(procedure):
    """The second desk waits for the first one's lock and then sees the dossier already received:
    a clear refusal, not an error (it must not act on the row's new state joined to the old
    state of its deadline)."""
    p = procedure("1.012767")
    waiting = request_completion(actor=as_user("motcua"), filing=filing_for(p, documents_received=[]),
                                 missing=["Bản sao Giấy chứng nhận"], at=nov(10, 9))

    def job(username: str) -> Callable[[], str]:
        return lambda: accept_dossier(actor=as_user(username), filing=filing_for(p), dossier=waiting,
                                      at=nov(11, 9)).code

    codes, errors = at_once([job("motcua2"), job("motcua3")])
    assert len(codes) == 1 and len(errors) == 1
    assert isinstance(errors[0], ActionRefused), errors
    assert fresh(waiting).status == Status.PROCESSING and fresh(waiting).code == codes[0]
    assert AuditEvent.objects.filter(action="dossier.accept").count() == 1


def test_two_leaders_approving_at_once_approve_once(accepted):
    d = accepted("1.012767", at=nov(10, 9))
    for who in ("chuyenvien2", "chuyenvien2", "chuyenvien2", "truongdk"):
        d = forward(actor=as_user(who), dossier=d, at=nov(12, 9))
    seen = fresh(d).lock_version

    def job(username: str) -> Callable[[], str]:
        return lambda: approve(actor=as_user(username), dossier=d, version=seen, at=nov(13, 9)) and username

    winners, errors = at_once([job("truongphong"), job("lanhdao")])
    assert len(winners) == 1 and len(errors) == 1
    assert isinstance(errors[0], ActionRefused), errors
    assert "vừa được người khác cập nhật" in errors[0].message
    assert DossierEvent.objects.filter(dossier=d, action="approve").count() == 1
    d = fresh(d)
    assert d.status == Status.READY
    assert [s.kind for s in active(d)] == ["return"]


def test_the_two_parallel_consultations_closed_at_once_open_the_next_step_once(accepted):
    d = accepted("1.004227", at=nov(10, 9))
    d = forward(actor=as_user("truongphong"), dossier=d, at=nov(10, 10))
    d = forward(actor=as_user("chuyenvien2"), dossier=d, at=nov(11, 9))
    first, second = active(d)

    def job(step_id: int, username: str) -> Callable[[], int]:
        return lambda: forward(actor=as_user(username), dossier=d, step=step_id, at=nov(12, 9)).pk

    done, errors = at_once([job(first.pk, "chuyenvien2"), job(second.pk, "truongdk")])
    assert errors == [] and len(done) == 2  # different steps: both hand-overs count
    review = only_active(d)
    assert (review.kind, review.unit.code) == ("review", "vpdk")
    events = list(DossierEvent.objects.filter(dossier=d, action="forward").order_by("seq"))[-2:]
    assert [len(e.data["opened"]) for e in events] == [0, 1]
    assert sorted(e.step_id for e in events) == sorted([first.pk, second.pk])
