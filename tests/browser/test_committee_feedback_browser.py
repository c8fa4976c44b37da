"""The committee's closing feedback page in Chromium: reached from the committee navigation,
paged and filtered with HTMX (the URL follows, the count is announced, focus moves to the new
page of results), and on to a mentorship's admin view. axe runs on every page and after every
swap (see conftest.py)."""

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from app.models import Mentorship
from app.models.profiles import MENTOR
from tests.browser.conftest import sign_in
from tests.factories import add_mentorship, close, give


def test_the_committee_reads_pages_and_filters_the_feedback(site, page, make_member, people):
    make_member(email="chair@example.org", name="Chair Person", committee=True)
    mentor = people("Ada Mentor", MENTOR, mentor_capacity=30)
    first_closed = date(2025, 1, 1)
    for i in range(22):
        mentee = people(f"Mentee {i:02d}")
        mentorship = add_mentorship(mentor, mentee, date(2024, 6, 1))
        if i % 4 == 0:  # 0, 4, 8, 12, 16, 20: ended early
            close(
                mentorship,
                Mentorship.ENDED_EARLY,
                first_closed + timedelta(days=i),
                "schedule",
                f"End note {i:02d}",
            )
        else:
            close(mentorship, Mentorship.COMPLETED, first_closed + timedelta(days=i))
            give(mentorship, mentee, i % 3 != 0, f"Comment {i:02d}", career=4)

    sign_in(site, page, "chair@example.org")
    site.goto("/committee/members")
    with site.navigates():
        page.get_by_role("navigation", name="Committee").get_by_role(
            "link", name="Closing feedback"
        ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Closing feedback")
    count = page.locator("#feedback-count")
    expect(count).to_have_text("22 closed mentorships, page 1 of 2.")
    expect(page.locator("#figure-closed .figure-value")).to_have_text("22")
    entries = page.locator(".feedback-entry-heading")
    expect(entries).to_have_count(20)
    expect(entries.first).to_have_text("Ada Mentor and Mentee 21")  # the latest closed first
    expect(page.get_by_text("End note 20")).to_be_visible()

    # The next page comes in place; the URL follows and focus moves to the new results.
    with site.swaps():
        page.get_by_role("link", name="Next page").click()
    expect(page).to_have_url(re.compile(r"/committee/feedback\?page=2$"))
    expect(count).to_have_text("22 closed mentorships, page 2 of 2.")
    expect(entries).to_have_count(2)
    expect(page.locator("ol.feedback-list")).to_be_focused()
    expect(page.get_by_role("heading", level=1)).to_have_text("Closing feedback")

    # A filter: the pairs that ended early, at once.
    status = page.get_by_label("Status")
    status.focus()
    with site.swaps():
        status.select_option("ended_early")
    expect(page).to_have_url(re.compile(r"/committee/feedback\?status=ended_early"))
    expect(count).to_have_text("6 closed mentorships match the filters.")
    expect(entries).to_have_count(6)
    expect(page.get_by_role("row", name="Our schedules or time 6")).to_be_visible()
    expect(status).to_be_focused()  # focus stays on the filter

    # Dates apply with the button; a wrong one is explained and the list is not filtered.
    page.get_by_label("Closed from").fill("2025-01-05")
    page.get_by_label("Closed until").fill("2025-01-01")
    with site.swaps():
        page.get_by_role("button", name="Show", exact=True).click()
    expect(
        page.get_by_text("The “Closed until” date is before the “Closed from” date.")
    ).to_be_visible()
    expect(entries).to_have_count(6)
    page.get_by_label("Closed until").fill("2025-01-10")
    with site.swaps():
        page.get_by_role("button", name="Show", exact=True).click()
    expect(page).to_have_url(
        re.compile(r"/committee/feedback\?status=ended_early&start=2025-01-05&end=2025-01-10$")
    )
    expect(count).to_have_text("2 closed mentorships match the filters.")
    expect(entries).to_have_text(["Ada Mentor and Mentee 08", "Ada Mentor and Mentee 04"])

    # On to the mentorship's admin view, which shows what the pair wrote too.
    with site.navigates():
        entries.first.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Closing feedback")).to_be_visible()
    expect(page.get_by_text("End note 08")).to_be_visible()
