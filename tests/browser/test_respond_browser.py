"""A mentee asks a mentor; the mentor, not signed in, opens the link from the e-mail in another
browser, reads the request and accepts it; both then see the mentorship. Every page is checked
by axe (WCAG 2.0/2.1 A and AA) and for console and CSP errors: see conftest.py."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import GOALS, agree, mentee_profile, mentor_profile
from tests.support import links_in

pytestmark = pytest.mark.usefixtures("restore_vocabularies")


def test_a_mentor_accepts_from_the_email_link(
    site, page, new_site, live_server, make_member, mail_server
):
    mentor = agree(make_member(name="Morgan Mentor", profile=mentor_profile()), "mentor")
    mentee = agree(
        make_member(email="emery@example.org", name="Emery Mentee", profile=mentee_profile()),
        "mentee",
    )
    sign_in(site, page, mentee.email)
    site.goto(f"/mentors/{mentor.id}/request")
    page.get_by_label("Your message to the mentor").fill(GOALS)
    page.get_by_role("group", name="What you would like help with").get_by_label(
        re.compile("^Job search strategies")
    ).check()
    page.get_by_role("group", name="How you would like to meet").get_by_label("Video call").check()
    with site.navigates():
        page.get_by_role("button", name="Send request").click()
    expect(page.locator("#flash-messages")).to_contain_text("on its way to Morgan Mentor")

    live_server.deliver_mail()
    (message,) = mail_server.to(mentor.email)
    link = next(url for url in links_in(message) if "/respond/" in url)
    assert link.startswith(live_server.url + "/respond/")

    # The mentor, in a browser of their own, not signed in.
    mentor_site = new_site()
    mentor_page = mentor_site.page
    response = mentor_site.goto(link)
    assert response.headers["referrer-policy"] == "no-referrer"
    expect(mentor_page.get_by_role("heading", level=1)).to_have_text(
        "Emery Mentee would like you as their mentor"
    )
    main = mentor_page.get_by_role("main")
    expect(main).to_contain_text(GOALS)
    expect(main).to_contain_text("Video call")
    expect(mentor_page.get_by_label("Note to the mentee (optional)")).to_be_visible()
    # The e-mail's Accept button opened the page with Accept chosen.
    expect(mentor_page.get_by_label("Accept: start the mentorship today")).to_be_checked()
    expect(mentor_page.get_by_label("I'm still taking new mentees")).to_be_checked()
    mentor_page.get_by_label("Note to the mentee (optional)").fill("Happy to help!")
    with mentor_site.navigates():
        mentor_page.get_by_role("button", name="Send my answer").click()
    expect(mentor_page.get_by_role("heading", level=1)).to_have_text("Request accepted")
    expect(mentor_page.locator("#flash-messages")).to_contain_text(
        "You accepted Emery Mentee's request."
    )
    expect(main).to_contain_text("You accepted this request on")
    expect(mentor_page.get_by_role("button", name="Send my answer")).to_have_count(0)

    # Both receive the introduction.
    live_server.deliver_mail()
    assert mail_server.to(mentee.email)[-1]["Subject"] == "Morgan Mentor accepted your request"
    assert mail_server.to(mentor.email)[-1]["Subject"] == "Meet your mentee, Emery Mentee"

    # The mentee sees it on their requests page.
    site.goto("/requests")
    card = page.get_by_role("listitem").filter(has_text="To Morgan Mentor")
    expect(card).to_contain_text("Accepted")

    # The mentor signs in (from the link's page) and sees it too.
    with mentor_site.navigates():
        mentor_page.get_by_role("main").get_by_role(
            "link", name="Sign in and open your requests"
        ).click()
    mentor_page.get_by_label("Email").fill(mentor.email)
    mentor_page.get_by_label("Password", exact=True).fill("correct horse battery staple")
    with mentor_site.navigates():
        mentor_page.get_by_role("button", name="Sign in").click()
    expect(mentor_page).to_have_url(live_server.url + "/requests")
    expect(
        mentor_page.get_by_role("listitem").filter(has_text="From Emery Mentee")
    ).to_contain_text("Accepted")
