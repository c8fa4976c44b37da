"""A mentor completes a mentorship that has run seven months, gives closing feedback (fixing a
missing answer first) and opens the printable participation record, in Chromium. Every page is
checked by axe (WCAG 2.0/2.1 A and AA), for console and CSP errors (see conftest.py), and every
control of the closing and feedback pages is reached with the Tab key."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app import clock
from app.clock import add_months
from app.extensions import db
from app.models import CheckIn, ContactMethod, Mentorship, MentorshipAgreement, Objective
from tests.browser.conftest import sign_in
from tests.factories import agree, mentee_profile, mentor_profile, vocab

pytestmark = pytest.mark.usefixtures("restore_vocabularies")

SHARED = "browser-shared-note-heron"
PRIVATE = "browser-private-note-lynx"

# What Tab can reach: the page's controls, in the main region.
_CONTROLS = "main a[href], main button, main input:not([type=hidden]), main textarea, main select"


def tab_through(page) -> set[str]:
    """Press Tab until focus reaches the footer; the ids (or text) of every control of <main>
    that took focus. A radio group is one stop (arrow keys move inside it)."""
    reached: set[str] = set()
    page.locator("body").focus()
    for _ in range(200):
        page.keyboard.press("Tab")
        key = page.evaluate(
            """() => {
                const el = document.activeElement;
                if (!el || !el.closest('main')) return null;
                if (el.type === 'radio') return 'radio:' + el.name;
                return el.id || (el.tagName + ':' + (el.textContent || '').trim());
            }"""
        )
        if key is None and reached:
            if page.evaluate("() => !!document.activeElement.closest('footer')"):
                break
            continue
        if key is not None:
            reached.add(key)
    return reached


def controls_of(page) -> set[str]:
    return set(
        page.eval_on_selector_all(
            _CONTROLS,
            "els => els.filter(el => el.offsetParent !== null).map(el => el.type === 'radio'"
            " ? 'radio:' + el.name : el.id || (el.tagName + ':' + (el.textContent || '').trim()))",
        )
    )


def assert_keyboard_reaches_everything(page) -> None:
    missing = controls_of(page) - tab_through(page)
    assert not missing, f"not reachable with Tab: {sorted(missing)}"


def seven_month_pair(make_member):
    """An active mentorship of Morgan Mentor and Emery Mentee that started seven months ago, with
    an agreement on two objectives and two check-ins (60 and 90 minutes) on the first."""
    mentor = agree(make_member(name="Morgan Mentor", profile=mentor_profile()), "mentor")
    mentee = agree(make_member(name="Emery Mentee", profile=mentee_profile()), "mentee")
    today = clock.today()
    started = add_months(today, -7)
    objectives = vocab(Objective)[:2]
    mentorship = Mentorship(
        mentor_id=mentor.id,
        mentee_id=mentee.id,
        status=Mentorship.ACTIVE,
        started_on=started,
        minimum_end_on=add_months(started, 6),
    )
    db.session.add_all(
        [
            mentorship,
            MentorshipAgreement(
                mentorship=mentorship,
                meeting_frequency="monthly",
                confidentiality_acknowledged=True,
                objectives=objectives,
                contact_methods=vocab(ContactMethod)[:1],
            ),
        ]
    )
    db.session.flush()
    for days, minutes in ((10, 60), (50, 90)):
        db.session.add(
            CheckIn(
                mentorship_id=mentorship.id,
                author_id=mentee.id,
                met_on=started + timedelta(days=days),
                method=vocab(ContactMethod)[0],
                minutes=minutes,
                objectives=objectives[:1],
                shared_note=SHARED,
                private_note=PRIVATE,
                how_it_is_going=5,
            )
        )
    db.session.commit()
    return mentor, mentee, mentorship, objectives


def send_feedback_to_the_certificate(site, page, record_url: str, button: str, thanks: str):
    """Send the complete feedback form: the certificate follows, with the thanks flashed."""
    with site.navigates():
        page.get_by_role("button", name=button).click()
    expect(page).to_have_url(record_url)
    expect(page.locator("#flash-messages")).to_contain_text(thanks)


def test_a_mentor_completes_gives_feedback_and_prints_the_record(
    site, page, live_server, make_member, mail_server
):
    mentor, mentee, mentorship, objectives = seven_month_pair(make_member)
    mentorship_id = mentorship.id
    site.allow_console_error(r"status of 422")  # the refused feedback form
    sign_in(site, page, mentor.email)

    # The mentorship page leads to the closing page.
    site.goto(f"/mentorships/{mentorship_id}")
    with site.navigates():
        page.get_by_role("link", name="Complete, carry on or end your mentorship").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Ending your mentorship with Emery Mentee"
    )
    expect(page.get_by_role("group", name="When should we ask you again?")).to_be_visible()
    assert_keyboard_reaches_everything(page)

    # Complete it, with the keyboard, through the confirmation step.
    page.get_by_role("link", name="Mark the mentorship completed").focus()
    with site.navigates():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Mark your mentorship with Emery Mentee completed?"
    )
    assert_keyboard_reaches_everything(page)
    page.get_by_role("button", name="Yes, mark it completed").focus()
    with site.navigates():
        page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/mentorships/{mentorship_id}/feedback")
    expect(page.locator("#flash-messages")).to_contain_text("Your mentorship is completed.")
    assert_keyboard_reaches_everything(page)

    # A missing answer: the form says which, and keeps the rest.
    first, second = objectives
    page.get_by_role("group", name=first.name).get_by_label(re.compile("^4:")).check()
    page.get_by_role("group", name="Would you recommend").get_by_label("Yes").check()
    page.get_by_label("A comment for the mentoring committee").fill("Very helpful.")
    with site.navigates(status=422):
        page.get_by_role("button", name="Send your feedback").click()
    expect(page.locator("#error-summary")).to_contain_text(f"Choose how well “{second.name}”")
    expect(
        page.get_by_role("group", name=first.name).get_by_label(re.compile("^4:"))
    ).to_be_checked()
    expect(page.get_by_label("A comment for the mentoring committee")).to_have_value(
        "Very helpful."
    )

    page.get_by_role("group", name=second.name).get_by_label(re.compile("^5:")).check()
    send_feedback_to_the_certificate(
        site,
        page,
        f"{live_server.url}/mentorships/{mentorship_id}/record",
        "Send your feedback",
        "Thank you for your feedback",
    )

    record = page.get_by_role("article", name="Certificate of participation")
    expect(record).to_contain_text("took part in the mentoring program as a mentor")
    expect(record.locator(".certificate-name")).to_have_text("Morgan Mentor")
    expect(record.locator("dt:has-text('Meetings') + dd")).to_have_text("2")
    expect(record.locator("dt:has-text('Hours') + dd")).to_have_text("2.5")
    expect(record).to_contain_text(first.name)
    content = page.content()
    assert SHARED not in content and PRIVATE not in content

    # On paper: no navigation, no footer, no link decoration.
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.locator("footer.site-footer")).to_be_hidden()
    expect(record).to_be_visible()
    site.check()
    page.emulate_media(media="screen")


def test_a_french_speaking_mentee_closes_in_french(site, page, live_server, make_member):
    """The mentee's language is French: the closing, confirmation, feedback pages and the
    certificate speak it (with its form's errors and flashes), and axe checks each page."""
    mentor, mentee, mentorship, objectives = seven_month_pair(make_member)
    mentee.locale = "fr"
    db.session.commit()
    mentorship_id = mentorship.id
    site.allow_console_error(r"status of 422")  # the refused feedback form
    sign_in(site, page, mentee.email)

    site.goto(f"/mentorships/{mentorship_id}/close")
    expect(page.locator("html")).to_have_attribute("lang", "fr-CA")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Fin de votre mentorat avec Morgan Mentor"
    )
    expect(
        page.get_by_role("group", name="Quand devrions-nous vous reposer la question?")
    ).to_be_visible()
    with site.navigates():
        page.get_by_role("link", name="Marquer le mentorat comme terminé").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Marquer votre mentorat avec Morgan Mentor comme terminé?"
    )
    with site.navigates():
        page.get_by_role("button", name="Oui, le marquer comme terminé").click()
    expect(page.locator("#flash-messages")).to_contain_text("Votre mentorat est terminé.")

    first, second = objectives
    page.get_by_role("group", name=first.name_fr).get_by_label(re.compile("^4\u00a0:")).check()
    with site.navigates(status=422):
        page.get_by_role("button", name="Envoyer votre rétroaction").click()
    expect(page.locator("#error-summary")).to_contain_text("Choisissez oui ou non.")
    expect(page.locator("#error-summary")).to_contain_text(
        f"Indiquez dans quelle mesure l’objectif «\u00a0{second.name_fr}\u00a0»"
    )
    page.get_by_role("group", name=second.name_fr).get_by_label(re.compile("^5\u00a0:")).check()
    page.get_by_role("group", name="Recommanderiez-vous").get_by_label("Oui").check()
    send_feedback_to_the_certificate(
        site,
        page,
        f"{live_server.url}/mentorships/{mentorship_id}/record",
        "Envoyer votre rétroaction",
        "Merci de votre rétroaction",
    )

    record = page.get_by_role("article", name="Attestation de participation")
    expect(record).to_contain_text("a participé au programme de mentorat à titre de mentoré(e)")
    expect(record.locator("dt:has-text('Rencontres') + dd")).to_have_text("2")
    expect(record.locator("dt:has-text('Heures') + dd")).to_have_text("2,5")
    expect(page.get_by_role("button", name="Imprimer ou enregistrer en PDF")).to_be_visible()
