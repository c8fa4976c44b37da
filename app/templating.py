"""What every template can use."""

import json
import re

from flask_login import current_user
from markupsafe import Markup, escape

from app import clock
from app.forms import DATE_HINT
from app.htmx import is_htmx
from app.program import get_settings, program_contact_email, support_contact_email
from app.text import display_name, format_day, format_moment, initials, place, program_day

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
    """A whole number with thousands separators (12,345); anything else as it is."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return value


def register(app) -> None:
    app.jinja_env.filters["linkify"] = linkify
    app.jinja_env.filters["number"] = number
    app.jinja_env.filters["initials"] = initials
    app.jinja_env.globals.update(
        display_name=display_name,
        format_day=format_day,
        format_moment=format_moment,
        program_day=program_day,
        answer_by_day=clock.last_day_before,
        place=place,
        date_hint=DATE_HINT,
    )

    @app.context_processor
    def inject_globals():
        return {
            "program": get_settings(),
            "program_contact_email": program_contact_email(),
            "support_contact_email": support_contact_email(),
            "htmx_version": HTMX_VERSION,
            "htmx_config": htmx_config,
            "is_htmx": is_htmx(),
        }
