"""The e-mails about requests: what each one says and to whom. Each function enqueues in the
caller's transaction (the caller commits); a dedupe key per request and event means a message
is never enqueued twice.
"""

from datetime import date

from flask_babel import lazy_gettext

from app.email import absolute_url, enqueue
from app.i18n import member_locale
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
    subject = (
        f"The mentoring committee proposes {display_name(mentee)} as your mentee"
        if request.by_committee
        else f"{display_name(mentee)} would like you as their mentor"
    )
    return enqueue(
        mentor.email,
        "request_new",
        subject,
        dedupe_key=dedupe_key,
        request=request,
        mentor_name=display_name(mentor),
        mentee_name=display_name(mentee),
        mentee_profile=mentee.profile,
        expires_on=format_day(request.answer_by),
        requests_url=absolute_url("requests.index"),
        decision_links=decision_links(request),
    )


def decision_links(request: MentorshipRequest) -> dict[str, str]:
    """The links of the mentor's e-mail: both open the one page (/respond/<token>) that shows
    the request and asks for the answer, with that answer chosen already (nothing changes
    until the mentor sends it from the page)."""
    url = absolute_url("respond.show", token=make_link_token(request))
    return {"accept": url + "?choice=accept", "decline": url + "?choice=decline"}


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
    accepted = "the committee's match" if request.by_committee else "your request"
    _introduce(
        mentorship,
        request.objectives,
        request.preferred_contact_method,
        (
            f"{display_name(mentor)} accepted {accepted}",
            f"Meet your mentee, {display_name(mentee)}",
        ),
        (f"request-accepted:{request.id}", f"introduction-mentor:{request.id}"),
        request=request,
        note=note,
    )


def mail_committee_match(mentorship: Mentorship, objectives, contact_method) -> None:
    """Introduce a pair the committee matched without asking the mentor first: the same
    introductions as an accepted request's, saying the committee matched them."""
    _introduce(
        mentorship,
        objectives,
        contact_method,
        (
            f"Meet your mentor, {display_name(mentorship.mentor)}",
            f"Meet your mentee, {display_name(mentorship.mentee)}",
        ),
        (
            f"committee-match-mentee:{mentorship.id}",
            f"committee-match-mentor:{mentorship.id}",
        ),
        committee_match=True,
    )


# How a sentence says "would like to ..." for each way to meet ("meet face to face", not "meet by
# Face-to-face"); a method added later reads "meet by <its name>".
MEETING_PHRASES = {
    "in-person": "meet face to face",
    "phone": "talk by phone",
    "email": "write by e-mail",
    "video": "meet by video call",
}


def meeting_phrase(method) -> str | None:
    """The words after "would like to" for a contact method (None: no preference given)."""
    if method is None:
        return None
    return MEETING_PHRASES.get(method.code, f"meet by {method.name.lower()}")


def _introduce(
    mentorship: Mentorship,
    objectives,
    contact_method,
    subjects: tuple[str, str],
    dedupe_keys: tuple[str, str],
    request: MentorshipRequest | None = None,
    note: str | None = None,
    committee_match: bool = False,
) -> None:
    """The introduction e-mails, to the mentee then the mentor (`subjects` and `dedupe_keys`
    in that order)."""
    mentor, mentee = mentorship.mentor, mentorship.mentee
    context = {
        "request": request,
        "mentorship": mentorship,
        "committee_match": committee_match,
        "mentor_name": display_name(mentor),
        "mentee_name": display_name(mentee),
        "mentor_email": mentor.email,
        "mentee_email": mentee.email,
        "mentor_methods": contact_methods_of(mentor),
        "mentee_preferred": meeting_phrase(contact_method),
        "mentee_goals": mentee.profile.mentee_goals if mentee.profile is not None else None,
        "objectives": [objective.name for objective in objectives],
        "minimum_end_on": format_day(mentorship.minimum_end_on),
        "started_on": format_day(mentorship.started_on),
        "mentorship_url": mentorship_url(mentorship),
        "requests_url": absolute_url("requests.index"),
        "note": note,
    }
    enqueue(
        mentee.email,
        "introduction_mentee",
        subjects[0],
        dedupe_key=dedupe_keys[0],
        **context,
    )
    enqueue(
        mentor.email,
        "introduction_mentor",
        subjects[1],
        dedupe_key=dedupe_keys[1],
        **context,
    )


def mail_committee_request(request: MentorshipRequest) -> None:
    """Tell the mentee the committee asked a mentor for them, and by when the mentor answers."""
    _mail_about(
        request,
        False,
        "committee",
        f"The mentoring committee found you a mentor: {display_name(request.mentor)}",
        expires_on=format_day(request.answer_by),
        requests_url=absolute_url("requests.index"),
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


def mail_declined(
    request: MentorshipRequest,
    note: str | None,
    paused: bool = False,
    away_until: date | None = None,
) -> None:
    """Tell the mentee kindly, with other mentors who fit them (`paused`: the mentor takes no
    new mentees for now; `away_until`: they are away until that day)."""
    _mail_about(
        request,
        False,
        "declined",
        f"An answer from {display_name(request.mentor)}",
        note=note,
        paused=paused,
        away_on=format_day(away_until) if away_until is not None else None,
        suggestions=suggested_mentors(request.mentee, exclude=[request.mentor_id]),
        directory_url=directory_url(),
    )


def mail_held(request: MentorshipRequest, until: date) -> None:
    """Tell the mentee their request stays open while the mentor is away, until when, and
    that they may withdraw it and ask someone else meanwhile (once per request and return day:
    a mentor who goes away again tells them again)."""
    mentor = request.mentor
    enqueue(
        request.mentee.email,
        "request_held",
        f"{display_name(mentor)} is away until {format_day(until)}",
        dedupe_key=f"request-held:{request.id}:{until.isoformat()}",
        request=request,
        mentor_name=display_name(mentor),
        mentee_name=display_name(request.mentee),
        back_on=format_day(until),
        expires_on=format_day(request.answer_by),
        requests_url=absolute_url("requests.index"),
        directory_url=directory_url(),
    )


def mail_welcome_back(mentor: User, until: date, waiting: list[MentorshipRequest]) -> None:
    """Welcome a mentor back on their return day, once per return day, with a fresh decision
    link for each request that waited for them (the e-mailed ones may have expired)."""
    enqueue(
        mentor.email,
        "availability_welcome_back",
        lazy_gettext("Welcome back to the OLA Mentoring Program"),
        dedupe_key=f"welcome-back:{mentor.id}:{until.isoformat()}",
        locale=member_locale(mentor),
        mentor_name=display_name(mentor),
        waiting=[
            {
                "mentee_name": display_name(request.mentee),
                # A day, written in the mentor's language by the template.
                "answer_by": request.answer_by,
                "url": absolute_url("respond.show", token=make_link_token(request)),
            }
            for request in waiting
        ],
        availability_url=absolute_url("profiles.availability_page"),
        requests_url=absolute_url("requests.index"),
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
        expires_on=format_day(request.answer_by),
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
