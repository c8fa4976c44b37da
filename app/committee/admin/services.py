"""The committee's operations on a request seen in its admin view: sending the mentor the
request e-mail again.

The operation checks its rules, enqueues the e-mail and records an audit event in the same
transaction, and commits; a broken rule raises DomainError with a message for the committee and
nothing is written. The request is loaded whole only to write that e-mail, which goes to the
mentor the request was written to.
"""

from flask_babel import gettext as _

from app import clock
from app.committee.admin.request_view import REQUEST_TARGET
from app.committee.audit import trail
from app.errors_domain import DomainError
from app.extensions import db
from app.models import MentorshipRequest, User
from app.requests.mail import mail_new_request


def resend_request_email(actor: User, request_id: int) -> MentorshipRequest:
    """E-mail the mentor the new-request message again (the same template and content as when
    it was sent, with its decision links), record the audit event, and commit.

    Only for a request still waiting for an answer (DomainError otherwise). A second click
    within the same minute sends nothing more (the outbox's dedupe key).
    """
    request = db.session.get(MentorshipRequest, request_id)
    if request is None:
        raise DomainError(_("There is no such request."))
    if not request.is_pending:
        raise DomainError(
            _("This request is no longer waiting for an answer, so there is nothing to re-send.")
        )
    now = clock.utcnow()
    mentor = request.mentor
    message = mail_new_request(request, f"request-new:{request.id}:again:{now:%Y%m%d%H%M}")
    if message is None:
        db.session.rollback()
        raise DomainError(_("The e-mail was sent again a moment ago. Nothing more was sent."))
    trail.record(
        actor,
        trail.REQUEST_EMAIL_RESENT,
        (REQUEST_TARGET, request.id),
        mentor=mentor.id,
        expires_at=request.expires_at,
    )
    db.session.commit()
    return request
