"""The committee's view of one request: who, when, its states and its history.

Confidentiality: what the mentee and the mentor write to each other stays between them, so the
committee sees states and dates. The queries select the columns they show and never the request's
message or the decline note.
"""

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import aliased

from app.committee.audit import trail
from app.extensions import db
from app.models import AuditEvent, ContactMethod, Mentorship, MentorshipRequest, Objective, User
from app.models.mentorship import request_objectives

# The audit events of a request (the re-send button's) are about this target type.
REQUEST_TARGET = "request"


@dataclass
class HistoryEntry:
    at: datetime
    what: str
    by: str | None = None


@dataclass
class RequestView:
    id: int
    status: str
    status_label: str
    source: str
    created_at: datetime
    expires_at: datetime
    responded_at: datetime | None
    reminder_sent_at: datetime | None
    mentee_id: int
    mentee_name: str
    mentor_id: int
    mentor_name: str
    contact_method: str | None
    objectives: list[str]
    mentorship_id: int | None
    history: list[HistoryEntry] = field(default_factory=list)

    @property
    def is_pending(self) -> bool:
        return self.status == MentorshipRequest.PENDING


def request_view(request_id: int) -> RequestView | None:
    """What the committee sees of a request: who, when, its states. Never the message or the
    decline note (those columns are not selected)."""
    R = MentorshipRequest
    mentee, mentor = aliased(User), aliased(User)
    row = db.session.execute(
        select(
            R.id,
            R.status,
            R.source,
            R.created_at,
            R.expires_at,
            R.responded_at,
            R.reminder_sent_at,
            mentee.id.label("mentee_id"),
            mentee.name.label("mentee_name"),
            mentor.id.label("mentor_id"),
            mentor.name.label("mentor_name"),
            ContactMethod.localized_name().label("contact_method"),
            select(Mentorship.id)
            .where(Mentorship.request_id == R.id)
            .scalar_subquery()
            .label("mentorship_id"),
        )
        .join(mentee, mentee.id == R.mentee_id)
        .join(mentor, mentor.id == R.mentor_id)
        .outerjoin(ContactMethod, ContactMethod.id == R.preferred_contact_method_id)
        .where(R.id == request_id)
    ).one_or_none()
    if row is None:
        return None
    objectives = db.session.scalars(
        select(Objective.localized_name())
        .join(request_objectives, request_objectives.c.objective_id == Objective.id)
        .where(request_objectives.c.request_id == request_id)
        .order_by(Objective.position, Objective.name)
    ).all()
    view = RequestView(
        id=row.id,
        status=row.status,
        status_label=MentorshipRequest.STATUS_LABELS.get(row.status, row.status),
        source=row.source,
        created_at=row.created_at,
        expires_at=row.expires_at,
        responded_at=row.responded_at,
        reminder_sent_at=row.reminder_sent_at,
        mentee_id=row.mentee_id,
        mentee_name=row.mentee_name,
        mentor_id=row.mentor_id,
        mentor_name=row.mentor_name,
        contact_method=row.contact_method,
        objectives=list(objectives),
        mentorship_id=row.mentorship_id,
    )
    history = [
        HistoryEntry(
            row.created_at,
            _("Sent by the committee") if row.source == "committee" else _("Sent by the mentee"),
        )
    ]
    if row.reminder_sent_at:
        history.append(HistoryEntry(row.reminder_sent_at, _("Reminder e-mailed to the mentor")))
    actor = aliased(User)
    for created_at, action, name in db.session.execute(
        select(AuditEvent.created_at, AuditEvent.action, actor.name)
        .outerjoin(actor, actor.id == AuditEvent.actor_id)
        .where(AuditEvent.target_type == REQUEST_TARGET, AuditEvent.target_id == request_id)
    ):
        history.append(HistoryEntry(created_at, trail.ACTIONS.get(action, action), name))
    if row.responded_at and row.status != MentorshipRequest.PENDING:
        history.append(HistoryEntry(row.responded_at, view.status_label))
    view.history = sorted(history, key=lambda entry: entry.at)
    return view
