"""The committee's pages: members and their memberships, the roster import.

Access: see `app.committee.access` (404 to everyone but the committee, on every route).
"""

import app.committee.admin.routes  # noqa: F401
import app.committee.audit.routes  # noqa: F401
import app.committee.dashboard.routes  # noqa: F401
import app.committee.exports.routes  # noqa: F401
import app.committee.feedback.routes  # noqa: F401
import app.committee.members.routes  # noqa: F401
import app.committee.roster.routes  # noqa: F401
import app.committee.settings.routes  # noqa: F401
from app.committee.blueprint import bp as bp
