"""Accounts, walked in Chromium: join, confirm, sign in and out, errors, keyboard, reset.

Every page visited is checked by axe (WCAG 2.0/2.1 A and AA) and for console and CSP errors:
see conftest.py.
"""

import re

from playwright.sync_api import expect

from tests.support import DEFAULT_PASSWORD, links_in

NEW_PASSWORD = "lighthouse marmalade quietly"


def the_link(live_server, mail_server, address: str, path: str) -> str:
    """Deliver the outbox to the SMTP server and take the one link to `path` mailed to address."""
    live_server.deliver_mail()
    messages = mail_server.to(address)
    assert len(messages) == 1, [m["Subject"] for m in messages]
    links = [link for link in links_in(messages[0]) if path in link]
    assert len(links) == 1, links
    assert links[0].startswith(live_server.url + path), "links in e-mail open this server"
    return links[0]


def sign_in(site, page, email: str, password: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    with site.navigates():
        page.get_by_role("button", name="Sign in").click()


def flash(page):
    return page.locator("#flash-messages")


def test_a_newcomer_joins_confirms_the_address_signs_in_and_out(
    site, page, live_server, mail_server
):
    site.goto("/")
    with site.navigates():
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Join").click()
    expect(page).to_have_url(live_server.url + "/auth/register")
    expect(page.get_by_role("heading", level=1)).to_have_text("Join Mentor Match")

    page.get_by_label("Full name").fill("Ada Lovelace")
    page.get_by_label("Email").fill("Ada.Lovelace@Example.org")
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm password").fill(NEW_PASSWORD)
    page.get_by_label(re.compile("I have read the privacy notice")).check()
    with site.navigates():
        page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    expect(page.get_by_role("main")).to_contain_text("ada.lovelace@example.org")

    link = the_link(live_server, mail_server, "ada.lovelace@example.org", "/auth/verify/")
    site.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your e-mail address")
    with site.navigates():
        page.get_by_role("button", name="Confirm my e-mail address").click()

    expect(page).to_have_url(live_server.url + "/auth/login")
    expect(flash(page)).to_contain_text("your e-mail address is confirmed")
    sign_in(site, page, "ada.lovelace@example.org", NEW_PASSWORD)

    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Ada Lovelace")
    # Her first sign-in: not "welcome back".
    expect(flash(page)).to_contain_text("Welcome to Mentor Match, Ada Lovelace.")
    expect(page.get_by_text("Please confirm your e-mail address")).to_have_count(0)

    with site.navigates():
        page.get_by_role("button", name="Sign out").click()
    expect(flash(page)).to_contain_text("You are signed out.")
    navigation = page.get_by_role("navigation", name="Main")
    expect(navigation.get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).not_to_contain_text("Welcome")

    # Signed out for the server too, not only in the page.
    site.goto("/auth/account")
    expect(page).to_have_url(re.compile(r"/auth/login\?next="))


def test_signing_in_works_with_the_keyboard_alone(site, page, live_server, make_member):
    make_member(email="keys@example.org", name="Kim Keys")
    site.goto("/auth/login")
    assert page.evaluate("() => document.activeElement === document.body")

    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).not_to_be_in_viewport()
    page.keyboard.press("Tab")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()  # it shows itself when focused
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()

    page.keyboard.press("Tab")
    expect(page.get_by_label("Email")).to_be_focused()
    page.keyboard.type("keys@example.org")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    page.keyboard.type(DEFAULT_PASSWORD)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Keep me signed in on this device for 30 days")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Sign in")).to_be_focused()
    with site.navigates():
        page.keyboard.press("Enter")

    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Kim Keys")


def test_form_errors_are_summarised_focused_and_tied_to_their_fields(site, page, live_server):
    site.goto("/auth/register")
    page.get_by_label("Full name").fill("Grace Hopper")
    page.get_by_label("Email").fill("grace@example.org")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Confirm password").fill("shorter")
    with site.navigates():
        page.get_by_role("button", name="Create account").click()

    summary = page.get_by_role("alert").filter(has_text="Please correct")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        [
            "Password: Use at least 12 characters.",
            "Confirm password: The two passwords are not the same.",
            re.compile(r"^I have read the privacy notice.*: Please read and accept"),
        ]
    )
    confirm = page.get_by_label("Confirm password")
    expect(confirm).to_have_attribute("aria-invalid", "true")
    expect(confirm).to_have_accessible_description("The two passwords are not the same.")
    consent = page.get_by_label(re.compile("I have read the privacy notice"))
    expect(consent).to_have_accessible_description("Please read and accept the privacy notice.")
    # What was typed is kept, except passwords.
    expect(page.get_by_label("Full name")).to_have_value("Grace Hopper")
    expect(page.get_by_label("Email")).to_have_value("grace@example.org")
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    expect(confirm).to_have_value("")
    # A link of the summary takes the user to the field.
    summary.get_by_role("link", name=re.compile("^Confirm password")).click()
    expect(confirm).to_be_focused()

    # The passwords now match and are long enough, but too common.
    page.get_by_label("Password", exact=True).fill("qwerty123456")
    confirm.fill("qwerty123456")
    consent.check()
    with site.navigates():
        page.get_by_role("button", name="Create account").click()

    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        ["Password: This password is too common: choose one that is harder to guess."]
    )
    password = page.get_by_label("Password", exact=True)
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_accessible_description(
        re.compile(r"At least 12 characters\..*too common")
    )
    expect(page.get_by_label("Full name")).to_have_value("Grace Hopper")
    expect(page.get_by_label("Email")).to_have_value("grace@example.org")
    expect(consent).to_be_checked()


def test_a_forgotten_password_is_reset_by_mail(site, page, live_server, mail_server, make_member):
    make_member(email="rita@example.org", name="Rita Reader")
    site.goto("/auth/login")
    with site.navigates():
        page.get_by_role("link", name="Forgotten your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    page.get_by_label("Email").fill("rita@example.org")
    with site.navigates():
        page.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    expect(page.get_by_role("main")).to_contain_text("a link to choose a new password")

    link = the_link(live_server, mail_server, "rita@example.org", "/auth/reset/")
    site.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_label("Confirm password").fill(NEW_PASSWORD)
    with site.navigates():
        page.get_by_role("button", name="Set new password").click()

    expect(page).to_have_url(live_server.url + "/auth/login")
    expect(flash(page)).to_contain_text("Your password is changed.")
    sign_in(site, page, "rita@example.org", DEFAULT_PASSWORD)
    expect(page.get_by_role("alert").filter(has_text="Please correct")).to_contain_text(
        "The e-mail address or password is not right."
    )
    sign_in(site, page, "rita@example.org", NEW_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Rita Reader")


def test_a_committee_member_turns_on_two_step_sign_in_and_signs_in_with_a_code(
    site, page, live_server, make_member
):
    import pyotp

    make_member(email="chair@example.org", name="Chair Person", committee=True)
    site.goto("/auth/login")
    sign_in(site, page, "chair@example.org", DEFAULT_PASSWORD)
    site.goto("/auth/account")
    with site.navigates():
        page.get_by_role("link", name="Turn on two-step sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-step sign-in")
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    secret = page.locator("code.secret").first.inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)

    page.get_by_label("Code from the app").fill(totp.now())
    page.get_by_label("Current password").fill(DEFAULT_PASSWORD)
    with site.navigates():
        page.get_by_role("button", name="Turn on two-step sign-in").click()
    codes = page.get_by_role("region", name="Your recovery codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    recovery = codes.first.inner_text()

    with site.navigates():
        page.get_by_role("button", name="Sign out").click()
    site.goto("/auth/login")
    sign_in(site, page, "chair@example.org", DEFAULT_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Type your code")
    page.get_by_label("Code").fill("000000" if totp.now() != "000000" else "111111")
    with site.navigates():
        page.get_by_role("button", name="Sign in").click()
    summary = page.get_by_role("alert").filter(has_text="Please correct")
    expect(summary).to_be_focused()
    page.get_by_label("Code").fill(recovery)
    with site.navigates():
        page.get_by_role("button", name="Sign in").click()
    expect(flash(page)).to_contain_text("Welcome back, Chair Person.")


def test_a_member_chooses_french_on_the_account_page(site, page, live_server, make_member):
    make_member(email="francine@example.org", name="Francine", committee=True)
    site.goto("/auth/login")
    sign_in(site, page, "francine@example.org", DEFAULT_PASSWORD)
    site.goto("/auth/account")
    expect(page.get_by_text("Mentor Match writes to you in English.")).to_be_visible()
    page.get_by_label("Your language").select_option("fr")
    with site.navigates():
        page.get_by_role("button", name="Change language").click()
    expect(page).to_have_url(re.compile(r"/auth/account$"))
    expect(page.locator("html")).to_have_attribute("lang", "fr-CA")
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre compte")
    expect(flash(page)).to_contain_text("La langue a été changée.")
    expect(page.get_by_text("Mentor Match vous écrit en français.")).to_be_visible()
    expect(page.get_by_label("Votre langue")).to_have_value("fr")
    site.goto("/auth/account/two-step")  # axe checks the French two-step page too
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion en deux étapes")
