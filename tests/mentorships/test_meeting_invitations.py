"""Calendar invitations for the next meeting: what the pair receive through the real SMTP
server (the attached .ics parsed with icalendar), updates and cancellations of one meeting,
idempotence, the "add to calendar" download and who may have it, and bad input."""

from datetime import datetime, timedelta

import icalendar
import pytest
from sqlalchemy import select

from app import calendar_invites
from app.extensions import db
from app.models import ContactMethod, Mentorship, MentorshipAgreement
from tests.factories import START, vocab
from tests.support import (
    DEFAULT_PASSWORD,
    body_text,
    client_for,
    outbox,
    statements_for,
    unescaped_html,
)

MEETING_DAY = START + timedelta(days=10)  # Thursday 15 January 2026
HTMX = {"HX-Request": "true"}


def method_id(code: str = "video") -> str:
    return str(next(m.id for m in vocab(ContactMethod) if m.code == code))


def meeting_data(**overrides) -> dict:
    data = {
        "next_meeting_on": MEETING_DAY.isoformat(),
        "next_meeting_time": "14:30",
        "next_meeting_method": method_id(),
        "next_meeting_place": "",
        "next_meeting_link": "https://meet.example.org/mentoring-42",
    }
    data.update(overrides)
    return data


@pytest.fixture
def both(app, pair):
    """The pair's signed-in clients: (mentor, mentee)."""
    return client_for(app, pair.mentor, remember=True), client_for(app, pair.mentee, remember=True)


def plan(forms, pair, **overrides):
    return forms.post(pair.url("/next-meeting"), meeting_data(**overrides))


def invitations(mail_server, deliver_mail, address: str) -> list[tuple]:
    """Deliver the outbox; each message to `address` as (message, attachment part, the parsed
    calendar, its one event)."""
    deliver_mail()
    found = []
    for message in mail_server.to(address):
        parts = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
        if not parts:
            continue  # another e-mail (e.g. the mentorship ended)
        assert len(parts) == 1, message["Subject"]
        calendar = icalendar.Calendar.from_ical(parts[0].get_content())
        events = calendar.walk("VEVENT")
        assert len(events) == 1
        found.append((message, parts[0], calendar, events[0]))
    return found


def test_both_are_sent_an_invitation_calendar_programs_accept(
    pair, both, mail_server, deliver_mail
):
    mentor, mentee = both
    response = plan(mentee, pair)
    assert response.status_code == 302
    for address, partner in ((pair.mentor.email, "Emery"), (pair.mentee.email, "Morgan")):
        [(message, part, calendar, event)] = invitations(mail_server, deliver_mail, address)
        assert message["Subject"].startswith("Invitation: mentoring meeting with")
        assert part.get_param("method") == "REQUEST"
        assert part.get_filename() == "mentoring-meeting.ics"
        assert calendar["METHOD"] == "REQUEST"
        assert calendar["VERSION"] == "2.0" and "Mentor Match" in calendar["PRODID"]
        assert event["UID"] == f"meeting-{pair.id}.1@localhost"
        assert event["SEQUENCE"] == 0
        assert event["STATUS"] == "CONFIRMED"
        assert event["DTSTART"].params["TZID"] == "America/Toronto"
        start = event.decoded("DTSTART")
        assert start.replace(tzinfo=None) == datetime(2026, 1, 15, 14, 30)
        assert start.utcoffset() == timedelta(hours=-5)  # EST in January
        assert event.decoded("DTEND") - start == timedelta(hours=1)
        assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/Toronto"]
        assert str(event["ORGANIZER"]) == "mailto:mentoring@example.org"
        attendees = sorted(str(a) for a in event["ATTENDEE"])
        assert attendees == sorted(f"mailto:{u.email}" for u in (pair.mentor, pair.mentee))
        assert partner in str(event["SUMMARY"])
        assert event["URL"] == "https://meet.example.org/mentoring-42"
        assert "Video call" in str(event["DESCRIPTION"])
        text = body_text(message)
        assert "Thursday 15 January 2026, 14:30 (America/Toronto)" in text
        assert "https://meet.example.org/mentoring-42" in text
    # The one who planned it reads "You planned", the partner reads who did.
    mine = mail_server.to(pair.mentee.email)[0]
    assert "You planned your next mentoring meeting" in body_text(mine)
    assert "planned your next mentoring meeting" in body_text(mail_server.to(pair.mentor.email)[0])


def test_an_update_keeps_the_uid_with_a_higher_sequence(pair, both, mail_server, deliver_mail):
    mentor, mentee = both
    plan(mentee, pair)
    [(_, _, _, first)] = invitations(mail_server, deliver_mail, pair.mentor.email)
    mail_server.clear()
    plan(
        mentor,
        pair,
        next_meeting_time="16:00",
        next_meeting_method=method_id("in-person"),
        next_meeting_link="",
        next_meeting_place="Toronto Reference Library, room 2",
    )
    [(message, part, calendar, event)] = invitations(mail_server, deliver_mail, pair.mentee.email)
    assert message["Subject"].startswith("Changed:")
    assert calendar["METHOD"] == "REQUEST" and part.get_param("method") == "REQUEST"
    assert event["UID"] == first["UID"]
    assert event["SEQUENCE"] > first["SEQUENCE"]
    assert event.decoded("DTSTART").hour == 16
    assert event["LOCATION"] == "Toronto Reference Library, room 2"
    assert len(mail_server.to(pair.mentor.email)) == 1


def test_saving_the_same_meeting_again_sends_nothing(pair, both, mail_server, deliver_mail):
    mentor, mentee = both
    plan(mentee, pair)
    plan(mentee, pair)
    plan(mentor, pair, next_meeting_link="  https://meet.example.org/mentoring-42 ")
    assert len(outbox("meeting_invitation")) == 2
    deliver_mail()
    assert len(mail_server.to(pair.mentor.email)) == 1
    assert len(mail_server.to(pair.mentee.email)) == 1
    assert deliver_mail().sent == 0


def test_cancelling_sends_a_cancel_of_the_same_meeting(pair, both, mail_server, deliver_mail):
    mentor, mentee = both
    plan(mentee, pair)
    [(_, _, _, invited)] = invitations(mail_server, deliver_mail, pair.mentor.email)
    mail_server.clear()
    response = mentor.post(pair.url("/next-meeting/cancel"), headers=HTMX)
    assert response.status_code == 200
    assert "Next meeting cancelled." in response.get_data(as_text=True)
    for address in (pair.mentor.email, pair.mentee.email):
        [(message, part, calendar, event)] = invitations(mail_server, deliver_mail, address)
        assert message["Subject"].startswith("Cancelled:")
        assert part.get_param("method") == "CANCEL"
        assert calendar["METHOD"] == "CANCEL"
        assert event["UID"] == invited["UID"]
        assert event["SEQUENCE"] > invited["SEQUENCE"]
        assert event["STATUS"] == "CANCELLED"
    assert mentor.get(pair.url("/next-meeting.ics")).status_code == 404
    # Cancelling again (another tab) sends nothing more.
    mentee.post(pair.url("/next-meeting/cancel"))
    assert len(outbox("meeting_cancelled")) == 2

    # The next meeting they plan is another meeting: another UID.
    mail_server.clear()
    plan(mentee, pair)
    [(_, _, _, again)] = invitations(mail_server, deliver_mail, pair.mentor.email)
    assert again["UID"] != invited["UID"] and again["SEQUENCE"] == 0


def test_emptying_the_form_cancels_too(pair, both, mail_server, deliver_mail):
    _, mentee = both
    plan(mentee, pair)
    empty = dict.fromkeys(meeting_data(), "")
    assert mentee.post(pair.url("/next-meeting"), empty).status_code == 302
    assert [m.template for m in outbox() if m.template.startswith("meeting")] == [
        "meeting_invitation",
        "meeting_invitation",
        "meeting_cancelled",
        "meeting_cancelled",
    ]


def test_a_meeting_that_has_passed_is_not_cancelled(pair, both, clock_at, mail_server):
    _, mentee = both
    plan(mentee, pair)
    clock_at(datetime(2026, 1, 15, 20, 0))  # 15:00 in Toronto: it started at 14:30
    assert mentee.get(pair.url("/next-meeting.ics")).status_code == 404
    page = mentee.get(pair.url()).get_data(as_text=True)
    assert "this meeting has passed" in page and "Add to calendar" not in page
    # Planning the one after is a new meeting, not an update of the past one.
    plan(mentee, pair, next_meeting_on="2026-02-12")
    uids = {m.attachment_text.split("UID:")[1].split()[0] for m in outbox("meeting_invitation")}
    assert len(uids) == 2
    assert outbox("meeting_cancelled") == []


@pytest.mark.parametrize("how", ["end early", "delete account"])
def test_the_mentorship_ending_cancels_the_meeting(pair, both, mail_server, deliver_mail, how):
    mentor, mentee = both
    plan(mentee, pair)
    deliver_mail()
    mail_server.clear()
    if how == "end early":
        ending = {"reason": "schedule", "confirmed": "yes"}
        assert mentor.post(pair.url("/end-early"), ending).status_code == 302
    else:
        mentee.post("/profile/delete", {"password": DEFAULT_PASSWORD})
    db.session.expire_all()
    assert db.session.get(Mentorship, pair.id).status == Mentorship.ENDED_EARLY
    [(message, part, calendar, event)] = invitations(mail_server, deliver_mail, pair.mentor.email)
    assert calendar["METHOD"] == "CANCEL" and event["STATUS"] == "CANCELLED"
    assert "has ended" in body_text(message)
    agreement = db.session.scalars(select(MentorshipAgreement)).one()
    assert agreement.next_meeting_on is None


def test_the_program_time_zone_is_the_configured_one(app, pair, both, mail_server, deliver_mail):
    app.config["PROGRAM_TIME_ZONE"] = "America/Winnipeg"
    plan(both[1], pair)
    [(_, _, calendar, event)] = invitations(mail_server, deliver_mail, pair.mentor.email)
    assert event["DTSTART"].params["TZID"] == "America/Winnipeg"
    assert event.decoded("DTSTART").utcoffset() == timedelta(hours=-6)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/Winnipeg"]


# --- "add to calendar" -----------------------------------------------------------------------


def test_add_to_calendar_is_for_the_pair_only(app, pair, both, make_member):
    mentor, mentee = both
    plan(mentee, pair)
    path = pair.url("/next-meeting.ics")
    for forms in (mentor, mentee):
        response = forms.get(path)
        assert response.status_code == 200 and response.mimetype == "text/calendar"
        calendar = icalendar.Calendar.from_ical(response.get_data())
        [event] = calendar.walk("VEVENT")
        assert calendar["METHOD"] == "PUBLISH"
        assert event["UID"] == f"meeting-{pair.id}.1@localhost"
    anonymous = app.test_client().get(path)
    assert anonymous.status_code == 302 and "/auth/login" in anonymous.headers["Location"]
    for outsider in (make_member(), make_member(committee=True)):
        assert client_for(app, outsider).get(path).status_code == 404
    assert client_for(app, make_member()).post(pair.url("/next-meeting/cancel")).status_code in (
        400,
        404,
    )


def test_add_to_calendar_is_linked_from_the_progress_and_the_check_ins(pair, both):
    _, mentee = both
    page = mentee.get(pair.url()).get_data(as_text=True)
    assert "Add to calendar" not in page
    plan(mentee, pair)
    page = unescaped_html(mentee.get(pair.url()))
    assert page.count(f'href="{pair.url("/next-meeting.ics")}"') == 2
    check_ins = page[page.index('id="check-ins"') :]
    assert "Add to calendar" in check_ins
    assert "Thursday 15 January 2026, 14:30 (America/Toronto)" in page
    assert "Video call" in page


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"next_meeting_link": "ftp://files.example.org/x"}, "starts with https:// or http://"),
        ({"next_meeting_link": "javascript:alert(1)"}, "starts with https:// or http://"),
        ({"next_meeting_link": "https://"}, "starts with https:// or http://"),
        ({"next_meeting_link": "https://meet.example.org/a b"}, "starts with https:// or http://"),
        ({"next_meeting_link": "https://x.org/" + "a" * 500}, "at most 500 characters"),
        ({"next_meeting_place": "p" * 201}, "at most 200 characters"),
        ({"next_meeting_method": ""}, "Choose how you will meet."),
        ({"next_meeting_method": "9999"}, "Choose from the options shown."),
        ({"next_meeting_time": ""}, "Enter the time of the meeting."),
        ({"next_meeting_on": START.isoformat(), "next_meeting_time": "06:00"}, "has passed"),
        (
            {"next_meeting_on": "2026-02-30"},
            "Enter the date as year-month-day, for example 2027-03-31.",
        ),
        ({"next_meeting_on": "2026-01-04"}, "can't be in the past"),
    ],
)
def test_bad_meetings_are_refused_with_what_was_typed_kept(pair, both, overrides, message):
    _, mentee = both
    data = meeting_data(**{"next_meeting_place": "Room 7 <b>", **overrides})
    response = mentee.post(pair.url("/next-meeting"), data)
    assert response.status_code == 422
    page = unescaped_html(response)
    assert message in page
    for name in ("next_meeting_place", "next_meeting_link"):
        if data[name] and len(data[name]) < 200 and " " not in data[name].strip():
            assert f'value="{data[name]}"' in page, name
    assert outbox() == []
    agreement = db.session.scalars(select(MentorshipAgreement)).one()
    assert agreement.next_meeting_on is None and agreement.next_meeting_number == 0


def test_bad_input_over_htmx_comes_back_in_the_form(pair, both):
    _, mentee = both
    response = mentee.post(
        pair.url("/next-meeting"), meeting_data(next_meeting_link="mailto:x@y.org"), headers=HTMX
    )
    assert response.status_code == 200
    page = unescaped_html(response)
    assert "starts with https:// or http://" in page and 'value="mailto:x@y.org"' in page
    assert outbox() == []


# --- the pure module -------------------------------------------------------------------------


def test_the_calendar_module_refuses_an_unknown_method():
    person = calendar_invites.Person("A", "a@example.org")
    start = datetime(2026, 1, 15, 14, 30)
    meeting = calendar_invites.Meeting(
        uid="u@x",
        sequence=0,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        summary="s",
        description="d",
        organizer=person,
        attendees=(person,),
        stamp=start,
    )
    with pytest.raises(ValueError):
        calendar_invites.calendar(meeting, "REPLY")
    assert calendar_invites.content_type("CANCEL") == "text/calendar; method=CANCEL; charset=UTF-8"
    assert "ORGANIZER" not in calendar_invites.calendar(meeting, "PUBLISH")


def test_a_planned_meeting_costs_the_page_one_statement_at_most(app, pair, both):
    _, mentee = both
    before = statements_for(app, mentee, pair.url())
    plan(mentee, pair)
    after = statements_for(app, mentee, pair.url())
    assert after - before <= 1, (before, after)  # the way of meeting, by its id
    download = statements_for(app, mentee, pair.url("/next-meeting.ics"))
    assert download <= 12, download
    print(f"statements: page {before} -> {after}, download {download}")


def test_a_mentorship_ended_meanwhile_gets_no_meeting(app, pair):
    """The end committed by another request after this one loaded the mentorship: the save
    reads it again under the agreement's lock and refuses."""
    from sqlalchemy import update

    from app.errors_domain import DomainError
    from app.mentorships import meetings

    mentorship = db.session.get(Mentorship, pair.id)
    assert mentorship.is_active
    db.session.execute(
        update(Mentorship)
        .where(Mentorship.id == pair.id)
        .values(status=Mentorship.ENDED_EARLY)
        .execution_options(synchronize_session=False)
    )  # the object in memory still says active, as one loaded before the end would
    changes = meetings.MeetingChanges(
        on=MEETING_DAY, at=datetime(2026, 1, 1, 14, 30).time(), method_id=int(method_id())
    )
    with pytest.raises(DomainError):
        meetings.set_next_meeting(mentorship, pair.mentee, changes)
    assert outbox() == []
