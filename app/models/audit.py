"""What the committee did: the audit trail, and the roster files it imports.

An `AuditEvent` says who (actor), did what (an action code such as "membership.verified"), to
what (a target type and id), when, with a short detail that is never confidential (dates,
counts, file names: no notes, no messages). Events are written by
`app.committee.audit.trail.record` in the same transaction as the change they describe.

A `RosterImport` keeps an uploaded roster between its preview and its application, so that
"Apply" applies exactly the file the committee previewed. Its rows are personal data of the
association's members, most of whom are not on Mentor Match: they are removed as soon as the
file is applied, and unapplied previews are deleted after `RosterImport.LIFETIME`.
"""

from datetime import datetime, timedelta

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.utcnow, index=True)
    # Kept when the actor's account is deleted: the event stays, without its author.
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(60), index=True)
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[int | None]
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    actor = relationship("User", foreign_keys=[actor_id])

    def __repr__(self) -> str:
        return f"<AuditEvent {self.id} {self.action} {self.target_type}:{self.target_id}>"


class RosterImport(db.Model):
    """An uploaded roster file: previewed, then applied once (or left to expire)."""

    __tablename__ = "roster_imports"

    # An unapplied preview can be applied for this long, then it is deleted.
    LIFETIME = timedelta(hours=24)

    id: Mapped[int] = mapped_column(primary_key=True)
    uploaded_at: Mapped[datetime] = mapped_column(default=clock.utcnow, index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    # SHA-256 of the file's bytes, as uploaded.
    file_digest: Mapped[str] = mapped_column(String(64))
    row_count: Mapped[int]
    # The parsed rows, [[line, membership number, e-mail, "YYYY-MM-DD"], ...]; None once applied.
    rows: Mapped[list | None] = mapped_column(JSON)
    # The rows that could not be read, [[line, [problem, ...], number, e-mail], ...], listed on
    # the preview; None once applied (only their number stays).
    skipped_rows: Mapped[list | None] = mapped_column(JSON)
    skipped_count: Mapped[int] = mapped_column(default=0, server_default="0")
    applied_at: Mapped[datetime | None]
    applied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The outcome counts when it was applied: {"will_verify": 3, "unknown": 40, ...}.
    counts: Mapped[dict | None] = mapped_column(JSON)

    uploaded_by = relationship("User", foreign_keys=[uploaded_by_id])
    applied_by = relationship("User", foreign_keys=[applied_by_id])

    @property
    def applied(self) -> bool:
        return self.applied_at is not None

    def expired_at(self, now: datetime) -> bool:
        """An unapplied preview older than LIFETIME can no longer be applied."""
        return not self.applied and self.uploaded_at + self.LIFETIME <= now

    def __repr__(self) -> str:
        return f"<RosterImport {self.id} {self.filename}>"
