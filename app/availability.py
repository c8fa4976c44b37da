"""A mentor's pause ("away until <date>"): the rules of the return day and the note.

Pure logic: no Flask, no database session. The pause itself is on the profile
(`Profile.away_until`, `away_on`, `takes_requests_on`); the operations that start and end it
are in `app.profiles.availability`; the directory asks `app.eligibility.sql.taking_requests`.
"""

from datetime import date, timedelta

# A pause longer than a year is a goodbye: the member can pause again when they are back.
AWAY_MAX_DAYS = 365
AWAY_NOTE_MAX = 500
RETURN_DAY_EXAMPLE = "For example, 2027-03-31."


def latest_return_day(today: date) -> date:
    return today + timedelta(days=AWAY_MAX_DAYS)


def return_day_problem(until: date | None, today: date) -> str | None:
    """What is wrong with `until` as the day a mentor is back (None: nothing). The first day
    they are away is today, so the return day is tomorrow at the earliest."""
    if until is None:
        return f"Enter the day you will be back. {RETURN_DAY_EXAMPLE}"
    if until <= today:
        return (
            f"The day you are back must be after today ({today.isoformat()}). {RETURN_DAY_EXAMPLE}"
        )
    latest = latest_return_day(today)
    if until > latest:
        return (
            f"Choose a day within a year, {latest.isoformat()} at the latest. You can pause "
            "again when you are back."
        )
    return None


def note_problem(note: str | None) -> str | None:
    if note and len(note) > AWAY_NOTE_MAX:
        return f"Use at most {AWAY_NOTE_MAX:,} characters (you wrote {len(note):,})."
    return None
