"""gunicorn's settings for Mentor Match: `gunicorn --config deploy/gunicorn.conf.py wsgi:app`.

Used by mentor-match-web.service and by the cluster run; options on the command line win over
these. The reverse proxy in front terminates TLS and sets X-Forwarded-For (PROXY_FIX_X_FOR=1).
"""

import os

from gunicorn.http import wsgi as _gunicorn_wsgi

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: one request at a time each. Two per core is a good start.
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
timeout = 30
graceful_timeout = 30
# A worker is replaced after this many requests, so a slow leak never grows for long.
max_requests = 5000
max_requests_jitter = 500
# No access log: the app logs what matters (and redacts the tokens in e-mail links).
accesslog = None
errorlog = "-"
# No control socket (gunicornc): systemd manages the process, and two instances on one machine
# would share the default socket's path.
control_socket_disable = True


def _without_server_header(default_headers):
    def headers(response):
        return [line for line in default_headers(response) if not line.startswith("Server:")]

    return headers


# gunicorn names itself in a Server header on every answer; it tells an attacker what to try
# and nobody else anything. gunicorn has no setting for it: its response's default headers
# are wrapped to leave that one out (tests/test_rate_limits.py checks it on a running server).
_gunicorn_wsgi.Response.default_headers = _without_server_header(
    _gunicorn_wsgi.Response.default_headers
)
