"""The accounts area in French: a member's language is the one they registered in, shown and
changed on their account page; the pages, form errors and messages of registering, signing in
(two-step sign-in too), resetting and changing a password or an address are in the page's
language; and each e-mail of the area is in its recipient's language, whoever's page sent it,
through the real SMTP server."""

from datetime import date, datetime, timedelta

from sqlalchemy import select

from app import clock, leaving
from app.extensions import db
from app.models import User
from app.models.profiles import MENTEE
from tests.auth.test_auth import path_of, register, the_link
from tests.auth.test_two_step import code_at
from tests.factories import add_mentorship
from tests.main.test_language import html_lang
from tests.support import (
    DEFAULT_PASSWORD,
    FormClient,
    body_html,
    body_text,
    csrf_token_from,
    limit_of,
    sign_in,
    text_of,
    unescaped_html,
)

NBSP = "\u00a0"
T0 = datetime(2026, 12, 2, 9, 0, 5)


def browser(app, language: str = "fr") -> FormClient:
    """A new browser whose Accept-Language is `language`."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr-CA,fr;q=0.9" if language == "fr" else "en"
    return FormClient(client)


def speaks_french(user: User) -> User:
    user.locale = "fr"
    db.session.commit()
    return user


def only_message_to(mail_server, deliver_mail, address):
    deliver_mail()
    (message,) = mail_server.to(address)
    return message


# --- registering ------------------------------------------------------------------------------


def test_registering_in_french_makes_a_french_account_and_its_mail_is_french(
    app, mail_server, deliver_mail
):
    forms = browser(app, "fr")
    page = forms.get("/auth/register")
    assert html_lang(page) == "fr-CA"
    assert "S’inscrire à Mentor Match" in unescaped_html(page)
    assert ">Nom complet<" in unescaped_html(page)

    response = register(forms)
    inbox_page = forms.get(path_of("http://x" + response.headers["Location"]))
    assert "Consultez votre boîte de réception" in unescaped_html(inbox_page)
    user = db.session.scalar(select(User))
    assert user.locale == "fr"

    message = only_message_to(mail_server, deliver_mail, "ada.reader@example.org")
    assert message["Subject"] == "Confirmez votre adresse courriel pour Mentor Match"
    text = body_text(message)
    assert text.startswith("Bonjour,")
    assert "Veuillez confirmer que ada.reader@example.org est bien votre adresse courriel" in text
    assert "Le lien fonctionne pendant 3 jours." in text
    assert ">Confirmer mon adresse courriel</a>" in body_html(message)
    assert "Hello" not in text + body_html(message)

    # Confirmed from an English browser: the page is English, the welcome still French.
    link = the_link(mail_server, deliver_mail, "ada.reader@example.org", "/auth/verify/")
    english = browser(app, "en")
    assert "Confirm my e-mail address" in english.get(link).get_data(as_text=True)
    english.post(link)
    mail_server.clear()
    welcome = only_message_to(mail_server, deliver_mail, "ada.reader@example.org")
    assert welcome["Subject"] == "Bienvenue au programme de mentorat de l’OLA"
    assert body_text(welcome).startswith("Bonjour Ada Reader,")
    assert "Remplissez votre profil" in body_html(welcome)


def test_registering_in_english_makes_an_english_account(forms):
    register(forms)
    assert db.session.scalar(select(User.locale)) == "en"


def test_the_register_form_says_what_is_wrong_in_french(app):
    forms = browser(app, "fr")
    response = register(forms, name="", password="short", confirm="other", consent="")
    assert response.status_code == 200
    page = unescaped_html(response)
    assert "Entrez votre nom." in page
    assert "Utilisez au moins 12 caractères." in page
    assert "Les deux mots de passe ne sont pas identiques." in page
    assert "Veuillez lire et accepter l’avis de confidentialité." in page
    assert 'value="Ada.Reader@Example.org"' in page  # what was typed stays
    common = register(forms, password="qwerty123456", confirm="qwerty123456")
    assert f"Ce mot de passe est trop courant{NBSP}: choisissez-en" in unescaped_html(common)
    own = register(forms, password="ada.reader@example.org", confirm="ada.reader@example.org")
    assert "N’utilisez pas votre adresse courriel comme mot de passe." in unescaped_html(own)
    assert db.session.scalar(select(User)) is None


def test_an_address_already_registered_is_told_in_its_owners_language(
    app, make_member, mail_server, deliver_mail
):
    speaks_french(make_member(email="taken@example.org", name="Francine"))
    register(browser(app, "en"), email="taken@example.org")
    message = only_message_to(mail_server, deliver_mail, "taken@example.org")
    assert message["Subject"] == "Vous avez déjà un compte Mentor Match"
    assert body_text(message).startswith("Bonjour Francine,")
    assert "Quelqu’un (peut-être vous) a tenté d’utiliser cette adresse" in body_text(message)
    assert ">Mot de passe oublié?</a>" in body_html(message)


# --- signing in and out -------------------------------------------------------------------------


def test_signing_in_and_out_in_french(app, make_member):
    member = make_member(email="francine@example.org", name="Francine")
    forms = browser(app, "fr")
    page = unescaped_html(forms.get("/auth/login"))
    assert "<h1>Se connecter</h1>" in page
    assert "Rester connecté(e) sur cet appareil pendant 30 jours" in page
    wrong = forms.post("/auth/login", {"email": member.email, "password": "not the one"})
    assert "L’adresse courriel ou le mot de passe n’est pas le bon." in unescaped_html(wrong)
    sign_in(forms.client, member.email)
    assert "Bienvenue dans Mentor Match, Francine." in unescaped_html(forms.get("/"))
    forms.post("/auth/logout")
    assert "Vous êtes déconnecté(e)." in unescaped_html(forms.get("/"))


def test_too_many_sign_in_attempts_are_refused_in_french(app, make_member):
    member = make_member()
    for number in range(limit_of(app, "LOGIN_LIMIT_PER_ACCOUNT")):
        browser(app, "fr").post(
            "/auth/login",
            {"email": member.email, "password": f"guess {number}"},
            environ_base={"REMOTE_ADDR": f"10.31.0.{number + 1}"},
        )
    blocked = browser(app, "fr").post(
        "/auth/login", {"email": member.email, "password": DEFAULT_PASSWORD}
    )
    assert blocked.status_code == 429
    assert html_lang(blocked) == "fr-CA"
    assert "Trop de tentatives" in unescaped_html(blocked)


def test_a_french_member_signing_in_from_an_english_browser_is_greeted_in_french(app, make_member):
    member = speaks_french(make_member(name="Francine"))
    member.last_login_at = clock.utcnow() - timedelta(days=3)
    db.session.commit()
    forms = browser(app, "en")
    sign_in(forms.client, member.email)
    home = forms.get("/")
    assert html_lang(home) == "fr-CA"
    assert "Bon retour, Francine." in unescaped_html(home)


def test_a_committee_member_signed_out_when_idle_is_told_why_in_french(app, make_member, clock_at):
    clock_at(T0)
    chair = speaks_french(make_member(committee=True))
    forms = browser(app, "fr")
    sign_in(forms.client, chair.email)
    clock_at.advance(timedelta(minutes=30))
    assert forms.get("/auth/account").status_code == 302
    assert (
        "les membres du comité doivent se reconnecter après 30 minutes d’inactivité, "
        "et 12 heures après s’être connectés."
    ) in text_of(forms.get("/auth/login"))


# --- the account page: language, password, address -------------------------------------------


def test_the_account_page_shows_the_members_language_and_changes_it(signed_in):
    client, user = signed_in()
    page = client.get("/auth/account").get_data(as_text=True)
    assert "Mentor Match writes to you in English." in page
    assert '<form method="post" action="/language"' in page
    assert 'name="next" type="hidden" value="/auth/account"' in page
    assert '<option selected value="en">English</option>' in page

    chosen = {"csrf_token": csrf_token_from(page), "lang": "fr", "next": "/auth/account"}
    response = client.post("/language", data=chosen)
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/account"
    db.session.refresh(user)
    assert user.locale == "fr"
    french = client.get("/auth/account", headers={"Accept-Language": "en"})
    assert html_lang(french) == "fr-CA"
    page = unescaped_html(french)
    assert "<h1>Votre compte</h1>" in page
    assert "La langue a été changée." in page
    assert "Mentor Match vous écrit en français." in page
    assert '<option selected value="fr">Français</option>' in page
    assert ">Votre langue<" in page


def test_changing_the_password_in_french(app, signed_in, mail_server, deliver_mail):
    client, user = signed_in(name="Francine")
    speaks_french(user)
    forms = FormClient(client)
    wrong = forms.post(
        "/auth/account/password",
        {"pw-current_password": "nope", "pw-password": "x" * 20, "pw-confirm": "x" * 20},
    )
    assert wrong.status_code == 422
    assert "Ce n’est pas votre mot de passe actuel." in unescaped_html(wrong)
    new = "a brand new passphrase"
    done = forms.post(
        "/auth/account/password",
        {"pw-current_password": DEFAULT_PASSWORD, "pw-password": new, "pw-confirm": new},
    )
    assert done.status_code == 302
    assert "Vos autres appareils ont été déconnectés." in unescaped_html(forms.get("/auth/account"))
    message = only_message_to(mail_server, deliver_mail, user.email)
    assert message["Subject"] == "Le mot de passe de votre compte Mentor Match a été changé"
    assert body_text(message).startswith("Bonjour Francine,")
    assert "réinitialisez votre mot de passe dès maintenant" in body_html(message)


def test_changing_the_address_tells_the_old_one_in_french(
    app, signed_in, mail_server, deliver_mail
):
    client, user = signed_in(email="old@example.org", name="Francine")
    speaks_french(user)
    forms = FormClient(client)
    forms.post(
        "/auth/account/email",
        {"em-new_email": "new@example.org", "em-current_password": DEFAULT_PASSWORD},
    )
    page = unescaped_html(forms.get("/auth/account"))
    assert "Nous avons envoyé un lien de confirmation à la nouvelle adresse." in page
    assert "Le changement pour <strong>new@example.org</strong> attend" in page
    link = the_link(mail_server, deliver_mail, "new@example.org", "/auth/verify/")
    assert mail_server.to("new@example.org")[0]["Subject"].startswith("Confirmez votre adresse")
    browser(app, "en").post(link)  # opened in another browser, in English
    mail_server.clear()
    message = only_message_to(mail_server, deliver_mail, "old@example.org")
    assert message["Subject"] == "L’adresse courriel de votre compte Mentor Match a été changée"
    assert "est maintenant <strong>new@example.org</strong>" in body_html(message)
    assert "est maintenant new@example.org." in body_text(message)


# --- resetting a password -------------------------------------------------------------------------


def test_a_reset_asked_from_an_english_page_reaches_a_french_member_in_french(
    app, make_member, mail_server, deliver_mail
):
    member = speaks_french(make_member(email="francine@example.org", name="Francine"))
    browser(app, "en").post("/auth/reset", {"email": member.email})
    message = only_message_to(mail_server, deliver_mail, member.email)
    assert message["Subject"] == "Réinitialisez votre mot de passe Mentor Match"
    text = body_text(message)
    assert "Le lien fonctionne pendant 2 heures, et une seule fois." in text
    assert f"ignorez ce message{NBSP}: votre mot de passe reste le même." in text
    assert ">Choisissez un nouveau mot de passe</a>" in body_html(message)

    link = the_link(mail_server, deliver_mail, member.email, "/auth/reset/")
    forms = browser(app, "fr")
    assert "Pour le compte francine@example.org." in unescaped_html(forms.get(link))
    short = forms.post(link, {"password": "short", "confirm": "short"})
    assert "Utilisez au moins 12 caractères." in unescaped_html(short)
    new = "a brand new passphrase"
    assert forms.post(link, {"password": new, "confirm": new}).status_code == 302
    assert "Connectez-vous avec votre nouveau mot de passe." in unescaped_html(
        forms.get("/auth/login")
    )
    spent = forms.get(link)
    assert spent.status_code == 400
    assert "Ce lien de réinitialisation a déjà servi" in unescaped_html(spent)


def test_broken_links_are_explained_in_french(app):
    forms = browser(app, "fr")
    reset = forms.get("/auth/reset/not-a-token")
    assert reset.status_code == 400
    assert "Ce lien de réinitialisation ne fonctionne pas" in unescaped_html(reset)
    verify = unescaped_html(forms.get("/auth/verify/not-a-token"))
    assert "<h1>Ce lien ne fonctionne pas</h1>" in verify


# --- two-step sign-in -------------------------------------------------------------------------


def test_two_step_sign_in_in_french(app, make_member, clock_at, runner, mail_server, deliver_mail):
    clock_at(T0)
    chair = speaks_french(make_member(email="chair@example.org", committee=True, name="Chair"))
    forms = browser(app, "en")  # the member's language wins over the browser's
    sign_in(forms.client, chair.email)
    setup = forms.get("/auth/account/two-step")
    page = unescaped_html(setup)
    assert "<h1>Connexion en deux étapes</h1>" in page
    assert 'alt="Code QR pour ajouter Mentor Match à une application d’authentification' in page
    secret = page.split('class="secret">', 1)[1].split("<", 1)[0].replace(" ", "")

    wrong = forms.post(
        "/auth/account/two-step/on", {"on-code": "000000", "on-current_password": DEFAULT_PASSWORD}
    )
    assert wrong.status_code == 422
    assert "Ce code n’est pas le bon, ou il a déjà servi." in unescaped_html(wrong)
    codes = forms.post(
        "/auth/account/two-step/on",
        {"on-code": code_at(secret, T0), "on-current_password": DEFAULT_PASSWORD},
    )
    page = unescaped_html(codes)
    assert "Vos codes de récupération" in page
    assert "La connexion en deux étapes est activée. Gardez vos codes" in page
    settings = text_of(forms.get("/auth/account/two-step"))
    assert "Il vous reste 10 codes de récupération inutilisés." in settings
    message = only_message_to(mail_server, deliver_mail, chair.email)
    assert message["Subject"] == (
        "La connexion en deux étapes a été activée pour votre compte Mentor Match"
    )
    assert "Si c’était vous, vous n’avez rien à faire." in body_text(message)

    again = browser(app, "fr")
    again.post("/auth/login", {"email": chair.email, "password": DEFAULT_PASSWORD})
    second = unescaped_html(again.get("/auth/login/code"))
    assert "<h1>Tapez votre code</h1>" in second
    assert "Pas de téléphone sous la main?" in second

    # The operators' command is in English; the member is told in French.
    mail_server.clear()
    db.session.expire_all()
    result = runner.invoke(args=["users", "two-step-off", chair.email])
    assert result.exit_code == 0, result.output
    message = only_message_to(mail_server, deliver_mail, chair.email)
    assert message["Subject"] == (
        "La connexion en deux étapes a été désactivée pour votre compte Mentor Match"
    )


# --- the committee verifies a membership; a partner leaves ------------------------------------


def test_a_membership_verified_by_an_english_committee_is_told_in_french(
    committee, make_member, mail_server, deliver_mail
):
    forms, _chair = committee
    member = speaks_french(
        make_member(
            email="wes@example.org",
            name="Wes",
            profile={"membership_number": "OLA-4242", "years_experience": 2, "role": MENTEE},
        )
    )
    expiry = date(clock.today().year + 1, 3, 3)
    response = forms.post(
        f"/committee/members/{member.id}/verify",
        {"expires_on": expiry.isoformat()},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 302
    message = only_message_to(mail_server, deliver_mail, "wes@example.org")
    assert message["Subject"] == f"Votre adhésion est vérifiée{NBSP}: voici la suite"
    text = body_text(message)
    assert text.startswith("Bonjour Wes,")
    assert f"(valide jusqu’au 3 mars {expiry.year})" in text
    assert "choisissez un mentor dans le répertoire des mentors" in body_html(message)


def test_a_partner_who_reads_french_is_told_in_french_that_the_other_left(
    app, make_mentor, make_mentee, mail_server, deliver_mail
):
    mentor = make_mentor(name="Morgan Mentor")
    mentee = speaks_french(make_mentee(name="Emery"))
    add_mentorship(mentor, mentee, started=date(2026, 3, 3))
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        leaving.delete_account(mentor, DEFAULT_PASSWORD)
    message = only_message_to(mail_server, deliver_mail, mentee.email)
    assert message["Subject"] == "Votre partenaire de mentorat a quitté le programme"
    assert "3 mars" in body_text(message)  # the day the mentorship began, the French way


def test_deleting_an_account_answers_in_french(signed_in):
    client, user = signed_in()
    speaks_french(user)
    response = FormClient(client).post("/profile/delete", {"password": "not my password"})
    assert "Ce n’est pas votre mot de passe." in unescaped_html(response)
