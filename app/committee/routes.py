"""The committee's pages, all on one blueprint, `bp` (`app.committee.blueprint`, whose guard
answers 404 to everyone but the committee); `create_app` registers it under /committee."""

# Importing a part's routes module is what adds its views to `bp`.
import app.committee.admin.routes  # noqa: F401
import app.committee.audit.routes  # noqa: F401
import app.committee.dashboard.routes  # noqa: F401
import app.committee.exports.routes  # noqa: F401
import app.committee.feedback.routes  # noqa: F401
import app.committee.matching.routes  # noqa: F401
import app.committee.members.routes  # noqa: F401
import app.committee.roster.routes  # noqa: F401
import app.committee.settings.routes  # noqa: F401
from app.committee.blueprint import bp

__all__ = ["bp"]
