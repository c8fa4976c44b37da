"""A mentee asks a mentor, follows the request on /requests and withdraws it with HTMX, walked in
Chromium. Every page and every swap is checked by axe (WCAG 2.0/2.1 A and AA) and for console
and CSP errors: see conftest.py."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import GOALS, agree, ask, mentee_profile, mentor_profile

pytestmark = pytest.mark.usefixtures("restore_vocabularies")


def test_a_mentee_sends_a_request_and_withdraws_it(
    site, page, live_server, make_member, mail_server
):
    mentor = agree(
        make_member(name="Morgan Mentor", profile=mentor_profile(bio="Reference for 20 years.")),
        "mentor",
    )
    mentee = agree(
        make_member(email="emery@example.org", name="Emery Mentee", profile=mentee_profile()),
        "mentee",
    )
    site.allow_console_error(r"status of 422")  # the refused form
    sign_in(site, page, mentee.email)

    site.goto(f"/mentors/{mentor.id}/request")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask Morgan Mentor to be your mentor")
    expect(page.get_by_role("main")).to_contain_text("Reference for 20 years.")

    # Too short: the form says so and keeps what was typed.
    message = page.get_by_label("Your message to the mentor")
    message.fill("Hello!")
    with site.navigates(status=422):
        page.get_by_role("button", name="Send request").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Write at least 50 characters")
    expect(summary).to_contain_text("Choose at least one objective.")
    expect(message).to_have_attribute("aria-invalid", "true")
    expect(message).to_have_value("Hello!")

    message.fill(GOALS)
    page.get_by_role("group", name="What you would like help with").get_by_label(
        re.compile("^Job search strategies")
    ).check()
    page.get_by_role("group", name="How you would like to meet").get_by_label("Video call").check()
    with site.navigates():
        page.get_by_role("button", name="Send request").click()

    expect(page).to_have_url(live_server.url + "/requests")
    expect(page.locator("#flash-messages")).to_contain_text(
        "Your request is on its way to Morgan Mentor."
    )
    card = page.get_by_role("listitem").filter(has_text="To Morgan Mentor")
    expect(card).to_contain_text("Waiting for an answer")
    nav = page.get_by_role("navigation", name="Main").get_by_role("link", name="Requests")
    expect(nav).to_have_attribute("aria-current", "page")

    # Withdrawing asks first; the question's button takes the focus.
    card.locator("summary", has_text="Withdraw").click()
    expect(card).to_contain_text("Withdraw your request to Morgan Mentor? We tell them")
    confirm = card.get_by_role("button", name="Yes, withdraw it")
    expect(confirm).to_be_focused()
    site.check()
    with site.swaps():
        confirm.press("Enter")
    expect(page).to_have_url(live_server.url + "/requests")  # no page load: swapped in place
    expect(card).to_contain_text("Withdrawn")
    expect(card.get_by_role("button")).to_have_count(0)
    expect(card.get_by_role("heading", name="To Morgan Mentor")).to_be_focused()
    live = page.locator("#flash-messages")
    expect(live).to_have_attribute("aria-live", "polite")
    expect(live).to_have_text("You withdrew your request to Morgan Mentor.")

    # The change is real: a reload shows the same.
    with site.navigates():
        page.reload()
    expect(page.get_by_role("listitem").filter(has_text="To Morgan Mentor")).to_contain_text(
        "Withdrawn"
    )

    # The mentor was told of the request, then that no answer is needed.
    live_server.deliver_mail()
    assert [m["Subject"] for m in mail_server.to(mentor.email)] == [
        "Emery Mentee would like you as their mentor",
        "Emery Mentee withdrew their request",
    ]


def test_a_mentor_reads_a_request_and_accepts_one_and_declines_another(
    site, page, live_server, make_member
):
    mentor = agree(
        make_member(
            email="morgan@example.org",
            name="Morgan Mentor",
            profile=mentor_profile(mentor_capacity=1),
        ),
        "mentor",
    )
    first = agree(make_member(name="Emery Mentee", profile=mentee_profile()), "mentee")
    second = agree(make_member(name="Avery Mentee", profile=mentee_profile()), "mentee")
    ask(first, mentor, message="First: " + GOALS)
    ask(second, mentor, message="Second: " + GOALS)
    site.allow_console_error(r"status of 422")
    sign_in(site, page, mentor.email)

    site.goto("/requests")
    received = page.get_by_role("region", name="Requests you received")
    emery = received.get_by_role("listitem").filter(has_text="From Emery Mentee")
    expect(emery).to_contain_text("First: " + GOALS)
    expect(emery).to_contain_text("MLIS student, Western University")

    avery = received.get_by_role("listitem").filter(has_text="From Avery Mentee")
    avery.get_by_label("Note to Avery Mentee (optional)").fill("x" * 1001)
    with site.navigates(status=422):
        avery.get_by_role("button", name="Decline Avery Mentee's request").click()
    avery = page.get_by_role("listitem").filter(has_text="From Avery Mentee")
    note = avery.get_by_label("Note to Avery Mentee (optional)")
    expect(note).to_have_attribute("aria-invalid", "true")
    expect(note).to_have_accessible_description(re.compile("Use at most 1,000 characters"))
    note.fill("My spots are full this term; the reference group may help.")
    with site.navigates():
        avery.get_by_role("button", name="Decline Avery Mentee's request").click()
    expect(page.locator("#flash-messages")).to_contain_text("You declined Avery Mentee's request.")

    with site.navigates():
        page.get_by_role("button", name="Accept Emery Mentee's request").click()
    expect(page.locator("#flash-messages")).to_contain_text("You accepted Emery Mentee's request.")
    expect(page.get_by_role("listitem").filter(has_text="From Emery Mentee")).to_contain_text(
        "Accepted"
    )
    expect(page.get_by_role("button", name=re.compile("Accept"))).to_have_count(0)
