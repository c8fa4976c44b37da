"""A mentor's pause ("away until <date>"): the rules of the return day and the note.

Pure logic: no Flask, no database session (the messages are Phrases, `app.phrases`: shown
in the page's language). The pause itself is on the profile
(`Profile.away_until`, `away_on`, `takes_requests_on`); the operations that start and end it
are in `app.profiles.availability`; the directory asks `app.eligibility.sql.taking_requests`.
"""

from datetime import date, timedelta

from app.phrases import N_, Phrase

# A pause longer than a year is a goodbye: the member can pause again when they are back.
AWAY_MAX_DAYS = 365
AWAY_NOTE_MAX = 500
RETURN_DAY_EXAMPLE = Phrase(N_("For example, 2027-03-31."))


def latest_return_day(today: date) -> date:
    return today + timedelta(days=AWAY_MAX_DAYS)


def return_day_problem(until: date | None, today: date) -> Phrase | None:
    """What is wrong with `until` as the day a mentor is back (None: nothing). The first day
    they are away is today, so the return day is tomorrow at the earliest."""
    if until is None:
        return Phrase(N_("Enter the day you will be back. %(example)s"), example=RETURN_DAY_EXAMPLE)
    if until <= today:
        return Phrase(
            N_("The day you are back must be after today (%(today)s). %(example)s"),
            today=today.isoformat(),
            example=RETURN_DAY_EXAMPLE,
        )
    latest = latest_return_day(today)
    if until > latest:
        return Phrase(
            N_(
                "Choose a day within a year, %(latest)s at the latest. You can pause again "
                "when you are back."
            ),
            latest=latest.isoformat(),
        )
    return None


def note_problem(note: str | None) -> Phrase | None:
    if note and len(note) > AWAY_NOTE_MAX:
        return Phrase(
            N_("Use at most %(most)s characters (you wrote %(wrote)s)."),
            most=AWAY_NOTE_MAX,
            wrote=len(note),
        )
    return None
