"""All models, imported here so that Alembic and the app see every table."""

from app.models.accounts import LoginSession, User
from app.models.outbox import OutboxEmail
from app.models.profiles import (
    ContactMethod,
    ExpertiseArea,
    Language,
    Objective,
    Profile,
    Region,
    RoleAgreement,
    Sector,
)
from app.models.program import ProgramSettings

__all__ = [
    "ContactMethod",
    "ExpertiseArea",
    "Language",
    "LoginSession",
    "Objective",
    "OutboxEmail",
    "Profile",
    "ProgramSettings",
    "Region",
    "RoleAgreement",
    "Sector",
    "User",
]
