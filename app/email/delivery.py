"""Sending the outbox: `deliver_due` is one pass, `run_worker` loops.

Each message is claimed with a conditional UPDATE (due -> sending) before it is sent, so two
workers never send the same row; on PostgreSQL candidates are also selected FOR UPDATE SKIP
LOCKED so workers don't wait on each other. Claims are taken a few at a time (CLAIM_BATCH), so
that a worker that dies holds little.

Every claim names its worker (an `OutboxWorker` row: one per `flask outbox worker`, or per
one-off pass). A thread of the worker refreshes that row's heartbeat every sixth of
OUTBOX_WORKER_TIMEOUT while the process lives, whatever the sending thread is doing, so a
worker held up by a slow SMTP server keeps its claims. Once a worker's heartbeat is older than
OUTBOX_WORKER_TIMEOUT (it was killed, crashed, lost its host), its claimed messages are due again
and the next pass of any other worker takes them. A claim without a worker (made before workers
had one) is offered again after STALE_CLAIM, as it always was.

What happens when a message is not sent:
- 4xx reply: tried again later with exponential back-off; failed after MAX_ATTEMPTS.
- 5xx reply, or a message that cannot be sent at all (e.g. a line break in a header): failed
  at once, with the error kept. Failed messages are never retried.
- The server cannot be reached (refused, timeout, lost connection, login refused): the messages
  of the batch are tried again later with the same back-off, but never marked failed, since it
  is not their fault: nothing is lost while the server is down. If the connection drops in the
  middle of a batch, only the message on the wire counts an attempt; the rest are offered again
  on the next pass.

Sent means the server answered 250, and the one moment when a message can be sent twice is
between that answer and the commit that records it: a worker that dies there leaves a message
the server has, still claimed, and another worker sends it again, with the same Message-ID
(receivers can drop the copy by it). That moment is kept as short as a sender can keep it: each
message is recorded in its own commit, and on PostgreSQL the row is locked and its "sent" update
already written, uncommitted, before the message goes on the wire, so that after the server's
answer only the COMMIT is left to send (PostgreSQL commits a COMMIT that reached it even if the
worker dies just after; a worker that dies before it is rolled back, and the message is still
its claim). SQLite (one worker) updates the row after the answer, not to hold the database's
only write lock while the SMTP server takes its time.

Stopping a worker (SIGTERM from systemd, Ctrl-C) sets its `stop` event: the message on the
wire is finished and its outcome committed, the rest of the claimed batch is released at once
for the other workers, and the worker exits. A stop therefore never falls in that moment.
"""

import contextlib
import logging
import os
import signal
import smtplib
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from flask_mail import BadHeaderError, Connection, Message
from sqlalchemy import delete, exists, insert, or_, select, update

from app import clock
from app.extensions import db
from app.models import OutboxEmail, OutboxWorker

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
# Messages claimed at once by a worker: what one that dies leaves waiting for the others.
CLAIM_BATCH = 10
# A claim that names no worker (made before workers had an identity) is offered again after
# this long; a worker's claims are offered again once its heartbeat is OUTBOX_WORKER_TIMEOUT old.
STALE_CLAIM = timedelta(minutes=15)
# A worker refreshes its heartbeat this many times per OUTBOX_WORKER_TIMEOUT, so that a few
# late beats (a busy database, a paused virtual machine) do not make it look dead.
BEATS_PER_TIMEOUT = 6
# The row of a worker not heard from for this long is removed when another worker starts.
FORGET_WORKERS_AFTER = timedelta(days=1)

# Kinds of failure (see the module docstring).
TEMPORARY = "temporary"
PERMANENT = "permanent"
CONNECTION = "connection"

# Errors of the SMTP connection itself, as opposed to a reply about one message.
CONNECTION_ERRORS = (OSError, smtplib.SMTPException)


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    released: int = 0  # claimed, then handed back unsent because the worker was stopped
    taken_over: int = 0  # claimed from a worker taken for dead (or a claim without a worker)
    errors: list[str] = field(default_factory=list)


class SmtpConnection(Connection):
    """Flask-Mail's connection, with MAIL_TIMEOUT (Flask-Mail has no setting for one).

    The settings are read from the configuration when connecting (Flask-Mail reads them once,
    in init_app), and a broken connection is closed without the QUIT that would fail again.
    """

    def configure_host(self):
        config = current_app.config
        smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
        timeout = float(config["MAIL_TIMEOUT"])  # checked before a socket is opened
        host = smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout)
        try:
            if config["MAIL_USE_TLS"]:
                host.starttls()
            if config["MAIL_USERNAME"] and config["MAIL_PASSWORD"]:
                host.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        except BaseException:
            host.close()
            raise
        return host

    def is_open(self) -> bool:
        # smtplib drops its socket when the server closes the channel (e.g. after a 421).
        return self.host is None or self.host.sock is not None

    def __exit__(self, exc_type, exc_value, tb) -> None:
        if self.host is None:
            return
        if exc_type is None and self.is_open():
            with contextlib.suppress(*CONNECTION_ERRORS):  # everything was sent already
                self.host.quit()
        self.host.close()


class Worker:
    """The identity that a worker's claims carry, kept alive by a heartbeat thread.

    `register()` adds its `OutboxWorker` row and starts the thread, which refreshes the row's
    heartbeat on a connection of its own every OUTBOX_WORKER_TIMEOUT / BEATS_PER_TIMEOUT
    seconds until `retire()`; the thread beats while the process lives, so a sending thread
    held up by a slow server never loses its claims, and a dead process stops beating at once.
    `retire()` hands back whatever the worker still holds and removes its row.
    """

    def __init__(self, name: str | None = None):
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self.id: int | None = None
        self.timeout = timedelta(seconds=float(current_app.config["OUTBOX_WORKER_TIMEOUT"]))
        if self.timeout <= timedelta(0):
            raise ValueError("OUTBOX_WORKER_TIMEOUT must be a number of seconds above 0")
        self._app = current_app._get_current_object()
        self._retired = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def interval(self) -> float:
        return self.timeout.total_seconds() / BEATS_PER_TIMEOUT

    def register(self) -> "Worker":
        now = clock.utcnow()
        db.session.execute(
            delete(OutboxWorker).where(OutboxWorker.heartbeat_at < now - FORGET_WORKERS_AFTER)
        )
        row = OutboxWorker(name=self.name[:200], started_at=now, heartbeat_at=now)
        db.session.add(row)
        db.session.commit()
        self.id = row.id
        self._retired.clear()
        self._thread = threading.Thread(
            target=self._beat_until_retired, name=f"outbox heartbeat {self.id}", daemon=True
        )
        self._thread.start()
        return self

    def beat(self) -> None:
        """Refresh the heartbeat. A row removed meanwhile (the worker was taken for dead long
        enough to be forgotten) is written again: what it still holds is its own again, and
        what others took from it is theirs (the sending thread checks before each message)."""
        now = clock.utcnow()
        with db.engine.begin() as connection:
            beaten = connection.execute(
                update(OutboxWorker).where(OutboxWorker.id == self.id).values(heartbeat_at=now)
            ).rowcount
            if not beaten:
                connection.execute(
                    insert(OutboxWorker).values(
                        id=self.id, name=self.name[:200], started_at=now, heartbeat_at=now
                    )
                )

    def _beat_until_retired(self) -> None:
        with self._app.app_context():
            while not self._retired.wait(self.interval):
                try:
                    self.beat()
                except Exception:
                    # The next beat tries again; if none gets through for the whole timeout,
                    # the other workers take the claims, as they should.
                    log.warning("outbox: heartbeat of worker %s failed", self.id, exc_info=True)

    def stop_beating(self) -> None:
        self._retired.set()
        if self._thread is not None:
            self._thread.join(30)
            self._thread = None

    def retire(self) -> None:
        self.stop_beating()
        if self.id is None:
            return
        try:
            db.session.rollback()
            db.session.execute(
                update(OutboxEmail)
                .where(OutboxEmail.status == OutboxEmail.SENDING, OutboxEmail.claimed_by == self.id)
                .values(status=OutboxEmail.PENDING, claimed_at=None, claimed_by=None)
            )
            db.session.execute(delete(OutboxWorker).where(OutboxWorker.id == self.id))
            db.session.commit()
        except Exception:
            # Its heartbeat stops all the same: the others take what it holds after the timeout.
            db.session.rollback()
            log.warning("outbox: worker %s could not hand back its claims", self.id, exc_info=True)
        self.id = None


@contextlib.contextmanager
def _as_worker(worker: Worker | None) -> Iterator[Worker]:
    """`worker`, registered if it is not yet; or a worker of its own for one pass."""
    if worker is not None:
        if worker.id is None:
            worker.register()
        yield worker
        return
    own = Worker().register()
    try:
        yield own
    finally:
        own.retire()


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8 ... minutes after each failed attempt, at most LONGEST_RETRY."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_RETRY)


def deliver_due(
    batch_size: int = CLAIM_BATCH,
    stop: threading.Event | None = None,
    worker: Worker | None = None,
) -> DeliveryReport:
    """Send every message that is due now, once. Safe to run in several processes.

    The claims are `worker`'s (registered here if it is not yet), or, without one, those of a
    worker registered for this pass only. When `stop` is set, the pass ends after the message
    being sent (see the module's doc)."""
    report = DeliveryReport()
    stop = stop or threading.Event()
    if current_app.config["MAIL_BACKEND"] == "dev":
        return report
    with _as_worker(worker) as me:
        while not stop.is_set():
            ids = _claim_due(batch_size, me, report)
            if not ids or not _send_batch(ids, me, report, stop):
                # Nothing left, the server is unreachable (a later pass tries again), or stopped.
                break
    return report


def _due(now: datetime, worker: Worker):
    """Due: pending and its time has come, or claimed by nobody alive. A worker's own claims
    are due to it too: those a pass of it left when it failed half-way."""
    alive = exists().where(
        OutboxWorker.id == OutboxEmail.claimed_by,
        OutboxWorker.heartbeat_at > now - worker.timeout,
    )
    sending = OutboxEmail.status == OutboxEmail.SENDING
    return or_(
        (OutboxEmail.status == OutboxEmail.PENDING) & (OutboxEmail.next_attempt_at <= now),
        sending & OutboxEmail.claimed_by.is_(None) & (OutboxEmail.claimed_at <= now - STALE_CLAIM),
        sending & (OutboxEmail.claimed_by == worker.id),
        sending & OutboxEmail.claimed_by.is_not(None) & ~alive,
    )


def _claim_due(batch_size: int, worker: Worker, report: DeliveryReport) -> list[int]:
    now = clock.utcnow()
    candidates = (
        select(OutboxEmail.id, OutboxEmail.status, OutboxEmail.claimed_by)
        .where(_due(now, worker))
        .order_by(OutboxEmail.id)
        .limit(batch_size)
        .with_for_update(skip_locked=True, of=OutboxEmail)
    )
    claimed, taken_from = [], set()
    for message_id, status, claimed_by in db.session.execute(candidates).all():
        # Still due? Another worker may have claimed, sent or retried it since the SELECT
        # (on SQLite there are no row locks; on PostgreSQL a stale claim can finish meanwhile).
        result = db.session.execute(
            update(OutboxEmail)
            .where(OutboxEmail.id == message_id, _due(now, worker))
            .values(status=OutboxEmail.SENDING, claimed_at=now, claimed_by=worker.id)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            claimed.append(message_id)
            if status == OutboxEmail.SENDING and claimed_by != worker.id:
                taken_from.add(claimed_by)
                report.taken_over += 1
    db.session.commit()
    if taken_from:
        log.info(
            "outbox: worker %s took over messages claimed by worker(s) %s, taken for dead",
            worker.id,
            ", ".join(str(w) for w in sorted(taken_from, key=str)),
        )
    return claimed


def _send_batch(
    ids: list[int], worker: Worker, report: DeliveryReport, stop: threading.Event
) -> bool:
    """Send the claimed messages over one connection. False if the connection failed or the
    worker was stopped (the messages not sent yet are released then)."""
    connected = False
    on_the_wire = None
    unsent = list(ids)
    try:
        with SmtpConnection(current_app.extensions["mail"]) as conn:
            connected = True
            for message_id in ids:
                if stop.is_set():
                    _release(unsent, [], "", worker, report)
                    report.released += len(unsent)
                    return False
                if not conn.is_open():
                    raise smtplib.SMTPServerDisconnected("the server closed the connection")
                on_the_wire = message_id
                _send_one(conn, message_id, worker, report)
                on_the_wire = None
                unsent.remove(message_id)
    except CONNECTION_ERRORS as error:
        db.session.rollback()
        # Not connected: each message was tried, in vain. Else only the one on the wire was.
        charged = unsent if not connected else [] if on_the_wire is None else [on_the_wire]
        _release(unsent, charged, f"{type(error).__name__}: {error}", worker, report)
        return False
    return True


def message_id(message: OutboxEmail) -> str:
    """The Message-ID of an outbox row: the same at every attempt, so that a receiver can tell
    a message sent again after a crash from a new one; unique across databases by its time."""
    domain = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    return f"<outbox.{message.id}.{message.created_at:%Y%m%d%H%M%S%f}@{domain}>"


def _as_mail(message: OutboxEmail) -> Message:
    mail = Message(
        subject=message.subject,
        recipients=[message.recipient],
        body=message.body_text,
        html=message.body_html,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
    )
    mail.msgId = message_id(message)
    if message.attachment_text is not None:
        # Flask-Mail splits the type at "/" only: its parameters (a calendar invitation's
        # method, the charset) stay on the part's Content-Type header.
        mail.attach(
            message.attachment_name,
            message.attachment_type or "application/octet-stream",
            message.attachment_text.encode(),
        )
    return mail


def _writes_ahead() -> bool:
    """Whether the "sent" update is written before the message is sent (see the module doc):
    where the row lock it takes holds up no one but the workers, who skip locked rows."""
    return db.session.get_bind().dialect.name == "postgresql"


def _claimed_row(message_id: int, worker: Worker) -> OutboxEmail | None:
    """The message, locked until the next commit (PostgreSQL), if `worker` still holds it."""
    message = db.session.get(OutboxEmail, message_id, with_for_update=True, populate_existing=True)
    if message is None or message.status != OutboxEmail.SENDING or message.claimed_by != worker.id:
        return None  # sent, released or taken over meanwhile
    return message


def _send_one(conn: SmtpConnection, message_id: int, worker: Worker, report: DeliveryReport):
    message = _claimed_row(message_id, worker)
    if message is None:
        db.session.commit()
        return
    mail = _as_mail(message)
    message.status = OutboxEmail.SENT
    message.sent_at = clock.utcnow()
    message.attempts += 1
    message.last_error = None
    message.claimed_at = None
    message.claimed_by = None
    if _writes_ahead():
        db.session.flush()
    try:
        conn.send(mail)
    except smtplib.SMTPRecipientsRefused as error:
        code, reply = next(iter(error.recipients.values()))
        _record_reply(_unsent(message_id, worker), code, reply, report)
    except smtplib.SMTPResponseException as error:
        _record_reply(_unsent(message_id, worker), error.smtp_code, error.smtp_error, report)
    except CONNECTION_ERRORS:
        db.session.rollback()
        raise
    except (BadHeaderError, ValueError) as error:
        # The message itself cannot be sent (a line break in its subject, an address that is
        # not ASCII ...): trying again would fail the same way, and must not stop the others.
        # Anything else (e.g. no sender configured) is not the message's fault: it propagates.
        message = _unsent(message_id, worker)
        if message is not None:
            _record_attempt(message, f"{type(error).__name__}: {error}", PERMANENT, report)
        db.session.commit()
        if conn.host is not None and conn.is_open():
            conn.host.rset()  # the SMTP session may have been left in the middle of a message
        return
    except BaseException:
        db.session.rollback()  # never commit the "sent" written ahead for a message not sent
        raise
    else:
        report.sent += 1
    db.session.commit()


def _unsent(message_id: int, worker: Worker) -> OutboxEmail | None:
    """After a refusal: the "sent" written ahead undone, the row as it is now."""
    db.session.rollback()
    return _claimed_row(message_id, worker)


def _record_reply(message: OutboxEmail | None, code: int, reply, report: DeliveryReport) -> None:
    if message is None:
        return
    if isinstance(reply, bytes):
        reply = reply.decode(errors="replace")
    kind = PERMANENT if 500 <= code < 600 else TEMPORARY
    _record_attempt(message, f"{code} {reply}", kind, report)


def _record_attempt(message: OutboxEmail, error: str, kind: str, report: DeliveryReport) -> None:
    message.attempts += 1
    message.last_error = error[:2000]
    message.claimed_at = None
    message.claimed_by = None
    if kind == PERMANENT or (kind == TEMPORARY and message.attempts >= MAX_ATTEMPTS):
        message.status = OutboxEmail.FAILED
        report.failed += 1
    else:
        message.status = OutboxEmail.PENDING
        message.next_attempt_at = clock.utcnow() + retry_delay(message.attempts)
        report.retried += 1
    report.errors.append(f"#{message.id} to {message.recipient}: {error}")
    log.warning("E-mail #%s to %s not sent: %s", message.id, message.recipient, error)


def _release(
    unsent: list[int], charged: list[int], error: str, worker: Worker, report: DeliveryReport
) -> None:
    """After a connection failure or a stop: `charged` count an attempt, the rest are simply
    released."""
    still_claimed = db.session.scalars(
        select(OutboxEmail).where(
            OutboxEmail.id.in_(unsent),
            OutboxEmail.status == OutboxEmail.SENDING,
            OutboxEmail.claimed_by == worker.id,
        )
    ).all()
    for message in still_claimed:
        if message.id in charged:
            _record_attempt(message, error, CONNECTION, report)
        else:
            message.status = OutboxEmail.PENDING
            message.claimed_at = None
            message.claimed_by = None
    db.session.commit()


def failed_messages(limit: int = 100) -> list[OutboxEmail]:
    """The messages that failed for good, the latest first (for `flask outbox failed`)."""
    return list(
        db.session.scalars(
            select(OutboxEmail)
            .where(OutboxEmail.status == OutboxEmail.FAILED)
            .order_by(OutboxEmail.created_at.desc(), OutboxEmail.id.desc())
            .limit(limit)
        )
    )


def retry_failed(message_ids: list[int] | None) -> list[int]:
    """Offer failed messages again, with a fresh count of attempts, at the next delivery pass:
    those in `message_ids`, or every failed one when it is None. Their last error is kept until
    the next attempt. Returns the ids put back in the outbox; a message that is not (or no
    longer) failed is left as it is."""
    query = update(OutboxEmail).where(OutboxEmail.status == OutboxEmail.FAILED)
    if message_ids is not None:
        query = query.where(OutboxEmail.id.in_(message_ids))
    retried = db.session.scalars(
        query.values(
            status=OutboxEmail.PENDING,
            attempts=0,
            next_attempt_at=clock.utcnow(),
            claimed_at=None,
            claimed_by=None,
        ).returning(OutboxEmail.id)
    ).all()
    db.session.commit()
    return sorted(retried)


@contextlib.contextmanager
def stop_on_signals(signals=(signal.SIGTERM, signal.SIGINT)) -> Iterator[threading.Event]:
    """An event that the first of `signals` sets, for `run_worker(stop=...)`; a second signal
    acts as it did before (Ctrl-C twice interrupts at once). Outside the main thread, where
    Python cannot handle signals, the event is only set by its owner."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return
    previous = {number: signal.getsignal(number) for number in signals}

    def handle(number, frame):
        log.info("outbox: %s, stopping after the message being sent", signal.Signals(number).name)
        stop.set()
        for other, handler in previous.items():
            signal.signal(other, handler)

    for number in signals:
        signal.signal(number, handle)
    try:
        yield stop
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def run_worker(
    interval: float = 5.0, passes: int | None = None, stop: threading.Event | None = None
) -> None:
    """Deliver in a loop, pausing `interval` seconds between passes (for `flask outbox worker`),
    until `passes` are done or `stop` is set (then within the message being sent). One worker
    identity, with its heartbeat, for the whole loop; retired (its claims handed back) at the end.

    A pass that fails (e.g. the database is briefly unreachable) is logged and the loop goes on;
    what it had claimed is taken again by the next pass.
    """
    stop = stop or threading.Event()
    worker = Worker()
    done = 0
    try:
        while (passes is None or done < passes) and not stop.is_set():
            try:
                report = deliver_due(stop=stop, worker=worker)
            except Exception:
                db.session.rollback()
                log.exception("outbox: delivery pass failed")
            else:
                if report.sent or report.retried or report.failed or report.released:
                    log.info(
                        "outbox: %s sent, %s to retry, %s failed, %s released, %s taken over",
                        report.sent,
                        report.retried,
                        report.failed,
                        report.released,
                        report.taken_over,
                    )
            done += 1
            if passes is None or done < passes:
                stop.wait(interval)
    finally:
        worker.retire()
