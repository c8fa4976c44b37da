"""The demo data, seen as a new user would at a phone's width (390 px) and a laptop's (1280 px):
`flask seed-demo` fills the database, the demo mentee opens their mentorship workspace (a
summary first, every form opened on demand), the directory, and the committee member the
dashboard. Every page and swap is checked by axe and for console and CSP errors (conftest.py).
"""

import contextvars

import pytest
from playwright.sync_api import expect

from app.seed import DEMO_PASSWORD

WIDTHS = {"phone": 390, "laptop": 1280}


@pytest.fixture
def demo(app):
    def run():
        with app.app_context():
            return app.test_cli_runner().invoke(args=["seed-demo"])

    result = contextvars.Context().run(run)
    assert result.exit_code == 0, result.output


def open_as(new_site, width: int, email: str):
    site = new_site(viewport={"width": width, "height": 844})
    page = site.page
    site.goto("/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    with site.navigates():
        page.get_by_role("button", name="Sign in").click()
    return site, page


def height(page) -> int:
    return page.evaluate("document.documentElement.scrollHeight")


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_the_demo_mentee_works_in_a_mentorship_workspace(demo, new_site, live_server, width):
    site, page = open_as(new_site, width, "mentee@example.org")
    with site.navigates():
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Mentorships").click()
    with site.navigates():
        page.get_by_role("link", name="Riley Mentor").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your mentorship with Riley Mentor")

    # The summary comes first: next meeting, agreed goals, last check-in.
    summary = page.locator("#progress")
    expect(summary.get_by_role("heading", level=2)).to_have_text("At a glance")
    expect(summary).to_contain_text("(America/Toronto)")
    expect(summary).to_contain_text("agreed by you both")
    expect(page.locator("#glance-goals")).to_contain_text("1 of 3")
    box = summary.bounding_box()
    assert box["y"] < 400, box
    # Forms are closed until wanted: one short page at either width.
    for label in ("Date you met", "New goal", "Date"):
        expect(page.get_by_label(label, exact=True)).to_be_hidden()
    assert height(page) < (5500 if width < 700 else 3600), height(page)

    # A goal marked done with its visible control; the summary follows.
    goals = page.locator("#goals")
    toggle = goals.get_by_role("button", pressed=False).first
    expect(toggle).to_be_visible()
    expect(toggle).to_contain_text("Done")
    with site.swaps():
        toggle.click()
    expect(page.locator("#glance-goals")).to_contain_text("2 of 3")
    expect(page.locator("#goal-announcement")).to_contain_text(": done.")

    # Opening "Log a check-in" puts the focus in its first field.
    page.get_by_text("Log a check-in", exact=True).click()
    expect(page.get_by_label("Date you met")).to_be_focused()
    site.check()


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_the_demo_committee_member_sees_a_living_program(demo, new_site, live_server, width):
    site, page = open_as(new_site, width, "committee@example.org")
    site.goto("/committee/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    # Mentees who never asked wait for a match too.
    waiting = page.locator("#waiting-mentees-heading")
    expect(waiting).to_contain_text("Mentees waiting longest for a match")
    expect(page.locator("main")).to_contain_text("Never asked")
    # One threshold: the figure's note and the list's heading name the same number of days.
    expect(page.locator("#figure-overdue")).to_contain_text("no check-in for 45 days")
    expect(page.locator("main")).to_contain_text("Mentorships with no check-in for 45 days")
    # Every chart label is drawn at 12 px or more on screen, and inside its chart.
    labels = page.evaluate(
        """() => [...document.querySelectorAll('svg.chart text')].map(t => {
            const box = t.getBoundingClientRect(), svg = t.ownerSVGElement.getBoundingClientRect();
            const scale = svg.width / t.ownerSVGElement.viewBox.baseVal.width;
            return {text: t.textContent, px: 13 * scale, inside: box.left >= svg.left - 0.5
              && box.right <= svg.right + 0.5 && box.top >= svg.top - 0.5
              && box.bottom <= svg.bottom + 0.5};
        })"""
    )
    assert len(labels) > 20
    assert all(label["px"] >= 12 for label in labels), labels
    assert all(label["inside"] for label in labels), [x for x in labels if not x["inside"]]
    site.goto("/mentors")
    expect(page.locator("#mentor-count")).to_contain_text("mentors found")
    expect(page.locator("main")).not_to_contain_text("Toronto, Toronto")
