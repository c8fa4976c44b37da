"""A new member's first days, the signed-in home page, the roster import's readable dates and
bad rows, and the certificate of a completed mentorship, walked in Chromium at a desktop width
(1280 px) and a phone's (390 px). Every page is checked by axe (WCAG 2.0/2.1 A and AA) and for
console and CSP errors (see conftest.py); no page scrolls sideways."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app import clock
from app.clock import add_months
from app.extensions import db
from app.models import CheckIn, ContactMethod, Mentorship, Objective, ProgramSettings
from app.program import get_settings
from tests.browser.conftest import sign_in
from tests.factories import active_mentorship, vocab
from tests.support import DEFAULT_PASSWORD, links_in

pytestmark = pytest.mark.usefixtures("restore_vocabularies")

WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture(params=list(WIDTHS), ids=list(WIDTHS))
def width(request) -> int:
    return WIDTHS[request.param]


@pytest.fixture
def site(new_site, width):
    return new_site(viewport={"width": width, "height": 900})


def assert_no_sideways_scroll(page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


def test_a_new_member_is_welcomed_and_reads_the_directory_while_waiting(
    site, page, live_server, mail_server, make_mentee, make_mentor
):
    riley = make_mentor("Riley Mentor", directory=True)
    wes = make_mentee("Wes Waiting", directory=True, membership_verified_at=None, verified=False)
    site.allow_console_error(r"status of 409")  # the refused request form

    # The confirmation link, then the welcome e-mail.
    from app.auth.services import send_verification

    send_verification(wes, wes.email)
    db.session.commit()
    live_server.deliver_mail()
    (link,) = [x for x in links_in(mail_server.to(wes.email)[0]) if "/auth/verify/" in x]
    site.goto(link)
    with site.navigates():
        page.get_by_role("button", name="Confirm my e-mail address").click()
    live_server.deliver_mail()
    subjects = [message["Subject"] for message in mail_server.to(wes.email)]
    assert subjects.count("Welcome to the OLA Mentoring Program") == 1

    # First sign-in: a welcome, not "welcome back"; the home page says what is left.
    page.get_by_label("Email").fill(wes.email)
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    with site.navigates():
        page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#flash-messages")).to_have_text(
        re.compile(r"\s*Welcome to Mentor Match, Wes Waiting\.\s*")
    )
    expect(page.locator('[data-reason="membership_unverified"]').first).to_be_visible()
    assert_no_sideways_scroll(page)

    # The directory, read-only, with the reason.
    with site.navigates():
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Find a mentor"
        ).click()
    note = page.get_by_role("region", name="You can read, not request yet")
    expect(note).to_be_visible()
    expect(note).to_contain_text("The mentoring committee has not verified your membership yet")
    expect(page.get_by_role("link", name="Riley Mentor")).to_be_visible()
    assert_no_sideways_scroll(page)
    with site.navigates():
        page.get_by_role("link", name="Riley Mentor").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Riley Mentor")
    expect(page.get_by_role("link", name="Request mentorship")).to_have_count(0)
    expect(page.get_by_role("region", name="You can read, not request yet")).to_be_visible()
    assert_no_sideways_scroll(page)

    # Typing the request address anyway: refused, with the reason.
    site.goto(f"/mentors/{riley.id}/request")
    expect(page.get_by_role("heading", name="You can't send this request now")).to_be_visible()


def test_the_home_page_shows_a_matched_mentee_their_mentor_and_a_paused_program(
    site, page, make_mentee, make_mentor
):
    sam = make_mentee("Sam Mentee", directory=True)
    riley = make_mentor("Riley Mentor", directory=True)
    mentorship = active_mentorship(riley, sam)
    settings = get_settings()
    settings.status = ProgramSettings.PAUSED
    db.session.commit()
    sign_in(site, page, sam.email)

    steps = page.get_by_role("region", name="Your next steps")
    expect(steps).to_contain_text("Your mentor is Riley Mentor")
    expect(steps).not_to_contain_text("You are ready to take part")
    expect(steps).not_to_contain_text("choose a mentor")
    expect(steps).to_contain_text("The online program is paused")
    assert_no_sideways_scroll(page)
    with site.navigates():
        steps.get_by_role("link", name="open your mentorship with Riley Mentor").click()
    expect(page).to_have_url(re.compile(f"/mentorships/{mentorship.id}$"))


def test_the_committee_imports_a_roster_with_spreadsheet_dates_and_a_bad_row(
    site, page, make_member
):
    next_year = clock.today() + timedelta(days=365)
    make_member(email="chair@example.org", name="Chair Person", committee=True)
    make_member(
        email="ada@example.org",
        name="Ada Reader",
        profile={"membership_number": "OLA-1001", "membership_expires_on": next_year},
    )
    make_member(
        email="lapsed@example.org",
        name="Lee Lapsed",
        profile={
            "membership_number": "OLA-3003",
            "membership_expires_on": next_year,
            "membership_verified_at": clock.utcnow() - timedelta(days=200),
        },
    )
    expiry = clock.today() + timedelta(days=400)
    sign_in(site, page, "chair@example.org")
    site.goto("/committee/roster")
    page.get_by_label("Roster file (CSV)").set_input_files(
        files=[
            {
                "name": "roster.csv",
                "mimeType": "text/csv",
                "buffer": (
                    "Membership number,Email,Expiry date\n"
                    f"OLA-1001,ada@example.org,{expiry:%m/%d/%Y}\n"
                    "OLA-1002,bad@example.org,someday\n"
                ).encode(),
            }
        ]
    )
    order = page.get_by_role("group", name="How the file writes dates like 03/04/2027")
    expect(order.get_by_label(re.compile("^Day first"))).to_be_checked()
    order.get_by_label(re.compile("^Month first")).check()
    assert_no_sideways_scroll(page)
    with site.navigates():
        page.get_by_role("button", name="Upload and preview").click()

    skipped = page.get_by_role("region", name="1 row could not be read")
    expect(skipped).to_contain_text('"someday" is not a date we can read.')
    expect(page.get_by_role("table", name="All rows, in the order of the file")).to_contain_text(
        expiry.isoformat()
    )
    missing = page.get_by_role("region", name="Not in this roster (1)")
    expect(missing.get_by_role("link", name="Lee Lapsed")).to_be_visible()
    with site.navigates():
        page.get_by_role("button", name="Apply: verify 1 membership").click()
    expect(page.locator("#flash-messages")).to_contain_text("1 row of the file could not be read.")


def test_a_completed_mentorship_offers_a_printable_certificate(
    site, page, make_mentee, make_mentor
):
    mentee = make_mentee("Emery Mentee", directory=True)
    mentor = make_mentor("Morgan Mentor", directory=True)
    today = clock.today()
    started = add_months(today, -7)
    objective = vocab(Objective)[0]
    mentorship = Mentorship(
        mentor_id=mentor.id,
        mentee_id=mentee.id,
        status=Mentorship.COMPLETED,
        started_on=started,
        minimum_end_on=add_months(started, 6),
        ended_on=today,
    )
    db.session.add(mentorship)
    db.session.flush()
    db.session.add(
        CheckIn(
            mentorship_id=mentorship.id,
            author_id=mentee.id,
            met_on=started + timedelta(days=10),
            method=vocab(ContactMethod)[0],
            minutes=90,
            objectives=[objective],
            how_it_is_going=5,
        )
    )
    db.session.commit()
    sign_in(site, page, mentee.email)
    site.goto(f"/mentorships/{mentorship.id}")
    with site.navigates():
        page.get_by_role("link", name="View and print your certificate").click()

    certificate = page.get_by_role("article", name="Certificate of participation")
    expect(certificate).to_contain_text("Ontario Library Association")
    expect(certificate.locator(".certificate-name")).to_have_text("Emery Mentee")
    expect(certificate).to_contain_text("with Morgan Mentor as mentor")
    expect(certificate.locator("dt:has-text('Hours') + dd")).to_have_text("1.5")
    expect(certificate).to_contain_text(objective.name)
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_visible()
    assert_no_sideways_scroll(page)

    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_hidden()
    expect(certificate).to_be_visible()
    site.check()
    # On paper (US Letter), the certificate is one page.
    pdf = page.pdf(format="Letter")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, "the certificate fits one page"
    page.emulate_media(media="screen")
