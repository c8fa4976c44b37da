"""The rate limits' counters in the application's own database (`RATELIMIT_STORAGE_URI =
"database://"`), so that a limit holds for the whole site: every gunicorn worker and every host
counts in the same row. Redis (`redis://...`) does the same job faster; `memory://` counts in
each process on its own and is for development only.

A storage of the `limits` library (which Flask-Limiter uses) for the fixed-window strategy:
each key's row holds its hits and the end of its window. A hit is one upsert that restarts the
window when it has ended, so concurrent hits from many processes are all counted (the row lock
of the upsert orders them). It runs on a connection of its own, committed at once: a request
that fails later still counts, and counting never commits the request's own work.

Times come from app.clock, so tests can move them.
"""

import random
from datetime import UTC, datetime, timedelta

from limits.storage import Storage
from sqlalchemy import case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from app import clock
from app.extensions import db
from app.models.limits import RateLimitCounter

COUNTERS = RateLimitCounter.__table__
# One hit in this many also deletes the rows whose window has ended.
CLEANUP_ONE_IN = 200


def _epoch(moment: datetime) -> float:
    return moment.replace(tzinfo=UTC).timestamp()


def _upsert(dialect: str):
    return (postgresql if dialect == "postgresql" else sqlite).insert(COUNTERS)


class DatabaseStorage(Storage):
    STORAGE_SCHEME = ["database"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = clock.utcnow()
        ends = now + timedelta(seconds=expiry)
        with db.engine.begin() as connection:
            ended = COUNTERS.c.expires_at <= now
            statement = _upsert(connection.dialect.name).values(
                key=key, hits=amount, expires_at=ends
            )
            statement = statement.on_conflict_do_update(
                index_elements=[COUNTERS.c.key],
                set_={
                    "hits": case((ended, amount), else_=COUNTERS.c.hits + amount),
                    "expires_at": case((ended, ends), else_=COUNTERS.c.expires_at),
                },
            ).returning(COUNTERS.c.hits)
            hits = connection.execute(statement).scalar_one()
            if random.randrange(CLEANUP_ONE_IN) == 0:
                connection.execute(delete(COUNTERS).where(COUNTERS.c.expires_at <= now))
        return hits

    def get(self, key: str) -> int:
        with db.engine.connect() as connection:
            hits = connection.execute(
                select(COUNTERS.c.hits).where(
                    COUNTERS.c.key == key, COUNTERS.c.expires_at > clock.utcnow()
                )
            ).scalar()
        return hits or 0

    def get_expiry(self, key: str) -> float:
        now = clock.utcnow()
        with db.engine.connect() as connection:
            ends = connection.execute(
                select(COUNTERS.c.expires_at).where(
                    COUNTERS.c.key == key, COUNTERS.c.expires_at > now
                )
            ).scalar()
        return _epoch(ends or now)

    def check(self) -> bool:
        try:
            with db.engine.connect() as connection:
                connection.execute(select(1))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with db.engine.begin() as connection:
            return connection.execute(delete(COUNTERS)).rowcount

    def clear(self, key: str) -> None:
        with db.engine.begin() as connection:
            connection.execute(delete(COUNTERS).where(COUNTERS.c.key == key))
