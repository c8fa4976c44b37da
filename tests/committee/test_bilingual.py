"""The committee's texts and the vocabularies in English and in French: each reader sees their
language's version, else the other; the settings forms take both versions; the introduction
e-mails carry the committee's note in the recipient's language; vocabulary names follow the
page's language without leaking from one request to the next, while SQL still orders by the
English name."""

import re
from datetime import datetime

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.committee.settings import services as program_settings
from app.extensions import db
from app.models import ContactMethod, ProgramSettings, Region, Sector
from app.program import get_settings
from app.requests.links import make_link_token
from tests.factories import complete_profile
from tests.support import audit_events as events
from tests.support import body_html, body_text, csrf_token_from, text_of
from tests.support import unescaped_html as page_of

FRENCH = {"Accept-Language": "fr"}
ENGLISH = {"Accept-Language": "en"}


def settings_row() -> ProgramSettings:
    db.session.expire_all()
    return db.session.scalar(select(ProgramSettings))


def write(**texts) -> None:
    settings = get_settings()
    for name, value in texts.items():
        setattr(settings, name, value)
    db.session.commit()


# --- ProgramSettings.text ---------------------------------------------------------------------


def test_a_text_is_read_in_its_language_else_in_the_other(app):
    settings = ProgramSettings(program_description="In English.", program_description_fr=None)
    assert settings.text("program_description", "en") == "In English."
    assert settings.text("program_description", "fr") == "In English."  # fallback
    settings.program_description, settings.program_description_fr = "  ", "En français."
    assert settings.text("program_description", "en") == "En français."  # fallback
    assert settings.text("program_description", "fr") == "En français."
    settings.program_description = "In English."
    assert settings.text("program_description", "en") == "In English."
    settings.program_description = settings.program_description_fr = None
    assert settings.text("program_description", "fr") is None
    with pytest.raises(ValueError):
        settings.text("status", "fr")


# --- pages: the description, the notice, the guidelines ---------------------------------------


def test_the_home_page_falls_back_to_the_other_version_both_ways(client):
    write(program_description="Six months **or more**.")
    french = client.get("/", headers=FRENCH)
    assert '<html lang="fr-CA">' in page_of(french)
    assert "<strong>or more</strong>" in page_of(french)  # only English written
    assert '<div lang="en"><p>Six months' in page_of(french)  # marked as English
    assert "À propos du programme" in page_of(french)

    write(program_description=None, program_description_fr="Six mois **ou plus**.")
    assert "<strong>ou plus</strong>" in page_of(client.get("/", headers=ENGLISH))
    assert '<div lang="fr"><p>Six mois' in page_of(client.get("/", headers=ENGLISH))
    assert "About the program" in page_of(client.get("/", headers=ENGLISH))

    write(program_description="Six months **or more**.")
    assert "<strong>ou plus</strong>" in page_of(client.get("/", headers=FRENCH))
    assert '<div lang="fr">' not in page_of(client.get("/", headers=FRENCH))
    english = page_of(client.get("/", headers=ENGLISH))
    assert "<strong>or more</strong>" in english and "ou plus" not in english


def test_the_banner_shows_the_notice_in_the_page_language(client):
    write(
        status=ProgramSettings.PAUSED, notice="Back in spring.", notice_fr="De retour au printemps."
    )
    assert "De retour au printemps." in text_of(client.get("/", headers=FRENCH))
    english = text_of(client.get("/", headers=ENGLISH))
    assert "Back in spring." in english and "printemps" not in english

    write(notice_fr=None)  # only English: the French page shows it
    assert "Back in spring." in text_of(client.get("/", headers=FRENCH))


def test_a_paused_program_without_a_notice_says_so_in_french(app, signed_in):
    from app.program import requests_blocked_reason
    from tests.factories import TODAY

    write(status=ProgramSettings.PAUSED)
    assert requests_blocked_reason(TODAY).startswith("The online program is paused")
    with force_locale("fr"):
        assert requests_blocked_reason(TODAY) == (
            "Le programme en ligne est en pause\u00a0: les nouvelles demandes ne sont pas "
            "acceptées pour le moment."
        )
        write(notice="Back in spring.", notice_fr="De retour au printemps.")
        assert requests_blocked_reason(TODAY) == "De retour au printemps."


@pytest.mark.parametrize("role", ["mentor", "mentee"])
def test_the_french_agreement_page_shows_the_french_guidelines(signed_in, role):
    client, user = signed_in(profile=complete_profile(years_experience=10, role="both"))
    write(
        **{
            f"{role}_guidelines": "Meet in **public** places.",
            f"{role}_guidelines_fr": "Rencontrez-vous dans des lieux **publics**.",
        }
    )
    user.locale = "fr"
    db.session.commit()
    page = page_of(client.get(f"/profile/agreement?role={role}"))
    assert '<html lang="fr-CA">' in page
    assert "Rencontrez-vous dans des lieux <strong>publics</strong>." in page
    assert "public</strong> places" not in page
    user.locale = "en"
    db.session.commit()
    assert "Meet in <strong>public</strong> places." in page_of(
        client.get(f"/profile/agreement?role={role}")
    )


# --- the settings forms -----------------------------------------------------------------------


def test_the_texts_form_shows_both_versions_side_by_side(committee):
    forms, _ = committee
    write(mentor_guidelines="Listen.", mentor_guidelines_fr="Écoutez.")
    page = page_of(forms.get("/committee/settings/texts"))
    for name in ("program_description", "mentor_guidelines", "mentee_guidelines"):
        assert f'<label for="{name}">English</label>' in page
        assert f'<label for="{name}_fr">Français</label>' in page
    (french_field,) = re.findall(r'<textarea[^>]*id="mentor_guidelines_fr"[^>]*>', page)
    assert 'lang="fr"' in french_field
    (english_field,) = re.findall(r'<textarea[^>]*id="mentor_guidelines"[^>]*>', page)
    assert 'lang="en"' in english_field
    assert "Écoutez.</textarea>" in page and "Listen.</textarea>" in page
    assert "Note in the introduction e-mails" in page
    notice = page_of(forms.get("/committee/settings"))
    assert '<label for="notice">English</label>' in notice
    assert '<label for="notice_fr">Français</label>' in notice


def test_both_versions_are_saved_and_audited_without_their_text(committee):
    forms, _ = committee
    response = forms.post(
        "/committee/settings/texts",
        {
            "program_description": "About us.",
            "program_description_fr": "À propos de nous.",
            "introduction_note_fr": "Bienvenue!",
            "save": "1",
        },
    )
    assert response.status_code == 302
    row = settings_row()
    assert (row.program_description, row.program_description_fr) == (
        "About us.",
        "À propos de nous.",
    )
    assert (row.introduction_note, row.introduction_note_fr) == (None, "Bienvenue!")
    (event,) = events()
    assert event.detail["fields"] == [
        "introduction_note_fr",
        "program_description",
        "program_description_fr",
    ]
    assert "Bienvenue" not in str(event.detail)


def test_unsafe_markup_in_the_french_version_is_refused_saying_so(committee):
    forms, user = committee
    data = {
        "program_description": "A fine description.",
        "program_description_fr": "Une belle description.",
        "mentee_guidelines_fr": "Soyez ponctuel <script>vol()</script>",
        "save": "1",
    }
    response = forms.post("/committee/settings/texts", data)
    assert response.status_code == 422
    page = page_of(response)
    assert "The French version contains a <script> element" in page
    assert "The English version contains" not in page
    assert "Une belle description." in page  # kept as typed
    row = settings_row()
    assert row.program_description is None and row.program_description_fr is None  # nothing
    assert events() == []

    user.locale = "fr"
    db.session.commit()
    page = page_of(forms.post("/committee/settings/texts", data))
    assert "La version française contient un élément <script>" in page


def test_the_french_notice_is_checked_on_its_own(committee):
    forms, _ = committee
    response = forms.post(
        "/committee/settings/status",
        {"status": "paused", "notice": "Back soon.", "notice_fr": '<img onerror="x()">'},
    )
    assert response.status_code == 422
    assert "The French notice is plain text: remove the code from it." in text_of(response)
    assert settings_row().status == ProgramSettings.OPEN and settings_row().notice is None

    response = forms.post(
        "/committee/settings/status",
        {"status": "paused", "notice": "Back soon.", "notice_fr": "De retour bientôt."},
    )
    assert response.status_code == 302
    row = settings_row()
    assert (row.notice, row.notice_fr) == ("Back soon.", "De retour bientôt.")
    (event,) = events()
    assert "notice" not in str(event.detail["changes"])  # the notices' text is never audited


def test_the_settings_pages_in_french(committee):
    forms, user = committee
    user.locale = "fr"
    db.session.commit()
    page = page_of(forms.get("/committee/settings"))
    assert '<html lang="fr-CA">' in page
    assert "<h1>Paramètres du programme</h1>" in page
    response = forms.post(
        "/committee/settings/limits",
        {"max_pending_requests_per_mentee": "99", "max_active_mentorships_per_mentee": "1"},
    )
    assert response.status_code == 422
    assert "Entrez un nombre entier de 1 à 10." in text_of(response)
    response = forms.post(
        "/committee/intakes",
        {"name": "Automne 2027", "opens_on": "2027-09-01", "closes_on": "2027-09-21"},
    )
    assert "La période d’inscription «\u00a0Automne 2027\u00a0» est ajoutée." in page_of(
        forms.get(response.location)
    )
    response = forms.post(
        "/committee/intakes",
        {"name": "Chevauche", "opens_on": "2027-09-20", "closes_on": "2027-10-10"},
    )
    assert "(du 1er septembre 2027 au 21 septembre 2027)" in text_of(response)
    assert "<h1>Textes du programme</h1>" in page_of(forms.get("/committee/settings/texts"))


def test_the_admin_views_in_french(committee, pair):
    from tests.factories import add_check_in

    forms, user = committee
    add_check_in(pair.mentorship, pair.mentorship.started_on, objectives=["career"])
    user.locale = "fr"
    db.session.commit()
    page = text_of(forms.get(f"/committee/mentorships/{pair.mentorship.id}"))
    assert f"Mentorat {pair.mentorship.id}" in page and "Le duo" in page
    # The check-in's method and objectives by their French names.
    assert "Développement, exploration et avancement de carrière" in page
    assert "Courriel" in page  # the check-in's way of meeting
    assert "Career development" not in page


# --- the introduction e-mails -----------------------------------------------------------------


def test_the_introduction_mails_carry_the_note_in_each_recipients_language(
    client, pending, deliver_mail, mail_server, clock_at
):
    clock_at(datetime(2026, 3, 3, 10, 0))
    request, mentee, mentor = pending
    mentee.locale = "fr"
    write(
        introduction_note="Say hello **this week**.",
        introduction_note_fr="Dites bonjour **cette semaine**.",
    )
    deliver_mail()
    mail_server.clear()
    path = f"/respond/{make_link_token(request)}"
    token = csrf_token_from(client.get(path, headers=ENGLISH).get_data(as_text=True))
    response = client.post(path, data={"csrf_token": token, "accept": "Accept"}, headers=ENGLISH)
    assert response.status_code == 303
    deliver_mail()
    (to_mentee,) = mail_server.to(mentee.email)
    (to_mentor,) = mail_server.to(mentor.email)
    french_text = body_text(to_mentee).replace("\r\n", "\n")
    assert "Un mot du comité de mentorat\u00a0:\nDites bonjour **cette semaine**." in french_text
    assert "Faites connaissance avec votre mentor" in french_text
    assert "jusqu’au 3 septembre" in french_text
    assert "Aide souhaitée\u00a0: Stratégies de recherche d’emploi" in french_text
    assert "Help with: Job search strategies" in body_text(to_mentor)
    assert "this week" not in french_text
    assert "Dites bonjour <strong>cette semaine</strong>." in body_html(to_mentee)
    english_html = body_html(to_mentor)
    assert "A word from the mentoring committee" in english_html
    assert "Say hello <strong>this week</strong>." in english_html
    assert "cette semaine" not in body_text(to_mentor)


def test_without_a_note_the_introductions_have_no_committee_word(
    client, pending, deliver_mail, mail_server
):
    request, mentee, mentor = pending
    path = f"/respond/{make_link_token(request)}"
    token = csrf_token_from(client.get(path).get_data(as_text=True))
    client.post(path, data={"csrf_token": token, "accept": "Accept"})
    deliver_mail()
    for message in (*mail_server.to(mentee.email), *mail_server.to(mentor.email)):
        assert "A word from the mentoring committee" not in body_text(message)


# --- vocabularies -----------------------------------------------------------------------------


def test_vocabulary_names_follow_the_page_language_with_no_leak(signed_in):
    client, _ = signed_in(profile=complete_profile())
    for _round in range(2):  # French, English, French, English: nothing stays behind
        french = page_of(client.get("/profile/edit", headers=FRENCH))
        assert "Bibliothèques publiques" in french and "Vidéoconférence" in french
        assert "Public libraries" not in french
        english = page_of(client.get("/profile/edit", headers=ENGLISH))
        assert "Public libraries" in english and "Bibliothèques publiques" not in english
        assert "Video call" in english and "Vidéoconférence" not in english


def test_the_directory_filters_name_the_entries_in_the_page_language(mentee, make_mentor):
    make_mentor("Riley Mentor", directory=True)
    client, _ = mentee()
    french = page_of(client.get("/mentors", headers=FRENCH))
    assert "Bibliothèques publiques" in french and "Public libraries" not in french
    english = page_of(client.get("/mentors", headers=ENGLISH))
    assert "Public libraries" in english and "Bibliothèques publiques" not in english


def test_every_seeded_entry_has_a_french_name(app):
    from app.mentors.services import VOCABULARIES

    for model in [*(model for model, _t, _c in VOCABULARIES.values()), Region]:
        missing = db.session.scalars(select(model.code).where(model.name_fr.is_(None))).all()
        assert missing == [], model


def test_sql_orders_by_the_english_name_whatever_the_language(app):
    with force_locale("fr"):
        statement = select(Sector).order_by(Sector.name)
        assert "ORDER BY sectors.name" in str(statement)
        names = [sector.name for sector in db.session.scalars(statement)]
        english = [sector.name_en for sector in db.session.scalars(statement)]
        assert english == sorted(english)
        assert "Bibliothèques publiques" in names
        # The French names sort differently: the order is the English one.
        assert names != sorted(names)
        assert db.session.scalar(select(Sector).where(Sector.name == "Public libraries"))


def test_a_new_entry_is_written_in_english_and_reads_english_until_translated(
    app, restore_vocabularies
):
    method = ContactMethod(code="carrier-pigeon", name="Carrier pigeon", position=99)
    db.session.add(method)
    db.session.commit()
    try:
        assert method.name_en == "Carrier pigeon" and method.name_fr is None
        with force_locale("fr"):
            assert method.name == "Carrier pigeon"
            method.name_fr = "Pigeon voyageur"
            assert method.name == "Pigeon voyageur"
        with force_locale("en"):
            assert method.name == "Carrier pigeon"
    finally:
        db.session.delete(method)
        db.session.commit()


def test_settings_services_take_both_notice_versions(app, committee):
    _forms, user = committee
    assert program_settings.update_status(user, "closed", "Closed.", False, "Fermé.")
    row = settings_row()
    assert (row.notice, row.notice_fr) == ("Closed.", "Fermé.")
