"""Re-authentication: a committee member's session ends 12 hours after signing in and after 30
minutes without a request, "remember me" or not; members keep "remember me" for 30 days."""

from datetime import datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import LoginSession
from tests.support import DEFAULT_PASSWORD, FormClient, sign_in, text_of

T0 = datetime(2026, 12, 2, 9, 0)


def session_row() -> LoginSession:
    db.session.expire_all()
    return db.session.scalar(select(LoginSession))


def test_a_committee_session_ends_after_thirty_idle_minutes(app, make_member, clock_at):
    clock_at(T0)
    chair = make_member(committee=True)
    client = app.test_client()
    sign_in(client, chair.email)
    for _ in range(4):  # busy for two hours: still signed in
        clock_at.advance(timedelta(minutes=29))
        assert client.get("/committee/").status_code == 200
    clock_at.advance(timedelta(minutes=30))
    assert client.get("/auth/account").status_code == 302
    assert session_row() is None  # ended on the server, not only in this browser
    page = client.get("/auth/login")
    assert "committee members sign in again after 30 minutes without activity" in text_of(page)


def test_a_committee_session_ends_twelve_hours_after_signing_in(app, make_member, clock_at):
    clock_at(T0)
    chair = make_member(committee=True)
    client = app.test_client()
    sign_in(client, chair.email, remember=True)
    assert client.get_cookie("remember_token") is None  # "remember me" is not for them
    row = session_row()
    assert row.expires_at - row.created_at == timedelta(hours=12)
    for step in range(1, 36):  # a request every 20 minutes, until 11 h 40
        moment = T0 + step * timedelta(minutes=20)
        clock_at(moment)
        assert client.get("/auth/account").status_code == 200, moment
    clock_at(T0 + timedelta(hours=12))
    assert client.get("/auth/account").status_code == 302


def test_a_member_promoted_while_remembered_gets_the_committee_limits(app, make_member, clock_at):
    clock_at(T0)
    member = make_member()
    client = app.test_client()
    sign_in(client, member.email, remember=True)
    member.is_committee = True
    db.session.commit()
    clock_at.advance(timedelta(hours=13))
    assert client.get("/auth/account").status_code == 302


def test_members_keep_remember_me_and_are_not_signed_out_when_idle(app, make_member, clock_at):
    clock_at(T0)
    member = make_member()
    client = app.test_client()
    sign_in(client, member.email, remember=True)
    clock_at.advance(timedelta(days=20))
    assert client.get("/auth/account").status_code == 200


def test_the_last_request_is_noted_once_a_minute(app, make_member, clock_at):
    clock_at(T0)
    member = make_member()
    client = app.test_client()
    sign_in(client, member.email)
    first = session_row().last_seen_at
    clock_at.advance(timedelta(seconds=30))
    client.get("/auth/account")
    assert session_row().last_seen_at == first
    clock_at.advance(timedelta(seconds=31))
    client.get("/auth/account")
    assert session_row().last_seen_at == T0 + timedelta(seconds=61)


def test_signing_in_again_after_the_idle_limit_works(app, make_member, clock_at):
    clock_at(T0)
    chair = make_member(committee=True)
    client = app.test_client()
    sign_in(client, chair.email)
    clock_at.advance(timedelta(hours=1))
    forms = FormClient(client)
    response = forms.post(
        "/auth/login?next=/committee/", {"email": chair.email, "password": DEFAULT_PASSWORD}
    )
    assert response.headers["Location"] == "/committee/"
    assert client.get("/committee/").status_code == 200
