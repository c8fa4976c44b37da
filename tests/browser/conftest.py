"""Browser tests: Debian's Chromium, driven by Playwright, against a live server.

Run them with `.venv/bin/python -m pytest tests/browser`; every test here carries the `browser`
marker, so `-m "not browser"` leaves them out.

- Chromium is /usr/bin/chromium (or $CHROMIUM_PATH). Without it these tests are skipped, except
  when CI=true: there a missing browser makes them fail.
- `live_server` serves the `app` fixture's application (the migrated test database, the real SMTP
  server of `mail_server`, CSRF and rate limits on) on 127.0.0.1 with BASE_URL pointing at
  itself, so links in e-mail open in the browser. `live_server.deliver_mail()` runs the outbox.
- `site` (and `page`, its page) is how a test uses the browser, and every page it shows is
  checked, once HTMX is idle: axe-core must find no WCAG 2.0/2.1/2.2 A or AA violation (the
  2.2 target-size rule, off in axe by default, switched on), the browser
  console no error and no Content-Security-Policy violation, the page no uncaught exception, and
  the server must log no error (the app logs the exceptions it turns into 500 pages). Expected
  errors are allowed by pattern: `site.allow_console_error(r"status of 404")`.

      site.goto("/auth/login")                       # open a page; check it
      with site.navigates():                         # an action that loads a page; check it
          page.get_by_role("button", name="Sign in").click()
      with site.swaps():                             # an action that makes HTMX swap; check it
          page.get_by_label("Search").fill("cataloguing")
      site.check()                                   # check the page as it is now

  A test that loads a page, or gets an HTMX swap, and never checks it fails at teardown, so a
  forgotten check cannot go unnoticed. `new_site()` opens another browser (e.g. a second
  person), checked the same way. `axe(page)` runs axe alone on any page.

axe is put into the page with `page.evaluate` of its source: DevTools evaluation is not subject
to the page's Content-Security-Policy (`script-src 'self'`), which stays active (no bypass_csp).
"""

import logging
import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import ConsoleMessage, Page
from playwright.sync_api import Error as PlaywrightError
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.support import DEFAULT_PASSWORD

BROWSER_TESTS = Path(__file__).resolve().parent
AXE_SOURCE = BROWSER_TESTS / "vendor" / "axe-4.14.1.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Rules run on top of the tags, whatever axe's defaults: 2.5.8's minimum target size.
AXE_RULES = {"target-size": {"enabled": True}}

DEFAULT_CHROMIUM = "/usr/bin/chromium"
# The machine has no network: without these Chromium tries to reach Google's services.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000

# Chromium's wording has changed over time ("Refused to ...", "... violates the following
# Content Security Policy directive ...").
CSP_MESSAGE = re.compile(r"Refused to|Content[- ]Security[- ]Policy", re.IGNORECASE)

_CALL_FAILED = pytest.StashKey[bool]()


# --- collection -----------------------------------------------------------------------------


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Mark every test of this directory `browser` (before `-m` deselects)."""
    for item in items:
        if BROWSER_TESTS in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


def _test_failed(request) -> bool:
    return request.node.stash.get(_CALL_FAILED, False)


# --- the browser ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or DEFAULT_CHROMIUM
    if os.path.isfile(path) and os.access(path, os.X_OK):
        return path
    reason = (
        f"Chromium is not installed at {path}: install Debian's `chromium` package, "
        "or set CHROMIUM_PATH"
    )
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"{reason}. CI=true, so the browser tests must run.", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _requires_chromium(chromium_path):
    """Skip (or, in CI, fail) before starting anything else when there is no browser."""


@pytest.fixture(scope="session")
def base_url():
    """No base URL: tests open the live server's absolute addresses.

    This also replaces pytest-playwright 0.10's fallback `base_url` fixture, a method of a plugin
    object, which pytest 9 deprecates (PytestRemovedIn10Warning, an error here).
    """
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, chromium_path):
    """pytest-playwright's launch options (--headed, --slowmo...) with Debian's Chromium."""
    options = dict(browser_type_launch_args)
    args = list(CHROMIUM_ARGS)
    if options.get("headless") is False:  # --headed
        args.remove("--headless")
    options["executable_path"] = chromium_path
    options["args"] = [*options.get("args", []), *args]
    return options


# --- the live server ------------------------------------------------------------------------


class _QuietRequestHandler(WSGIRequestHandler):
    def log_request(self, code="-", size="-"):
        pass  # errors are still logged, and fail the test (see _ServerErrors)


@dataclass
class LiveServer:
    app: Flask
    url: str
    errors: list[str] = field(default_factory=list)  # logged while serving

    def deliver_mail(self):
        """One pass of the outbox to the test SMTP server; returns the DeliveryReport."""
        from app.email.delivery import deliver_due

        with self.app.app_context():
            return deliver_due()


class _ServerErrors(logging.Handler):
    """Errors logged by the server's threads (the app logs its unexpected exceptions)."""

    LOGGERS = ("app", "werkzeug")

    def __init__(self, live: LiveServer):
        super().__init__(logging.ERROR)
        self.live = live
        self.test_thread = threading.current_thread()
        self.setFormatter(logging.Formatter("%(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        if threading.current_thread() is not self.test_thread:
            self.live.errors.append(self.format(record))

    def __enter__(self):
        for name in self.LOGGERS:
            logging.getLogger(name).addHandler(self)
        return self

    def __exit__(self, *exc_info):
        for name in self.LOGGERS:
            logging.getLogger(name).removeHandler(self)


@pytest.fixture
def live_server(app) -> Iterator[LiveServer]:
    """The `app` fixture's application served over HTTP in a background thread.

    The `app` fixture empties the tables after the test, once the server has stopped.
    """
    assert app.config.get("WTF_CSRF_ENABLED", True), "browser tests keep CSRF protection on"
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietRequestHandler)
    live = LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    app.config["BASE_URL"] = live.url  # links in e-mail point at this server
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="live-server"
    )
    thread.daemon = True
    with _ServerErrors(live):
        thread.start()
        try:
            yield live
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)


# --- checks ---------------------------------------------------------------------------------


@cache
def _axe_source() -> str:
    return AXE_SOURCE.read_text(encoding="utf-8")


# Runs in every document before its own scripts (DevTools injection: not subject to the CSP).
_INIT_SCRIPT = """
(() => {
  const report = (kind, detail) => {
    try { window.__browserTestReport(kind, detail); } catch (error) { /* page closing */ }
  };
  const state = {
    document: Math.random().toString(36).slice(2) + Date.now().toString(36),
    swaps: 0,  // HTMX swaps settled
    requests: 0,  // HTMX requests in flight
    settling: false,  // swapped, not settled yet
  };
  window.__browserTest = state;
  document.addEventListener("securitypolicyviolation", (event) => {
    report("csp", `${event.effectiveDirective} blocked ${event.blockedURI || "inline code"}`
      + ` in ${event.sourceFile || location.href}:${event.lineNumber}`);
  });
  document.addEventListener("htmx:beforeRequest", () => { state.requests += 1; });
  document.addEventListener("htmx:afterRequest", () => {
    state.requests = Math.max(0, state.requests - 1);
  });
  document.addEventListener("htmx:afterSwap", () => { state.settling = true; });
  document.addEventListener("htmx:afterSettle", () => {
    state.settling = false;
    state.swaps += 1;
    report("swap", {document: state.document, url: location.href, swaps: state.swaps});
  });
})();
"""

# Waits until HTMX is idle (and, with `after`, until more than `after` swaps have settled).
_WAIT_FOR_HTMX = """
([after, timeout]) => new Promise((resolve, reject) => {
  const state = window.__browserTest || {swaps: 0, requests: 0, settling: false};
  const started = Date.now();
  const poll = () => {
    const idle = state.requests === 0 && !state.settling;
    if (idle && (after === null || state.swaps > after)) {
      return resolve({document: state.document || null, url: location.href, swaps: state.swaps});
    }
    if (Date.now() - started > timeout) {
      return after === null
        ? resolve({document: state.document || null, url: location.href, swaps: state.swaps})
        : reject(new Error(`no HTMX swap settled within ${timeout} ms`));
    }
    setTimeout(poll, 10);
  };
  poll();
})
"""

_RUN_AXE = """
async ([tags, rules]) => {
  const results = await window.axe.run(document, {
    runOnly: {type: "tag", values: tags},
    rules,
    resultTypes: ["violations"],
  });
  return {
    document: window.__browserTest ? window.__browserTest.document : null,
    url: location.href,
    swaps: window.__browserTest ? window.__browserTest.swaps : 0,
    violations: results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({
        target: n.target.map((t) => [].concat(t).join(" >>> ")).join(" | "),
        summary: n.failureSummary,
      })),
    })),
  };
}
"""


class BrowserCheckFailed(AssertionError):
    pass


def run_axe(page: Page) -> dict:
    """axe-core on the page as it is: {document, url, swaps, violations}."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    return page.evaluate(_RUN_AXE, [AXE_TAGS, AXE_RULES])


def describe_violations(url: str, violations: list[dict]) -> str:
    lines = [f"axe found {len(violations)} WCAG A/AA violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {node['target']}")
            summary = (node.get("summary") or "").strip().replace("\n", "\n      ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


@pytest.fixture
def axe() -> Callable[[Page], None]:
    """`axe(page)`: fail the test if axe finds WCAG 2.0-2.2 A or AA violations on the page."""

    def check(page: Page) -> None:
        __tracebackhide__ = True
        result = run_axe(page)
        if result["violations"]:
            raise BrowserCheckFailed(describe_violations(result["url"], result["violations"]))

    return check


@dataclass
class _Checked:
    url: str
    swaps: int


class Site:
    """One browser tab on the live server whose every page is checked (see the module doc)."""

    def __init__(self, page: Page, live_server: LiveServer):
        self.page = page
        self.live = live_server
        self._problems: list[str] = []
        self._allowed_console: list[re.Pattern] = []
        self._loaded: list[str] = []
        self._checked: dict[str, _Checked] = {}
        self._swapped: dict[str, _Checked] = {}
        page.set_default_timeout(TIMEOUT_MS)
        page.on("load", lambda loaded: self._loaded.append(loaded.url))
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self._problems.append(f"uncaught exception: {error}"))
        page.expose_function("__browserTestReport", self._on_report)
        page.add_init_script(script=_INIT_SCRIPT)

    # -- what tests call

    def url(self, path: str) -> str:
        return self.live.url + path if path.startswith("/") else path

    def goto(self, path: str, status: int = 200):
        """Open a path of the live server (or an absolute URL) and check the page."""
        __tracebackhide__ = True
        response = self.page.goto(self.url(path))
        assert response is not None, f"no response for {path}"
        assert response.status == status, f"{path} answered {response.status}, not {status}"
        self.check()
        return response

    @contextmanager
    def navigates(self, status: int = 200):
        """Around an action that loads a new page: wait for it to load, then check it."""
        __tracebackhide__ = True
        with self.page.expect_navigation() as navigation:
            yield
        response = navigation.value
        if response is not None:
            assert response.status == status, (
                f"{response.url} answered {response.status}, not {status}"
            )
        self.check()

    @contextmanager
    def swaps(self, timeout_ms: int = 5_000):
        """Around an action that makes HTMX swap content: wait for it to settle, then check."""
        __tracebackhide__ = True
        before = self.page.evaluate(_WAIT_FOR_HTMX, [None, timeout_ms])["swaps"]
        yield
        self.page.evaluate(_WAIT_FOR_HTMX, [before, timeout_ms])
        self.check()

    def check(self) -> None:
        """Check the page as it is now (once HTMX is idle): axe, console, CSP, page and server."""
        __tracebackhide__ = True
        self.page.evaluate(_WAIT_FOR_HTMX, [None, TIMEOUT_MS])  # e.g. content loaded on load
        result = run_axe(self.page)
        if result["document"]:
            self._checked[result["document"]] = _Checked(result["url"], result["swaps"])
        failures = []
        if result["violations"]:
            failures.append(describe_violations(result["url"], result["violations"]))
        failures.extend(self._take_problems())
        if failures:
            raise BrowserCheckFailed("\n\n".join(failures))

    def allow_console_error(self, pattern: str) -> None:
        """Accept console errors matching `pattern` (a regex) for the rest of the test."""
        self._allowed_console.append(re.compile(pattern))

    # -- events

    def _on_console(self, message: ConsoleMessage) -> None:
        text = message.text
        is_csp = bool(CSP_MESSAGE.search(text))
        if message.type != "error" and not is_csp:
            return
        if not is_csp and any(p.search(text) for p in self._allowed_console):
            return
        where = message.location.get("url", "")
        if message.location.get("lineNumber"):
            where += f":{message.location['lineNumber']}"
        kind = "CSP violation" if is_csp else f"console {message.type}"
        self._problems.append(f"{kind}: {text}" + (f" ({where})" if where else ""))

    def _on_report(self, kind: str, detail) -> None:
        if kind == "csp":
            self._problems.append(f"CSP violation: {detail}")
        elif kind == "swap":
            self._swapped[detail["document"]] = _Checked(detail["url"], detail["swaps"])

    def _note_swaps_of_current_page(self) -> None:
        """Let HTMX finish, then count the swaps of the page still open (no event race)."""
        try:
            self.page.wait_for_load_state()
            state = self.page.evaluate(_WAIT_FOR_HTMX, [None, 2_000])
        except PlaywrightError:  # navigating away: the load event was counted
            return
        if state["document"] and state["swaps"]:
            self._swapped[state["document"]] = _Checked(state["url"], state["swaps"])

    def _take_problems(self) -> list[str]:
        problems, self._problems = self._problems, []
        problems.extend(f"the server logged an error: {error}" for error in self.live.errors)
        self.live.errors.clear()
        return problems

    # -- teardown

    def finish(self) -> list[str]:
        """What went wrong since the last check, and pages or swaps that were never checked."""
        if not self.page.is_closed():
            self._note_swaps_of_current_page()
        problems = self._take_problems()
        if len(self._loaded) > len(self._checked):
            problems.append(
                f"{len(self._loaded) - len(self._checked)} page(s) loaded without a check "
                "(use site.goto, `with site.navigates():` or site.check()).\n"
                f"  loaded: {self._loaded}\n"
                f"  checked: {[c.url for c in self._checked.values()]}"
            )
        for document, swapped in self._swapped.items():
            checked = self._checked.get(document)
            if checked is None or checked.swaps < swapped.swaps:
                problems.append(
                    f"HTMX swapped content on {swapped.url} with no check afterwards "
                    "(use `with site.swaps():` or site.check())"
                )
        return problems


@pytest.fixture
def new_site(live_server, new_context, request) -> Iterator[Callable[..., Site]]:
    """`new_site(**context_options)`: another browser (own cookies) on the live server."""
    sites: list[Site] = []

    def make(**context_options) -> Site:
        context = new_context(**context_options)
        site = Site(context.new_page(), live_server)
        sites.append(site)
        return site

    yield make
    if _test_failed(request):
        return
    problems = [problem for site in sites for problem in site.finish()]
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)


@pytest.fixture
def site(new_site) -> Site:
    return new_site()


@pytest.fixture
def page(site) -> Page:
    """The page of `site` (pytest-playwright's own `page` would not be checked)."""
    return site.page


def sign_in(site: Site, page: Page, email: str) -> None:
    """Sign in on the login page as `email`, with the test members' password."""
    site.goto("/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    with site.navigates():
        page.get_by_role("button", name="Sign in").click()
