"""What the pairs wrote for the committee when their mentorship closed: the closing feedback of
each participant (would they recommend the program, how well each agreed objective was met, a
comment) and, for a pair that ended early, the reason and the note to the committee.

Confidentiality: what a pair writes to each other stays with the pair, so these, the only texts of a
mentorship written for the committee, are the only ones read here. The queries select the columns
they show and never a check-in note (shared or private), a request message or decline note, the
agreement's goals text or a goal's text. The CSV exports leave this feedback out on purpose.

Statements: a page of the list costs the same few statements whatever the data size: one for
the mentorships' figures (which gives the number of pages too), one for the feedback figures,
one for the average scores, one for the page's mentorships, one for their feedback and one for
the scores of that feedback (tests/committee/test_feedback.py checks it).
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext
from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased

from app.committee.dashboard.period import Period
from app.extensions import db
from app.models import (
    ClosingFeedback,
    ClosingFeedbackScore,
    Mentorship,
    MentorshipRequest,
    Objective,
    User,
)

PER_PAGE = 20
CLOSED = Mentorship.CLOSED_STATUSES
# The closed statuses the filter offers, with their labels.
STATUS_LABELS = {status: Mentorship.STATUS_LABELS[status] for status in CLOSED}
NO_REASON = lazy_gettext("No reason recorded")
MENTOR, MENTEE = "mentor", "mentee"


@dataclass(frozen=True)
class Filters:
    """Which closed mentorships to show. `status`: a STATUS_LABELS key, or None for both;
    `written_only`: only those with a feedback comment or an end note; `closed`: the days their
    closing date falls in; `intake`: the intake's days, for the pairs whose request was sent in
    them (without a request: who started in them)."""

    status: str | None = None
    written_only: bool = False
    closed: Period = field(default_factory=Period)
    intake: Period | None = None

    def conditions(self) -> list:
        """SQL conditions on Mentorship."""
        conditions = [
            Mentorship.status.in_([self.status] if self.status in STATUS_LABELS else CLOSED),
            self.closed.days(Mentorship.ended_on),
        ]
        if self.written_only:
            given = aliased(ClosingFeedback)  # the outer query may select ClosingFeedback
            conditions.append(
                or_(
                    _written(Mentorship.end_note),
                    exists(
                        select(1)
                        .where(
                            given.mentorship_id == Mentorship.id,
                            _from_the_pair(given),
                            _written(given.comment),
                        )
                        .correlate(Mentorship)
                    ),
                )
            )
        if self.intake is not None:
            R = MentorshipRequest
            conditions.append(
                or_(
                    Mentorship.request_id.in_(
                        select(R.id).where(self.intake.moments(R.created_at))
                    ),
                    and_(Mentorship.request_id.is_(None), self.intake.days(Mentorship.started_on)),
                )
            )
        return conditions


def _written(column):
    """SQL: a text column holds something."""
    return and_(column.is_not(None), func.trim(column) != "")


def _from_the_pair(given=ClosingFeedback):
    """SQL: the feedback `given` is its Mentorship's mentor's or mentee's."""
    return given.user_id.in_((Mentorship.mentor_id, Mentorship.mentee_id))


def _sum(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


# --- the figures ---------------------------------------------------------------------------


@dataclass
class ObjectiveAverage:
    name: str
    average: float
    scores: int  # how many scores the average is of


@dataclass
class Summary:
    closed: int = 0
    completed: int = 0
    ended_early: int = 0
    # END_REASONS label (and NO_REASON when some have none) -> how many ended early for it
    reasons: dict[str, int] = field(default_factory=dict)
    feedback_received: int = 0
    would_recommend: int = 0
    objectives: list[ObjectiveAverage] = field(default_factory=list)

    @property
    def feedback_possible(self) -> int:
        """Each participant of each closed mentorship may give feedback."""
        return 2 * self.closed

    @property
    def recommend_rate(self) -> float | None:
        """Of the feedback received, the share that would recommend the program."""
        return self.would_recommend / self.feedback_received if self.feedback_received else None


def summary(filters: Filters) -> Summary:
    """The figures of the filtered mentorships, as SQL aggregates (three statements)."""
    early = Mentorship.status == Mentorship.ENDED_EARLY
    reasons = list(Mentorship.END_REASONS)
    counts = db.session.execute(
        select(
            func.count(Mentorship.id),
            _sum(Mentorship.status == Mentorship.COMPLETED),
            _sum(early),
            *(_sum(and_(early, Mentorship.end_reason == reason)) for reason in reasons),
        ).where(*filters.conditions())
    ).one()
    received = db.session.execute(
        select(func.count(ClosingFeedback.id), _sum(ClosingFeedback.would_recommend.is_(True)))
        .join(Mentorship, Mentorship.id == ClosingFeedback.mentorship_id)
        .where(_from_the_pair(), *filters.conditions())
    ).one()
    average = func.avg(ClosingFeedbackScore.score)
    averages = db.session.execute(
        select(Objective.localized_name(), average, func.count())
        .select_from(ClosingFeedbackScore)
        .join(Objective, Objective.id == ClosingFeedbackScore.objective_id)
        .join(ClosingFeedback, ClosingFeedback.id == ClosingFeedbackScore.feedback_id)
        .join(Mentorship, Mentorship.id == ClosingFeedback.mentorship_id)
        .where(_from_the_pair(), *filters.conditions())
        .group_by(Objective.id, Objective.name, Objective.name_fr, Objective.position)
        .order_by(Objective.position, Objective.name)
    ).all()
    by_reason = {
        Mentorship.END_REASONS[reason]: int(n)
        for reason, n in zip(reasons, counts[3:], strict=True)
    }
    ended_early = int(counts[2])
    without = ended_early - sum(by_reason.values())
    if without:
        by_reason[NO_REASON] = without
    return Summary(
        closed=counts[0],
        completed=int(counts[1]),
        ended_early=ended_early,
        reasons=by_reason,
        feedback_received=received[0],
        would_recommend=int(received[1]),
        objectives=[
            ObjectiveAverage(name, round(float(value), 1), n) for name, value, n in averages
        ],
    )


# --- the list --------------------------------------------------------------------------------


@dataclass
class Score:
    objective: str
    score: int

    @property
    def label(self) -> str:
        return ClosingFeedback.SCORES.get(self.score, "")


@dataclass
class Feedback:
    """One participant's closing feedback."""

    role: str  # MENTOR or MENTEE
    would_recommend: bool
    comment: str | None
    given_at: datetime
    scores: list[Score] = field(default_factory=list)


@dataclass
class Entry:
    """A closed mentorship and what its pair wrote for the committee."""

    id: int
    status: str
    started_on: date
    ended_on: date | None
    end_reason: str | None
    end_note: str | None
    mentor_id: int
    mentor_name: str
    mentee_id: int
    mentee_name: str
    mentor_feedback: Feedback | None = None
    mentee_feedback: Feedback | None = None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def ended_early(self) -> bool:
        return self.status == Mentorship.ENDED_EARLY

    @property
    def end_reason_label(self) -> str | None:
        return Mentorship.END_REASONS.get(self.end_reason or "")

    @property
    def sides(self) -> list[tuple[str, str, Feedback | None]]:
        """(role, name, feedback or None) for the mentor, then the mentee."""
        return [
            (MENTOR, self.mentor_name, self.mentor_feedback),
            (MENTEE, self.mentee_name, self.mentee_feedback),
        ]


@dataclass
class FeedbackPage:
    summary: Summary
    entries: list[Entry]
    page: int
    pages: int

    @property
    def total(self) -> int:
        return self.summary.closed

    @property
    def first_number(self) -> int:
        """The position in the whole list of this page's first entry (for an `<ol start>`)."""
        return (self.page - 1) * PER_PAGE + 1


def _entries(conditions: list, limit: int | None = None, offset: int = 0) -> list[Entry]:
    """The closed mentorships meeting `conditions`, the latest closed first, with the feedback
    of their pair (three statements: the mentorships, their feedback, its scores)."""
    mentor, mentee = aliased(User), aliased(User)
    rows = db.session.execute(
        select(
            Mentorship.id,
            Mentorship.status,
            Mentorship.started_on,
            Mentorship.ended_on,
            Mentorship.end_reason,
            Mentorship.end_note,
            mentor.id.label("mentor_id"),
            mentor.name.label("mentor_name"),
            mentee.id.label("mentee_id"),
            mentee.name.label("mentee_name"),
        )
        .join(mentor, mentor.id == Mentorship.mentor_id)
        .join(mentee, mentee.id == Mentorship.mentee_id)
        .where(*conditions)
        .order_by(Mentorship.ended_on.desc().nulls_last(), Mentorship.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    entries = {row.id: Entry(**row._asdict()) for row in rows}
    if not entries:
        return []
    on_page = Mentorship.id.in_(list(entries))
    given = {}
    for row in db.session.execute(
        select(
            ClosingFeedback.id,
            ClosingFeedback.mentorship_id,
            ClosingFeedback.user_id,
            ClosingFeedback.would_recommend,
            ClosingFeedback.comment,
            ClosingFeedback.created_at,
        )
        .join(Mentorship, Mentorship.id == ClosingFeedback.mentorship_id)
        .where(on_page, _from_the_pair())
    ):
        entry = entries[row.mentorship_id]
        role = MENTOR if row.user_id == entry.mentor_id else MENTEE
        feedback = Feedback(role, row.would_recommend, row.comment, row.created_at)
        setattr(entry, f"{role}_feedback", feedback)
        given[row.id] = feedback
    for feedback_id, name, score in db.session.execute(
        select(
            ClosingFeedbackScore.feedback_id, Objective.localized_name(), ClosingFeedbackScore.score
        )
        .join(Objective, Objective.id == ClosingFeedbackScore.objective_id)
        .join(ClosingFeedback, ClosingFeedback.id == ClosingFeedbackScore.feedback_id)
        .join(Mentorship, Mentorship.id == ClosingFeedback.mentorship_id)
        .where(on_page, _from_the_pair())
        .order_by(Objective.position, Objective.name)
    ):
        if feedback_id in given:  # (feedback given since the statement before is left out)
            given[feedback_id].scores.append(Score(name, score))
    return list(entries.values())


def feedback_page(filters: Filters, page: int) -> FeedbackPage:
    """The figures of the filtered mentorships and page `page` (PER_PAGE a page, the latest
    closed first; a page past the end shows the last one) with the feedback of each pair."""
    figures = summary(filters)
    pages = max(1, -(-figures.closed // PER_PAGE))
    page = min(max(page, 1), pages)
    entries = (
        _entries(filters.conditions(), PER_PAGE, (page - 1) * PER_PAGE) if figures.closed else []
    )
    return FeedbackPage(figures, entries, page, pages)


def mentorship_feedback(mentorship_id: int) -> Entry | None:
    """What the pair of one mentorship wrote for the committee (None while it is active or
    when there is no such mentorship)."""
    found = _entries([Mentorship.id == mentorship_id, Mentorship.status.in_(CLOSED)])
    return found[0] if found else None
