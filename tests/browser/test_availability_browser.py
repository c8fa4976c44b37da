"""A mentor who is busy answers from the e-mail's Decline button and says they are away until
a day, in the same step; later they pause from their availability page and come back. Both
pages at 1280 and 390 pixels wide, each checked by axe (WCAG 2.0/2.1 A and AA) and for console
and CSP errors: see conftest.py."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import agree, ask, mentee_profile, mentor_profile
from tests.support import links_in

pytestmark = pytest.mark.usefixtures("restore_vocabularies")

WIDTHS = (1280, 390)


def at_widths(site, page) -> dict[int, int]:
    """Check the page at each width (no sideways scrolling); its height at each, in pixels."""
    heights = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        site.check()
        sizes = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
        )
        assert sizes[0] <= width, f"sideways scrolling at {width}px: {sizes[0]}px wide"
        heights[width] = sizes[1]
    page.set_viewport_size({"width": 1280, "height": 900})
    return heights


def test_a_mentor_declines_as_away_from_the_email_then_pauses_and_comes_back(
    site, page, new_site, live_server, make_member, mail_server
):
    mentor = agree(make_member(name="Morgan Mentor", profile=mentor_profile()), "mentor")
    mentee = agree(make_member(name="Emery Mentee", profile=mentee_profile()), "mentee")
    other = agree(make_member(name="Riley Mentee", profile=mentee_profile()), "mentee")
    ask(mentee, mentor)
    ask(other, mentor)
    live_server.deliver_mail()
    message = next(m for m in mail_server.to(mentor.email) if "Emery" in m["Subject"])
    decline = next(url for url in links_in(message) if url.endswith("?choice=decline"))

    mentor_site = new_site()
    mentor_site.allow_console_error(r"status of 422")  # the refused days below
    mentor_page = mentor_site.page
    mentor_site.goto(decline)
    expect(mentor_page.get_by_role("heading", level=1)).to_have_text(
        "Emery Mentee would like you as their mentor"
    )
    for name in ("What Emery Mentee asked", "Your answer", "I'm not taking new mentees for now"):
        expect(mentor_page.get_by_role("heading", level=2, name=name)).to_be_visible()
    expect(mentor_page.get_by_label("Decline", exact=True)).to_be_checked()
    decision_heights = at_widths(mentor_site, mentor_page)

    # A day in the past first: refused, what was typed kept.
    mentor_page.get_by_label("I'm away: take me out of the directory until a day I choose").check()
    mentor_page.get_by_label("Away until (if you are away)").fill("2020-01-01")
    with mentor_site.navigates(status=422):
        mentor_page.get_by_role("button", name="Send my answer").click()
    expect(mentor_page.get_by_role("alert")).to_contain_text("The day you are back must be after")
    expect(mentor_page.get_by_label("Decline", exact=True)).to_be_checked()
    mentor_site.check()
    mentor_page.get_by_label("Away until (if you are away)").fill("2030-01-01")
    with mentor_site.navigates(status=422):
        mentor_page.get_by_role("button", name="Send my answer").click()
    expect(mentor_page.get_by_role("alert")).to_contain_text("Choose a day within a year")
    mentor_site.check()

    back_on = page.evaluate(
        "() => { const d = new Date(Date.now() + 30 * 864e5); return d.toISOString().slice(0, 10) }"
    )
    mentor_page.get_by_label("Away until (if you are away)").fill(back_on)
    with mentor_site.navigates():
        mentor_page.get_by_role("button", name="Send my answer").click()
    expect(mentor_page.get_by_role("heading", level=1)).to_have_text("Request declined")
    expect(mentor_page.locator("#flash-messages")).to_contain_text("You are away until")

    # Later, signed in: the availability page says so; the mentor changes the day, then is back.
    sign_in(mentor_site, mentor_page, mentor.email)
    mentor_site.goto("/profile/availability")
    expect(mentor_page.get_by_role("heading", level=1)).to_have_text("Your availability")
    expect(mentor_page.locator("#away-status")).to_contain_text("You are away until")
    waiting = mentor_page.get_by_role("group", name="Requests waiting for your answer")
    expect(waiting).to_be_visible()
    availability_heights = at_widths(mentor_site, mentor_page)
    mentor_page.get_by_label("Away until").fill("")  # a date input sends only real days
    with mentor_site.navigates(status=422):
        mentor_page.get_by_role("button", name="Save the new return day").click()
    expect(mentor_page.get_by_role("alert")).to_contain_text("Enter the day you will be back.")
    mentor_site.check()
    with mentor_site.navigates():
        mentor_page.get_by_role("button", name="I'm back now").click()
    expect(mentor_page.locator("#flash-messages")).to_contain_text("Welcome back")
    expect(mentor_page.get_by_role("heading", level=2, name="Pause until a date")).to_be_visible()
    at_widths(mentor_site, mentor_page)
    print(f"decision page heights {decision_heights}, availability {availability_heights}")
