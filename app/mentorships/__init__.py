from flask import Blueprint

bp = Blueprint("mentorships", __name__)

from app.mentorships import closing_routes  # noqa: E402, F401, I001
from app.mentorships import routes  # noqa: E402, F401
