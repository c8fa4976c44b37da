"""Calendar invitations (iCalendar, RFC 5545/5546) for a planned meeting. Pure: no Flask, no
database; the caller gives every value, the current time included, and writes the summary and
description in the recipient's language (this module adds no text a person reads).

Calendar programs match the versions of one meeting by its UID and keep the one with the
highest SEQUENCE: a REQUEST adds or updates the meeting, a CANCEL (same UID, higher SEQUENCE,
STATUS:CANCELLED) removes it. A PUBLISH is the same event for a download ("add to calendar"),
which asks nobody anything. Times carry the TZID of the program's zone, whose VTIMEZONE is in
the file, so that a calendar in another zone shows the meeting at the right moment.
"""

from dataclasses import dataclass
from datetime import datetime

import icalendar

PRODID = "-//Ontario Library Association//Mentor Match//EN"
REQUEST = "REQUEST"
CANCEL = "CANCEL"
PUBLISH = "PUBLISH"


@dataclass(frozen=True)
class Person:
    name: str
    email: str


@dataclass(frozen=True)
class Meeting:
    uid: str
    sequence: int
    starts_at: datetime  # aware, in the program's zone
    ends_at: datetime
    summary: str
    description: str
    organizer: Person
    attendees: tuple[Person, ...]
    stamp: datetime  # aware: when this version was made
    location: str | None = None
    url: str | None = None


def content_type(method: str) -> str:
    """The MIME type of an attached invitation: mail programs read `method` from it."""
    return f"text/calendar; method={method}; charset=UTF-8"


def _address(person: Person, **params) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{person.email}")
    address.params["CN"] = icalendar.vText(person.name)
    for key, value in params.items():
        address.params[key.replace("_", "-").upper()] = icalendar.vText(value)
    return address


def calendar(meeting: Meeting, method: str) -> str:
    """The iCalendar text of `meeting` for `method` (REQUEST, CANCEL or PUBLISH)."""
    if method not in (REQUEST, CANCEL, PUBLISH):
        raise ValueError(f"unknown iTIP method {method!r}")
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    event = icalendar.Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", meeting.stamp)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", meeting.summary)
    event.add("description", meeting.description)
    if meeting.location:
        event.add("location", meeting.location)
    if meeting.url:
        event.add("url", meeting.url)
    event.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
    event.add("transp", "OPAQUE")
    if method != PUBLISH:
        # The organizer is the program's address, which does not collect answers: nobody is
        # asked to reply.
        event.add("organizer", _address(meeting.organizer))
        for person in meeting.attendees:
            event.add(
                "attendee",
                _address(person, role="REQ-PARTICIPANT", partstat="NEEDS-ACTION", rsvp="FALSE"),
            )
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical().decode()
