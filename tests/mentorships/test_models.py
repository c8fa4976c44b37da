"""The rules that live on the mentorship models: agreement confirmation, check-in edit window,
private notes, goals."""

from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    CheckIn,
    CheckInObjective,
    ContactMethod,
    Goal,
    Mentorship,
    MentorshipAgreement,
    Objective,
)


def _mentorship(make_member) -> Mentorship:
    mentor = make_member()
    mentee = make_member()
    mentorship = Mentorship(
        mentor_id=mentor.id,
        mentee_id=mentee.id,
        started_on=date(2026, 1, 5),
        minimum_end_on=date(2026, 7, 5),
    )
    db.session.add(mentorship)
    db.session.commit()
    return mentorship


def test_an_agreement_is_complete_once_everything_is_agreed(app, make_member):
    mentorship = _mentorship(make_member)
    agreement = MentorshipAgreement(mentorship=mentorship)
    db.session.add(agreement)
    assert agreement.missing == [
        "how often you meet",
        "how you meet",
        "your goals",
        "keeping the relationship confidential",
    ]
    agreement.meeting_frequency = MentorshipAgreement.MONTHLY
    agreement.contact_methods = [db.session.scalars(select(ContactMethod)).first()]
    agreement.goals_text = "Review my resume"
    agreement.confidentiality_acknowledged = True
    assert agreement.is_complete
    assert agreement.frequency_label == "Monthly"


def test_a_change_confirms_for_the_saver_and_clears_the_other_side(app, make_member):
    mentorship = _mentorship(make_member)
    agreement = MentorshipAgreement(
        mentorship=mentorship,
        meeting_frequency=MentorshipAgreement.WEEKLY,
        contact_methods=[db.session.scalars(select(ContactMethod)).first()],
        objectives=[db.session.scalars(select(Objective)).first()],
        confidentiality_acknowledged=True,
    )
    db.session.add(agreement)
    now = datetime(2026, 1, 10, 12, 0)
    agreement.confirm(mentorship.mentor_id, now)
    agreement.record_change(mentorship.mentee_id, now + timedelta(hours=1))
    assert agreement.confirmed_by_mentor_at is None
    assert agreement.confirmed_by_mentee_at == now + timedelta(hours=1)
    assert agreement.confirmed_at_for(mentorship.mentee_id) == now + timedelta(hours=1)
    assert not agreement.is_confirmed_by_both
    agreement.confirm(mentorship.mentor_id, now + timedelta(hours=2))
    assert agreement.is_confirmed_by_both

    agreement.confidentiality_acknowledged = False
    agreement.record_change(mentorship.mentor_id, now + timedelta(hours=3))
    assert agreement.confirmed_by_mentor_at is None  # incomplete: nobody's confirmation
    assert agreement.confirmed_by_mentee_at is None


def test_check_in_rules(app, make_member):
    mentorship = _mentorship(make_member)
    created = datetime(2026, 2, 1, 9, 0)
    check_in = CheckIn(
        mentorship=mentorship,
        author_id=mentorship.mentee_id,
        met_on=date(2026, 2, 1),
        method=db.session.scalars(select(ContactMethod)).first(),
        minutes=45,
        private_note="only mine",
        how_it_is_going=4,
        created_at=created,
        updated_at=created,
    )
    db.session.add(check_in)
    db.session.commit()
    assert check_in.may_change(mentorship.mentee_id, created + timedelta(days=14))
    assert not check_in.may_change(mentorship.mentee_id, created + timedelta(days=14, seconds=1))
    assert not check_in.may_change(mentorship.mentor_id, created)
    assert check_in.private_note_for(mentorship.mentee_id) == "only mine"
    assert check_in.private_note_for(mentorship.mentor_id) is None
    assert check_in.score_label == "Well"


def test_goals_are_done_or_not(app, make_member):
    mentorship = _mentorship(make_member)
    goal = Goal(mentorship=mentorship, text="Practice interviews")
    now = datetime(2026, 3, 1)
    goal.set_done(True, now)
    goal.set_done(True, now + timedelta(days=1))
    assert goal.done_at == now
    goal.set_done(False, now)
    assert not goal.is_done


def _link_dates(check_in: CheckIn) -> dict[str, date]:
    """The objectives' names and dates as stored in check_in_objectives."""
    rows = db.session.execute(
        select(Objective.name, CheckInObjective.met_on)
        .join(Objective, Objective.id == CheckInObjective.objective_id)
        .where(CheckInObjective.check_in_id == check_in.id)
    )
    return dict(rows.all())


def test_check_in_objectives_carry_the_check_in_date(app, make_member):
    mentorship = _mentorship(make_member)
    first, second, third = db.session.scalars(select(Objective).order_by(Objective.id)).all()[:3]
    method = db.session.scalars(select(ContactMethod)).first()
    common = {"mentorship": mentorship, "author_id": mentorship.mentee_id, "method": method}
    # Whatever the order of the keywords, the links get the date.
    objectives_first = CheckIn(
        objectives=[first, second], met_on=date(2026, 2, 1), minutes=30, how_it_is_going=3, **common
    )
    date_first = CheckIn(
        met_on=date(2026, 3, 1), objectives=[third], minutes=30, how_it_is_going=3, **common
    )
    db.session.add_all([objectives_first, date_first])
    db.session.commit()
    assert _link_dates(objectives_first) == {
        first.name: date(2026, 2, 1),
        second.name: date(2026, 2, 1),
    }
    assert _link_dates(date_first) == {third.name: date(2026, 3, 1)}

    # A new date moves every link; new objectives replace the old, kept ones keep their row.
    objectives_first.met_on = date(2026, 2, 10)
    objectives_first.objectives = [second, third, third]
    db.session.commit()
    assert _link_dates(objectives_first) == {
        second.name: date(2026, 2, 10),
        third.name: date(2026, 2, 10),
    }
    assert objectives_first.objectives == (second, third)

    db.session.delete(objectives_first)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(CheckInObjective)) == 1
