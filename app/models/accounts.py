"""Accounts: users and their server-side sign-in sessions."""

import secrets
from datetime import datetime, timedelta

from flask import current_app, g
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db, login_manager


def normalise_email(email: str) -> str:
    """E-mail addresses are compared case-insensitively: we store them stripped and lowercased."""
    return (email or "").strip().lower()


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    email_verified_at: Mapped[datetime | None]
    # A new address waiting for its owner to confirm it; `email` stays in use until then.
    pending_email: Mapped[str | None] = mapped_column(String(254))
    is_active_account: Mapped[bool] = mapped_column(default=True)
    is_committee: Mapped[bool] = mapped_column(default=False, index=True)
    privacy_notice_version: Mapped[str] = mapped_column(String(20))
    privacy_accepted_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    last_login_at: Mapped[datetime | None]
    # Two-step sign-in (TOTP, RFC 6238): the shared secret (base32) once the member turned it
    # on, and the last time step a code was accepted for, so that a code works once.
    totp_secret: Mapped[str | None] = mapped_column(String(32))
    totp_enabled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None]
    # The language the member chose for pages and e-mail ("en", "fr"); empty until they do.
    locale: Mapped[str | None] = mapped_column(String(5))

    login_sessions: Mapped[list["LoginSession"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )
    recovery_codes: Mapped[list["RecoveryCode"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    # Set by the user loader: the server-side session this request belongs to.
    current_session_id = None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"

    @property
    def is_active(self) -> bool:  # used by Flask-Login
        return self.is_active_account

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def has_second_factor(self) -> bool:
        return self.totp_secret is not None

    def get_id(self) -> str | None:
        """Flask-Login keeps this in the session cookie: the server-side session id, not the
        user id, so that signing out (deleting the row) kills every copy of the cookie."""
        return self.current_session_id

    def start_session(self, remember: bool, lifetime: timedelta) -> "LoginSession":
        login_session = LoginSession(
            id=secrets.token_urlsafe(32),
            user=self,
            remember=remember,
            expires_at=clock.utcnow() + lifetime,
        )
        db.session.add(login_session)
        self.current_session_id = login_session.id
        return login_session


class LoginSession(db.Model):
    """One signed-in browser. Deleting the row signs that browser out."""

    __tablename__ = "login_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    expires_at: Mapped[datetime]
    remember: Mapped[bool] = mapped_column(default=False)
    # The last request of this browser (kept to the minute), for the committee's idle limit.
    last_seen_at: Mapped[datetime | None] = mapped_column(default=clock.utcnow)

    user: Mapped[User] = relationship(back_populates="login_sessions", lazy="joined")

    def ended_for_committee(self, now: datetime, lifetime: timedelta, idle: timedelta) -> bool:
        """A committee member's session ends `lifetime` after sign-in and after `idle` without
        a request, whatever "remember me" said: their pages hold every member's data."""
        last_seen = self.last_seen_at or self.created_at
        return now >= self.created_at + lifetime or now >= last_seen + idle


class RecoveryCode(db.Model):
    """A one-time code that signs in instead of the authenticator app (a lost phone). Only its
    hash is kept; the member saw the code once, when it was made."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="recovery_codes")


# How stale a session's `last_seen_at` may get before a request writes it again.
LAST_SEEN_PRECISION = timedelta(minutes=1)


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The member of this browser's session, if it is still open. Called at the start of each
    request (app.auth.routes loads it before the view), so its commit holds nothing else."""
    login_session = db.session.scalar(select(LoginSession).where(LoginSession.id == session_id))
    now = clock.utcnow()
    if login_session is None or login_session.expires_at <= now:
        return None
    user = login_session.user
    if not user.is_active:
        return None
    config = current_app.config
    if user.is_committee and login_session.ended_for_committee(
        now, config["COMMITTEE_SESSION_LIFETIME"], config["COMMITTEE_IDLE_TIMEOUT"]
    ):
        db.session.delete(login_session)
        db.session.commit()
        g.committee_session_ended = True  # the auth blueprint flashes why, in the page language
        return None
    if login_session.last_seen_at is None or now - login_session.last_seen_at >= (
        LAST_SEEN_PRECISION
    ):
        login_session.last_seen_at = now
        db.session.commit()
    user.current_session_id = login_session.id
    return user
