"""Early, on time, late: the one definition used by dossiers, steps and every report.

Written out in ``docs/definitions.md``. A piece of work finished at moment ``done`` against a
due moment ``due`` (both compared in the agency's time zone) is

* **late** (quá hạn) when ``done`` is after ``due``;
* **on time** (đúng hạn) when ``done`` is not after ``due`` and falls on the due day;
* **early** (trước hạn) when ``done`` falls on a day before the due day.

For a dossier the due moment is the one **without extensions** (a dossier given a new
appointment by an apology letter stays counted as late against the original), but **with** the
time the clock was paused for the applicant (supplements, financial obligations), which the law
does not count. Open work is **overdue** when the present moment is after its due moment and
**within time** otherwise.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from motcua.dossiers.models import Timeliness


def classify(done: dt.datetime, due: dt.datetime, tz: ZoneInfo) -> str:
    if done > due:
        return Timeliness.LATE
    if done.astimezone(tz).date() < due.astimezone(tz).date():
        return Timeliness.EARLY
    return Timeliness.ON_TIME


def is_overdue(due: dt.datetime | None, now: dt.datetime) -> bool:
    return due is not None and now > due
