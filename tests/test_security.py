"""Security rules that hold on every page: CSRF, headers, rate limits, error pages."""

import html

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import User
from tests.support import DEFAULT_PASSWORD, FormClient, csrf_token_from, sign_in

REGISTRATION = {
    "name": "Ada Reader",
    "email": "ada@example.org",
    "password": "lighthouse in the fog",
    "confirm": "lighthouse in the fog",
    "consent": "y",
}


def users() -> int:
    return db.session.scalar(select(func.count(User.id)))


def test_a_post_without_csrf_token_is_refused_and_changes_nothing(client):
    response = client.post("/auth/register", data=REGISTRATION)
    assert response.status_code == 400
    assert "Your form expired" in response.get_data(as_text=True)
    assert users() == 0


def test_a_post_with_a_forged_csrf_token_is_refused(client):
    response = client.post("/auth/register", data={**REGISTRATION, "csrf_token": "forged"})
    assert response.status_code == 400
    assert users() == 0


def test_sign_out_without_csrf_token_does_not_sign_out(signed_in):
    client, _ = signed_in()
    client.post("/auth/logout")
    assert client.get("/auth/account").status_code == 200


def test_htmx_posts_carry_the_token_in_a_header(client):
    page = client.get("/").get_data(as_text=True)
    token = csrf_token_from(page)
    assert f'"X-CSRFToken": "{token}"' in page  # hx-headers on <body>
    response = client.post(
        "/auth/register", data=REGISTRATION, headers={"X-CSRFToken": token, "HX-Request": "true"}
    )
    assert response.status_code == 302
    assert users() == 1


def test_an_htmx_request_without_token_gets_a_fragment_not_a_page(client):
    response = client.post("/auth/register", data=REGISTRATION, headers={"HX-Request": "true"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "<html" not in body
    assert "Your form expired" in body


@pytest.mark.parametrize("path", ["/", "/auth/login", "/nowhere"])
def test_security_headers_on_every_response(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    for directive in (
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "HX-Request" in headers["Vary"]
    assert "Strict-Transport-Security" not in headers  # only in production


def test_no_inline_scripts_or_styles_in_pages(client):
    page = client.get("/auth/register").get_data(as_text=True)
    assert "<script>" not in page and "<style" not in page and "style=" not in page
    assert '<script src="/static/js/htmx-2.0.11.min.js" defer></script>' in page


def test_htmx_is_configured_for_the_csp(client):
    page = html.unescape(client.get("/").get_data(as_text=True))
    assert '"includeIndicatorStyles": false' in page
    assert '"allowEval": false' in page


def test_signed_in_pages_are_not_cached_and_keep_no_htmx_history(signed_in, client):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    member_client, _ = signed_in()
    response = member_client.get("/")
    assert response.headers["Cache-Control"] == "no-store"
    page = html.unescape(response.get_data(as_text=True))
    assert 'hx-history="false"' in page
    assert '"historyCacheSize": 0' in page


def test_session_cookies_are_httponly_and_samesite(signed_in, app):
    client, _ = signed_in()
    cookie = client.get_cookie("session")
    assert cookie.http_only
    assert cookie.same_site == "Lax"


def test_sign_in_is_rate_limited_per_account(app, make_member):
    make_member(email="target@example.org")
    attempts = int(app.config["LOGIN_LIMIT_PER_ACCOUNT"].split()[0])
    # Different clients (addresses) guessing one account's password.
    for number in range(attempts):
        forms = FormClient(app.test_client())
        response = forms.post(
            "/auth/login",
            {"email": "target@example.org", "password": f"guess {number}"},
            environ_base={"REMOTE_ADDR": f"10.0.0.{number + 1}"},
        )
        assert response.status_code == 200
    forms = FormClient(app.test_client())
    blocked = forms.post(
        "/auth/login",
        {"email": "TARGET@example.org", "password": DEFAULT_PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.1.1"},
    )
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.get_data(as_text=True)
    # Another account from a fresh address is not affected.
    make_member(email="other@example.org")
    sign_in(app.test_client(), "other@example.org")


def test_sign_in_is_rate_limited_per_address(app):
    attempts = int(app.config["LOGIN_LIMIT_PER_IP"].split()[0])
    forms = FormClient(app.test_client())
    statuses = [
        forms.post("/auth/login", {"email": f"user{n}@example.org", "password": "x"}).status_code
        for n in range(attempts + 1)
    ]
    assert statuses[:attempts] == [200] * attempts
    assert statuses[attempts] == 429


def test_password_reset_is_rate_limited_per_account(app, make_member):
    make_member(email="target@example.org")
    attempts = int(app.config["RESET_LIMIT_PER_ACCOUNT"].split()[0])
    forms = FormClient(app.test_client())
    for _ in range(attempts):
        assert forms.post("/auth/reset", {"email": "target@example.org"}).status_code == 302
    assert forms.post("/auth/reset", {"email": "target@example.org"}).status_code == 429


def test_friendly_404_and_405_pages(client):
    missing = client.get("/no/such/page")
    assert missing.status_code == 404
    assert "Page not found" in missing.get_data(as_text=True)
    wrong_method = client.get("/auth/logout")
    assert wrong_method.status_code == 405
    assert "POST" in wrong_method.headers["Allow"]
    assert "That doesn't work here" in html.unescape(wrong_method.get_data(as_text=True))


def test_an_unexpected_error_gives_a_friendly_500(app, client):
    @app.route("/boom")
    def boom():
        raise RuntimeError("kaput")

    response = client.get("/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong on our side" in page
    assert "kaput" not in page


def test_oversized_requests_are_refused(client):
    response = client.post("/auth/register", data={"name": "x" * (5 * 1024 * 1024)})
    assert response.status_code == 413


def test_get_never_changes_state(client, app):
    for path in ("/auth/logout", "/auth/resend-verification"):
        assert client.get(path).status_code == 405


def test_e_mail_link_pages_are_never_cached_nor_sent_on(app, client, make_member):
    from app.tokens import fingerprint, make_token

    user = make_member(verified=False)
    verify = "/auth/verify/" + make_token("verify-email", {"u": user.id, "e": user.email})
    reset = "/auth/reset/" + make_token(
        "reset-password", {"u": user.id, "p": fingerprint(user.password_hash)}
    )
    for path in (verify, reset, "/auth/verify/not-a-token", "/auth/reset/not-a-token"):
        for method in ("GET", "HEAD"):
            response = client.open(path, method=method)
            assert response.headers["Cache-Control"] == "no-store", (method, path)
            assert response.headers["Referrer-Policy"] == "no-referrer", (method, path)


def test_head_of_a_verification_link_answers_as_get_and_changes_nothing(app, client, make_member):
    from app.tokens import make_token

    user = make_member(verified=False)
    path = "/auth/verify/" + make_token("verify-email", {"u": user.id, "e": user.email})
    head = client.head(path)
    assert head.status_code == client.get(path).status_code == 200
    assert head.get_data() == b""
    db.session.refresh(user)
    assert not user.email_verified
