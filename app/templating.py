"""What every template can use."""

import json
import re

from flask import request
from flask_babel import format_decimal, get_locale
from flask_login import current_user
from markupsafe import Markup, escape

from app import clock, i18n
from app.forms import DATE_HINT
from app.htmx import is_htmx
from app.program import get_settings, program_contact_email, support_contact_email
from app.text import (
    display_name,
    format_day,
    format_long_day,
    format_moment,
    format_month,
    format_weekday,
    initials,
    place,
    program_day,
)

HTMX_VERSION = "2.0.11"


def htmx_config() -> str:
    config = {
        "includeIndicatorStyles": False,  # htmx would add an inline <style> the CSP refuses
        "allowEval": False,
        "allowScriptTags": False,
        "selfRequestsOnly": True,
        "refreshOnHistoryMiss": True,
        # Signed-in pages hold private data: keep no copies in the browser's storage.
        "historyCacheSize": 0 if current_user.is_authenticated else 10,
    }
    return json.dumps(config)


_URL = re.compile(r"https?://[^\s<>\"']+")


def linkify(text: str) -> Markup:
    """Escape `text` and make its web addresses clickable."""
    escaped = str(escape(text))
    return Markup(_URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped))


def number(value):
    """A whole number with the page language's thousands separators (12,345 or 12 345);
    anything else as it is."""
    if isinstance(value, int) and not isinstance(value, bool):
        return format_decimal(value)
    return value


def html_lang() -> str:
    """The `lang` of a page or an e-mail in the current language: "en-CA" or "fr-CA"."""
    return i18n.HTML_LANG[str(get_locale() or i18n.DEFAULT_LOCALE)]


def language_switch() -> dict:
    """What the header's language switch shows: the page's language (`lang` for <html>),
    the other languages to offer, and the page to come back to."""
    current = str(get_locale() or i18n.DEFAULT_LOCALE)
    back = request.full_path.removesuffix("?")
    return {
        "html_lang": html_lang(),
        "current": current,
        "others": [(code, name) for code, name in i18n.LANGUAGES.items() if code != current],
        "back": back,
    }


def register(app) -> None:
    app.jinja_env.filters["linkify"] = linkify
    app.jinja_env.filters["number"] = number
    app.jinja_env.filters["initials"] = initials
    app.jinja_env.globals.update(
        display_name=display_name,
        format_day=format_day,
        format_long_day=format_long_day,
        format_month=format_month,
        format_weekday=format_weekday,
        format_moment=format_moment,
        program_day=program_day,
        answer_by_day=clock.last_day_before,
        place=place,
        date_hint=DATE_HINT,
        html_lang=html_lang,
    )

    @app.context_processor
    def inject_globals():
        return {
            "program": get_settings(),
            "program_contact_email": program_contact_email(),
            "support_contact_email": support_contact_email(),
            "htmx_version": HTMX_VERSION,
            "language": language_switch(),
            "htmx_config": htmx_config,
            "is_htmx": is_htmx(),
        }
