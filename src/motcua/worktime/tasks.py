from __future__ import annotations

import datetime as dt
import logging

from django_tasks import task

from motcua.worktime.services import recompute_open_deadlines
from motcua.worktime.signals import deadlines_recomputed

log = logging.getLogger("motcua.worktime")


@task()
def recompute_deadlines(schedule_id: int, first_day: str, last_day: str) -> dict[str, int]:
    """Background: recompute the open deadlines a calendar change may have moved."""
    report = recompute_open_deadlines(schedule_id=schedule_id,
                                      first_day=dt.date.fromisoformat(first_day),
                                      last_day=dt.date.fromisoformat(last_day))
    log.info("recomputed deadlines of schedule %s: %s checked, %s changed", schedule_id,
             report.checked, report.changed)
    deadlines_recomputed.send(sender=recompute_deadlines, schedule_id=schedule_id)
    return {"checked": report.checked, "changed": report.changed}
