"""Early, on time, late: the one definition used by dossiers, steps and every report.

Written out in ``docs/definitions.md`` (section "Tiến độ giải quyết hồ sơ / Timeliness"). A piece
of work finished at moment ``done`` against a due moment ``due`` (both read in the agency's time
zone) is

* **late** (quá hạn) when ``done`` is after ``due`` (to the second);
* **on time** (đúng hạn) when ``done`` is not after ``due`` and falls on the due day;
* **early** (trước hạn) when ``done`` falls on a day before the due day.

The due day is the local date of the due moment; a period that ends at 24:00 (the
``end_of_day_24h`` rule, Bộ luật Dân sự 2015 Điều 148 khoản 6) ends on the day before that
midnight.

For a dossier, ``done`` is the moment it is **resolved**: the result (or the written answer
refusing it) reaches the desk — not the moment it is handed to the applicant. The due moment is
the one **without extensions** (a dossier given a new appointment by an apology letter stays
measured against the original one), but **with** the working time the clock was stopped for the
applicant (a supplement during processing, financial obligations), which the law does not count.
A withdrawn or cancelled dossier is not classified. Open work is **overdue** (quá hạn) when the
present moment is after its due moment and **within time** (trong hạn) otherwise; a dossier whose
clock is stopped has no due moment and is within time.
"""

from __future__ import annotations

import datetime as dt

from motcua.worktime.clock import classify, due_day

__all__ = ["classify", "due_day", "is_overdue"]


def is_overdue(due: dt.datetime | None, now: dt.datetime) -> bool:
    return due is not None and now > due
