"""Two-step sign-in: after the password, a code from an authenticator app (TOTP, RFC 6238, with
pyotp) or one of ten single-use recovery codes. Committee members may turn it on (their pages
hold every member's data); a member who has it keeps it if they leave the committee.

The secret is made when the member opens the setup page and kept in their session until they
type a code it produced, with their password: only then is it saved, with new recovery codes,
which are shown once. Each TOTP code works once (the last time step used is kept), and one step
before or after the current one is accepted for a clock that is slightly off. Recovery codes are
kept as SHA-256 hashes: each has 60 random bits, too many to try offline.
"""

import base64
import hashlib
import re
import secrets
from datetime import UTC

import pyotp
import segno
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select, update

from app import clock
from app.auth.passwords import verify_password
from app.concurrency import retry_on_conflict
from app.email import enqueue
from app.errors_domain import DomainError
from app.extensions import db
from app.i18n import member_locale
from app.models import RecoveryCode, User

ISSUER = "Mentor Match"
RECOVERY_CODES = 10
# Steps either side of now that a code may come from: a phone's clock 30 s off still works.
VALID_WINDOW = 1
STEP_SECONDS = 30

WRONG_CODE = _l("That code is not right, or it was used already. Type the code the app shows now.")


def new_secret() -> str:
    """A random base32 secret of 160 bits (RFC 4226's recommended length)."""
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    """The otpauth:// address an authenticator app reads (from the QR code, or typed)."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_code_data_uri(uri: str) -> str:
    """The QR code of `uri` as an SVG data: address for an <img> (the page's CSP allows data:
    images; no script or style is involved)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=4)


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _digits(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "")


def matching_step(secret: str, code: str, after_step: int | None = None) -> int | None:
    """The time step near now whose code `code` is, if it is later than `after_step`."""
    code = _digits(code)
    if not re.fullmatch(r"[0-9]{6}", code):
        return None
    totp = pyotp.TOTP(secret)
    now_step = int(clock.utcnow().replace(tzinfo=UTC).timestamp() // STEP_SECONDS)
    for step in range(now_step - VALID_WINDOW, now_step + VALID_WINDOW + 1):
        if after_step is not None and step <= after_step:
            continue
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _recovery_hash(code: str) -> str:
    return hashlib.sha256(re.sub(r"[\s-]", "", code or "").lower().encode()).hexdigest()


def _new_recovery_codes(user: User) -> list[str]:
    """Replace the member's recovery codes with new ones (caller commits); returns them."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _number in range(RECOVERY_CODES):
        raw = base64.b32encode(secrets.token_bytes(8)).decode().lower()[:12]
        codes.append(f"{raw[:4]}-{raw[4:8]}-{raw[8:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_recovery_hash(raw)))
    return codes


def unused_recovery_codes(user: User) -> int:
    return len(
        db.session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


def _use_code(user: User, code: str) -> bool:
    """Spend `code` for `user`: a TOTP code not used before, or an unused recovery code
    (caller commits). False when it is neither. Each is spent by a conditional UPDATE, so of
    two requests sending the same code at the same moment only one gets in."""
    step = matching_step(user.totp_secret, code, after_step=user.totp_last_step)
    if step is not None:
        spent = db.session.execute(
            update(User)
            .where(
                User.id == user.id,
                or_(User.totp_last_step.is_(None), User.totp_last_step < step),
            )
            .values(totp_last_step=step)
            .execution_options(synchronize_session=False)
        )
        db.session.refresh(user)
        return spent.rowcount == 1
    spent = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _recovery_hash(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=clock.utcnow())
        .execution_options(synchronize_session=False)
    )
    return spent.rowcount == 1


def _check_password(user: User, password: str) -> None:
    if not verify_password(user.password_hash, password):
        raise DomainError(_("That is not your current password."), field="current_password")


@retry_on_conflict
def turn_on(user: User, secret: str, code: str, password: str) -> list[str]:
    """Save `secret` as the member's second factor once `code` shows their app has it and
    `password` is theirs; returns the new recovery codes (shown once). The member is told by
    e-mail."""
    if not user.is_committee:
        raise DomainError(_("Two-step sign-in is for committee members."))
    if user.has_second_factor:
        raise DomainError(_("Two-step sign-in is already on."))
    _check_password(user, password)
    step = matching_step(secret, code)
    if step is None:
        raise DomainError(WRONG_CODE, field="code")
    user.totp_secret = secret
    user.totp_enabled_at = clock.utcnow()
    user.totp_last_step = step
    codes = _new_recovery_codes(user)
    _tell(user, turned_on=True)
    db.session.commit()
    return codes


@retry_on_conflict
def turn_off(user: User, code: str, password: str) -> None:
    """Remove the second factor, with the password and a code (or a recovery code)."""
    if not user.has_second_factor:
        raise DomainError(_("Two-step sign-in is not on."))
    _check_password(user, password)
    if not _use_code(user, code):
        db.session.rollback()
        raise DomainError(WRONG_CODE, field="code")
    remove_second_factor(user)
    db.session.commit()


def remove_second_factor(user: User) -> None:
    """Turn two-step sign-in off and tell the member (caller commits); also for
    `flask users two-factor-off`, when a member has lost their phone and their codes."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    _tell(user, turned_on=False)


@retry_on_conflict
def replace_recovery_codes(user: User, code: str) -> list[str]:
    """New recovery codes for a code from the app (the old ones stop working)."""
    if not user.has_second_factor:
        raise DomainError(_("Two-step sign-in is not on."))
    if not _use_code(user, code):
        db.session.rollback()
        raise DomainError(WRONG_CODE, field="code")
    codes = _new_recovery_codes(user)
    db.session.commit()
    return codes


@retry_on_conflict
def second_step(user_id: int, code: str) -> User:
    """The member whose password was right, once `code` is right too (a TOTP code or a
    recovery code, each usable once). DomainError otherwise."""
    user = db.session.get(User, user_id)
    if user is None or not user.is_active or not user.has_second_factor:
        raise DomainError(_("Sign in again."))
    if not _use_code(user, code):
        db.session.rollback()
        raise DomainError(WRONG_CODE, field="code")
    db.session.commit()
    return user


def _tell(user: User, turned_on: bool) -> None:
    enqueue(
        user.email,
        "two_factor_changed",
        _l("Two-step sign-in was turned on for your Mentor Match account")
        if turned_on
        else _l("Two-step sign-in was turned off for your Mentor Match account"),
        locale=member_locale(user),
        user=user,
        turned_on=turned_on,
    )
