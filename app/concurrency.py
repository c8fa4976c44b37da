"""State changes that race: two members, two clicks or two e-mailed links changing the same
thing at the same moment.

The services guard their rules with locks and conditional UPDATEs, so a race has one winner.
The loser can still get an error from the database instead of a rule's answer: a deadlock or
a serialisation failure, a unique constraint that the winner's insert now holds, a row the
winner deleted (a foreign key refused, or an UPDATE that matched nothing), or on SQLite a
database that stayed busy. `retry_on_conflict` runs the service again from the start after
such an error: its transaction was rolled back, so the new run reads what the winner left and
answers the way the rules answer it ("you already accepted this request on ..."). After
ATTEMPTS runs it gives up with `ConcurrentChange`, a DomainError the routes show like any
other refusal. Any other error passes through unchanged.
"""

import functools
import logging
import random
import time
from contextvars import ContextVar

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import ObjectDeletedError, StaleDataError

from app.errors_domain import DomainError
from app.extensions import db

log = logging.getLogger(__name__)

ATTEMPTS = 4
# PostgreSQL SQLSTATEs of a lost race: serialisation failure, deadlock, lock not available,
# unique violation, foreign key violation (the row it points at was deleted meanwhile).
CONFLICT_SQLSTATES = {"40001", "40P01", "55P03", "23505", "23503"}
SQLITE_CONFLICTS = ("database is locked", "UNIQUE constraint failed", "FOREIGN KEY constraint")

CHANGED_MEANWHILE = _l(
    "Someone changed this at the same moment, so what you sent was not saved. Look at it again "
    "as it is now, and try again if you still need to."
)
GONE_MEANWHILE = _l("This was removed a moment ago, so what you sent was not saved.")

_running = ContextVar("retry_on_conflict_running", default=False)


class ConcurrentChange(DomainError):
    """Another change got there first, every time we tried; nothing was saved."""


def is_conflict(error: BaseException) -> bool:
    """`error` says another transaction got in the way (a race lost), not a bug or bad input."""
    if isinstance(error, StaleDataError | ObjectDeletedError):
        return True
    if not isinstance(error, DBAPIError):
        return False
    if getattr(error.orig, "sqlstate", None) in CONFLICT_SQLSTATES:
        return True
    return isinstance(error, OperationalError | IntegrityError) and any(
        sign in str(error.orig) for sign in SQLITE_CONFLICTS
    )


def retry_on_conflict(operation):
    """Decorate a service function that changes state and commits: when it loses a race (see
    `is_conflict`) it runs again, up to ATTEMPTS times, then raises ConcurrentChange. Call it
    with no uncommitted change of your own: a retry rolls the session back. Within another
    decorated call it does not retry by itself; the outer one does."""

    @functools.wraps(operation)
    def run(*args, **kwargs):
        if _running.get():
            return operation(*args, **kwargs)
        token = _running.set(True)
        try:
            return _with_retries(operation, args, kwargs)
        finally:
            _running.reset(token)

    return run


def _with_retries(operation, args, kwargs):
    attempt = 1
    while True:
        try:
            return operation(*args, **kwargs)
        except Exception as error:
            if not is_conflict(error):
                raise
            db.session.rollback()
            log.info(
                "%s lost a race (attempt %d of %d): %s",
                operation.__qualname__,
                attempt,
                ATTEMPTS,
                type(error).__name__,
            )
            if isinstance(error, ObjectDeletedError):
                raise ConcurrentChange(GONE_MEANWHILE) from error
            if attempt == ATTEMPTS:
                raise ConcurrentChange(CHANGED_MEANWHILE) from error
        # Spread the retries, so that the racers don't meet again at once.
        time.sleep(random.uniform(0.005, 0.03) * attempt)
        attempt += 1
