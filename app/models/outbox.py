"""The e-mail outbox: every message is a row written in the same transaction as its cause."""

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app import clock
from app.extensions import db


def _now() -> datetime:
    # Looked up at each call (not `default=clock.utcnow`), so a test that moves the clock
    # moves these defaults too.
    return clock.utcnow()


class OutboxEmail(db.Model):
    __tablename__ = "outbox_emails"
    __table_args__ = (Index("ix_outbox_emails_due", "status", "next_attempt_at"),)

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    template: Mapped[str] = mapped_column(String(80))
    # Optional: one file sent with the message (e.g. a calendar invitation), its MIME type with
    # parameters ("text/calendar; method=REQUEST") and its file name.
    attachment_text: Mapped[str | None] = mapped_column(Text)
    attachment_type: Mapped[str | None] = mapped_column(String(100))
    attachment_name: Mapped[str | None] = mapped_column(String(100))
    # Optional: a message with a key is enqueued at most once (e.g. "reminder:42:2026-11-28").
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=_now)
    claimed_at: Mapped[datetime | None]
    # The worker holding the claim (an OutboxWorker's id, or None for a claim made before
    # workers had an identity). Not a foreign key: a claim outlives a worker that died, and
    # the worker's row being gone is one of the ways its claims are known to be free.
    claimed_by: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=_now)
    sent_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<OutboxEmail {self.id} {self.template} to {self.recipient} {self.status}>"


class OutboxWorker(db.Model):
    """A running outbox worker: its identity for the claims it holds, and its heartbeat.

    A worker refreshes `heartbeat_at` every few seconds while its process lives, whatever it is
    doing (a slow SMTP server included); a worker whose heartbeat is older than
    OUTBOX_WORKER_TIMEOUT is taken for dead, and its claimed messages are offered to the others.
    """

    __tablename__ = "outbox_workers"
    # Ids are never reused (SQLite reuses the highest rowid otherwise): a new worker must not
    # inherit, as its own, the claims of a dead one whose row was removed.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))  # host and process id, for people
    started_at: Mapped[datetime] = mapped_column(default=_now)
    heartbeat_at: Mapped[datetime] = mapped_column(default=_now)

    def __repr__(self) -> str:
        return f"<OutboxWorker {self.id} {self.name} beat {self.heartbeat_at:%H:%M:%S}>"
