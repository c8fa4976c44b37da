"""A visitor of the cluster: plain HTTP to the app hosts on 127.0.0.1, its own cookies, the
forms of the pages it reads, and every exchange timed and counted.

Each visitor sends its requests to the hosts in turn (A, B, A, ...), as a load balancer without
sticky sessions would: the signed session cookie and the server-side sessions are shared.
"""

import http.client
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

TIMEOUT = 30.0  # seconds; gunicorn's own worker timeout is the same
PASSWORD = "mentor-match-demo"  # every demo member's


@dataclass
class Exchange:
    kind: str
    host: int
    status: int  # 0: no answer (refused, reset, timed out)
    seconds: float
    error: str = ""


class Tally:
    """Every exchange of a run, from any thread."""

    def __init__(self):
        self._lock = threading.Lock()
        self.exchanges: list[Exchange] = []

    def add(self, exchange: Exchange) -> None:
        with self._lock:
            self.exchanges.append(exchange)

    def of(self, kinds=None) -> list[Exchange]:
        with self._lock:
            return [e for e in self.exchanges if kinds is None or e.kind in kinds]


@dataclass
class Page:
    status: int
    text: str
    location: str = ""
    path: str = ""  # the path it was requested at (a form without an action posts there)


class Visitor:
    """One browser: cookies, a client address (sent as X-Forwarded-For, as the load balancer
    would) and a turn over the hosts."""

    def __init__(self, ports: list[int], address: str, tally: Tally, first_host: int = 0):
        self.ports = ports
        self.address = address
        self.tally = tally
        self.turn = first_host
        self.cookies: dict[str, str] = {}

    def next_host(self) -> int:
        host = self.turn % len(self.ports)
        self.turn += 1
        return host

    def request(
        self, kind: str, method: str, path: str, data=None, host: int | None = None
    ) -> Page:
        host = self.next_host() if host is None else host
        body = urlencode(data, doseq=True) if data is not None else None
        headers = {"X-Forwarded-For": self.address, "User-Agent": "mentor-match-cluster"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.ports[host], timeout=TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
            page = Page(response.status, text, response.getheader("Location") or "", path)
            self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
        except (OSError, http.client.HTTPException) as error:
            self.tally.add(
                Exchange(kind, host, 0, time.perf_counter() - started, type(error).__name__)
            )
            raise
        finally:
            connection.close()
        self.tally.add(Exchange(kind, host, page.status, time.perf_counter() - started))
        return page

    def get(self, kind: str, path: str, host: int | None = None) -> Page:
        return self.request(kind, "GET", path, host=host)

    def post(self, kind: str, path: str, data, host: int | None = None) -> Page:
        return self.request(kind, "POST", path, data, host=host)

    def _keep_cookies(self, headers: list[str]) -> None:
        for header in headers:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel.value == "" or morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def sign_in(self, email: str, password: str = PASSWORD, kind: str = "sign-in") -> Page:
        form = form_at(self.get(kind, "/auth/login"), "/auth/login")
        return self.post(kind, "/auth/login", form.filled(email=email, password=password))


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@dataclass
class Form:
    action: str
    values: list[tuple[str, str]] = field(default_factory=list)  # what the page would send
    choices: dict[str, list[str]] = field(default_factory=dict)  # checkbox, radio, select
    buttons: dict[str, str] = field(default_factory=dict)

    def filled(self, button: str | None = None, **values) -> list[tuple[str, str]]:
        """The form's values with `values` in place of any of the same name (a list value gives
        the name once per item), and the `button` pressed."""
        replaced = {name.replace("__", "-") for name in values}
        data = [(name, value) for name, value in self.values if name not in replaced]
        for name, value in values.items():
            items = value if isinstance(value, list) else [value]
            data.extend((name.replace("__", "-"), str(item)) for item in items)
        if button is not None:
            data.append((button, self.buttons[button]))
        return data


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._form = Form(attributes.get("action", ""))
            self.forms.append(self._form)
            return
        form, name = self._form, attributes.get("name")
        if form is not None and tag == "option" and self._select is not None:
            value = attributes.get("value", "")
            form.choices[self._select].append(value)
            if "selected" in attributes:
                form.values.append((self._select, value))
            return
        if form is None or not name:
            return
        if tag == "input":
            kind = attributes.get("type", "text")
            value = attributes.get("value", "")
            if kind == "submit":
                form.buttons[name] = value
            elif kind in ("checkbox", "radio"):
                form.choices.setdefault(name, []).append(value or "on")
                if "checked" in attributes:
                    form.values.append((name, value or "on"))
            else:
                form.values.append((name, value))
        elif tag == "select":
            self._select = name
            form.choices.setdefault(name, [])
        elif tag == "textarea":
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.values.append((self._textarea, "".join(self._text)))
            self._textarea = None


def forms_in(page: Page) -> list[Form]:
    reader = _FormReader()
    reader.feed(page.text)
    return reader.forms


def form_at(page: Page, action_ending: str) -> Form:
    """The page's form whose action ends with `action_ending` (the first one)."""
    for form in forms_in(page):
        form.action = form.action or page.path
        if path_of(form.action).split("?")[0].endswith(action_ending):
            return form
    raise LookupError(f"no form posting to …{action_ending} on a {page.status} page")
