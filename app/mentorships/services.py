"""Mentorships: finding one for its pair, their lists and contact details, goals and progress.

Every operation takes a mentorship the caller already found with `find_for_participant` (so
only the pair ever reach it), checks the rules, changes the models, enqueues any e-mail in the
same transaction and commits, or raises a DomainError (`FieldErrors` with every field's
problems) and changes nothing. No Flask request or page templates here; routes call one function
each. The agreement, check-ins and the next meeting have modules of their own (`agreement`,
`check_ins`, `meetings`); closing a mentorship is `closing`.
"""

from dataclasses import dataclass
from datetime import date, time

from babel.lists import format_list
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from app import clock
from app.concurrency import retry_on_conflict
from app.errors_domain import DomainError, FieldErrors
from app.extensions import db
from app.models import (
    ContactMethod,
    Goal,
    Mentorship,
    Objective,
    User,
)
from app.text import NOT_OFFERED, clean_text, display_name

READ_ONLY = _l("This mentorship has ended, so its record can be read but no longer changed.")


def find_for_participant(mentorship_id: int, user) -> Mentorship | None:
    """The mentorship if `user` is its mentor or mentee; None for anyone else (the committee
    included): routes answer 404 then."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    mentorship = db.session.get(Mentorship, mentorship_id)
    if mentorship is None or not mentorship.involves(user.id):
        return None
    return mentorship


def partner_of(mentorship: Mentorship, user: User) -> User:
    return mentorship.mentee if user.id == mentorship.mentor_id else mentorship.mentor


def role_of(mentorship: Mentorship, user: User) -> str:
    """ "mentor" or "mentee": the part `user` plays in this mentorship."""
    return "mentor" if user.id == mentorship.mentor_id else "mentee"


@dataclass
class MentorshipRow:
    """One line of /mentorships."""

    mentorship: Mentorship
    role: str
    partner: User
    partner_name: str
    status_label: str


@dataclass
class MentorshipLists:
    current: list[MentorshipRow]
    past: list[MentorshipRow]


def mentorships_of(user: User) -> MentorshipLists:
    """The member's mentorships as mentor and as mentee: active ones, then the others."""
    mentorships = db.session.scalars(
        select(Mentorship)
        .where(or_(Mentorship.mentor_id == user.id, Mentorship.mentee_id == user.id))
        .order_by(Mentorship.started_on.desc(), Mentorship.id.desc())
    ).all()
    lists = MentorshipLists(current=[], past=[])
    for mentorship in mentorships:
        partner = partner_of(mentorship, user)
        row = MentorshipRow(
            mentorship=mentorship,
            role=role_of(mentorship, user),
            partner=partner,
            partner_name=display_name(partner),
            status_label=mentorship.status_label,
        )
        (lists.current if mentorship.is_active else lists.past).append(row)
    return lists


@dataclass
class ContactDetails:
    name: str
    email: str
    phone: str | None
    contact_methods: list[str]
    pronouns: str | None = None


def contact_details(partner: User) -> ContactDetails:
    """What the pair see of each other: how to reach them."""
    profile = partner.profile
    return ContactDetails(
        name=display_name(partner),
        email=partner.email,
        phone=profile.phone if profile is not None else None,
        contact_methods=[m.name for m in _ordered(profile.contact_methods)] if profile else [],
        pronouns=profile.pronouns if profile is not None else None,
    )


def _ordered(entries) -> list:
    return sorted(entries, key=lambda e: (e.position, e.name))


def objectives() -> list[Objective]:
    """The program's objectives offered in forms (active ones, in order)."""
    return db.session.scalars(
        select(Objective).where(Objective.active).order_by(Objective.position, Objective.name)
    ).all()


def contact_methods() -> list[ContactMethod]:
    return db.session.scalars(
        select(ContactMethod)
        .where(ContactMethod.active)
        .order_by(ContactMethod.position, ContactMethod.name)
    ).all()


def chosen_entries(model, ids, errors: dict, name: str) -> list:
    """The active vocabulary entries with these ids; an unknown id is an error of `name`."""
    ids = list(dict.fromkeys(ids or ()))
    if not ids:
        return []
    found = db.session.scalars(select(model).where(model.id.in_(ids), model.active)).all()
    if len(found) != len(ids):
        errors.setdefault(name, []).append(NOT_OFFERED)
        return []
    return _ordered(found)


def check_writable(mentorship: Mentorship) -> None:
    """A completed or ended mentorship is read-only."""
    if not mentorship.is_active:
        raise DomainError(str(READ_ONLY))


def too_long(text: str | None, limit: int) -> bool:
    return text is not None and len(text) > limit


def and_list(items) -> str:
    """ "a, b, and c" ("a, b et c" in French): items joined as the page's language does."""
    return format_list([str(item) for item in items], locale=get_locale() or "en")


def at_most_characters(limit: int) -> str:
    """The error of a text longer than `limit`, in the page's language ("1,000", "1 000")."""
    return _("Use at most %(limit)s characters.", limit=format_decimal(limit))


def chosen_contact_method(
    method_id: int | None, errors: dict[str, list[str]], field: str, missing: str
) -> ContactMethod | None:
    """The active way of meeting `method_id`; None with the problem put in `errors[field]`
    (`missing` when none was chosen)."""
    if method_id is None:
        errors[field] = [missing]
        return None
    method = db.session.get(ContactMethod, method_id)
    if method is None or not method.active:
        errors[field] = [NOT_OFFERED]
        return None
    return method


@retry_on_conflict
def add_goal(mentorship: Mentorship, user: User, text: str | None, objective_id: int | None):
    """Add a goal of the relationship, optionally tied to one of the program's objectives."""
    check_writable(mentorship)
    errors: dict[str, list[str]] = {}
    text = clean_text(text)
    if text is None:
        errors["text"] = [_("Enter the goal.")]
    elif "\n" in text or len(text) > Goal.TEXT_LIMIT:
        errors["text"] = [
            _(
                "Use one line of at most %(limit)s characters.",
                limit=format_decimal(Goal.TEXT_LIMIT),
            )
        ]
    objective = None
    if objective_id is not None:
        objective = db.session.get(Objective, objective_id)
        if objective is None or not objective.active:
            errors["objective"] = [NOT_OFFERED]
    if errors:
        raise FieldErrors(errors)
    goal = Goal(
        mentorship=mentorship,
        text=text,
        objective=objective,
        created_by_id=user.id,
        created_at=clock.utcnow(),
    )
    db.session.add(goal)
    db.session.commit()
    return goal


def goal_of(mentorship: Mentorship, goal_id: int) -> Goal | None:
    goal = db.session.get(Goal, goal_id)
    return goal if goal is not None and goal.mentorship_id == mentorship.id else None


@retry_on_conflict
def set_goal_done(goal: Goal, done: bool) -> Goal:
    """Mark a goal done or not done (either of the pair)."""
    check_writable(goal.mentorship)
    goal.set_done(done, clock.utcnow())
    db.session.commit()
    return goal


@dataclass
class Progress:
    started_on: date
    minimum_end_on: date
    days_done: int
    days_total: int
    percent: int
    meetings: int
    minutes: int
    last_met_on: date | None
    next_meeting_on: date | None
    next_meeting_time: time | None

    @property
    def hours_text(self) -> str:
        """The hours met, to one decimal, as the page's language writes it ("1.5", "1,5")."""
        return format_decimal(round(self.minutes / 60, 1), format="#,##0.#")

    @property
    def reached_minimum(self) -> bool:
        return self.percent >= 100

    @property
    def next_meeting_passed(self) -> bool:
        return self.next_meeting_on is not None and self.next_meeting_on < clock.today()


def progress(mentorship: Mentorship) -> Progress:
    """How far the pair are toward the six months, and how much they met.

    Both of the pair may log the same meeting: a day with check-ins counts as one meeting, of
    the longest length logged that day.
    """
    today = clock.today()
    total = max((mentorship.minimum_end_on - mentorship.started_on).days, 1)
    end = today if mentorship.ended_on is None else min(today, mentorship.ended_on)
    done = min(max((end - mentorship.started_on).days, 0), total)
    longest: dict[date, int] = {}
    for check_in in mentorship.check_ins:
        longest[check_in.met_on] = max(longest.get(check_in.met_on, 0), check_in.minutes)
    agreement = mentorship.agreement
    return Progress(
        started_on=mentorship.started_on,
        minimum_end_on=mentorship.minimum_end_on,
        days_done=done,
        days_total=total,
        percent=done * 100 // total,
        meetings=len(longest),
        minutes=sum(longest.values()),
        last_met_on=max(longest) if longest else None,
        next_meeting_on=agreement.next_meeting_on if agreement else None,
        next_meeting_time=agreement.next_meeting_time if agreement else None,
    )
