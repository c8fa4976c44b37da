"""Numbers and words in addresses (query strings and `<int:...>` path parts), which people type
and edit by hand: read without ever answering with an error page (a number too large for the
database, or a NUL in a text, would otherwise be a 500)."""

from werkzeug.routing import IntegerConverter

from app.text import without_control_characters

MAX_DATABASE_ID = 2**31 - 1  # the largest INTEGER on PostgreSQL
MAX_PAGE = 100_000  # beyond any list's last page
MAX_ID_DIGITS = 9


def record_id(raw: str | None) -> int | None:
    """A record's id: digits only, at most MAX_ID_DIGITS of them; anything else is None."""
    raw = (raw or "").strip()
    if raw.isascii() and raw.isdigit() and len(raw) <= MAX_ID_DIGITS:
        return int(raw)
    return None


def page_number(raw: str | None, maximum: int = MAX_PAGE) -> int:
    """A page number from 1: "abc", "-1", "1.5" or nothing give 1; an absurdly high one gives
    `maximum` (the list then shows or goes to its last page, as it does past its end)."""
    raw = (raw or "").strip()
    if not (raw.isascii() and raw.isdigit()):
        return 1
    if len(raw) > len(str(maximum)):
        return maximum
    return min(max(int(raw), 1), maximum)


def one_line(raw: str | None, max_length: int) -> str:
    """A text from a query string, to show or compare: at most `max_length` characters, on one
    line, without control characters. (A search reads its words with `text.search_text`.)"""
    return without_control_characters((raw or "")[:max_length], multiline=False).strip()


class RecordIdConverter(IntegerConverter):
    """The `int` converter of every route: a number larger than an id column holds matches no
    route (404) instead of reaching the database."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_DATABASE_ID)
        super().__init__(url_map, *args, **kwargs)
