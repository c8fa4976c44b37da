"""Text shown to and typed by members: one way to clean what they type, one way to name them,
one way to write a day."""

from datetime import date, datetime

from app import clock

# What a form says when it is sent a choice it did not offer (a tampered or stale form).
NOT_OFFERED = "Choose from the options shown."


def clean_text(value) -> str | None:
    """Trim a text and use plain newlines; an empty text is None."""
    if value is None:
        return None
    value = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    return value or None


def display_name(user) -> str:
    """The name other members see: the profile's chosen name, else the account's name."""
    profile = user.profile
    return (profile.display_name if profile is not None else None) or user.name


def format_day(moment: date | datetime) -> str:
    """ "3 March", with the year when it is not this year ("3 March 2025")."""
    day = moment.date() if isinstance(moment, datetime) else moment
    text = f"{day.day} {day:%B}"
    return text if day.year == clock.today().year else f"{text} {day.year}"
