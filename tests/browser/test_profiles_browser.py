"""Member profile, walked in Chromium: fill in the profile (the role choices follow the years
typed, through HTMX), fix a refused field, read and confirm a role agreement.

Every page visited and every HTMX swap is checked by axe (WCAG 2.0/2.1 A and AA) and for console
and CSP errors: see conftest.py.
"""

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in


def test_a_member_fills_in_the_profile_and_confirms_the_mentor_agreement(
    site, page, live_server, make_member
):
    member = make_member(email="rowan@example.org", name="Rowan Reader")
    # A refused form answers 422, which Chromium logs as a failed resource.
    site.allow_console_error(r"status of 422")
    sign_in(site, page, member.email)
    expect(page.get_by_role("heading", name="Your next steps")).to_be_visible()

    with site.navigates():
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
    with site.navigates():
        page.get_by_role("link", name="Fill in your profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit your profile")

    main = page.get_by_role("main")
    years = page.get_by_label("Years of library work experience")
    roles = page.get_by_role("group", name="Your role in the program")
    mentor = roles.get_by_label("Mentor: I can guide a mentee")
    both = roles.get_by_label("Both mentor and mentee")
    mentee = roles.get_by_label("Mentee: I would like a mentor")
    announcement = page.locator("#role-announcement")
    expect(announcement).to_have_attribute("aria-live", "polite")
    # Without a swap yet every role is open (the page works without JavaScript).
    expect(mentor).to_be_enabled()

    both.check()
    years.click()
    with site.swaps():
        years.fill("2")
    expect(years).to_be_focused()
    expect(mentor).to_be_disabled()
    expect(both).to_be_disabled()
    expect(mentee).to_be_checked()
    expect(announcement).to_contain_text("you can take part as a mentee")
    expect(announcement).to_contain_text("Your role is now set to mentee.")

    with site.swaps():
        years.fill("12")
    expect(years).to_be_focused()
    expect(mentor).to_be_enabled()
    expect(both).to_be_enabled()
    expect(announcement).to_have_text(re.compile("you can be a mentor, a mentee, or both"))
    both.check()

    page.get_by_label("Current position").fill("Branch Manager")
    page.get_by_role("group", name="Library sectors").get_by_label("Public libraries").check()
    page.get_by_label("Membership number").fill("OLA-424242")
    page.get_by_label("Membership expiry date").fill("2030-06-30")
    page.get_by_role("group", name="Program objectives").get_by_label(
        re.compile("^Career development")
    ).check()
    page.get_by_label("Region of Ontario").select_option(label="Ottawa region")
    page.get_by_label("City or town").fill("Ottawa")
    page.get_by_role("group", name="Ways you can meet").get_by_label("Video call").check()
    page.get_by_label("Mentees at once").fill("9")
    with site.navigates(status=422):
        page.get_by_role("button", name="Save profile").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Mentees at once: Choose a number from 1 to 5.")
    capacity = page.get_by_label("Mentees at once")
    expect(capacity).to_have_attribute("aria-invalid", "true")
    expect(capacity).to_have_accessible_description(re.compile("Choose a number from 1 to 5."))
    expect(both).to_be_checked()  # what was typed is kept
    capacity.fill("2")
    with site.navigates():
        page.get_by_role("button", name="Save profile").click()

    expect(page).to_have_url(live_server.url + "/profile")
    expect(page.locator("#flash-messages")).to_contain_text("Your profile is saved.")
    checklist = page.get_by_role("region", name="Before you can take part")
    expect(checklist).to_contain_text("has not verified your membership yet")
    expect(checklist.get_by_role("heading", name="As a mentee")).to_be_visible()
    expect(checklist.get_by_role("heading", name="As a mentor")).to_be_visible()

    with site.navigates():
        checklist.locator('[data-reason="mentor_agreement"]').get_by_role(
            "link", name="Read and confirm"
        ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What is expected of a mentor")
    expect(main).to_contain_text("Finding your mentee a job")

    with site.navigates(status=422):
        page.get_by_role("button", name="Confirm").click()
    expect(page.locator("#error-summary")).to_contain_text("Tick the box to confirm you agree.")
    page.get_by_label("I have read these expectations and I agree to them.").check()
    with site.navigates():
        page.get_by_role("button", name="Confirm").click()

    expect(page).to_have_url(live_server.url + "/profile")
    expect(page.locator("#flash-messages")).to_contain_text("what is expected of a mentor")
    expect(page.locator('[data-reason="mentor_agreement"]')).to_have_count(0)
    expect(page.locator('[data-reason="mentee_agreement"]')).to_have_count(1)


def test_the_delete_page_and_the_mentor_invitation(site, page, make_member):
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Region, Sector

    member = make_member(
        email="sam@example.org",
        profile={
            "display_name": "Sam",
            "position": "Library Technician",
            "years_experience": 4,
            "role": "mentee",
            "region": db.session.scalar(select(Region).where(Region.code == "toronto")),
            "sectors": [db.session.scalar(select(Sector).where(Sector.code == "public"))],
        },
    )
    site.allow_console_error(r"status of 422")
    sign_in(site, page, member.email)
    invitation = page.get_by_role("region", name="You could be a mentor now")
    expect(invitation).to_be_visible()
    with site.navigates():
        invitation.get_by_role("link", name="Read what is expected of a mentor").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What is expected of a mentor")

    site.goto("/profile/delete")
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete your account")
    page.get_by_label("Your password").fill("wrong password")
    with site.navigates(status=422):
        page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_label("Your password")).to_have_accessible_description(
        re.compile("That is not your password.")
    )
