"""The committee's roster import and member pages, walked in Chromium.

Every page visited (and every HTMX swap) is checked by axe (WCAG 2.0/2.1 A and AA) and for
console and CSP errors: see conftest.py.
"""

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from app import clock
from app.extensions import db
from tests.browser.conftest import sign_in

CSV = "text/csv"


def choose_file(page, name: str, content: bytes) -> None:
    page.get_by_label("Roster file (CSV)").set_input_files(
        files=[{"name": name, "mimeType": CSV, "buffer": content}]
    )


def test_the_committee_previews_and_applies_a_roster(site, page, make_member):
    next_year = clock.today() + timedelta(days=365)
    make_member(email="chair@example.org", name="Chair Person", committee=True)
    make_member(
        email="ada@example.org",
        name="Ada Reader",
        profile={"membership_number": "OLA-1001", "membership_expires_on": next_year},
    )
    make_member(
        email="mo@example.org",
        name="Mo Mismatch",
        profile={"membership_number": "OLA-5555", "membership_expires_on": next_year},
    )
    sign_in(site, page, "chair@example.org")

    with site.navigates():
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Committee").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Committee dashboard")
    with site.navigates():
        page.get_by_role("navigation", name="Committee").get_by_role(
            "link", name="Roster import"
        ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import the association's roster")

    # A refused upload answers 422, which Chromium logs as a failed resource.
    site.allow_console_error(r"status of 422")

    # No file chosen.
    with site.navigates(status=422):
        page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose the roster file")

    # A spreadsheet, not a CSV file.
    choose_file(page, "roster.xlsx", b"PK\x03\x04\x14\x00\x06\x00")
    with site.navigates(status=422):
        page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_role("alert")).to_contain_text("This is not a CSV file")
    expect(page.get_by_label("Roster file (CSV)")).to_have_attribute("aria-invalid", "true")

    # Not one row that can be read.
    choose_file(page, "roster.csv", b"Number,Email,Expiry\nOLA-1001,ada@example.org,someday\n")
    with site.navigates(status=422):
        page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_role("alert")).to_contain_text("Not one row of the file can be read.")
    expect(page.get_by_role("alert")).to_contain_text('Row 2: "someday" is not a date we can read')

    # A good file, with semicolons and a byte-order mark.
    expiry = (clock.today() + timedelta(days=400)).isoformat()
    past = (clock.today() - timedelta(days=3)).isoformat()
    content = (
        "\ufeffMembership number;Email;Expiry date\n"
        f"OLA-1001;ada@example.org;{expiry}\n"
        f"OLA-1002;mo@example.org;{expiry}\n"
        f"OLA-9999;nobody@example.org;{expiry}\n"
        f"OLA-1003;gone@example.org;{past}\n"
    ).encode()
    choose_file(page, "roster.csv", content)
    with site.navigates():
        page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Roster preview: roster.csv")
    counts = page.get_by_role("table", name="Rows by outcome")
    for outcome, number in [
        ("Will verify", "1"),
        ("Already verified", "0"),
        ("Mismatch", "1"),
        ("Unknown", "1"),
        ("Expired", "1"),
        ("Duplicate", "0"),
    ]:
        row = counts.get_by_role("row").filter(has=page.get_by_role("rowheader", name=outcome))
        expect(row.get_by_role("cell").first).to_have_text(number)

    with site.navigates():
        page.get_by_role("link", name="1 mismatch: show these rows").click()
    rows = page.get_by_role("table", name=re.compile("Mismatch rows"))
    expect(rows.get_by_role("row")).to_have_count(2)  # the header and one row
    expect(rows).to_contain_text("another membership number (OLA-5555)")

    with site.navigates():
        page.get_by_role("button", name="Apply: verify 1 membership").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Roster applied: roster.csv")
    expect(page.locator("#flash-messages")).to_contain_text(
        "The roster is applied: 1 membership verified"
    )

    # The member list finds Ada, verified, with HTMX as the search is typed.
    with site.navigates():
        page.get_by_role("navigation", name="Committee").get_by_role("link", name="Members").click()
    with site.swaps():
        page.get_by_label("Search").fill("ada")
    expect(page.get_by_role("status").filter(has_text="matching")).to_have_text(
        "1 member matching “ada”."
    )
    results = page.get_by_role("table", name="Members")
    expect(results.get_by_role("row")).to_have_count(2)
    expect(results).to_contain_text("Verified")
    expect(page).to_have_url(re.compile(r"/committee/members\?q=ada"))

    with site.navigates():
        results.get_by_role("link", name="Ada Reader").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ada Reader")
    expect(page.get_by_role("main")).to_contain_text("Verified by")
    expect(page.get_by_role("main")).to_contain_text("Chair Person")

    # A committee member corrects the date by hand, then revokes the verification.
    page.get_by_label("Membership expiry date").fill(date(2031, 1, 31).isoformat())
    with site.navigates():
        page.get_by_role("button", name="Verify again with this date").click()
    expect(page.locator("#flash-messages")).to_contain_text(
        "Ada Reader's membership is verified; its expiry date is now 2031-01-31."
    )
    with site.navigates():
        page.get_by_role("button", name="Revoke verification").click()
    expect(page.locator("#flash-messages")).to_contain_text("is revoked")
    expect(page.get_by_text("Membership: Not verified")).to_be_visible()


def test_a_member_gets_page_not_found(site, page, make_member):
    make_member(email="member@example.org")
    sign_in(site, page, "member@example.org")
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Committee")
    ).to_have_count(0)
    site.allow_console_error(r"status of 404")
    site.goto("/committee/roster", status=404)
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")


def test_the_committee_pages_in_french(site, page, make_member):
    """The roster import with a bad row, its preview, the member list and the matching
    workbench, for a committee member who reads French: axe checks each page in French."""
    chair = make_member(email="chair@example.org", name="Chair Person", committee=True)
    chair.locale = "fr"
    db.session.commit()
    make_member(
        email="ada@example.org",
        name="Ada Reader",
        profile={"membership_number": "OLA-1001", "membership_expires_on": date(2030, 3, 31)},
    )
    sign_in(site, page, "chair@example.org")
    site.goto("/committee/roster")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Importer la liste des membres de l’association"
    )
    page.get_by_label("Fichier de la liste des membres (CSV)").set_input_files(
        files=[
            {
                "name": "liste.csv",
                "mimeType": CSV,
                "buffer": "Numéro de membre;Courriel;Date d'expiration\n"
                "OLA-1001;ada@example.org;31/03/2030\n"
                "OLA-1002;bo@example.org;un jour\n".encode(),
            }
        ]
    )
    with site.navigates():
        page.get_by_role("button", name="Téléverser et prévisualiser").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Aperçu de la liste des membres\u00a0: liste.csv"
    )
    expect(page.locator("#skipped")).to_contain_text("Impossible de lire la date")
    site.goto("/committee/members")
    expect(page.locator("#member-count")).to_have_text("2 membres.")
    site.goto("/committee/matching")
    expect(page.get_by_role("heading", level=1)).to_have_text("Atelier de jumelage")
