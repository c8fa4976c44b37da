"""The e-mails about requests: what each one says and to whom. Each function enqueues in the
caller's transaction (the caller commits); a dedupe key per request and event means a message
is never enqueued twice.
"""

from datetime import date

from flask_babel import LazyString, gettext
from flask_babel import lazy_gettext as _l
from markupsafe import escape

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
from app.text import display_name, format_day, program_day


class EmailDay(date):
    """A day in an e-mail's context. Each message is rendered in its recipient's language, not
    in the language of the page whose action sends it, so days are passed as days and written
    when the template is rendered: `format_day(d)` / `format_long_day(d)` in the template, and
    printed as it is (`{{ d }}`) it writes itself the `format_day` way ("3 March", "3 mars")."""

    @classmethod
    def of(cls, moment) -> "EmailDay":
        day = program_day(moment)
        return cls(day.year, day.month, day.day)

    def __str__(self) -> str:
        return format_day(self)


def mail_new_request(request: MentorshipRequest, dedupe_key: str) -> OutboxEmail | None:
    """Enqueue the mentor's e-mail about `request`, with its decision links (None: a message
    with `dedupe_key` was enqueued already)."""
    mentor, mentee = request.mentor, request.mentee
    subject = (
        _l("The mentoring committee proposes %(name)s as your mentee", name=display_name(mentee))
        if request.by_committee
        else _l("%(name)s would like you as their mentor", name=display_name(mentee))
    )
    return enqueue(
        mentor.email,
        "request_new",
        subject,
        dedupe_key=dedupe_key,
        locale=member_locale(mentor),
        request=request,
        mentor_name=display_name(mentor),
        mentee_name=display_name(mentee),
        mentee_profile=mentee.profile,
        expires_on=EmailDay.of(request.answer_by),
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
    _introduce(
        mentorship,
        request.objectives,
        request.preferred_contact_method,
        (
            _l("%(name)s accepted the committee's match", name=display_name(mentor))
            if request.by_committee
            else _l("%(name)s accepted your request", name=display_name(mentor)),
            _l("Meet your mentee, %(name)s", name=display_name(mentee)),
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
            _l("Meet your mentor, %(name)s", name=display_name(mentorship.mentor)),
            _l("Meet your mentee, %(name)s", name=display_name(mentorship.mentee)),
        ),
        (
            f"committee-match-mentee:{mentorship.id}",
            f"committee-match-mentor:{mentorship.id}",
        ),
        committee_match=True,
    )


# How a sentence says "would like to ..." for each way to meet ("meet face to face", not "meet by
# Face-to-face"); a method added later reads "meet by <its name>". Lazy: each introduction
# writes them in its recipient's language.
MEETING_PHRASES = {
    "in-person": _l("meet face to face"),
    "phone": _l("talk by phone"),
    "email": _l("write by e-mail"),
    "video": _l("meet by video call"),
}


class _Phrase(LazyString):
    """A lazy translation that an HTML e-mail escapes like any other text (Flask-Babel's own
    is inserted as it is): the name of a way to meet comes from the committee's vocabulary."""

    def __html__(self) -> str:
        return str(escape(str(self)))


def meeting_phrase(method):
    """The words after "would like to" for a contact method (None: no preference given), as a
    lazy string: it is written in the language of the e-mail it is rendered in."""
    if method is None:
        return None
    phrase = MEETING_PHRASES.get(method.code)
    if phrase is None:
        name = method.name.lower()
        return _Phrase(lambda: gettext("meet by %(method)s", method=name))
    return phrase


def _introduce(
    mentorship: Mentorship,
    objectives,
    contact_method,
    subjects: tuple,
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
        "minimum_end_on": EmailDay.of(mentorship.minimum_end_on),
        "started_on": EmailDay.of(mentorship.started_on),
        "mentorship_url": mentorship_url(mentorship),
        "requests_url": absolute_url("requests.index"),
        "note": note,
    }
    enqueue(
        mentee.email,
        "introduction_mentee",
        subjects[0],
        dedupe_key=dedupe_keys[0],
        locale=member_locale(mentee),
        **context,
    )
    enqueue(
        mentor.email,
        "introduction_mentor",
        subjects[1],
        dedupe_key=dedupe_keys[1],
        locale=member_locale(mentor),
        **context,
    )


def mail_committee_request(request: MentorshipRequest) -> None:
    """Tell the mentee the committee asked a mentor for them, and by when the mentor answers."""
    _mail_about(
        request,
        False,
        "committee",
        _l(
            "The mentoring committee found you a mentor: %(name)s",
            name=display_name(request.mentor),
        ),
        expires_on=EmailDay.of(request.answer_by),
        requests_url=absolute_url("requests.index"),
    )


def _mail_about(request: MentorshipRequest, to_mentor: bool, event: str, subject, **extra):
    """One e-mail about `request` to its mentor or mentee, in their language: template
    `request_<event>`, at most once per request and event, with both names in the context."""
    recipient = request.mentor if to_mentor else request.mentee
    enqueue(
        recipient.email,
        f"request_{event}",
        subject,
        dedupe_key=f"request-{event}:{request.id}",
        locale=member_locale(recipient),
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
        _l("An answer from %(name)s", name=display_name(request.mentor)),
        note=note,
        paused=paused,
        away_on=EmailDay.of(away_until) if away_until is not None else None,
        suggestions=suggested_mentors(request.mentee, exclude=[request.mentor_id]),
        directory_url=directory_url(),
    )


def mail_held(request: MentorshipRequest, until: date) -> None:
    """Tell the mentee their request stays open while the mentor is away, until when, and
    that they may withdraw it and ask someone else meanwhile (once per request and return day:
    a mentor who goes away again tells them again)."""
    mentor = request.mentor
    back_on = EmailDay.of(until)
    enqueue(
        request.mentee.email,
        "request_held",
        _l("%(name)s is away until %(day)s", name=display_name(mentor), day=back_on),
        dedupe_key=f"request-held:{request.id}:{until.isoformat()}",
        locale=member_locale(request.mentee),
        request=request,
        mentor_name=display_name(mentor),
        mentee_name=display_name(request.mentee),
        back_on=back_on,
        expires_on=EmailDay.of(request.answer_by),
        requests_url=absolute_url("requests.index"),
        directory_url=directory_url(),
    )


def mail_welcome_back(mentor: User, until: date, waiting: list[MentorshipRequest]) -> None:
    """Welcome a mentor back on their return day, once per return day, with a fresh decision
    link for each request that waited for them (the e-mailed ones may have expired)."""
    enqueue(
        mentor.email,
        "availability_welcome_back",
        _l("Welcome back to the OLA Mentoring Program"),
        dedupe_key=f"welcome-back:{mentor.id}:{until.isoformat()}",
        locale=member_locale(mentor),
        mentor_name=display_name(mentor),
        waiting=[
            {
                "mentee_name": display_name(request.mentee),
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
        _l("No answer from %(name)s: try another mentor", name=display_name(request.mentor)),
        sent_on=EmailDay.of(request.created_at),
        directory_url=directory_url(),
    )


def mail_reminder(request: MentorshipRequest) -> None:
    """Remind the mentor, once, of a request still waiting for an answer."""
    _mail_about(
        request,
        True,
        "reminder",
        _l("Reminder: %(name)s is waiting for your answer", name=display_name(request.mentee)),
        expires_on=EmailDay.of(request.answer_by),
        requests_url=absolute_url("requests.index"),
    )


def mail_withdrawn(request: MentorshipRequest) -> None:
    """Tell the mentor a request was withdrawn: no answer needed."""
    _mail_about(
        request,
        True,
        "withdrawn",
        _l("%(name)s withdrew their request", name=display_name(request.mentee)),
        requests_url=absolute_url("requests.index"),
    )


def mail_superseded(request: MentorshipRequest) -> None:
    """Tell the mentor a request closed because another mentor accepted the mentee."""
    _mail_about(
        request,
        True,
        "superseded",
        _l("%(name)s's request is closed: no answer needed", name=display_name(request.mentee)),
        requests_url=absolute_url("requests.index"),
    )
