"""What comes from outside, cleaned in one place: control characters in typed text (refused
with the field's message, the rest of the text kept), searches (stripped), days (1900 to 2100),
numbers and addresses in query strings; lost races (retried, else refused with the state as it
is now); and the page of an unexpected failure (its reference, logged with the traceback)."""

import html
import logging
import re
from datetime import date

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import ObjectDeletedError, StaleDataError
from werkzeug.datastructures import MultiDict
from wtforms import PasswordField, StringField, TextAreaField

import app as app_package
from app import clock, concurrency
from app import text as portal_text
from app.committee.settings.forms import limits_form_class
from app.concurrency import ConcurrentChange
from app.errors_domain import DomainError
from app.extensions import db
from app.forms import PortalForm
from app.mentorships import check_ins
from app.models import CheckIn, ContactMethod, Intake, Profile, User
from app.text import (
    DayOutOfRange,
    clean_text,
    has_control_characters,
    read_day,
    search_text,
    without_control_characters,
)
from tests.factories import agree, ask, mentee_profile, mentor_profile, vocab
from tests.factories import form_data as profile_form
from tests.support import FormClient, client_for, unescaped_html

HTMX = {"HX-Request": "true"}
# The messages as an English page writes them (they are translated where they are shown).
CHANGED_MEANWHILE = str(concurrency.CHANGED_MEANWHILE)
GONE_MEANWHILE = str(concurrency.GONE_MEANWHILE)
CONTROL_CHARACTERS_MESSAGE = str(portal_text.CONTROL_CHARACTERS_MESSAGE)
DAY_OUT_OF_RANGE = str(portal_text.DAY_OUT_OF_RANGE)


def words_of(response) -> str:
    """The page's words: tags removed, character references decoded, spaces collapsed."""
    without_tags = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", html.unescape(without_tags))


def field_value(page: str, name: str) -> str:
    """What the page's input or textarea named `name` shows."""
    found = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page) or re.search(
        rf'<textarea[^>]*name="{name}"[^>]*>\r?\n?(.*?)</textarea>', page, re.S
    )
    assert found, f"no field {name}"
    return html.unescape(found.group(1))


def add_check_in(app, pair, **overrides):
    """The mentee logs a meeting on the mentorship's first day (the clock stands there)."""
    data = {
        "check_in-met_on": pair.mentorship.started_on.isoformat(),
        "check_in-method": str(vocab(ContactMethod)[0].id),
        "check_in-minutes": "45",
        "check_in-shared_note": "We looked at my resume.",
        "check_in-how_it_is_going": "4",
        **overrides,
    }
    return client_for(app, pair.mentee).post(pair.url("/check-ins"), data)


def only_check_in() -> CheckIn:
    db.session.expire_all()
    return db.session.scalars(select(CheckIn)).one()


# --- the text helpers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "multiline", "found", "cleaned"),
    [
        ("plain words", True, False, "plain words"),
        ("a\x00b", True, True, "ab"),
        ("\x1b[31mred\x1b[0m", True, True, "[31mred[0m"),
        ("del\x7f and c1\x85", True, True, "del and c1"),
        ("two\nlines\tand a tab\r\n", True, False, "two\nlines\tand a tab\r\n"),
        ("two\nlines", False, True, "two lines"),
        ("crlf\r\nhere", False, True, "crlf here"),
        ("tab\there", False, True, "tab here"),
        ("👩🏽‍💻 שלום مرحبا \u202eevil", False, False, "👩🏽‍💻 שלום مرحبا \u202eevil"),
    ],
)
def test_control_characters_are_found_and_taken_out(value, multiline, found, cleaned):
    assert has_control_characters(value, multiline) is found
    assert without_control_characters(value, multiline) == cleaned


def test_clean_text_takes_out_control_characters_and_keeps_lines():
    assert clean_text("  Ada\x00 Lovelace \r\n") == "Ada Lovelace"
    assert clean_text("one\r\ntwo\rthree\tfour") == "one\ntwo\nthree\tfour"
    assert clean_text("\x00\x01 ") is None


def test_search_text_keeps_printable_words_only():
    assert search_text("a\x00b", 100) == "a b"
    assert search_text("  two   words\n", 100) == "two words"
    assert search_text("x" * 500, 100) == "x" * 100
    assert search_text(None, 100) == ""


@pytest.mark.parametrize("raw", ["1900-01-01", "2026-03-10", "2100-12-31"])
def test_read_day_reads_days_of_the_range(raw):
    assert read_day(raw) == date.fromisoformat(raw)


@pytest.mark.parametrize("raw", ["0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31"])
def test_read_day_refuses_days_outside_the_range_with_its_message(raw):
    with pytest.raises(DayOutOfRange, match=re.escape(DAY_OUT_OF_RANGE)):
        read_day(raw)


@pytest.mark.parametrize("raw", ["2026-02-30", "2026-13-01", "10000-01-01", "a\x00b", ""])
def test_read_day_refuses_what_is_not_a_day(raw):
    with pytest.raises(ValueError):
        read_day(raw)


# --- every form ----------------------------------------------------------------------------------


def _form_classes():
    import importlib
    import pkgutil

    from wtforms import Form

    for info in pkgutil.walk_packages(app_package.__path__, "app."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Form)
                and value.__module__ == info.name
            ):
                yield value


def test_every_form_of_the_portal_cleans_what_is_typed(app):
    classes = [*_form_classes(), limits_form_class()]
    assert len(classes) > 30
    assert [c.__qualname__ for c in classes if not issubclass(c, PortalForm)] == []


class _Sample(PortalForm):
    class Meta:
        csrf = False

    line = StringField("Line")
    text = TextAreaField("Text")
    secret = PasswordField("Secret")


def test_the_portal_form_refuses_control_characters_with_the_fields_message(app):
    sent = MultiDict(
        {"line": "Ada\x00\nLovelace", "text": "one\n\ttwo\x1b", "secret": "pass\x00word"}
    )
    with app.test_request_context("/", method="POST", data=sent):
        form = _Sample()
        assert form.validate() is False
        assert form.line.data == "Ada Lovelace"  # the NUL out, the line break a space
        assert form.text.data == "one\n\ttwo"  # line breaks and tabs kept in a text area
        assert form.secret.data == "pass\x00word"  # only its hash is ever kept
        assert form.line.errors == [CONTROL_CHARACTERS_MESSAGE]
        assert form.text.errors == [CONTROL_CHARACTERS_MESSAGE]
        assert form.secret.errors == []
    with app.test_request_context("/", method="POST", data={"line": "Ada", "text": "one\ntwo"}):
        assert _Sample().validate() is True


def test_a_form_never_reads_a_json_body(app, make_member, client):
    make_member(email="ada@example.org")
    token = FormClient(client).csrf_token()
    response = client.post(
        "/auth/login",
        json={"email": "ada@example.org", "password": "correct horse battery staple"},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200  # the sign-in page again: nothing was sent to it
    assert "Enter your e-mail address." in unescaped_html(response)


def test_a_nul_in_the_registration_form_is_a_field_error_that_keeps_the_name(forms):
    response = forms.post(
        "/auth/register",
        {
            "name": "Ada\x00 Lovelace",
            "email": "ada@example.org",
            "password": "a long new passphrase for 2026",
            "confirm": "a long new passphrase for 2026",
            "consent": "y",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert CONTROL_CHARACTERS_MESSAGE in words_of(response)
    assert field_value(page, "name") == "Ada Lovelace"
    assert field_value(page, "email") == "ada@example.org"
    assert db.session.scalar(select(func.count(User.id))) == 0
    # Sent again as shown, it is accepted.
    response = forms.post(
        "/auth/register",
        {
            "name": "Ada Lovelace",
            "email": "ada@example.org",
            "password": "a long new passphrase for 2026",
            "confirm": "a long new passphrase for 2026",
            "consent": "y",
        },
    )
    assert response.status_code == 302
    assert db.session.scalar(select(User.name)) == "Ada Lovelace"


def test_a_nul_in_the_profile_saves_nothing_and_keeps_every_field(signed_in):
    client, user = signed_in()
    data = profile_form(bio="I work at the\x00 reference desk.\nMornings.", city="Tor\x00onto")
    response = FormClient(client).post("/profile/edit", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert words_of(response).count(CONTROL_CHARACTERS_MESSAGE) >= 2
    assert field_value(page, "bio") == "I work at the reference desk.\nMornings."
    assert field_value(page, "city") == "Toronto"
    assert field_value(page, "position") == "Library Technician"
    assert db.session.get(Profile, user.id) is None


def test_a_nul_in_a_check_in_note_is_refused_at_the_note(app, pair):
    response = add_check_in(app, pair, **{"check_in-shared_note": "Good\x00 talk"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert CONTROL_CHARACTERS_MESSAGE in words_of(response)
    assert field_value(page, "check_in-shared_note") == "Good talk"
    assert db.session.scalar(select(func.count(CheckIn.id))) == 0


# --- days ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_check_in_on_a_day_outside_the_calendar_is_a_field_error(app, pair, day):
    response = add_check_in(app, pair, **{"check_in-met_on": day})
    assert response.status_code == 422
    assert DAY_OUT_OF_RANGE in unescaped_html(response)
    assert field_value(response.get_data(as_text=True), "check_in-met_on") == day


@pytest.mark.parametrize(
    "path",
    [
        "/committee/?end=9999-12-31",
        "/committee/?start=0001-01-01&end=9999-12-31",
        "/committee/audit?until=9999-12-31",
        "/committee/audit?since=0001-01-01",
        "/committee/feedback?end=9999-12-31",
    ],
)
def test_committee_lists_say_a_day_at_the_edge_of_the_calendar_cant_be_used(committee, path):
    forms, _ = committee
    response = forms.get(path)
    assert response.status_code == 200
    assert DAY_OUT_OF_RANGE in unescaped_html(response)


def test_an_intake_far_in_the_future_is_a_field_error(committee):
    forms, _ = committee
    response = forms.post(
        "/committee/intakes", {"name": "Far", "opens_on": "2026-09-01", "closes_on": "9999-12-31"}
    )
    assert response.status_code == 422
    assert DAY_OUT_OF_RANGE in unescaped_html(response)
    assert db.session.scalar(select(func.count(Intake.id))) == 0


def test_the_membership_expiry_keeps_its_own_narrower_message(signed_in):
    client, user = signed_in()
    response = FormClient(client).post(
        "/profile/edit", profile_form(membership_expires_on="9999-12-31")
    )
    assert response.status_code == 422
    assert f"between 2000 and {clock.today().year + 10}" in unescaped_html(response)


# --- query strings and other raw values -----------------------------------------------------------


def test_a_nul_in_the_member_search_is_taken_out(committee, make_member):
    forms, _ = committee
    make_member(name="Abby Reader")
    response = forms.get("/committee/members?q=a%00b")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Abby Reader" in page
    assert "\x00" not in page


@pytest.mark.parametrize("edit", ["99999999999", "٣", "1%00", "-1"])
def test_an_intake_to_edit_that_cant_exist_is_not_found(committee, edit):
    forms, _ = committee
    assert forms.get(f"/committee/intakes?edit={edit}").status_code == 404


@pytest.mark.parametrize("next_page", ["%2F%0AX", "%2F%0D%0ASet-Cookie:x=1", "/a%00b", "%2F%09x"])
def test_a_next_page_with_a_control_character_is_ignored(forms, make_member, next_page):
    user = make_member()
    response = forms.post(
        f"/auth/login?next={next_page}",
        {"email": user.email, "password": "correct horse battery staple"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_the_check_inbox_page_shows_no_control_character(client):
    response = client.get("/auth/check-inbox?email=ada%00%1B@example.org")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "ada@example.org" in page
    assert "\x00" not in page and "\x1b" not in page


@pytest.mark.parametrize("back", ["attention:²", "attention:99999999999", "attention:\x00"])
def test_a_resend_from_an_odd_place_goes_back_to_the_request(committee, back, make_member):
    forms, _ = committee
    mentor = agree(make_member(profile=mentor_profile()), "mentor")
    request = ask(agree(make_member(profile=mentee_profile()), "mentee"), mentor)
    response = forms.post(f"/committee/requests/{request.id}/resend", {"back": back})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/committee/requests/{request.id}"


# --- races -------------------------------------------------------------------------------------


class _Orig(Exception):
    def __init__(self, sqlstate: str):
        super().__init__(f"sqlstate {sqlstate}")
        self.sqlstate = sqlstate


def deadlock() -> OperationalError:
    return OperationalError("UPDATE ...", {}, _Orig("40P01"))


def test_a_lost_race_is_run_again(app, monkeypatch):
    monkeypatch.setattr(concurrency.time, "sleep", lambda seconds: None)
    calls = []

    @concurrency.retry_on_conflict
    def operation(value):
        calls.append(value)
        if len(calls) < 3:
            raise deadlock()
        return value * 2

    assert operation(21) == 42
    assert calls == [21, 21, 21]


@pytest.mark.parametrize(
    "error",
    [
        deadlock(),
        OperationalError("...", {}, _Orig("40001")),
        IntegrityError("INSERT ...", {}, _Orig("23505")),
        IntegrityError("INSERT ...", {}, Exception("UNIQUE constraint failed: users.email")),
        OperationalError("...", {}, Exception("database is locked")),
        StaleDataError("UPDATE statement on table 'check_ins' expected to update 1 row(s)"),
    ],
)
def test_a_race_lost_every_time_is_refused_cleanly(app, monkeypatch, error):
    monkeypatch.setattr(concurrency.time, "sleep", lambda seconds: None)
    calls = []

    @concurrency.retry_on_conflict
    def operation():
        calls.append(1)
        raise error

    with pytest.raises(ConcurrentChange) as refused:
        operation()
    assert refused.value.message == CHANGED_MEANWHILE
    assert isinstance(refused.value, DomainError)
    assert len(calls) == concurrency.ATTEMPTS


def test_a_row_deleted_meanwhile_is_refused_at_once(app):
    calls = []

    @concurrency.retry_on_conflict
    def operation():
        calls.append(1)
        raise ObjectDeletedError(db.inspect(User(email="x", name="x")), None)

    with pytest.raises(ConcurrentChange, match=GONE_MEANWHILE):
        operation()
    assert calls == [1]


@pytest.mark.parametrize(
    "error",
    [
        ValueError("a bug"),
        IntegrityError("INSERT ...", {}, _Orig("23502")),  # a NOT NULL violation: a bug
        OperationalError("...", {}, _Orig("08006")),  # the connection is gone
    ],
)
def test_other_errors_are_not_retried(app, error):
    calls = []

    @concurrency.retry_on_conflict
    def operation():
        calls.append(1)
        raise error

    with pytest.raises(type(error)):
        operation()
    assert calls == [1]


def test_only_the_outermost_operation_retries(app, monkeypatch):
    monkeypatch.setattr(concurrency.time, "sleep", lambda seconds: None)
    inner_calls, outer_calls = [], []

    @concurrency.retry_on_conflict
    def inner():
        inner_calls.append(1)
        raise deadlock()

    @concurrency.retry_on_conflict
    def outer():
        outer_calls.append(1)
        inner()

    with pytest.raises(ConcurrentChange):
        outer()
    assert len(outer_calls) == len(inner_calls) == concurrency.ATTEMPTS


def test_a_check_in_deleted_while_it_is_edited_is_refused_with_what_happened(app, pair):
    add_check_in(app, pair)
    check_in = only_check_in()
    changes = check_ins.CheckInChanges(
        met_on=check_in.met_on,
        method_id=check_in.method_id,
        minutes=20,
        how_it_is_going=3,
    )
    with db.engine.begin() as other_browser:  # the author's other tab deletes it meanwhile
        other_browser.execute(delete(CheckIn).where(CheckIn.id == check_in.id))
    with pytest.raises(ConcurrentChange, match=GONE_MEANWHILE):
        check_ins.update_check_in(check_in, pair.mentee, changes)
    assert db.session.scalar(select(func.count(CheckIn.id))) == 0


def test_a_check_in_deleted_twice_at_once_is_deleted_once(app, pair):
    add_check_in(app, pair)
    check_in = only_check_in()
    with db.engine.begin() as other_browser:  # the author's other tab deletes it first
        other_browser.execute(delete(CheckIn).where(CheckIn.id == check_in.id))
    with pytest.raises(DomainError, match="This check-in was deleted a moment ago."):
        check_ins.delete_check_in(check_in, pair.mentee)


# --- the page of an unexpected failure ----------------------------------------------------------


@pytest.fixture
def failing_route(app):
    @app.route("/boom")
    def boom():
        raise RuntimeError("kaput")

    return "/boom"


def test_an_unexpected_failure_shows_a_reference_that_is_in_the_log(client, failing_route, caplog):
    caplog.set_level(logging.ERROR, logger="app.errors")
    response = client.get(failing_route)
    page = words_of(response)
    assert response.status_code == 500
    reference = response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{12}", reference)
    assert f"Reference for technical support: {reference}" in page
    assert "webmaster@example.org" in page
    assert "try again in a few minutes" in page
    assert "kaput" not in page
    (record,) = [r for r in caplog.records if reference in r.getMessage()]
    assert record.exc_info and record.exc_info[0] is RuntimeError


def test_every_answer_has_its_own_reference(client):
    first, second = client.get("/"), client.get("/")
    assert re.fullmatch(r"[0-9a-f]{12}", first.headers["X-Request-ID"])
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]


def test_the_failure_page_is_shown_even_when_pages_cant_be_rendered(
    app, client, failing_route, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("the database is gone too")

    monkeypatch.setattr("app.errors.render_error", broken)
    response = client.get(failing_route)
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert response.headers["X-Request-ID"] in page
    assert "webmaster@example.org" in page


def test_a_race_lost_outside_the_services_is_a_clear_409(app, client):
    @app.route("/race")
    def race():
        raise deadlock()

    response = client.get("/race")
    assert response.status_code == 409
    assert "Someone changed this at the same moment" in unescaped_html(response)


def test_an_htmx_failure_gets_the_reference_in_its_fragment(client, failing_route):
    response = client.get(failing_route, headers=HTMX)
    assert response.status_code == 500
    assert response.headers["X-Request-ID"] in response.get_data(as_text=True)
