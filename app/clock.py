"""The one source of "now", so tests can move time without sleeping.

Times are stored as naive UTC datetimes (the same on SQLite and PostgreSQL).
Tests replace `utcnow` with monkeypatch.
"""

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    return utcnow().date()
