"""A mentorship, walked in Chromium by both of the pair: the mentee logs a check-in (HTMX adds
it to the timeline, focus moves to it, the live region announces it), writes the agreement in
place; the mentor, in a second browser, confirms it and ticks off a goal with the keyboard.

Every page visited and every HTMX swap is checked by axe (WCAG 2.0/2.1 A and AA) and for console
and CSP errors: see conftest.py.
"""

import re
from datetime import timedelta

from playwright.sync_api import expect

from app import clock
from app.extensions import db
from app.models import Mentorship
from tests.browser.conftest import sign_in
from tests.factories import add_mentorship


def focused_names(page, presses: int = 120) -> list[str]:
    """What keyboard focus lands on, pressing Tab from the top of the page."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.locator("body").focus()
    names = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        names.append(
            page.evaluate(
                """() => {
                  const el = document.activeElement;
                  if (!el || el === document.body) return "";
                  const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
                  return (el.getAttribute("aria-label") || label || el.innerText || el.value || "")
                    .trim().replace(/\\s+/g, " ");
                }"""
            )
        )
    return names


def test_a_pair_keep_their_mentorship_going(site, new_site, live_server, make_member):
    today = clock.today()
    mentor = make_member(
        email="morgan@example.org",
        name="Morgan Mentor",
        profile={"display_name": "Morgan M.", "phone": "416-555-0101", "role": "mentor"},
    )
    mentee = make_member(
        email="emery@example.org",
        name="Emery Mentee",
        profile={"display_name": "Emery E.", "role": "mentee"},
    )
    started = today - timedelta(days=20)
    mentorship = Mentorship(
        mentor_id=mentor.id,
        mentee_id=mentee.id,
        started_on=started,
        minimum_end_on=started + timedelta(days=182),
    )
    db.session.add(mentorship)
    db.session.commit()

    # --- the mentee ---------------------------------------------------------------------------
    page = site.page
    sign_in(site, page, mentee.email)
    with site.navigates():
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Mentorships").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your mentorships")
    with site.navigates():
        page.get_by_role("link", name="Morgan M.").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your mentorship with Morgan M.")
    expect(page.get_by_text("morgan@example.org")).to_be_visible()

    # A check-in, added with HTMX, in the form opened on demand (which takes the focus).
    form = page.locator("#check-in-form")
    expect(form).to_be_hidden()
    page.get_by_text("Log a check-in", exact=True).click()
    expect(form.get_by_label("Date you met")).to_be_focused()
    site.check()
    form.get_by_label("Date you met").fill(today.isoformat())
    form.get_by_label("How you met").select_option(label="Video call")
    form.get_by_label("Minutes").fill("45")
    form.get_by_role("group", name="Objectives you worked on").get_by_label(
        re.compile("^Career development")
    ).check()
    form.get_by_label("Note shared with your partner").fill("Talked about the job market.")
    form.get_by_label("Private note, only for you").fill("I felt nervous.")
    form.get_by_role("group", name="How is it going?").get_by_label("Well", exact=True).check()
    with site.swaps():
        form.get_by_role("button", name="Add the check-in").click()
    new_entry = page.locator("#timeline .check-in-heading").first
    expect(new_entry).to_be_focused()
    expect(new_entry).to_contain_text("Video call, 45 minutes")
    expect(page.locator("#check-in-announcement")).to_have_text("Check-in added.")
    expect(page.locator("#check-in-announcement")).to_have_attribute("aria-live", "polite")
    expect(page.locator("#timeline")).to_contain_text("I felt nervous.")
    expect(form.get_by_label("Minutes")).to_have_value("")  # the form is reset
    expect(page.locator("#progress-region")).to_contain_text("Meetings")
    expect(page.locator("#progress-region dd").nth(2)).to_have_text("1")

    # The agreement, written in place.
    agreement = page.locator("#agreement")
    with site.swaps():
        agreement.get_by_role("link", name="Write the agreement").click()
    expect(page.get_by_role("heading", name="Edit your agreement")).to_be_focused()
    agreement.get_by_role("group", name="How often you meet").get_by_label(
        "Every two weeks"
    ).check()
    agreement.get_by_role("group", name="How you meet").get_by_label("Video call").check()
    agreement.get_by_role("group", name="Goals from the program's objectives").get_by_label(
        re.compile("^Job search")
    ).check()
    agreement.get_by_label("Your goals in your own words").fill("Review my resume.")
    agreement.get_by_label("We keep what we discuss in this mentorship confidential").check()
    with site.swaps():
        agreement.get_by_role("button", name="Save the agreement").click()
    expect(page.locator("#agreement-state")).to_be_focused()
    expect(agreement).to_contain_text("You (mentee): confirmed on")
    expect(agreement).to_contain_text("Morgan M. (mentor): not confirmed yet")
    expect(page.locator("#agreement-announcement")).to_contain_text(
        "Agreement saved and confirmed by you"
    )

    # A goal, added in place.
    goals = page.locator("#goals")
    goals.get_by_text("Add a goal", exact=True).click()
    expect(goals.get_by_label("New goal")).to_be_focused()
    goals.get_by_label("New goal").fill("Practise a panel interview")
    goals.get_by_label("Objective it serves").select_option(
        label="Career development, exploration and advancement"
    )
    with site.swaps():
        goals.get_by_role("button", name="Add the goal").click()
    expect(goals.get_by_label("New goal")).to_be_focused()
    expect(goals.get_by_label("New goal")).to_have_value("")
    expect(page.locator("#goal-announcement")).to_have_text(
        "Goal added: Practise a panel interview"
    )
    expect(page.locator("#glance-goals")).to_contain_text("0 of 1")

    # --- the mentor, in a second browser ------------------------------------------------------
    mentor_site = new_site()
    mentor_page = mentor_site.page
    sign_in(mentor_site, mentor_page, mentor.email)
    mentor_site.goto(f"/mentorships/{mentorship.id}")
    expect(mentor_page.locator("#timeline")).to_contain_text("Talked about the job market.")
    expect(mentor_page.locator("#timeline")).not_to_contain_text("I felt nervous.")
    with mentor_site.swaps():
        mentor_page.get_by_role("button", name="Confirm the agreement").click()
    expect(mentor_page.locator("#agreement-state")).to_have_text("Agreed by you both")
    expect(mentor_page.locator("#agreement-state")).to_be_focused()
    expect(mentor_page.locator("#agreement-announcement")).to_have_text(
        "You confirmed the agreement. You have both confirmed it."
    )

    # A goal marked done with the keyboard; focus stays on it.
    goal = mentor_page.get_by_role("button", name="Practise a panel interview")
    expect(goal).to_have_attribute("aria-pressed", "false")
    goal.focus()
    with mentor_site.swaps():
        mentor_page.keyboard.press("Enter")
    goal = mentor_page.get_by_role("button", name="Practise a panel interview")
    expect(goal).to_have_attribute("aria-pressed", "true")
    expect(goal).to_be_focused()
    expect(mentor_page.locator("#goal-announcement")).to_have_text(
        "Practise a panel interview: done."
    )
    expect(mentor_page.locator("#glance-goals")).to_contain_text("1 of 1")

    # Every control of the page can be reached with the keyboard.
    reached = focused_names(mentor_page)
    for name in (
        "Mentorships",
        "emery@example.org",
        "Edit the agreement",
        "Practise a panel interview",
        "Add a goal",
        "Log a check-in",
        "Plan your next meeting",
        "logs a check-in: change",
    ):
        assert any(name in seen for seen in reached), (name, reached)
    mentor_site.check()

    # The mentee sees the agreement confirmed by both.
    site.goto(f"/mentorships/{mentorship.id}")
    expect(page.locator("#agreement-state")).to_have_text("Agreed by you both")
    expect(page.get_by_role("button", name="Practise a panel interview")).to_have_attribute(
        "aria-pressed", "true"
    )


def test_a_mentee_who_reads_french_logs_a_check_in_in_french(site, live_server, make_member):
    """The same page in French: labels, the HTMX swap, its live-region announcement, focus,
    and axe on the French page (`<html lang="fr-CA">`)."""
    today = clock.today()
    mentor = make_member(email="morgan@example.org", profile={"display_name": "Morgan M."})
    mentee = make_member(email="emery@example.org", profile={"display_name": "Emery E."})
    mentee.locale = "fr"
    mentorship = add_mentorship(mentor, mentee, today - timedelta(days=20))

    page = site.page
    sign_in(site, page, mentee.email)
    site.goto(f"/mentorships/{mentorship.id}")
    expect(page.locator("html")).to_have_attribute("lang", "fr-CA")
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre mentorat avec Morgan M.")
    form = page.locator("#check-in-form")
    page.get_by_text("Consigner un suivi", exact=True).click()
    expect(form.get_by_label("Date de la rencontre")).to_be_focused()
    form.get_by_label("Date de la rencontre").fill(today.isoformat())
    form.get_by_label("Comment vous vous êtes rencontrés").select_option(index=1)
    form.get_by_label("Minutes").fill("45")
    form.get_by_role("group", name="Comment ça se passe?").get_by_label("Bien", exact=True).check()
    with site.swaps():
        form.get_by_role("button", name="Ajouter le suivi").click()
    new_entry = page.locator("#timeline .check-in-heading").first
    expect(new_entry).to_be_focused()
    expect(new_entry).to_contain_text("45 minutes")
    expect(page.locator("#check-in-announcement")).to_have_text("Suivi ajouté.")
    expect(page.locator("#timeline")).to_contain_text("Consigné par vous.")
