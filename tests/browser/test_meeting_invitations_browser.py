"""Planning the next meeting in Chromium: a link that is not a web address is refused in place
(HTMX; the error summary takes focus, what was typed stays), the corrected meeting is saved and
announced, "add to calendar" appears by the progress and the check-ins, both of the pair receive
the invitation, and cancelling it is announced too. axe checks every page and swap."""

from datetime import timedelta

import icalendar
from playwright.sync_api import expect

from app import clock
from tests.browser.conftest import sign_in
from tests.factories import add_mentorship


def _invitation(mail_server, address: str) -> icalendar.Calendar:
    [message] = [m for m in mail_server.to(address) if "mentoring meeting" in m["Subject"]][-1:]
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    return icalendar.Calendar.from_ical(part.get_content())


def test_a_mentee_plans_the_next_meeting(site, live_server, make_member, mail_server):
    today = clock.today()
    mentor = make_member(
        email="morgan@example.org", name="Morgan Mentor", profile={"display_name": "Morgan M."}
    )
    mentee = make_member(
        email="emery@example.org", name="Emery Mentee", profile={"display_name": "Emery E."}
    )
    mentorship = add_mentorship(mentor, mentee, today - timedelta(days=20))

    page = site.page
    sign_in(site, page, mentee.email)
    site.goto(f"/mentorships/{mentorship.id}")
    expect(page.get_by_role("link", name="Add to calendar")).to_have_count(0)

    day = (today + timedelta(days=7)).isoformat()
    page.locator("#progress summary", has_text="Plan your next meeting").click()  # on demand
    page.get_by_label("Date", exact=True).fill(day)
    page.get_by_label("Time", exact=True).fill("14:30")
    page.get_by_label("How you will meet").select_option(label="Video call")
    page.get_by_label("Video link (optional)").fill("meet.example.org/abc")
    with site.swaps():
        page.get_by_role("button", name="Save next meeting").click()
    summary = page.locator("#progress-region .error-summary")
    expect(summary).to_contain_text("starts with https:// or http://")
    expect(summary).to_be_focused()
    expect(page.get_by_label("Video link (optional)")).to_have_value("meet.example.org/abc")
    expect(page.get_by_label("Date", exact=True)).to_have_value(day)

    page.get_by_label("Video link (optional)").fill("https://meet.example.org/abc")
    with site.swaps():
        page.get_by_role("button", name="Save next meeting").click()
    expect(page.locator("#progress-announcement")).to_have_text("Next meeting saved.")
    expect(page.locator("#progress-region")).to_contain_text("14:30 (America/Toronto)")
    expect(page.locator("#progress-region")).to_contain_text("Video call")
    # By the progress and, swapped out of band, by the check-ins.
    expect(page.get_by_role("link", name="Add to calendar")).to_have_count(2)
    expect(page.locator("#check-ins").get_by_role("link", name="Add to calendar")).to_be_visible()
    site.goto(f"/mentorships/{mentorship.id}")
    expect(page.get_by_role("link", name="Add to calendar")).to_have_count(2)

    live_server.deliver_mail()
    for address in (mentor.email, mentee.email):
        calendar = _invitation(mail_server, address)
        assert calendar["METHOD"] == "REQUEST"
        [event] = calendar.walk("VEVENT")
        assert event["URL"] == "https://meet.example.org/abc"

    with site.swaps():
        page.get_by_role("button", name="Cancel the next meeting").click()
    expect(page.locator("#progress-announcement")).to_have_text("Next meeting cancelled.")
    # The button is gone with the swap: focus on what the meeting now is ("Not planned").
    expect(page.locator("#progress-region .next-meeting-details")).to_be_focused()
    expect(page.get_by_role("link", name="Add to calendar")).to_have_count(0)
    live_server.deliver_mail()
    assert _invitation(mail_server, mentor.email)["METHOD"] == "CANCEL"
