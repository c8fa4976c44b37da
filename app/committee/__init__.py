"""The committee's pages: members and their memberships, the roster import.

Access: see `app.committee.access` (404 to everyone but the committee, on every route).
"""

from flask import Blueprint

from app.committee.access import guard
from app.extensions import csrf

bp = Blueprint("committee", __name__)
csrf.exempt(bp)  # `guard` runs the CSRF check itself, after the access check
bp.before_request(guard)

import app.committee.attention_routes  # noqa: E402, F401
import app.committee.dashboard_routes  # noqa: E402, F401
import app.committee.feedback_routes  # noqa: E402, F401
import app.committee.settings_routes  # noqa: E402, F401
from app.committee import routes  # noqa: E402, F401
