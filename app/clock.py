"""The one source of "now", so tests can move time without sleeping.

Times are stored as naive UTC datetimes (the same on SQLite and PostgreSQL). Tests move time
by replacing `_source` (see the `clock_at` fixture); `utcnow` itself never changes, so it is
safe to hold a reference to it, e.g. as a column default.
"""

import calendar
from datetime import UTC, date, datetime


def _system_utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


_source = _system_utcnow


def utcnow() -> datetime:
    return _source()


def today() -> date:
    return utcnow().date()


def add_months(day: date, months: int) -> date:
    """`day` moved by `months` calendar months, the day clamped to the month's length
    (31 August + 6 months = 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
