"""Plain helpers for the tests: posting forms like a browser, signing in, reading pages, e-mail
and the audit trail. Fixtures live in conftest.py (the application, the database, the SMTP
server, the clock) and factories.py (people, pairs, agreements, vocabularies)."""

import contextvars
import html
import re
import socket
from email.message import EmailMessage

from flask.testing import FlaskClient
from sqlalchemy import event, select

from app.extensions import db
from app.models import AuditEvent, OutboxEmail, Profile

# The members the tests make all have this password.
DEFAULT_PASSWORD = "correct horse battery staple"

# The tables the migrations fill and every test keeps (emptying the others after each test).
VOCABULARY_TABLES = {
    "sectors",
    "expertise_areas",
    "regions",
    "contact_methods",
    "languages",
    "objectives",
}


# --- forms and signing in --------------------------------------------------------------------


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'"X-CSRFToken": "([^"]+)"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


class FormClient:
    """Posts forms the way a browser does: with the CSRF token of the session."""

    def __init__(self, client):
        self.client = client

    def csrf_token(self) -> str:
        return csrf_token_from(self.client.get("/").get_data(as_text=True))

    def post(self, path: str, data: dict | None = None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        return self.client.post(path, data=data, **kwargs)

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)


def sign_in(client, email: str, password: str = DEFAULT_PASSWORD, remember: bool = False):
    forms = FormClient(client)
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    response = forms.post("/auth/login", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def client_for(app, user, remember: bool = False) -> FormClient:
    """A FormClient signed in as `user`. `remember` ("Remember me") for tests that move the
    clock by days, past a plain session's 12 hours."""
    client = app.test_client()
    sign_in(client, user.email, remember=remember)
    return FormClient(client)


# --- pages and records ---------------------------------------------------------------------


def unescaped_html(response) -> str:
    """A response's HTML with its character references decoded (&#39; -> ')."""
    return html.unescape(response.get_data(as_text=True))


def text_of(response) -> str:
    """The page's text: tags removed, entities decoded, white space collapsed."""
    without_tags = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", html.unescape(without_tags)).replace(" .", ".")


def listed_mentors(response) -> list[str]:
    """The names on the directory's mentor cards, in order."""
    return re.findall(
        r'class="mentor-name"><a href="/mentors/\d+">([^<]+)</a>', unescaped_html(response)
    )


def statements_for(app, forms, path, headers=None) -> int:
    """How many SQL statements one GET of `path` runs (it must answer 200)."""
    count = {"n": 0}

    def counter(*args):
        count["n"] += 1

    engine = db.engine
    event.listen(engine, "before_cursor_execute", counter)
    try:
        response = forms.get(path, headers=headers or {})
    finally:
        event.remove(engine, "before_cursor_execute", counter)
    assert response.status_code == 200
    return count["n"]


def download_csv(forms, path: str):
    """POST a CSV download and read the whole stream in one context, as a server does (the test
    client of conftest would otherwise read it in another context than the request's)."""
    token = forms.csrf_token()

    def run():
        response = FlaskClient.open(forms.client, path, method="POST", data={"csrf_token": token})
        response.was_streamed = response.is_streamed
        response.get_data()
        response.close()
        return response

    response = contextvars.Context().run(run)
    assert response.status_code == 200, response.status_code
    return response


def fresh(model, id_):
    """The row as stored now (not as the test's session remembers it)."""
    db.session.expire_all()
    return db.session.get(model, id_)


def profile_of(user) -> Profile:
    db.session.expire_all()
    return db.session.get(Profile, user.id)


def audit_events(action: str | None = None) -> list[AuditEvent]:
    """The audit trail as stored now, oldest first (of one action, if given)."""
    db.session.expire_all()
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query))


def limit_of(app, setting: str) -> int:
    """The number of attempts a rate limit setting allows ("10 per 15 minutes": 10)."""
    return int(app.config[setting].split()[0])


# --- e-mail ---------------------------------------------------------------------------------


def outbox(template: str | None = None) -> list[OutboxEmail]:
    """The outbox as stored now, oldest first (of one template, if given)."""
    db.session.expire_all()
    query = select(OutboxEmail).order_by(OutboxEmail.id)
    if template:
        query = query.where(OutboxEmail.template == template)
    return list(db.session.scalars(query))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def body_text(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def body_html(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def links_in(message: EmailMessage) -> list[str]:
    return re.findall(r"https?://[^\s<>\"']+", body_text(message))
