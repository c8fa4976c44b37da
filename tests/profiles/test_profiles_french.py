"""Profiles in French: the profile page and its checklist, the form and its errors, the role
agreements, the pause and the welcome-back e-mail, for a member who chose French, whoever
sends the e-mail; days written the French way."""

from datetime import datetime

import pytest

from app.extensions import db
from app.models.profiles import MENTEE
from tests.factories import complete_profile, form_data
from tests.profiles.test_availability import away_setup, pause  # noqa: F401 (a fixture)
from tests.support import FormClient, body_html, body_text, text_of
from tests.support import unescaped_html as page_of

pytestmark = pytest.mark.usefixtures("restore_vocabularies")


def in_french(user):
    user.locale = "fr"
    db.session.commit()
    return user


@pytest.fixture
def french_member(signed_in):
    """`client, user`: a signed-in member who chose French, with a complete profile."""

    def make(**profile):
        client, user = signed_in(profile=complete_profile(**profile))
        in_french(user)
        return client, user

    return make


def test_the_profile_page_in_french(french_member):
    client, _ = french_member(role=MENTEE)
    page = page_of(client.get("/profile"))
    assert '<html lang="fr-CA">' in page
    assert "<h1>Votre profil</h1>" in page
    assert '<h3 class="checklist-heading">Comme mentoré(e)</h3>' in page
    assert "Lisez et confirmez ce qu’on attend d’un(e) mentoré(e)." in page
    assert ">Lire et confirmer</a>" in page
    assert "Mentoré(e)\u00a0: j’aimerais avoir un mentor" in page
    assert "5 ans de travail en bibliothèque" in page
    assert "Your profile" not in page


def test_the_form_in_french_refuses_bad_input_in_french(french_member):
    client, _ = french_member()
    forms = FormClient(client)
    page = page_of(forms.get("/profile/edit"))
    assert "<h1>Modifier votre profil</h1>" in page
    assert "Nom affiché aux autres membres" in page
    response = forms.post("/profile/edit", form_data(years_experience="many", bio="x" * 2001))
    assert response.status_code == 422
    page = page_of(response)
    assert "Entrez un nombre entier de 0 à 80." in page  # the form's own check
    assert "Utilisez au plus 2\u202f000 caractères." in page
    assert 'value="many"' in page  # what was typed is kept
    response = forms.post("/profile/edit", form_data(phone="call me"))
    assert response.status_code == 422
    page = page_of(response)  # the service's check
    assert "Entrez un numéro de téléphone comme 416-555-0123, ou laissez le champ vide." in page
    assert 'value="call me"' in page


def test_saving_in_french_says_so_in_french(french_member):
    client, _ = french_member()
    forms = FormClient(client)
    forms.get("/profile/edit")
    response = forms.post("/profile/edit", form_data())
    assert response.status_code == 302
    assert "Votre profil est enregistré." in text_of(client.get("/profile"))


def test_the_agreement_in_french_with_its_day_the_french_way(french_member, clock_at):
    clock_at(datetime(2026, 12, 3, 15, 0))
    client, _ = french_member(role=MENTEE)
    forms = FormClient(client)
    page = page_of(forms.get("/profile/agreement?role=mentee"))
    assert "<h1>Ce qu’on attend d’un(e) mentoré(e)</h1>" in page
    assert "<strong>Engagez-vous pour au moins six mois.</strong>" in page
    assert "Ce qui n’est pas du ressort de votre mentor" in page
    refused = forms.post("/profile/agreement?role=mentee", {})
    assert refused.status_code == 422
    assert "Cochez la case pour confirmer que vous êtes d’accord." in page_of(refused)
    forms.post("/profile/agreement?role=mentee", {"agree": "y"})
    profile = page_of(client.get("/profile"))
    assert "Merci\u00a0: vous avez confirmé ce qu’on attend d’un(e) mentoré(e)." in profile
    assert "Ce qu’on attend d’un(e) mentoré(e)</a>\u00a0: confirmé le 3 décembre 2026." in profile


def test_the_role_choices_are_announced_in_french(french_member):
    client, _ = french_member()
    fragment = page_of(
        client.get(
            "/profile/role-choices",
            query_string={"years_experience": "1", "role": "mentor", "role_state": "all"},
            headers={"HX-Request": "true"},
        )
    )
    assert "vous pouvez participer comme mentoré(e)" in fragment
    assert "Votre rôle est maintenant mentoré(e)." in fragment
    assert "(3 ans requis)" in fragment


def test_pausing_in_french(app, away_setup):  # noqa: F811 (the fixture imported above)
    mentor, _ = away_setup
    in_french(mentor)
    forms, refused = pause(app, mentor, away_until="2026-12-01", pending="keep")
    assert refused.status_code == 422
    text = text_of(refused)
    assert "Le jour de votre retour doit être après aujourd’hui (2026-12-03)." in text
    assert "Demandes en attente de votre réponse" in text
    assert "Vous avez 2 demandes en attente de votre réponse." in text

    done = forms.post("/profile/availability", data={"away_until": "2027-03-31", "pending": "keep"})
    page = text_of(forms.get(done.headers["Location"]))
    assert "Vous êtes absent(e) jusqu’au 31 mars 2027 :" in page
    assert "Vos 2 demandes en attente restent ouvertes pour votre retour." in page
    assert ">Je suis de retour</button>" in page_of(forms.get("/profile/availability"))


def test_the_welcome_back_in_french_whoever_runs_the_job(
    app,
    runner,
    clock_at,
    away_setup,  # noqa: F811 (the fixture imported above)
    deliver_mail,
    mail_server,
):
    mentor, _ = away_setup
    pause(app, mentor, away_until="2027-03-31", pending="keep")
    in_french(mentor)
    deliver_mail()
    mail_server.clear()
    clock_at(datetime(2027, 3, 31, 6, 0))
    assert "Mentors back from being away: 1." in runner.invoke(args=["jobs", "daily"]).output
    deliver_mail()
    (welcome,) = mail_server.to(mentor.email)
    assert welcome["Subject"] == "Bon retour au programme de mentorat de l’OLA"
    text = " ".join(body_text(welcome).split())
    assert "Bonjour Morgan Mentor," in text
    assert "2 demandes attendaient votre retour :" in text
    assert "Emery Mentee, merci de répondre d’ici le 7 avril :" in text
    html = body_html(welcome)
    assert "Répondez à Emery Mentee</a>, si possible d’ici le 7 avril" in html
    assert "votre page de disponibilités</a>" in html
    assert "Welcome back" not in text + html


def test_the_account_pages_in_french(french_member):
    client, _ = french_member()
    forms = FormClient(client)
    page = page_of(forms.get("/profile/delete"))
    assert "<h1>Supprimer votre compte</h1>" in page
    refused = forms.post("/profile/delete", {"password": ""})
    assert refused.status_code == 422
    assert "Entrez votre mot de passe pour confirmer." in page_of(refused)
