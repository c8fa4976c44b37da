from flask import Blueprint

bp = Blueprint("committee", __name__)

from app.committee import routes  # noqa: E402, F401
