"""The committee's one blueprint, `bp`: every committee view is added to it.

Access is decided once, by `app.committee.access.guard`, which runs before each of its views:
404 to everyone but the committee, then the CSRF check. A new committee route is protected
without doing anything. Its templates translate the messages of the pure modules with the
`translated` filter (`app.committee.translate`).
"""

from flask import Blueprint

from app.committee.access import guard
from app.committee.translate import translated
from app.extensions import csrf

bp = Blueprint("committee", __name__)
csrf.exempt(bp)  # `guard` runs the CSRF check itself, after the access check
bp.before_request(guard)
bp.add_app_template_filter(translated, "translated")
