"""The texts the committee writes for the site, in Markdown: checking them before they are
saved, and rendering them as HTML that is safe to show."""

import re

import markdown as markdown_lib
import nh3
from markupsafe import Markup

from app.errors_domain import DomainError
from app.program import get_settings

TEXTS = {
    "program_description": "Program description",
    "mentor_guidelines": "Mentor guidelines",
    "mentee_guidelines": "Mentee guidelines",
}
TEXT_MAX = 20_000
ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "a", "h2", "h3", "h4", "blockquote", "br"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# What the committee is told to remove, rather than having it silently dropped.
_UNSAFE = [
    (re.compile(r"<\s*/?\s*script\b", re.IGNORECASE), "a <script> element"),
    (re.compile(r"<\s*/?\s*(iframe|frame|object|embed)\b", re.IGNORECASE), "an embedded frame"),
    (re.compile(r"<\s*/?\s*style\b", re.IGNORECASE), "a <style> element"),
    (re.compile(r"\bon[a-z]+\s*=", re.IGNORECASE), "an event attribute such as onerror="),
    (re.compile(r"(java|vb)script\s*:", re.IGNORECASE), "a javascript: link"),
    (re.compile(r"\bdata\s*:\s*text/html", re.IGNORECASE), "a data: link"),
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
            return what
    return None


def check_text(name: str, text: str | None) -> str | None:
    """A text as it will be saved (trimmed; None when empty), or a DomainError for its field."""
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > TEXT_MAX:
        raise DomainError(
            f"Use at most {TEXT_MAX:,} characters (this text has {len(text):,}).", field=name
        )
    what = unsafe_markup(text)
    if what is not None:
        raise DomainError(
            f"This text contains {what}, which can't be shown on the site. Remove it: use "
            "Markdown for lists, emphasis, headings and links (http, https or mailto only).",
            field=name,
        )
    return text or None


def guideline_html(name: str) -> Markup:
    """One of the TEXTS, rendered for a page (empty when the committee has not written it)."""
    if name not in TEXTS:
        raise ValueError(f"Unknown text {name!r}")
    return render_markdown(getattr(get_settings(), name))
