"""The intakes: the periods in which members may send requests when the program takes requests
only during an intake. Each change is checked, audited and committed, as the settings are."""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.committee.audit import trail
from app.committee.settings.services import apply_changes, changed_values
from app.concurrency import retry_on_conflict
from app.errors_domain import DomainError
from app.extensions import db
from app.models import Intake, ProgramSettings, User
from app.program import get_settings
from app.text import format_long_day

INTAKE_NAME_MAX = 80


def list_intakes() -> list[Intake]:
    """Every intake, the latest first."""
    return list(db.session.scalars(select(Intake).order_by(Intake.opens_on.desc(), Intake.id)))


def _check_intake(
    name: str | None, opens_on: date | None, closes_on: date | None, editing: Intake | None
) -> tuple[str, date, date]:
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_("Enter a name, for example “Fall 2026”."), field="name")
    if len(name) > INTAKE_NAME_MAX:
        raise DomainError(_("Use at most %(max)s characters.", max=INTAKE_NAME_MAX), field="name")
    if opens_on is None:
        raise DomainError(_("Enter the day the intake opens."), field="opens_on")
    if closes_on is None:
        raise DomainError(_("Enter the day the intake closes."), field="closes_on")
    if closes_on < opens_on:
        raise DomainError(
            _(
                "The intake can't close (%(closes)s) before it opens (%(opens)s).",
                closes=closes_on.isoformat(),
                opens=opens_on.isoformat(),
            ),
            field="closes_on",
        )
    others = select(Intake).where(Intake.opens_on <= closes_on, Intake.closes_on >= opens_on)
    same_name = select(Intake).where(func.lower(Intake.name) == name.lower())
    if editing is not None:
        others = others.where(Intake.id != editing.id)
        same_name = same_name.where(Intake.id != editing.id)
    other = db.session.scalar(others.order_by(Intake.opens_on).limit(1))
    if other is not None:
        raise DomainError(
            _(
                "These dates overlap the intake “%(name)s” (%(opens)s to %(closes)s). Intakes "
                "can't overlap: choose other dates.",
                name=other.name,
                opens=format_long_day(other.opens_on),
                closes=format_long_day(other.closes_on),
            ),
            field="opens_on",
        )
    if db.session.scalar(same_name.limit(1)) is not None:
        raise DomainError(
            _("There is already an intake named “%(name)s”.", name=name), field="name"
        )
    return name, opens_on, closes_on


def _lock_intakes() -> None:
    """Serialise intake changes, so that two overlapping intakes can't be saved at once
    (PostgreSQL: a row lock on the settings; SQLite writes one at a time anyway)."""
    get_settings()
    db.session.scalar(
        select(ProgramSettings.id).order_by(ProgramSettings.id).limit(1).with_for_update()
    )


@retry_on_conflict
def add_intake(actor: User, name: str | None, opens_on: date | None, closes_on: date | None):
    """Add an intake. Refused: no name, a duplicate name, closing before opening, or dates that
    overlap another intake (the message names it)."""
    _lock_intakes()
    try:
        name, opens_on, closes_on = _check_intake(name, opens_on, closes_on, None)
    except DomainError:
        db.session.rollback()
        raise
    intake = Intake(name=name, opens_on=opens_on, closes_on=closes_on)
    db.session.add(intake)
    trail.record(
        actor, trail.INTAKE_ADDED, intake, name=name, opens_on=opens_on, closes_on=closes_on
    )
    db.session.commit()
    return intake


@retry_on_conflict
def change_intake(
    actor: User, intake: Intake, name: str | None, opens_on: date | None, closes_on: date | None
) -> bool:
    """Change an intake's name or dates (the same rules as `add_intake`). Returns whether
    anything changed."""
    _lock_intakes()
    try:
        name, opens_on, closes_on = _check_intake(name, opens_on, closes_on, intake)
    except DomainError:
        db.session.rollback()
        raise
    changes = changed_values(intake, {"name": name, "opens_on": opens_on, "closes_on": closes_on})
    if not changes:
        db.session.rollback()
        return False
    apply_changes(intake, changes)
    trail.record(
        actor, trail.INTAKE_CHANGED, intake, name=name, fields=sorted(changes), changes=changes
    )
    db.session.commit()
    return True


@retry_on_conflict
def delete_intake(actor: User, intake: Intake) -> None:
    """Delete an intake (requests already sent are not affected)."""
    trail.record(
        actor,
        trail.INTAKE_DELETED,
        intake,
        name=intake.name,
        opens_on=intake.opens_on,
        closes_on=intake.closes_on,
    )
    db.session.delete(intake)
    db.session.commit()
