"""Sentences the committee's pure modules (the roster's reading, the matching) hand to its
pages untranslated, and the no-op `N_` that marks a msgid kept in a table to translate later.

No Flask here: a pure module imports it. A message is a pair `(msgid, params)`: the msgid
marked with `N_` (so that `make translations` finds it) and the values of its `%(name)s`
placeholders. The page translates it in the reader's language (`app.committee.translate`,
the templates' `translated` filter); a message kept with an upload (the rows that could not
be read) is stored the same way, as a two-item JSON list, so it is translated when it is
shown, not when the file was read.
"""

from app.phrases import N_  # noqa: F401  (the marker the committee's pure modules import)

Message = tuple[str, dict]


def message(msgid: str, **params) -> Message:
    return (msgid, params)


def english(value: Message | list | str) -> str:
    """The message in English, as the msgid reads with its values."""
    if isinstance(value, str):
        return value
    msgid, params = value
    return msgid % params if params else msgid
