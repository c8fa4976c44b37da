"""Closing a mentorship in French: the closing, confirmation, feedback and refusal pages, a
form's errors, the flashes, the certificate in its holder's language, and each closing e-mail in
its recipient's language whoever sends it (an English-speaking partner, the daily job).

French typography is checked on the raw text: a no-break space before ":" ("ceci :")."""

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import event

from app.clock import add_months
from app.errors_domain import FieldErrors
from app.extensions import db
from app.mentorships import closing
from app.mentorships.reminders import run_mentorship_reminders
from app.models import CheckIn, ContactMethod, Mentorship, User
from tests.factories import START, at, vocab
from tests.support import body_html, body_text, client_for, fresh

pytestmark = pytest.mark.usefixtures("restore_vocabularies")

SIX_MONTHS = add_months(START, 6)  # 5 July 2026
NBSP = "\u00a0"
ENGLISH = {"Accept-Language": "en"}


def text_of(response) -> str:
    """The page's text, tags removed; unlike tests.support.text_of it keeps no-break spaces."""
    without_tags = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(without_tags))


def flat(text: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", text)


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True)).group(1)


def speaks(user: User, locale: str | None) -> User:
    user.locale = locale
    db.session.commit()
    return user


@pytest.fixture
def french_mentee(pair):
    """The pair with a French-speaking mentee and an English-speaking mentor."""
    speaks(pair.mentee, "fr")
    speaks(pair.mentor, "en")
    return pair


# --- pages ---------------------------------------------------------------------------------


def test_the_closing_and_confirmation_pages_in_french(app, french_mentee, clock_at):
    pair = french_mentee
    clock_at(at(SIX_MONTHS + timedelta(days=1)))
    forms = client_for(app, pair.mentee)
    page = forms.get(pair.url("/close"), headers=ENGLISH)
    assert page.status_code == 200
    assert html_lang(page) == "fr-CA"  # the member's language wins over the browser's
    text = text_of(page)
    assert "Fin de votre mentorat avec Morgan Mentor" in text
    assert "Début 5 janvier 2026" in text and "Cap des six mois 5 juillet 2026" in text
    assert "Marquer le mentorat comme terminé" in text
    assert "Dans 1 mois" in text and "Dans 6 mois" in text
    assert "Quand devrions-nous vous reposer la question?" in text
    assert "Mark the mentorship completed" not in text

    step = forms.get(pair.url("/complete"))
    assert html_lang(step) == "fr-CA"
    text = text_of(step)
    assert "Marquer votre mentorat avec Morgan Mentor comme terminé?" in text
    assert "Nous en informons Morgan Mentor par courriel." in text
    assert "Oui, le marquer comme terminé" in text and "Non, revenir en arrière" in text
    assert f"Parlez-en d’abord avec Morgan Mentor{NBSP}: marquez-le" in text
    assert fresh(Mentorship, pair.id).is_active


def test_ending_early_in_french_errors_confirmation_and_flash(app, pair, clock_at):
    speaks(pair.mentor, "fr")
    clock_at(at(START + timedelta(days=60)))
    forms = client_for(app, pair.mentor)
    page = text_of(forms.get(pair.url("/close")))
    assert "Mettre fin au mentorat avant terme" in page
    assert "Nos horaires ou le manque de temps" in page and "Raisons personnelles" in page
    assert "Vous pourrez marquer votre mentorat comme terminé à partir du 5 juillet 2026." in page
    assert re.search(r"1[\u00a0\u202f]000 caractères au maximum", page)

    refused = forms.post(pair.url("/end-early"), {})
    assert refused.status_code == 422
    assert "Indiquez pourquoi le mentorat prend fin." in text_of(refused)
    too_long = forms.post(pair.url("/end-early"), {"reason": "schedule", "note": "x" * 1001})
    assert too_long.status_code == 422
    assert re.search(r"Utilisez au plus 1[\u00a0\u202f]000 caractères\.", text_of(too_long))
    assert fresh(Mentorship, pair.id).is_active

    step = forms.post(pair.url("/end-early"), {"reason": "personal", "note": "Un déménagement."})
    assert step.status_code == 200
    text = text_of(step)
    assert "Mettre fin avant terme à votre mentorat avec Emery Mentee?" in text
    assert "Raison Raisons personnelles" in text and "Note pour le comité Un déménagement." in text
    assert "Oui, mettre fin au mentorat" in text and "Non, poursuivre le mentorat" in text

    done = forms.post(
        pair.url("/end-early"),
        {"reason": "personal", "note": "Un déménagement.", "confirmed": "yes"},
        follow_redirects=True,
    )
    assert done.status_code == 200
    text = text_of(done)
    assert "Votre mentorat a pris fin. Nous en avons informé votre partenaire." in text
    assert "Votre rétroaction sur votre mentorat" in text  # the feedback page it leads to
    assert fresh(Mentorship, pair.id).status == Mentorship.ENDED_EARLY


def test_carrying_on_in_french_says_when_with_a_french_date(app, pair, clock_at):
    speaks(pair.mentee, "fr")
    clock_at(at(SIX_MONTHS))
    forms = client_for(app, pair.mentee)
    bad = forms.post(pair.url("/extend"), {"months": "9"})
    assert bad.status_code == 422 and html_lang(bad) == "fr-CA"
    french_request = app.test_request_context("/", headers={"Accept-Language": "fr"})
    with french_request, pytest.raises(FieldErrors) as caught:
        closing.extend(fresh(Mentorship, pair.id), pair.mentee, 9)
    assert caught.value.errors["months"] == [
        f"Choisissez quand nous vous reposerons la question{NBSP}: dans 1 à 6 mois."
    ]
    done = forms.post(pair.url("/extend"), {"months": "2"}, follow_redirects=True)
    text = text_of(done)
    assert (
        "Vous poursuivez. Nous vous reposerons la question à tous les deux le 5 septembre 2026;"
        in (text)
    )
    assert "Prochain bilan 5 septembre 2026" in text


def test_the_feedback_page_in_french_with_its_errors_and_thanks(app, pair, clock_at):
    speaks(pair.mentee, "fr")
    clock_at(at(SIX_MONTHS))
    closing.complete(fresh(Mentorship, pair.id), pair.mentor)
    forms = client_for(app, pair.mentee)
    page = forms.get(pair.url("/feedback"))
    assert html_lang(page) == "fr-CA"
    text = text_of(page)
    assert "Votre rétroaction sur votre mentorat" in text
    assert "Dans quelle mesure les objectifs de votre entente ont-ils été atteints?" in text
    assert f"1{NBSP}: Non atteint" in text and f"5{NBSP}: Pleinement atteint" in text
    assert "Recommanderiez-vous le programme de mentorat à un ou une collègue?" in text
    assert "Oui" in text and "Envoyer votre rétroaction" in text

    first, second = pair.objectives
    refused = forms.post(pair.url("/feedback"), {f"score-{first.id}": "4", "comment": "Merci"})
    assert refused.status_code == 422
    text = text_of(refused)
    assert "Veuillez corriger ces points" in text  # the shared heading of error summaries
    assert "Choisissez oui ou non." in text
    assert (
        f"Indiquez dans quelle mesure l’objectif «{NBSP}{second.name_fr}{NBSP}» a été atteint."
        in (text)
    )

    data = {f"score-{first.id}": "4", f"score-{second.id}": "5", "would_recommend": "yes"}
    thanked = forms.post(pair.url("/feedback"), data, follow_redirects=True)
    assert thanked.status_code == 200
    assert f"Merci de votre rétroaction{NBSP}: elle aide le comité" in text_of(thanked)

    again = forms.get(pair.url("/feedback"))
    assert again.status_code == 409
    text = text_of(again)
    assert "Impossible de faire cela" in text and "Rien n’a été modifié." in text
    assert "Vous avez déjà donné votre rétroaction le 5 juillet 2026." in text


def test_refusals_in_french_name_the_day_the_french_way(app, pair, clock_at):
    speaks(pair.mentee, "fr")
    clock_at(at(SIX_MONTHS - timedelta(days=1)))
    forms = client_for(app, pair.mentee)
    early = forms.post(pair.url("/complete"))
    assert early.status_code == 409
    assert "une fois ses six mois écoulés, à partir du 5 juillet 2026." in text_of(early)
    record = forms.get(pair.url("/record"))
    assert record.status_code == 409
    assert "L’attestation de participation est prête dès que votre mentorat" in text_of(record)
    clock_at(at(SIX_MONTHS))
    closing.complete(fresh(Mentorship, pair.id), pair.mentor)
    twice = client_for(app, pair.mentee).post(pair.url("/end-early"), {"reason": "schedule"})
    assert twice.status_code == 409
    assert "Morgan Mentor a déjà marqué ce mentorat comme terminé le 5 juillet 2026." in (
        text_of(twice)
    )


# --- the certificate -----------------------------------------------------------------------


def _complete_with_90_minutes(pair, clock_at) -> None:
    db.session.add(
        CheckIn(
            mentorship_id=pair.id,
            author_id=pair.mentee.id,
            met_on=START + timedelta(days=10),
            method=vocab(ContactMethod)[0],
            minutes=90,
            how_it_is_going=4,
        )
    )
    db.session.commit()
    clock_at(at(SIX_MONTHS + timedelta(days=1)))
    closing.complete(fresh(Mentorship, pair.id), pair.mentor)


def test_the_certificate_in_french_for_a_french_member(app, french_mentee, clock_at):
    pair = french_mentee
    _complete_with_90_minutes(pair, clock_at)
    mentorship_page = client_for(app, pair.mentee).get(pair.url("")).get_data(as_text=True)
    assert "Consulter et imprimer votre attestation" in mentorship_page

    response = client_for(app, pair.mentee).get(pair.url("/record"), headers=ENGLISH)
    assert response.status_code == 200
    assert html_lang(response) == "fr-CA"
    text = flat(text_of(response).replace(NBSP, "~"))
    assert "Attestation de participation" in text and "Programme de mentorat" in text
    assert (
        "La présente atteste que Emery Mentee a participé au programme de mentorat à titre de "
        "mentoré(e) et a mené son mentorat à terme~: 6 mois, du 5 janvier 2026 au 6 juillet "
        "2026, avec Morgan Mentor comme mentor."
    ) in text
    assert "Mentor Morgan Mentor Mentoré(e) Emery Mentee" in text
    assert "Début 5 janvier 2026 Fin 6 juillet 2026" in text
    assert "Rencontres 1 Heures 1,5" in text
    assert "Objectifs du programme abordés" in text
    assert "Imprimer ou enregistrer en PDF" in text
    assert "Certificate of participation" not in text and "July" not in text


def test_the_certificate_stays_in_english_for_an_english_member(app, french_mentee, clock_at):
    pair = french_mentee
    _complete_with_90_minutes(pair, clock_at)
    response = client_for(app, pair.mentor).get(
        pair.url("/record"), headers={"Accept-Language": "fr"}
    )
    assert html_lang(response) == "en-CA"
    text = flat(text_of(response))
    assert "Certificate of participation" in text
    assert (
        "This certifies that Morgan Mentor took part in the mentoring program as a mentor and "
        "completed the mentorship: 6 months, from 5 January 2026 to 6 July 2026, with Emery "
        "Mentee as mentee."
    ) in text
    assert "Meetings 1 Hours 1.5" in text
    assert "Attestation" not in text


# --- e-mail: in the recipient's language, whoever sends it ---------------------------------


def test_completing_in_english_mails_the_french_partner_in_french(
    app, french_mentee, clock_at, deliver_mail, mail_server
):
    pair = french_mentee
    clock_at(at(SIX_MONTHS))
    forms = client_for(app, pair.mentor)
    assert html_lang(forms.get(pair.url("/close"), headers=ENGLISH)) == "en-CA"
    assert forms.post(pair.url("/complete"), headers=ENGLISH).status_code == 302
    deliver_mail()
    (told,) = mail_server.to(pair.mentee.email)
    assert told["Subject"] == "Morgan Mentor a marqué votre mentorat comme terminé"
    text, page = flat(body_text(told)), flat(body_html(told))
    assert "Bonjour Emery Mentee," in text
    assert (
        "Morgan Mentor a marqué votre mentorat comme terminé (du 5 janvier au 5 juillet)." in text
    )
    assert "Votre attestation de participation, à imprimer ou à conserver" in text
    assert "<strong>Morgan Mentor</strong> a marqué votre mentorat comme terminé" in page
    assert "Donner votre rétroaction</a>" in page
    assert "Votre attestation de participation</a>, à imprimer ou à conserver." in page
    assert "marked" not in text + page and "July" not in text + page
    (asked,) = mail_server.to(pair.mentor.email)
    assert asked["Subject"] == "Your feedback on your mentorship"  # the sender's own: English


def test_the_feedback_request_reaches_a_french_actor_in_french(
    app, french_mentee, clock_at, deliver_mail, mail_server
):
    pair = french_mentee
    clock_at(at(START + timedelta(days=30)))
    with app.test_request_context("/", headers=ENGLISH):
        closing.end_early(fresh(Mentorship, pair.id), pair.mentee, "schedule", None)
    deliver_mail()
    (asked,) = mail_server.to(pair.mentee.email)
    assert asked["Subject"] == "Votre rétroaction sur votre mentorat"
    text, page = flat(body_text(asked)), flat(body_html(asked))
    assert "Votre mentorat avec Morgan Mentor a pris fin. Merci d’y avoir participé." in text
    assert f"seul le comité lit vos réponses{NBSP}:" in text
    assert "Si ce n’est pas déjà fait, dites au comité de mentorat" in page
    (told,) = mail_server.to(pair.mentor.email)
    assert told["Subject"] == "Emery Mentee ended your mentorship"


def test_ending_early_in_english_mails_the_french_partner_in_french(
    app, french_mentee, clock_at, deliver_mail, mail_server
):
    pair = french_mentee
    clock_at(at(START + timedelta(days=60)))
    forms = client_for(app, pair.mentor)
    response = forms.post(
        pair.url("/end-early"), {"reason": "schedule", "confirmed": "yes"}, headers=ENGLISH
    )
    assert response.status_code == 302
    deliver_mail()
    (told,) = mail_server.to(pair.mentee.email)
    assert told["Subject"] == "Morgan Mentor a mis fin à votre mentorat"
    text, page = flat(body_text(told)), flat(body_html(told))
    assert "Morgan Mentor a mis fin à votre mentorat, commencé le 5 janvier." in text
    assert "<strong>Morgan Mentor</strong> a mis fin à votre mentorat" in page
    assert "Le comité de mentorat aimerait savoir comment s’est déroulé votre mentorat." in page
    assert "ended" not in text + page


def test_extending_in_english_mails_the_french_partner_in_french(
    app, french_mentee, clock_at, deliver_mail, mail_server
):
    pair = french_mentee
    clock_at(at(SIX_MONTHS))
    forms = client_for(app, pair.mentor)
    assert forms.post(pair.url("/extend"), {"months": "2"}, headers=ENGLISH).status_code == 302
    deliver_mail()
    (told,) = mail_server.to(pair.mentee.email)
    assert told["Subject"] == "Morgan Mentor a prolongé votre mentorat"
    text, page = flat(body_text(told)), flat(body_html(told))
    assert "Nous vous reposerons la question à tous les deux le 5 septembre 2026;" in text
    assert f"Votre mentorat{NBSP}: http://localhost/mentorships/{pair.id}" in text
    assert "<strong>Morgan Mentor</strong> a choisi de poursuivre votre mentorat." in page
    assert "September" not in text + page


def test_the_daily_job_asks_each_partner_in_their_language(
    app, french_mentee, clock_at, deliver_mail, mail_server
):
    pair = french_mentee
    clock_at(at(SIX_MONTHS, 6))
    assert run_mentorship_reminders().review_prompts == 1
    deliver_mail()
    (french,) = [m for m in mail_server.to(pair.mentee.email) if "poursuivre" in m["Subject"]]
    assert french["Subject"] == f"Votre mentorat{NBSP}: le terminer ou le poursuivre?"
    text, page = flat(body_text(french)), flat(body_html(french))
    assert "Votre mentorat avec Morgan Mentor a atteint ses six mois." in text
    assert f"Terminer ou poursuivre{NBSP}: http://localhost/mentorships/{pair.id}/close" in text
    assert "le marquer comme terminé" in page and "Terminer ou poursuivre</a>" in page
    (english,) = [m for m in mail_server.to(pair.mentor.email) if "carry on" in m["Subject"]]
    assert english["Subject"] == "Your mentorship: complete it, or carry on?"
    mail_server.clear()

    # After an extension the prompt names the date they chose, the French way.
    closing.extend(fresh(Mentorship, pair.id), pair.mentor, 2)
    review = add_months(SIX_MONTHS, 2)
    clock_at(at(review, 6))
    assert run_mentorship_reminders().review_prompts == 1
    deliver_mail()
    (french,) = [m for m in mail_server.to(pair.mentee.email) if "poursuivre" in m["Subject"]]
    assert (
        "Vous et Morgan Mentor avez choisi de poursuivre votre mentorat jusqu’au 5 septembre "
        "2026. Cette date est arrivée."
    ) in flat(body_text(french))


def test_closing_e_mail_looks_up_no_language(app, french_mentee, clock_at):
    """The service holds both accounts: it passes their languages, so enqueue runs no query
    for an address's language."""
    pair = french_mentee
    clock_at(at(SIX_MONTHS))
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        closing.complete(fresh(Mentorship, pair.id), pair.mentor)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert statements
    assert not [s for s in statements if re.match(r"SELECT users\.locale\s+FROM", s)]
