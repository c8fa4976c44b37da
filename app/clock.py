"""The one source of "now", so tests can move time without sleeping, and the program's time.

Times are stored as naive UTC datetimes (the same on SQLite and PostgreSQL). Tests move time
by replacing `_source` (see the `clock_at` fixture); `utcnow` itself never changes, so it is
safe to hold a reference to it, e.g. as a column default.

Days are the program's: members live in Ontario, where 23:30 on 3 March is already 4 March in
UTC, so "today", the end of a request's last day or a month's figures are counted in the
program's time zone (a setting of the committee). `today()`, `local_day()`, `start_of_day()`
and `end_of_day()` convert between stored UTC moments and program days. The zone comes from
`_zone_source`, which the application sets to read the program settings once per request;
without an application (pure functions, scripts) it is DEFAULT_TIME_ZONE.
"""

import calendar
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

DEFAULT_TIME_ZONE = "America/Toronto"


def _system_utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


_source = _system_utcnow


def utcnow() -> datetime:
    return _source()


# --- the program's time zone ----------------------------------------------------------------


@cache
def time_zone_names() -> frozenset[str]:
    """The IANA names a program time zone may have ("America/Toronto", "UTC", ...)."""
    return frozenset(available_timezones())


def is_time_zone_name(name: str | None) -> bool:
    return bool(name) and name in time_zone_names()


def zone_named(name: str) -> ZoneInfo:
    """The zone of an IANA name from `time_zone_names()`; ValueError for any other name (a
    path, a POSIX rule such as "EST5EDT,M3.2.0,M11.1.0", an empty text)."""
    if not is_time_zone_name(name):
        raise ValueError(f"Unknown time zone {name!r}")
    return ZoneInfo(name)


def _default_zone() -> ZoneInfo:
    return ZoneInfo(DEFAULT_TIME_ZONE)


_zone_source: Callable[[], ZoneInfo] = _default_zone


def set_zone_source(source: Callable[[], ZoneInfo]) -> None:
    """Where `program_zone()` reads the zone from (the application sets it at start)."""
    global _zone_source
    _zone_source = source


def program_zone() -> ZoneInfo:
    return _zone_source()


# --- program days and UTC moments -----------------------------------------------------------


def local_time(moment: datetime) -> datetime:
    """A stored (naive UTC) moment in program time, aware of its zone."""
    return moment.replace(tzinfo=UTC).astimezone(program_zone())


def local_day(moment: datetime) -> date:
    """The program day a stored (naive UTC) moment falls on."""
    return local_time(moment).date()


def today() -> date:
    """Today in program time (in Ontario's evening, UTC is already tomorrow)."""
    return local_day(utcnow())


def start_of_day(day: date) -> datetime:
    """The first moment of program day `day`, as a naive UTC datetime (midnight there; the
    first moment that exists when a change of clocks skips midnight)."""
    local = datetime.combine(day, time.min, tzinfo=program_zone())
    return local.astimezone(UTC).replace(tzinfo=None)


def end_of_day(day: date) -> datetime:
    """The moment program day `day` ends (the start of the next), as a naive UTC datetime:
    a moment is on `day` when start_of_day(day) <= moment < end_of_day(day)."""
    return start_of_day(day + timedelta(days=1))


def last_day_before(moment: datetime) -> date:
    """The last program day that ends by `moment`, or on which `moment` falls: for a deadline
    at the end of a day, that day ("answer by 17 March" for midnight starting 18 March)."""
    return local_day(moment - timedelta(microseconds=1))


def add_months(day: date, months: int) -> date:
    """`day` moved by `months` calendar months, the day clamped to the month's length
    (31 August + 6 months = 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
