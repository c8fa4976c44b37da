"""The pair's next planned meeting and its calendar invitations.

Recording a meeting e-mails both of the pair an invitation (.ics, METHOD:REQUEST) through the
outbox; changing it sends the same meeting again (same UID) with a higher SEQUENCE, and
clearing it, or the mentorship ending, sends a METHOD:CANCEL. Saving what is already planned
changes nothing and sends nothing. Each invitation has a dedupe key naming the meeting, its
version and the recipient, so no version reaches anyone twice. The calendar text itself is
made in app/calendar_invites.py.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit

from babel.dates import format_time
from flask import current_app
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import calendar_invites, clock
from app.calendar_invites import CANCEL, PUBLISH, REQUEST, Person
from app.concurrency import retry_on_conflict
from app.email import Attachment, absolute_url, enqueue
from app.errors_domain import FieldErrors
from app.extensions import db
from app.i18n import member_locale
from app.mentorships.services import (
    at_most_characters,
    check_writable,
    chosen_contact_method,
    partner_of,
    too_long,
)
from app.models import Mentorship, MentorshipAgreement, User
from app.program import program_contact_email
from app.text import clean_text, display_name, format_weekday

MEETING_LENGTH = timedelta(hours=1)
PLAN_AHEAD = timedelta(days=366)
INVITATION_FILE = "mentoring-meeting.ics"
BAD_LINK = _l("Enter a web address that starts with https:// or http://.")
# A time of day as each language writes it: "14:30", and "14 h 30" as Canadian French does.
TIME_PATTERNS = {"en": "HH:mm", "fr": "H 'h' mm"}


@dataclass
class MeetingChanges:
    on: date | None = None
    at: time | None = None
    method_id: int | None = None
    place: str | None = None
    link: str | None = None

    @property
    def is_empty(self) -> bool:
        return (
            self.on is None
            and self.at is None
            and self.method_id is None
            and not (self.place or "").strip()
            and not (self.link or "").strip()
        )


def _checked_link(raw: str | None, errors: dict) -> str | None:
    link = (raw or "").strip() or None
    if link is None:
        return None
    parts = urlsplit(link)
    if (
        parts.scheme.lower() not in ("http", "https")
        or not parts.hostname
        or any(c.isspace() for c in link)
    ):
        errors["next_meeting_link"] = [str(BAD_LINK)]
    elif too_long(link, MentorshipAgreement.LINK_LIMIT):
        errors["next_meeting_link"] = [at_most_characters(MentorshipAgreement.LINK_LIMIT)]
    return link


def _checked_when(on: date | None, at: time | None, errors: dict) -> None:
    zone = clock.program_zone()
    now = clock.utcnow().replace(tzinfo=UTC).astimezone(zone)
    if on is None:
        errors["next_meeting_on"] = [_("Enter the date of the meeting.")]
    elif on < now.date():
        errors["next_meeting_on"] = [_("The next meeting can't be in the past.")]
    elif on > now.date() + PLAN_AHEAD:
        errors["next_meeting_on"] = [_("Plan a meeting within the next year.")]
    if at is None:
        errors["next_meeting_time"] = [_("Enter the time of the meeting.")]
    elif "next_meeting_on" not in errors and datetime.combine(on, at, tzinfo=zone) <= now:
        errors["next_meeting_time"] = [
            _("That time has passed already (it is %(time)s now).", time=time_of_day(now.time()))
        ]


def _checked_meeting(changes: MeetingChanges) -> dict:
    """The meeting's values once every rule holds; raises FieldErrors with all problems."""
    errors: dict[str, list[str]] = {}
    _checked_when(changes.on, changes.at, errors)
    method = chosen_contact_method(
        changes.method_id, errors, "next_meeting_method", _("Choose how you will meet.")
    )
    place = clean_text(changes.place)
    if too_long(place, MentorshipAgreement.PLACE_LIMIT):
        errors["next_meeting_place"] = [at_most_characters(MentorshipAgreement.PLACE_LIMIT)]
    link = _checked_link(changes.link, errors)
    if errors:
        raise FieldErrors(errors)
    return {
        "next_meeting_on": changes.on,
        "next_meeting_time": changes.at,
        "next_meeting_method": method,
        "next_meeting_place": place,
        "next_meeting_link": link,
    }


def _starts_at(agreement: MentorshipAgreement) -> datetime | date:
    """When the planned meeting starts: a time in the program's zone, or a whole day (a
    meeting planned before times were asked for)."""
    if agreement.next_meeting_time is None:
        return agreement.next_meeting_on
    return datetime.combine(
        agreement.next_meeting_on, agreement.next_meeting_time, tzinfo=clock.program_zone()
    )


def is_upcoming(agreement: MentorshipAgreement | None) -> bool:
    """Whether a meeting is planned and has not started yet (the one invitations are about)."""
    if agreement is None or agreement.next_meeting_on is None:
        return False
    start = _starts_at(agreement)
    if isinstance(start, datetime):
        return start > clock.utcnow().replace(tzinfo=UTC)
    return start >= clock.today()


def _locked_agreement(mentorship: Mentorship, writable: bool = True) -> MentorshipAgreement:
    """The agreement, created if need be, its row locked until the commit (PostgreSQL): two
    saves at the same moment take turns, so each version number is given once. With
    `writable`, the mentorship is read again once the lock is held and must still be active:
    the end of a mentorship takes the same lock before it cancels the meeting, so a meeting
    is never planned in a mentorship that ended meanwhile, nor left uncancelled by its end."""
    agreement = mentorship.agreement
    if agreement is None:
        agreement = MentorshipAgreement(mentorship=mentorship, created_at=clock.utcnow())
        db.session.add(agreement)
        db.session.flush()
    else:
        agreement = db.session.get(
            MentorshipAgreement, agreement.id, with_for_update=True, populate_existing=True
        )
    if writable:
        db.session.refresh(mentorship, ["status"])
        check_writable(mentorship)
    return agreement


@retry_on_conflict
def set_next_meeting(
    mentorship: Mentorship, user: User, changes: MeetingChanges
) -> MentorshipAgreement | None:
    """Plan the next meeting, change it, or clear it (every field empty). Not a change of
    the agreement: nobody's confirmation is cleared. Both of the pair are sent the
    invitation, its update or its cancellation; saving what is planned already sends nothing."""
    check_writable(mentorship)
    if changes.is_empty:
        return clear_next_meeting(mentorship, user)
    values = _checked_meeting(changes)
    agreement = _locked_agreement(mentorship)
    if is_upcoming(agreement):
        if all(getattr(agreement, name) == value for name, value in values.items()):
            db.session.rollback()
            return agreement
        agreement.next_meeting_sequence += 1
        updated = True
    else:
        agreement.next_meeting_number += 1
        agreement.next_meeting_sequence = 0
        updated = False
    for name, value in values.items():
        setattr(agreement, name, value)
    _send(mentorship, agreement, REQUEST, user, updated=updated)
    db.session.commit()
    return agreement


@retry_on_conflict
def clear_next_meeting(mentorship: Mentorship, user: User) -> MentorshipAgreement | None:
    """Remove the planned meeting; both are sent the cancellation if it had not started."""
    check_writable(mentorship)
    if mentorship.agreement is None:
        return None
    agreement = _locked_agreement(mentorship)
    _cancel(mentorship, agreement, user)
    db.session.commit()
    return agreement


def cancel_on_closing(mentorship: Mentorship, actor: User | None) -> None:
    """The mentorship ended: its upcoming meeting is cancelled in both calendars (the caller
    commits, in the transaction that ends the mentorship)."""
    if mentorship.agreement is not None:
        _cancel(mentorship, _locked_agreement(mentorship, writable=False), actor)


def _cancel(mentorship: Mentorship, agreement: MentorshipAgreement, actor: User | None) -> None:
    if is_upcoming(agreement):
        agreement.next_meeting_sequence += 1
        _send(mentorship, agreement, CANCEL, actor)
    agreement.next_meeting_on = None
    agreement.next_meeting_time = None
    agreement.next_meeting_method = None
    agreement.next_meeting_place = None
    agreement.next_meeting_link = None


def uid_of(agreement: MentorshipAgreement) -> str:
    """The meeting's UID: the same for each version of one planned meeting, another for the
    next meeting the pair plan."""
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    return f"meeting-{agreement.mentorship_id}.{agreement.next_meeting_number}@{host}"


def _meeting_for(
    mentorship: Mentorship, agreement: MentorshipAgreement, user: User
) -> calendar_invites.Meeting:
    """The planned meeting as `user`'s calendar shows it, in the page's language (the caller
    chooses `user`'s). Names, how and where, and a link: never any note."""
    partner = partner_of(mentorship, user)
    start = _starts_at(agreement)
    end = start + (MEETING_LENGTH if isinstance(start, datetime) else timedelta(days=1))
    url = absolute_url("mentorships.show", mentorship_id=mentorship.id)
    lines = []
    if agreement.next_meeting_method is not None:
        lines.append(_("How: %(method)s", method=agreement.next_meeting_method.name))
    if agreement.next_meeting_place:
        lines.append(_("Where: %(place)s", place=agreement.next_meeting_place))
    if agreement.next_meeting_link:
        lines.append(_("Link: %(link)s", link=agreement.next_meeting_link))
    lines.append(_("Your mentorship in Mentor Match: %(url)s", url=url))
    return calendar_invites.Meeting(
        uid=uid_of(agreement),
        sequence=agreement.next_meeting_sequence,
        starts_at=start,
        ends_at=end,
        summary=_("Mentoring meeting with %(name)s", name=display_name(partner)),
        description="\n".join(lines),
        location=agreement.next_meeting_place or agreement.next_meeting_link,
        url=agreement.next_meeting_link or url,
        organizer=Person("Mentor Match", program_contact_email()),
        attendees=tuple(
            Person(display_name(member), member.email)
            for member in (mentorship.mentor, mentorship.mentee)
        ),
        stamp=clock.utcnow().replace(tzinfo=UTC),
    )


def time_of_day(at: time) -> str:
    """ "14:30" ("14 h 30" in French): a time of day in the page's language."""
    locale = get_locale()
    pattern = TIME_PATTERNS.get(locale.language if locale else "en", TIME_PATTERNS["en"])
    return format_time(at, pattern, locale=locale or "en")


def when_text(agreement: MentorshipAgreement) -> str:
    """The meeting's day and time as people read it in the page's language, e.g. "Friday 20
    March 2026, 14:30 (America/Toronto)", "vendredi 20 mars 2026 à 14 h 30 (America/Toronto)"."""
    day = format_weekday(agreement.next_meeting_on)
    if agreement.next_meeting_time is None:
        return day
    return _(
        "%(day)s, %(time)s (%(zone)s)",
        day=day,
        time=time_of_day(agreement.next_meeting_time),
        zone=clock.program_zone().key,
    )


def _send(
    mentorship: Mentorship,
    agreement: MentorshipAgreement,
    method: str,
    actor: User | None,
    updated: bool = False,
) -> None:
    """Enqueue this version of the invitation (or its cancellation) to both of the pair, each
    in their own language: the e-mail, and the calendar text made here for it."""
    template = "meeting_cancelled" if method == CANCEL else "meeting_invitation"
    for member in (mentorship.mentor, mentorship.mentee):
        partner = partner_of(mentorship, member)
        name = display_name(partner)
        if method == CANCEL:
            subject = _l("Cancelled: mentoring meeting with %(name)s", name=name)
        elif updated:
            subject = _l("Changed: mentoring meeting with %(name)s", name=name)
        else:
            subject = _l("Invitation: mentoring meeting with %(name)s", name=name)
        locale = member_locale(member)
        with force_locale(locale):
            text = calendar_invites.calendar(_meeting_for(mentorship, agreement, member), method)
            when = when_text(agreement)
        enqueue(
            member.email,
            template,
            subject,
            dedupe_key=(
                f"meeting:{mentorship.id}:{agreement.next_meeting_number}:"
                f"{agreement.next_meeting_sequence}:{member.id}"
            ),
            attachment=Attachment(INVITATION_FILE, calendar_invites.content_type(method), text),
            name=display_name(member),
            partner_name=display_name(partner),
            actor_name=display_name(actor) if actor is not None else None,
            by_self=actor is not None and actor.id == member.id,
            updated=updated,
            when=when,
            method=agreement.next_meeting_method,
            place=agreement.next_meeting_place,
            link=agreement.next_meeting_link,
            ended=not mentorship.is_active,
            mentorship_url=absolute_url("mentorships.show", mentorship_id=mentorship.id),
            locale=locale,
        )


def next_meeting_calendar(mentorship: Mentorship, user: User) -> bytes | None:
    """The upcoming meeting as an iCalendar file to add to `user`'s calendar (METHOD:PUBLISH,
    the same UID and SEQUENCE as the invitation, so a calendar keeps one copy), or None when
    no meeting is planned or it has started."""
    agreement = mentorship.agreement
    if not is_upcoming(agreement):
        return None
    return calendar_invites.calendar(_meeting_for(mentorship, agreement, user), PUBLISH).encode()
