"""The pair's next planned meeting, and the calendar file (.ics) that adds it to a calendar."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
from flask import current_app

from app import clock
from app.concurrency import retry_on_conflict
from app.email import absolute_url
from app.errors_domain import FieldErrors
from app.extensions import db
from app.mentorships.services import check_writable, partner_of
from app.models import (
    Mentorship,
    MentorshipAgreement,
    User,
)
from app.text import display_name

# The program runs in Ontario: planned meeting times are wall-clock times there.
PROGRAM_TIMEZONE = ZoneInfo("America/Toronto")


MEETING_LENGTH = timedelta(hours=1)


@retry_on_conflict
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
