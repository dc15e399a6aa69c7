"""The working calendar of an agency and exact working-time arithmetic on it.

Sources of a day's status, lowest precedence first:

1. the weekly office hours (default Mon–Fri 07:30–11:30 and 13:00–17:00);
2. the ``holidays`` package's Vietnam calendar (public holidays with their names, and its
   ``weekend_workdays``: Saturdays worked in a swap);
3. the official civil-service calendar shipped in :mod:`motcua.worktime.official`;
4. the agency's own overrides (:class:`DayOverride`: an extra day off or a make-up working day,
   each with its reason and the decision that announced it).

A day off has no sessions; a make-up day (a normally free day that is worked) has the make-up
hours, by default the normal weekday hours.

**Positions.** Every moment has a *working position*: the number of working minutes from a fixed
anchor (1 January of the first year the calendar was built for) up to that moment. ``between`` is
a difference of positions; ``add`` finds the moment at a position. Per-day working minutes and
their prefix sums are precomputed over a range of years, so both are O(log n) (one ``bisect``);
the range grows lazily when a computation leaves it, and positions stay stable when it does.
``add`` goes further: the moment at each position (the end of the working minute that reaches
it) is kept in a flat table built lazily, a block of positions at a time, so its hot path is a
few list subscripts and no datetime arithmetic (see ``_Table.end_moment`` for its memory).

**Resolution.** One minute: seconds and microseconds of a moment are dropped (form 01 records
receipt and appointment in hours and minutes).

**Session ends.** Sessions are half-open, ``[start, end)``: 11:30 and 17:00 are *not* working
time, 07:30 and 13:00 are. ``add(start, x)`` for ``x > 0`` returns the **end of the last working
minute** — the earliest moment whose position is ``position(start) + x``. So 8 hours from Monday
07:30 is Monday 17:00 (not Tuesday 07:30), and 4 hours from 07:30 is 11:30 (not 13:00). The
result is therefore always inside a session or exactly at its end. ``add(start, 0)`` is the
counting start itself, ``next_working_moment(start)``.

Time zone: Asia/Ho_Chi_Minh by default. Aware datetimes in any zone are accepted; results are
aware datetimes in the calendar's zone. Naive datetimes are refused.
"""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import holidays

from .amount import MINUTES_PER_DAY, WorkAmount
from .official import OFFICIAL_PERIODS, OfficialPeriod, official_days

DEFAULT_TIME_ZONE = "Asia/Ho_Chi_Minh"
DAY_MINUTES = 24 * 60

Session = tuple[int, int]  # minutes after local midnight, half-open [start, end)
Sessions = tuple[Session, ...]

DayKind = Literal["workday", "makeup", "weekend", "holiday", "day_off"]
Origin = Literal["weekly", "holidays", "official", "agency"]

_SESSION_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*$")


def _minutes(value: time | str) -> int:
    if isinstance(value, time):
        return value.hour * 60 + value.minute
    hours, _, minutes = value.strip().partition(":")
    return int(hours) * 60 + int(minutes or 0)


def parse_sessions(spec: str | Iterable[tuple[time | str, time | str]] | None) -> Sessions:
    """Sessions from ``"07:30-11:30, 13:00-17:00"`` or pairs of times; ``None``/"" → no hours.

    ``"24:00"`` may end a session. Sessions must be ordered and must not overlap.
    """
    if spec is None:
        return ()
    pairs: list[Session] = []
    if isinstance(spec, str):
        for part in filter(None, (p.strip() for p in spec.split(","))):
            match = _SESSION_RE.match(part)
            if not match:
                raise ValueError(f"bad session {part!r}; expected HH:MM-HH:MM")
            h1, m1, h2, m2 = map(int, match.groups())
            pairs.append((h1 * 60 + m1, h2 * 60 + m2))
    else:
        pairs = [(_minutes(a), _minutes(b)) for a, b in spec]
    previous_end = 0
    for start, end in pairs:
        if not 0 <= start < end <= DAY_MINUTES:
            raise ValueError(f"bad session {format_sessions(((start, end),))}")
        if start < previous_end:
            raise ValueError("sessions must be in order and must not overlap")
        previous_end = end
    return tuple(pairs)


def format_sessions(sessions: Sessions) -> str:
    return ", ".join(f"{s // 60:02}:{s % 60:02}-{e // 60:02}:{e % 60:02}" for s, e in sessions)


DEFAULT_SESSIONS: Sessions = parse_sessions("07:30-11:30, 13:00-17:00")


@dataclass(frozen=True, slots=True)
class OfficeHours:
    """Weekly office hours (Monday = 0 … Sunday = 6) and the hours of a make-up day.

    A weekday without sessions is a weekly rest day. Agencies that also receive on Saturday
    morning give Saturday a session (that time then counts as working time).
    """

    weekly: tuple[Sessions, ...] = (DEFAULT_SESSIONS,) * 5 + ((), ())
    makeup: Sessions = DEFAULT_SESSIONS

    def __post_init__(self) -> None:
        if len(self.weekly) != 7:
            raise ValueError("weekly office hours need 7 entries, Monday first")
        if not any(self.weekly):
            raise ValueError("office hours must have at least one working session a week")
        if not self.makeup:
            raise ValueError("make-up days need working hours")

    @classmethod
    def from_spec(
        cls,
        weekly: Mapping[int, str | None] | None = None,
        makeup: str | None = None,
    ) -> OfficeHours:
        """E.g. ``OfficeHours.from_spec({5: "07:30-11:30"})`` adds Saturday morning.

        Weekdays absent from ``weekly`` keep the default hours.
        """
        days = list(cls().weekly)
        for weekday, spec in (weekly or {}).items():
            days[weekday] = parse_sessions(spec)
        return cls(tuple(days), parse_sessions(makeup) if makeup else DEFAULT_SESSIONS)


@dataclass(frozen=True, slots=True)
class DayOverride:
    """An agency's own change to one day: an extra day off, or a make-up working day."""

    day: date
    working: bool
    name: str  # the reason, as the administrator typed it
    decision: str = ""  # the decision that announced it, e.g. "Quyết định 12/QĐ-UBND"
    sessions: Sessions | None = None  # working hours of a make-up day; default: make-up hours

    @classmethod
    def day_off(cls, day: date, name: str, decision: str = "") -> DayOverride:
        return cls(day, False, name, decision)

    @classmethod
    def workday(cls, day: date, name: str, decision: str = "", sessions: str | None = None) -> DayOverride:
        return cls(day, True, name, decision, parse_sessions(sessions) if sessions else None)


@dataclass(frozen=True, slots=True)
class DayInfo:
    """What a day is on this calendar, and why."""

    day: date
    kind: DayKind
    sessions: Sessions
    origin: Origin = "weekly"
    name: str = ""  # Vietnamese (package name in "vi", official msgid, or agency text)
    name_en: str = ""  # English name where the source gives one (the holidays package)
    source: str = ""  # the notice, decision or legal basis
    translatable: bool = False  # name is a msgid of ours (official data)
    holiday: str = ""  # the holidays package's name for the day, if it lists it (Vietnamese)
    holiday_en: str = ""

    @property
    def working(self) -> bool:
        return bool(self.sessions)

    @property
    def minutes(self) -> int:
        return sum(e - s for s, e in self.sessions)

    def as_dict(self) -> dict[str, object]:
        return {
            "date": self.day.isoformat(),
            "kind": self.kind,
            "working": self.working,
            "hours": format_sessions(self.sessions),
            "origin": self.origin,
            "name": self.name,
            "name_en": self.name_en,
            "source": self.source,
            "holiday": self.holiday,
            "holiday_en": self.holiday_en,
        }


@dataclass(frozen=True, slots=True)
class _Pattern:
    minutes: int
    cum: list[int]  # cum[m] = working minutes in [00:00, m), m = 0..1440
    by_hour: list[list[int]]  # by_hour[h][m] = cum[60 h + m] (two subscripts beat h * 60 + m)
    end_at: list[int]  # end_at[r] = earliest minute-of-day with cum == r (r >= 1)
    end_td: list[timedelta]  # the same as timedeltas after midnight (saves a lookup in add)
    start_at: list[int]  # start_at[r] = minute-of-day where working minute r (0-based) starts


def _pattern(sessions: Sessions) -> _Pattern:
    cum = [0] * (DAY_MINUTES + 1)
    end_at = [sessions[0][0] if sessions else 0]
    start_at: list[int] = []
    worked = 0
    for start, end in sessions:
        for minute in range(start, end):
            start_at.append(minute)
            worked += 1
            end_at.append(minute + 1)
            cum[minute + 1] = worked
        # carry forward is done below
    running = 0
    for m in range(1, DAY_MINUTES + 1):
        running = max(running, cum[m])
        cum[m] = running
    by_hour = [cum[h * 60 : (h + 1) * 60] for h in range(24)]
    end_td = [timedelta(minutes=m) for m in end_at]
    return _Pattern(worked, cum, by_hour, end_at, end_td, start_at)


_TD = [timedelta(minutes=m) for m in range(DAY_MINUTES + 1)]

# The moment table (``_Table.moments``) is built in blocks of 2**13 positions: about 17 working
# days of 8 hours, 64 KB of list slots plus the datetimes, built in about a millisecond.
_BLOCK = 1 << 13
_BUILD_LOCK = threading.Lock()  # blocks are built one at a time (and _SHARED_DAYS filled)


class _DayMoments:
    """The end of each working minute of one day: ``ends[r]`` = midnight + ``end_td[r]``."""

    __slots__ = ("__weakref__", "ends")

    def __init__(self, ends: tuple[datetime, ...]) -> None:
        self.ends = ends


# (time zone, ordinal, sessions) -> the day's moments, shared by every calendar (every agency,
# every version of a schedule) whose table uses that day; gone when no table uses it any more.
_SHARED_DAYS: weakref.WeakValueDictionary[tuple[ZoneInfo, int, Sessions], _DayMoments] = (
    weakref.WeakValueDictionary()
)


@dataclass(slots=True)
class _Table:
    first_year: int
    last_year: int
    base: int  # ordinal of 1 January of first_year
    n: int
    prefix: list[int]  # n + 1 anchored positions: prefix[i] = position at 00:00 of day i
    cum: list[list[int]]
    by_hour: list[list[list[int]]]
    end_at: list[list[int]]
    end_td: list[list[timedelta]]
    start_at: list[list[int]]
    midnight: list[datetime]
    info: list[DayInfo]
    wd_before: list[int]  # n + 1: working days before day i
    wd_dates: list[date]  # the working days, in order
    hour_day: list[int]  # hour_day[q] = first day i with prefix[i + 1] > prefix[0] + 60 q
    # The moment table of ``add``, a window over the range's positions that grows as blocks are
    # built: with k = position - prefix[0] - 1 - window (0 <= k < len(moments)), moments[k] is
    # moment_at(position), the end of the working minute that reaches the position, or None if
    # its block is not built yet. moment_index[i] = prefix[i] - prefix[0] - 1 - window, so that
    # moment_index[d] + cum + minutes is k. Replaced together with hot, under _BUILD_LOCK.
    window: int  # index of the first position of the window (a multiple of _BLOCK)
    moment_index: list[int]
    moments: list[datetime | None]
    hot: tuple[ZoneInfo, int, list[int], list[list[list[int]]], list[datetime | None]]
    day_moments: list[_DayMoments | None]  # keeps the shared days that the built blocks use

    def day_reaching(self, target: int) -> int:
        """The first day ``i`` with ``prefix[i + 1] >= target`` (``prefix[0] < target <= end``).

        A bucket per working hour gives the first candidate; the scan after it is at most one
        step on calendars whose working days have at least an hour of work.
        """
        prefix = self.prefix
        i = self.hour_day[(target - 1 - prefix[0]) // 60]
        while prefix[i + 1] < target:
            i += 1
        return i

    def end_moment(self, k: int) -> datetime | None:
        """The moment at position ``prefix[0] + 1 + k``, from the moment table (building its
        block first, and growing the window to it); None past the range.

        Memory: 8 bytes (a list slot) per position of the window, which spans the blocks built
        so far, and 56 bytes (an aware datetime and its slot in the day's tuple) per working
        minute of each day those blocks reach, shared between calendars in the same zone: about
        8 MB per year of 8-hour weekdays where results fall, then 1 MB a year per other calendar.
        """
        prefix = self.prefix
        total = prefix[self.n] - prefix[0]
        if not 0 <= k < total:
            return None
        with _BUILD_LOCK:
            moments, window = self.moments, self.window
            if 0 <= k - window < len(moments):
                moment = moments[k - window]
                if moment is not None:
                    return moment
            low = k - k % _BLOCK
            block = self._build_block(low, min(low + _BLOCK, total))
            if not moments:
                self._set_window(low, block)
            elif low < window:  # a new list: readers of the old one go on with it
                self._set_window(low, block + [None] * (window - low - len(block)) + moments)
            elif low >= window + len(moments):  # grown in place: readers see it grow
                moments += [None] * (low - window - len(moments))
                moments += block
            else:
                moments[low - window : low - window + len(block)] = block
            return self.moments[k - self.window]

    def _set_window(self, window: int, moments: list[datetime | None]) -> None:
        first = self.prefix[0] + 1 + window
        self.moment_index = index = [p - first for p in self.prefix]
        self.window, self.moments = window, moments
        self.hot = (self.hot[0], self.base, index, self.by_hour, moments)

    def _build_block(self, low: int, high: int) -> list[datetime | None]:
        """The moments of indices ``low .. high - 1``."""
        prefix = self.prefix
        first = prefix[0] + 1  # the position of index 0
        position = first + low  # the next position to produce
        last = first + high - 1
        block: list[datetime | None] = []
        i = self.day_reaching(position)
        while position <= last:
            stop = min(prefix[i + 1], last)
            if stop >= position:
                moments = self.day_moments[i]
                if moments is None:
                    moments = self.day_moments[i] = self._day_moments(i)
                before = prefix[i]
                block += moments.ends[position - before : stop - before + 1]
                position = stop + 1
            i += 1
        return block

    def _day_moments(self, i: int) -> _DayMoments:
        midnight = self.midnight[i]
        key = (midnight.tzinfo, self.base + i, self.info[i].sessions)
        moments = _SHARED_DAYS.get(key)
        if moments is None:
            moments = _DayMoments(tuple([midnight + td for td in self.end_td[i]]))
            _SHARED_DAYS[key] = moments
        return moments


class WorkCalendar:
    """An agency's working calendar: days, office hours, and working-time arithmetic.

    The calendar is immutable: to change overrides, build a new one (``with_overrides``).
    """

    def __init__(
        self,
        *,
        hours: OfficeHours | None = None,
        overrides: Iterable[DayOverride] = (),
        official: Iterable[OfficialPeriod] | None = OFFICIAL_PERIODS,
        use_holidays_package: bool = True,
        years: tuple[int, int] = (2024, 2028),
        time_zone: str = DEFAULT_TIME_ZONE,
        name: str = "",
    ) -> None:
        self.name = name
        self.hours = hours or OfficeHours()
        self.tz = ZoneInfo(time_zone)
        self.overrides: tuple[DayOverride, ...] = tuple(sorted(overrides, key=lambda o: o.day))
        self.official_periods: tuple[OfficialPeriod, ...] = tuple(official or ())
        self.use_holidays_package = use_holidays_package
        self._official = official_days(self.official_periods)
        self._override = {o.day: o for o in self.overrides}
        self._patterns: dict[Sessions, _Pattern] = {}
        self._anchor = date(years[0], 1, 1).toordinal()
        self._set_table(self._build(*years))

    def with_overrides(self, overrides: Iterable[DayOverride]) -> WorkCalendar:
        """A copy of this calendar with a different set of agency overrides."""
        return WorkCalendar(
            hours=self.hours,
            overrides=overrides,
            official=self.official_periods,
            use_holidays_package=self.use_holidays_package,
            years=(self._tab.first_year, self._tab.last_year),
            time_zone=self.tz.key,
            name=self.name,
        )

    # -- building -----------------------------------------------------------------------------
    def _classify(
        self,
        day: date,
        vi: Mapping[date, str],
        en: Mapping[date, str],
        weekend_workdays: set[date],
    ) -> DayInfo:
        weekly = self.hours.weekly[day.weekday()]
        makeup = weekly or self.hours.makeup  # a normally free day that is worked
        package = {"holiday": vi.get(day, ""), "holiday_en": en.get(day, "")}
        info = DayInfo(day, "workday" if weekly else "weekend", weekly)
        if package["holiday"]:
            info = DayInfo(
                day, "holiday", (), "holidays", package["holiday"], package["holiday_en"],
                **package,
            )  # fmt: skip
        elif day in weekend_workdays:
            info = DayInfo(day, "makeup", makeup, "holidays")
        official = self._official.get(day)
        if official is not None:
            period = official.period
            kind: DayKind = ("workday" if weekly else "makeup") if official.working else "holiday"
            info = DayInfo(
                day, kind, makeup if official.working else (), "official", period.name,
                source=period.source, translatable=True, **package,
            )  # fmt: skip
        override = self._override.get(day)
        if override is not None:
            kind = ("workday" if weekly else "makeup") if override.working else "day_off"
            sessions = (override.sessions or makeup) if override.working else ()
            info = DayInfo(day, kind, sessions, "agency", override.name, source=override.decision, **package)
        return info

    def _build(self, first_year: int, last_year: int) -> _Table:
        if not 1 <= first_year <= last_year <= 9998:
            raise OverflowError("working calendar out of the supported years")
        years = range(first_year, last_year + 1)
        vi: Mapping[date, str] = {}
        en: Mapping[date, str] = {}
        weekend_workdays: set[date] = set()
        if self.use_holidays_package:
            vi = holidays.country_holidays("VN", years=years, language="vi")
            en = holidays.country_holidays("VN", years=years, language="en_US")
            weekend_workdays = {d for d in vi.weekend_workdays if d.year in years}
        base = date(first_year, 1, 1).toordinal()
        n = date(last_year, 12, 31).toordinal() - base + 1
        prefix = [0] * (n + 1)
        cum: list[list[int]] = []
        by_hour: list[list[list[int]]] = []
        end_at: list[list[int]] = []
        end_td: list[list[timedelta]] = []
        start_at: list[list[int]] = []
        midnight: list[datetime] = []
        info: list[DayInfo] = []
        wd_before = [0] * (n + 1)
        wd_dates: list[date] = []
        position = 0
        for i in range(n):
            day = date.fromordinal(base + i)
            day_info = self._classify(day, vi, en, weekend_workdays)
            pattern = self._patterns.get(day_info.sessions)
            if pattern is None:
                pattern = self._patterns[day_info.sessions] = _pattern(day_info.sessions)
            info.append(day_info)
            cum.append(pattern.cum)
            by_hour.append(pattern.by_hour)
            end_at.append(pattern.end_at)
            end_td.append(pattern.end_td)
            start_at.append(pattern.start_at)
            midnight.append(datetime(day.year, day.month, day.day, tzinfo=self.tz))
            position += pattern.minutes
            prefix[i + 1] = position
            wd_before[i + 1] = wd_before[i] + (1 if pattern.minutes else 0)
            if pattern.minutes:
                wd_dates.append(day)
        # Anchor positions so that 00:00 on the anchor day is position 0, whatever the range.
        # The range only ever grows from the first one, so it always contains the anchor.
        offset = prefix[self._anchor - base]
        if offset:
            prefix = [p - offset for p in prefix]
        hour_day: list[int] = []
        i = 0
        for q in range((prefix[n] - prefix[0]) // 60 + 1):
            while i < n - 1 and prefix[i + 1] <= prefix[0] + 60 * q:
                i += 1
            hour_day.append(i)
        moment_index = [p - prefix[0] - 1 for p in prefix]
        moments: list[datetime | None] = []
        return _Table(
            first_year,
            last_year,
            base,
            n,
            prefix,
            cum,
            by_hour,
            end_at,
            end_td,
            start_at,
            midnight,
            info,
            wd_before,
            wd_dates,
            hour_day,
            0,
            moment_index,
            moments,
            (self.tz, base, moment_index, by_hour, moments),
            [None] * n,
        )

    def _set_table(self, tab: _Table) -> None:
        # One assignment each, so a reader in another thread sees an old or a new table whole.
        self._hot = tab.hot
        self._tab = tab

    def _cover(self, first_year: int, last_year: int) -> _Table:
        """Grow the precomputed range to include ``first_year..last_year``; return the table."""
        tab = self._tab
        if first_year < tab.first_year or last_year > tab.last_year:
            tab = self._build(min(first_year, tab.first_year), max(last_year, tab.last_year))
            self._set_table(tab)
        return tab

    def _cover_ordinal(self, ordinal: int) -> _Table:
        year = date.fromordinal(ordinal).year
        return self._cover(year, year + 1)

    def _cover_position(self, position: int) -> _Table:
        """Grow the range forward until ``position`` is reached."""
        tab = self._tab
        while tab.prefix[-1] < position:
            missing = position - tab.prefix[-1]
            # A year has at least ~100 working days on any sane calendar; overshoot a little.
            extra = max(1, missing // (100 * MINUTES_PER_DAY) + 1)
            tab = self._cover(tab.first_year, tab.last_year + extra)
        return tab

    # -- moments and positions ------------------------------------------------------------------
    def local(self, moment: datetime) -> datetime:
        """``moment`` in the calendar's zone; refuses naive datetimes."""
        if moment.tzinfo is self.tz:
            return moment
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("the working-time engine needs aware datetimes (with a time zone)")
        return moment.astimezone(self.tz)

    def _locate(self, moment: datetime) -> tuple[_Table, int, int]:
        """(table, day index, minute of day) of a moment."""
        if moment.tzinfo is not self.tz:
            moment = self.local(moment)
        tab = self._tab
        d = moment.toordinal() - tab.base
        if not 0 <= d < tab.n:
            tab = self._cover_ordinal(moment.toordinal())
            d = moment.toordinal() - tab.base
        return tab, d, moment.hour * 60 + moment.minute

    def position(self, moment: datetime) -> int:
        """Working minutes from the calendar's anchor to ``moment`` (stable for this calendar)."""
        tab, d, m = self._locate(moment)
        return tab.prefix[d] + tab.cum[d][m]

    def moment_at(self, position: int, *, edge: Literal["end", "start"] = "end") -> datetime:
        """The moment at a working position.

        ``edge="end"``: the earliest moment with that position (the end of working minute
        ``position - 1``, possibly a session end). ``edge="start"``: the moment working minute
        ``position`` starts (always inside a session).
        """
        tab = self._tab
        low = 1 if edge == "end" else 0  # need a day i with prefix[i] < (or <=) position
        while tab.prefix[0] + low > position:
            tab = self._cover(tab.first_year - 10, tab.last_year)
        if edge == "end":
            tab = self._cover_position(position)
            i = tab.day_reaching(position)
            return tab.midnight[i] + _TD[tab.end_at[i][position - tab.prefix[i]]]
        tab = self._cover_position(position + 1)
        i = tab.day_reaching(position + 1)
        return tab.midnight[i] + _TD[tab.start_at[i][position - tab.prefix[i]]]

    # -- the arithmetic ----------------------------------------------------------------------
    def add(self, start: datetime, amount: WorkAmount) -> datetime:
        """The moment ``amount`` of working time after ``start``.

        A start outside office hours begins at the next working moment. For a positive amount
        the result is the end of the last working minute (see the module docstring: 8 h from
        Monday 07:30 is Monday 17:00); for a zero amount it is ``next_working_moment(start)``.
        """
        minutes = amount.minutes
        tz, base, index, by_hour, moments = self._hot
        if minutes > 0 and start.tzinfo is tz:
            # The hot path, kept flat on purpose (it is what a million-deadline recompute runs):
            # the result depends on the target position only, and is read from the moment table.
            d = start.toordinal() - base
            if d >= 0:
                try:  # IndexError: a day past the range, or a result past the table's window
                    k = index[d] + by_hour[d][start.hour][start.minute] + minutes
                    if k >= 0:  # else a result before the window
                        moment = moments[k]
                        if moment is not None:  # else its block is not built yet
                            return moment
                except IndexError:
                    pass
        return self._add(start, minutes)

    def _add(self, start: datetime, minutes: int) -> datetime:
        """``add`` off its hot path: builds a block of the moment table, or grows the range."""
        if minutes < 0:
            raise ValueError("cannot add a negative working-time amount")
        if minutes == 0:
            return self.next_working_moment(start)
        tab, d, m = self._locate(start)  # grows the range to the start's day
        position = tab.prefix[d] + tab.cum[d][m] + minutes
        moment = tab.end_moment(position - tab.prefix[0] - 1)
        if moment is None:
            return self.moment_at(position)  # past the range: grows it; the next call is fast
        if tab is self._tab:
            self._hot = tab.hot  # the moment table's window may have moved
        return moment

    def add_many(self, starts: Iterable[datetime], amount: WorkAmount) -> list[datetime]:
        """``add(start, amount)`` for many starts: the bulk path for recomputing deadlines."""
        minutes = amount.minutes
        if minutes <= 0:
            return [self.add(start, amount) for start in starts]
        tz, base, index, by_hour, moments = self._hot
        out: list[datetime] = []
        append = out.append
        for start in starts:
            if start.tzinfo is tz:
                d = start.toordinal() - base
                if d >= 0:
                    try:
                        k = index[d] + by_hour[d][start.hour][start.minute] + minutes
                        if k >= 0:
                            moment = moments[k]
                            if moment is not None:
                                append(moment)
                                continue
                    except IndexError:
                        pass
            append(self._add(start, minutes))
            tz, base, index, by_hour, moments = self._hot
        return out

    def between(self, a: datetime, b: datetime) -> WorkAmount:
        """Working time from ``a`` to ``b`` (negative when ``b`` is before ``a``)."""
        return WorkAmount(self.position(b) - self.position(a))

    def is_working_time(self, moment: datetime) -> bool:
        """Whether the minute starting at ``moment`` is working time (sessions are [start, end))."""
        tab, d, m = self._locate(moment)
        if m >= DAY_MINUTES:
            return False
        cum = tab.cum[d]
        return cum[m + 1] != cum[m]

    def next_working_moment(self, moment: datetime) -> datetime:
        """``moment`` itself (to the minute) if it is working time, else the next session start."""
        return self.moment_at(self.position(moment), edge="start")

    # -- days ------------------------------------------------------------------------------------
    def day_info(self, day: date) -> DayInfo:
        tab = self._tab
        d = day.toordinal() - tab.base
        if not 0 <= d < tab.n:
            tab = self._cover_ordinal(day.toordinal())
            d = day.toordinal() - tab.base
        return tab.info[d]

    def days(self, first: date, last: date) -> Iterator[DayInfo]:
        """Every day from ``first`` to ``last`` inclusive."""
        if last < first:
            return
        self._cover(first.year, last.year)
        tab = self._tab
        for d in range(first.toordinal() - tab.base, last.toordinal() - tab.base + 1):
            yield tab.info[d]

    def special_days(self, year: int) -> list[DayInfo]:
        """Days off and make-up days of ``year`` that differ from the weekly hours or are named."""
        return [info for info in self.days(date(year, 1, 1), date(year, 12, 31)) if info.origin != "weekly"]

    def is_working_day(self, day: date) -> bool:
        return self.day_info(day).working

    def next_working_day(self, day: date, *, strictly_after: bool = True) -> date:
        """The first working day after ``day`` (or on it, when ``strictly_after`` is False)."""
        return self.add_workdays(day + timedelta(days=1) if strictly_after else day, 0)

    def opening(self, day: date) -> datetime:
        """Start of the first session of a working day."""
        info = self.day_info(day)
        if not info.working:
            raise ValueError(f"{day} is not a working day")
        return self.day_midnight(day) + _TD[info.sessions[0][0]]

    def closing(self, day: date) -> datetime:
        """End of the last session of a working day (the close of office hours)."""
        info = self.day_info(day)
        if not info.working:
            raise ValueError(f"{day} is not a working day")
        return self.day_midnight(day) + _TD[info.sessions[-1][1]]

    def day_midnight(self, day: date) -> datetime:
        return datetime(day.year, day.month, day.day, tzinfo=self.tz)

    def day_of(self, moment: datetime, *, end: bool = False) -> date:
        """The local date of ``moment``; with ``end=True`` a moment at 00:00 that closes a session
        ending at 24:00 belongs to the previous day."""
        local = self.local(moment)
        day = local.date()
        if end and local.hour == 0 and local.minute == 0:
            previous = self.day_info(day - timedelta(days=1))
            if previous.sessions and previous.sessions[-1][1] == DAY_MINUTES:
                return day - timedelta(days=1)
        return day

    # -- day-granular arithmetic (numpy.busday_offset semantics, roll="forward") -----------------
    def add_workdays(self, day: date, n: int) -> date:
        """Roll ``day`` forward to a working day, then move ``n`` working days (n may be < 0)."""
        tab = self._tab
        d = day.toordinal() - tab.base
        if 0 <= d < tab.n:
            k = tab.wd_before[d] + n
            if 0 <= k < len(tab.wd_dates):
                return tab.wd_dates[k]
        return self._add_workdays_slow(day, n)

    def _add_workdays_slow(self, day: date, n: int) -> date:
        span = abs(n) // 100 + 2
        tab = self._cover(day.year - (span if n < 0 else 0), day.year + span)
        while True:
            k = tab.wd_before[day.toordinal() - tab.base] + n
            if k < 0:
                tab = self._cover(tab.first_year - span, tab.last_year)
            elif k >= len(tab.wd_dates):
                tab = self._cover(tab.first_year, tab.last_year + span)
            else:
                return tab.wd_dates[k]

    def add_workdays_many(self, days: Sequence[date], n: int) -> list[date]:
        """``add_workdays`` over many dates (the bulk path used when recomputing deadlines)."""
        tab = self._tab
        base, size = tab.base, tab.n
        wd_before, wd_dates = tab.wd_before, tab.wd_dates
        last = len(wd_dates)
        out: list[date] = []
        append = out.append
        for day in days:
            d = day.toordinal() - base
            if 0 <= d < size:
                k = wd_before[d] + n
                if 0 <= k < last:
                    append(wd_dates[k])
                    continue
            append(self.add_workdays(day, n))
        return out

    def workdays_between(self, first: date, last: date) -> int:
        """Working days in ``[first, last)`` (numpy.busday_count semantics)."""
        tab = self._cover(min(first, last).year, max(first, last).year)
        before = tab.wd_before
        return before[last.toordinal() - tab.base] - before[first.toordinal() - tab.base]

    # -- introspection -----------------------------------------------------------------------
    @property
    def covered_years(self) -> tuple[int, int]:
        return self._tab.first_year, self._tab.last_year

    def __repr__(self) -> str:
        first, last = self.covered_years
        label = self.name or self.tz.key
        return f"<WorkCalendar {label} {first}-{last} overrides={len(self.overrides)}>"
