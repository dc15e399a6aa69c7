"""The working-time engine: calendars, office hours, arithmetic, counting and clock rules.

Pure code (no database, no Django models): a :class:`WorkCalendar` is built from the
``holidays`` package, the official civil-service calendar (:mod:`.official`) and an agency's
overrides; :func:`compute_deadline` folds clock events into a :class:`Deadline` that explains
itself (:mod:`.explain`). Everything is importable without configured Django settings; only
rendering an explanation needs the translation machinery.
"""

from .amount import MINUTES_PER_DAY, WorkAmount
from .calendar import DayInfo, DayOverride, OfficeHours, WorkCalendar, parse_sessions
from .clock import (
    CLOCK_RULES,
    EXTEND,
    PAUSE_RESUME,
    RESTART,
    ClockEvent,
    ClockRule,
    Deadline,
    EventKind,
    compute_deadline,
    deadline,
    get_clock_rule,
)
from .explain import Explanation, Step
from .official import OFFICIAL_PERIODS, OfficialPeriod
from .rules import (
    DUE_RULES,
    PLAIN,
    PRESETS,
    SAME_DAY_15H,
    START_RULES,
    WORKING_DAYS,
    CountingRule,
    DueRule,
    StartRule,
    get_counting_rule,
)

__all__ = [
    "CLOCK_RULES",
    "DUE_RULES",
    "EXTEND",
    "MINUTES_PER_DAY",
    "OFFICIAL_PERIODS",
    "PAUSE_RESUME",
    "PLAIN",
    "PRESETS",
    "RESTART",
    "SAME_DAY_15H",
    "START_RULES",
    "WORKING_DAYS",
    "ClockEvent",
    "ClockRule",
    "CountingRule",
    "DayInfo",
    "DayOverride",
    "Deadline",
    "DueRule",
    "EventKind",
    "Explanation",
    "OfficeHours",
    "OfficialPeriod",
    "StartRule",
    "Step",
    "WorkAmount",
    "WorkCalendar",
    "compute_deadline",
    "deadline",
    "get_clock_rule",
    "get_counting_rule",
    "parse_sessions",
]
