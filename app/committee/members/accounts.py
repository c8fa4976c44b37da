"""The committee's account actions on a member: deactivate and reactivate the account, grant and
remove the committee role.

Every operation checks its rules, changes the user, records an audit event in the same
transaction and commits; a broken rule raises DomainError and writes nothing. The program always
keeps at least one active committee member: the last one can't lose the role or the account.
"""

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from app.committee.audit import trail
from app.errors_domain import DomainError
from app.extensions import db
from app.models import LoginSession, User


def _other_active_committee_members(member: User) -> int:
    """How many active committee members there are besides `member`. The rows are locked
    (PostgreSQL), so that two committee members removing each other at the same moment can't
    leave the program with none."""
    ids = db.session.scalars(
        select(User.id)
        .where(User.is_committee.is_(True), User.is_active_account.is_(True))
        .order_by(User.id)
        .with_for_update()
    ).all()
    return len([user_id for user_id in ids if user_id != member.id])


def _refuse_if_last_committee_member(member: User) -> None:
    if (
        member.is_committee
        and member.is_active_account
        and _other_active_committee_members(member) == 0
    ):
        db.session.rollback()
        raise DomainError(
            _(
                "%(name)s is the last active committee member. Give another member the "
                "committee role first, so that someone can still run the program.",
                name=member.name,
            )
        )


def end_sessions(member: User) -> int:
    """Sign `member` out of every browser at once (caller commits). Returns how many."""
    result = db.session.execute(delete(LoginSession).where(LoginSession.user_id == member.id))
    return result.rowcount or 0


def deactivate_account(actor: User, member: User) -> None:
    """Deactivate `member`'s account: every browser they are signed in on is signed out at its
    next request, and they can't sign in again until it is reactivated. Their profile, requests
    and mentorships stay. Refused for one's own account and for the last committee member."""
    if not member.is_active_account:
        raise DomainError(_("%(name)s's account is already deactivated.", name=member.name))
    if member.id == actor.id:
        raise DomainError(_("You can't deactivate your own account from the committee pages."))
    _refuse_if_last_committee_member(member)
    sessions = end_sessions(member)
    member.is_active_account = False
    trail.record(actor, trail.ACCOUNT_DEACTIVATED, member, sessions_ended=sessions)
    db.session.commit()


def reactivate_account(actor: User, member: User) -> None:
    """Let `member` sign in again."""
    if member.is_active_account:
        raise DomainError(_("%(name)s's account is already active.", name=member.name))
    member.is_active_account = True
    trail.record(actor, trail.ACCOUNT_REACTIVATED, member)
    db.session.commit()


def grant_committee_role(actor: User, member: User) -> None:
    """Make `member` a committee member (an active account only)."""
    if member.is_committee:
        raise DomainError(_("%(name)s is already a committee member.", name=member.name))
    if not member.is_active_account:
        raise DomainError(
            _(
                "%(name)s's account is deactivated. Reactivate it before giving them the "
                "committee role.",
                name=member.name,
            )
        )
    member.is_committee = True
    trail.record(actor, trail.COMMITTEE_GRANTED, member)
    db.session.commit()


def revoke_committee_role(actor: User, member: User) -> None:
    """Remove `member`'s committee role (one's own too), unless they are the last active
    committee member."""
    if not member.is_committee:
        raise DomainError(_("%(name)s is not a committee member.", name=member.name))
    _refuse_if_last_committee_member(member)
    member.is_committee = False
    trail.record(actor, trail.COMMITTEE_REVOKED, member, own_role=member.id == actor.id)
    db.session.commit()


def committee_count() -> int:
    """How many active committee members there are."""
    return db.session.scalar(
        select(func.count(User.id)).where(
            User.is_committee.is_(True), User.is_active_account.is_(True)
        )
    )
