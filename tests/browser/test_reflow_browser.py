"""The pages of every journey at 320 CSS px wide (WCAG 1.4.10 Reflow: a phone, or 1280 px zoomed
to 400%) and with the text at 200% (1.4.4 Resize Text): no sideways scrolling of the page, and
nothing cut off at its edge. Only a wide table or chart may scroll, inside its own box.

Each page is also checked by axe at that size (target sizes included) and its statuses are
never told by colour alone: every coloured badge carries its words. The stylesheet honours
reduced motion and Windows contrast themes (forced colours).
"""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app import clock
from app.main.accessibility import NARROWEST_WIDTH_PX, TEXT_ZOOM_PERCENT
from app.models import MentorshipRequest
from app.models.profiles import MENTEE, MENTOR
from app.requests.links import make_link_token
from tests.browser.keyboard import focus_style, keyboard_sign_in, tab_to
from tests.factories import add_mentorship, add_request

# Elements past the right edge (or the left), outside a box that scrolls on its own.
_CUT_OFF = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => {
    for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
      const overflow = getComputedStyle(node).overflowX;
      if (overflow === "auto" || overflow === "scroll") return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const rect = el.getBoundingClientRect();
    if (!rect.width || !rect.height) continue;
    if (el.closest(".visually-hidden, .skip-link")) continue;
    if ((rect.right > width + 1 || rect.left < -1) && !scrolls(el)) {
      out.push(`${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}`
        + (typeof el.className === "string" && el.className ? "." + el.className.split(" ")[0] : "")
        + ` (${Math.round(rect.left)}..${Math.round(rect.right)} of ${width})`);
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, width, out: out.slice(0, 10)};
}"""

_COLOUR_ONLY = """() => [...document.querySelectorAll(".badge, .outcome, [class*='status-']")]
  .filter((el) => el.getClientRects().length && !el.textContent.trim())
  .map((el) => el.outerHTML.slice(0, 80))"""

MODES = {
    "320px": {"viewport": {"width": NARROWEST_WIDTH_PX, "height": 640}, "zoom": 100},
    "text-200%": {"viewport": {"width": 1280, "height": 800}, "zoom": TEXT_ZOOM_PERCENT},
    # French words run longer: every page again, in French (the browser asks for it).
    "french-320px": {
        "viewport": {"width": NARROWEST_WIDTH_PX, "height": 640},
        "zoom": 100,
        "locale": "fr-CA",
    },
}


def assert_reflows(site, path: str, zoom: int, opened: str | None = None) -> None:
    """`path` at `zoom`, with the disclosure `opened` (a CSS selector of a <details>) open."""
    __tracebackhide__ = True
    page = site.page
    site.goto(path)
    if opened:
        page.locator(opened).evaluate("details => { details.open = true; }")
        site.check()
        # Opening moves focus into the form, which scrolls it into view: back to the top, where
        # the heading is looked for.
        page.evaluate("() => window.scrollTo(0, 0)")
    if zoom != 100:
        # The root font size, as a browser's "text size" setting changes it: rem and em follow.
        page.evaluate(f"() => {{ document.documentElement.style.fontSize = '{zoom}%'; }}")
        site.check()
    where = f"{path} with {opened} open" if opened else path
    result = page.evaluate(_CUT_OFF)
    assert result["scrollWidth"] <= result["width"], (
        f"{where} scrolls sideways: {result['scrollWidth']} px wide in {result['width']}; "
        f"past the edge: {result['out']}"
    )
    assert not result["out"], f"{where}: cut off at the edge: {result['out']}"
    expect(page.get_by_role("heading", level=1)).to_be_in_viewport()
    assert page.evaluate(_COLOUR_ONLY) == [], f"{where}: a status shown by colour alone"


@pytest.fixture
def world(make_member, people):
    """A committee member, a pair with a mentorship, a mentee and a request waiting. Each
    visitor's pages: a path, or (path, the disclosure to open on it)."""
    now, today = clock.utcnow(), clock.today()
    make_member(email="chair@example.org", name="Chair Person", committee=True)
    mentor = people("Morgan Mentor", MENTOR, position="Reference and Instruction Librarian")
    partner = people("Emery Mentee", MENTEE)
    mentorship = add_mentorship(mentor, partner, today - timedelta(days=20))
    other = people("Alex Archivist", MENTOR, position="Archivist")
    mentee = people("Sam Mentee", MENTEE, employer="Brantford Public Library")
    waiting = add_request(mentee, mentor, MentorshipRequest.PENDING, now - timedelta(days=1))
    return {
        "anonymous": [
            "/",
            "/auth/login",
            "/auth/register",
            "/accessibility",
            "/privacy",
            f"/respond/{make_link_token(waiting)}",
        ],
        mentee.email: [
            "/",
            "/profile",
            "/profile/edit",
            "/mentors",
            f"/mentors/{other.id}",
            f"/mentors/{other.id}/request",
            "/requests",
        ],
        mentor.email: ["/profile/availability"],
        partner.email: [
            "/mentorships",
            f"/mentorships/{mentorship.id}",
            (f"/mentorships/{mentorship.id}", "#progress details.next-meeting"),
        ],
        "chair@example.org": ["/committee/", "/committee/matching"],
    }


@pytest.mark.parametrize("mode", MODES)
def test_every_journey_page_reflows_and_zooms_without_loss(new_site, world, mode):
    settings = MODES[mode]
    for visitor, paths in world.items():
        site = new_site(viewport=settings["viewport"], locale=settings.get("locale", "en-US"))
        if visitor != "anonymous":
            keyboard_sign_in(site, site.page, visitor)
        for entry in paths:
            path, opened = entry if isinstance(entry, tuple) else (entry, None)
            assert_reflows(site, path, settings["zoom"], opened)
            if "locale" in settings:
                expect(site.page.locator("html")).to_have_attribute("lang", "fr-CA")


def test_reduced_motion_and_windows_contrast_themes_are_honoured(site, page):
    site.goto("/auth/login")
    transition = """() => {
      const probe = document.createElement("span");
      probe.className = "htmx-indicator";
      document.body.append(probe);
      const duration = getComputedStyle(probe).transitionDuration;
      probe.remove();
      return duration;
    }"""
    assert page.evaluate(transition) == "0.2s"
    page.emulate_media(reduced_motion="reduce")
    assert page.evaluate(transition) == "0s"

    email = page.get_by_label("Email")
    tab_to(page, email)
    assert focus_style(email)["outlineColor"] == "rgb(255, 191, 71)"
    page.emulate_media(forced_colors="active")
    style = focus_style(email)
    # The theme's own highlight colour, and a ring that does not rely on a box-shadow.
    assert style["outlineColor"] != "rgb(255, 191, 71)" and style["outlineWidth"] >= 2
    assert style["boxShadow"] == "none"
    button = page.get_by_role("button", name="Sign in")
    assert button.evaluate("el => getComputedStyle(el).borderTopStyle") == "solid"
    site.check()
