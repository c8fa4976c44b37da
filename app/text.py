"""Text shown to and typed by members: one way to clean what they type, one way to name them,
one way to write and to read a day, one way to write a moment (in program time: stored times
are UTC, people read them as the program's clock shows them).

Everything typed from outside (form fields, query strings) passes `without_control_characters`
or `search_text` before it is used: nobody types a control character (NUL, escape, ...), they
arrive by copy and paste or from an attacker, and PostgreSQL refuses NUL in text."""

import re
from datetime import date, datetime

from flask_babel import format_date, get_locale
from flask_babel import lazy_gettext as _l

from app import clock

# What a form says when it is sent a choice it did not offer (a tampered or stale form).
NOT_OFFERED = _l("Choose from the options shown.")

# The field error for typed text that held control characters (they are taken out of what the
# form shows again, so sending it once more works).
CONTROL_CHARACTERS_MESSAGE = _l(
    "This contained an invisible control character (it can come with copied text), which "
    "can't be saved. It has been taken out: check what is shown and send the form again."
)

# Control characters (Unicode category Cc: C0, DEL and C1) but the tab and the line breaks.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAK_OR_TAB = re.compile(r"\r\n|[\r\n\t]")

# The days a typed date may name: outside them it is a typing mistake, and a day or a year
# added to it could leave the calendar (date.max is 9999-12-31).
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2100, 12, 31)
DAY_OUT_OF_RANGE = _l(
    "Enter a date from %(first)s to %(last)s.", first=EARLIEST_DAY.year, last=LATEST_DAY.year
)


def has_control_characters(value: str, multiline: bool = True) -> bool:
    """`value` holds a control character; on one line (`multiline` False) a line break or a
    tab counts as one too."""
    return bool(_CONTROL.search(value) or (not multiline and _LINE_BREAK_OR_TAB.search(value)))


def without_control_characters(value: str, multiline: bool = True) -> str:
    """`value` with its control characters taken out; on one line, line breaks and tabs become
    spaces."""
    if not multiline:
        value = _LINE_BREAK_OR_TAB.sub(" ", value)
    return _CONTROL.sub("", value)


def clean_text(value) -> str | None:
    """Trim a text and use plain newlines; an empty text is None. Control characters other
    than line breaks and tabs are taken out (forms refuse them before, with a field error)."""
    if value is None:
        return None
    value = str(value).replace("\r\n", "\n").replace("\r", "\n")
    value = without_control_characters(value).strip()
    return value or None


def search_text(raw: str | None, max_length: int) -> str:
    """Words to search for, from a query string: at most `max_length` characters, anything
    that is not printable (controls, line breaks) a space, and single spaces between words.
    A search ignores what can't be typed instead of refusing it."""
    text = "".join(ch if ch.isprintable() else " " for ch in (raw or "")[:max_length])
    return " ".join(text.split())


class DayOutOfRange(ValueError):
    """A real day, but before EARLIEST_DAY or after LATEST_DAY."""


def read_day(raw: str) -> date:
    """A day written YYYY-MM-DD, from EARLIEST_DAY to LATEST_DAY. ValueError otherwise:
    DayOutOfRange (its message is DAY_OUT_OF_RANGE) for a real day outside them."""
    day = datetime.strptime(raw, "%Y-%m-%d").date()
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise DayOutOfRange(DAY_OUT_OF_RANGE)
    return day


def display_name(user) -> str:
    """The name other members see: the profile's chosen name, else the account's name."""
    profile = user.profile
    return (profile.display_name if profile is not None else None) or user.name


def program_day(moment: date | datetime) -> date:
    """The program day of a stored (naive UTC) moment; a date as it is."""
    return clock.local_day(moment) if isinstance(moment, datetime) else moment


def initials(name: str | None) -> str:
    """Up to two capital letters for a name's badge: "Jean-Luc Côté" gives "JC"."""
    letters = [word[0] for word in (name or "").split() if word[0].isalpha()]
    if len(letters) > 2:
        letters = [letters[0], letters[-1]]
    return "".join(letters).upper()


def place(region: str | None, city: str | None) -> str | None:
    """Where a member is, once: "Barrie, Central Ontario"; "Toronto", not "Toronto, Toronto"
    (nor "Ottawa, Ottawa region"); None when neither is known."""
    region, city = (region or "").strip(), (city or "").strip()
    if city and region and region.casefold().split()[0] != city.casefold():
        return f"{city}, {region}"
    return city or region or None


def _written_day(day: date, pattern: str) -> str:
    """`day` by the CLDR `pattern`, whose day of the month is "d": French writes the first of
    the month "1er" ("1er mars"), which CLDR leaves to us."""
    if day.day == 1 and str(get_locale() or "en").startswith("fr"):
        pattern = pattern.replace("d", "d'er'", 1)
    return format_date(day, pattern)


def format_day(moment: date | datetime) -> str:
    """ "3 March" ("3 mars" in French), with the year when it is not this year ("3 March
    2025"). A moment is written as the day it falls on in program time."""
    day = program_day(moment)
    return _written_day(day, "d MMMM" if day.year == clock.today().year else "d MMMM y")


def format_long_day(moment: date | datetime) -> str:
    """ "3 March 2026" ("3 mars 2026", "1er mars 2026"): a day with its year, in the page's
    language."""
    return _written_day(program_day(moment), "d MMMM y")


def format_weekday(moment: date | datetime) -> str:
    """ "Tuesday 3 March 2026" ("mardi 3 mars 2026")."""
    return _written_day(program_day(moment), "EEEE d MMMM y")


def format_month(moment: date | datetime) -> str:
    """ "March 2026" ("mars 2026")."""
    return format_date(program_day(moment), "MMMM y")


def format_moment(moment: datetime | None, empty: str = "—") -> str:
    """A stored (naive UTC) moment in program time, as the committee's pages and exports write
    it: "2026-03-03 23:30 EST" (the zone's abbreviation says which clock). `empty` for None."""
    if moment is None:
        return empty
    local = clock.local_time(moment)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"
