"""The matching workbench in Chromium, the whole flow: the committee counts the pool, sets a
criterion and runs, removes and locks pairs and re-runs with HTMX (the URL follows, the change
is announced, focus stays on the table), chooses a mentor by hand, publishes; a mentor then
accepts the committee's request from the e-mail's link. axe runs on every page and after every
swap (see conftest.py)."""

import re

from playwright.sync_api import expect

from app.models.profiles import MENTEE, MENTOR
from tests.browser.conftest import sign_in
from tests.support import links_in


def test_the_committee_matches_a_pool_and_publishes_it(
    site, page, new_site, live_server, mail_server, make_member, people
):
    make_member(email="chair@example.org", name="Chair Person", committee=True)

    def person(name, role=MENTEE, **profile):  # each at a library of their own
        return people(name, role, employer=f"{name} Library", **profile)

    person("Ada Reader", languages=("fr",), sectors=("public",))
    person("Bo Reader", sectors=("academic",))
    person("Cy Reader", sectors=("public",))
    person("Dee Reader", sectors=("school",))
    oz = person("Oz Mentor", MENTOR, languages=("fr", "en"), sectors=("public",), mentor_capacity=1)
    person("Mo Mentor", MENTOR, sectors=("public",), mentor_capacity=1)
    person("Ned Mentor", MENTOR, sectors=("academic",), mentor_capacity=1)

    sign_in(site, page, "chair@example.org")
    site.goto("/committee/")
    with site.navigates():
        page.get_by_role("navigation", name="Committee").get_by_role(
            "link", name="Matching"
        ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Matching workbench")
    counts = page.locator("#pool-counts")
    expect(counts.locator("#pool-mentees .figure-value")).to_have_text("4")
    expect(counts.locator("#pool-spots .figure-value")).to_have_text("3")

    # Language required, sector weighing most; run.
    page.get_by_role("group", name="Language").get_by_label("Required").check()
    page.get_by_label("Sector: weight when preferred").fill("9")
    with site.navigates():
        page.get_by_role("button", name="Run the matching").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Draft 1: every waiting mentee")
    expect(page.locator("#flash-messages")).to_contain_text("Draft 1 is ready: 4 mentees")
    pairs = page.locator(".pairs-table tbody tr")
    expect(pairs).to_have_count(3)
    expect(page.get_by_role("row", name=re.compile("^Ada Reader Oz Mentor"))).to_contain_text(
        "Language: French"
    )
    unmatched = page.locator("#unmatched")
    expect(unmatched).to_contain_text("Dee Reader")
    expect(unmatched).to_contain_text("mentors fit, all full.")

    # Remove a pair with HTMX: the draft comes back in place, the change is announced.
    page.get_by_role("checkbox", name="Bo Reader").check()
    with site.swaps():
        page.get_by_role("button", name="Remove the pairs ticked").click()
    expect(page.locator("#flash-messages")).to_contain_text(
        "Removed 1 pair: Bo Reader and Ned Mentor."
    )
    expect(pairs).to_have_count(2)
    expect(page.get_by_role("heading", name="Pairs", exact=True)).to_be_focused()
    expect(unmatched).to_contain_text("You removed their pair with Ned Mentor.")

    # Lock a pair: it says so, and focus is back on the table's heading.
    page.get_by_role("checkbox", name="Ada Reader").check()
    with site.swaps():
        page.get_by_role("button", name="Lock the pairs ticked", exact=True).click()
    expect(page.locator("#flash-messages")).to_contain_text("Locked 1 pair.")
    expect(page.get_by_role("row", name=re.compile("^Ada Reader Oz Mentor"))).to_contain_text(
        "Locked"
    )
    expect(page.get_by_role("heading", name="Pairs", exact=True)).to_be_focused()

    # Re-run with HTMX: a new draft, at its own address; the lock and the removal hold.
    with site.swaps():
        page.get_by_role("button", name="Re-run").click()
    expect(page).to_have_url(re.compile(r"/committee/matching/runs/2$"))
    expect(page).to_have_title(re.compile(r"^Draft 2 · Matching"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Draft 2: every waiting mentee")
    expect(page.get_by_role("row", name=re.compile("^Ada Reader Oz Mentor"))).to_contain_text(
        "Locked"
    )
    expect(page.get_by_role("row", name=re.compile("^Bo Reader Ned Mentor"))).to_have_count(0)

    # By fit the re-run gives Mo to Cy and Ned to Dee; Bo's mentors are full.
    expect(page.get_by_role("row", name=re.compile("^Cy Reader Mo Mentor"))).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("^Bo Reader "))).to_contain_text(
        "2 mentors fit, all full."
    )
    # Free Mo, then choose him for Bo by hand.
    page.get_by_role("checkbox", name="Cy Reader").check()
    with site.swaps():
        page.get_by_role("button", name="Remove the pairs ticked").click()
    with site.navigates():
        page.get_by_role("link", name="Choose a mentor for Bo Reader").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("A mentor for Bo Reader")
    expect(page.get_by_role("row", name=re.compile("^Oz Mentor"))).to_contain_text("Full")
    with site.navigates():
        page.get_by_role("button", name="Choose Mo Mentor").click()
    expect(page.locator("#flash-messages")).to_contain_text(
        "Bo Reader and Mo Mentor are a pair in this draft."
    )
    expect(page.get_by_role("row", name=re.compile("^Bo Reader Mo Mentor"))).to_contain_text(
        "Chosen"
    )

    # Publish: requests from the committee go out; the draft can no longer change.
    with site.navigates():
        page.get_by_role("button", name=re.compile(r"^Publish \d+ pairs$")).click()
    expect(page.locator("#flash-messages")).to_contain_text("requests from the committee")
    expect(page.locator(".run-facts")).to_contain_text("Published")
    expect(page.get_by_role("button", name="Remove the pairs ticked")).to_have_count(0)

    # Oz, in a browser of their own, accepts from the e-mail's link.
    live_server.deliver_mail()
    message = next(m for m in mail_server.to(oz.email) if "proposes" in m["Subject"])
    link = next(url for url in links_in(message) if "/respond/" in url)
    mentor_site = new_site()
    mentor_page = mentor_site.page
    mentor_site.goto(link)
    expect(mentor_page.get_by_role("heading", level=1)).to_have_text(
        "The mentoring committee proposes Ada Reader as your mentee"
    )
    expect(mentor_page.get_by_role("main")).to_contain_text("The committee's note")
    expect(mentor_page.get_by_label("Accept: start the mentorship today")).to_be_checked()
    with mentor_site.navigates():
        mentor_page.get_by_role("button", name="Send my answer").click()
    expect(mentor_page.get_by_role("heading", level=1)).to_have_text("Request accepted")
