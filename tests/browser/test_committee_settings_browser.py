"""The committee's program pages in Chromium: pausing the program (its notice on the home page),
a time zone refused then saved, an intake refused then fixed, texts previewed, the exports page,
the member page's account actions, and the audit log filtered with HTMX. axe runs on every page
and swap (conftest.py)."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in


def test_the_committee_runs_the_program(site, page, make_member, new_site):
    make_member(email="chair@example.org", name="Chair Person", committee=True)
    helper = make_member(email="helper@example.org", name="Hel Per")
    sign_in(site, page, "chair@example.org")
    site.allow_console_error(r"status of 422")

    # Pause the program with a notice.
    site.goto("/committee/settings")
    expect(page.get_by_role("heading", level=1)).to_have_text("Program settings")
    page.get_by_label("Paused: no new requests; active pairs carry on").check()
    notice_versions = page.get_by_role(
        "group", name="Notice shown on every page while the program is not open"
    )
    notice_versions.get_by_label("English").fill("Matching the fall intake: back in January.")
    notice_versions.get_by_label("Français").fill(
        "Jumelage de l’automne en cours : de retour en janvier."
    )
    with site.navigates():
        page.get_by_role("button", name="Save the status").click()
    expect(page.locator("#flash-messages")).to_contain_text("the program is paused")

    # A bad limit is refused, with what was typed kept.
    page.get_by_label("Requests a mentee may have waiting at once").fill("-3")
    with site.navigates(status=422):
        page.get_by_role("button", name="Save the limits").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a whole number from 1 to 10")
    expect(page.get_by_label("Requests a mentee may have waiting at once")).to_have_value("-3")

    # A time zone the zone database doesn't know is refused, kept; a real one is saved.
    page.get_by_label("Program time zone").fill("Ontario/Toronto")
    with site.navigates(status=422):
        page.get_by_role("button", name="Save the time zone").click()
    expect(page.get_by_role("alert")).to_contain_text("is not a time zone name we know")
    expect(page.get_by_label("Program time zone")).to_have_value("Ontario/Toronto")
    page.get_by_label("Program time zone").fill("America/Winnipeg")
    with site.navigates():
        page.get_by_role("button", name="Save the time zone").click()
    expect(page.locator("#flash-messages")).to_contain_text("America/Winnipeg")
    expect(page.locator("#time-zone-heading + p")).to_contain_text("counted in America/Winnipeg")

    # Anyone sees the notice on the home page.
    visitor = new_site()
    visitor.goto("/")
    notice = visitor.page.get_by_role("region", name="Program notice")
    expect(notice).to_contain_text("The online program is paused.")
    expect(notice).to_contain_text("Matching the fall intake: back in January.")
    # In French, the French notice.
    with visitor.navigates():
        visitor.page.get_by_role("button", name="Français").click()
    notice = visitor.page.get_by_role("region", name="Avis du programme")
    expect(notice).to_contain_text("Jumelage de l’automne en cours : de retour en janvier.")
    visitor.page.close()

    # An intake: closing before it opens is refused, then fixed.
    with site.navigates():
        page.get_by_role("navigation", name="Program administration").get_by_role(
            "link", name="Intakes"
        ).click()
    page.get_by_label("Name").fill("Winter 2027")
    page.get_by_label("Opens on").fill("2027-01-31")
    page.get_by_label("Closes on").fill("2027-01-10")
    with site.navigates(status=422):
        page.get_by_role("button", name="Add the intake").click()
    expect(page.get_by_role("alert")).to_contain_text("can't close (2027-01-10) before it opens")
    expect(page.get_by_label("Name")).to_have_value("Winter 2027")
    page.get_by_label("Opens on").fill("2027-01-10")
    page.get_by_label("Closes on").fill("2027-01-31")
    with site.navigates():
        page.get_by_role("button", name="Add the intake").click()
    expect(page.locator("#flash-messages")).to_contain_text("The intake “Winter 2027” is added.")
    expect(page.get_by_role("table", name="Intakes, latest first")).to_contain_text("Winter 2027")

    # The program description, previewed; unsafe markup is flagged.
    with site.navigates():
        page.get_by_role("link", name="Program texts").click()
    description = page.get_by_role("group", name="Program description")
    description.get_by_label("English").fill(
        "## Welcome\n\nSix months **or more**. <script>alert(1)</script>"
    )
    description.get_by_label("Français").fill("## Bienvenue\n\nSix mois **ou plus**.")
    with site.navigates():
        page.get_by_role("button", name="Preview").click()
    expect(
        page.get_by_role("region", name="Preview: Program description, English")
    ).to_contain_text("Six months or more")
    expect(
        page.get_by_role("region", name="Preview: Program description, Français")
    ).to_contain_text("Six mois ou plus")
    expect(page.locator("#program_description-error")).to_contain_text("refused when you save")
    # The previews are regions named after their version: the text box is the one to fill.
    page.get_by_role("group", name="Program description").get_by_role(
        "textbox", name="English", exact=True
    ).fill("## Welcome\n\nSix months **or more**.")
    with site.navigates():
        page.get_by_role("button", name="Save the texts").click()
    expect(page.locator("#flash-messages")).to_contain_text("The texts are saved.")

    # The exports page.
    with site.navigates():
        page.get_by_role("navigation", name="Program administration").get_by_role(
            "link", name="Exports"
        ).click()
    expect(page.get_by_role("button", name="Download members (CSV)")).to_be_visible()

    # A member's account: give the committee role, then deactivate.
    site.goto(f"/committee/members/{helper.id}")
    with site.navigates():
        page.get_by_role("button", name="Give the committee role").click()
    expect(page.locator("#flash-messages")).to_contain_text("Hel Per is now a committee member.")
    with site.navigates():
        page.get_by_role("button", name="Deactivate the account").click()
    expect(page.locator("#flash-messages")).to_contain_text("Hel Per's account is deactivated")

    # The audit log, filtered with HTMX.
    site.goto("/committee/audit")
    expect(page.get_by_role("status").filter(has_text="events")).to_contain_text("6 events.")
    with site.swaps():
        page.get_by_label("Action").select_option(label="Intake added")
    expect(page.get_by_role("status").filter(has_text="event")).to_have_text(
        "1 event match the filters."
    )
    expect(page).to_have_url(re.compile(r"/committee/audit\?.*action=intake\.added"))
    table = page.get_by_role("table", name=re.compile("Committee actions"))
    expect(table.get_by_role("row")).to_have_count(2)
    expect(table).to_contain_text("Winter 2027")
    with site.swaps():
        page.get_by_label("Who").select_option(label="Chair Person")
    expect(table.get_by_role("row")).to_have_count(2)
    with site.swaps():
        page.get_by_label("Action").select_option(label="Any action")
    expect(page.get_by_role("status").filter(has_text="event")).to_have_text(
        "6 events match the filters."
    )
