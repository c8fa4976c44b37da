"""The program's settings: one row, created on first use."""

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app import clock
from app.extensions import db


class ProgramSettings(db.Model):
    __tablename__ = "program_settings"

    OPEN = "open"
    PAUSED = "paused"
    CLOSED = "closed"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(10), default=OPEN)
    notice: Mapped[str | None] = mapped_column(Text)
    # Empty means: use PROGRAM_CONTACT_EMAIL / SUPPORT_CONTACT_EMAIL from the configuration.
    program_contact_email: Mapped[str | None] = mapped_column(String(254))
    support_contact_email: Mapped[str | None] = mapped_column(String(254))
    # Limits the committee can change (defaults from the program's practice).
    max_pending_requests_per_mentee: Mapped[int] = mapped_column(default=3)
    max_active_mentorships_per_mentee: Mapped[int] = mapped_column(default=1)
    request_expiry_days: Mapped[int] = mapped_column(default=14)
    # Both partners are reminded when a mentorship has had no check-in for this many days.
    checkin_reminder_days: Mapped[int] = mapped_column(default=30, server_default="30")
    updated_at: Mapped[datetime] = mapped_column(default=clock.utcnow, onupdate=clock.utcnow)

    @property
    def is_open(self) -> bool:
        return self.status == self.OPEN
