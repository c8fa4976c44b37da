"""What a decision link shows, and the decision it makes.

`open_link` reads the token and gathers what the page shows (changes nothing: GET and HEAD).
`decide` acts for the mentor the token names, through app.requests.services (accept_request /
decline_request), bound to the nonce the link was made for; it never acts on a link that is
not READY. Neither needs anyone signed in: the signed token is the mentor's authority.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import clock
from app.errors_domain import DomainError
from app.extensions import db
from app.models import Mentorship, MentorshipRequest, User
from app.requests import rules
from app.requests import services as requests
from app.requests.links import ANSWERED, EXPIRED, INVALID, READY, Link, read_link
from app.text import display_name, format_day

ACCEPT, DECLINE = "accept", "decline"


@dataclass
class LinkPage:
    """What /respond/<token> shows."""

    link: Link
    message: str | None = None  # what happened, when the link can no longer act
    title: str = _l("Answer a mentoring request")
    full: bool = False  # the mentor has no spot left: Accept is not offered
    capacity: int = 0
    other_pending: int = 0  # the mentor's other pending requests
    mentorship: Mentorship | None = None  # of an accepted request

    @property
    def state(self) -> str:
        return self.link.state

    @property
    def request(self) -> MentorshipRequest | None:
        return self.link.request

    @property
    def mentor(self) -> User | None:
        return self.request.mentor if self.request is not None else None

    @property
    def mentee(self) -> User | None:
        return self.request.mentee if self.request is not None else None


TITLES = {
    MentorshipRequest.ACCEPTED: _l("Request accepted"),
    MentorshipRequest.DECLINED: _l("Request declined"),
    MentorshipRequest.WITHDRAWN: _l("Request withdrawn"),
    MentorshipRequest.EXPIRED: _l("Request expired"),
    MentorshipRequest.SUPERSEDED: _l("Request closed"),
}


def answered_message(request: MentorshipRequest) -> str:
    """What happened to a request that is no longer pending, told to its mentor."""
    when = format_day(request.responded_at or request.created_at)
    mentee = display_name(request.mentee)
    status = request.status
    if status == MentorshipRequest.ACCEPTED:
        return _("You accepted this request on %(day)s.", day=when)
    if status == MentorshipRequest.DECLINED:
        return _("You declined this request on %(day)s.", day=when)
    if status == MentorshipRequest.WITHDRAWN:
        return _("%(mentee)s withdrew this request on %(day)s.", mentee=mentee, day=when)
    if status == MentorshipRequest.EXPIRED:
        return requests.expired_message(when)
    if status == MentorshipRequest.SUPERSEDED:
        return requests.superseded_message(when, mentee)
    return _("This request can no longer be answered.")


def _page(link: Link) -> LinkPage:
    request = link.request
    if link.state == INVALID:
        return LinkPage(link, _("This link is not valid."), title=_("This link is not valid"))
    if link.state == EXPIRED:
        if request is not None and request.expires_at <= clock.utcnow():
            message = _("This request expired on %(day)s.", day=format_day(request.answer_by))
        else:
            message = _("This link has expired.")
        return LinkPage(link, message, title=_("This link has expired"))
    if link.state == ANSWERED:
        mentorship = None
        if request.status == MentorshipRequest.ACCEPTED:
            mentorship = db.session.scalar(
                select(Mentorship).where(Mentorship.request_id == request.id)
            )
        return LinkPage(
            link,
            answered_message(request),
            title=str(TITLES.get(request.status, TITLES[MentorshipRequest.SUPERSEDED])),
            mentorship=mentorship,
        )
    mentor = request.mentor
    capacity = mentor.profile.mentor_capacity if mentor.profile is not None else 0
    return LinkPage(
        link,
        full=rules.spots_left(mentor) <= 0,
        capacity=capacity,
        other_pending=len(requests.other_pending_received(request)),
    )


def open_link(token: str) -> LinkPage:
    """What the link shows (reads only)."""
    return _page(read_link(token))


@dataclass
class Decision:
    """The outcome of a POST: `page` to show again when nothing changed (with `error`), else
    the decision made."""

    page: LinkPage
    decision: str | None = None
    error: str | None = None
    mentorship: Mentorship | None = None

    @property
    def done(self) -> bool:
        return self.decision is not None and self.error is None


def decide(
    token: str,
    decision: str,
    note=None,
    stop_accepting: bool = False,
    decline_others: bool = False,
    away_until=None,
) -> Decision:
    """Accept or decline the request of a READY link as its mentor, in one transaction (see
    accept_request and decline_request). A link that is no longer READY, or a rule that
    refuses (the mentor is full, the mentee has a mentor now...), changes nothing: the
    Decision then carries the page to show and the reason. `away_until` (with a decline): the
    mentor is away until that day, their other requests declined (`decline_others`) or kept
    open for their return."""
    page = open_link(token)
    if page.state != READY:
        return Decision(page, error=page.message)
    request, mentor = page.request, page.mentor
    nonce = request.nonce
    options = {
        "expected_nonce": nonce,
        "stop_accepting": stop_accepting,
        "decline_others": decline_others,
    }
    try:
        if decision == ACCEPT:
            mentorship = requests.accept_request(request, mentor, note, **options)
            return Decision(page, ACCEPT, mentorship=mentorship)
        if decision == DECLINE:
            requests.decline_request(request, mentor, note, away_until=away_until, **options)
            return Decision(page, DECLINE)
    except DomainError as error:
        return Decision(open_link(token), error=error.message)
    raise ValueError(f"unknown decision {decision!r}")
