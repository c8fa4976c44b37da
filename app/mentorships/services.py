"""Mentorships: the pair's own pages.

The agreement, check-ins, goals, progress and the next planned meeting. Every operation takes a
mentorship the caller already found with `find_for_participant` (so only the pair ever reach
it), checks the rules, changes the models, enqueues any e-mail in the same transaction and
commits, or raises a DomainError (`FieldErrors` with every field's problems) and changes nothing.
No Flask request or page templates here; routes call one function each.

Confidentiality: a check-in's private note is for its author only. Nothing here hands it to
anyone else: templates read it through `CheckIn.private_note_for(viewer_id)`, e-mails and the
calendar file never contain any note.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
from flask import current_app
from sqlalchemy import or_, select

from app import clock
from app.email import absolute_url, enqueue
from app.errors_domain import DomainError, FieldErrors
from app.extensions import db
from app.models import (
    CheckIn,
    ContactMethod,
    Goal,
    Mentorship,
    MentorshipAgreement,
    MentorshipPreference,
    Objective,
    User,
)
from app.text import NOT_OFFERED, display_name

# The program runs in Ontario: planned meeting times are wall-clock times there.
PROGRAM_TIMEZONE = ZoneInfo("America/Toronto")
MEETING_LENGTH = timedelta(hours=1)

READ_ONLY = "This mentorship has ended, so its record can be read but no longer changed."


# --- finding a mentorship and its people ---------------------------------------------------------


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


def _entries(model, ids, errors: dict, name: str) -> list:
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
        raise DomainError(READ_ONLY)


def _clean(text: str | None) -> str | None:
    text = (text or "").replace("\r\n", "\n").strip()
    return text or None


def _too_long(text: str | None, limit: int) -> bool:
    return text is not None and len(text) > limit


# --- the agreement ---------------------------------------------------------------------------


@dataclass
class AgreementChanges:
    meeting_frequency: str | None = None
    contact_method_ids: list[int] = field(default_factory=list)
    objective_ids: list[int] = field(default_factory=list)
    goals_text: str | None = None
    confidentiality_acknowledged: bool = False


def agreement_changes_from(agreement: MentorshipAgreement | None) -> AgreementChanges:
    """The agreement as it is, to fill in the edit form."""
    if agreement is None:
        return AgreementChanges()
    return AgreementChanges(
        meeting_frequency=agreement.meeting_frequency,
        contact_method_ids=[m.id for m in agreement.contact_methods],
        objective_ids=[o.id for o in agreement.objectives],
        goals_text=agreement.goals_text,
        confidentiality_acknowledged=agreement.confidentiality_acknowledged,
    )


def save_agreement(mentorship: Mentorship, user: User, changes: AgreementChanges):
    """Save the pair's agreement as `user` wrote it.

    Saving counts as the saver's confirmation when the agreement is complete; any change
    clears the other side's confirmation, and they are told by e-mail (at most once a day).
    Saving without a change only confirms (when complete). Returns the agreement.
    """
    check_writable(mentorship)
    errors: dict[str, list[str]] = {}
    frequency = changes.meeting_frequency or None
    if frequency is not None and frequency not in MentorshipAgreement.FREQUENCIES:
        errors["meeting_frequency"] = ["Choose one of the options shown."]
    methods = _entries(ContactMethod, changes.contact_method_ids, errors, "contact_methods")
    goals = _entries(Objective, changes.objective_ids, errors, "objectives")
    goals_text = _clean(changes.goals_text)
    if _too_long(goals_text, MentorshipAgreement.GOALS_TEXT_LIMIT):
        errors["goals_text"] = [f"Use at most {MentorshipAgreement.GOALS_TEXT_LIMIT:,} characters."]
    if errors:
        raise FieldErrors(errors)

    now = clock.utcnow()
    agreement = mentorship.agreement
    if agreement is None:
        agreement = MentorshipAgreement(mentorship=mentorship, created_at=now)
        db.session.add(agreement)
    before = agreement_changes_from(agreement) if agreement.id else None
    agreement.meeting_frequency = frequency
    agreement.contact_methods = methods
    agreement.objectives = goals
    agreement.goals_text = goals_text
    agreement.confidentiality_acknowledged = bool(changes.confidentiality_acknowledged)
    after = agreement_changes_from(agreement)
    if before is not None and _same(before, after):
        if agreement.is_complete and agreement.confirmed_at_for(user.id) is None:
            agreement.confirm(user.id, now)
        db.session.commit()
        return agreement

    agreement.record_change(user.id, now)
    partner = partner_of(mentorship, user)
    enqueue(
        partner.email,
        "mentorship_agreement_changed",
        f"{display_name(user)} updated your mentoring agreement",
        dedupe_key=f"mentorship-agreement:{mentorship.id}:{partner.id}:{now.date().isoformat()}",
        partner_name=display_name(partner),
        author_name=display_name(user),
        confirmed_by_author=agreement.confirmed_at_for(user.id) is not None,
        mentorship_url=absolute_url("mentorships.show", mentorship_id=mentorship.id),
    )
    db.session.commit()
    return agreement


def _same(a: AgreementChanges, b: AgreementChanges) -> bool:
    return (
        a.meeting_frequency == b.meeting_frequency
        and sorted(a.contact_method_ids) == sorted(b.contact_method_ids)
        and sorted(a.objective_ids) == sorted(b.objective_ids)
        and (a.goals_text or None) == (b.goals_text or None)
        and bool(a.confidentiality_acknowledged) == bool(b.confidentiality_acknowledged)
    )


def confirm_agreement(mentorship: Mentorship, user: User) -> MentorshipAgreement:
    """Record that `user` agrees to the agreement as it stands (it must be complete)."""
    check_writable(mentorship)
    agreement = mentorship.agreement
    if agreement is None or not agreement.is_complete:
        missing = agreement.missing if agreement is not None else MentorshipAgreement().missing
        raise DomainError("The agreement can be confirmed once it says " + _and_list(missing) + ".")
    if agreement.confirmed_at_for(user.id) is None:
        agreement.confirm(user.id, clock.utcnow())
        db.session.commit()
    return agreement


def _and_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# --- check-ins -------------------------------------------------------------------------------


@dataclass
class CheckInChanges:
    met_on: date | None = None
    method_id: int | None = None
    minutes: int | None = None
    objective_ids: list[int] = field(default_factory=list)
    shared_note: str | None = None
    private_note: str | None = None
    how_it_is_going: int | None = None


def _checked_check_in(mentorship: Mentorship, changes: CheckInChanges) -> dict:
    """The check-in's values once every rule holds; raises FieldErrors with all problems."""
    errors: dict[str, list[str]] = {}
    today = clock.today()
    if changes.met_on is None:
        errors["met_on"] = ["Enter the date you met."]
    elif changes.met_on > today:
        errors["met_on"] = ["The date can't be in the future."]
    elif changes.met_on < mentorship.started_on:
        errors["met_on"] = [
            f"The date can't be before your mentorship started ({mentorship.started_on:%-d %B %Y})."
        ]
    method = None
    if changes.method_id is None:
        errors["method"] = ["Choose how you met."]
    else:
        method = db.session.get(ContactMethod, changes.method_id)
        if method is None or not method.active:
            errors["method"] = [NOT_OFFERED]
    if changes.minutes is None:
        errors["minutes"] = ["Enter how many minutes you met for."]
    elif not 0 < changes.minutes <= CheckIn.MINUTES_MAX:
        errors["minutes"] = [f"Enter a number of minutes from 1 to {CheckIn.MINUTES_MAX}."]
    touched = _entries(Objective, changes.objective_ids, errors, "objectives")
    shared, private = _clean(changes.shared_note), _clean(changes.private_note)
    for name, text in (("shared_note", shared), ("private_note", private)):
        if _too_long(text, CheckIn.NOTE_LIMIT):
            errors[name] = [f"Use at most {CheckIn.NOTE_LIMIT:,} characters."]
    if changes.how_it_is_going not in CheckIn.SCORES:
        errors["how_it_is_going"] = ["Choose how it is going, from 1 to 5."]
    if errors:
        raise FieldErrors(errors)
    return {
        "met_on": changes.met_on,
        "method": method,
        "minutes": changes.minutes,
        "objectives": touched,
        "shared_note": shared,
        "private_note": private,
        "how_it_is_going": changes.how_it_is_going,
    }


def add_check_in(mentorship: Mentorship, user: User, changes: CheckInChanges) -> CheckIn:
    """Log a meeting. The partner is told by e-mail at most once a day, unless they turned
    those e-mails off for this mentorship. The e-mail holds no notes."""
    check_writable(mentorship)
    values = _checked_check_in(mentorship, changes)
    now = clock.utcnow()
    check_in = CheckIn(
        mentorship=mentorship, author_id=user.id, created_at=now, updated_at=now, **values
    )
    db.session.add(check_in)
    partner = partner_of(mentorship, user)
    if check_in_emails_on(mentorship, partner):
        enqueue(
            partner.email,
            "mentorship_check_in",
            f"{display_name(user)} logged a mentoring check-in",
            dedupe_key=f"mentorship-check-in:{mentorship.id}:{partner.id}:{now.date().isoformat()}",
            partner_name=display_name(partner),
            author_name=display_name(user),
            met_on=check_in.met_on,
            method=check_in.method.name,
            mentorship_url=absolute_url("mentorships.show", mentorship_id=mentorship.id),
        )
    db.session.commit()
    return check_in


def check_in_of(mentorship: Mentorship, check_in_id: int, user: User) -> CheckIn | None:
    """The check-in if it belongs to this mentorship and `user` wrote it; None otherwise
    (the partner can never edit or delete it: routes answer 404)."""
    check_in = db.session.get(CheckIn, check_in_id)
    if check_in is None or check_in.mentorship_id != mentorship.id:
        return None
    if check_in.author_id != user.id:
        return None
    return check_in


def check_editable(check_in: CheckIn) -> None:
    """Raise DomainError if the check-in can no longer be changed (ended mentorship, or more
    than 14 days after it was added)."""
    check_writable(check_in.mentorship)
    if not check_in.is_editable_at(clock.utcnow()):
        days = CheckIn.EDIT_WINDOW.days
        raise DomainError(
            f"A check-in can be changed or deleted for {days} days after it was added. "
            f"This one was added on {check_in.created_at:%-d %B %Y}, so it stays as it is."
        )


def may_change_check_in(check_in: CheckIn, user: User) -> bool:
    return check_in.mentorship.is_active and check_in.may_change(user.id, clock.utcnow())


def update_check_in(check_in: CheckIn, user: User, changes: CheckInChanges) -> CheckIn:
    """The author changes their check-in, within 14 days of adding it."""
    if check_in.author_id != user.id:
        raise DomainError("Only the person who added a check-in can change it.")
    check_editable(check_in)
    values = _checked_check_in(check_in.mentorship, changes)
    for name, value in values.items():
        setattr(check_in, name, value)
    check_in.updated_at = clock.utcnow()
    db.session.commit()
    return check_in


def delete_check_in(check_in: CheckIn, user: User) -> None:
    """The author deletes their check-in, within 14 days of adding it."""
    if check_in.author_id != user.id:
        raise DomainError("Only the person who added a check-in can delete it.")
    check_editable(check_in)
    db.session.delete(check_in)
    db.session.commit()


def check_in_emails_on(mentorship: Mentorship, user: User) -> bool:
    """Whether `user` wants an e-mail when their partner logs a check-in (default: yes)."""
    preference = db.session.get(MentorshipPreference, (mentorship.id, user.id))
    return preference is None or preference.check_in_emails


def set_check_in_emails(mentorship: Mentorship, user: User, on: bool) -> None:
    """Turn `user`'s e-mails about their partner's check-ins on or off (allowed also after
    the mentorship ended: it only concerns the member's own mailbox)."""
    preference = db.session.get(MentorshipPreference, (mentorship.id, user.id))
    if preference is None:
        preference = MentorshipPreference(mentorship_id=mentorship.id, user_id=user.id)
        db.session.add(preference)
    preference.check_in_emails = bool(on)
    db.session.commit()


# --- goals -----------------------------------------------------------------------------------


def add_goal(mentorship: Mentorship, user: User, text: str | None, objective_id: int | None):
    """Add a goal of the relationship, optionally tied to one of the program's objectives."""
    check_writable(mentorship)
    errors: dict[str, list[str]] = {}
    text = _clean(text)
    if text is None:
        errors["text"] = ["Enter the goal."]
    elif "\n" in text or len(text) > Goal.TEXT_LIMIT:
        errors["text"] = [f"Use one line of at most {Goal.TEXT_LIMIT} characters."]
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


def set_goal_done(goal: Goal, done: bool) -> Goal:
    """Mark a goal done or not done (either of the pair)."""
    check_writable(goal.mentorship)
    goal.set_done(done, clock.utcnow())
    db.session.commit()
    return goal


# --- progress and the next meeting -----------------------------------------------------------


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
        hours = self.minutes / 60
        return f"{hours:.1f}".rstrip("0").rstrip(".")

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


def set_next_meeting(
    mentorship: Mentorship, user: User, on: date | None, at: time | None
) -> MentorshipAgreement:
    """Plan the next meeting (or clear it with no date). Not a change of the agreement:
    nobody's confirmation is cleared."""
    check_writable(mentorship)
    if on is None and at is not None:
        raise FieldErrors({"next_meeting_on": ["Enter the date of the meeting."]})
    if on is not None and on < clock.today():
        raise FieldErrors({"next_meeting_on": ["The next meeting can't be in the past."]})
    if on is not None and on > clock.today() + timedelta(days=366):
        raise FieldErrors({"next_meeting_on": ["Plan a meeting within the next year."]})
    agreement = mentorship.agreement
    if agreement is None:
        agreement = MentorshipAgreement(mentorship=mentorship, created_at=clock.utcnow())
        db.session.add(agreement)
    agreement.next_meeting_on = on
    agreement.next_meeting_time = at
    db.session.commit()
    return agreement


def next_meeting_calendar(mentorship: Mentorship, user: User) -> bytes | None:
    """The next planned meeting as an iCalendar file for `user`'s calendar, or None when no
    meeting is planned. Names and a link only: never any note."""
    agreement = mentorship.agreement
    if agreement is None or agreement.next_meeting_on is None:
        return None
    partner = partner_of(mentorship, user)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Ontario Library Association//Mentor Match//EN")
    calendar.add("version", "2.0")
    event = icalendar.Event()
    host = current_app.config["BASE_URL"].split("//", 1)[-1].split("/", 1)[0]
    event.add("uid", f"mentorship-{mentorship.id}-next-meeting@{host}")
    event.add("dtstamp", clock.utcnow().replace(tzinfo=ZoneInfo("UTC")))
    if agreement.next_meeting_time is None:
        event.add("dtstart", agreement.next_meeting_on)
        event.add("dtend", agreement.next_meeting_on + timedelta(days=1))
    else:
        start = datetime.combine(
            agreement.next_meeting_on, agreement.next_meeting_time, tzinfo=PROGRAM_TIMEZONE
        )
        event.add("dtstart", start)
        event.add("dtend", start + MEETING_LENGTH)
    event.add("summary", f"Mentoring meeting with {display_name(partner)}")
    url = absolute_url("mentorships.show", mentorship_id=mentorship.id)
    event.add("description", f"Your mentorship in Mentor Match: {url}")
    event.add("url", url)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
