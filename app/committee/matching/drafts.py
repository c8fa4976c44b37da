"""What the matching workbench's operations share: taking a draft for a change (a row lock on
PostgreSQL, the write lock on SQLite, so that two changes to one draft happen one after the
other and none reaches a draft that was published, re-run or discarded meanwhile), its name in
the audit trail, and members' names for the committee's messages."""

from flask_babel import gettext as _
from sqlalchemy import select, update

from app.errors_domain import DomainError
from app.extensions import db
from app.models import MatchingRun, Profile, User
from app.text import format_day


def no_longer_a_draft(run: MatchingRun) -> str:
    if run.status == MatchingRun.PUBLISHED:
        return _(
            "This draft was published on %(day)s: it can't be changed or published again.",
            day=format_day(run.published_at),
        )
    if run.status == MatchingRun.SUPERSEDED:
        return _("This draft was replaced by a re-run: open the newer draft.")
    return _("This draft was discarded: it can't be changed or published.")


def take_draft(run: MatchingRun, **values) -> None:
    """Hold `run` until the transaction ends (PostgreSQL: its row locked; SQLite: the write
    lock), setting `values` too, if it is still a draft; else roll back and refuse."""
    result = db.session.execute(
        update(MatchingRun)
        .where(MatchingRun.id == run.id, MatchingRun.status == MatchingRun.DRAFT)
        .values(status=values.pop("status", MatchingRun.DRAFT), **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        db.session.refresh(run)
        raise DomainError(no_longer_a_draft(run))
    db.session.refresh(run)


def run_name(run: MatchingRun) -> str:
    """The draft's name in the audit trail (English, as the trail keeps it)."""
    pool = f"the {run.intake_name} intake" if run.intake_name else "every waiting mentee"
    return f"draft {run.id}, {pool}"


def names_of(user_ids) -> dict[int, str]:
    rows = db.session.execute(
        select(User.id, User.name, Profile.display_name)
        .outerjoin(Profile, Profile.user_id == User.id)
        .where(User.id.in_(sorted(user_ids)))
    ).all()
    return {user_id: display or name for user_id, name, display in rows}
