"""Hostile input against every route (`flask routes`), for every kind of visitor.

Each route is walked as an anonymous visitor, a newcomer who has not confirmed their address,
an unrelated member, a mentee and a mentor of the pair, a committee member, and a committee
member with two-step sign-in on, half-way through signing in again. Hypothesis (a
bounded, derandomised profile: the same examples on every run) feeds its query arguments, its
form fields (found on the pages that show its forms), its path parts and its CSRF token hostile
values: NUL and other control characters, 100 KB texts, emoji and right-to-left text, huge and
negative numbers, days at 0001 and 9999, malformed tokens and files, a missing, forged or
another session's CSRF token. Then, whatever Hypothesis drew, every field of the route's form
and every text part of its address (a link's token, a list's name) is sent, in turn, the values
that broke pages before: a NUL, 100 KB, days at 0001 and 9999, huge numbers, odd tokens.

For every answer:
- never a server error (5xx);
- a GET changes nothing, and neither does a refusal (a 4xx, or a form shown again with its
  errors);
- a form shown again keeps what was typed in its text fields (without the control characters,
  which are refused with the field's message).

FUZZ_EXAMPLES (default 4) sets the examples per route for each visitor it is for (a quarter
of them, at least one, for the others); the whole module stays within about two minutes on
SQLite and on PostgreSQL.
"""

import html
import io
import itertools
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import time, timedelta
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from app import clock, create_app
from app import text as portal_text
from app.committee.matching import services as matching_services
from app.committee.roster import services as roster_services
from app.extensions import db
from app.matching_criteria import DEFAULT_CRITERIA
from app.matching_solver import MOST_MATCHES
from app.models import (
    CheckIn,
    ContactMethod,
    Goal,
    Intake,
    Mentorship,
    MentorshipAgreement,
    Objective,
    OutboxEmail,
)
from app.requests.links import make_link_token
from app.text import without_control_characters
from app.tokens import fingerprint, make_token
from tests.factories import GOALS, agree, ask, mentee_profile, mentor_profile
from tests.support import DEFAULT_PASSWORD, VOCABULARY_TABLES

# As an English page writes it (it is translated where it is shown).
CONTROL_CHARACTERS_MESSAGE = str(portal_text.CONTROL_CHARACTERS_MESSAGE)
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
OUTSIDER_EXAMPLES = max(1, EXAMPLES // 4)
settings.register_profile(
    "fuzz",
    max_examples=EXAMPLES,
    derandomize=True,  # the same examples on every run: CI is reproducible
    database=None,  # nothing written to .hypothesis/
    deadline=None,
    phases=(Phase.explicit, Phase.generate, Phase.shrink),
    suppress_health_check=(
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ),
    print_blob=False,
)
FUZZ = settings.get_profile("fuzz")

VISITORS = ("anonymous", "newcomer", "member", "mentee", "mentor", "committee", "two-step")
SKIPPED_METHODS = {"HEAD", "OPTIONS"}


def _routes() -> list[tuple[str, str]]:
    """Every (endpoint, method) of `flask routes`."""
    app = create_app("testing")
    return sorted(
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - SKIPPED_METHODS
    )


ROUTES = _routes()
CHANGES = [(endpoint, method) for endpoint, method in ROUTES if method != "GET"]


# --- hostile values ------------------------------------------------------------------------------

CONTROL = ["\x00", "a\x00b", "\x00" * 8, "\x1b[31mred\x1b[0m", "bell\x07", "\x7f", "\x85", "\x0c"]
LINES = ["line\nbreak", "\r\n", "tab\there", "Bcc: x@example.org\r\nSubject: hi"]
UNICODE = [
    "👩🏽‍💻🚀✨ emoji",
    "שלום עולם",
    "مرحبا بالعالم",
    "\u202eevil\u202c",
    "\u200b\u200d",
    "\ufeffbom",
    "𝕳𝖊𝖑𝖑𝖔",
    "\U0010fffd",
    "Ǆ̴̵̶̷̸̡̢̧̨̛̖̗̘̙̜̝̞̟̠",
]
HUGE = ["x" * 100_000, "é" * 60_000, ("word " * 20_000).strip()]
NUMBERS = [
    "0",
    "-1",
    "-99999999999999999999",
    "99999999999999999999",
    "2147483648",
    "9223372036854775808",
    "1e309",
    "NaN",
    "1.5",
    "٣",
    "²",
    " 7 ",
    "0x1F",
]
DAYS = [
    "0001-01-01",
    "9999-12-31",
    "1899-12-31",
    "2101-01-01",
    "2026-02-30",
    "2026-13-01",
    "10000-01-01",
    "-2026-01-01",
    "0000-00-00",
    "2026-1-1",
]
TIMES = ["24:00", "23:59:60", "-1:00", "12:00:00.5", "99:99"]
TOKENS = [
    "",
    "x",
    ".",
    "a.b.c",
    "eyJ" * 300,
    "%00",
    "..",
    "a" * 5000,
    "==",
    "InRva2VuIg.AAAA.BBBB",
]
ATTACKS = [
    "<script>alert(1)</script>",
    "' OR '1'='1",
    "{{7*7}}",
    "%s%s%n",
    "\\",
    "//evil.example/",
    "javascript:alert(1)",
    "/\nX",
    "/\\evil.example",
    "../../etc/passwd",
]
SPECIALS = CONTROL + LINES + UNICODE + HUGE + NUMBERS + DAYS + TIMES + TOKENS + ATTACKS

hostile_text = st.one_of(
    st.sampled_from(SPECIALS),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=30),
)
hostile_ints = st.sampled_from([0, 2**31, 2**31 - 1, 2**63, 10**30])
hostile_files = st.one_of(
    st.sampled_from(
        [
            b"",
            b"\x00\xff\xfe\x00",
            b"\xef\xbb\xbfmembership number,email,expiry date\nOLA-1,a@example.org,9999-12-31\n",
            b"membership number,email,expiry date\nOLA-\x001,a\x00@example.org,0001-01-01\n",
            b"membership number;email;expiry date\n" + b"x" * 100_000 + b";y;z\n",
            "numéro,courriel,expiration\nOLA-1,é@example.org,2027-01-01\n".encode("latin-1"),
        ]
    ),
    st.binary(max_size=200),
)
CSRF_KINDS = ["valid", "valid", "valid", "missing", "forged", "other session"]

# The query-string arguments any page reads, besides the fields of its own GET forms.
QUERY_ARGS = [
    "q",
    "page",
    "next",
    "email",
    "reset",
    "edit",
    "outcome",
    "role",
    "role_state",
    "years_experience",
    "order",
    "start",
    "end",
    "since",
    "until",
    "actor",
    "action",
    "intake",
    "status",
    "written",
]
# Form fields a page may read that no form shows to these visitors.
EXTRA_FIELDS = ["next", "back", "intake_id", "preview", "score-²", "score-99999999999"]


# --- the world the routes act on -----------------------------------------------------------------


@dataclass
class World:
    """Every path value a route needs (each parameter's first value is the default), the
    values some endpoints use instead, and a signed-in client per kind of visitor."""

    values: dict[str, list]
    for_endpoint: dict[str, dict]
    visitors: dict[str, object]

    def path_values(self, endpoint: str, arguments) -> dict:
        chosen = {name: self.values[name][0] for name in arguments}
        chosen.update(
            {k: v for k, v in self.for_endpoint.get(endpoint, {}).items() if k in arguments}
        )
        return chosen


def _objectives(count: int) -> list[Objective]:
    return db.session.scalars(select(Objective).order_by(Objective.position)).all()[:count]


def _mentorship(mentor, mentee, started_days_ago: int, status=Mentorship.ACTIVE) -> Mentorship:
    started = clock.today() - timedelta(days=started_days_ago)
    mentorship = Mentorship(
        mentor_id=mentor.id,
        mentee_id=mentee.id,
        status=status,
        started_on=started,
        minimum_end_on=started + timedelta(days=183),
        ended_on=None if status == Mentorship.ACTIVE else clock.today(),
    )
    db.session.add(mentorship)
    db.session.flush()
    agreement = MentorshipAgreement(
        mentorship_id=mentorship.id,
        meeting_frequency="monthly",
        goals_text="Review my resume.",
        confidentiality_acknowledged=True,
    )
    agreement.objectives = _objectives(2)
    agreement.contact_methods = db.session.scalars(select(ContactMethod)).all()[:1]
    # A planned meeting, so that its "cancel" form is on the page too.
    agreement.next_meeting_on = clock.today() + timedelta(days=7)
    agreement.next_meeting_time = time(14, 30)
    agreement.next_meeting_method = agreement.contact_methods[0]
    agreement.next_meeting_number = 1
    db.session.add(agreement)
    db.session.commit()
    return mentorship


TWO_STEP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
ROSTER = b"membership number,email,expiry date\nOLA-77,target@example.org,2027-03-31\n"


def build_world(app, make_member) -> World:
    chair = make_member(email="chair@example.org", name="Chair Person", committee=True)
    # Two spots left between the mentors (after their mentees and pending requests) for three
    # waiting mentees: a matching draft leaves one of them to carry over to the next intake.
    mentor = agree(
        make_member(email="mentor@example.org", profile=mentor_profile(mentor_capacity=4)),
        "mentor",
    )
    other_mentor = agree(
        make_member(email="mentor2@example.org", profile=mentor_profile(mentor_capacity=2)),
        "mentor",
    )
    mentee = agree(make_member(email="mentee@example.org", profile=mentee_profile()), "mentee")
    second_mentee = agree(
        make_member(email="mentee2@example.org", profile=mentee_profile()), "mentee"
    )
    member = agree(make_member(email="member@example.org", profile=mentee_profile()), "mentee")
    for waiting in ("waiting1@example.org", "waiting2@example.org"):
        agree(make_member(email=waiting, profile=mentee_profile()), "mentee")
    target = make_member(email="target@example.org", profile=mentee_profile())
    unverified = make_member(email="new@example.org", verified=False)
    inactive = make_member(email="gone@example.org", active=False)
    second_chair = make_member(email="chair2@example.org", committee=True)
    second_chair.totp_secret = TWO_STEP_SECRET

    sent = ask(mentee, other_mentor)  # the mentee's request, waiting
    received = ask(second_mentee, mentor)  # the mentor's request to answer
    recent = _mentorship(mentor, mentee, started_days_ago=60)
    due = _mentorship(mentor, second_mentee, started_days_ago=200)
    completed = _mentorship(mentor, mentee, started_days_ago=250, status=Mentorship.COMPLETED)
    method = db.session.scalars(select(ContactMethod)).first()
    check_in = CheckIn(
        mentorship_id=recent.id,
        author_id=mentee.id,
        met_on=clock.today() - timedelta(days=3),
        method_id=method.id,
        minutes=45,
        how_it_is_going=4,
        shared_note="We looked at my resume.",
        created_at=clock.utcnow(),
        updated_at=clock.utcnow(),
    )
    goal = Goal(mentorship_id=recent.id, text="Practise interviews", created_by_id=mentee.id)
    intake = Intake(
        name="Fall intake",
        opens_on=clock.today() + timedelta(days=30),
        closes_on=clock.today() + timedelta(days=51),
    )
    db.session.add_all([check_in, goal, intake])
    db.session.commit()
    roster = roster_services.upload_roster(chair, "roster.csv", ROSTER)
    message_id = db.session.scalar(select(OutboxEmail.id).limit(1))
    draft = matching_services.run_matching(chair, None, DEFAULT_CRITERIA, MOST_MATCHES).run

    tokens = {
        "respond": make_link_token(received),
        "verify": make_token("verify-email", {"u": unverified.id, "e": unverified.email}),
        "reset": make_token(
            "reset-password", {"u": member.id, "p": fingerprint(member.password_hash)}
        ),
    }
    values = {
        "user_id": [target.id, inactive.id, second_chair.id],
        "import_id": [roster.id],
        "request_id": [sent.id, received.id],
        "mentorship_id": [recent.id, due.id, completed.id],
        "check_in_id": [check_in.id],
        "goal_id": [goal.id],
        "message_id": [message_id],
        "mentor_id": [other_mentor.id, mentor.id],
        "kind": ["waiting-requests", "quiet-mentorships"],
        "token": [tokens["respond"], tokens["verify"], tokens["reset"]],
        "filename": ["css/app.css"],
        "run_id": [draft.id],
        "mentee_id": [member.id],
    }
    closing = {"mentorship_id": due.id}
    for_endpoint = {
        "committee.member_reactivate": {"user_id": inactive.id},
        "committee.member_revoke_committee": {"user_id": second_chair.id},
        "requests.accept": {"request_id": received.id},
        "requests.decline": {"request_id": received.id},
        "respond.show": {"token": tokens["respond"]},
        "respond.decide": {"token": tokens["respond"]},
        "auth.verify_email": {"token": tokens["verify"]},
        "auth.reset_password": {"token": tokens["reset"]},
        "mentorships.closing_complete": closing,
        "mentorships.closing_extend": closing,
        "mentorships.closing_feedback": {"mentorship_id": completed.id},
        "mentorships.closing_record": {"mentorship_id": completed.id},
    }
    people = {
        "newcomer": unverified,
        "member": member,
        "mentee": mentee,
        "mentor": mentor,
        "committee": chair,
        "two-step": second_chair,
    }
    visitors = {"anonymous": app.test_client()}
    visitors.update({kind: signed_in_client(app, user) for kind, user in people.items()})
    with visitors["two-step"].session_transaction() as session:
        # Past the password of a new sign-in, waiting for the code (its page has a form).
        session["second_step"] = {
            "user": second_chair.id,
            "remember": False,
            "next": None,
            "since": clock.utcnow().isoformat(),
        }
    return World(values, for_endpoint, visitors)


def signed_in_client(app, user):
    """A client with `user`'s sign-in session, as the sign-in page would leave it (without
    the page: a hundred worlds are built per run)."""
    login_session = user.start_session(remember=False, lifetime=timedelta(hours=12))
    db.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = login_session.id
        session["_fresh"] = True
    return client


# --- forms found on the pages ---------------------------------------------------------------


@dataclass
class FieldSpec:
    name: str
    kind: str  # text, textarea, password, hidden, select, radio, checkbox, file, submit, ...
    baseline: list = field(default_factory=list)  # what the page had in it
    options: list = field(default_factory=list)

    @property
    def typed(self) -> bool:
        """Text a member types, which a refused form must show again."""
        return self.kind in {
            "text",
            "textarea",
            "search",
            "email",
            "tel",
            "url",
            "date",
            "time",
            "number",
        }


@dataclass
class FormSpec:
    method: str
    action: str
    fields: dict[str, FieldSpec] = field(default_factory=dict)

    def add(self, spec: FieldSpec) -> None:
        known = self.fields.get(spec.name)
        if known is None:
            self.fields[spec.name] = spec
        else:
            known.options.extend(o for o in spec.options if o not in known.options)
            known.baseline = known.baseline or spec.baseline


class FormParser(HTMLParser):
    """The forms of a page, with their fields, what they hold and what they offer."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[FormSpec] = []
        self._form: FormSpec | None = None
        self._select: FieldSpec | None = None
        self._textarea: FieldSpec | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = FormSpec((a.get("method") or "get").upper(), a.get("action") or "")
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            value = a.get("value", "on" if kind in ("checkbox", "radio") else "")
            chosen = kind not in ("checkbox", "radio", "submit") or "checked" in a
            self._form.add(FieldSpec(a["name"], kind, [value] if chosen else [], [value]))
        elif tag == "button" and a.get("name"):
            self._form.add(FieldSpec(a["name"], "submit", [], [a.get("value", "")]))
        elif tag == "textarea" and a.get("name"):
            self._textarea = FieldSpec(a["name"], "textarea", [""])
            self._form.add(self._textarea)
        elif tag == "select" and a.get("name"):
            self._select = FieldSpec(a["name"], "select")
            self._form.add(self._select)
        elif tag == "option" and self._select is not None:
            self._select.options.append(a.get("value", ""))
            if "selected" in a:
                self._select.baseline.append(a.get("value", ""))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.baseline = [self._textarea.baseline[0] + data]

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            if self._select is not None and not self._select.baseline and self._select.options:
                self._select.baseline = [self._select.options[0]]
            self._select = None


def forms_on(page: str) -> list[FormSpec]:
    parser = FormParser()
    parser.feed(page)
    return parser.forms


# The fields of each endpoint's forms by (endpoint, method), and the visitors each route is for
# (who got a page from it, or saw its form), gathered once per run by opening every page as
# every visitor. Field names and choices don't depend on the row ids of a world.
FORMS: dict[tuple[str, str], FormSpec] = {}
USERS: dict[tuple[str, str], set[str]] = {}


def gather_forms(app, world: World) -> None:
    if FORMS:
        return
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        names = sorted(rule.arguments)
        for combination in itertools.product(*(world.values[n] for n in names)):
            path = build_path(rule, dict(zip(names, combination, strict=True)))
            for visitor, client in world.visitors.items():
                response = client.get(path)
                if response.status_code < 300:
                    USERS.setdefault((rule.endpoint, "GET"), set()).add(visitor)
                for form in forms_on(response.get_data(as_text=True)):
                    endpoint = _index(adapter, form, path)
                    if endpoint is not None:
                        USERS.setdefault((endpoint, form.method), set()).add(visitor)


def _index(adapter, form: FormSpec, page_path: str) -> str | None:
    target = urlsplit(html.unescape(form.action) or page_path)
    try:
        endpoint, _ = adapter.match(target.path, method=form.method)
    except HTTPException:  # a form that posts elsewhere (none does), or a 405
        return None
    known = FORMS.setdefault((endpoint, form.method), FormSpec(form.method, target.path))
    for spec in form.fields.values():
        known.add(FieldSpec(spec.name, spec.kind, list(spec.baseline), list(spec.options)))
    return endpoint


# --- one example ---------------------------------------------------------------------------------


@dataclass
class Example:
    """One request: where, as whom, with what."""

    visitor: str
    method: str
    path: str
    query: MultiDict
    form: MultiDict | None
    headers: dict
    sent_text: dict[str, str]  # typed-text field -> the value sent

    def describe(self) -> str:
        short = {
            k: (v if len(v) < 80 else v[:40] + f"...({len(v)} chars)")
            for k, v in self.sent_text.items()
        }
        return f"{self.visitor} {self.method} {self.path} query={dict(self.query)!r} {short!r}"


# Bookkeeping a request may write without changing anything a member did: the rate limits'
# counters (a refused form still counts as an attempt) and when a session was last seen.
NOT_STATE_TABLES = {"rate_limit_counters"}
NOT_STATE_COLUMNS = {("login_sessions", "last_seen_at")}


def state_of_the_database() -> tuple:
    """Every row of every table the routes can change (on PostgreSQL a digest of each table,
    in one query)."""
    db.session.expire_all()
    tables = [
        t
        for t in db.metadata.sorted_tables
        if t.name not in VOCABULARY_TABLES and t.name not in NOT_STATE_TABLES
    ]
    columns = {
        t.name: [c for c in t.columns if (t.name, c.name) not in NOT_STATE_COLUMNS] for t in tables
    }
    if db.engine.dialect.name == "postgresql":
        rows = {
            t.name: "ROW(" + ", ".join(f'r."{c.name}"' for c in columns[t.name]) + ")::text"
            for t in tables
        }
        digests = " UNION ALL ".join(
            f"SELECT '{t.name}', count(*), md5(coalesce(string_agg({rows[t.name]}, '|' ORDER BY "
            f"{rows[t.name]}), '')) FROM \"{t.name}\" r"
            for t in tables
        )
        state = tuple(db.session.execute(text(digests)).all())
    else:
        state = tuple(
            (
                t.name,
                tuple(
                    sorted(repr(tuple(row)) for row in db.session.execute(select(*columns[t.name])))
                ),
            )
            for t in tables
        )
    db.session.rollback()
    return state


FIELD_ERROR = re.compile(r'class="error(-summary)?"|aria-invalid="true"')
TEXT_KINDS = {"text", "textarea", "search", "email", "tel", "url"}


def fields_shown(page: str) -> dict[str, FieldSpec]:
    """The typed fields of the page's forms, with the values they show (of every form that
    has a field of that name: a list of requests has a note in each)."""
    shown: dict[str, FieldSpec] = {}
    for form in forms_on(page):
        for spec in form.fields.values():
            if spec.typed:
                kept = shown.setdefault(spec.name, FieldSpec(spec.name, spec.kind))
                kept.baseline.extend(spec.baseline)
    return shown


def _normal(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def check(example: Example, response, before: tuple) -> tuple | None:
    """The three promises, for one answer (see the module's docstring). Returns the state of
    the database when it was read (it is then unchanged), else None."""
    status = response.status_code
    assert status < 500, f"{status} for {example.describe()}"
    page = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
    refused = status >= 400 or bool(FIELD_ERROR.search(page))
    after = None
    if example.method == "GET" or refused:
        after = state_of_the_database()
        assert after == before, f"changed by {status}: {example.describe()}"
    if page and status in (200, 409, 422):
        _typed_text_kept(example, page, refused)
    return after


def _typed_text_kept(example: Example, page: str, refused: bool) -> None:
    shown = fields_shown(page)
    words = html.unescape(page)
    for name, sent in example.sent_text.items():
        spec = shown.get(name)
        if spec is None:
            continue
        multiline = spec.kind == "textarea"
        cleaned = without_control_characters(sent, multiline)
        assert _normal(cleaned) in [_normal(value) for value in spec.baseline], (
            f"{name}: what was typed is not shown again: {example.describe()}"
        )
        if cleaned != sent and refused and spec.kind in TEXT_KINDS:
            assert CONTROL_CHARACTERS_MESSAGE in words, (
                f"{name}: no field error for its control characters: {example.describe()}"
            )


# --- drawing examples ------------------------------------------------------------------------

PARAMETER = re.compile(r"<(?:([^:>]+):)?([^>]+)>")


def build_path(rule, values: dict) -> str:
    def part(found):
        converter, name = found.group(1), found.group(2)
        return quote(str(values[name]), safe="/" if converter == "path" else "")

    return PARAMETER.sub(part, rule.rule)


def draw_path(data, world: World, rule) -> str:
    values = world.path_values(rule.endpoint, rule.arguments)
    for name in sorted(rule.arguments):
        if data.draw(st.integers(0, 9), label=f"hostile {name}?") < 2:
            numeric = isinstance(values[name], int)
            values[name] = data.draw(
                hostile_ints if numeric else st.one_of(st.sampled_from(TOKENS), hostile_text),
                label=name,
            )
    return build_path(rule, values)


def draw_query(data, endpoint: str, method: str) -> MultiDict:
    own = FORMS.get((endpoint, "GET"))
    names = sorted(set(QUERY_ARGS) | set(own.fields if own else ()))
    chosen = data.draw(
        st.lists(st.sampled_from(names), max_size=3 if method == "GET" else 1, unique=True),
        label="query arguments",
    )
    return MultiDict({name: data.draw(hostile_text, label=name) for name in chosen})


NEW_PASSWORD = "a long new passphrase for 2026"


def valid_values(endpoint: str) -> dict[str, str]:
    """What a member would type into the fields of `endpoint`'s form that its page leaves
    empty: with them, the one hostile field of an example reaches the service behind it."""

    def day(days_from_today: int) -> str:
        return (clock.today() + timedelta(days=days_from_today)).isoformat()

    return {
        "auth.register": {
            "name": "Ada New",
            "email": "ada.new@example.org",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
            "consent": "y",
        },
        "auth.login": {"email": "member@example.org", "password": DEFAULT_PASSWORD},
        "auth.reset_request": {"email": "member@example.org"},
        "auth.reset_password": {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        "auth.change_password": {
            "pw-current_password": DEFAULT_PASSWORD,
            "pw-password": NEW_PASSWORD,
            "pw-confirm": NEW_PASSWORD,
        },
        "auth.second_step": {"code": "000000"},
        "auth.two_factor_on": {"on-code": "000000", "on-current_password": DEFAULT_PASSWORD},
        "auth.two_factor_off": {"off-code": "000000", "off-current_password": DEFAULT_PASSWORD},
        "auth.two_factor_recovery_codes": {"rc-code": "000000"},
        "auth.change_email": {
            "em-new_email": "moved@example.org",
            "em-current_password": DEFAULT_PASSWORD,
        },
        "committee.intakes_save": {"name": "Spring", "opens_on": day(100), "closes_on": day(120)},
        "committee.settings_contacts": {
            "program_contact_email": "program@example.org",
            "support_contact_email": "support@example.org",
        },
        "committee.settings_texts": {"program_description": "Welcome to the program."},
        "committee.settings_time_zone": {"time_zone": "America/Winnipeg"},
        "mentorships.check_in_add": {
            "check_in-met_on": day(-1),
            "check_in-method": "1",
            "check_in-minutes": "30",
        },
        "mentorships.goal_add": {"goal-text": "Prepare a portfolio"},
        "mentorships.next_meeting": {
            "next_meeting_on": day(7),
            "next_meeting_time": "14:30",
            "next_meeting_method": "1",
        },
        "mentorships.closing_end_early": {"note": "Our schedules changed."},
        "mentorships.closing_feedback": {"comment": "Thank you."},
        "profiles.delete": {"password": DEFAULT_PASSWORD},
        "profiles.agreement": {"agree": "y"},
        "profiles.set_availability": {"away_until": day(30)},
        "requests.new": {"message": GOALS, "objectives": "1"},
        "requests.decline": {"note": "Not this time, sorry."},
        "respond.decide": {"note": "Happy to help."},
    }.get(endpoint, {})


def _is_csrf(name: str) -> bool:
    return name == "csrf_token" or name.endswith("-csrf_token")


def baseline_form(endpoint: str, spec: FormSpec) -> MultiDict:
    """The form as a member would send it: what the page has in it, a choice for each group
    of radio buttons, and `valid_values` where the page leaves a field empty."""
    form = MultiDict()
    valid = valid_values(endpoint)
    for name, field_spec in spec.fields.items():
        if field_spec.kind in ("submit", "file") or _is_csrf(name):
            continue
        values = [v for v in field_spec.baseline if v.strip()]
        if not values and name in valid:
            values = [valid[name]]
        elif not values and field_spec.kind == "radio" and field_spec.options:
            values = [field_spec.options[0]]
        form.setlist(name, values or list(field_spec.baseline))
    for name in (n for n, f in spec.fields.items() if f.kind == "file"):
        form.setlist(name, [(io.BytesIO(ROSTER), "roster.csv")])
    return form


def draw_form(data, endpoint: str, csrf: dict, visitor: str) -> tuple[MultiDict, dict]:
    """The form of `endpoint` as a member would send it, with one or two fields (or extra
    fields) given hostile values, one of its buttons, and a valid or a bad CSRF token."""
    spec = FORMS.get((endpoint, "POST"), FormSpec("POST", ""))
    form = baseline_form(endpoint, spec)
    buttons = [(n, f.options[0]) for n, f in spec.fields.items() if f.kind == "submit"]
    if buttons:
        name, value = data.draw(st.sampled_from(buttons), label="button")
        form.setlist(name, [value])
    names = sorted(n for n in spec.fields if not _is_csrf(n)) + EXTRA_FIELDS
    targets = data.draw(
        st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True), label="targets"
    )
    sent_text = {}
    for name in targets:
        kind = spec.fields[name].kind if name in spec.fields else "extra"
        if kind == "file":
            content = data.draw(hostile_files, label=name)
            filename = data.draw(st.sampled_from(["roster.csv", "../x\x00.csv", "é" * 300]))
            form.setlist(name, [(io.BytesIO(content), filename)])
            continue
        value = data.draw(hostile_text, label=name)
        form.setlist(name, [value])
        if FieldSpec(name, kind).typed:
            sent_text[name] = value
    kind = data.draw(st.sampled_from(CSRF_KINDS), label="CSRF token")
    others = [token for who, token in csrf.items() if who != visitor]
    token = {
        "valid": csrf[visitor],
        "missing": None,
        "forged": data.draw(st.sampled_from(["x" * 40, "\x00", csrf[visitor][:-4] + "AAAA"])),
        "other session": data.draw(st.sampled_from(others)),
    }[kind]
    for name in [n for n in spec.fields if _is_csrf(n)] or ["csrf_token"]:
        if token is not None:
            form.setlist(name, [token])
    return form, sent_text


def draw_example(data, world: World, rule, method: str, visitor: str, csrf: dict) -> Example:
    path = draw_path(data, world, rule)
    query = draw_query(data, rule.endpoint, method)
    form, sent_text = (None, {})
    if method == "POST":
        form, sent_text = draw_form(data, rule.endpoint, csrf, visitor)
    headers = {"HX-Request": "true"} if data.draw(st.integers(0, 3), label="htmx?") == 0 else {}
    return Example(visitor, method, path, query, form, headers, sent_text)


# --- the tests -----------------------------------------------------------------------------------

CSRF_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


def csrf_of(client) -> str:
    found = CSRF_TOKEN.search(client.get("/").get_data(as_text=True))
    return found.group(1) or found.group(2)


@pytest.fixture
def app_overrides():
    """Rate limits far out of reach: the limiter stays in the stack without refusing early."""
    generous = "100000 per minute"
    return {
        "LOGIN_LIMIT_PER_IP": generous,
        "LOGIN_LIMIT_PER_ACCOUNT": generous,
        "RESET_LIMIT_PER_IP": generous,
        "RESET_LIMIT_PER_ACCOUNT": generous,
    }


@pytest.fixture
def world(app, make_member) -> World:
    world = build_world(app, make_member)
    gather_forms(app, world)
    return world


def _rule(app, endpoint: str, method: str):
    return next(
        rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint == endpoint and method in rule.methods
    )


def fuzz_as(visitor: str, world: World, rule, method: str, csrf: dict, known: dict) -> None:
    """Requests to `rule` as `visitor`, each checked: EXAMPLES if the route is for them (it
    showed them its page or its form), else OUTSIDER_EXAMPLES (they are turned away at the
    door, which a few examples show)."""
    client = world.visitors[visitor]
    insider = visitor in USERS.get((rule.endpoint, method), ())

    @settings(FUZZ, max_examples=EXAMPLES if insider else OUTSIDER_EXAMPLES)
    @given(data=st.data())
    def fuzz(data):
        example = draw_example(data, world, rule, method, visitor, csrf)
        known["state"] = send(client, example, known)

    fuzz()


# What every field of a form is sent once, by kind, whatever Hypothesis draws: the inputs
# that have broken pages before.
SWEEP = {
    "text": ["a\x00b", "x" * 100_000, "👩🏽‍💻 مرحبا \u202eevil"],
    "date": ["0001-01-01", "9999-12-31", "a\x00b"],
    "number": ["99999999999999999999", "-1", "a\x00b"],
    "time": ["24:00", "a\x00b"],
    "choice": ["a\x00b", "99999999999999999999"],
}
SWEEP_KIND = {"date": "date", "number": "number", "time": "time"} | dict.fromkeys(
    ("text", "textarea", "search", "email", "tel", "url", "password"), "text"
)


def sent_form(endpoint: str, spec: FormSpec, token: str) -> MultiDict:
    """The form as a member would send it with a button (its last) and a valid CSRF token."""
    form = baseline_form(endpoint, spec)
    for name in [n for n in spec.fields if _is_csrf(n)] or ["csrf_token"]:
        form.setlist(name, [token])
    buttons = [(n, f.options[0]) for n, f in spec.fields.items() if f.kind == "submit"]
    form.update(dict(buttons[-1:]))
    return form


def sweep(visitor: str, world: World, rule, method: str, csrf: dict, known: dict) -> None:
    """Each field of the route's form (a POST), or of its own filter form (a GET), sent each
    SWEEP value of its kind in turn, the rest as a member would send it."""
    client = world.visitors[visitor]
    spec = FORMS.get((rule.endpoint, method))
    if spec is None:
        return
    path = build_path(rule, world.path_values(rule.endpoint, rule.arguments))
    for name, field_spec in spec.fields.items():
        if _is_csrf(name) or field_spec.kind in ("submit", "file"):
            continue
        for value in SWEEP[SWEEP_KIND.get(field_spec.kind, "choice")]:
            if method == "GET":
                query = baseline_form(rule.endpoint, spec)
                query.setlist(name, [value])
                example = Example(visitor, method, path, query, None, {}, {})
            else:
                form = sent_form(rule.endpoint, spec, csrf[visitor])
                form.setlist(name, [value])
                typed = {name: value} if field_spec.typed else {}
                example = Example(visitor, method, path, MultiDict(), form, {}, typed)
            known["state"] = send(client, example, known)


def sweep_path(visitor: str, world: World, rule, method: str, csrf: dict, known: dict) -> None:
    """Each text part of the route's address (a link's token, a list's name, a file) sent as
    each of TOKENS, a NUL, and the world's own value tampered with."""
    client = world.visitors[visitor]
    spec = FORMS.get((rule.endpoint, method), FormSpec(method, ""))
    for name in sorted(rule.arguments):
        values = world.path_values(rule.endpoint, rule.arguments)
        if isinstance(values[name], int):
            continue  # the id converter refuses what is not an id: a 404 before any view
        for value in [*TOKENS, "a\x00b", str(values[name])[:-3] + "xyz"]:
            path = build_path(rule, {**values, name: value})
            form = sent_form(rule.endpoint, spec, csrf[visitor]) if method == "POST" else None
            example = Example(visitor, method, path, MultiDict(), form, {}, {})
            known["state"] = send(client, example, known)


SENT: Counter = Counter()  # requests sent, by method: reported at the end of the module


@pytest.fixture(scope="module", autouse=True)
def _report_what_was_sent(request):
    yield
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if capture is not None and SENT:
        with capture.global_and_fixture_disabled():
            print(
                f"\nfuzz: {sum(SENT.values())} requests ({dict(sorted(SENT.items()))}) to "
                f"{len(ROUTES)} routes as {len(VISITORS)} kinds of visitor, "
                f"{EXAMPLES} Hypothesis examples per route for each visitor it is for"
            )


def send(client, example: Example, known: dict) -> tuple | None:
    SENT[example.method] += 1
    before = known["state"] or state_of_the_database()
    response = client.open(
        example.path,
        method=example.method,
        query_string=example.query,
        data=example.form,
        headers=example.headers,
        buffered=True,  # downloads and files are read while their request is open
    )
    try:
        return check(example, response, before)
    finally:
        response.close()


def fuzz_route(app, world: World, endpoint: str, method: str) -> None:
    """One route, as every visitor (Hypothesis), then its fields and the text parts of its
    address swept as one it is for."""
    rule = _rule(app, endpoint, method)
    csrf = {kind: csrf_of(client) for kind, client in world.visitors.items()}
    known = {"state": state_of_the_database()}
    for visitor in VISITORS:
        fuzz_as(visitor, world, rule, method, csrf, known)
    insiders = [v for v in VISITORS if v in USERS.get((endpoint, method), ())]
    if insiders:
        sweep(insiders[0], world, rule, method, csrf, known)
    sweep_path(insiders[0] if insiders else "anonymous", world, rule, method, csrf, known)


def test_hostile_input_never_breaks_a_page(app, world):
    """Every GET route. A GET changes nothing (checked after each one), so they can share one
    world; every route is tried, and the failures are reported together."""
    failures = []
    for endpoint, method in ROUTES:
        if method != "GET":
            continue
        try:
            fuzz_route(app, world, endpoint, method)
        except AssertionError as error:
            notes = "\n".join(getattr(error, "__notes__", []))
            failures.append(f"GET {endpoint}: {error}\n{notes}")
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize(("endpoint", "method"), CHANGES, ids=[f"{m} {e}" for e, m in CHANGES])
def test_hostile_input_never_breaks_a_change(app, world, endpoint, method):
    """Every route that may change something, each in a world of its own."""
    fuzz_route(app, world, endpoint, method)


def test_every_form_is_found_on_its_page(app, world):
    """Each POST route is fuzzed with the fields its page really has."""
    posts = {(e, m) for e, m in ROUTES if m == "POST"}
    missing = sorted(route for route in posts if route not in FORMS)
    assert missing == [], missing
