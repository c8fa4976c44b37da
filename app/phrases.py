"""Sentences that pure code (matching, eligibility, a pause's rules) writes for people, and
their translation into the page's language where they are shown.

Pure modules don't ask Flask-Babel which language a page is in, so they give a `Phrase`: a
str holding the English sentence (stored, compared, joined, written to JSON, CSV or the
database as any str is), that also keeps the message id it came from (marked with `N_`, so
`make translations` finds it) and the values that fill it. Where it is shown it is
translated, as a lazy string is:

- a template translates it by itself: `{{ phrase }}` (HTML asks the object for its HTML, a
  text template for its `str()`; both give the translation);
- Python code turns it into text with `str(phrase)`, an f-string, `%`, or `translated(x)`
  (which leaves any other value as it is): a flash, a CSV cell, a DomainError's message. A
  CSV writer or `"".join` would take the English: translate first.

Values may be other Phrases (translated first), whole numbers (written with the language's
thousands separator), days ("3 March 2026", "3 mars 2026") or plain text (names, typed by
members: never translated). A plural Phrase (`ngettext`) counts with its `num` value.
"""

from collections.abc import Iterable
from datetime import date

from markupsafe import escape


def N_(text: str) -> str:
    """Marks `text` as a message to translate where it is shown (gettext_noop)."""
    return text


def _english(value):
    if isinstance(value, Phrase):
        return str.__str__(value)  # its English, not its translation
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"  # as Babel writes a long day in English
    return value


def _local(value):
    """A value as the page's language writes it."""
    if isinstance(value, Phrase):
        return value.translated()
    if isinstance(value, int) and not isinstance(value, bool):
        from flask_babel import format_decimal, get_locale

        return format_decimal(value) if get_locale() is not None else f"{value:,}"
    if isinstance(value, date):
        from app.text import format_long_day

        return format_long_day(value)
    return value


class Phrase(str):
    """An English sentence (the str itself) that knows how to translate itself: its message
    id, its plural's (counted by `num`), and the values that fill them."""

    msgid: str | None
    plural: str | None
    params: dict
    separator: str
    items: tuple

    def __new__(cls, msgid: str, plural: str | None = None, /, **params):
        english = {name: _english(value) for name, value in params.items()}
        text = plural if plural is not None and params.get("num") != 1 else msgid
        phrase = super().__new__(cls, text % english if params else text)
        phrase.msgid, phrase.plural, phrase.params = msgid, plural, params
        phrase.separator, phrase.items = "", ()
        return phrase

    @classmethod
    def listing(cls, separator: str, items: Iterable) -> "Phrase":
        """`items` (Phrases or plain text) one after the other, with `separator` (plain text,
        or a Phrase when words join them: "; nor ") between: "Public libraries; Academic
        libraries". Each item is translated on its own."""
        items = tuple(items)
        phrase = str.__new__(cls, str.join(separator, items))
        phrase.msgid, phrase.plural, phrase.params = None, None, {}
        phrase.separator, phrase.items = separator, items
        return phrase

    def translated(self) -> str:
        """The sentence in the current language (English outside the application)."""
        from flask import has_app_context  # when shown: this module stays pure
        from flask_babel import get_translations

        if not has_app_context():  # the command line, a log: English
            return str.__str__(self)
        if self.msgid is None:
            return str.join(str(_local(self.separator)), (str(_local(i)) for i in self.items))
        translations = get_translations()
        values = {name: _local(value) for name, value in self.params.items()}
        if self.plural is not None:
            # The count chooses the form; `num` is shown as the language writes numbers.
            text = translations.ungettext(self.msgid, self.plural, self.params["num"])
        else:
            text = translations.ugettext(self.msgid)
        return text % values if values else text

    def __str__(self) -> str:
        """The translation, as a lazy string gives it: `str()`, f-strings, `%` and Jinja
        show it in the current language (joining, comparing, storing use the English)."""
        return self.translated()

    def __html__(self) -> str:
        return str(escape(self.translated()))


def ngettext(singular: str, plural: str, num: int, **params) -> Phrase:
    """A Phrase that counts `num` ("1 mentor", "3 mentors"). Named as gettext's plural
    function, so that `make translations` gathers both forms as one message."""
    return Phrase(singular, plural, num=num, **params)


def translated(text):
    """`text` in the current language if it is a Phrase; any other value as it is."""
    return text.translated() if isinstance(text, Phrase) else text
