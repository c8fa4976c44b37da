"""Mentorship requests: a mentee asks a mentor (/mentors/<id>/request); both follow them on
/requests, where the mentee withdraws and the mentor accepts or declines."""

from flask import Blueprint

bp = Blueprint("requests", __name__)

from app.requests import routes  # noqa: E402, F401
