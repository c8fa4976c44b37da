"""The committee's pages in the reader's language, for what the pure modules hand them.

The roster's reading and the matching run without Flask: they return a message as a msgid
marked with `N_` and its parameters (`app.committee.messages`), or keep it so in the database
as a two-item JSON list. `translated` turns one into the reader's language; the templates use
it as the `translated` filter. It is the one place that knows a message's shape.
"""

from flask_babel import gettext


def _is_message(value) -> bool:
    return (
        isinstance(value, list | tuple)
        and len(value) == 2
        and isinstance(value[0], str)
        and isinstance(value[1], dict)
    )


def translated(message) -> str:
    """`message` in the reader's language. A (msgid, params) pair, or its JSON list, whose
    params may be messages too; anything else (a name, text kept by an older version, a lazy
    string) is shown as it is; None is empty."""
    if message is None:
        return ""
    if not _is_message(message):
        return str(message)
    msgid, params = message
    values = {name: translated(v) if _is_message(v) else v for name, v in params.items()}
    return gettext(msgid, **values)
