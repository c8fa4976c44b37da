"""One run at a time of a scheduled job, however many hosts start it.

Every app host may run `flask jobs daily` from its own timer, at the same moment. On
PostgreSQL the first run takes a session advisory lock named after the job and holds it on a
connection of its own until the job ends: the job's own commits do not release it, and a run
that dies releases it with its connection. A run that finds the lock taken does nothing. SQLite
serves a single host, where one timer starts one run: there the job always runs.
"""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text

from app.extensions import db


def lock_key(name: str) -> int:
    """The advisory lock's number for `name`: a signed 64-bit integer, the same everywhere."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def exclusive(name: str) -> Iterator[bool]:
    """True inside the block if this process holds the job `name` (False: another one does)."""
    if db.engine.dialect.name != "postgresql":
        yield True
        return
    key = lock_key(name)
    with db.engine.connect() as connection:
        held = connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key})
        connection.commit()  # no transaction left open: the session-level lock outlives it
        try:
            yield bool(held)
        finally:
            if held:
                _unlock(connection, key)


def _unlock(connection, key: int) -> None:
    try:
        connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
        connection.commit()
    except Exception:
        # Never hand a connection that may still hold the lock back to the pool.
        connection.invalidate()
        raise
