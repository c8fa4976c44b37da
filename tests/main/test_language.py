"""The portal's language: chosen with the header's switch (kept on the member's account and in
a cookie for visitors), else the browser's Accept-Language, else English; `<html lang>` says
which; e-mail goes out in its recipient's language."""

import re

from flask_babel import get_locale, lazy_gettext

from app.email import enqueue
from app.extensions import db
from app.i18n import COOKIE_NAME
from tests.support import csrf_token_from, sign_in


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True)).group(1)


def switch(client, lang: str, next_page: str = "/"):
    page = client.get(next_page).get_data(as_text=True)
    return client.post(
        "/language", data={"csrf_token": csrf_token_from(page), "lang": lang, "next": next_page}
    )


def test_english_is_the_default_and_the_switch_offers_french_in_french(client):
    response = client.get("/")
    assert html_lang(response) == "en-CA"
    page = response.get_data(as_text=True)
    assert '<button type="submit" name="lang" value="fr" lang="fr"' in page
    assert ">Find a mentor<" not in page  # a visitor's menu
    assert ">Sign in<" in page


def test_the_browser_language_chooses_french(client):
    response = client.get("/", headers={"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"})
    assert html_lang(response) == "fr-CA"
    page = response.get_data(as_text=True)
    assert ">Se connecter<" in page
    assert 'value="en" lang="en"' in page


def test_a_visitor_switches_to_french_and_the_cookie_keeps_it(client):
    response = switch(client, "fr", "/privacy?x=1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/privacy?x=1"
    cookie = client.get_cookie(COOKIE_NAME)
    assert cookie.value == "fr" and cookie.http_only
    page = client.get("/privacy", headers={"Accept-Language": "en"})
    assert html_lang(page) == "fr-CA"  # the choice wins over the browser's language
    assert "La langue a été changée." in page.get_data(as_text=True)


def test_a_member_choice_is_kept_on_the_account(app, signed_in):
    client, user = signed_in()
    switch(client, "fr")
    db.session.refresh(user)
    assert user.locale == "fr"
    other_browser = app.test_client()
    sign_in(other_browser, user.email)
    assert html_lang(other_browser.get("/", headers={"Accept-Language": "en"})) == "fr-CA"


def test_the_switch_refuses_an_unknown_language_and_a_foreign_next_page(client):
    response = switch(client, "de")
    assert response.status_code == 302
    assert client.get_cookie(COOKIE_NAME) is None
    assert "Choose English or French." in client.get("/").get_data(as_text=True)
    page = client.get("/").get_data(as_text=True)
    response = client.post(
        "/language",
        data={"csrf_token": csrf_token_from(page), "lang": "fr", "next": "https://evil.example/"},
    )
    assert response.headers["Location"] == "/"


def test_the_switch_needs_the_csrf_token(client):
    response = client.post("/language", data={"lang": "fr", "next": "/"})
    assert response.status_code == 400
    assert client.get_cookie(COOKIE_NAME) is None


def test_a_get_does_not_change_the_language(client):
    assert client.get("/language?lang=fr").status_code == 405


def test_email_is_written_in_the_recipients_language_not_the_senders(app, make_member):
    french = make_member(email="francine@example.org")
    french.locale = "fr"
    db.session.commit()
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert str(get_locale()) == "en"  # the sender's page is in English
        message = enqueue(
            french.email, "password_changed", lazy_gettext("Language changed."), user=french
        )
        db.session.commit()
    assert message.subject == "La langue a été changée."


FRENCH = {"Accept-Language": "fr-CA,fr;q=0.9"}


def test_the_home_page_and_its_footer_in_french(client):
    page = client.get("/", headers=FRENCH).get_data(as_text=True)
    assert "<h1>Trouvez un mentor dans le milieu des bibliothèques de l’Ontario</h1>" in page
    assert "Déclaration d’accessibilité" in page
    assert "Find a mentor in the Ontario library community" not in page


def test_error_pages_in_french(client):
    response = client.get("/no-such-page", headers=FRENCH)
    assert response.status_code == 404
    assert html_lang(response) == "fr-CA"
    assert "<h1>Page introuvable</h1>" in response.get_data(as_text=True)
    response = client.post("/language", data={"lang": "en"}, headers=FRENCH)
    assert response.status_code == 400
    assert "Votre formulaire a expiré" in response.get_data(as_text=True)


def test_the_accessibility_statement_in_french_writes_its_day_the_french_way(client):
    from app.main.accessibility import TESTED_ON

    page = client.get("/accessibility", headers=FRENCH).get_data(as_text=True)
    months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août"]
    months += ["septembre", "octobre", "novembre", "décembre"]
    day = f"{TESTED_ON.day} {months[TESTED_ON.month - 1]} {TESTED_ON.year}"
    assert f"Dernier test le {day}" in page
    assert "<strong>S’inscrire et confirmer son adresse courriel</strong>" in page


def test_pages_vary_with_the_language_cookie_and_accept_language(client):
    vary = client.get("/").headers["Vary"]
    assert "Accept-Language" in vary and "Cookie" in vary


def test_numbers_and_days_are_written_the_way_of_the_page_language(app):
    from datetime import date

    from app.templating import number
    from app.text import format_long_day, format_month, format_weekday

    # Each in an application context of its own, as each request has (`g` keeps the language).
    with app.app_context(), app.test_request_context("/", headers=FRENCH):
        assert number(12345) == "12\u202f345"
        assert format_long_day(date(2026, 3, 3)) == "3 mars 2026"
        assert format_weekday(date(2026, 3, 3)) == "mardi 3 mars 2026"
        assert format_month(date(2026, 3, 3)) == "mars 2026"
        assert format_long_day(date(2026, 3, 1)) == "1er mars 2026"
        assert format_weekday(date(2026, 3, 1)) == "dimanche 1er mars 2026"
    with app.app_context(), app.test_request_context("/"):
        assert number(12345) == "12,345"
        assert format_long_day(date(2026, 3, 3)) == "3 March 2026"
        assert format_long_day(date(2026, 3, 1)) == "1 March 2026"


def test_signing_in_leaves_the_members_language_in_the_browser(app, make_member):
    member = make_member()
    member.locale = "fr"
    db.session.commit()
    client = app.test_client()
    sign_in(client, member.email)
    assert client.get_cookie(COOKIE_NAME).value == "fr"
    page = client.get("/").get_data(as_text=True)
    client.post("/auth/logout", data={"csrf_token": csrf_token_from(page)})
    assert html_lang(client.get("/", headers={"Accept-Language": "en"})) == "fr-CA"
