"""Accounts against automation and enumeration: registration and resending the confirmation
are limited, each sends at most one e-mail per address per period, what a stranger typed never
reaches an address nobody confirmed, registering takes as long whether or not the address has
an account, addresses we can't mail are refused, and passwords set from now on have at least
twelve characters (older, shorter ones still sign in)."""

import statistics
import time
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.auth import passwords
from app.extensions import db
from app.models import User
from tests.support import (
    FormClient,
    body_html,
    body_text,
    limit_of,
    outbox,
    sign_in,
    unescaped_html,
)

EVIL_NAME = "URGENT: your library card is suspended, log in at http://evil.example/ola"
T0 = datetime(2026, 12, 2, 9, 0)


def registration(**overrides) -> dict:
    data = {
        "name": "Ada Reader",
        "email": "ada@example.org",
        "password": "lighthouse in the fog",
        "confirm": "lighthouse in the fog",
        "consent": "y",
    }
    data.update(overrides)
    return data


def register_from(app, address: str, **overrides):
    """A registration from a new browser at client address `address`."""
    return FormClient(app.test_client()).post(
        "/auth/register", registration(**overrides), environ_base={"REMOTE_ADDR": address}
    )


# --- limits -----------------------------------------------------------------------------------


def test_registration_is_limited_per_address_typed(app, make_member):
    make_member(email="taken@example.org")
    limit = limit_of(app, "REGISTER_LIMIT_PER_ACCOUNT")
    statuses = [
        register_from(app, f"10.7.0.{n}", email="taken@example.org").status_code
        for n in range(limit + 1)
    ]
    assert statuses == [302] * limit + [429]
    assert register_from(app, "10.7.1.1", email="someone@example.org").status_code == 302


def test_registration_is_limited_per_client_address(app):
    limit = limit_of(app, "REGISTER_LIMIT_PER_IP")
    statuses = [
        register_from(app, "10.8.0.1", email=f"new{n}@example.org").status_code
        for n in range(limit + 1)
    ]
    assert statuses == [302] * limit + [429]
    assert db.session.scalar(select(func.count(User.id))) == limit


def test_thirty_registrations_with_a_taken_address_send_one_e_mail(app, make_member, clock_at):
    clock_at(T0)
    make_member(email="taken@example.org")
    for n in range(30):
        register_from(app, f"10.9.0.{n}", email="taken@example.org", name=EVIL_NAME)
    assert [m.recipient for m in outbox("already_registered")] == ["taken@example.org"]
    # An hour later (the limits' window over too), the owner may be told once more.
    clock_at.advance(timedelta(hours=2))
    register_from(app, "10.9.1.1", email="taken@example.org")
    assert len(outbox("already_registered")) == 2


def test_resending_the_confirmation_is_limited_and_sends_one_e_mail(app, clock_at):
    clock_at(T0)
    assert register_from(app, "10.10.0.1", email="new@example.org").status_code == 302
    client = app.test_client()
    sign_in(client, "new@example.org", "lighthouse in the fog")
    forms = FormClient(client)
    forms.post("/auth/resend-verification")
    page = client.get("/").get_data(as_text=True)
    assert "We sent you a confirmation link a few minutes ago" in page
    answers = [forms.post("/auth/resend-verification") for _ in range(19)]
    limit = limit_of(app, "RESEND_LIMIT_PER_ACCOUNT")
    assert [a.status_code for a in answers] == [302] * (limit - 1) + [429] * (20 - limit)
    assert len(outbox("verify_email")) == 1  # the registration's, and no other

    clock_at.advance(timedelta(hours=1))  # the limit's window, and the e-mail's interval
    forms.post("/auth/resend-verification")
    assert len(outbox("verify_email")) == 2


def test_a_verification_e_mail_waits_at_least_its_interval(app, make_member, clock_at):
    """Whatever the windows, two confirmation e-mails to one address are an interval apart."""
    from app.auth.services import send_verification

    user = make_member(email="slow@example.org", verified=False)
    interval = app.config["VERIFY_EMAIL_INTERVAL"]
    sent_at = []
    moment = T0
    for _ in range(60):
        clock_at(moment)
        if send_verification(user, user.email):
            sent_at.append(moment)
        db.session.commit()
        moment += timedelta(minutes=1)
    gaps = [b - a for a, b in zip(sent_at, sent_at[1:], strict=False)]
    assert len(sent_at) >= 3 and min(gaps) >= interval


# --- what an e-mail to an unconfirmed address carries -----------------------------------------


def test_the_name_typed_never_reaches_an_unconfirmed_address(
    app, make_member, mail_server, deliver_mail
):
    # A stranger registers someone else's address with a "name" that is a message...
    register_from(app, "10.11.0.1", email="victim@example.org", name=EVIL_NAME)
    # ... then registers it again, and asks for a password reset of that account.
    register_from(app, "10.11.0.2", email="victim@example.org", name=EVIL_NAME)
    FormClient(app.test_client()).post("/auth/reset", {"email": "victim@example.org"})
    deliver_mail()
    received = mail_server.to("victim@example.org")
    assert {m["Subject"] for m in received} == {
        "Confirm your e-mail address for Mentor Match",
        "You already have a Mentor Match account",
        "Reset your Mentor Match password",
    }
    for message in received:
        for text in (body_text(message), body_html(message)):
            assert "evil.example" not in text and "URGENT" not in text
            assert "Hello," in text


def test_a_confirmed_member_is_still_greeted_by_name(app, make_member, mail_server, deliver_mail):
    make_member(email="rita@example.org", name="Rita Reader")
    FormClient(app.test_client()).post("/auth/reset", {"email": "rita@example.org"})
    deliver_mail()
    (message,) = mail_server.to("rita@example.org")
    assert "Hello Rita Reader," in body_text(message)


def test_a_new_address_s_confirmation_carries_no_name(app, make_member, mail_server, deliver_mail):
    user = make_member(email="member@example.org", name=EVIL_NAME)
    client = app.test_client()
    sign_in(client, user.email)
    FormClient(client).post(
        "/auth/account/email",
        {
            "em-new_email": "stranger@example.org",
            "em-current_password": "correct horse battery staple",
        },
    )
    deliver_mail()
    (message,) = mail_server.to("stranger@example.org")
    assert "evil.example" not in body_text(message)
    assert body_text(message).startswith("Hello,")


# --- timing ----------------------------------------------------------------------------------


def test_both_ways_of_registering_hash_the_password_once(app, make_member, monkeypatch):
    make_member(email="taken@example.org")
    hashed = []
    real = passwords.generate_password_hash

    def counting(password, method):
        hashed.append(password)
        return real(password, method=method)

    monkeypatch.setattr(passwords, "generate_password_hash", counting)
    register_from(app, "10.12.0.1", email="taken@example.org")
    register_from(app, "10.12.0.2", email="new@example.org")
    assert hashed == ["lighthouse in the fog", "lighthouse in the fog"]


@pytest.mark.parametrize(
    "app_overrides",
    [{"PASSWORD_HASH_METHOD": "scrypt:65536:8:1", "REGISTER_LIMIT_PER_ACCOUNT": "100 per hour"}],
)
def test_registering_takes_as_long_for_a_taken_address_as_for_a_new_one(app, make_member, capsys):
    """With the production hash: the medians of each kind, interleaved, are close (before,
    4 ms against 126 ms)."""
    make_member(email="taken@example.org")
    timings = {"taken": [], "new": []}
    for n in range(7):
        for kind in ("taken", "new"):
            email = "taken@example.org" if kind == "taken" else f"new{n}@example.org"
            started = time.perf_counter()
            response = register_from(app, f"10.13.{n}.{len(kind)}", email=email)
            timings[kind].append(time.perf_counter() - started)
            assert response.status_code == 302
    taken, new = (statistics.median(timings[k]) * 1000 for k in ("taken", "new"))
    with capsys.disabled():
        print(f"\nregistration medians: taken address {taken:.0f} ms, new address {new:.0f} ms")
    assert 0.6 < taken / new < 1.6


# --- addresses we can mail -------------------------------------------------------------------


@pytest.mark.parametrize(
    "address", ["😀@example.org", "zoë@example.org", "ada@bücher.example", "дом@example.org"]
)
def test_an_address_we_cannot_mail_is_refused_at_registration(app, address):
    response = register_from(app, "10.14.0.1", email=address)
    assert response.status_code == 200
    assert "We can't send e-mail to an address with accented letters" in unescaped_html(response)
    assert db.session.scalar(select(func.count(User.id))) == 0
    assert outbox() == []


def test_an_address_we_cannot_mail_is_refused_as_a_new_address(app, make_member):
    user = make_member()
    client = app.test_client()
    sign_in(client, user.email)
    response = FormClient(client).post(
        "/auth/account/email",
        {"em-new_email": "😀@example.org", "em-current_password": "correct horse battery staple"},
    )
    assert response.status_code == 422
    assert "accented letters" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.pending_email is None


def test_a_plain_address_still_registers_and_is_mailed(app, mail_server, deliver_mail):
    assert register_from(app, "10.15.0.1", email="o'brien+mentor@example.org").status_code == 302
    report = deliver_mail()
    assert (report.sent, report.failed) == (1, 0)


# --- passwords -------------------------------------------------------------------------------


def test_a_new_password_has_at_least_twelve_characters(app):
    response = register_from(app, "10.16.0.1", password="elevenchars", confirm="elevenchars")
    assert "Use at least 12 characters." in response.get_data(as_text=True)
    ok = register_from(app, "10.16.0.2", password="twelve chars", confirm="twelve chars")
    assert ok.status_code == 302


def test_a_member_with_an_older_shorter_password_still_signs_in(app, make_member):
    make_member(email="old@example.org", password="eight ch")
    sign_in(app.test_client(), "old@example.org", "eight ch")
