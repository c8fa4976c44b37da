"""Requests for mentorship and the mentorships they become."""

import secrets
from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.profiles import ContactMethod, Objective

MINIMUM_MONTHS = 6

request_objectives = Table(
    "request_objectives",
    db.metadata,
    Column(
        "request_id",
        Integer,
        ForeignKey("mentorship_requests.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("objective_id", Integer, ForeignKey("objectives.id"), primary_key=True),
)


def new_nonce() -> str:
    return secrets.token_urlsafe(12)


class MentorshipRequest(db.Model):
    """A mentee asks a mentor. Status: pending -> accepted | declined | withdrawn | expired |
    superseded (another mentor accepted this mentee first)."""

    __tablename__ = "mentorship_requests"

    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    SUPERSEDED = "superseded"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    message: Mapped[str] = mapped_column(Text)
    preferred_contact_method_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact_methods.id")
    )
    status: Mapped[str] = mapped_column(String(12), default=PENDING)
    source: Mapped[str] = mapped_column(String(10), default="mentee")  # mentee | committee
    # Changes whenever the request leaves "pending": e-mailed decision links are bound to it.
    nonce: Mapped[str] = mapped_column(String(32), default=new_nonce)
    created_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    expires_at: Mapped[datetime]
    responded_at: Mapped[datetime | None]
    decline_note: Mapped[str | None] = mapped_column(Text)
    reminder_sent_at: Mapped[datetime | None]

    mentee = relationship("User", foreign_keys=[mentee_id])
    mentor = relationship("User", foreign_keys=[mentor_id])
    preferred_contact_method: Mapped[ContactMethod | None] = relationship()
    objectives: Mapped[list[Objective]] = relationship(secondary=request_objectives)

    __table_args__ = (
        Index("ix_mentorship_requests_mentor_status", "mentor_id", "status"),
        Index("ix_mentorship_requests_mentee_status", "mentee_id", "status"),
        Index("ix_mentorship_requests_status_created", "status", "created_at"),
        # One open request per pair, enforced by the database too.
        Index(
            "uq_mentorship_requests_open_pair",
            "mentee_id",
            "mentor_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )

    @property
    def is_pending(self) -> bool:
        return self.status == self.PENDING


class Mentorship(db.Model):
    """A mentor and a mentee working together for at least six months.
    Status: active -> completed | ended_early."""

    __tablename__ = "mentorships"

    ACTIVE = "active"
    COMPLETED = "completed"
    ENDED_EARLY = "ended_early"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    mentee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("mentorship_requests.id", ondelete="SET NULL"), unique=True
    )
    status: Mapped[str] = mapped_column(String(12), default=ACTIVE)
    started_on: Mapped[date]
    minimum_end_on: Mapped[date]
    ended_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=clock.utcnow)

    mentor = relationship("User", foreign_keys=[mentor_id])
    mentee = relationship("User", foreign_keys=[mentee_id])
    request: Mapped[MentorshipRequest | None] = relationship()

    __table_args__ = (
        Index("ix_mentorships_mentor_status", "mentor_id", "status"),
        Index("ix_mentorships_mentee_status", "mentee_id", "status"),
    )

    @property
    def is_active(self) -> bool:
        return self.status == self.ACTIVE

    def involves(self, user_id: int) -> bool:
        return user_id in (self.mentor_id, self.mentee_id)
