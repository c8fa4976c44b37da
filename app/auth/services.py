"""Account operations. Each one checks its rules, changes the models, enqueues its e-mail in the
same transaction and commits. They raise DomainError with a message for the user."""

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app import clock
from app.auth.passwords import hash_password, password_problem, spend_equal_time, verify_password
from app.auth.welcome import enqueue_welcome
from app.concurrency import retry_on_conflict
from app.email import absolute_url, enqueue, enqueue_at_most_every
from app.errors_domain import DomainError
from app.extensions import db
from app.i18n import member_locale
from app.models import LoginSession, User
from app.models.accounts import normalise_email
from app.tokens import TokenError, fingerprint, make_token, read_token


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def _check_new_password(password: str, email: str, name: str) -> None:
    problem = password_problem(password, email=email, name=name)
    if problem:
        raise DomainError(problem, field="password")


@retry_on_conflict
def register(name: str, email: str, password: str, locale: str | None = None) -> User | None:
    """Create an account and send the verification link. `locale` is the language the member
    registered in ("en", "fr"): their e-mail, the link first, is written in it.

    If the address is already registered, nothing is created and the owner is told by e-mail
    instead (at most once per ALREADY_REGISTERED_EMAIL_INTERVAL), so the page can't be used to
    find out who has an account: both ways hash the password, which is most of the time either
    takes. Returns the new user, or None in that case.
    """
    email = normalise_email(email)
    name = name.strip()
    _check_new_password(password, email, name)
    password_hash = hash_password(password)
    existing = find_user_by_email(email)
    if existing is not None:
        _enqueue_already_registered(existing)
        db.session.commit()
        return None
    now = clock.utcnow()
    user = User(
        name=name,
        email=email,
        password_hash=password_hash,
        privacy_notice_version=current_app.config["PRIVACY_NOTICE_VERSION"],
        privacy_accepted_at=now,
        created_at=now,
        locale=locale,
    )
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:
        # Registered at the same moment by another request: treat as already registered.
        db.session.rollback()
        return None
    send_verification(user, email)
    db.session.commit()
    return user


def _enqueue_already_registered(user: User) -> None:
    enqueue_at_most_every(
        current_app.config["ALREADY_REGISTERED_EMAIL_INTERVAL"],
        user.email,
        "already_registered",
        _l("You already have a Mentor Match account"),
        locale=member_locale(user),
        user=user,
        login_url=absolute_url("auth.login"),
        reset_url=absolute_url("auth.reset_request"),
    )


def send_verification(user: User, address: str) -> bool:
    """Enqueue a link that confirms `address` belongs to `user` (caller commits). False when
    one went to `address` less than VERIFY_EMAIL_INTERVAL ago: nothing is enqueued then, and
    the earlier link still works.

    The address is not confirmed yet, so the message carries nothing its recipient did not
    choose: no name (whoever typed the address typed the name too)."""
    token = make_token("verify-email", {"u": user.id, "e": address})
    message = enqueue_at_most_every(
        current_app.config["VERIFY_EMAIL_INTERVAL"],
        address,
        "verify_email",
        _l("Confirm your e-mail address for Mentor Match"),
        locale=member_locale(user),
        user=user,
        verify_url=absolute_url("auth.verify_email", token=token),
        max_age_days=current_app.config["VERIFY_EMAIL_MAX_AGE"].days,
    )
    return message is not None


RESENT_TOO_SOON = _l(
    "We sent you a confirmation link a few minutes ago. It may take a little while to arrive: "
    "look in your inbox and your spam folder. If it is not there, ask again a little later."
)


def resend_verification(user: User) -> None:
    """Send the confirmation link again (at most once per VERIFY_EMAIL_INTERVAL)."""
    address = user.pending_email or (None if user.email_verified else user.email)
    if address is None:
        raise DomainError(_("Your e-mail address is already confirmed."))
    if not send_verification(user, address):
        raise DomainError(RESENT_TOO_SOON)
    db.session.commit()


@dataclass
class VerificationLink:
    """What a verification link would do: `state` is "ready", "done", "expired" or "invalid"."""

    state: str
    user: User | None = None
    address: str | None = None


def inspect_verification(token: str) -> VerificationLink:
    """Read a verification link without changing anything (for the GET page)."""
    try:
        payload = read_token("verify-email", token, current_app.config["VERIFY_EMAIL_MAX_AGE"])
    except TokenError as error:
        return VerificationLink(error.reason)
    user = db.session.get(User, payload.get("u")) if isinstance(payload.get("u"), int) else None
    address = payload.get("e")
    if user is None or not isinstance(address, str):
        return VerificationLink("invalid")
    if user.pending_email == address:
        return VerificationLink("ready", user, address)
    if user.email == address:
        return VerificationLink("done" if user.email_verified else "ready", user, address)
    return VerificationLink("invalid")


@retry_on_conflict
def verify_email(token: str) -> VerificationLink:
    """Confirm the address the link was sent to. Repeating it changes nothing."""
    link = inspect_verification(token)
    if link.state != "ready":
        return link
    user = link.user
    if user.pending_email == link.address:
        if find_user_by_email(link.address) is not None:
            user.pending_email = None
            db.session.commit()
            raise DomainError(_("That e-mail address now belongs to another account."))
        old_address = user.email
        user.email = link.address
        user.pending_email = None
        enqueue(
            old_address,
            "email_changed",
            _l("Your Mentor Match e-mail address was changed"),
            locale=member_locale(user),
            user=user,
            new_address=link.address,
        )
    if user.email_verified_at is None:
        enqueue_welcome(user)
    user.email_verified_at = clock.utcnow()
    db.session.commit()
    link.state = "done"
    return link


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None (never says which was wrong)."""
    user = find_user_by_email(email)
    if user is None:
        spend_equal_time()
        return None
    if not verify_password(user.password_hash, password) or not user.is_active:
        return None
    return user


def may_remember(user: User, asked: bool) -> bool:
    """ "Keep me signed in" is for members; a committee member's session ends after
    COMMITTEE_SESSION_LIFETIME, or COMMITTEE_IDLE_TIMEOUT without a request, whatever they
    ask (see load_user)."""
    return bool(asked) and not user.is_committee


def sign_in(user: User, remember: bool) -> LoginSession:
    """Open a new server-side session for `user` (the route hands it to Flask-Login)."""
    config = current_app.config
    lifetime = config["REMEMBER_COOKIE_DURATION"] if remember else config["SESSION_LIFETIME"]
    if user.is_committee:
        lifetime = min(lifetime, config["COMMITTEE_SESSION_LIFETIME"])
    login_session = user.start_session(remember, lifetime)
    user.last_login_at = clock.utcnow()
    db.session.execute(
        delete(LoginSession).where(
            LoginSession.user_id == user.id, LoginSession.expires_at <= clock.utcnow()
        )
    )
    db.session.commit()
    return login_session


def sign_out(user: User) -> None:
    """End this browser's session on the server: a copy of its cookie stops working."""
    if user.current_session_id:
        db.session.execute(delete(LoginSession).where(LoginSession.id == user.current_session_id))
        db.session.commit()


def end_all_sessions(user: User) -> None:
    """Sign the user out everywhere (caller commits)."""
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))


def request_password_reset(email: str) -> None:
    """Send a reset link if the address has an account; say nothing either way."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    token = make_token("reset-password", {"u": user.id, "p": fingerprint(user.password_hash)})
    enqueue(
        user.email,
        "reset_password",
        _l("Reset your Mentor Match password"),
        locale=member_locale(user),
        user=user,
        reset_url=absolute_url("auth.reset_password", token=token),
        max_age_hours=int(current_app.config["RESET_PASSWORD_MAX_AGE"].total_seconds() // 3600),
    )
    db.session.commit()


def user_for_reset_token(token: str) -> User:
    """The user a reset link is for, or TokenError ("expired", "invalid" or "used")."""
    payload = read_token("reset-password", token, current_app.config["RESET_PASSWORD_MAX_AGE"])
    user_id = payload.get("u")
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.is_active:
        raise TokenError("invalid")
    if payload.get("p") != fingerprint(user.password_hash):
        raise TokenError("used")
    return user


def _enqueue_password_changed(user: User) -> None:
    enqueue(
        user.email,
        "password_changed",
        _l("Your Mentor Match password was changed"),
        locale=member_locale(user),
        user=user,
    )


@retry_on_conflict
def reset_password(token: str, new_password: str) -> User:
    """Set a new password from a reset link; the link is spent and every session ends."""
    user = user_for_reset_token(token)
    _check_new_password(new_password, user.email, user.name)
    user.password_hash = hash_password(new_password)
    if not user.email_verified and user.pending_email is None:
        # The link reached this inbox, which proves the address.
        user.email_verified_at = clock.utcnow()
        enqueue_welcome(user)
    end_all_sessions(user)
    _enqueue_password_changed(user)
    db.session.commit()
    return user


@retry_on_conflict
def change_password(user: User, current_password: str, new_password: str) -> None:
    """Change the password; other browsers are signed out, this one stays signed in."""
    if not verify_password(user.password_hash, current_password):
        raise DomainError(_("That is not your current password."), field="current_password")
    _check_new_password(new_password, user.email, user.name)
    user.password_hash = hash_password(new_password)
    db.session.execute(
        delete(LoginSession).where(
            LoginSession.user_id == user.id, LoginSession.id != user.current_session_id
        )
    )
    _enqueue_password_changed(user)
    db.session.commit()


@retry_on_conflict
def request_email_change(user: User, new_email: str, current_password: str) -> None:
    """Send a confirmation link to the new address; the old one stays until it is confirmed."""
    if not verify_password(user.password_hash, current_password):
        raise DomainError(_("That is not your current password."), field="current_password")
    new_email = normalise_email(new_email)
    if new_email == user.email:
        raise DomainError(_("That is already your e-mail address."), field="new_email")
    user.pending_email = new_email
    if find_user_by_email(new_email) is None:
        send_verification(user, new_email)
    else:
        # Don't reveal that the address is taken; its owner is told instead.
        _enqueue_already_registered(find_user_by_email(new_email))
    db.session.commit()
