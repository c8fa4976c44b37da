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
    updated_at: Mapped[datetime] = mapped_column(default=clock.utcnow, onupdate=clock.utcnow)

    @property
    def is_open(self) -> bool:
        return self.status == self.OPEN
