"""The roster import: a roster file uploaded, kept for its preview, then applied.

Each operation that changes something records an audit event in the same transaction
(`app.committee.audit.trail.record`) and commits. A file that can't be used raises RosterError
and a broken rule DomainError, with a message for the committee; nothing is written then.
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import joinedload

from app import clock
from app.auth.welcome import enqueue_membership_verified
from app.committee.audit import trail
from app.committee.roster import comparison, parsing
from app.committee.roster.comparison import RowOutcome
from app.errors_domain import DomainError
from app.extensions import db
from app.models import Profile, RosterImport, User
from app.text import format_moment


class PreviewOutOfDate(DomainError):
    """The preview the committee applied is not what applying would do now."""


@dataclass
class RosterPreview:
    roster_import: RosterImport
    outcomes: list[RowOutcome]
    counts: dict[str, int]
    fingerprint: str
    skipped: list[parsing.SkippedRow]  # rows that could not be read, left out
    missing: list[comparison.MemberRecord]  # active members no row names (to review)


def _member_records() -> list[comparison.MemberRecord]:
    result = db.session.execute(
        select(
            User.id,
            User.email,
            Profile.membership_number,
            Profile.membership_expires_on,
            Profile.membership_verified_at,
            func.coalesce(Profile.display_name, User.name),
        ).outerjoin(Profile, Profile.user_id == User.id)
    )
    return [
        comparison.MemberRecord(
            user_id=user_id,
            email=email,
            membership_number=number,
            expires_on=expires_on,
            verified=verified_at is not None,
            name=name,
        )
        for user_id, email, number, expires_on, verified_at, name in result
    ]


def purge_expired_imports(now) -> None:
    """Delete previews that were never applied and can no longer be (caller commits)."""
    db.session.execute(
        RosterImport.__table__.delete().where(
            RosterImport.applied_at.is_(None),
            RosterImport.uploaded_at <= now - RosterImport.LIFETIME,
        )
    )


def upload_roster(
    actor: User, filename: str, data: bytes, date_order: str = parsing.ISO
) -> RosterImport:
    """Read a roster file (numeric dates with the year last in `date_order`) and keep it for
    its preview.

    Raises RosterError, listing the file's problems, when it can't be used; nothing is written
    then. Otherwise the parsed rows, and the rows that could not be read with their reasons,
    are stored (not the file itself), previews older than RosterImport.LIFETIME are deleted,
    and the upload is audited.
    """
    parsed = parsing.parse_roster(data, filename, date_order)
    rows = parsed.rows
    now = clock.utcnow()
    purge_expired_imports(now)
    roster_import = RosterImport(
        uploaded_at=now,
        uploaded_by_id=actor.id,
        filename=(filename or "roster.csv")[:255],
        file_digest=parsing.file_digest(data),
        row_count=len(rows),
        rows=[row.as_json() for row in rows],
        skipped_rows=[row.as_json() for row in parsed.skipped],
        skipped_count=len(parsed.skipped),
    )
    db.session.add(roster_import)
    trail.record(
        actor,
        trail.ROSTER_UPLOADED,
        roster_import,
        filename=roster_import.filename,
        rows=len(rows),
        **({"skipped": len(parsed.skipped)} if parsed.skipped else {}),
    )
    db.session.commit()
    return roster_import


def preview_roster(roster_import: RosterImport, today: date) -> RosterPreview | None:
    """What applying the import would do now, row by row (None once it has been applied)."""
    if roster_import.rows is None:
        return None
    rows = [parsing.RosterRow.from_json(value) for value in roster_import.rows]
    skipped = [parsing.SkippedRow.from_json(value) for value in roster_import.skipped_rows or []]
    members = _member_records()
    outcomes = comparison.classify(rows, members, today)
    return RosterPreview(
        roster_import=roster_import,
        outcomes=outcomes,
        counts=comparison.count_outcomes(outcomes),
        fingerprint=comparison.preview_fingerprint(roster_import.file_digest, outcomes),
        skipped=skipped,
        missing=comparison.not_in_roster(rows, skipped, members, today),
    )


def recent_imports(now, limit: int = 10) -> list[RosterImport]:
    """The latest imports: applied ones, and previews that can still be applied."""
    return list(
        db.session.scalars(
            select(RosterImport)
            .where(
                or_(
                    RosterImport.applied_at.is_not(None),
                    RosterImport.uploaded_at > now - RosterImport.LIFETIME,
                )
            )
            .order_by(RosterImport.uploaded_at.desc(), RosterImport.id.desc())
            .limit(limit)
        )
    )


def apply_roster(actor: User, roster_import: RosterImport, fingerprint: str, today: date) -> dict:
    """Verify the members the preview said it would, with the file's expiry dates; each is
    told the first time their membership is verified (`enqueue_membership_verified`).

    `fingerprint` is the one the preview page showed; if applying now would do anything else
    (the members changed since, or the form was altered) PreviewOutOfDate is raised and nothing
    is written. An import is applied once: a second apply raises DomainError. Returns the
    outcome counts, also kept on the import and in the audit event; the stored rows are deleted.
    """
    now = clock.utcnow()
    if roster_import.applied:
        raise DomainError(
            _(
                "This file was already applied on %(moment)s. Nothing more was changed.",
                moment=format_moment(roster_import.applied_at),
            )
        )
    if roster_import.expired_at(now):
        raise DomainError(
            _(
                "This preview is more than 24 hours old, so it can no longer be applied. Upload "
                "the file again to see a new preview."
            )
        )
    preview = preview_roster(roster_import, today)
    if fingerprint != preview.fingerprint:
        raise PreviewOutOfDate(
            _(
                "Nothing was changed: this preview is not the one you applied. The members' "
                "details changed since you saw it (or the form was altered). Check the preview "
                "below and apply again."
            )
        )
    # Claim the import: of two applies at the same moment, only one goes on.
    claimed = db.session.execute(
        update(RosterImport)
        .where(RosterImport.id == roster_import.id, RosterImport.applied_at.is_(None))
        .values(applied_at=now, applied_by_id=actor.id)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        raise DomainError(_("This file was already applied. Nothing more was changed."))

    to_verify = {o.member_id: o for o in preview.outcomes if o.outcome == comparison.WILL_VERIFY}
    profiles = db.session.scalars(
        select(Profile)
        .options(joinedload(Profile.user))
        .where(Profile.user_id.in_(list(to_verify)))
    ).all()
    for profile in profiles:
        outcome = to_verify[profile.user_id]
        previous = profile.membership_expires_on
        profile.membership_expires_on = outcome.row.expires_on
        profile.membership_verified_at = now
        profile.membership_verified_by_id = actor.id
        trail.record(
            actor,
            trail.MEMBERSHIP_VERIFIED,
            ("member", profile.user_id),
            expires_on=outcome.row.expires_on,
            previous_expires_on=previous,
            via="roster",
            roster_import=roster_import.id,
            row=outcome.row.line,
        )
        enqueue_membership_verified(profile.user)
    counts = dict(preview.counts)
    roster_import.applied_at = now
    roster_import.applied_by_id = actor.id
    roster_import.counts = counts
    roster_import.rows = None
    roster_import.skipped_rows = None
    trail.record(
        actor,
        trail.ROSTER_APPLIED,
        roster_import,
        filename=roster_import.filename,
        rows=roster_import.row_count,
        **counts,
    )
    db.session.commit()
    return counts
