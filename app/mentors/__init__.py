from flask import Blueprint

bp = Blueprint("mentors", __name__)

from app.mentors import routes  # noqa: E402, F401
