"""Two-step sign-in for committee members: turning it on with a code from the app (TOTP), signing
in with a code or a recovery code (each once), new recovery codes, turning it off, the limit on
guessing codes, and the command for a member who lost everything."""

import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import OutboxEmail, RecoveryCode, User
from tests.support import DEFAULT_PASSWORD, FormClient, sign_in, text_of, unescaped_html

T0 = datetime(2026, 12, 2, 9, 0, 5)


def code_at(secret: str, moment: datetime) -> str:
    return pyotp.TOTP(secret).at(moment.replace(tzinfo=UTC))


def fresh_user(user_id: int) -> User:
    db.session.expire_all()
    return db.session.get(User, user_id)


@pytest.fixture
def chair(app, make_member, clock_at):
    """A committee member signed in, on the two-step page: (forms, user, secret shown)."""
    clock_at(T0)
    user = make_member(email="chair@example.org", committee=True, name="Chair Person")
    client = app.test_client()
    sign_in(client, user.email)
    page = client.get("/auth/account/two-step")
    assert page.status_code == 200
    secret = re.search(r'class="secret">([A-Z2-7 ]+)<', page.get_data(as_text=True)).group(1)
    return FormClient(client), user, secret.replace(" ", "")


def turn_on(forms, secret, moment=T0):
    return forms.post(
        "/auth/account/two-step/on",
        {"on-code": code_at(secret, moment), "on-current_password": DEFAULT_PASSWORD},
    )


def recovery_codes_in(response) -> list[str]:
    return re.findall(
        r"<li><code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</code></li>", unescaped_html(response)
    )


def password_step(app, email=None, remember=False):
    """A new browser past the password: (forms, the answer)."""
    forms = FormClient(app.test_client())
    data = {"email": email or "chair@example.org", "password": DEFAULT_PASSWORD}
    if remember:
        data["remember"] = "y"
    return forms, forms.post("/auth/login?next=/committee/", data)


def test_the_setup_page_shows_a_qr_code_a_key_and_its_address(chair):
    forms, user, secret = chair
    page = forms.get("/auth/account/two-step")
    html = unescaped_html(page)
    assert len(secret) == 32
    assert '<img src="data:image/svg+xml' in html
    assert f"otpauth://totp/Mentor%20Match:chair%40example.org?secret={secret}" in html
    assert page.headers["Cache-Control"] == "no-store"
    # The secret stays the same while the member reads the page (it waits in the session).
    assert secret in forms.get("/auth/account/two-step").get_data(as_text=True).replace(" ", "")
    assert fresh_user(user.id).totp_secret is None  # nothing saved before a code proves it


def test_turning_it_on_needs_a_right_code_and_the_password(chair, mail_server, deliver_mail):
    forms, user, secret = chair
    wrong_code = forms.post(
        "/auth/account/two-step/on", {"on-code": "000000", "on-current_password": DEFAULT_PASSWORD}
    )
    assert wrong_code.status_code == 422
    assert "That code is not right" in text_of(wrong_code)
    wrong_password = forms.post(
        "/auth/account/two-step/on",
        {"on-code": code_at(secret, T0), "on-current_password": "not it"},
    )
    assert "That is not your current password." in text_of(wrong_password)
    assert fresh_user(user.id).totp_secret is None

    answer = turn_on(forms, secret)
    assert answer.status_code == 200
    codes = recovery_codes_in(answer)
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = fresh_user(user.id)
    assert stored.totp_secret == secret and stored.totp_enabled_at is not None
    hashes = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(hashes) == 10 and not any(
        code.replace("-", "") in h for code in codes for h in hashes
    )
    deliver_mail()
    (notice,) = mail_server.to("chair@example.org")
    assert notice["Subject"] == "Two-step sign-in was turned on for your Mentor Match account"
    assert "Two-step sign-in is on" in forms.get("/auth/account/two-step").get_data(as_text=True)


def test_members_outside_the_committee_are_not_offered_it(app, signed_in):
    client, _ = signed_in()
    assert client.get("/auth/account/two-step").status_code == 404
    assert "Two-step sign-in" not in client.get("/auth/account").get_data(as_text=True)
    forms = FormClient(client)
    assert forms.post("/auth/account/two-step/on", {"on-code": "123456"}).status_code == 404


def test_signing_in_asks_for_a_code_after_the_password(app, chair, clock_at):
    forms, user, secret = chair
    turn_on(forms, secret)
    clock_at(T0 + timedelta(minutes=1))
    browser, answer = password_step(app)
    assert answer.headers["Location"] == "/auth/login/code"
    assert browser.get("/committee/").status_code in (302, 404)  # not signed in yet
    wrong = browser.post("/auth/login/code", {"code": "123456"})
    assert wrong.status_code == 200 and "That code is not right" in text_of(wrong)
    right = browser.post("/auth/login/code", {"code": code_at(secret, T0 + timedelta(minutes=1))})
    assert right.headers["Location"] == "/committee/"
    assert browser.get("/committee/").status_code == 200


def test_a_code_works_once_and_a_neighbouring_step_is_accepted(app, chair, clock_at):
    forms, user, secret = chair
    turn_on(forms, secret)
    moment = T0 + timedelta(minutes=2)
    clock_at(moment)
    code = code_at(secret, moment)
    browser, _ = password_step(app)
    assert browser.post("/auth/login/code", {"code": code}).status_code == 302
    replay, _ = password_step(app)
    assert "That code is not right" in text_of(replay.post("/auth/login/code", {"code": code}))
    # A phone 30 s slow: the previous step's code, not used before, still works.
    later = moment + timedelta(minutes=5)
    clock_at(later)
    slow, _ = password_step(app)
    previous = code_at(secret, later - timedelta(seconds=30))
    assert slow.post("/auth/login/code", {"code": previous}).status_code == 302
    # Two minutes off is too far.
    clock_at(later + timedelta(minutes=3))
    off, _ = password_step(app)
    far = code_at(secret, later + timedelta(minutes=1))
    assert off.post("/auth/login/code", {"code": far}).status_code == 200


def test_a_recovery_code_signs_in_once(app, chair):
    forms, user, secret = chair
    codes = recovery_codes_in(turn_on(forms, secret))
    browser, _ = password_step(app)
    assert browser.post("/auth/login/code", {"code": codes[3].upper()}).status_code == 302
    again, _ = password_step(app)
    assert again.post("/auth/login/code", {"code": codes[3]}).status_code == 200
    page = forms.get("/auth/account/two-step")
    assert "You have 9 unused recovery codes" in text_of(page)


def test_the_code_must_follow_the_password_soon(app, chair, clock_at):
    forms, user, secret = chair
    turn_on(forms, secret)
    browser, _ = password_step(app)
    clock_at(T0 + timedelta(minutes=6))
    late = browser.post("/auth/login/code", {"code": code_at(secret, T0 + timedelta(minutes=6))})
    assert late.headers["Location"] == "/auth/login"
    # Without the password step first there is nothing to complete.
    stranger = FormClient(app.test_client())
    assert stranger.get("/auth/login/code").headers["Location"] == "/auth/login"


@pytest.mark.parametrize("app_overrides", [{"LOGIN_LIMIT_PER_ACCOUNT": "100 per hour"}])
def test_guessing_codes_is_limited(app, chair):
    forms, user, secret = chair
    turn_on(forms, secret)
    limit = int(app.config["SECOND_FACTOR_LIMIT_PER_ACCOUNT"].split()[0])
    right = {code_at(secret, T0 + timedelta(seconds=s)) for s in (-30, 0, 30)}
    guesses = [g for g in (f"{n:06d}" for n in range(limit + 5)) if g not in right]
    statuses = []
    for number in range(limit + 1):
        browser, _ = password_step(app)
        statuses.append(
            browser.post(
                "/auth/login/code",
                {"code": guesses[number]},
                environ_base={"REMOTE_ADDR": f"10.20.0.{number}"},
            ).status_code
        )
    assert statuses == [200] * limit + [429]


def test_remember_me_is_ignored_for_the_committee_after_the_code(app, chair):
    forms, user, secret = chair
    codes = recovery_codes_in(turn_on(forms, secret))
    browser, _ = password_step(app, remember=True)
    browser.post("/auth/login/code", {"code": codes[0]})
    assert browser.client.get_cookie("remember_token") is None


def test_new_recovery_codes_replace_the_old_ones(app, chair, clock_at):
    forms, user, secret = chair
    old = recovery_codes_in(turn_on(forms, secret))
    moment = T0 + timedelta(minutes=1)
    clock_at(moment)
    answer = forms.post(
        "/auth/account/two-step/recovery-codes", {"rc-code": code_at(secret, moment)}
    )
    new = recovery_codes_in(answer)
    assert len(new) == 10 and not set(new) & set(old)
    browser, _ = password_step(app)
    assert browser.post("/auth/login/code", {"code": old[0]}).status_code == 200
    assert browser.post("/auth/login/code", {"code": new[0]}).status_code == 302


def test_turning_it_off_needs_a_code_and_the_password(
    app, chair, clock_at, mail_server, deliver_mail
):
    forms, user, secret = chair
    turn_on(forms, secret)
    moment = T0 + timedelta(minutes=1)
    clock_at(moment)
    refused = forms.post(
        "/auth/account/two-step/off",
        {"off-code": code_at(secret, moment), "off-current_password": "not it"},
    )
    assert refused.status_code == 422
    assert fresh_user(user.id).has_second_factor
    done = forms.post(
        "/auth/account/two-step/off",
        {"off-code": code_at(secret, moment), "off-current_password": DEFAULT_PASSWORD},
    )
    assert done.headers["Location"] == "/auth/account"
    stored = fresh_user(user.id)
    assert stored.totp_secret is None
    assert db.session.scalars(select(RecoveryCode)).all() == []
    browser, answer = password_step(app)
    assert answer.headers["Location"] == "/committee/"  # the password alone again
    templates = db.session.scalars(select(OutboxEmail.template)).all()
    assert templates.count("two_factor_changed") == 2


def test_the_command_turns_it_off_for_a_member_who_lost_everything(app, chair, runner):
    forms, user, secret = chair
    turn_on(forms, secret)
    db.session.expire_all()  # the command runs in this test's session
    result = runner.invoke(args=["users", "two-step-off", "CHAIR@example.org"])
    assert result.exit_code == 0, result.output
    assert "Two-step sign-in is off for chair@example.org" in result.output
    assert not fresh_user(user.id).has_second_factor
    again = runner.invoke(args=["users", "two-step-off", "chair@example.org"])
    assert again.exit_code != 0 and "does not use two-step sign-in" in again.output


def test_a_reset_password_does_not_skip_the_code(app, chair, mail_server, deliver_mail):
    from app.auth.services import reset_password
    from app.tokens import fingerprint, make_token

    forms, user, secret = chair
    turn_on(forms, secret)
    stored = fresh_user(user.id)
    token = make_token("reset-password", {"u": stored.id, "p": fingerprint(stored.password_hash)})
    reset_password(token, "a new long passphrase")
    browser = FormClient(app.test_client())
    answer = browser.post(
        "/auth/login", {"email": "chair@example.org", "password": "a new long passphrase"}
    )
    assert answer.headers["Location"] == "/auth/login/code"
