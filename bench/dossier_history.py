"""A realistic history of N dossiers for the benchmarks, written by bulk inserts.

    uv run python bench/dossier_history.py 100000        # into DATABASE_URL, else var/motcua.sqlite3

:func:`generate` writes what the services (:mod:`motcua.dossiers.services`) would have written
for N dossiers received over several years at the demo agency, without calling them (a service
call costs milliseconds; a million dossiers must take minutes): the dossier rows, their steps,
the documents received, the events (the history and the process-control slip), the tracked
deadlines and the audit records, and the day counters of the dossier codes, so that a dossier
accepted afterwards through the services continues each day's sequence.

What the history looks like:

* the demo catalogue's procedures in force, weighted to land registration, each dossier going
  through its procedure's real internal process (stages, parallel consultations, the units that
  do each step and the officers allowed to act on them, as :mod:`motcua.dossiers.permissions`
  says) with the due moments the working-time engine gives (the procedure's counting rule, each
  step's allotted time, pauses for supplements and financial obligations);
* seasonal load: growing a little every year, lower around Tết Nguyên Đán, a peak in the last
  months of the year, more on Mondays; no receipt on days off (the calendar's holidays);
* about 3 % late (one step runs past the due moment for 1.7 % of the dossiers, half of them
  with an apology and a new appointment; the same-day procedures are sometimes late by
  themselves), 6 % asked for a supplement, 4 % paused for financial obligations, 3 % guided to
  complete at reception first, 0.6 % refused at reception and 0.6 % guided to complete and never
  back, 1 % withdrawn, 2 % not granted; the dossiers whose life goes past the end moment are
  still open (in the work queues) in the state they had then;
* each event with the audit record ``workflow.finish`` writes, and the tracked fields it
  changed (``workflow.TRACKED_FIELDS``), so that :func:`motcua.dossiers.history.check` finds
  every generated dossier to be what its history rebuilds (``tests/dossiers/test_dossier_history.py``).

Rows are built in chunks (``chunk`` dossiers, one transaction each) and inserted with
``executemany`` on SQLite and ``COPY`` on PostgreSQL, so memory stays flat whatever N is. Ids are
given by the generator (from the tables' current maximum) and PostgreSQL's sequences are moved
past them at the end.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import json
import os
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

SEED = 20260325
CHUNK = 4000

#: Lunar New Year's Day (mùng 1 Tết) in the Gregorian calendar.
TET = {2018: dt.date(2018, 2, 16), 2019: dt.date(2019, 2, 5), 2020: dt.date(2020, 1, 25),
       2021: dt.date(2021, 2, 12), 2022: dt.date(2022, 2, 1), 2023: dt.date(2023, 1, 22),
       2024: dt.date(2024, 2, 10), 2025: dt.date(2025, 1, 29), 2026: dt.date(2026, 2, 17),
       2027: dt.date(2027, 2, 6), 2028: dt.date(2028, 1, 26), 2029: dt.date(2029, 2, 13),
       2030: dt.date(2030, 2, 3)}
#: Relative load by month (January … December): a year-end peak, a dip in February.
MONTHS = (1.0, 0.85, 1.0, 0.95, 1.0, 1.0, 0.95, 0.95, 1.0, 1.05, 1.15, 1.3)
#: Relative load by weekday (Monday … Sunday; a weekend day counts only when it is a make-up day).
WEEKDAYS = (1.2, 1.05, 1.0, 1.0, 0.9, 0.8, 0.8)


def seasonal_weight(day: dt.date, first: dt.date) -> float:
    """The relative number of dossiers received on ``day`` (a working day)."""
    weight = MONTHS[day.month - 1] * WEEKDAYS[day.weekday()]
    weight *= 1 + 0.08 * (day - first).days / 365.25  # a little more every year
    for year in (day.year, day.year + 1):
        tet = TET.get(year)
        if tet is not None:
            offset = (day - tet).days
            if -12 <= offset < -3:
                weight *= 1.25  # the rush to finish before Tết
            elif -3 <= offset <= 14:
                weight *= 0.45  # the days around Tết and the first weeks of the lunar year
    return weight


@dataclass
class HistoryReport:
    dossiers: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    first_day: dt.date | None = None
    last_day: dt.date | None = None
    statuses: dict[str, int] = field(default_factory=dict)
    late: int = 0
    resolved: int = 0

    def add(self, part: HistoryReport) -> None:
        self.dossiers += part.dossiers
        self.late += part.late
        self.resolved += part.resolved
        for status, n in part.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + n

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    def summary(self) -> str:
        per_s = self.dossiers / self.seconds if self.seconds else 0
        rows_s = self.total_rows / self.seconds if self.seconds else 0
        open_ = sum(self.statuses.get(s, 0) for s in ("processing", "awaiting_supplement", "paused"))
        late = 100 * self.late / self.resolved if self.resolved else 0
        return (f"{self.dossiers:,} dossiers ({self.first_day:%d/%m/%Y}–{self.last_day:%d/%m/%Y}), "
                f"{self.total_rows:,} rows in {self.seconds:.1f} s: {per_s:,.0f} dossiers/s, "
                f"{rows_s:,.0f} rows/s; {open_:,} open now, {self.statuses.get('ready', 0):,} ready "
                f"to return, {late:.1f} % of the resolved late")


# -- the columns written (checked against the models, see _Tables) ---------------------------------
DOSSIER_COLS = (
    "id", "agency_id", "code", "code_format", "channel", "status", "procedure_id", "version_id",
    "applicant_id", "applicant_kind", "applicant_name", "applicant_id_number", "applicant_phone",
    "applicant_email", "applicant_address", "request", "sets", "return_method", "return_address",
    "receiving_unit_id", "received_by_id", "secret", "created_at", "received_at", "reception_note",
    "deadline_id", "due_at", "original_due_at", "paused_at", "supplements_requested", "apologized",
    "current_unit_id", "outcome", "outcome_note", "resolved_at", "timeliness", "returned_at",
    "returned_to", "return_tracking", "closed_at", "lock_version", "last_seq", "search_text")
STEP_COLS = ("id", "dossier_id", "process_step_id", "position", "name", "kind", "unit_id", "role",
             "external_agency", "parallel_group", "assignee_id", "allotted_minutes", "status",
             "started_at", "due_at", "finished_at", "finished_by_id", "timeliness", "note")
EVENT_COLS = ("id", "dossier_id", "seq", "at", "action", "actor_id", "actor_name", "from_status",
              "to_status", "step_id", "from_unit_id", "to_unit_id", "to_user_id", "note", "data")
DOCUMENT_COLS = ("id", "dossier_id", "required_document_id", "position", "name", "originals", "copies",
                 "at_supplement")
APPLICANT_COLS = ("id", "agency_id", "kind", "id_number", "name", "phone", "email", "address", "updated_at")
DEADLINE_COLS = ("id", "schedule_id", "owner_type", "owner_id", "purpose", "amount_minutes", "amount_unit",
                 "counting_rule", "clock_rule", "events", "received_at", "simple", "due_at",
                 "original_due_at", "met_at", "revision")
AUDIT_COLS = ("id", "at", "actor_id", "actor_name", "action", "object_type", "object_id", "object_repr",
              "before", "after", "ip_address", "user_agent", "channel")


class _Tables:
    """The tables written, in the order of their foreign keys, with the model's columns: a
    column the generator does not know (added to a model later) gets its default."""

    def __init__(self, connection) -> None:
        from motcua.audit.models import AuditEvent
        from motcua.dossiers.models import Applicant, Dossier, DossierEvent, DossierStep, ReceivedDocument
        from motcua.worktime.models import TrackedDeadline

        self.connection = connection
        self.specs = {}
        for key, model, cols in (("applicant", Applicant, APPLICANT_COLS),
                                 ("deadline", TrackedDeadline, DEADLINE_COLS),
                                 ("dossier", Dossier, DOSSIER_COLS), ("step", DossierStep, STEP_COLS),
                                 ("document", ReceivedDocument, DOCUMENT_COLS),
                                 ("event", DossierEvent, EVENT_COLS), ("audit", AuditEvent, AUDIT_COLS)):
            fields = {f.column: f for f in model._meta.concrete_fields}
            unknown = [c for c in cols if c not in fields]
            if unknown:
                raise RuntimeError(f"{model.__name__} has no column {', '.join(unknown)}: update "
                                   "bench/dossier_history.py")
            extra = [f for c, f in fields.items() if c not in cols]
            defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in extra)
            self.specs[key] = (model._meta.db_table, (*cols, *(f.column for f in extra)), defaults)

    def next_ids(self) -> dict[str, int]:
        ids = {}
        with self.connection.cursor() as cursor:
            for key, (table, _cols, _d) in self.specs.items():
                cursor.execute(f"SELECT MAX(id) FROM {table}")
                ids[key] = (cursor.fetchone()[0] or 0) + 1
        return ids

    def write(self, rows: dict[str, list[tuple]]) -> None:
        raw = self.connection.connection
        postgres = self.connection.vendor == "postgresql"
        for key, (table, cols, defaults) in self.specs.items():
            batch = rows[key]
            if not batch:
                continue
            if defaults:
                batch = [row + defaults for row in batch]
            if postgres:
                with raw.cursor() as cursor, cursor.copy(
                        f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                    for row in batch:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" * len(cols))
                raw.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", batch)

    def reset_sequences(self) -> None:
        if self.connection.vendor != "postgresql":
            return  # SQLite's AUTOINCREMENT follows the largest id inserted
        with self.connection.cursor() as cursor:
            for table, _cols, _d in self.specs.values():
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT COALESCE(MAX(id), 1) FROM {table}))")


# -- the catalogue as the generator needs it -------------------------------------------------------
@dataclass
class _Step:
    """A process step as ``workflow.open_step`` copies it onto a dossier step."""

    id: int | None
    position: int
    name: str
    kind: str
    unit_id: int | None
    role: str
    external_agency: str
    parallel_group: str
    allotted: object  # WorkAmount
    optional: bool


@dataclass
class _Procedure:
    id: int
    version_id: int
    national_code: str
    name: str
    field_code: str
    weight: float
    time_limit: object  # WorkAmount
    counting_rule: str
    rule: object  # CountingRule
    post_return: bool
    receive: _Step | None
    stages: list[list[_Step]]  # the stages after reception, up to (without) the return stage
    approval: int  # index in ``stages`` of the decision stage
    return_step: _Step | None
    documents: list[tuple]  # (id, position, name, originals, copies, mandatory)
    organisation_share: float


class _Officers:
    """Who acts on a step: as the demo does, an officer of the step's unit and role if there is
    one, else the nearest leader the permissions allow."""

    def __init__(self, agency) -> None:
        from motcua.dossiers import permissions
        from motcua.org.models import Position

        self.permissions = permissions
        self.positions = list(Position.objects.active_on().filter(unit__agency=agency)
                              .select_related("user", "unit"))
        self.staff = sorted({p.user for p in self.positions}, key=lambda u: u.username)
        self.desk = [(u.pk, u.display_name()) for u in self.staff
                     if permissions.is_desk_officer(u, agency.pk)]
        self.units = {p.unit_id: p.unit for p in self.positions}
        from motcua.org.models import Unit

        self.units.update({u.pk: u for u in Unit.objects.filter(agency=agency)})
        self.cache: dict[tuple, list[tuple[int, str]]] = {}

    def prefetch(self) -> None:
        """Everyone for every unit and role, so that no database read is left for later."""
        for unit_id in self.units:
            for role in ("", "specialist", "unit_head", "agency_leader", "desk_officer"):
                for lead in (False, True):
                    self.of(unit_id, role, lead, strict=False)

    def of(self, unit_id: int, role: str, lead: bool = False, *,
           strict: bool = True) -> list[tuple[int, str]]:
        key = (unit_id, role, lead)
        if key in self.cache:
            found = self.cache[key]
        else:
            from motcua.dossiers.models import DossierStep

            step = DossierStep(unit=self.units[unit_id], role=role)
            allowed = self.permissions.leads_step if lead else self.permissions.works_on_step
            candidates = [u for u in self.staff if allowed(u, step)]

            def rank(user) -> int:
                mine = [p for p in self.positions if p.user_id == user.pk]
                if any(p.unit_id == unit_id and (p.role == role or not role) for p in mine):
                    return 0
                if any(p.unit_id == unit_id for p in mine):
                    return 1
                return 2 if any(p.role == "unit_head" for p in mine) else 3

            best = min((rank(u) for u in candidates), default=None)
            found = self.cache[key] = [(u.pk, u.display_name()) for u in candidates if rank(u) == best]
        if not found and strict:
            raise RuntimeError(f"no officer of the demo agency may act on unit {unit_id} role {role!r}")
        return found


def _catalogue(agency) -> list[_Procedure]:
    from motcua.catalog.models import Procedure, StepKind
    from motcua.catalog.models import Status as ProcedureStatus
    from motcua.dossiers import process
    from motcua.dossiers.demo import ORGANISATION_FIELDS, WEIGHTS
    from motcua.worktime.rules import get_counting_rule

    def copy(s) -> _Step:
        return _Step(s.pk, s.position, s.name, s.kind, s.unit_id, s.role, s.external_agency, s.parallel_group,
                     s.allotted, s.optional)

    out = []
    for p in (Procedure.objects.filter(agency=agency, status=ProcedureStatus.IN_FORCE, current__isnull=False)
              .select_related("current", "field").order_by("national_code")):
        v = p.current
        stages = process.stages(v)
        receive = stages[0][0] if stages and process.is_receive(stages[0]) else None
        work = [[copy(s) for s in stage] for stage in stages
                if not process.is_receive(stage) and not process.is_return(stage)]
        ret = process.return_stage(v)
        approval = next((i for i in range(len(work) - 1, -1, -1)
                         if any(s.kind == StepKind.APPROVE for s in work[i])), len(work) - 1)
        # the services' approval_index counts the stages with the reception and return ones
        assert process.approval_index(v) == approval + (1 if receive else 0)
        organisation = 0.85 if p.field and p.field.code in ORGANISATION_FIELDS else 0.05
        if p.national_code in ("1.012790", "1.012791", "1.012792"):
            organisation = 1.0
        out.append(_Procedure(
            id=p.pk, version_id=v.pk, national_code=p.national_code, name=v.name,
            field_code=p.field.code if p.field else "",
            weight=WEIGHTS.get(p.national_code, 1), time_limit=v.time_limit, counting_rule=v.counting_rule,
            rule=get_counting_rule(v.counting_rule), post_return=v.post_return,
            receive=copy(receive) if receive else None, stages=work, approval=approval,
            return_step=copy(ret[0]) if ret else None,
            documents=[(d.pk, d.position, d.name, d.originals, d.copies, d.mandatory)
                       for d in v.documents.order_by("position")],
            organisation_share=organisation))
    if not out:
        raise RuntimeError("the agency has no procedure in force: load the demo catalogue first")
    return out


# -- the generator -----------------------------------------------------------------------------------
class _History:
    def __init__(self, agency, *, end: dt.datetime, years: float, seed: int) -> None:
        from django.db import connection

        from motcua.common.text import fold
        from motcua.dossiers import codes
        from motcua.dossiers import demo as names
        from motcua.org.models import Unit
        from motcua.worktime.amount import WorkAmount
        from motcua.worktime.selectors import calendar_for, schedule_for_unit

        self.agency, self.end, self.rng = agency, end, random.Random(seed)
        self.connection = connection
        self.postgres = connection.vendor == "postgresql"
        self.desk_unit = Unit.objects.get(agency=agency, code="mot-cua")
        self.schedule = schedule_for_unit(self.desk_unit)
        self.calendar = calendar_for(self.schedule)
        self.tz = self.calendar.tz
        self.procedures = _catalogue(agency)
        self.cum_weights = list(itertools.accumulate(p.weight for p in self.procedures))
        self.officers = _Officers(agency)
        self.tables = _Tables(connection)
        self.code_format = codes.current_format()
        self.code_of = codes.CODE_FORMATS[self.code_format]
        self.names = names
        self.fold = fold
        self.WorkAmount = WorkAmount
        self._amounts: dict[int, object] = {}
        self._folded: dict[str, str] = {}
        self._due_memo: dict[tuple, tuple] = {}
        self._times: dict[dt.datetime, str] = {}
        self.recent: list[tuple] = []  # applicants who may come back (a ring, flat memory)
        self.id_counters: dict[str, int] = {}
        self.first_day = (end - dt.timedelta(days=round(365.25 * years))).astimezone(self.tz).date()
        self.utc = dt.UTC
        # Vietnam has kept UTC+7 since 1975: with a fixed offset a moment converts without tz lookups
        self.offset = dt.timedelta(hours=7) if getattr(self.tz, "key", "") == "Asia/Ho_Chi_Minh" else None

    # -- small helpers, on the hot path ---------------------------------------------------------
    def amount(self, minutes: int):
        wa = self._amounts.get(minutes)
        if wa is None:
            wa = self._amounts[minutes] = self.WorkAmount(minutes)
        return wa

    def later(self, at: dt.datetime, minutes: float) -> dt.datetime:
        """``minutes`` of working time after ``at`` (rounded to 5 minutes, at least 5)."""
        return self.calendar.add(at, self.amount(max(5, int(minutes) // 5 * 5)))

    def db_time(self, moment: dt.datetime | None) -> str | None:
        """A moment (in the agency's zone) as text for the database: UTC without a zone on
        SQLite, as Django writes it; with its offset for PostgreSQL's COPY."""
        if moment is None:
            return None
        value = self._times.get(moment)  # moments repeat a lot (closing times, hand-overs)
        if value is None:
            if len(self._times) >= 200_000:
                self._times.clear()
            if self.postgres:
                value = str(moment)  # '2026-03-25 09:00:00+07:00'
            elif self.offset is None:
                value = str(moment.astimezone(self.utc))[:-6]
            else:
                value = str(moment - self.offset)[:-6]  # the UTC wall time, without the '+07:00'
            self._times[moment] = value
        return value

    def folded(self, text: str) -> str:
        value = self._folded.get(text)
        if value is None:
            value = self._folded[text] = self.fold(text)
        return value

    def classify(self, done: dt.datetime, due: dt.datetime) -> str:
        if done > due:
            return "late"
        return "early" if done.date() < due.date() else "on_time"  # both in the agency's zone

    def due_of(self, proc: _Procedure, received: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
        """(start, due) of a dossier received at ``received`` with no pause: as ``track_deadline``."""
        rule, amount = proc.rule, proc.time_limit
        key = None
        if rule.start.by_day(amount):
            key = (proc.version_id, received.date())
            hit = self._due_memo.get(key)
            if hit is not None:
                return hit
        start, _s = rule.start.start(self.calendar, received, amount)
        due, _s = rule.due.due(self.calendar, self.calendar.add(start, amount))
        if key is not None:
            self._due_memo[key] = (start, due)
        return start, due

    # -- applicants -----------------------------------------------------------------------------
    def _start_counters(self) -> None:
        """Generated ID numbers (092 + sex/century + year + 9xxxxx) and tax codes (1899xxxxxx)
        continue after those already in the database."""
        from motcua.dossiers.models import Applicant

        rows = Applicant.objects.filter(agency=self.agency, id_number__regex=r"^(092\d{3}9\d{5}|1899\d{6})$")
        for prefix, last in _max_by_prefix(rows):
            self.id_counters[prefix] = last + 1

    def applicant(self, proc: _Procedure, rows: list, ids: dict) -> tuple:
        r, n = self.rng, self.names
        if self.recent and r.random() < 0.1:
            return self.recent[r.randrange(len(self.recent))]
        if r.random() < proc.organisation_share:
            base, company = r.choice(n.COMPANY_NAMES), r.choice(n.COMPANY_KINDS)
            name = f"{company} {base}"
            folded = f"{self.folded(company)} {self.folded(base)}"
            serial = self.id_counters.get("1899", 0)
            self.id_counters["1899"] = serial + 1
            kind, id_number = "organisation", f"1899{serial:06d}"
            phone = f"0292{r.randrange(10**6):06d}"
            email = f"lienhe@{self.folded(base).replace(' ', '')[:16]}.com.vn"
        else:
            sex = "m" if r.random() < 0.5 else "f"
            surname = n.SURNAMES[bisect.bisect(_SURNAME_CUM, r.random() * _SURNAME_CUM[-1])][0]
            given, middle = r.choice(n.GIVEN[sex]), r.choice(n.MIDDLE[sex])
            name = f"{surname} {middle} {given}"
            folded = f"{self.folded(surname)} {self.folded(middle)} {self.folded(given)}"
            born = r.randint(1950, 2005)
            prefix = f"092{(0 if sex == 'm' else 1) + (2 if born >= 2000 else 0)}{born % 100:02d}9"
            serial = self.id_counters.get(prefix, 0)
            self.id_counters[prefix] = serial + 1
            kind, id_number = "person", f"{prefix}{serial:05d}"
            phone = r.choice(n.PHONE_PREFIXES) + f"{r.randrange(10**7):07d}"
            email = ""
            if r.random() < 0.4:
                email = f"{self.folded(given)}.{self.folded(surname)}{serial % 97}@gmail.com"
        if r.random() < 0.7:
            address = (f"{r.randint(1, 320)} {r.choice(n.STREETS)}, {r.choice(n.WARDS)}, thành phố Cần Thơ")
        else:
            address = f"ấp {r.choice(n.HAMLETS)}, {r.choice(n.COMMUNES)}, thành phố Cần Thơ"
        pk = ids["applicant"]
        ids["applicant"] = pk + 1
        applicant = (pk, kind, id_number, name, phone, email, address, folded)
        rows.append((pk, self.agency.pk, kind, id_number, name, phone, email, address,
                     self.db_time(self.end)))
        if len(self.recent) < 20000:
            self.recent.append(applicant)
        else:
            self.recent[r.randrange(20000)] = applicant
        return applicant

    # -- days -----------------------------------------------------------------------------------------
    def days(self, count: int) -> list[tuple[dt.date, int]]:
        """(working day, number of dossiers accepted that day), chronological, summing to ``count``."""
        last = self.calendar.local(self.end).date()
        days, weights = [], []
        day = self.first_day
        while day <= last:
            if self.calendar.is_working_day(day):
                days.append(day)
                weights.append(seasonal_weight(day, self.first_day))
            day += dt.timedelta(days=1)
        if days and days[-1] == last:  # the last day counts for its part before the end moment
            share = self.calendar.between(self.calendar.opening(last), self.end).minutes
            weights[-1] *= max(0.0, min(1.0, share / 480))
        total = sum(weights)
        out, acc, given = [], 0.0, 0
        for day, weight in zip(days, weights, strict=True):
            acc += count * weight / total
            n = round(acc) - given
            given += n
            out.append((day, n))
        return out

    def moments(self, day: dt.date, n: int) -> list[dt.datetime]:
        cal = self.calendar
        first = cal.position(cal.day_midnight(day))
        last = cal.position(cal.day_midnight(day + dt.timedelta(days=1)))
        if day == self.calendar.local(self.end).date():
            last = min(last, cal.position(self.end) - 1)
        if last <= first:
            return []
        span, r = last - first, self.rng
        # more in the morning: the smaller of a uniform draw and a stretched one
        positions = sorted(first + int(span * min(r.random(), r.random() * 1.6)) % span for _ in range(n))
        return [cal.moment_at(p, edge="start") for p in positions]

    # -- one dossier ----------------------------------------------------------------------------------
    def dossier(self, accepted_at: dt.datetime, number: int | None, rows: dict, ids: dict,
                report: HistoryReport) -> None:
        """One dossier accepted at ``accepted_at`` with the day's sequence ``number`` (``None``:
        refused at reception, or guided to complete and never back), lived up to the end moment."""
        r = self.rng
        proc = self.procedures[bisect.bisect(self.cum_weights, r.random() * self.cum_weights[-1])]
        applicant = self.applicant(proc, rows["applicant"], ids)
        life = _Life(self, proc, ids)
        roll = r.random()
        refused = number is None and roll < 0.5
        incomplete = (number is None and not refused) or 0.01 <= roll < 0.04
        documents = [d for d in proc.documents if d[5] or r.random() < 0.35]
        missing = [d for d in proc.documents if d[5]][:1]
        created = accepted_at
        if refused:
            life.refuse(accepted_at)
        elif incomplete:
            if number is not None:  # came back complete one to five working days later
                created = self.calendar.moment_at(
                    self.calendar.position(accepted_at) - r.randint(480, 5 * 480), edge="start")
            else:
                documents = [d for d in documents if d not in missing]
            life.request_completion(created, [d[2] for d in missing] or ["Đơn đề nghị"])
        if number is not None:
            by_post = proc.post_return and r.random() < 0.15
            life.accept(accepted_at, self.code_of(self.agency, accepted_at.date(), number), documents)
            life.live(roll, by_post=by_post, receiver=applicant[3])
        else:
            by_post = False
        d, state = life.d, life.state
        status = state["status"]
        report.statuses[status] = report.statuses.get(status, 0) + 1
        if d["timeliness"]:
            report.resolved += 1
            report.late += d["timeliness"] == "late"
        code = state["code"]
        pk, kind, id_number, name, phone, email, address, folded_name = applicant
        search = (f"{code.lower() if code else ''} {folded_name} {id_number.lower()} {phone} "
                  f"{proc.national_code}").strip()[:600]
        request = proc.name
        if proc.field_code == "dat-dai":
            request = (f"{proc.name[:300]} — thửa đất số {r.randint(1, 980)}, tờ bản đồ số "
                       f"{r.randint(1, 75)}, {r.choice(self.names.WARDS)}")
        channel = r.random()
        channel = "direct" if channel < 0.7 else ("online" if channel < 0.94 else "post")
        dt_ = self.db_time
        rows["dossier"].append((
            life.id, self.agency.pk, code, self.code_format if code else "", channel, status, proc.id,
            proc.version_id, pk, kind, name, id_number, phone, email, address, request,
            1 if r.random() < 0.9 else 2, "post" if by_post else "desk", address if by_post else "",
            self.desk_unit.pk, life.received_by[0], "".join(r.choices(_SECRET_ALPHABET, k=8)), dt_(created),
            dt_(d["received_at"]), d["reception_note"], d["deadline_id"], dt_(state["due_at"]),
            dt_(d["original_due_at"]), dt_(d["paused_at"]), d["supplements"], d["apologized"],
            state["current_unit"], d["outcome"], d["outcome_note"], dt_(d["resolved_at"]), d["timeliness"],
            dt_(d["returned_at"]), d["returned_to"], d["tracking"], dt_(d["closed_at"]), state["lock"],
            state["seq"], search))
        if life.deadline is not None:
            rows["deadline"].append(life.deadline)
        rows["step"].extend((*s[:13], dt_(s[13]), dt_(s[14]), dt_(s[15]), *s[16:]) for s in life.steps)
        doc_id = ids["document"]
        rows["document"].extend((doc_id + i, life.id, doc[0], doc[1], doc[2], doc[3], doc[4], False)
                                for i, doc in enumerate(documents))
        ids["document"] = doc_id + len(documents)
        rows["event"].extend(life.events)
        rows["audit"].extend(life.audits)


class _Life:
    """One dossier's life, written as the services write it: the rows of its steps, events and
    audit records, and its state (``state`` as ``workflow._snapshot`` sees it, ``d`` the rest)."""

    def __init__(self, history: _History, proc: _Procedure, ids: dict) -> None:
        self.h, self.proc, self.ids, self.rng = history, proc, ids, history.rng
        self.cal = history.calendar
        self.id = ids["dossier"]
        ids["dossier"] = self.id + 1
        self.desk_id = history.desk_unit.pk
        self.steps: list[list] = []  # rows in the making: they change until written
        self.events: list[tuple] = []
        self.audits: list[tuple] = []
        self.deadline: tuple | None = None
        self.state = {"status": "", "code": None, "due_at": None, "current_unit": None, "seq": 0, "lock": 0}
        self.d = {"received_at": None, "reception_note": "", "deadline_id": None, "original_due_at": None,
                  "paused_at": None, "supplements": 0, "apologized": False, "outcome": "", "outcome_note": "",
                  "resolved_at": None, "timeliness": "", "returned_at": None, "returned_to": "",
                  "tracking": "",
                  "closed_at": None}
        self.before = "null"  # a new dossier has no "before"
        self.before_values = (None, None, None, "", "")
        self.code_json = "null"
        self.received_by = self.desk()
        self.clock: list[str] = []
        self.active: list[list] = []

    # -- mechanics, as in workflow.py ------------------------------------------------------------
    def desk(self) -> tuple[int, str]:
        found = self.h.officers.desk
        return found[self.rng.randrange(len(found))]

    def officer(self, step: list, lead: bool = False) -> tuple[int, str]:
        found = self.h.officers.of(step[6], step[7], lead)
        return found[0] if len(found) == 1 else found[self.rng.randrange(len(found))]

    def set_due(self, due: dt.datetime | None) -> None:
        self.state["due_at"] = due

    def tracked(self) -> tuple:
        """The fields each event records when an action changes them (``workflow.TRACKED_FIELDS``)."""
        s, d = self.state, self.d
        return (s["due_at"], d["original_due_at"], s["current_unit"], d["outcome"], d["timeliness"])

    def snapshot(self, values: tuple, utc: tuple) -> str:
        """``workflow._snapshot`` as the audit record writes it (``_plain``): a moment read from
        the database is in UTC, one computed by this action in the agency's zone."""
        s = self.state
        code = s["code"]
        due, original, unit, outcome, timeliness = values
        return (f'{{"status": "{s["status"]}", "code": {"null" if code is None else self.code_json}, '
                f'"due_at": {_json_moment(due, utc[0])}, '
                f'"original_due_at": {_json_moment(original, utc[1])}, '
                f'"current_unit": {"null" if unit is None else unit}, "outcome": "{outcome}", '
                f'"timeliness": "{timeliness}"}}')

    def begin(self) -> None:
        """``workflow.begin``: the lock version goes up; the audit's "before" is read."""
        self.state["lock"] += 1
        self.before_values = self.tracked()
        self.before = self.snapshot(self.before_values, (True, True))

    def emit(self, at: dt.datetime, action: str, who: tuple[int, str], from_status: str, *,
             step: list | None = None, to_unit: int | None = None, note: str = "", data: str = "{}",
             extra: str = "") -> None:
        """``workflow.event`` and ``workflow.finish``: the event, with the tracked fields the
        action changed, and its audit record."""
        s, ids, at_db = self.state, self.ids, self.h.db_time(at)
        now, before = self.tracked(), self.before_values
        changed = [f'"{name}": {_json_value(value)}'
                   for name, value, old in zip(_TRACKED, now, before, strict=True)
                   if value != old and f'"{name}":' not in data]
        if changed:
            data = f"{{{', '.join(changed)}}}" if data == "{}" else f"{data[:-1]}, {', '.join(changed)}}}"
        s["seq"] += 1
        eid = ids["event"]
        ids["event"] = eid + 1
        self.events.append((eid, self.id, s["seq"], at_db, action, who[0], who[1], from_status, s["status"],
                            step[0] if step else None, step[6] if step else None, to_unit, None, note, data))
        after = self.snapshot(now, (now[0] == before[0], now[1] == before[1]))
        if extra:
            after = f"{after[:-1]}, {extra}}}"
        aid = ids["audit"]
        ids["audit"] = aid + 1
        self.audits.append((aid, at_db, who[0], who[1], f"dossier.{action}", "dossiers.dossier", str(self.id),
                            s["code"] or f"Hồ sơ chưa có mã #{self.id}", self.before, after, None, "",
                            "system"))
        self.before_values = now

    def open_step(self, tpl: _Step | None, at: dt.datetime, unit_id: int, *, name: str = "",
                  kind: str = "") -> list:
        ids = self.ids
        sid = ids["step"]
        ids["step"] = sid + 1
        if tpl is None:
            row = [sid, self.id, None, 0, name, kind, unit_id, "", "", "", None, 0, "active", at,
                   self.cal.add(at, self.h.amount(0)), None, None, "", ""]
        else:
            row = [sid, self.id, tpl.id, tpl.position, tpl.name, tpl.kind, unit_id, tpl.role,
                   tpl.external_agency, tpl.parallel_group, None, tpl.allotted.minutes, "active", at,
                   self.cal.add(at, tpl.allotted), None, None, "", ""]
        self.steps.append(row)
        return row

    def close_step(self, step: list, at: dt.datetime, who: tuple[int, str], status: str = "done",
                   note: str = "") -> None:
        step[12], step[15], step[16], step[17] = status, at, who[0], self.h.classify(at, step[14])
        if note:
            step[18] = note

    def close_all(self, at: dt.datetime, who: tuple[int, str], status: str = "done") -> str:
        for step in self.active:
            self.close_step(step, at, who, status)
        closed = ", ".join(str(s[0]) for s in self.active)
        self.active = []
        return closed

    def advance(self, after: int, at: dt.datetime, holder: int, include_optional: bool = False) -> list[list]:
        """``workflow.advance``: open the next stage (optional steps only when asked, for the
        very next stage; a stage of optional steps only is skipped), or bring the result to the
        desk after the last one."""
        stages = self.proc.stages
        for index in range(after + 1, len(stages)):
            wanted = [s for s in stages[index] if not s.optional or (include_optional and index == after + 1)]
            if wanted:
                opened = [self.open_step(s, at, s.unit_id or holder) for s in wanted]
                self.state["current_unit"] = opened[0][6]
                self.stage = index
                return opened
        return [self.arrive(at)]

    def arrive(self, at: dt.datetime) -> list:
        """``workflow.arrive_at_desk``: the dossier is resolved now; its clock stops."""
        tpl = self.proc.return_step
        step = self.open_step(tpl, at, tpl.unit_id if tpl and tpl.unit_id else self.desk_id,
                              name="Trả kết quả", kind="return")
        self.state["status"] = "ready"
        self.d["outcome"] = self.d["outcome"] or "granted"
        self.d["resolved_at"] = self.met_at = at
        self.state["current_unit"] = step[6]
        self.d["timeliness"] = self.h.classify(at, self.d["original_due_at"])
        self.stage = len(self.proc.stages)
        return step

    # -- reception --------------------------------------------------------------------------------
    def refuse(self, at: dt.datetime) -> None:
        names = self.h.names
        self.state["status"] = "refused"
        self.d["reception_note"] = names.REFUSE_REASONS[self.rng.randrange(len(names.REFUSE_REASONS))]
        self.d["closed_at"] = at
        self.emit(at, "refuse", self.received_by, "", note=self.d["reception_note"])

    def request_completion(self, at: dt.datetime, missing: list[str]) -> None:
        self.state["status"] = "incomplete"
        self.d["reception_note"] = "\n".join(missing)
        self.emit(at, "request_completion", self.received_by, "", note=self.h.names.COMPLETION_NOTES[0],
                  data=json.dumps({"missing": missing}, ensure_ascii=False))

    def accept(self, at: dt.datetime, code: str, documents: list[tuple]) -> None:
        """``services.accept_dossier``: the code, the deadline, the reception step done, the
        first stage open."""
        from_status = self.state["status"]
        if from_status:
            self.begin()
        proc, s, d = self.proc, self.state, self.d
        self.start_at, due = self.h.due_of(proc, at)
        s.update(code=code, status="processing")
        self.code_json = f'"{code}"'
        self.set_due(due)
        d.update(received_at=at, original_due_at=due)
        self.clock = [f'{{"kind": "start", "at": "{at.isoformat()}"}}']
        self.paused_minutes, self.explicit_due, self.met_at = 0, None, None
        reception = self.open_step(proc.receive, at, self.desk_id, name="Tiếp nhận hồ sơ", kind="receive")
        self.close_step(reception, at, self.received_by)
        self.stage = -1
        self.active = self.advance(-1, at, self.desk_id)
        self.emit(at, "accept", self.received_by, from_status, step=reception, to_unit=self.active[0][6],
                  data=(f'{{"code": "{code}", "due_at": "{due.isoformat()}", "opened": '
                        f'[{", ".join(str(x[0]) for x in self.active)}], "closed": [{reception[0]}], '
                        f'"documents": [{", ".join(str(x[0]) for x in sorted(documents))}]}}'),
                  extra=f'"received_at": "{at.isoformat()}"')

    # -- processing ---------------------------------------------------------------------------------
    def live(self, roll: float, *, by_post: bool, receiver: str) -> None:
        """From acceptance to the return of the result, or to the end moment, whichever is first:
        what happens is decided by ``roll`` (the shares in the module's docstring)."""
        r, h, proc, end = self.rng, self.h, self.proc, self.h.end
        names, cal = h.names, self.cal
        n_stages = len(proc.stages)
        supplement_at = r.randint(0, max(0, n_stages - 2)) if 0.04 <= roll < 0.10 else -1
        pause_at = r.randint(0, max(0, n_stages - 2)) if 0.10 <= roll < 0.14 else -1
        withdraw_at = r.randint(0, max(0, n_stages - 1)) if 0.14 <= roll < 0.15 else -1
        reject = 0.15 <= roll < 0.17
        slow_stage = r.randint(0, max(0, proc.approval)) if 0.17 <= roll < 0.187 else -1
        apology = slow_stage >= 0 and r.random() < 0.5
        t, forwards, interrupted = self.d["received_at"], 0, False
        s, d = self.state, self.d
        while not interrupted:
            if s["status"] == "ready":
                t2 = h.later(t, r.randint(20, 5 * 480) if r.random() < 0.9 else r.randint(5 * 480, 20 * 480))
                if t2 > end:
                    break
                who = self.desk()
                self.begin()
                closed = self.close_all(t2, who)
                s["status"], s["current_unit"] = "returned", None
                d["returned_at"] = d["closed_at"] = t2
                if by_post:
                    d["tracking"] = f"EL{r.randrange(10**9):09d}VN"
                else:
                    d["returned_to"] = receiver
                self.emit(t2, "return", who, "ready",
                          data=f'{{"closed": [{closed}], "method": "{"post" if by_post else "desk"}"}}')
                break
            step = self.active[0]
            if forwards == withdraw_at:
                t2 = h.later(t, r.randint(60, 3 * 480))
                if t2 > end:
                    break
                who = self.desk()
                self.begin()
                closed = self.close_all(t2, who, "closed")
                self.met_at = self.met_at or t2
                s["status"], s["current_unit"] = "withdrawn", None
                d["closed_at"], d["paused_at"] = t2, None
                self.emit(t2, "withdraw", who, "processing", note=names.WITHDRAW_REASONS[0],
                          data=f'{{"closed": [{closed}]}}')
                break
            if forwards in (supplement_at, pause_at):
                t, interrupted = self.wait_for_applicant(t, step, supplement=forwards == supplement_at)
                supplement_at = pause_at = -1
                continue
            at_decision = self.stage == proc.approval
            if reject and at_decision:
                t2 = h.later(t, r.randint(60, 2 * 480))
                if t2 > end:
                    break
                who = self.officer(step, lead=True)
                self.begin()
                closed = self.close_all(t2, who)
                d["outcome"] = "rejected"
                d["outcome_note"] = names.REJECT_REASONS[r.randrange(len(names.REJECT_REASONS))]
                back = self.arrive(t2)
                self.active = [back]
                self.emit(t2, "reject", who, "processing", step=step, to_unit=back[6], note=d["outcome_note"],
                          data=f'{{"closed": [{closed}], "opened": [{back[0]}]}}')
                t = t2
                continue
            minutes = step[11] * r.uniform(0.2, 0.9) if step[11] else r.randint(5, 20)
            if self.stage == slow_stage:
                slow_stage = -1  # this step runs one to four working days past the dossier's due moment
                minutes = max(0, cal.position(s["due_at"]) - cal.position(t)) + r.randint(480, 4 * 480)
                if apology:
                    t = self.apologize(t, step)
            t2 = h.later(t, minutes)
            if t2 > end:
                break
            who = self.officer(step)
            self.begin()
            note = names.FORWARD_NOTES[r.randrange(len(names.FORWARD_NOTES))]
            self.close_step(step, t2, who, note=note)
            still_open = self.active[1:]
            opened = [] if still_open else self.advance(self.stage, t2, step[6],
                                                         include_optional=r.random() < 0.3)
            to_unit = opened[0][6] if opened else None
            new_ids = ", ".join(str(x[0]) for x in opened)
            if at_decision:
                d["outcome"] = "granted"
                self.emit(t2, "approve", who, "processing", step=step, to_unit=to_unit, note=note,
                          data=f'{{"closed": [{step[0]}], "opened": [{new_ids}]}}')
            else:
                waiting = ", ".join(str(x[0]) for x in still_open)
                self.emit(t2, "forward", who, "processing", step=step, to_unit=to_unit, note=note,
                          data=(f'{{"closed": [{step[0]}], "opened": [{new_ids}], '
                                f'"waiting_for": [{waiting}]}}'))
            forwards += 1
            self.active = still_open or opened
            t = t2
        self.write_deadline()

    def wait_for_applicant(self, t: dt.datetime, step: list, *, supplement: bool) -> tuple[dt.datetime, bool]:
        """A supplement requested by the handling unit (``request_supplement``), or a pause for
        financial obligations (``pause``); then the desk receives it (``receive_supplement``,
        ``resume``) and the clock runs on. Returns (moment, whether the end came first)."""
        r, h, s, d, cal = self.rng, self.h, self.state, self.d, self.cal
        names = h.names
        t2 = h.later(t, r.randint(30, 480))
        if t2 > h.end:
            return t, True
        who = self.officer(step) if supplement or r.random() < 0.5 else self.desk()
        self.begin()
        reason = "chờ bổ sung hồ sơ" if supplement else "chờ thực hiện nghĩa vụ tài chính"
        self.clock.append(f'{{"kind": "pause", "at": "{t2.isoformat()}", "reason": "{reason}"}}')
        s["status"] = "awaiting_supplement" if supplement else "paused"
        d["paused_at"], d["original_due_at"] = t2, None
        self.set_due(None)
        if supplement:
            d["supplements"] = 1
            items = [names.SUPPLEMENT_ITEMS[r.randrange(len(names.SUPPLEMENT_ITEMS))]]
            self.emit(t2, "request_supplement", who, "processing", step=step, to_unit=self.desk_id,
                      note="Đề nghị Bộ phận Một cửa thông báo người nộp bổ sung.",
                      data=json.dumps({"items": items}, ensure_ascii=False))
        else:
            self.emit(t2, "pause", who, "processing",
                      note=names.PAUSE_REASONS[r.randrange(len(names.PAUSE_REASONS))])
        t3 = h.later(t2, r.randint(480, 10 * 480))
        if t3 > h.end:
            return t2, True
        who = self.desk()
        self.begin()
        resumed = "đã nhận hồ sơ bổ sung" if supplement else "đã thực hiện nghĩa vụ tài chính"
        self.clock.append(f'{{"kind": "resume", "at": "{t3.isoformat()}", "reason": "{resumed}"}}')
        self.paused_minutes += max(0, cal.position(t3) - max(cal.position(t2), cal.position(self.start_at)))
        for open_step in self.active:  # each open step gets back the working time it had left
            if open_step[14] > t2:
                open_step[14] = cal.add(t3, h.amount(cal.position(open_step[14]) - cal.position(t2)))
        s["status"], d["paused_at"] = "processing", None
        reached = cal.add(self.start_at, h.amount(self.proc.time_limit.minutes + self.paused_minutes))
        d["original_due_at"], _s = self.proc.rule.due.due(cal, reached)
        self.set_due(self.explicit_due or d["original_due_at"])
        due = s["due_at"].isoformat()
        if supplement:
            self.emit(t3, "receive_supplement", who, "awaiting_supplement", to_unit=self.active[0][6],
                      note="Người nộp đã bổ sung đủ.", data=f'{{"documents": [], "due_at": "{due}"}}')
        else:
            self.emit(t3, "resume", who, "paused", note="Đã nộp chứng từ hoàn thành nghĩa vụ tài chính.",
                      data=f'{{"due_at": "{due}"}}')
        return t3, False

    def apologize(self, t: dt.datetime, step: list) -> dt.datetime:
        """The step's leader signs the apology letter before the due moment, with a new one."""
        r, h, s, cal = self.rng, self.h, self.state, self.cal
        due = s["due_at"]
        at = max(h.later(t, 30), due - dt.timedelta(hours=2))
        if at >= due or at > h.end:
            return t
        who = self.officer(step, lead=True)
        self.begin()
        new_due = cal.closing(cal.add_workdays(due.date(), r.randint(3, 8)))
        reason = h.names.APOLOGY_REASONS[r.randrange(len(h.names.APOLOGY_REASONS))]
        self.clock.append(f'{{"kind": "extend", "at": "{at.isoformat()}", "reason": "{reason}", '
                          f'"due_at": "{new_due.isoformat()}"}}')
        self.d["apologized"] = True
        self.explicit_due = new_due
        self.set_due(new_due)
        self.emit(at, "apologize", who, "processing", step=step, note=reason,
                  data=(f'{{"old_due_at": "{due.isoformat()}", "new_due_at": "{new_due.isoformat()}", '
                        '"before_due": true}'))
        return at

    def write_deadline(self) -> None:
        """The dossier's tracked deadline (``track_deadline`` and its clock events)."""
        ids, h, proc, d = self.ids, self.h, self.proc, self.d
        pk = ids["deadline"]
        ids["deadline"] = pk + 1
        d["deadline_id"] = pk
        self.deadline = (pk, h.schedule.pk, "dossiers.dossier", str(self.id), "dossier",
                         proc.time_limit.minutes, proc.time_limit.unit, proc.counting_rule, "pause_resume",
                         f"[{', '.join(self.clock)}]",
                         h.db_time(d["received_at"]), len(self.clock) == 1, h.db_time(self.state["due_at"]),
                         h.db_time(d["original_due_at"]), h.db_time(self.met_at), len(self.clock))


_UTC = dt.UTC
_TRACKED = ("due_at", "original_due_at", "current_unit", "outcome", "timeliness")


def _json_moment(moment: dt.datetime | None, utc: bool) -> str:
    if moment is None:
        return "null"
    return f'"{(moment.astimezone(_UTC) if utc else moment).isoformat()}"'


def _json_value(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, dt.datetime):
        return f'"{value.isoformat()}"'
    return f'"{value}"' if isinstance(value, str) else str(value)


_SECRET_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_SURNAME_CUM: list[float] = []


def _max_by_prefix(rows) -> list[tuple[str, int]]:
    best: dict[str, int] = {}
    for id_number in rows.values_list("id_number", flat=True).iterator(chunk_size=10000):
        prefix, serial = (id_number[:4], int(id_number[4:])) if id_number.startswith("1899") else (
            id_number[:7], int(id_number[7:]))
        if serial > best.get(prefix, -1):
            best[prefix] = serial
    return list(best.items())


def generate(count: int, *, agency=None, end: dt.datetime | None = None, years: float = 4.0,
             seed: int = SEED, chunk: int = CHUNK, parallel: bool | None = None,
             log: Callable[[str], None] | None = print) -> HistoryReport:
    """Write the history of ``count`` dossiers accepted over ``years`` up to ``end`` (default now)
    at ``agency`` (default the demo agency, which must have its catalogue).

    With ``parallel`` (the default from 20,000 dossiers) the rows are made in a second process
    while this one writes them: the two cores both work."""
    from django.db import DatabaseError, connection, transaction
    from django.utils import timezone

    from motcua.dossiers import demo as names
    from motcua.dossiers.models import DossierCounter
    from motcua.org.demo import demo_agency

    agency = agency or demo_agency()
    if agency is None:
        raise RuntimeError("no demo agency: run seed_demo first")
    end = end or timezone.now()
    history = _History(agency, end=end, years=years, seed=seed)
    end = history.end = history.calendar.local(end).replace(second=0, microsecond=0)
    _SURNAME_CUM[:] = list(itertools.accumulate(w for _n, w in names.SURNAMES))
    history._start_counters()
    history.officers.prefetch()
    report = HistoryReport()
    started = time.perf_counter()
    days = history.days(count)
    report.first_day, report.last_day = days[0][0], days[-1][0]
    counters = {c.day: c.last for c in DossierCounter.objects.filter(agency=agency, day__gte=days[0][0])}
    plan = [(day, n, counters.get(day, 0)) for day, n in days if n > 0]
    report.rows = dict.fromkeys((*_KEYS, "counter"), 0)
    ids = history.tables.next_ids()
    parallel = count >= 20_000 if parallel is None else parallel
    producer = None
    if parallel:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        queue = context.Queue(maxsize=3)  # at most three chunks wait: memory stays flat
        connection.close()  # the producer never uses the database; it must not share the connection
        producer = context.Process(target=_produce, args=(history, plan, ids, chunk, queue), daemon=True)
        producer.start()
        batches = iter(queue.get, None)
    else:
        batches = _batches(history, plan, ids, chunk)
    sqlite, replica = connection.vendor == "sqlite", False
    connection.ensure_connection()
    # No foreign-key checks for rows this module made consistent (the tests check them): on
    # SQLite 10 % faster (a no-op inside a transaction, e.g. in tests), on PostgreSQL twice as
    # fast (its checks are triggers, skipped in the "replica" role, if the user may take it).
    if sqlite:
        connection.connection.execute("PRAGMA cache_size=-131072")  # and more page cache
        connection.connection.execute("PRAGMA foreign_keys=OFF")
    elif not connection.in_atomic_block:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = replica")
            replica = True
        except DatabaseError:
            pass
    last_log = started
    try:
        for batch in batches:
            if isinstance(batch, str):
                raise RuntimeError(f"the history generator failed:\n{batch}")
            rows, day_counts, part = batch
            with transaction.atomic():
                history.tables.write(rows)
                _write_counters(connection, agency.pk, day_counts)
            for key in _KEYS:
                report.rows[key] += len(rows[key])
            report.rows["counter"] += len(day_counts)
            report.add(part)
            now = time.perf_counter()
            if log and now - last_log > 15:
                last_log = now
                rate, rows_rate = report.dossiers / (now - started), report.total_rows / (now - started)
                log(f"   … {report.dossiers:,} dossiers, {report.total_rows:,} rows, {now - started:.0f} s "
                    f"({rate:,.0f} dossiers/s, {rows_rate:,.0f} rows/s)")
    finally:
        if sqlite and connection.connection is not None:
            connection.connection.execute("PRAGMA foreign_keys=ON")
        if replica:
            with connection.cursor() as cursor:
                cursor.execute("RESET session_replication_role")
        if producer is not None:
            producer.join(timeout=5)
            if producer.is_alive():
                producer.terminate()
    history.tables.reset_sequences()
    report.seconds = time.perf_counter() - started
    return report


_KEYS = ("applicant", "deadline", "dossier", "step", "document", "event", "audit")


def _batches(history: _History, plan: list[tuple[dt.date, int, int]], ids: dict, chunk: int):
    """Chunks of rows: (rows by table, the last code number given each day, their statistics)."""
    rows: dict[str, list] = {key: [] for key in _KEYS}
    day_counts: dict[dt.date, int] = {}
    part = HistoryReport()
    for day, n, first in plan:
        numbered = 0
        for moment in history.moments(day, n):
            # about 1 % of the visits end without a code: refused, or guided to complete and never back
            number = None
            if history.rng.random() >= 0.012:
                numbered += 1
                number = first + numbered
            history.dossier(moment, number, rows, ids, part)
            part.dossiers += 1
        if numbered:
            day_counts[day] = first + numbered
        if part.dossiers >= chunk:
            yield rows, day_counts, part
            rows, day_counts, part = {key: [] for key in _KEYS}, {}, HistoryReport()
    if part.dossiers:
        yield rows, day_counts, part


def _produce(history: _History, plan: list, ids: dict, chunk: int, queue) -> None:
    """The producer process: make the chunks and hand them over (``None`` when done, the
    traceback's text if something failed)."""
    try:
        for batch in _batches(history, plan, ids, chunk):
            queue.put(batch)
    except BaseException:
        import traceback

        queue.put(traceback.format_exc())
    queue.put(None)


def _write_counters(connection, agency_id: int, day_counts: dict[dt.date, int]) -> None:
    """Each day's counter at (at least) the last number given, as ``codes.next_number`` keeps it."""
    if not day_counts:
        return
    from motcua.dossiers.models import DossierCounter

    table = DossierCounter._meta.db_table
    greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (agency_id, day, last) VALUES (%s, %s, %s) ON CONFLICT (agency_id, day) "
            f"DO UPDATE SET last = {greatest}({table}.last, excluded.last)",
            [(agency_id, connection.ops.adapt_datefield_value(day), last)
             for day, last in day_counts.items()])


def main(argv: list[str]) -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    sys.path[:0] = [str(root / "src"), str(root)]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_demo", quiet_logins=True, no_dossiers=True, verbosity=0)
    count = int(argv[0]) if argv else 100_000
    report = generate(count)
    print(report.summary())


if __name__ == "__main__":
    main(sys.argv[1:])
