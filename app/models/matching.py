"""The committee's matching workbench: runs (saved drafts), their pairs and pools, the pairs
the committee removed, and the mentees carried to a next intake.

A `MatchingRun` is one draft: who made it and when, the pool it matched (an intake's mentees,
or every waiting mentee), the criteria and objective, and figures. Its `MatchingPair`s are the
proposed pairs with their fit and reasons; its `MatchingPoolEntry`s are every member of the
pool, with the spots a mentor had and, for whoever is left out, why (a code and plain values,
written in words by `app.matching_explanations.describe`). A draft is reviewed, changed, re-run (a
new run, the old one superseded) and published once.
"""

from datetime import datetime

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db


class MatchingRun(db.Model):
    __tablename__ = "matching_runs"

    DRAFT = "draft"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"  # re-run: a newer draft replaced it
    DISCARDED = "discarded"
    STATUS_LABELS = {
        DRAFT: _l("Draft"),
        PUBLISHED: _l("Published"),
        SUPERSEDED: _l("Replaced by a re-run"),
        DISCARDED: _l("Discarded"),
    }
    # What publishing made of each pair (the program setting at the time).
    AS_REQUESTS = "requests"
    AS_MENTORSHIPS = "mentorships"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(12), default=DRAFT, index=True)
    # The pool: an intake's mentees, or every waiting mentee (no intake). The name is kept
    # for the record when the intake is deleted later.
    intake_id: Mapped[int | None] = mapped_column(ForeignKey("intakes.id", ondelete="SET NULL"))
    intake_name: Mapped[str | None] = mapped_column(String(80))
    objective: Mapped[str] = mapped_column(String(20))
    # {criterion code: [mode, weight]} (app.matching_criteria.Criteria.as_json).
    criteria: Mapped[dict] = mapped_column(JSON)
    experience_gap: Mapped[int]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    previous_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("matching_runs.id", ondelete="SET NULL")
    )
    mentees_in_pool: Mapped[int] = mapped_column(default=0)
    mentors_in_pool: Mapped[int] = mapped_column(default=0)
    spots_in_pool: Mapped[int] = mapped_column(default=0)
    solve_ms: Mapped[int] = mapped_column(default=0)
    closed_at: Mapped[datetime | None]  # superseded or discarded
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_as: Mapped[str | None] = mapped_column(String(12))
    carried_at: Mapped[datetime | None]  # its unmatched mentees were carried to an intake
    carried_to_id: Mapped[int | None] = mapped_column(ForeignKey("intakes.id", ondelete="SET NULL"))

    created_by = relationship("User", foreign_keys=[created_by_id])
    published_by = relationship("User", foreign_keys=[published_by_id])
    intake = relationship("Intake", foreign_keys=[intake_id])
    carried_to = relationship("Intake", foreign_keys=[carried_to_id])

    @property
    def is_draft(self) -> bool:
        return self.status == self.DRAFT

    @property
    def status_label(self) -> str:
        return self.STATUS_LABELS.get(self.status, self.status)

    @property
    def pool_label(self) -> str:
        """The run's pool, in the reader's language."""
        if self.intake_name:
            return gettext("the %(name)s intake", name=self.intake_name)
        return gettext("every waiting mentee")

    def __repr__(self) -> str:
        return f"<MatchingRun {self.id} {self.status}>"


class MatchingPair(db.Model):
    """A proposed pair of a run. `locked`: kept as it is when the draft is re-run."""

    __tablename__ = "matching_pairs"

    SOLVER = "solver"
    COMMITTEE = "committee"  # chosen, moved or swapped by hand

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("matching_runs.id", ondelete="CASCADE"))
    mentee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    fit: Mapped[int] = mapped_column(default=0)
    # [[criterion code, met, points, detail, required], ...] (app.matching_criteria.PairReason)
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    locked: Mapped[bool] = mapped_column(default=False)
    origin: Mapped[str] = mapped_column(String(10), default=SOLVER)
    # What publishing made of it.
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("mentorship_requests.id", ondelete="SET NULL")
    )
    mentorship_id: Mapped[int | None] = mapped_column(
        ForeignKey("mentorships.id", ondelete="SET NULL")
    )

    __table_args__ = (
        Index("uq_matching_pairs_run_mentee", "run_id", "mentee_id", unique=True),
        Index("ix_matching_pairs_run_mentor", "run_id", "mentor_id"),
    )


class MatchingPoolEntry(db.Model):
    """One member of a run's pool, as a mentee or as a mentor (a member may be both). A mentor
    had `open_spots`; `left_out` says why a mentee has no mentor or a mentor has spots left."""

    __tablename__ = "matching_pool_entries"

    MENTEE = "mentee"
    MENTOR = "mentor"

    run_id: Mapped[int] = mapped_column(
        ForeignKey("matching_runs.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(6), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    open_spots: Mapped[int] = mapped_column(default=0)
    # Why left out (app.matching_explanations.LeftOut): None while the member is matched (a
    # mentee) or has no spot left (a mentor).
    left_out: Mapped[str | None] = mapped_column(String(30))
    left_out_detail: Mapped[dict | None] = mapped_column(JSON)
    suggested_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (Index("ix_matching_pool_entries_user_id", "user_id"),)


class MatchingExclusion(db.Model):
    """A pair the committee removed from a draft: never proposed again by its re-runs."""

    __tablename__ = "matching_exclusions"

    run_id: Mapped[int] = mapped_column(
        ForeignKey("matching_runs.id", ondelete="CASCADE"), primary_key=True
    )
    mentee_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    mentor_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(default=clock.utcnow)


class IntakeWaitlistEntry(db.Model):
    """A mentee carried to an intake: in its pool as if they had joined during it."""

    __tablename__ = "intake_waitlist"

    intake_id: Mapped[int] = mapped_column(
        ForeignKey("intakes.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    from_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("matching_runs.id", ondelete="SET NULL")
    )
    added_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (Index("ix_intake_waitlist_user_id", "user_id"),)
