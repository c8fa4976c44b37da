"""The signed-in home page's "next actions": what is waiting for the member, each with a link.

Gathered by `next_actions(user)` in a constant number of queries, however many requests and
mentorships the member has: one for the requests (counts), one for the mentorships (with the
date of their last check-in, the agreement's confirmations and whether the member gave feedback),
plus the program settings (read once per request).
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased

from app import clock
from app.extensions import db
from app.mentorships.reminders import check_in_due, last_met_on_column
from app.models import (
    ClosingFeedback,
    Mentorship,
    MentorshipAgreement,
    MentorshipRequest,
    Profile,
    User,
)
from app.program import get_settings


@dataclass
class MentorshipAction:
    mentorship_id: int
    partner_name: str


@dataclass
class NextActions:
    decisions_waiting: int = 0  # pending requests the member received (as mentor)
    requests_pending: int = 0  # pending requests the member sent (as mentee)
    check_ins_due: list[MentorshipAction] = field(default_factory=list)
    agreements_to_confirm: list[MentorshipAction] = field(default_factory=list)
    decisions_due: list[MentorshipAction] = field(default_factory=list)  # complete or extend
    feedback_to_give: list[MentorshipAction] = field(default_factory=list)
    # The member's active mentorships, by the side they are on: a mentee who has a mentor is
    # told about them, not to choose one.
    my_mentors: list[MentorshipAction] = field(default_factory=list)
    my_mentees: list[MentorshipAction] = field(default_factory=list)
    check_in_days: int = 30

    @property
    def any(self) -> bool:
        return bool(
            self.decisions_waiting
            or self.requests_pending
            or self.check_ins_due
            or self.agreements_to_confirm
            or self.decisions_due
            or self.feedback_to_give
        )


def next_actions(user: User, today: date | None = None) -> NextActions:
    """What waits for `user` (see the module's doc)."""
    today = today or clock.today()
    actions = NextActions(check_in_days=get_settings().checkin_reminder_days)

    pending = MentorshipRequest.status == MentorshipRequest.PENDING
    received, sent = db.session.execute(
        select(
            func.coalesce(func.sum(case((MentorshipRequest.mentor_id == user.id, 1), else_=0)), 0),
            func.coalesce(func.sum(case((MentorshipRequest.mentee_id == user.id, 1), else_=0)), 0),
        ).where(
            pending,
            or_(MentorshipRequest.mentor_id == user.id, MentorshipRequest.mentee_id == user.id),
        )
    ).one()
    actions.decisions_waiting, actions.requests_pending = int(received), int(sent)

    partner = aliased(User)
    partner_profile = aliased(Profile)
    is_mentor = Mentorship.mentor_id == user.id
    gave_feedback = exists().where(
        ClosingFeedback.mentorship_id == Mentorship.id, ClosingFeedback.user_id == user.id
    )
    rows = db.session.execute(
        select(
            Mentorship,
            last_met_on_column().label("last_met_on"),
            MentorshipAgreement.updated_at,
            MentorshipAgreement.updated_by_id,
            case(
                (is_mentor, MentorshipAgreement.confirmed_by_mentor_at),
                else_=MentorshipAgreement.confirmed_by_mentee_at,
            ).label("confirmed_at"),
            gave_feedback.label("gave_feedback"),
            partner.name,
            partner_profile.display_name,
        )
        .outerjoin(MentorshipAgreement, MentorshipAgreement.mentorship_id == Mentorship.id)
        .join(
            partner,
            partner.id == case((is_mentor, Mentorship.mentee_id), else_=Mentorship.mentor_id),
        )
        .outerjoin(partner_profile, partner_profile.user_id == partner.id)
        .where(or_(is_mentor, Mentorship.mentee_id == user.id))
        .where(
            or_(
                Mentorship.status == Mentorship.ACTIVE,
                and_(Mentorship.status != Mentorship.ACTIVE, ~gave_feedback),
            )
        )
        .order_by(Mentorship.started_on.desc(), Mentorship.id.desc())
    ).all()
    for (
        mentorship,
        last_met_on,
        agreement_updated_at,
        agreement_updated_by,
        confirmed_at,
        feedback_given,
        partner_name,
        partner_display_name,
    ) in rows:
        action = MentorshipAction(mentorship.id, partner_display_name or partner_name)
        if not mentorship.is_active:
            if not feedback_given:
                actions.feedback_to_give.append(action)
            continue
        (actions.my_mentees if mentorship.mentor_id == user.id else actions.my_mentors).append(
            action
        )
        if check_in_due(mentorship.started_on, last_met_on, today, actions.check_in_days):
            actions.check_ins_due.append(action)
        if (
            agreement_updated_at is not None
            and agreement_updated_by != user.id
            and confirmed_at is None
        ):
            actions.agreements_to_confirm.append(action)
        if today >= mentorship.review_date:
            actions.decisions_due.append(action)
    return actions
