"""Accounts: register, verify, sign in and out, reset and change password, change e-mail."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import LoginSession, OutboxEmail, User
from tests.support import DEFAULT_PASSWORD, FormClient, body_text, links_in, sign_in

NEW_PASSWORD = "a brand new passphrase"


def register(forms, **overrides):
    data = {
        "name": "Ada Reader",
        "email": "Ada.Reader@Example.org",
        "password": "lighthouse in the fog",
        "confirm": "lighthouse in the fog",
        "consent": "y",
    }
    data.update(overrides)
    return forms.post("/auth/register", data)


def path_of(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def the_link(mail_server, deliver_mail, address, contains):
    deliver_mail()
    messages = mail_server.to(address)
    assert messages, f"no mail to {address}"
    links = [link for link in links_in(messages[-1]) if contains in link]
    assert links, body_text(messages[-1])
    return path_of(links[0])


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- registration and verification -----------------------------------------------------------


def test_register_creates_an_unverified_account_and_mails_a_link(forms, mail_server, deliver_mail):
    response = register(forms)
    assert response.status_code == 302
    assert "/auth/check-inbox" in response.headers["Location"]
    user = db.session.scalar(select(User))
    assert user.email == "ada.reader@example.org"  # case-insensitive, stored lowercased
    assert user.name == "Ada Reader"
    assert not user.email_verified
    assert user.privacy_notice_version == forms.client.application.config["PRIVACY_NOTICE_VERSION"]
    assert user.privacy_accepted_at is not None
    assert user.password_hash.startswith("scrypt:")
    assert "lighthouse" not in user.password_hash

    link = the_link(mail_server, deliver_mail, "ada.reader@example.org", "/auth/verify/")
    page = forms.get(link)
    assert page.status_code == 200
    assert "Confirm my e-mail address" in page.get_data(as_text=True)
    db.session.refresh(user)
    assert not user.email_verified, "GET must not change anything"

    confirmed = forms.post(link)
    assert confirmed.status_code == 302
    db.session.refresh(user)
    assert user.email_verified

    again = forms.get(link)
    assert "Already confirmed" in again.get_data(as_text=True)


def test_register_with_a_taken_address_looks_the_same_and_tells_the_owner(
    forms, make_member, mail_server, deliver_mail
):
    make_member(email="taken@example.org", name="First Owner")
    response = register(forms, email="TAKEN@example.org")
    assert response.status_code == 302
    assert "/auth/check-inbox" in response.headers["Location"]
    assert count(User) == 1
    deliver_mail()
    (message,) = mail_server.to("taken@example.org")
    assert "already have a Mentor Match account" in message["Subject"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "Enter your name."),
        ({"name": "x" * 121}, "name", "at most 120"),
        ({"email": "not-an-address"}, "email", "Enter an e-mail address like"),
        ({"email": "a" * 250 + "@example.org"}, "email", "at most 254"),
        ({"password": "short", "confirm": "short"}, "password", "at least 12"),
        ({"password": "x" * 129, "confirm": "x" * 129}, "password", "at most 128"),
        ({"password": "qwerty123456", "confirm": "qwerty123456"}, "password", "too common"),
        (
            {"password": "ada.reader@example.org", "confirm": "ada.reader@example.org"},
            "password",
            "e-mail address",
        ),
        ({"confirm": "something else"}, "confirm", "not the same"),
        ({"consent": ""}, "consent", "privacy notice"),
    ],
)
def test_register_refuses_bad_input_and_keeps_what_was_typed(forms, overrides, field, message):
    response = register(forms, **overrides)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert f'id="{field}-error"' in page
    assert count(User) == 0
    if field != "name":
        assert 'value="Ada Reader"' in page
    assert "lighthouse in the fog" not in page, "passwords are never sent back"


def test_a_64_character_password_is_accepted(forms):
    long_password = "correct horse battery staple and some more words to reach sixty-four"
    assert len(long_password) >= 64
    assert register(forms, password=long_password, confirm=long_password).status_code == 302


@pytest.mark.parametrize(
    "token",
    ["nonsense", "eyJ1IjoxfQ.aaaa.bbbb", "x" * 300],
)
def test_bad_verification_tokens_give_a_clear_page(forms, token):
    response = forms.get(f"/auth/verify/{token}")
    assert response.status_code == 200
    assert "This link does not work" in response.get_data(as_text=True)
    assert forms.post(f"/auth/verify/{token}").status_code == 200


def test_an_expired_verification_link_is_refused(forms, mail_server, deliver_mail, clock_at):
    register(forms)
    link = the_link(mail_server, deliver_mail, "ada.reader@example.org", "/auth/verify/")
    clock_at.advance(timedelta(days=4))
    assert "has expired" in forms.get(link).get_data(as_text=True)
    forms.post(link)
    assert not db.session.scalar(select(User)).email_verified


def test_a_reset_token_is_not_a_verification_token(app, forms, make_member):
    from app.tokens import make_token

    user = make_member(verified=False)
    token = make_token("reset-password", {"u": user.id, "e": user.email})
    assert "does not work" in forms.get(f"/auth/verify/{token}").get_data(as_text=True)
    forms.post(f"/auth/verify/{token}")
    db.session.refresh(user)
    assert not user.email_verified


def test_verification_can_be_resent_when_signed_in(app, make_member, mail_server, deliver_mail):
    user = make_member(verified=False)
    client = app.test_client()
    sign_in(client, user.email)
    forms = FormClient(client)
    assert "Please confirm your e-mail address" in client.get("/").get_data(as_text=True)
    response = forms.post("/auth/resend-verification", {"next": "/auth/account"})
    assert response.headers["Location"] == "/auth/account"
    deliver_mail()
    assert len(mail_server.to(user.email)) == 1


# --- sign in and out -------------------------------------------------------------------------


def test_sign_in_and_out(app, make_member):
    user = make_member(email="reader@example.org", name="Rita Reader")
    client = app.test_client()
    response = sign_in(client, "READER@example.org")
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert "Welcome, Rita Reader" in home.get_data(as_text=True)
    assert home.headers["Cache-Control"] == "no-store"
    assert count(LoginSession) == 1

    FormClient(client).post("/auth/logout")
    assert count(LoginSession) == 0
    assert "Welcome, Rita Reader" not in client.get("/").get_data(as_text=True)
    db.session.refresh(user)
    assert user.last_login_at is not None


@pytest.mark.parametrize(
    ("email", "password"),
    [("reader@example.org", "wrong password"), ("nobody@example.org", DEFAULT_PASSWORD)],
)
def test_a_failed_sign_in_says_the_same_whatever_was_wrong(forms, make_member, email, password):
    make_member(email="reader@example.org")
    response = forms.post("/auth/login", {"email": email, "password": password})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "The e-mail address or password is not right." in page
    assert f'value="{email}"' in page
    assert password not in page


def test_a_deactivated_account_cannot_sign_in(forms, make_member):
    make_member(email="gone@example.org", active=False)
    response = forms.post(
        "/auth/login", {"email": "gone@example.org", "password": DEFAULT_PASSWORD}
    )
    assert "not right" in response.get_data(as_text=True)


def test_a_copied_session_cookie_is_dead_after_sign_out(app, make_member):
    user = make_member()
    client = app.test_client()
    sign_in(client, user.email)
    stolen = client.get_cookie("session").value

    FormClient(client).post("/auth/logout")

    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get("/auth/account")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_remember_me_lasts_thirty_days_at_most(app, make_member, clock_at):
    user = make_member()
    client = app.test_client()
    sign_in(client, user.email, remember=True)
    cookie = client.get_cookie("remember_token")
    assert cookie is not None and cookie.http_only
    session_row = db.session.scalar(select(LoginSession))
    lifetime = session_row.expires_at - session_row.created_at
    assert timedelta(days=29) < lifetime <= timedelta(days=30)

    clock_at.advance(timedelta(days=31))
    assert client.get("/auth/account").status_code == 302


def test_a_session_without_remember_me_expires(app, make_member, clock_at):
    user = make_member()
    client = app.test_client()
    sign_in(client, user.email)
    assert client.get_cookie("remember_token") is None
    assert client.get("/auth/account").status_code == 200
    clock_at.advance(timedelta(hours=13))
    assert client.get("/auth/account").status_code == 302


def test_sign_in_starts_a_new_session(app, make_member):
    user = make_member()
    client = app.test_client()
    forms = FormClient(client)
    before = forms.csrf_token()
    sign_in(client, user.email)
    after = forms.csrf_token()
    assert before != after


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
    ],
)
def test_open_redirects_through_next_are_refused(forms, make_member, next_url):
    make_member(email="reader@example.org")
    response = forms.post(
        f"/auth/login?next={next_url}",
        {"email": "reader@example.org", "password": DEFAULT_PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_next_on_this_site_is_followed(forms, make_member):
    make_member(email="reader@example.org")
    response = forms.post(
        "/auth/login?next=/auth/account",
        {"email": "reader@example.org", "password": DEFAULT_PASSWORD},
    )
    assert response.headers["Location"] == "/auth/account"


def test_signed_in_pages_need_sign_in(client):
    response = client.get("/auth/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


# --- password reset --------------------------------------------------------------------------


def test_password_reset_by_mail(app, forms, make_member, mail_server, deliver_mail):
    user = make_member(email="reader@example.org")
    other_browser = app.test_client()
    sign_in(other_browser, user.email)

    response = forms.post("/auth/reset", {"email": "Reader@Example.org"})
    assert "/auth/check-inbox" in response.headers["Location"]
    link = the_link(mail_server, deliver_mail, "reader@example.org", "/auth/reset/")

    page = forms.get(link)
    assert "Choose a new password" in page.get_data(as_text=True)
    response = forms.post(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.headers["Location"] == "/auth/login"

    assert other_browser.get("/auth/account").status_code == 302, "all sessions end"
    sign_in(app.test_client(), user.email, NEW_PASSWORD)

    spent = forms.get(link)
    assert spent.status_code == 400
    assert "has been used" in spent.get_data(as_text=True)
    deliver_mail()
    assert any("password was changed" in m["Subject"] for m in mail_server.to(user.email))


def test_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(
    forms, mail_server, deliver_mail
):
    response = forms.post("/auth/reset", {"email": "nobody@example.org"})
    assert "/auth/check-inbox" in response.headers["Location"]
    assert count(OutboxEmail) == 0
    deliver_mail()
    assert mail_server.messages == []


def test_an_expired_reset_link_is_refused(forms, make_member, mail_server, deliver_mail, clock_at):
    make_member(email="reader@example.org")
    forms.post("/auth/reset", {"email": "reader@example.org"})
    link = the_link(mail_server, deliver_mail, "reader@example.org", "/auth/reset/")
    clock_at.advance(timedelta(hours=3))
    response = forms.post(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 400
    assert "has expired" in response.get_data(as_text=True)


@pytest.mark.parametrize("token", ["garbage", "a.b.c"])
def test_a_tampered_reset_link_is_refused(forms, token):
    response = forms.get(f"/auth/reset/{token}")
    assert response.status_code == 400
    assert "does not work" in response.get_data(as_text=True)


def test_a_verification_token_is_not_a_reset_token(app, forms, make_member):
    from app.tokens import make_token

    user = make_member()
    token = make_token("verify-email", {"u": user.id, "p": "whatever"})
    assert forms.get(f"/auth/reset/{token}").status_code == 400


def test_reset_refuses_a_weak_new_password_and_keeps_the_link_usable(
    forms, make_member, mail_server, deliver_mail
):
    make_member(email="reader@example.org")
    forms.post("/auth/reset", {"email": "reader@example.org"})
    link = the_link(mail_server, deliver_mail, "reader@example.org", "/auth/reset/")
    response = forms.post(link, {"password": "qwerty123456", "confirm": "qwerty123456"})
    assert response.status_code == 200
    assert "too common" in response.get_data(as_text=True)
    assert forms.get(link).status_code == 200


# --- account page ----------------------------------------------------------------------------


def test_change_password_needs_the_current_one(signed_in, app):
    client, user = signed_in()
    forms = FormClient(client)
    other = app.test_client()
    sign_in(other, user.email)

    wrong = forms.post(
        "/auth/account/password",
        {"pw-current_password": "not it", "pw-password": NEW_PASSWORD, "pw-confirm": NEW_PASSWORD},
    )
    assert wrong.status_code == 422
    assert "not your current password" in wrong.get_data(as_text=True)

    right = forms.post(
        "/auth/account/password",
        {
            "pw-current_password": DEFAULT_PASSWORD,
            "pw-password": NEW_PASSWORD,
            "pw-confirm": NEW_PASSWORD,
        },
    )
    assert right.status_code == 302
    assert client.get("/auth/account").status_code == 200, "this browser stays signed in"
    assert other.get("/auth/account").status_code == 302, "other browsers are signed out"
    sign_in(app.test_client(), user.email, NEW_PASSWORD)


def test_change_email_waits_for_the_new_address_to_be_confirmed(
    signed_in, mail_server, deliver_mail
):
    client, user = signed_in(email="old@example.org")
    forms = FormClient(client)
    response = forms.post(
        "/auth/account/email",
        {"em-new_email": "New@Example.org", "em-current_password": DEFAULT_PASSWORD},
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.email == "old@example.org"
    assert user.pending_email == "new@example.org"

    link = the_link(mail_server, deliver_mail, "new@example.org", "/auth/verify/")
    forms.post(link)
    db.session.refresh(user)
    assert user.email == "new@example.org"
    assert user.pending_email is None
    deliver_mail()
    assert any("was changed" in m["Subject"] for m in mail_server.to("old@example.org"))


def test_change_email_refuses_a_wrong_password_and_keeps_the_typed_address(signed_in):
    client, user = signed_in()
    response = FormClient(client).post(
        "/auth/account/email",
        {"em-new_email": "new@example.org", "em-current_password": "wrong"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "not your current password" in page
    assert 'value="new@example.org"' in page
    db.session.refresh(user)
    assert user.pending_email is None


def test_change_email_to_a_taken_address_reveals_nothing(
    signed_in, make_member, mail_server, deliver_mail
):
    make_member(email="taken@example.org")
    client, user = signed_in()
    response = FormClient(client).post(
        "/auth/account/email",
        {"em-new_email": "taken@example.org", "em-current_password": DEFAULT_PASSWORD},
    )
    assert response.status_code == 302
    deliver_mail()
    (message,) = mail_server.to("taken@example.org")
    assert "/auth/verify/" not in body_text(message)
