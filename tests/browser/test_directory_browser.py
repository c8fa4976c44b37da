"""The mentor directory, walked in Chromium with the keyboard: filters and search update the
results with HTMX, the URL follows, the count is announced, and the back button brings the
earlier results back. Every page and every swap is checked by axe (WCAG 2.0/2.1 A and AA) and for
console and CSP errors: see conftest.py."""

import re

import pytest
from playwright.sync_api import expect

from app.models import Sector
from app.models.profiles import MENTEE
from tests.browser.conftest import sign_in
from tests.factories import agree, entry, profile_fields


def test_a_mentee_filters_searches_and_goes_back(site, page, live_server, make_member, make_mentor):
    make_mentor(
        "Alex Archivist",
        directory=True,
        sectors=("archives",),
        position="Archivist",
        objectives=("career",),
    )
    make_mentor(
        "Blair Cataloguer",
        directory=True,
        sectors=("academic",),
        position="Metadata Librarian",
        objectives=("career", "networking"),
    )
    make_mentor(
        "Casey Children",
        directory=True,
        sectors=("public",),
        position="Children's Services Librarian",
        employer="Ottawa Public Library",
    )
    mentee = make_member(
        email="sam@example.org",
        name="Sam Mentee",
        profile={
            "display_name": "Sam Mentee",
            **profile_fields(
                MENTEE,
                employer="Brantford Public Library",
                objectives=("career", "networking"),
                sectors=("public",),
            ),
        },
    )
    agree(mentee, MENTEE)
    academic = entry(Sector, "academic").id
    sign_in(site, page, mentee.email)

    with site.navigates():
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Find a mentor"
        ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a mentor")
    count = page.locator("#mentor-count")
    expect(count).to_have_attribute("aria-live", "polite")
    expect(count).to_have_text("3 mentors found.")
    results = page.locator("#mentor-results")
    cards = results.get_by_role("heading", level=3)
    # Best fit first: two objectives, then one, then the same sector.
    expect(cards).to_have_text(["Blair Cataloguer", "Alex Archivist", "Casey Children"])
    expect(results).to_contain_text("Offers 2 objectives you seek")

    # Keyboard only: from the search field, Tab to the order, then into the filters.
    search = page.get_by_label("Search mentors")
    search.focus()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Order by")).to_be_focused()
    sectors = page.get_by_role("group", name="Library sector")
    academic_box = sectors.get_by_label("Academic libraries (universities and colleges)")
    while not academic_box.evaluate("element => element === document.activeElement"):
        page.keyboard.press("Tab")
    with site.swaps():
        page.keyboard.press("Space")
    expect(academic_box).to_be_checked()
    expect(academic_box).to_be_focused()  # the form is not replaced: focus stays
    expect(page).to_have_url(re.compile(rf"/mentors\?.*sector={academic}"))
    expect(count).to_have_text("1 mentor found.")
    expect(cards).to_have_text(["Blair Cataloguer"])

    # Untick it again, then search by typing (debounced: one request).
    with site.swaps():
        page.keyboard.press("Space")
    expect(count).to_have_text("3 mentors found.")
    search.focus()
    with site.swaps():
        page.keyboard.type("children")
    expect(search).to_be_focused()
    expect(page).to_have_url(re.compile(r"/mentors\?.*q=children"))
    expect(count).to_have_text("1 mentor found.")
    expect(cards).to_have_text(["Casey Children"])

    # Back: the results before the search come back (the page is loaded again for that URL).
    with page.expect_event("load"):
        page.go_back()
    site.check()
    expect(page).to_have_url(re.compile(r"/mentors(\?(?!.*q=children).*)?$"))
    expect(page.locator("#mentor-count")).to_have_text("3 mentors found.")
    expect(page.get_by_label("Search mentors")).to_have_value("")

    # Back again: the academic filter, ticked.
    with page.expect_event("load"):
        page.go_back()
    site.check()
    expect(page).to_have_url(re.compile(rf"sector={academic}"))
    expect(page.locator("#mentor-count")).to_have_text("1 mentor found.")
    expect(
        page.get_by_role("group", name="Library sector").get_by_label(
            "Academic libraries (universities and colleges)"
        )
    ).to_be_checked()

    # A mentor's page, from the card.
    with site.navigates():
        page.get_by_role("link", name="Blair Cataloguer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Blair Cataloguer")
    expect(page.get_by_role("link", name="Request mentorship")).to_be_visible()


def test_the_next_page_of_mentors_takes_the_focus(
    site,
    page,
    live_server,
    make_member,
    make_mentor,
):
    for number in range(22):
        make_mentor(f"Mentor {number:02d}", directory=True, employer="Elsewhere")
    mentee = make_member(
        email="sam@example.org",
        name="Sam Mentee",
        profile={"display_name": "Sam Mentee", **profile_fields(MENTEE)},
    )
    agree(mentee, MENTEE)
    sign_in(site, page, mentee.email)
    site.goto("/mentors?order=name")
    expect(page.locator("#mentor-count")).to_have_text("22 mentors found, page 1 of 2.")
    with site.swaps():
        page.get_by_role("link", name="Next page").press("Enter")
    expect(page).to_have_url(re.compile(r"/mentors\?order=name&page=2$"))
    expect(page.locator("#mentor-count")).to_have_text("22 mentors found, page 2 of 2.")
    results = page.get_by_role("list", name="Mentors, page 2 of 2")
    expect(results).to_be_focused()
    expect(results.get_by_role("heading", level=3)).to_have_text(["Mentor 20", "Mentor 21"])


WIDTHS = {"phone": 390, "desktop": 1280}


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_the_directory_shows_results_first_on_a_phone(
    new_site, live_server, make_member, make_mentor, width
):
    for number in range(20):
        make_mentor(
            f"Mentor {number:02d}",
            directory=True,
            position="Research Librarian",
            employer="Toronto Public Library",
            region="toronto",
            city="Toronto",
            sectors=("public",),
            objectives=("career", "networking", "job-search"),
            expertise_areas=("reference", "leadership", "instruction"),
        )
    make_mentor("Blair Cataloguer", directory=True, sectors=("academic",), employer="Elsewhere")
    mentee = make_member(
        email="sam@example.org",
        name="Sam Mentee",
        profile={
            "display_name": "Sam Mentee",
            **profile_fields(MENTEE, objectives=("career", "networking", "job-search")),
        },
    )
    agree(mentee, MENTEE)
    site = new_site(viewport={"width": width, "height": 844})
    page = site.page
    sign_in(site, page, mentee.email)
    site.goto("/mentors")

    count = page.locator("#mentor-count")
    expect(count).to_have_text("21 mentors found, page 1 of 2.")
    expect(count).to_have_attribute("role", "status")
    first_card = page.locator(".mentor-card").first
    expect(first_card.locator(".initials")).to_have_text("M")
    expect(first_card).to_contain_text("Toronto · ")
    expect(first_card).not_to_contain_text("Toronto, Toronto")
    top = first_card.bounding_box()["y"]
    height = page.evaluate("document.documentElement.scrollHeight")
    search = page.get_by_label("Search mentors")
    toggle = page.get_by_text("Search and filters", exact=True)
    if width < 700:
        # Below the count, one line of filters, then the results: the first card on screen.
        assert top < 600, top
        assert height < 7000, height
        expect(search).to_be_hidden()
        toggle.click()
        expect(search).to_be_visible()
        site.check()
    else:
        # Beside the results, the filters are open, and there is no disclosure to press.
        assert top < 400, top
        assert height < 4500, height
        expect(toggle).to_be_hidden()
        expect(search).to_be_visible()

    sectors = page.get_by_role("group", name="Library sector")
    with site.swaps():
        sectors.get_by_label("Academic libraries (universities and colleges)").check()
    expect(count).to_have_text("1 mentor found.")
    expect(page.locator("#mentor-results").get_by_role("heading", level=3)).to_have_text(
        ["Blair Cataloguer"]
    )
    # The Request button of the card opens the request form.
    with site.navigates():
        page.locator(".mentor-card").get_by_role("link", name="Request").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Blair Cataloguer")
