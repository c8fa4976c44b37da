"""What the accessibility statement says, in one place, so that it stays true.

The statement page renders these lists; the keyboard browser tests import `JOURNEYS` and walk
each of them (a test fails when a journey here has no keyboard test, or a keyboard test walks a
journey not listed), and a browser test compares `TESTED_WITH` with the versions of axe-core,
Playwright and Chromium it actually ran, and `TESTED_ON` with the day the suite last changed
these facts. No Flask here: the tests read it without an application. The texts are marked
with `N_` for the French catalogue and translated where the statement shows them.
"""

from dataclasses import dataclass
from datetime import date

from app.phrases import N_

STANDARD = "WCAG 2.2"
LEVEL = "AA"
# The day the keyboard, zoom and reflow tests and axe-core last ran green against this code.
TESTED_ON = date(2026, 12, 3)
# The tools of the browser test suite (tests/browser); a test checks each one it runs.
TESTED_WITH = (
    ("axe-core", "4.14.1"),
    ("Playwright for Python", "1.65.2"),
    ("Chromium", "150"),
)
# The widths and zoom levels the reflow tests use.
NARROWEST_WIDTH_PX = 320
TEXT_ZOOM_PERCENT = 200


@dataclass(frozen=True)
class Journey:
    key: str  # the keyboard test that walks it is marked with this key
    title: str
    steps: str


JOURNEYS = (
    Journey(
        "register",
        N_("Join and confirm your e-mail address"),
        N_(
            "create an account, correct the errors the form reports, open the confirmation link, "
            "sign in"
        ),
    ),
    Journey(
        "profile",
        N_("Write your profile"),
        N_("open your profile, edit it, correct an error, save it"),
    ),
    Journey(
        "directory-request",
        N_("Find a mentor and ask them"),
        N_("search and filter the mentor directory, open a mentor's page, send a request"),
    ),
    Journey(
        "decision",
        N_("Answer a request from the e-mail link"),
        N_(
            "open the link a mentor receives, read the request, accept it, or decline it and say "
            "you are away until a day, without signing in"
        ),
    ),
    Journey(
        "check-in",
        N_("Keep a mentorship going"),
        N_("open your mentorship, log a check-in, tick off a goal"),
    ),
    Journey(
        "next-meeting",
        N_("Plan the next meeting"),
        N_(
            "open the meeting form of your mentorship, choose the day, time and way of meeting, "
            "correct a video link, save it, add it to your calendar"
        ),
    ),
    Journey(
        "pause",
        N_("Pause as a mentor"),
        N_(
            "open your availability, choose the day you are back, correct an error, choose what "
            "happens to the requests waiting, pause, then come back"
        ),
    ),
    Journey(
        "committee-dashboard",
        N_("Read the committee dashboard"),
        N_("choose a period, read the figures, the charts and their data tables"),
    ),
    Journey(
        "french",
        N_("Use the portal in French"),
        N_(
            "switch the language in the header, join and correct an error, confirm your address "
            "from the e-mail written in French, sign in; as a mentor whose language is French, "
            "answer a request from the e-mail link"
        ),
    ),
    Journey(
        "matching",
        N_("Match mentees with mentors (committee)"),
        N_("open the matching workbench, set the criteria, propose pairs"),
    ),
)


@dataclass(frozen=True)
class KnownIssue:
    criterion: str  # WCAG success criterion number and name
    problem: str
    plan: str


KNOWN_ISSUES = (
    KnownIssue(
        N_("1.4.10 Reflow"),
        N_(
            "Wide tables on committee pages (the roster and its preview, matching drafts, the "
            "audit log) scroll sideways inside their own box on narrow screens; the page itself "
            "does not."
        ),
        N_(
            "Tables of two dimensions may scroll under 1.4.10. We will offer a stacked layout for "
            "the roster on phones."
        ),
    ),
    KnownIssue(
        N_("1.1.1 Non-text Content"),
        N_(
            "The dashboard's charts are pictures described in words; the exact figures are in the "
            "data table below each chart, collapsed until you open it."
        ),
        N_("We will keep the table next to every chart we add and test that each chart has one."),
    ),
    KnownIssue(
        N_("3.3.8 Accessible Authentication (Minimum)"),
        N_(
            "Signing in asks for a password; password managers and pasting work, and committee "
            "members' two-step codes may be pasted too. We have not tested every password manager."
        ),
        N_("We will test the sign-in forms with the password managers members tell us they use."),
    ),
    KnownIssue(
        N_("4.1.2 Name, Role, Value"),
        N_(
            "Names, roles and states are checked by axe-core in Chromium only: we have not yet "
            "tested the journeys with NVDA, JAWS, VoiceOver or TalkBack ourselves."
        ),
        N_(
            "We will walk every journey above with NVDA and VoiceOver before the next intake opens."
        ),
    ),
)


def journey_keys() -> list[str]:
    return [journey.key for journey in JOURNEYS]
