"""The mentorship area's blueprint, and who may open a mentorship: its mentor and mentee only.

Its views are in `routes` (the mentorship page, agreement, check-ins, goals) and
`closing_routes` (completing, ending, extending, feedback, the participation record).
"""

from flask import Blueprint, abort
from flask_login import current_user

from app.mentorships import services
from app.models import Mentorship

bp = Blueprint("mentorships", __name__)


def mentorship_for_participant(mentorship_id: int) -> Mentorship:
    """The mentorship, for its mentor and mentee only; everyone else (the committee too): 404."""
    mentorship = services.find_for_participant(mentorship_id, current_user)
    if mentorship is None:
        abort(404)
    return mentorship
