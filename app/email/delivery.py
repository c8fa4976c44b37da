"""Sending the outbox: `deliver_due` is one pass, `run_worker` loops.

Each message is claimed with a conditional UPDATE (pending -> sending) before it is sent, so two
workers never send the same row; on PostgreSQL candidates are also selected FOR UPDATE SKIP
LOCKED so workers don't wait on each other. Connection errors and 4xx replies are retried with
exponential back-off; 5xx replies mark the message failed, with the error kept.
"""

import logging
import smtplib
import time
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from flask_mail import Connection, Message
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


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


class TimeoutConnection(Connection):
    """Flask-Mail's connection with a socket timeout (Flask-Mail has no setting for one)."""

    def configure_host(self):
        timeout = current_app.config["MAIL_TIMEOUT"]
        smtp_class = smtplib.SMTP_SSL if self.mail.use_ssl else smtplib.SMTP
        host = smtp_class(self.mail.server, self.mail.port, timeout=timeout)
        if self.mail.use_tls:
            host.starttls()
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8 ... minutes after each failed attempt, at most LONGEST_RETRY."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_RETRY)


def deliver_due(batch_size: int = 100) -> DeliveryReport:
    """Send every message that is due now, once. Safe to run in several processes."""
    report = DeliveryReport()
    if current_app.config["MAIL_BACKEND"] == "dev":
        return report
    ids = _claim_due(batch_size)
    if not ids:
        return report
    try:
        with TimeoutConnection(current_app.extensions["mail"]) as conn:
            for message_id in ids:
                _send_one(conn, message_id, report)
    except (OSError, smtplib.SMTPException) as error:
        # Could not connect (or the connection dropped): release what is still claimed.
        _release_unsent(ids, error, report)
    return report


def _claim_due(batch_size: int) -> list[int]:
    now = clock.utcnow()
    due = (
        select(OutboxEmail.id)
        .where(
            or_(
                (OutboxEmail.status == OutboxEmail.PENDING) & (OutboxEmail.next_attempt_at <= now),
                (OutboxEmail.status == OutboxEmail.SENDING)
                & (OutboxEmail.claimed_at <= now - STALE_CLAIM),
            )
        )
        .order_by(OutboxEmail.id)
        .limit(batch_size)
        .with_for_update(skip_locked=True)
    )
    claimed = []
    for message_id in db.session.scalars(due).all():
        result = db.session.execute(
            update(OutboxEmail)
            .where(
                OutboxEmail.id == message_id,
                or_(
                    OutboxEmail.status == OutboxEmail.PENDING,
                    OutboxEmail.claimed_at <= now - STALE_CLAIM,
                ),
            )
            .values(status=OutboxEmail.SENDING, claimed_at=now)
        )
        if result.rowcount == 1:
            claimed.append(message_id)
    db.session.commit()
    return claimed


def _send_one(conn: Connection, message_id: int, report: DeliveryReport) -> None:
    message = db.session.get(OutboxEmail, message_id)
    if message is None or message.status != OutboxEmail.SENDING:
        return
    mail_message = Message(
        subject=message.subject,
        recipients=[message.recipient],
        body=message.body_text,
        html=message.body_html,
    )
    try:
        conn.send(mail_message)
    except smtplib.SMTPRecipientsRefused as error:
        code, reply = next(iter(error.recipients.values()))
        _record_failure(message, code, reply, report)
    except smtplib.SMTPResponseException as error:
        _record_failure(message, error.smtp_code, error.smtp_error, report)
    except (OSError, smtplib.SMTPException):
        db.session.rollback()
        raise
    else:
        message.status = OutboxEmail.SENT
        message.sent_at = clock.utcnow()
        message.attempts += 1
        message.last_error = None
        report.sent += 1
    db.session.commit()


def _record_failure(message: OutboxEmail, code: int, reply, report: DeliveryReport) -> None:
    if isinstance(reply, bytes):
        reply = reply.decode(errors="replace")
    error = f"{code} {reply}"
    permanent = 500 <= code < 600
    _mark_attempt_failed(message, error, permanent, report)


def _mark_attempt_failed(
    message: OutboxEmail, error: str, permanent: bool, report: DeliveryReport
) -> None:
    message.attempts += 1
    message.last_error = error[:2000]
    message.claimed_at = None
    if permanent or message.attempts >= MAX_ATTEMPTS:
        message.status = OutboxEmail.FAILED
        report.failed += 1
    else:
        message.status = OutboxEmail.PENDING
        message.next_attempt_at = clock.utcnow() + retry_delay(message.attempts)
        report.retried += 1
    report.errors.append(f"#{message.id} to {message.recipient}: {error}")
    log.warning("E-mail #%s to %s not sent: %s", message.id, message.recipient, error)


def _release_unsent(ids: list[int], error: Exception, report: DeliveryReport) -> None:
    db.session.rollback()
    still_claimed = db.session.scalars(
        select(OutboxEmail).where(
            OutboxEmail.id.in_(ids), OutboxEmail.status == OutboxEmail.SENDING
        )
    ).all()
    for message in still_claimed:
        _mark_attempt_failed(message, f"{type(error).__name__}: {error}", False, report)
    db.session.commit()


def run_worker(interval: float = 5.0, passes: int | None = None) -> None:
    """Deliver in a loop, pausing `interval` seconds between passes (for `flask outbox worker`)."""
    done = 0
    while passes is None or done < passes:
        report = deliver_due()
        if report.sent or report.retried or report.failed:
            log.info(
                "outbox: %s sent, %s to retry, %s failed",
                report.sent,
                report.retried,
                report.failed,
            )
        done += 1
        if passes is None or done < passes:
            time.sleep(interval)
