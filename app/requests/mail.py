"""The e-mails about requests: what each one says and to whom. Each function enqueues in the
caller's transaction (the caller commits); a dedupe key per request and event means a message
is never enqueued twice.
"""

from app.email import absolute_url, enqueue
from app.models import (
    Mentorship,
    MentorshipRequest,
    OutboxEmail,
    User,
)
from app.requests.links import make_link_token
from app.requests.rules import contact_methods_offered
from app.requests.suggestions import directory_url, suggested_mentors
from app.text import display_name, format_day


def mail_new_request(request: MentorshipRequest, dedupe_key: str) -> OutboxEmail | None:
    """Enqueue the mentor's e-mail about `request`, with its decision links (None: a message
    with `dedupe_key` was enqueued already)."""
    mentor, mentee = request.mentor, request.mentee
    return enqueue(
        mentor.email,
        "request_new",
        f"{display_name(mentee)} would like you as their mentor",
        dedupe_key=dedupe_key,
        request=request,
        mentor_name=display_name(mentor),
        mentee_name=display_name(mentee),
        mentee_profile=mentee.profile,
        expires_on=format_day(request.expires_at),
        requests_url=absolute_url("requests.index"),
        decision_links=decision_links(request),
    )


def decision_links(request: MentorshipRequest) -> dict[str, str]:
    """The links of the mentor's e-mail: one page (/respond/<token>) that shows the request
    and offers both answers; "decline" opens it at the decline part."""
    url = absolute_url("respond.show", token=make_link_token(request))
    return {"accept": url, "decline": url + "#decline"}


def mentorship_url(mentorship: Mentorship) -> str:
    """The pair's page, /mentorships/<id>."""
    return absolute_url("mentorships.show", mentorship_id=mentorship.id)


def contact_methods_of(user: User) -> list[str]:
    """The names of the ways to meet the member offers, in the vocabulary's order."""
    return [method.name for method in contact_methods_offered(user)]


def mail_accepted(
    request: MentorshipRequest, mentorship: Mentorship, note: str | None = None
) -> None:
    """Introduce the pair: one e-mail to each, with the other's name, e-mail address and ways
    to meet, the mentee's goals (their message, objectives and profile goals), the first
    steps, what a mentor is not responsible for, and the link to their mentorship's page."""
    mentor, mentee = request.mentor, request.mentee
    context = {
        "request": request,
        "mentorship": mentorship,
        "mentor_name": display_name(mentor),
        "mentee_name": display_name(mentee),
        "mentor_email": mentor.email,
        "mentee_email": mentee.email,
        "mentor_methods": contact_methods_of(mentor),
        "mentee_preferred": (
            request.preferred_contact_method.name if request.preferred_contact_method else None
        ),
        "mentee_goals": mentee.profile.mentee_goals if mentee.profile is not None else None,
        "objectives": [objective.name for objective in request.objectives],
        "minimum_end_on": format_day(mentorship.minimum_end_on),
        "started_on": format_day(mentorship.started_on),
        "mentorship_url": mentorship_url(mentorship),
        "requests_url": absolute_url("requests.index"),
        "note": note,
    }
    enqueue(
        mentee.email,
        "introduction_mentee",
        f"{display_name(mentor)} accepted your request",
        dedupe_key=f"request-accepted:{request.id}",
        **context,
    )
    enqueue(
        mentor.email,
        "introduction_mentor",
        f"Meet your mentee, {display_name(mentee)}",
        dedupe_key=f"introduction-mentor:{request.id}",
        **context,
    )


def _mail_about(request: MentorshipRequest, to_mentor: bool, event: str, subject: str, **extra):
    """One e-mail about `request` to its mentor or mentee: template `request_<event>`, at most
    once per request and event, with both names in the context."""
    enqueue(
        (request.mentor if to_mentor else request.mentee).email,
        f"request_{event}",
        subject,
        dedupe_key=f"request-{event}:{request.id}",
        request=request,
        mentor_name=display_name(request.mentor),
        mentee_name=display_name(request.mentee),
        **extra,
    )


def mail_declined(request: MentorshipRequest, note: str | None, paused: bool = False) -> None:
    """Tell the mentee kindly, with other mentors who fit them."""
    _mail_about(
        request,
        False,
        "declined",
        f"An answer from {display_name(request.mentor)}",
        note=note,
        paused=paused,
        suggestions=suggested_mentors(request.mentee, exclude=[request.mentor_id]),
        directory_url=directory_url(),
    )


def mail_expired(request: MentorshipRequest) -> None:
    """Tell the mentee no answer came, with the way back to the directory."""
    _mail_about(
        request,
        False,
        "expired",
        f"No answer from {display_name(request.mentor)}: try another mentor",
        sent_on=format_day(request.created_at),
        directory_url=directory_url(),
    )


def mail_reminder(request: MentorshipRequest) -> None:
    """Remind the mentor, once, of a request still waiting for an answer."""
    _mail_about(
        request,
        True,
        "reminder",
        f"Reminder: {display_name(request.mentee)} is waiting for your answer",
        expires_on=format_day(request.expires_at),
        requests_url=absolute_url("requests.index"),
    )


def mail_withdrawn(request: MentorshipRequest) -> None:
    """Tell the mentor a request was withdrawn: no answer needed."""
    _mail_about(
        request,
        True,
        "withdrawn",
        f"{display_name(request.mentee)} withdrew their request",
        requests_url=absolute_url("requests.index"),
    )


def mail_superseded(request: MentorshipRequest) -> None:
    """Tell the mentor a request closed because another mentor accepted the mentee."""
    _mail_about(
        request,
        True,
        "superseded",
        f"{display_name(request.mentee)}'s request is closed: no answer needed",
        requests_url=absolute_url("requests.index"),
    )
