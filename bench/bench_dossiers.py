"""Dossiers with a large history: the generator, the service layer and the HTTP server (issue 5).

    uv run python bench/run.py dossiers                     # 100,000 dossiers, throw-away SQLite
    BENCH_DOSSIERS=20000 uv run python bench/run.py dossiers
    BENCH_DOSSIERS=1000000 DATABASE_URL=postgres://postgres@127.0.0.1:55440/motcua \\
        uv run python bench/run.py dossiers                 # the issue's figures (an empty database)

With ``DATABASE_URL`` the database must be empty (it is migrated and filled); ``BENCH_REUSE=1``
reuses a history already generated there by an earlier run (at least ``BENCH_DOSSIERS``
dossiers), to repeat the measurements without waiting for the generator again. Without
``DATABASE_URL`` a throw-away SQLite database is made in a temporary directory.

In one run:

1. **the generator** (``bench/dossier_history.py``) writes the history of N dossiers over four
   years by bulk inserts — target: 1,000,000 in under 10 minutes, so at least 1,667 dossiers/s;
2. **a complete lifecycle through the service layer** — accept (the desk), three steps
   (procedure 1.012768: the head of the registration office assigns, a specialist appraises, the
   director of the land registration office reviews), approve (the agency's leader) and return
   (the desk) — as many as fit in ``BENCH_SECONDS`` (default 20 s), in one process, then in two
   processes at once (the machine's two cores, as the server's two workers), then in four (a
   transaction waits for the disk's flush at its commit, and others use the wait): dossiers
   per second, target ≥ 50/s on PostgreSQL with 1,000,000 dossiers present;
3. **the HTTP server**, gunicorn started as ``scripts/run`` starts it (2 sync workers, access log
   on) on a free loopback port: the request rate of ``POST /api/v1/dossiers`` (accepting a
   dossier) against ``GET /api/v1/me`` (a trivial authenticated JSON endpoint), both driven by
   four client threads, in alternating rounds so that a burst of load elsewhere weighs on both
   alike (target ≥ 0.40); the median latency of a work queue page (``/ho-so/?tab=process`` for
   the registration office's specialist, and the desk's ``overdue`` queue) and of a dossier's page
   against the same trivial endpoint (target ≤ 3×); the same lifecycle as 2. through the API;
   and each worker's peak memory (``VmHWM``; goal < 250 MB).

Ratios are what the targets are about; absolute figures depend on the machine (and on what else
runs on it: the report prints the CPU time the generator's two processes used).
"""

from __future__ import annotations

import contextlib
import http.client
import io
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIFECYCLE_PROCEDURE = "1.012768"  # Cấp đổi Giấy chứng nhận: three steps before the decision
GENERATOR_TARGET_S = 600.0  # 1,000,000 dossiers in under 10 minutes
LIFECYCLE_TARGET = 50.0
ACCEPT_RATIO_TARGET = 0.40
PAGE_RATIO_TARGET = 3.0
RSS_GOAL_MB = 250.0


# -- set-up ------------------------------------------------------------------------------------
def _setup_django(var_dir: str | None) -> None:
    if var_dir is not None:
        os.environ["MOTCUA_VAR_DIR"] = var_dir
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("seed_demo", quiet_logins=True, no_dossiers=True, stdout=io.StringIO())


def _cpu_seconds() -> tuple[float, float]:
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def _history(count: int) -> None:
    from bench.dossier_history import generate
    from motcua.dossiers.models import Dossier

    existing = Dossier.objects.count()
    if os.environ.get("BENCH_REUSE") == "1" and existing >= count:
        print(f"history: reusing the {existing:,} dossiers already in the database (BENCH_REUSE=1)")
        return
    if existing:
        sys.exit(f"the database already holds {existing:,} dossiers: use an empty one, or BENCH_REUSE=1")
    own_before, children_before = _cpu_seconds()
    report = generate(count, log=lambda line: print(line, flush=True))
    own_after, children_after = _cpu_seconds()
    print(f"history: {report.summary()}")
    print("   rows: " + ", ".join(f"{k} {v:,}" for k, v in report.rows.items()))
    rate = report.dossiers / report.seconds
    projected = 1_000_000 / rate
    verdict = "met" if projected < GENERATOR_TARGET_S else "NOT MET"
    maker = children_after - children_before
    print(f"   CPU time: writer {own_after - own_before:.0f} s, row maker {maker:.0f} s "
          f"(wall {report.seconds:.0f} s; on a machine shared with other work the wall time is longer)")
    print(f"generator: {rate:,.0f} dossiers/s → 1,000,000 in {projected / 60:.1f} min; target < 10 min "
          f"(≥ {1_000_000 / GENERATOR_TARGET_S:,.0f}/s): ratio {projected / GENERATOR_TARGET_S:.2f}x of the "
          f"allowed time: {verdict}")


# -- the lifecycle through the services --------------------------------------------------------
class Lifecycle:
    """Who does what in the measured lifecycle, and a filing that can be accepted."""

    def __init__(self) -> None:
        from bench.dossier_history import _Officers
        from motcua.catalog.models import Procedure
        from motcua.dossiers import process
        from motcua.org.demo import demo_agency
        from motcua.org.models import User

        agency = demo_agency()
        self.procedure = Procedure.objects.select_related("current", "agency").get(
            agency=agency, national_code=LIFECYCLE_PROCEDURE)
        officers = _Officers(agency)
        users = {u.pk: u for u in User.objects.filter(pk__in=[p.user_id for p in officers.positions])}
        stages = [stage for stage in process.stages(self.procedure.current)
                  if not process.is_receive(stage) and not process.is_return(stage)]
        holder = None
        self.steps: list[User] = []  # who finishes each step, the last one approves
        for stage in stages:
            step = next(s for s in stage if not s.optional)
            holder = step.unit_id or holder
            self.steps.append(users[officers.of(holder, step.role)[0][0]])
        self.desk = users[officers.desk[0][0]]
        self.documents = [d.pk for d in self.procedure.current.documents.all() if d.mandatory]
        self.serial = random.Random(5).randrange(10**5)

    def applicant(self) -> dict:
        self.serial += 1
        return {"name": "Trần Thị Bảo Ngọc", "id_number": f"0923950{self.serial % 10**5:05d}",
                "phone": "0907123456", "email": "",
                "address": "25 Nguyễn Trãi, phường Ninh Kiều, thành phố Cần Thơ",
                "kind": "person"}

    def run_services(self) -> str:
        from motcua.dossiers import services
        from motcua.dossiers.filing import ApplicantData, Filing

        filing = Filing(procedure=self.procedure, channel="direct",
                        applicant=ApplicantData(**self.applicant()), documents_received=self.documents)
        d = services.accept_dossier(actor=self.desk, filing=filing)
        for officer in self.steps[:-1]:
            d = services.forward(actor=officer, dossier=d, note="Đủ điều kiện.")
        d = services.approve(actor=self.steps[-1], dossier=d, note="Đồng ý.")
        d = services.return_result(actor=self.desk, dossier=d, method="desk", received_by=d.applicant_name)
        return d.status


def _lifecycle_loop(flow: Lifecycle, seconds: float) -> tuple[int, float, float]:
    """(lifecycles done, wall seconds, CPU seconds of this process)."""
    done, started, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - started < seconds:
        flow.run_services()
        done += 1
    return done, time.perf_counter() - started, time.process_time() - cpu


def _in_process(flow: Lifecycle, seconds: float, index: int, results) -> None:
    from django.db import connection

    flow.serial += 10_000 * (index + 1)  # each process files its own applicants
    try:
        results.put(_lifecycle_loop(flow, seconds))
    finally:
        connection.close()


def _commit_latency_ms() -> float:
    """The median time of a durable commit of one small row: what the disk's flush costs each
    transaction (PostgreSQL waits for it with ``synchronous_commit`` on, its default, as motcua
    expects; on SQLite the WAL is flushed at checkpoints, so this is small)."""
    from django.db import connection, transaction

    times = []
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE bench_commit (x integer)" if connection.vendor == "sqlite"
                       else "CREATE TABLE IF NOT EXISTS bench_commit (x integer)")
    for _ in range(50):
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_commit VALUES (1)")
        times.append(time.perf_counter() - started)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_commit")
    return statistics.median(times) * 1000


def _concurrent(flow: Lifecycle, seconds: float, processes: int) -> tuple[int, float]:
    import multiprocessing

    context = multiprocessing.get_context("fork")
    results = context.Queue()
    workers = [context.Process(target=_in_process, args=(flow, seconds, i, results))
               for i in range(processes)]
    for worker in workers:
        worker.start()
    outcomes = [results.get() for _worker in workers]
    for worker in workers:
        worker.join()
    return sum(done for done, _e, _c in outcomes), sum(done / elapsed for done, elapsed, _c in outcomes)


def _lifecycles(flow: Lifecycle, seconds: float) -> None:
    """Sequentially in this process, then in two processes at once (the machine's two cores,
    as the server's two workers), then in four: officers act at the same time, and each
    transaction waits for the disk at its commit, a wait other transactions can use."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    commit_ms = _commit_latency_ms()
    with CaptureQueriesContext(connection) as queries:
        assert flow.run_services() == "returned"
    n_queries = len(queries)
    done, elapsed, cpu = _lifecycle_loop(flow, seconds)
    rate = done / elapsed
    print(f"lifecycle through the services (accept → {len(flow.steps) - 1} steps → approve → return: "
          f"{len(flow.steps) + 2} transactions, {n_queries} SQL statements), one process: {done} in "
          f"{elapsed:.1f} s = {rate:.1f} dossiers/s on {connection.vendor} ({done / cpu:.1f} per second of "
          f"this process's CPU time; a durable commit takes {commit_ms:.1f} ms here)")
    connection.close()
    best = 0.0
    for processes in (2, 4):
        total, rate = _concurrent(flow, seconds, processes)
        best = max(best, rate)
        print(f"   {processes} processes at once: {total} in {seconds:.0f} s = {rate:.1f} dossiers/s")
    verdict = "met" if best >= LIFECYCLE_TARGET else "NOT MET"
    print(f"   best: {best:.1f} dossiers/s; target ≥ {LIFECYCLE_TARGET:.0f}/s on PostgreSQL: ratio "
          f"{best / LIFECYCLE_TARGET:.2f}: {verdict}")


# -- HTTP ----------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn as ``scripts/run`` starts it, on a free loopback port."""

    def __init__(self, workers: int = 2) -> None:
        self.port = _free_port()
        env = {**os.environ, "WEB_CONCURRENCY": str(workers)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "motcua.wsgi:application", "--pythonpath", "src",
             "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers), "--access-logfile", "-",
             "--graceful-timeout", "5"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn stopped: " + self.process.stderr.read().decode()[-2000:])
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1):
                break
            time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start in 60 s")

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def peak_rss_mb(self) -> dict[int, float]:
        peaks = {}
        for pid in self.workers():
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peaks[pid] = int(line.split()[1]) / 1024
        return peaks

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


class Client:
    """One keep-alive connection (the sync workers close it; it reopens by itself)."""

    def __init__(self, port: int, headers: dict[str, str]) -> None:
        self.port, self.headers = port, headers
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)

    def request(self, method: str, path: str, body: dict | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        data = json.dumps(body).encode() if body is not None else None
        sent = {**self.headers, **(headers or {})}
        if data is not None:
            sent["Content-Type"] = "application/json"
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=data, headers=sent)
                response = self.connection.getresponse()
                return response.status, response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def _token(user) -> str:
    from motcua.api.tokens import create_api_token

    return create_api_token(actor=None, user=user, name="bench")[1]


def _session_cookie(user) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _rate(port: int, headers: dict, make: Callable[[Client], tuple[int, bytes]], seconds: float,
          threads: int = 4) -> tuple[float, int]:
    """Requests per second with ``threads`` clients, each doing ``make`` in a loop; errors counted."""
    stop = time.perf_counter() + seconds
    counts, errors = [0] * threads, [0] * threads

    def loop(i: int) -> None:
        client = Client(port, headers)
        while time.perf_counter() < stop:
            status, _body = make(client)
            counts[i] += 1
            errors[i] += status >= 400
    started = time.perf_counter()
    workers = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return sum(counts) / (time.perf_counter() - started), sum(errors)


def _median_ms(client: Client, path: str, n: int) -> tuple[float, int]:
    times, status = [], 0
    for _i in range(n):
        started = time.perf_counter()
        status, _body = client.request("GET", path)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), status


def _http(flow: Lifecycle, seconds: float) -> None:
    from motcua.dossiers.models import Dossier, Status
    from motcua.org.models import User

    tokens = {u.pk: _token(u) for u in {flow.desk, *flow.steps}}
    desk = {"Authorization": f"Bearer {tokens[flow.desk.pk]}"}
    specialist = User.objects.get(username="chuyenvien2")
    open_dossier = (Dossier.objects.filter(status=Status.PROCESSING).exclude(code=None)
                    .order_by("-received_at").values_list("code", flat=True).first())
    server = Server(workers=2)
    try:
        me = lambda c: c.request("GET", "/api/v1/me")  # noqa: E731
        body = {"procedure": flow.procedure.national_code, "channel": "direct",
                "documents_received": flow.documents}

        def accept(c: Client) -> tuple[int, bytes]:
            return c.request("POST", "/api/v1/dossiers", {**body, "applicant": flow.applicant()})

        warm = Client(server.port, desk)
        for _i in range(10):  # both workers import and warm their caches
            warm.request("GET", "/api/v1/me")
            accept(warm)
        rounds = 3
        me_rates, accept_rates, errors = [], [], 0
        for _round in range(rounds):
            rate, err = _rate(server.port, desk, me, seconds / (2 * rounds))
            me_rates.append(rate)
            errors += err
            rate, err = _rate(server.port, desk, accept, seconds / (2 * rounds))
            accept_rates.append(rate)
            errors += err
        me_rate, accept_rate = statistics.mean(me_rates), statistics.mean(accept_rates)
        ratio = accept_rate / me_rate
        print(f"HTTP (gunicorn, 2 workers, 4 client threads on the same 2 cores): GET /api/v1/me "
              f"{me_rate:.0f} req/s, POST /api/v1/dossiers {accept_rate:.0f} req/s ({errors} errors): "
              f"ratio {ratio:.2f}; target ≥ {ACCEPT_RATIO_TARGET:.2f}: "
              f"{'met' if ratio >= ACCEPT_RATIO_TARGET else 'NOT MET'}")

        pages = Client(server.port, {"Cookie": _session_cookie(specialist)})
        desk_pages = Client(server.port, {"Cookie": _session_cookie(flow.desk)})
        api = Client(server.port, desk)
        n = 40
        for client, path in ((api, "/api/v1/me"), (pages, "/ho-so/?tab=process"),
                             (desk_pages, "/ho-so/?tab=overdue"), (desk_pages, f"/ho-so/{open_dossier}/")):
            client.request("GET", path)  # warm
        trivial, _s = _median_ms(api, "/api/v1/me", n)
        results = [("work queue /ho-so/?tab=process (specialist)",
                    *_median_ms(pages, "/ho-so/?tab=process", n)),
                   ("work queue /ho-so/?tab=overdue (desk)",
                    *_median_ms(desk_pages, "/ho-so/?tab=overdue", n)),
                   (f"dossier page /ho-so/{open_dossier}/ (desk)",
                    *_median_ms(desk_pages, f"/ho-so/{open_dossier}/", n)),
                   (f"GET /api/v1/dossiers/{open_dossier}",
                    *_median_ms(api, f"/api/v1/dossiers/{open_dossier}", n))]
        trivial = statistics.median([trivial, _median_ms(api, "/api/v1/me", n)[0]])
        print(f"median latency, one client: GET /api/v1/me {trivial:.1f} ms")
        for label, median, status in results:
            ratio = median / trivial
            verdict = "met" if ratio <= PAGE_RATIO_TARGET and status == 200 else "NOT MET"
            print(f"   {label}: {median:.1f} ms (HTTP {status}) = {ratio:.2f}x; "
                  f"target ≤ {PAGE_RATIO_TARGET:.0f}x: "
                  f"{verdict}")

        clients = {u.pk: Client(server.port, {"Authorization": f"Bearer {t}"}) for u, t in
                   ((User.objects.get(pk=pk), t) for pk, t in tokens.items())}

        def lifecycle() -> bool:
            status, data = accept(clients[flow.desk.pk])
            if status != 201:
                return False
            code = json.loads(data)["code"]
            for officer in flow.steps[:-1]:
                status, _b = clients[officer.pk].request("POST", f"/api/v1/dossiers/{code}/actions/forward",
                                                         {"note": "Đủ điều kiện."})
                if status != 200:
                    return False
            status, _b = clients[flow.steps[-1].pk].request(
                "POST", f"/api/v1/dossiers/{code}/actions/approve", {"note": "Đồng ý."})
            if status != 200:
                return False
            status, _b = clients[flow.desk.pk].request("POST", f"/api/v1/dossiers/{code}/actions/return",
                                                       {"method": "desk", "received_by": "Trần Thị Bảo Ngọc"})
            return status == 200

        done, failed, started = 0, 0, time.perf_counter()
        while time.perf_counter() - started < seconds / 2:
            if lifecycle():
                done += 1
            else:
                failed += 1
        elapsed = time.perf_counter() - started
        print(f"lifecycle through the API (one client, {len(flow.steps) + 2} requests each): {done} in "
              f"{elapsed:.1f} s = {done / elapsed:.1f} dossiers/s ({failed} failed)")
        peaks = server.peak_rss_mb()
        worst = max(peaks.values(), default=0.0)
        print("peak memory of each worker (VmHWM): " + ", ".join(f"{mb:.0f} MB" for mb in peaks.values())
              + f"; goal < {RSS_GOAL_MB:.0f} MB: {'met' if worst < RSS_GOAL_MB else 'NOT MET'}")
    finally:
        server.stop()


def main() -> None:
    count = int(os.environ.get("BENCH_DOSSIERS", "100000"))
    seconds = float(os.environ.get("BENCH_SECONDS", "20"))
    with contextlib.ExitStack() as stack:
        var_dir = None if os.environ.get("DATABASE_URL") else stack.enter_context(
            tempfile.TemporaryDirectory(prefix="motcua-bench-"))
        _setup_django(var_dir)
        from django.db import connection

        where = connection.settings_dict["NAME"] if connection.vendor == "sqlite" else (
            f"PostgreSQL {connection.cursor().connection.info.server_version // 10000} "
            f"({connection.settings_dict['HOST']}:{connection.settings_dict['PORT']})")
        print(f"database: {connection.vendor} — {where}; {os.cpu_count()} CPUs; "
              f"load average {os.getloadavg()[0]:.1f} at the start", flush=True)
        _history(count)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            # fresh planner statistics after the bulk load, as PostgreSQL's autovacuum gives them
            # (SQLite has none until ANALYZE runs: without them it picks a quadratic plan for the
            # visibility check of the queues, see the report of issue 5)
            cursor.execute("ANALYZE")
        print(f"ANALYZE after the bulk load: {time.perf_counter() - started:.1f} s", flush=True)
        flow = Lifecycle()
        _lifecycles(flow, seconds)
        connection.close()
        _http(flow, seconds)
        print(f"load average {os.getloadavg()[0]:.1f} at the end (2 cores: above 2, other work competed)")


if __name__ == "__main__":
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    main()
