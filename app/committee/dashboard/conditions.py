"""SQL pieces the dashboard's figures and attention lists share: a mentor who takes requests, a
mentorship's last contact. (Who may take part is decided by `app.eligibility`.)"""

from datetime import date

from sqlalchemy import func, select

from app.agreements import AGREEMENT_VERSIONS
from app.eligibility.sql import listed_mentor_conditions, taking_requests
from app.models import CheckIn, Mentorship
from app.models.profiles import MENTOR

# An active mentorship is overdue for a check-in after this many days without one (or since its
# start): one threshold for the dashboard's figure and its attention list, so that they agree.
CHECK_IN_OVERDUE_DAYS = 45


def last_check_in_or_start():
    """SQL: the outer query's Mentorship's latest check-in date, or its start without one."""
    latest = (
        select(func.max(CheckIn.met_on))
        .where(CheckIn.mentorship_id == Mentorship.id)
        .scalar_subquery()
    )
    return func.coalesce(latest, Mentorship.started_on)


def eligible_mentor_conditions(today: date) -> list:
    """SQL conditions (User joined with Profile): a mentor listed in the directory who accepts
    requests (and is not away)."""
    return [
        *listed_mentor_conditions(today, AGREEMENT_VERSIONS[MENTOR]),
        *taking_requests(today),
    ]
