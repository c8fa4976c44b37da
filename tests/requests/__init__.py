"""Mentorship requests (app/requests): asking, the requests page, the daily job."""
