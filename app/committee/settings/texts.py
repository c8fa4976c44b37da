"""The texts the committee writes for the site, in Markdown: checking them before they are
saved, and rendering them as HTML that is safe to show."""

import re

import markdown as markdown_lib
import nh3
from flask_babel import format_number, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.errors_domain import DomainError
from app.program import program_text_and_language

# Each text has an English version (the field of its name) and a French one (`<name>_fr`).
TEXTS = {
    "program_description": _l("Program description"),
    "mentor_guidelines": _l("Mentor guidelines"),
    "mentee_guidelines": _l("Mentee guidelines"),
    "introduction_note": _l("Note in the introduction e-mails"),
}
FRENCH = "_fr"
TEXT_MAX = 20_000
ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "a", "h2", "h3", "h4", "blockquote", "br"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# What the committee is told to remove, rather than having it silently dropped.
_UNSAFE = [
    (re.compile(r"<\s*/?\s*script\b", re.IGNORECASE), _l("a <script> element")),
    (re.compile(r"<\s*/?\s*(iframe|frame|object|embed)\b", re.IGNORECASE), _l("an embedded frame")),
    (re.compile(r"<\s*/?\s*style\b", re.IGNORECASE), _l("a <style> element")),
    (re.compile(r"\bon[a-z]+\s*=", re.IGNORECASE), _l("an event attribute such as onerror=")),
    (re.compile(r"(java|vb)script\s*:", re.IGNORECASE), _l("a javascript: link")),
    (re.compile(r"\bdata\s*:\s*text/html", re.IGNORECASE), _l("a data: link")),
]
_HEADING = re.compile(r"<(/?)h([1-6])>")


def _shift_heading(match: re.Match) -> str:
    """Headings in the texts are h2 to h4: the page has its own h1."""
    level = min(max(int(match.group(2)), 2), 4)
    return f"<{match.group(1)}h{level}>"


def render_markdown(text: str | None) -> Markup:
    """`text` (Markdown) as HTML that is safe to show: only ALLOWED_TAGS, links with http(s) or
    mailto addresses, no scripts, frames, styles or event attributes (nh3 removes them)."""
    if not (text or "").strip():
        return Markup("")
    html = markdown_lib.markdown(text, output_format="html")
    html = _HEADING.sub(_shift_heading, html)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return Markup(cleaned)  # sanitised by nh3 just above


def unsafe_markup(text: str | None) -> str | None:
    """What in `text` would be removed as unsafe (for a message), or None."""
    for pattern, what in _UNSAFE:
        if pattern.search(text or ""):
            return str(what)
    return None


def is_french(field: str) -> bool:
    """Whether `field` is the French version of a text."""
    return field.endswith(FRENCH)


def _too_long(field: str, length: int) -> str:
    values = {"max": format_number(TEXT_MAX), "num": format_number(length)}
    if is_french(field):
        return _(
            "The French version is too long: use at most %(max)s characters (it has %(num)s).",
            **values,
        )
    return _(
        "The English version is too long: use at most %(max)s characters (it has %(num)s).",
        **values,
    )


def unsafe_message(field: str, what: str) -> str:
    """The message refusing unsafe markup in one version of a text: it says which version."""
    if is_french(field):
        return _(
            "The French version contains %(what)s, which can't be shown on the site. Remove it: "
            "use Markdown for lists, emphasis, headings and links (http, https or mailto only).",
            what=what,
        )
    return _(
        "The English version contains %(what)s, which can't be shown on the site. Remove it: "
        "use Markdown for lists, emphasis, headings and links (http, https or mailto only).",
        what=what,
    )


def check_text(field: str, text: str | None) -> str | None:
    """A version of a text as it will be saved (trimmed; None when empty), or a DomainError
    for its field (`field` is the text's name, `_fr` ending the French version's) that says
    which version is refused."""
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > TEXT_MAX:
        raise DomainError(_too_long(field, len(text)), field=field)
    what = unsafe_markup(text)
    if what is not None:
        raise DomainError(unsafe_message(field, what), field=field)
    return text or None


def guideline_html(name: str) -> Markup:
    """One of the TEXTS, rendered for a page or an e-mail in its reader's language, else in
    the other, then wrapped in a `<div lang>` naming that other language so that screen
    readers read it aloud in it (empty when the committee has written neither)."""
    if name not in TEXTS:
        raise ValueError(f"Unknown text {name!r}")
    text, language = program_text_and_language(name)
    html = render_markdown(text)
    current = get_locale()
    if html and language and language != (current.language if current else "en"):
        return Markup('<div lang="{}">{}</div>').format(language, html)
    return html
