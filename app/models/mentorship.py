"""Requests for mentorship and the mentorships they become."""

import secrets
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app import clock
from app.extensions import db
from app.models.profiles import ContactMethod, Objective, link_table

MINIMUM_MONTHS = 6

request_objectives = link_table(
    "request_objectives", "request_id", "mentorship_requests.id", "objectives.id"
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
    # What each status is called on the committee's pages.
    STATUS_LABELS = {
        PENDING: _l("Waiting for an answer"),
        ACCEPTED: _l("Accepted"),
        DECLINED: _l("Declined"),
        WITHDRAWN: _l("Withdrawn by the mentee"),
        EXPIRED: _l("Expired without an answer"),
        SUPERSEDED: _l("Closed: another mentor accepted the mentee"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    mentee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    message: Mapped[str] = mapped_column(Text)
    preferred_contact_method_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact_methods.id")
    )
    status: Mapped[str] = mapped_column(String(12), default=PENDING)
    # Who asked: the mentee, or the committee (a pair it published from the matching workbench).
    BY_MENTEE = "mentee"
    BY_COMMITTEE = "committee"
    source: Mapped[str] = mapped_column(String(10), default=BY_MENTEE)
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

    @property
    def by_committee(self) -> bool:
        return self.source == self.BY_COMMITTEE

    @property
    def answer_by(self) -> date:
        """The mentor's last program day to answer: the day `expires_at` (the midnight that
        ends it) closes."""
        return clock.last_day_before(self.expires_at)


class Mentorship(db.Model):
    """A mentor and a mentee working together for at least six months.
    Status: active -> completed | ended_early."""

    __tablename__ = "mentorships"

    ACTIVE = "active"
    COMPLETED = "completed"
    ENDED_EARLY = "ended_early"
    STATUS_LABELS = {
        ACTIVE: _l("Active"),
        COMPLETED: _l("Completed"),
        ENDED_EARLY: _l("Ended early"),
    }
    CLOSED_STATUSES = (COMPLETED, ENDED_EARLY)

    @property
    def status_label(self) -> str:
        return self.STATUS_LABELS.get(self.status, self.status)

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
    agreement: Mapped["MentorshipAgreement | None"] = relationship(
        back_populates="mentorship",
        uselist=False,
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    check_ins: Mapped[list["CheckIn"]] = relationship(
        back_populates="mentorship",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(CheckIn.met_on.desc(), CheckIn.id.desc())",
    )
    goals: Mapped[list["Goal"]] = relationship(
        back_populates="mentorship",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(Goal.created_at, Goal.id)",
    )

    __table_args__ = (
        Index("ix_mentorships_mentor_status", "mentor_id", "status"),
        Index("ix_mentorships_mentee_status", "mentee_id", "status"),
    )

    @property
    def is_active(self) -> bool:
        return self.status == self.ACTIVE

    def involves(self, user_id: int) -> bool:
        return user_id in (self.mentor_id, self.mentee_id)

    # --- closing and reminders (app/mentorships/closing.py, reminders.py) -------------------------

    # Why a pair ended before six months (the committee reads these, with the optional note).
    END_REASONS = {
        "schedule": _l("Our schedules or time"),
        "goals_met": _l("The goals were met early"),
        "not_a_fit": _l("Not a good fit"),
        "personal": _l("Personal reasons"),
        "other": _l("Another reason"),
    }
    END_NOTE_LIMIT = 1000
    EXTEND_MONTHS = range(1, 7)  # an extension sets the next review 1 to 6 months ahead
    MIDPOINT_MONTHS = 3

    # The next "complete or extend?" decision; None: `minimum_end_on` (see `review_date`).
    review_on: Mapped[date | None]
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    end_reason: Mapped[str | None] = mapped_column(String(20))
    # For the committee (not a pair note): why the pair ended early, in the member's words.
    end_note: Mapped[str | None] = mapped_column(Text)
    # The daily job's bookkeeping: what it last sent, so a second run sends nothing twice.
    check_in_reminder_sent_on: Mapped[date | None]
    midpoint_prompt_sent_on: Mapped[date | None]
    review_prompt_sent_for: Mapped[date | None]  # the review date that prompt was about

    @property
    def is_closed(self) -> bool:
        return self.status in (self.COMPLETED, self.ENDED_EARLY)

    @property
    def review_date(self) -> date:
        """When the pair are asked to complete or extend: six months on, or the date an
        extension set."""
        return self.review_on or self.minimum_end_on

    @property
    def end_reason_label(self) -> str | None:
        return self.END_REASONS.get(self.end_reason or "")

    def may_complete(self, today: date) -> bool:
        """Completing is possible once the six months are reached (and after an extension)."""
        return self.is_active and today >= self.minimum_end_on

    def may_end_early(self, today: date) -> bool:
        """Before the six months, a pair can only end early (with a reason)."""
        return self.is_active and today < self.minimum_end_on

    def may_extend(self, today: date) -> bool:
        """Once six months are reached, the pair may carry on and set a later review date."""
        return self.may_complete(today)


# --- inside a mentorship: the agreement, check-ins, goals -----------------------------------------

agreement_contact_methods = link_table(
    "mentorship_agreement_contact_methods",
    "agreement_id",
    "mentorship_agreements.id",
    "contact_methods.id",
)

agreement_objectives = link_table(
    "mentorship_agreement_objectives", "agreement_id", "mentorship_agreements.id", "objectives.id"
)


class MentorshipAgreement(db.Model):
    """What the pair agreed: how often and how they meet, the goals, confidentiality.

    Each side confirms it. A change confirms it for the person who saves it (when the
    agreement is complete) and clears the other side's confirmation, who is asked again.
    The next planned meeting lives here too, but changing it is not a change of the agreement.
    """

    __tablename__ = "mentorship_agreements"

    WEEKLY = "weekly"
    EVERY_TWO_WEEKS = "every_two_weeks"
    MONTHLY = "monthly"
    AS_NEEDED = "as_needed"
    FREQUENCIES = {
        WEEKLY: _l("Weekly"),
        EVERY_TWO_WEEKS: _l("Every two weeks"),
        MONTHLY: _l("Monthly"),
        AS_NEEDED: _l("As needed"),
    }
    GOALS_TEXT_LIMIT = 1000

    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(
        ForeignKey("mentorships.id", ondelete="CASCADE"), unique=True
    )
    meeting_frequency: Mapped[str | None] = mapped_column(String(20))
    goals_text: Mapped[str | None] = mapped_column(Text)
    confidentiality_acknowledged: Mapped[bool] = mapped_column(default=False)
    confirmed_by_mentor_at: Mapped[datetime | None]
    confirmed_by_mentee_at: Mapped[datetime | None]
    # The next planned meeting: day, time (in the program's time zone), how, and where. Both
    # get a calendar invitation; `next_meeting_number` counts the meetings planned so far and
    # names the invitation's UID, `next_meeting_sequence` counts its versions (each update or
    # cancellation is sent with a higher one, as calendar programs require).
    next_meeting_on: Mapped[date | None]
    next_meeting_time: Mapped[time | None]
    next_meeting_method_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact_methods.id", ondelete="SET NULL")
    )
    next_meeting_place: Mapped[str | None] = mapped_column(String(200))
    next_meeting_link: Mapped[str | None] = mapped_column(String(500))
    next_meeting_number: Mapped[int] = mapped_column(default=0, server_default="0")
    next_meeting_sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    updated_at: Mapped[datetime | None]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    mentorship: Mapped["Mentorship"] = relationship(back_populates="agreement")
    updated_by = relationship("User", foreign_keys=[updated_by_id])
    contact_methods: Mapped[list[ContactMethod]] = relationship(secondary=agreement_contact_methods)
    objectives: Mapped[list[Objective]] = relationship(secondary=agreement_objectives)
    next_meeting_method: Mapped[ContactMethod | None] = relationship()

    PLACE_LIMIT = 200
    LINK_LIMIT = 500

    @property
    def frequency_label(self) -> str | None:
        return self.FREQUENCIES.get(self.meeting_frequency or "")

    @property
    def missing(self) -> list[str]:
        """What must still be agreed before it can be confirmed (empty: complete)."""
        missing = []
        if not self.meeting_frequency:
            missing.append(_l("how often you meet"))
        if not self.contact_methods:
            missing.append(_l("how you meet"))
        if not self.objectives and not (self.goals_text or "").strip():
            missing.append(_l("your goals"))
        if not self.confidentiality_acknowledged:
            missing.append(_l("keeping the relationship confidential"))
        return missing

    @property
    def is_complete(self) -> bool:
        return not self.missing

    @property
    def is_started(self) -> bool:
        return self.updated_at is not None

    def confirmed_at_for(self, user_id: int) -> datetime | None:
        if user_id == self.mentorship.mentor_id:
            return self.confirmed_by_mentor_at
        if user_id == self.mentorship.mentee_id:
            return self.confirmed_by_mentee_at
        return None

    @property
    def is_confirmed_by_both(self) -> bool:
        return self.confirmed_by_mentor_at is not None and self.confirmed_by_mentee_at is not None

    def confirm(self, user_id: int, now: datetime) -> None:
        """Record `user_id`'s confirmation (the caller checked that it is complete)."""
        if user_id == self.mentorship.mentor_id:
            self.confirmed_by_mentor_at = now
        elif user_id == self.mentorship.mentee_id:
            self.confirmed_by_mentee_at = now
        else:
            raise ValueError("only the pair confirm their agreement")

    def record_change(self, user_id: int, now: datetime) -> None:
        """A participant changed the agreement: the other side must confirm it again; the
        saver's edit is their confirmation when the agreement is complete."""
        self.updated_at = now
        self.updated_by_id = user_id
        self.confirmed_by_mentor_at = None
        self.confirmed_by_mentee_at = None
        if self.is_complete:
            self.confirm(user_id, now)


class CheckIn(db.Model):
    """A meeting, logged by one of the pair. The shared note is for both; the private note is
    for its author only, ever (never shown to the partner or the committee)."""

    __tablename__ = "check_ins"

    EDIT_WINDOW = timedelta(days=14)
    NOTE_LIMIT = 5000
    MINUTES_MAX = 600
    SCORES = {
        1: _l("Not well"),
        2: _l("Could be better"),
        3: _l("OK"),
        4: _l("Well"),
        5: _l("Very well"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(ForeignKey("mentorships.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    met_on: Mapped[date]
    method_id: Mapped[int] = mapped_column(ForeignKey("contact_methods.id"))
    minutes: Mapped[int]
    shared_note: Mapped[str | None] = mapped_column(Text)
    private_note: Mapped[str | None] = mapped_column(Text)
    how_it_is_going: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=clock.utcnow)

    mentorship: Mapped["Mentorship"] = relationship(back_populates="check_ins")
    author = relationship("User", foreign_keys=[author_id])
    method: Mapped[ContactMethod] = relationship()
    objective_links: Mapped[list["CheckInObjective"]] = relationship(
        back_populates="check_in", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (
        Index("ix_check_ins_mentorship_met_on", "mentorship_id", "met_on"),
        Index("ix_check_ins_author_id", "author_id"),
    )

    @property
    def editable_until(self) -> datetime:
        return self.created_at + self.EDIT_WINDOW

    def is_editable_at(self, now: datetime) -> bool:
        return now <= self.editable_until

    def may_change(self, user_id: int, now: datetime) -> bool:
        """Only the author, within the edit window."""
        return user_id == self.author_id and self.is_editable_at(now)

    def private_note_for(self, user_id: int) -> str | None:
        """The private note, for its author; None for anyone else."""
        return self.private_note if user_id == self.author_id else None

    @property
    def score_label(self) -> str:
        return self.SCORES.get(self.how_it_is_going, "")

    @property
    def objectives(self) -> tuple[Objective, ...]:
        """The program's objectives this meeting touched. A tuple: change them by assigning a
        new list (which keeps the links' copy of the date right), not in place."""
        return tuple(link.objective for link in self.objective_links)

    @objectives.setter
    def objectives(self, objectives: list[Objective]) -> None:
        wanted = list(dict.fromkeys(objectives))
        kept = [link for link in self.objective_links if link.objective in wanted]
        added = [o for o in wanted if o not in {link.objective for link in kept}]
        self.objective_links = kept + [
            CheckInObjective(objective=o, met_on=self.met_on) for o in added
        ]

    @validates("met_on")
    def _date_objective_links(self, key: str, met_on: date) -> date:
        for link in self.objective_links:
            link.met_on = met_on
        return met_on


class CheckInObjective(db.Model):
    """An objective a check-in touched. It carries a copy of the check-in's date, kept equal by
    `CheckIn`, so that the committee's chart counts a period's objectives from this table and
    its index alone: 2 ms instead of 30 ms for the join with 60,000 check-ins on SQLite."""

    __tablename__ = "check_in_objectives"

    check_in_id: Mapped[int] = mapped_column(
        ForeignKey("check_ins.id", ondelete="CASCADE"), primary_key=True
    )
    objective_id: Mapped[int] = mapped_column(ForeignKey("objectives.id"), primary_key=True)
    met_on: Mapped[date]

    check_in: Mapped[CheckIn] = relationship(back_populates="objective_links")
    objective: Mapped[Objective] = relationship(lazy="joined")

    __table_args__ = (Index("ix_check_in_objectives_objective_met_on", "objective_id", "met_on"),)


class Goal(db.Model):
    """A goal of the relationship, optionally tied to one of the program's objectives."""

    __tablename__ = "mentorship_goals"

    TEXT_LIMIT = 300

    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(ForeignKey("mentorships.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(String(TEXT_LIMIT))
    objective_id: Mapped[int | None] = mapped_column(ForeignKey("objectives.id"))
    done_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=clock.utcnow)

    mentorship: Mapped["Mentorship"] = relationship(back_populates="goals")
    objective: Mapped[Objective | None] = relationship()
    created_by = relationship("User", foreign_keys=[created_by_id])

    __table_args__ = (
        Index("ix_mentorship_goals_mentorship_created", "mentorship_id", "created_at"),
    )

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    def set_done(self, done: bool, now: datetime) -> None:
        if done and self.done_at is None:
            self.done_at = now
        elif not done:
            self.done_at = None


class MentorshipPreference(db.Model):
    """One participant's settings for one mentorship. No row: the defaults."""

    __tablename__ = "mentorship_preferences"

    mentorship_id: Mapped[int] = mapped_column(
        ForeignKey("mentorships.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    # E-mail me (at most once a day) when my partner logs a check-in.
    check_in_emails: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(default=clock.utcnow, onupdate=clock.utcnow)


# --- closing feedback -----------------------------------------------------------------------------


class ClosingFeedback(db.Model):
    """What one participant says once their mentorship closed: for the committee. One per
    participant and mentorship. Scores: how well each agreed objective was met (1 to 5)."""

    __tablename__ = "closing_feedback"

    SCORES = {
        1: _l("Not met"),
        2: _l("A little"),
        3: _l("Partly"),
        4: _l("Mostly"),
        5: _l("Fully met"),
    }
    COMMENT_LIMIT = 2000

    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(ForeignKey("mentorships.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    would_recommend: Mapped[bool]
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=clock.utcnow)

    mentorship: Mapped["Mentorship"] = relationship()
    user = relationship("User", foreign_keys=[user_id])
    scores: Mapped[list["ClosingFeedbackScore"]] = relationship(
        back_populates="feedback", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (
        Index("uq_closing_feedback_mentorship_user", "mentorship_id", "user_id", unique=True),
        Index("ix_closing_feedback_user_id", "user_id"),
    )


class ClosingFeedbackScore(db.Model):
    """How well one agreed objective was met, 1 to 5, in one participant's feedback."""

    __tablename__ = "closing_feedback_scores"

    feedback_id: Mapped[int] = mapped_column(
        ForeignKey("closing_feedback.id", ondelete="CASCADE"), primary_key=True
    )
    objective_id: Mapped[int] = mapped_column(ForeignKey("objectives.id"), primary_key=True)
    score: Mapped[int]

    feedback: Mapped[ClosingFeedback] = relationship(back_populates="scores")
    objective: Mapped[Objective] = relationship()

    @property
    def label(self) -> str:
        return ClosingFeedback.SCORES.get(self.score, "")
