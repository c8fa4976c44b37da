"""Decision links: a mentor opens /respond/<token> from the request e-mail, sees the request and
accepts or declines it with a POST from that page, without signing in (the signed token is
their authority). GET and HEAD change nothing."""

from flask import Blueprint

bp = Blueprint("respond", __name__)


@bp.record_once
def _redact_tokens_in_logs(state) -> None:
    from app.respond.redaction import install

    install()


from app.respond import routes  # noqa: E402, F401
