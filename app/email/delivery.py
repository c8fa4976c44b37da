"""Sending the outbox: `deliver_due` is one pass, `run_worker` loops.

Each message is claimed with a conditional UPDATE (due -> sending) before it is sent, so two
workers never send the same row; on PostgreSQL candidates are also selected FOR UPDATE SKIP
LOCKED so workers don't wait on each other.

What happens when a message is not sent:
- 4xx reply: tried again later with exponential back-off; failed after MAX_ATTEMPTS.
- 5xx reply, or a message that cannot be sent at all (e.g. a line break in a header): failed
  at once, with the error kept. Failed messages are never retried.
- The server cannot be reached (refused, timeout, lost connection, login refused): the messages
  of the batch are tried again later with the same back-off, but never marked failed, since it
  is not their fault: nothing is lost while the server is down. If the connection drops in the
  middle of a batch, only the message on the wire counts an attempt; the rest are offered again
  on the next pass.

Stopping a worker (SIGTERM from systemd, Ctrl-C) sets its `stop` event: the message on the
wire is finished and its outcome committed, the rest of the claimed batch is released at once
for the other workers, and the worker exits. A stop therefore never falls between the server
accepting a message and the commit that records it, the one moment when a resend would deliver
it twice. Only a hard kill (SIGKILL, a crash, a power cut) can land there; such a message stays
"sending" until its claim is stale, is then sent again with the same Message-ID (so receivers
can tell it is the same message), and the rest of that worker's batch waits as long.
"""

import contextlib
import logging
import signal
import smtplib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from flask_mail import BadHeaderError, Connection, Message
from sqlalchemy import or_, select, update

from app import clock
from app.extensions import db
from app.models import OutboxEmail

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
# A message left "sending" this long (its worker died) is offered again.
STALE_CLAIM = timedelta(minutes=15)

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


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8 ... minutes after each failed attempt, at most LONGEST_RETRY."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_RETRY)


def deliver_due(batch_size: int = 100, stop: threading.Event | None = None) -> DeliveryReport:
    """Send every message that is due now, once. Safe to run in several processes.

    When `stop` is set, the pass ends after the message being sent (see the module's doc)."""
    report = DeliveryReport()
    stop = stop or threading.Event()
    if current_app.config["MAIL_BACKEND"] == "dev":
        return report
    while not stop.is_set():
        ids = _claim_due(batch_size)
        if not ids or not _send_batch(ids, report, stop):
            # Nothing left, the server is unreachable (a later pass tries again), or stopped.
            break
    return report


def _due(now: datetime):
    return or_(
        (OutboxEmail.status == OutboxEmail.PENDING) & (OutboxEmail.next_attempt_at <= now),
        (OutboxEmail.status == OutboxEmail.SENDING) & (OutboxEmail.claimed_at <= now - STALE_CLAIM),
    )


def _claim_due(batch_size: int) -> list[int]:
    now = clock.utcnow()
    candidates = (
        select(OutboxEmail.id)
        .where(_due(now))
        .order_by(OutboxEmail.id)
        .limit(batch_size)
        .with_for_update(skip_locked=True)
    )
    claimed = []
    for message_id in db.session.scalars(candidates).all():
        # Still due? Another worker may have claimed, sent or retried it since the SELECT
        # (on SQLite there are no row locks; on PostgreSQL a stale claim can finish meanwhile).
        result = db.session.execute(
            update(OutboxEmail)
            .where(OutboxEmail.id == message_id, _due(now))
            .values(status=OutboxEmail.SENDING, claimed_at=now)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            claimed.append(message_id)
    db.session.commit()
    return claimed


def _send_batch(ids: list[int], report: DeliveryReport, stop: threading.Event) -> bool:
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
                    _release(unsent, [], "", report)
                    report.released += len(unsent)
                    return False
                if not conn.is_open():
                    raise smtplib.SMTPServerDisconnected("the server closed the connection")
                on_the_wire = message_id
                _send_one(conn, message_id, report)
                on_the_wire = None
                unsent.remove(message_id)
    except CONNECTION_ERRORS as error:
        db.session.rollback()
        # Not connected: each message was tried, in vain. Else only the one on the wire was.
        charged = unsent if not connected else [] if on_the_wire is None else [on_the_wire]
        _release(unsent, charged, f"{type(error).__name__}: {error}", report)
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
    return mail


def _send_one(conn: SmtpConnection, message_id: int, report: DeliveryReport) -> None:
    message = db.session.get(OutboxEmail, message_id)
    if message is None or message.status != OutboxEmail.SENDING:
        return
    try:
        conn.send(_as_mail(message))
    except smtplib.SMTPRecipientsRefused as error:
        code, reply = next(iter(error.recipients.values()))
        _record_reply(message, code, reply, report)
    except smtplib.SMTPResponseException as error:
        _record_reply(message, error.smtp_code, error.smtp_error, report)
    except CONNECTION_ERRORS:
        db.session.rollback()
        raise
    except (BadHeaderError, ValueError) as error:
        # The message itself cannot be sent (a line break in its subject, an address that is
        # not ASCII ...): trying again would fail the same way, and must not stop the others.
        # Anything else (e.g. no sender configured) is not the message's fault: it propagates.
        _record_attempt(message, f"{type(error).__name__}: {error}", PERMANENT, report)
        db.session.commit()
        if conn.host is not None and conn.is_open():
            conn.host.rset()  # the SMTP session may have been left in the middle of a message
        return
    else:
        message.status = OutboxEmail.SENT
        message.sent_at = clock.utcnow()
        message.attempts += 1
        message.last_error = None
        message.claimed_at = None
        report.sent += 1
    db.session.commit()


def _record_reply(message: OutboxEmail, code: int, reply, report: DeliveryReport) -> None:
    if isinstance(reply, bytes):
        reply = reply.decode(errors="replace")
    kind = PERMANENT if 500 <= code < 600 else TEMPORARY
    _record_attempt(message, f"{code} {reply}", kind, report)


def _record_attempt(message: OutboxEmail, error: str, kind: str, report: DeliveryReport) -> None:
    message.attempts += 1
    message.last_error = error[:2000]
    message.claimed_at = None
    if kind == PERMANENT or (kind == TEMPORARY and message.attempts >= MAX_ATTEMPTS):
        message.status = OutboxEmail.FAILED
        report.failed += 1
    else:
        message.status = OutboxEmail.PENDING
        message.next_attempt_at = clock.utcnow() + retry_delay(message.attempts)
        report.retried += 1
    report.errors.append(f"#{message.id} to {message.recipient}: {error}")
    log.warning("E-mail #%s to %s not sent: %s", message.id, message.recipient, error)


def _release(unsent: list[int], charged: list[int], error: str, report: DeliveryReport) -> None:
    """After a connection failure: `charged` count an attempt, the rest are simply released."""
    still_claimed = db.session.scalars(
        select(OutboxEmail).where(
            OutboxEmail.id.in_(unsent), OutboxEmail.status == OutboxEmail.SENDING
        )
    ).all()
    for message in still_claimed:
        if message.id in charged:
            _record_attempt(message, error, CONNECTION, report)
        else:
            message.status = OutboxEmail.PENDING
            message.claimed_at = None
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
    until `passes` are done or `stop` is set (then within the message being sent).

    A pass that fails (e.g. the database is briefly unreachable) is logged and the loop goes on.
    """
    stop = stop or threading.Event()
    done = 0
    while (passes is None or done < passes) and not stop.is_set():
        try:
            report = deliver_due(stop=stop)
        except Exception:
            db.session.rollback()
            log.exception("outbox: delivery pass failed")
        else:
            if report.sent or report.retried or report.failed or report.released:
                log.info(
                    "outbox: %s sent, %s to retry, %s failed, %s released",
                    report.sent,
                    report.retried,
                    report.failed,
                    report.released,
                )
        done += 1
        if passes is None or done < passes:
            stop.wait(interval)
