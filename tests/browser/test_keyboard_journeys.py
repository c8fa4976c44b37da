"""Every journey of the product done with the keyboard alone (Tab, Shift+Tab, Enter, Space and
typing; no click), with a visible focus indicator on everything reached (see keyboard.py), focus
put somewhere sensible after each HTMX swap and on each error summary. The accessibility
statement names exactly the journeys walked here: `walks(key)` marks a test with the keys of
`app.main.accessibility.JOURNEYS` it walks, and a test fails when the two lists differ.

Every page and swap is also checked by axe (WCAG 2.0-2.2 A and AA) as everywhere (conftest.py).
"""

import re
from datetime import timedelta

from playwright.sync_api import expect

from app import clock
from app.extensions import db
from app.main.accessibility import JOURNEYS
from app.models import MentorshipRequest
from app.models.profiles import MENTEE, MENTOR
from app.requests.links import make_link_token
from tests.browser.keyboard import (
    assert_focus_visible,
    keyboard_sign_in,
    press_on,
    tab_to,
    type_into,
)
from tests.factories import GOALS, add_mentorship, add_request
from tests.support import links_in

WALKED: dict[str, str] = {}
PASSWORD = "lighthouse marmalade quietly"


def walks(*keys: str):
    """Mark a test as walking these journeys of the accessibility statement."""

    def mark(test):
        for key in keys:
            WALKED[key] = test.__name__
        return test

    return mark


def main_nav(page, name):
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name)


@walks("register")
def test_joining_with_the_keyboard(site, page, live_server, mail_server):
    site.allow_console_error(r"status of 422")  # a refused form
    site.goto("/")
    with site.navigates():
        press_on(page, main_nav(page, "Join"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Join Mentor Match")
    type_into(page, page.get_by_label("Full name"), "Ada Lovelace")
    type_into(page, page.get_by_label("Email"), "ada@example.org")
    type_into(page, page.get_by_label("Password", exact=True), "short")
    with site.navigates():  # the form comes back, with its errors
        press_on(page, page.get_by_role("button", name="Create account"))

    # The error summary has focus; its links lead to the fields.
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    press_on(page, summary.get_by_role("link").first)
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    type_into(page, page.get_by_label("Password", exact=True), PASSWORD)
    type_into(page, page.get_by_label("Confirm password"), PASSWORD)
    consent = page.get_by_label(re.compile("I have read the privacy notice"))
    press_on(page, consent, "Space")
    expect(consent).to_be_checked()
    with site.navigates():
        press_on(page, page.get_by_role("button", name="Create account"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")

    live_server.deliver_mail()
    (message,) = mail_server.to("ada@example.org")
    site.goto(next(link for link in links_in(message) if "/auth/verify/" in link))
    with site.navigates():
        press_on(page, page.get_by_role("button", name="Confirm my e-mail address"))
    type_into(page, page.get_by_label("Email"), "ada@example.org")
    type_into(page, page.get_by_label("Password", exact=True), PASSWORD)
    with site.navigates():
        press_on(page, page.get_by_role("button", name="Sign in"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Ada Lovelace")


@walks("profile")
def test_editing_the_profile_with_the_keyboard(site, page, people):
    site.allow_console_error(r"status of 422")
    mentor = people("Rowan Reader", MENTOR, position="Branch Manager")
    keyboard_sign_in(site, page, mentor.email)
    with site.navigates():
        press_on(page, main_nav(page, "Profile"))
    with site.navigates():
        press_on(page, page.get_by_role("link", name="Edit your profile"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit your profile")
    capacity = page.get_by_label("Mentees at once")
    type_into(page, capacity, "")
    with site.navigates(status=422):
        press_on(page, page.get_by_role("button", name="Save profile"))
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary")).to_contain_text("how many mentees")
    type_into(page, page.get_by_label("Mentees at once"), "2")
    with site.navigates():
        press_on(page, page.get_by_role("button", name="Save profile"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")


@walks("directory-request", "decision")
def test_finding_a_mentor_asking_and_answering_with_the_keyboard(
    site, page, new_site, live_server, mail_server, people
):
    mentor = people("Alex Archivist", MENTOR, position="Archivist", sectors=("archives",))
    people("Casey Children", MENTOR, position="Children's Librarian", sectors=("public",))
    mentee = people("Sam Mentee", MENTEE, employer="Brantford Public Library")
    keyboard_sign_in(site, page, mentee.email)
    with site.navigates():
        press_on(page, main_nav(page, "Find a mentor"))
    search = page.get_by_label("Search mentors")
    with site.swaps():
        type_into(page, search, "archivist")
    expect(search).to_be_focused()  # typing is not interrupted by the results changing
    expect(page.locator("#mentor-count")).to_have_text("1 mentor found.")
    with site.navigates():
        press_on(page, page.locator("#mentor-results").get_by_role("link", name="Alex Archivist"))
    with site.navigates():
        press_on(page, page.get_by_role("link", name="Request mentorship"))
    type_into(page, page.get_by_label("Your message to the mentor"), "Help me find my way.")
    objectives = page.get_by_role("group", name="What you would like help with")
    press_on(page, objectives.get_by_role("checkbox").first, "Space")
    methods = page.get_by_role("group", name="How you would like to meet")
    press_on(page, methods.get_by_role("radio").first, "Space")
    site.allow_console_error(r"status of 422")
    with site.navigates(status=422):
        press_on(page, page.get_by_role("button", name="Send request"))
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Write at least 50 characters")
    type_into(page, page.get_by_label("Your message to the mentor"), GOALS)
    with site.navigates():
        press_on(page, page.get_by_role("button", name="Send request"))
    expect(page.locator("#flash-messages")).to_contain_text("on its way to Alex Archivist")

    # The mentor answers from the e-mail's link, in a browser of their own, not signed in.
    live_server.deliver_mail()
    (message,) = mail_server.to(mentor.email)
    link = next(url for url in links_in(message) if "/respond/" in url)
    mentor_site = new_site()
    mentor_page = mentor_site.page
    mentor_site.goto(link)  # the e-mail's Accept button: Accept is chosen already
    expect(mentor_page.get_by_label("Accept: start the mentorship today")).to_be_checked()
    type_into(mentor_page, mentor_page.get_by_label("Note to the mentee (optional)"), "Gladly!")
    with mentor_site.navigates():
        press_on(mentor_page, mentor_page.get_by_role("button", name="Send my answer"))
    expect(mentor_page.get_by_role("heading", level=1)).to_have_text("Request accepted")


@walks("decision")
def test_declining_from_the_email_as_away_with_the_keyboard(new_site, people):
    mentor = people("Alex Archivist", MENTOR)
    mentee = people("Sam Mentee", MENTEE)
    waiting = add_request(mentee, mentor, MentorshipRequest.PENDING, clock.utcnow())
    site = new_site(locale="en-US")
    page = site.page
    site.goto(f"/respond/{make_link_token(waiting)}")
    # Each group of radio buttons is one Tab stop; the arrow keys choose within it.
    tab_to(page, page.get_by_label("Accept: start the mentorship today"))
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Decline", exact=True)).to_be_checked()
    tab_to(page, page.get_by_label("I'm still taking new mentees"))
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    away = page.get_by_label("I'm away: take me out of the directory until a day I choose")
    expect(away).to_be_checked()
    back_on = clock.today() + timedelta(days=30)
    tab_to(page, page.get_by_label("Away until (if you are away)"))
    page.keyboard.type(f"{back_on:%m%d%Y}")
    with site.navigates():
        press_on(page, page.get_by_role("button", name="Send my answer"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Request declined")
    expect(page.locator("#flash-messages")).to_contain_text("You are away until")


def open_the_mentorship_as_the_mentee(new_site, people):
    """Emery Mentee, 20 days into a mentorship with Morgan Mentor, signs in and opens it with
    the keyboard; returns `(site, page, today)`."""
    today = clock.today()
    mentor = people("Morgan Mentor", MENTOR)
    mentee = people("Emery Mentee", MENTEE)
    add_mentorship(mentor, mentee, today - timedelta(days=20))
    # A known locale, so the date is typed in a known order of its parts.
    site = new_site(locale="en-US")
    page = site.page
    keyboard_sign_in(site, page, mentee.email)
    with site.navigates():
        press_on(page, main_nav(page, "Mentorships"))
    with site.navigates():
        press_on(page, page.get_by_role("main").get_by_role("link", name="Morgan Mentor"))
    return site, page, today


@walks("check-in")
def test_keeping_a_mentorship_going_with_the_keyboard(new_site, people):
    site, page, today = open_the_mentorship_as_the_mentee(new_site, people)

    # The form opens on demand, and takes the focus in its first field.
    form = page.locator("#check-in-form")
    press_on(page, page.locator("#check-ins summary", has_text="Log a check-in"))
    expect(form.get_by_label("Date you met")).to_be_focused()

    # Sent empty: the errors come back in place, with focus on their summary.
    with site.swaps():
        press_on(page, form.get_by_role("button", name="Add the check-in"))
    summary = page.locator("#check-in-form .error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Choose how you met.")

    tab_to(page, form.get_by_label("Date you met"))
    page.keyboard.type(f"{today:%m%d%Y}")
    expect(form.get_by_label("Date you met")).to_have_value(today.isoformat())
    tab_to(page, form.get_by_label("How you met"))
    page.keyboard.type("Video")
    expect(form.get_by_label("How you met")).to_have_value(re.compile(r"\d+"))
    type_into(page, form.get_by_label("Minutes"), "45")
    # A group of radio buttons is one Tab stop; the arrow keys move within it.
    scores = form.get_by_role("group", name="How is it going?").get_by_role("radio")
    press_on(page, scores.first, "Space")
    page.keyboard.press("ArrowRight")
    expect(scores.nth(1)).to_be_checked()
    with site.swaps():
        press_on(page, form.get_by_role("button", name="Add the check-in"))
    expect(page.locator("#check-in-form")).not_to_contain_text("Please correct")
    new_entry = page.locator("#timeline .check-in-heading").first
    expect(new_entry).to_be_focused()
    expect(page.locator("#check-in-announcement")).to_have_text("Check-in added.")

    # A goal, added and ticked off with the keyboard; focus stays where the user is.
    goals = page.locator("#goals")
    press_on(page, goals.locator("summary", has_text="Add a goal"))
    expect(goals.get_by_label("New goal")).to_be_focused()
    page.keyboard.type("Practise a panel interview")
    with site.swaps():
        press_on(page, goals.get_by_role("button", name="Add the goal"))
    expect(goals.get_by_label("New goal")).to_be_focused()
    goal = goals.get_by_role("button", name="Practise a panel interview")
    with site.swaps():
        press_on(page, goal, "Space", backwards=True)
    expect(goal).to_have_attribute("aria-pressed", "true")
    expect(goal).to_be_focused()


@walks("committee-dashboard")
def test_reading_the_dashboard_with_the_keyboard(site, page, make_member, people):
    make_member(email="chair@example.org", name="Chair Person", committee=True)
    mentor = people("Ada Mentor", MENTOR)
    mentee = people("Mo Mentee", MENTEE)
    add_mentorship(mentor, mentee, clock.today() - timedelta(days=40))
    keyboard_sign_in(site, page, "chair@example.org")
    with site.navigates():
        press_on(page, main_nav(page, "Committee"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Committee dashboard")
    with site.swaps():
        press_on(page, page.get_by_role("button", name="Show figures"))
    expect(page.locator("#dashboard-status")).to_contain_text("Dashboard updated")
    # Only the figures are swapped: focus stays on the button, not lost to the page.
    expect(page.get_by_role("button", name="Show figures")).to_be_focused()

    # Every chart has a name, a description and the table of its data, reached by keyboard.
    charts = page.locator("svg[role=img]")
    assert charts.count() >= 1
    for index in range(charts.count()):
        chart = charts.nth(index)
        name = chart.evaluate(
            "svg => svg.getAttribute('aria-labelledby').split(' ')"
            ".map(id => document.getElementById(id).textContent).join(' ')"
        )
        assert name.strip(), "a chart without a name"
        box = chart.locator("xpath=ancestor::figure[1]")
        toggle = box.locator("summary")
        press_on(page, toggle)
        table = box.get_by_role("table")
        expect(table).to_be_visible()
        expect(table.get_by_role("row")).not_to_have_count(0)
    site.check()


@walks("matching")
def test_matching_with_the_keyboard(site, page, make_member, people):
    make_member(email="chair@example.org", name="Chair Person", committee=True)
    for name in ("Ada Reader", "Bo Reader"):
        people(name, MENTEE, employer=f"{name} Library", sectors=("public",))
    people("Oz Mentor", MENTOR, employer="Oz Library", sectors=("public",), mentor_capacity=2)
    keyboard_sign_in(site, page, "chair@example.org")
    site.goto("/committee/")
    with site.navigates():
        press_on(
            page,
            page.get_by_role("navigation", name="Committee").get_by_role("link", name="Matching"),
        )
    expect(page.get_by_role("heading", level=1)).to_have_text("Matching workbench")
    type_into(page, page.get_by_label("Sector: weight when preferred"), "9")
    with site.navigates():
        press_on(page, page.get_by_role("button", name="Run the matching"))
    expect(page.locator(".pairs-table tbody tr")).to_have_count(2)
    press_on(page, page.get_by_role("checkbox", name="Bo Reader"), "Space")
    with site.swaps():
        press_on(page, page.get_by_role("button", name="Remove the pairs ticked"))
    expect(page.get_by_role("heading", name="Pairs", exact=True)).to_be_focused()
    expect(page.locator(".pairs-table tbody tr")).to_have_count(1)


@walks("pause")
def test_pausing_as_a_mentor_and_coming_back_with_the_keyboard(new_site, people):
    today = clock.today()
    mentor = people("Morgan Mentor", MENTOR)
    mentee = people("Emery Mentee", MENTEE)
    add_request(mentee, mentor, MentorshipRequest.PENDING, clock.utcnow() - timedelta(days=1))
    # A known locale, so the date is typed in a known order of its parts.
    site = new_site(locale="en-US")
    page = site.page
    site.allow_console_error(r"status of 422")
    keyboard_sign_in(site, page, mentor.email)
    with site.navigates():
        press_on(page, main_nav(page, "Profile"))
    with site.navigates():
        press_on(page, page.get_by_role("link", name="change your availability"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your availability")

    # A day already past first: the page comes back with its error summary focused, and the
    # summary's link leads to the field.
    away_until = page.get_by_label("Away until")
    tab_to(page, away_until)
    page.keyboard.type("01012020")
    with site.navigates(status=422):
        press_on(page, page.get_by_role("button", name="Pause until that day"))
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    assert_focus_visible(page)
    expect(summary).to_contain_text("The day you are back must be after")
    press_on(page, summary.get_by_role("link").first)
    expect(away_until).to_be_focused()
    back_on = today + timedelta(days=30)
    page.keyboard.type(f"{back_on:%m%d%Y}")
    expect(away_until).to_have_value(back_on.isoformat())

    # The waiting request: one Tab stop for the group, the arrow keys choose.
    choices = page.get_by_role("group", name="Requests waiting for your answer").get_by_role(
        "radio"
    )
    tab_to(page, choices.first)
    page.keyboard.press("ArrowDown")
    expect(choices.nth(1)).to_be_checked()
    with site.navigates():
        press_on(page, page.get_by_role("button", name="Pause until that day"))
    expect(page.locator("#flash-messages")).to_contain_text("You are away until")
    expect(page.locator("#away-status")).to_contain_text("stay open for your return")

    with site.navigates():
        press_on(page, page.get_by_role("button", name="I'm back now"))
    expect(page.locator("#flash-messages")).to_contain_text("Welcome back")
    expect(page.get_by_role("heading", level=2, name="Pause until a date")).to_be_visible()


@walks("next-meeting")
def test_planning_the_next_meeting_with_the_keyboard(new_site, people):
    site, page, today = open_the_mentorship_as_the_mentee(new_site, people)

    # The form opens on demand in the summary, and takes the focus in its first field.
    glance = page.locator("#progress")
    press_on(page, glance.locator("summary", has_text="Plan your next meeting"))
    day = glance.get_by_label("Date", exact=True)
    expect(day).to_be_focused()
    meeting_on = today + timedelta(days=7)
    page.keyboard.type(f"{meeting_on:%m%d%Y}")
    expect(day).to_have_value(meeting_on.isoformat())
    tab_to(page, glance.get_by_label("Time", exact=True))
    page.keyboard.type("0230P")
    expect(glance.get_by_label("Time", exact=True)).to_have_value("14:30")
    tab_to(page, glance.get_by_label("How you will meet"))
    page.keyboard.type("Video")
    expect(glance.get_by_label("How you will meet")).to_have_value(re.compile(r"\d+"))
    type_into(page, glance.get_by_label("Video link (optional)"), "meet.example.org/abc")

    # Not a web address: the problem comes back in place, focused; its link leads to the field.
    with site.swaps():
        press_on(page, glance.get_by_role("button", name="Save next meeting"))
    summary = page.locator("#progress-region .error-summary")
    expect(summary).to_be_focused()
    assert_focus_visible(page)
    expect(summary).to_contain_text("starts with https:// or http://")
    press_on(page, summary.get_by_role("link").first)
    link = glance.get_by_label("Video link (optional)")
    expect(link).to_be_focused()
    type_into(page, link, "https://meet.example.org/abc")
    with site.swaps():
        press_on(page, glance.get_by_role("button", name="Save next meeting"))

    # Saved: announced, and the focus on the meeting as it now stands, not lost to the page.
    expect(page.locator("#progress-announcement")).to_have_text("Next meeting saved.")
    details = page.locator("#progress-region .next-meeting-details")
    expect(details).to_be_focused()
    expect(details).to_contain_text("14:30")
    assert_focus_visible(page)
    calendar = glance.get_by_role("link", name=re.compile("Add to calendar"))
    tab_to(page, calendar)
    expect(calendar).to_have_attribute("href", re.compile(r"next-meeting\.ics$"))


@walks("french")
def test_using_the_portal_in_french_with_the_keyboard(
    site, page, new_site, live_server, mail_server, people
):
    site.allow_console_error(r"status of 422")
    site.goto("/")
    switch = page.get_by_role("button", name="Français")
    expect(switch).to_have_attribute("lang", "fr")
    with site.navigates():
        press_on(page, switch)
    expect(page.locator("html")).to_have_attribute("lang", "fr-CA")
    expect(page.get_by_role("button", name="English")).to_have_attribute("lang", "en")
    expect(page.locator("#flash-messages")).to_have_text("La langue a été changée.")

    with site.navigates():
        press_on(
            page,
            page.get_by_role("navigation", name="Principal").get_by_role("link", name="S’inscrire"),
        )
    expect(page.get_by_role("heading", level=1)).to_have_text("S’inscrire à Mentor Match")
    type_into(page, page.get_by_label("Nom complet"), "Ada Lovelace")
    type_into(page, page.get_by_label("Adresse courriel"), "ada@example.org")
    type_into(page, page.get_by_label("Mot de passe", exact=True), "court")
    with site.navigates():
        press_on(page, page.get_by_role("button", name="Créer le compte"))
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Veuillez corriger")
    press_on(page, summary.get_by_role("link").first)
    expect(page.get_by_label("Mot de passe", exact=True)).to_be_focused()
    type_into(page, page.get_by_label("Mot de passe", exact=True), PASSWORD)
    type_into(page, page.get_by_label("Confirmez le mot de passe"), PASSWORD)
    consent = page.get_by_label(re.compile("J’ai lu l’avis de confidentialité"))
    press_on(page, consent, "Space")
    with site.navigates():
        press_on(page, page.get_by_role("button", name="Créer le compte"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Consultez votre boîte de réception")

    live_server.deliver_mail()
    (message,) = mail_server.to("ada@example.org")
    assert "courriel" in message.get_body(("plain",)).get_content()
    site.goto(next(link for link in links_in(message) if "/auth/verify/" in link))
    with site.navigates():
        press_on(page, page.get_by_role("button", name="Confirmer mon adresse courriel"))
    type_into(page, page.get_by_label("Adresse courriel"), "ada@example.org")
    type_into(page, page.get_by_label("Mot de passe", exact=True), PASSWORD)
    with site.navigates():
        press_on(page, page.get_by_role("button", name="Se connecter"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bienvenue, Ada Lovelace")

    # A mentor who chose French answers from the e-mail link, in a browser of their own that
    # asks for English: the decision page is in the mentor's language.
    mentor = people("Alex Archiviste", MENTOR)
    mentor.locale = "fr"
    db.session.commit()
    mentee = people("Sam Mentee", MENTEE)
    waiting = add_request(mentee, mentor, MentorshipRequest.PENDING, clock.utcnow())
    mentor_site = new_site(locale="en-US")
    mentor_page = mentor_site.page
    mentor_site.goto(f"/respond/{make_link_token(waiting)}")
    expect(mentor_page.locator("html")).to_have_attribute("lang", "fr-CA")
    tab_to(mentor_page, mentor_page.get_by_role("radio").first)
    mentor_page.keyboard.press("Space")
    with mentor_site.navigates():
        press_on(mentor_page, mentor_page.get_by_role("button", name="Envoyer ma réponse"))
    expect(mentor_page.get_by_role("heading", level=1)).to_have_text("Demande acceptée")


def test_the_statement_names_exactly_the_journeys_walked_here():
    assert sorted(WALKED) == sorted(journey.key for journey in JOURNEYS)


def test_the_focus_check_refuses_a_faint_thin_or_missing_ring():
    from tests.browser.keyboard import _rings, contrast

    def style(outline="none", width=0.0, colour="rgb(0, 0, 0)", shadow="none"):
        return {
            "outlineStyle": outline,
            "outlineWidth": width,
            "outlineColor": colour,
            "boxShadow": shadow,
        }

    assert round(contrast("rgb(255, 191, 71)", "rgb(255, 255, 255)"), 1) == 1.6  # our yellow
    assert _rings(style()) == []
    assert _rings(style("solid", 3, "rgb(255, 191, 71)")) == [("rgb(255, 191, 71)", 3)]
    assert _rings(style(shadow="rgb(27, 27, 27) 0px 0px 0px 5px")) == [("rgb(27, 27, 27)", 5)]
    assert _rings(style(shadow="rgb(27, 27, 27) 0px 2px 4px 0px")) == []  # a drop shadow


def test_the_statement_names_the_tools_and_a_recent_date_of_this_suite(browser):
    from datetime import date
    from importlib.metadata import version

    from app.main.accessibility import TESTED_ON, TESTED_WITH
    from tests.browser.conftest import AXE_SOURCE

    tools = dict(TESTED_WITH)
    assert AXE_SOURCE.name == f"axe-{tools['axe-core']}.min.js"
    assert version("playwright") == tools["Playwright for Python"]
    assert browser.version.split(".")[0] == tools["Chromium"]
    # Reviewed within the year, as a statement must be; never dated ahead of the tests.
    assert 0 <= (date.today() - TESTED_ON).days <= 365
