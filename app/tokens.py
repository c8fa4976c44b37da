"""Signed, purpose-bound, expiring tokens for links sent by e-mail.

Each purpose has its own salt, so a token made for one purpose is refused for any other.
Single use comes from binding: the payload carries a fingerprint of the state the link acts on
(e.g. the password hash, the address to verify); once that state changes, the token no longer
matches and the caller treats it as spent.
"""

import calendar
import hashlib
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from app import clock

SALTS = {
    "verify-email": "mentor-match/verify-email/v1",
    "reset-password": "mentor-match/reset-password/v1",
    "respond-to-request": "mentor-match/respond-to-request/v1",
}


class TokenError(Exception):
    """The token cannot be used; `reason` is "expired" or "invalid".

    For an expired token whose signature is good, `payload` is what it carried (authentic, so
    a page may say what the link was for; never act on it). None otherwise."""

    def __init__(self, reason: str, payload: dict | None = None):
        super().__init__(reason)
        self.reason = reason
        self.payload = payload


class _ClockedSigner(TimestampSigner):
    """Reads the time from app.clock so tests can age tokens without sleeping."""

    def get_timestamp(self) -> int:
        return calendar.timegm(clock.utcnow().timetuple())


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt=SALTS[purpose], signer=_ClockedSigner
    )


def make_token(purpose: str, payload: dict) -> str:
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age: timedelta) -> dict:
    """The payload of a valid token, or TokenError."""
    serializer = _serializer(purpose)
    try:
        payload = serializer.loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired as error:
        try:
            expired = serializer.load_payload(error.payload)
        except BadSignature:
            expired = None
        raise TokenError("expired", expired if isinstance(expired, dict) else None) from error
    except BadSignature as error:
        raise TokenError("invalid") from error
    if not isinstance(payload, dict):
        raise TokenError("invalid")
    return payload


def fingerprint(value: str) -> str:
    """A short digest of a secret-ish value to bind a token to, without revealing it."""
    return hashlib.sha256(value.encode()).hexdigest()[:16]
