"""The decision link in the mentor's request e-mail: /respond/<token>.

The token is signed with a salt used for nothing else ("respond-to-request"), expires after the
program's `request_expiry_days`, and carries the request's id and its current nonce. The nonce
changes whenever the request leaves "pending" (accepted, declined, withdrawn, expired,
superseded), so a link of a request that was answered or closed no longer acts: `read_link`
still finds the request by its id, so the page can tell what happened, but the caller never
acts on a link whose state is not READY.
"""

from dataclasses import dataclass
from datetime import timedelta

from app import clock
from app.extensions import db
from app.models import MentorshipRequest
from app.program import get_settings
from app.tokens import TokenError, make_token, read_token

PURPOSE = "respond-to-request"

# What a link is, when opened.
READY = "ready"  # pending, the nonce matches, not expired: the page offers the decision
ANSWERED = "answered"  # the request is no longer pending (accepted, declined, withdrawn, ...)
EXPIRED = "expired"  # the link or the request expired while the request was still pending
INVALID = "invalid"  # tampered, another purpose's token, unknown request, or a replaced link


@dataclass
class Link:
    state: str
    request: MentorshipRequest | None = None

    @property
    def ready(self) -> bool:
        return self.state == READY


def make_link_token(request: MentorshipRequest) -> str:
    """A token for the decision link of `request` in its current state."""
    return make_token(PURPOSE, {"r": request.id, "n": request.nonce})


def max_age() -> timedelta:
    return timedelta(days=get_settings().request_expiry_days)


def _request_from(payload) -> MentorshipRequest | None:
    if not isinstance(payload, dict):
        return None
    request_id, nonce = payload.get("r"), payload.get("n")
    if not isinstance(request_id, int) or isinstance(request_id, bool):
        return None
    if not isinstance(nonce, str):
        return None
    return db.session.get(MentorshipRequest, request_id)


def read_link(token: str) -> Link:
    """What the link `token` points at and whether it may act (changes nothing).

    A request that is no longer pending is ANSWERED whatever the nonce (its real state is
    shown); a pending request past `expires_at` (the daily job has not closed it yet) or a
    token past its age is EXPIRED; a pending request whose nonce differs is INVALID.
    """
    try:
        payload = read_token(PURPOSE, token, max_age())
    except TokenError as error:
        request = _request_from(error.payload) if error.reason == "expired" else None
        if request is None:
            return Link(EXPIRED if error.reason == "expired" else INVALID)
        if not request.is_pending:
            return Link(ANSWERED, request)
        return Link(EXPIRED, request)
    request = _request_from(payload)
    if request is None:
        return Link(INVALID)
    if not request.is_pending:
        return Link(ANSWERED, request)
    if payload["n"] != request.nonce:
        return Link(INVALID)
    if request.expires_at <= clock.utcnow():
        return Link(EXPIRED, request)
    return Link(READY, request)
