"""Reading the program settings (the row is created on first use)."""

from flask import current_app, g
from sqlalchemy import select

from app.extensions import db
from app.models import ProgramSettings


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


def program_contact_email() -> str:
    return get_settings().program_contact_email or current_app.config["PROGRAM_CONTACT_EMAIL"]


def support_contact_email() -> str:
    return get_settings().support_contact_email or current_app.config["SUPPORT_CONTACT_EMAIL"]
