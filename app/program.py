"""Reading the program settings (the row is created on first use) and its intakes."""

from datetime import date
from zoneinfo import ZoneInfo

from flask import current_app, g, has_app_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import Intake, ProgramSettings
from app.text import format_long_day

PAUSED_MESSAGE = _l("The online program is paused: new requests are not being taken for now.")
CLOSED_MESSAGE = _l("The program is closed: new requests are not being taken.")


def get_settings() -> ProgramSettings:
    """The program settings, loaded once per request."""
    if "program_settings" not in g:
        settings = db.session.scalar(select(ProgramSettings).order_by(ProgramSettings.id).limit(1))
        if settings is None:
            settings = ProgramSettings(status=ProgramSettings.OPEN)
            db.session.add(settings)
            db.session.commit()
        g.program_settings = settings
    return g.program_settings


def loaded_settings() -> ProgramSettings | None:
    """The program settings, read once per request (or application context): those that
    `get_settings` loaded, or loaded here by the same one query; None while the row does not
    exist. Never creates the row, as `get_settings` does: it may be asked in the middle of
    another operation's transaction (an e-mail being written, a time being shown), which a
    commit here would end. Read its attributes inside `db.session.no_autoflush` too: a
    refresh after a commit must not flush the caller's unfinished objects."""
    # No autoflush (loading the row, or refreshing it after a commit): the caller may hold
    # objects it has not finished building.
    with db.session.no_autoflush:
        if "program_settings" not in g and "program_settings_missing" not in g:
            settings = db.session.scalar(
                select(ProgramSettings).order_by(ProgramSettings.id).limit(1)
            )
            if settings is not None:
                g.program_settings = settings
            else:
                g.program_settings_missing = True
        return g.get("program_settings")


def time_zone_name() -> str:
    """The IANA name of the program's time zone: the committee's choice, else
    PROGRAM_TIME_ZONE (read from `loaded_settings`, so never creating the settings row)."""
    with db.session.no_autoflush:
        settings = loaded_settings()
        name = settings.time_zone if settings is not None else None
    return name or current_app.config["PROGRAM_TIME_ZONE"]


def program_text(name: str) -> str | None:
    """One of the committee's texts (`ProgramSettings.BILINGUAL_TEXTS`) in the language of the
    page or e-mail being written, else in the other; None when it is not written. Safe in the
    middle of another operation (see `loaded_settings`)."""
    return program_text_and_language(name)[0]


def program_text_and_language(name: str) -> tuple[str | None, str | None]:
    """`program_text(name)` and the language it is written in ("en", "fr"; None without the
    settings row)."""
    with db.session.no_autoflush:
        settings = loaded_settings()
        return settings.text_and_language(name) if settings is not None else (None, None)


def time_zone() -> ZoneInfo:
    """The program's time zone (`clock.program_zone()` reads it here); outside an application,
    clock.DEFAULT_TIME_ZONE. A name the zone database no longer knows falls back to
    PROGRAM_TIME_ZONE rather than breaking every page."""
    if not has_app_context():
        return ZoneInfo(clock.DEFAULT_TIME_ZONE)
    name = time_zone_name()
    if not clock.is_time_zone_name(name):
        name = current_app.config["PROGRAM_TIME_ZONE"]
    return ZoneInfo(name)


def program_contact_email() -> str:
    return get_settings().program_contact_email or current_app.config["PROGRAM_CONTACT_EMAIL"]


def support_contact_email() -> str:
    return get_settings().support_contact_email or current_app.config["SUPPORT_CONTACT_EMAIL"]


def open_intake(today: date) -> Intake | None:
    """The intake open on `today` (intakes don't overlap, so there is at most one)."""
    return db.session.scalar(
        select(Intake)
        .where(Intake.opens_on <= today, Intake.closes_on >= today)
        .order_by(Intake.opens_on)
        .limit(1)
    )


def next_intake(today: date) -> Intake | None:
    """The first intake that opens after `today`, if one is planned."""
    return db.session.scalar(
        select(Intake).where(Intake.opens_on > today).order_by(Intake.opens_on).limit(1)
    )


def requests_blocked_reason(today: date) -> str | None:
    """Why new mentorship requests are not taken on `today`, for the member; None: they are.

    In this order: the program is paused or closed (the committee's notice, or a standard
    sentence); or the committee takes requests only during an intake and none is open today
    (naming the next one when it is planned). Active mentorships are never affected.
    """
    settings = get_settings()
    if settings.status == ProgramSettings.PAUSED:
        return settings.text("notice") or str(PAUSED_MESSAGE)
    if settings.status != ProgramSettings.OPEN:
        return settings.text("notice") or str(CLOSED_MESSAGE)
    if not settings.requests_only_during_intake or open_intake(today) is not None:
        return None
    upcoming = next_intake(today)
    if upcoming is not None:
        return _(
            "New requests are taken only during an intake. The next one, %(name)s, opens on "
            "%(day)s.",
            name=upcoming.name,
            day=format_long_day(upcoming.opens_on),
        )
    return _(
        "New requests are taken only during an intake, and none is open now. "
        "Watch for the next one."
    )
