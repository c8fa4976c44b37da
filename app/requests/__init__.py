"""Mentorship requests: a mentee asks a mentor (/mentors/<id>/request); both follow them on
/requests, where the mentee withdraws and the mentor accepts or declines."""
