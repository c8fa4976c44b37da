"""Requests and decision links in French: the request form, the requests page and the
decision page (/respond) in French, with their errors and flash messages; each request e-mail
in its recipient's language whoever's action sends it, through the real SMTP server; the
decision page in the mentor's language unless the visitor chose one."""

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import event

from app import clock
from app.extensions import db
from app.i18n import COOKIE_NAME
from app.models import ContactMethod, MentorshipRequest, Objective
from app.requests import jobs, services
from app.requests.links import make_link_token
from tests import support
from tests.factories import GOALS, ask, contact_id, objective_id, vocab
from tests.support import body_html, body_text, client_for, csrf_token_from, text_of

pytestmark = pytest.mark.usefixtures("restore_vocabularies")

ENGLISH = {"Accept-Language": "en-CA,en;q=0.9"}
FRENCH = {"Accept-Language": "fr-CA,fr;q=0.9"}
NBSP = "\u00a0"


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True)).group(1)


def french_text(response, status: int = 200) -> str:
    """The text of a page that must be in French (`<html lang="fr-CA">`)."""
    assert response.status_code == status and html_lang(response) == "fr-CA"
    return text_of(response)


def in_french(user):
    user.locale = "fr"
    db.session.commit()
    return user


def request_form(**overrides) -> dict:
    data = {"message": GOALS, "objectives": [objective_id()], "contact_method": contact_id()}
    data.update(overrides)
    return data


@pytest.fixture
def march_3(clock_at):
    """3 March 2026, 10:00 program time: a request sent now is answered by 17 March."""
    clock_at(datetime(2026, 3, 3, 15, 0))


def mail_text(message) -> str:
    return body_text(message).replace("\r\n", "\n")


def says(text: str, *expected: str) -> None:
    for sentence in expected:
        assert sentence in text, sentence


@pytest.fixture
def quietly_asked(deliver_mail, mail_server):
    """`quietly_asked(mentee, mentor)`: a request whose e-mail to the mentor is out of the way."""

    def make(mentee, mentor):
        request = ask(mentee, mentor)
        deliver_mail()
        mail_server.clear()
        return request

    return make


@pytest.fixture
def the_message_to(deliver_mail, mail_server):
    """`the_message_to(user)`: deliver the outbox, and the one message `user` received."""

    def find(user):
        deliver_mail()
        (message,) = mail_server.to(user.email)
        return message

    return find


# --- pages ----------------------------------------------------------------------------------


def test_the_request_form_in_french_with_a_french_error_keeps_what_was_typed(
    app, make_mentee, make_mentor
):
    mentee = in_french(make_mentee(name="Emery Mentee"))
    mentor = make_mentor(name="Morgan Mentor")
    client = client_for(app, mentee)
    page = client.get(f"/mentors/{mentor.id}/request")
    says(
        french_text(page),
        "Demander à Morgan Mentor d’être votre mentor",
        "Votre message au mentor",
        "Ce sur quoi vous espérez travailler et pourquoi vous avez choisi ce mentor",
        "Comment vous aimeriez vous rencontrer",
        "Envoyer la demande",
    )
    # The limit written the French way (text_of makes every space a plain one).
    assert "2\u202f000 caractères" in page.get_data(as_text=True)
    response = client.post(f"/mentors/{mentor.id}/request", data=request_form(message="Bonjour"))
    assert response.status_code == 422
    text = text_of(response)
    assert "Écrivez au moins 50 caractères sur vos objectifs (vous en avez écrit 7)." in text
    assert "Bonjour" in response.get_data(as_text=True)
    assert db.session.query(MentorshipRequest).count() == 0


def test_sending_a_request_in_french_flashes_in_french_and_lists_it_in_french(
    app, make_mentee, make_mentor, march_3
):
    mentee = in_french(make_mentee(name="Emery Mentee"))
    mentor = make_mentor(name="Morgan Mentor")
    client = client_for(app, mentee)
    response = client.post(f"/mentors/{mentor.id}/request", data=request_form())
    assert response.status_code == 302
    page = client.get("/requests")
    assert html_lang(page) == "fr-CA"
    text = text_of(page)
    says(
        text,
        "Votre demande est en route vers Morgan Mentor, qui a jusqu’au 17 mars pour y répondre",
        "Vos demandes",
        "Demandes envoyées",
        "À Morgan Mentor",
        "En attente d’une réponse",
        "Envoyée le 3 mars.",
        "Réponse attendue au plus tard le 17 mars.",
        "Votre message",
        "Retirer votre demande à Morgan Mentor?",
    )
    assert "Waiting for an answer" not in text


def test_a_french_mentor_declines_on_the_requests_page_in_french(
    app, make_mentee, make_mentor, march_3
):
    mentor = in_french(make_mentor(name="Morgan Mentor"))
    request = ask(make_mentee(name="Emery Mentee"), mentor)
    client = client_for(app, mentor)
    page = text_of(client.get("/requests"))
    assert "Demandes reçues" in page and "De Emery Mentee" in page
    assert "Note pour Emery Mentee (facultative)" in page
    assert "1 000 caractères au maximum" in page

    too_long = client.post(f"/requests/{request.id}/decline", data={"note": "x" * 1001})
    assert too_long.status_code == 422
    assert "Utilisez au plus 1\u202f000 caractères (vous en avez écrit 1\u202f001)." in (
        too_long.get_data(as_text=True)
    )
    assert support.fresh(MentorshipRequest, request.id).is_pending

    response = client.post(f"/requests/{request.id}/decline", data={"note": "Bonne chance!"})
    assert response.status_code == 302
    text = text_of(client.get("/requests"))
    assert (
        "Vous avez décliné la demande de Emery Mentee. Nous l’en avons informé(e) avec délicatesse."
        in text
    )
    assert "Refusée Envoyée le 3 mars. Refusée le 3 mars. Votre note : Bonne chance!" in text


def test_the_decision_page_is_in_the_mentors_language_unless_the_visitor_chose_one(
    app, make_mentee, make_mentor, make_member
):
    mentor = in_french(make_mentor(name="Morgan Mentor"))
    request = ask(make_mentee(name="Emery Mentee"), mentor)
    path = f"/respond/{make_link_token(request)}"

    # Opened from the e-mail in a browser that speaks English and never chose: the mentor's.
    page = app.test_client().get(path, headers=ENGLISH)
    says(
        french_text(page),
        "Emery Mentee aimerait vous avoir comme mentor",
        "Cette demande a été envoyée à Morgan Mentor",
        "Inutile de vous connecter",
        "Ce que demande Emery Mentee",
        "Accepter : le mentorat commence aujourd’hui",
        "Je n’accueille pas de nouveaux mentoré(e)s pour l’instant",
    )
    assert re.search(r'type="submit"[^>]*value="Envoyer ma réponse"', page.get_data(as_text=True))

    # The visitor chose English with the header's switch: their choice wins.
    chose = app.test_client()
    chose.set_cookie(COOKIE_NAME, "en")
    assert html_lang(chose.get(path, headers=FRENCH)) == "en-CA"

    # Someone signed in reads it in their account's language.
    other = make_member(name="Olive Other")
    other.locale = "en"
    db.session.commit()
    signed_in = app.test_client()
    support.sign_in(signed_in, other.email)
    page = signed_in.get(path, headers=FRENCH)
    assert html_lang(page) == "en-CA"
    assert "You are signed in as Olive Other" in text_of(page)

    # An English mentor's link opened in a French browser: the mentor's language comes first.
    english_mentor = make_mentor(name="Eli English")
    english_mentor.locale = "en"
    db.session.commit()
    other_request = ask(make_mentee(name="Fanny Mentee"), english_mentor)
    page = app.test_client().get(f"/respond/{make_link_token(other_request)}", headers=FRENCH)
    assert html_lang(page) == "en-CA"


def test_choosing_the_mentors_language_loads_the_request_once(app, make_mentee, make_mentor):
    mentor = in_french(make_mentor(name="Morgan Mentor"))
    path = f"/respond/{make_link_token(ask(make_mentee(name='Emery Mentee'), mentor))}"
    client = app.test_client()
    client.get(path)
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        page = client.get(path, headers=ENGLISH)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert html_lang(page) == "fr-CA"
    # The language's look-up and the page share the request and its mentor.
    by_id = [s for s in statements if "WHERE mentorship_requests.id =" in s]
    users_read = [s for s in statements if s.startswith("SELECT users.id")]
    assert len(by_id) == 1
    assert len(users_read) == 2  # the mentor, the mentee
    assert len(statements) <= 12


def test_a_bad_link_is_refused_in_the_browsers_language(app):
    page = app.test_client().get("/respond/not-a-token", headers=FRENCH)
    assert "Ce lien n’est pas valide" in french_text(page, status=404)


def test_the_decision_page_says_in_french_what_is_missing_and_what_was_done(
    app, make_mentee, make_mentor, march_3
):
    mentor = in_french(make_mentor(name="Morgan Mentor"))
    request = ask(make_mentee(name="Emery Mentee"), mentor)
    path = f"/respond/{make_link_token(request)}"
    client = app.test_client()
    token = csrf_token_from(client.get(path).get_data(as_text=True))
    nothing = client.post(path, data={"csrf_token": token})
    assert nothing.status_code == 400
    text = text_of(nothing)
    assert "Rien n’a été modifié" in text
    assert f"Choisissez votre réponse{NBSP}: Accepter ou Décliner." in nothing.get_data(
        as_text=True
    )

    done = client.post(path, data={"csrf_token": token, "choice": "decline"})
    assert done.status_code == 303
    text = text_of(client.get(path))
    assert "Vous avez décliné la demande de Emery Mentee." in text
    assert "Demande déclinée" in text and "Vous avez décliné cette demande le 3 mars." in text


# --- e-mail in the recipient's language -----------------------------------------------------


def test_a_french_mentor_gets_the_request_in_french_and_the_english_mentee_the_answer_in_english(
    app, make_mentee, make_mentor, deliver_mail, mail_server, the_message_to, march_3
):
    mentee = make_mentee(name="Emery Mentee")
    mentee.locale = "en"
    mentor = in_french(make_mentor(name="Morgan Mentor"))
    mentee_client = client_for(app, mentee)
    sent = mentee_client.post(f"/mentors/{mentor.id}/request", data=request_form(), headers=ENGLISH)
    assert sent.status_code == 302
    page = text_of(mentee_client.get("/requests", headers=ENGLISH))
    assert "Your request is on its way to Morgan Mentor. They have until 17 March" in page

    to_mentor = the_message_to(mentor)
    assert to_mentor["Subject"] == "Emery Mentee aimerait vous avoir comme mentor"
    text, html = mail_text(to_mentor), body_html(to_mentor)
    says(
        text,
        "Bonjour Morgan Mentor,",
        "Emery Mentee aimerait vous avoir comme mentor dans le programme de mentorat de l’OLA.",
        f"À propos de Emery Mentee{NBSP}:",
        f"Aide souhaitée{NBSP}:",
        f"Accepter{NBSP}: http://localhost/respond/",
        "Veuillez répondre au plus tard le 17 mars.",
    )
    assert "Veuillez répondre au plus tard le 17 mars." in html
    assert ">Accepter</a>" in html and ">Décliner</a>" in html
    assert "Please answer" not in text + html
    mail_server.clear()

    # The French mentor accepts from the e-mail's link, in a browser that speaks English.
    accept = next(link for link in support.links_in(to_mentor) if link.endswith("?choice=accept"))
    path = accept.removeprefix("http://localhost")
    browser = app.test_client()
    page = browser.get(path, headers=ENGLISH)
    assert html_lang(page) == "fr-CA"
    token = csrf_token_from(page.get_data(as_text=True))
    done = browser.post(path, data={"csrf_token": token, "choice": "accept"}, headers=ENGLISH)
    assert done.status_code == 303
    assert (
        "Vous avez accepté la demande de Emery Mentee. Nous vous avons présentés l’un à l’autre "
        "par courriel; votre mentorat dure au moins jusqu’au 3 septembre."
    ) in text_of(browser.get(path, headers=ENGLISH))

    deliver_mail()
    (to_mentee,) = mail_server.to(mentee.email)
    (introduction,) = mail_server.to(mentor.email)
    assert to_mentee["Subject"] == "Morgan Mentor accepted your request"
    mentee_text = mail_text(to_mentee)
    assert "Good news: Morgan Mentor accepted your request and will be your mentor." in (
        mentee_text
    )
    assert "until 3 September" in mentee_text
    assert introduction["Subject"] == "Faites la connaissance de votre mentoré(e), Emery Mentee"


def test_an_english_mentor_declines_and_the_french_mentee_reads_it_in_french(
    app, make_mentee, make_mentor, quietly_asked, the_message_to, march_3
):
    mentee = in_french(make_mentee(name="Emery Mentee"))
    mentor = make_mentor(name="Morgan Mentor")
    request = quietly_asked(mentee, mentor)
    client = client_for(app, mentor)
    client.post(f"/requests/{request.id}/decline", data={"note": "Try Sam."}, headers=ENGLISH)
    assert "You declined Emery Mentee's request." in text_of(client.get("/requests"))
    message = the_message_to(mentee)
    assert message["Subject"] == "Une réponse de Morgan Mentor"
    says(
        mail_text(message),
        "Bonjour Emery Mentee,",
        "Merci d’avoir demandé à Morgan Mentor d’être votre mentor.",
        f"Son mot pour vous{NBSP}:\nTry Sam.",
        "Ce n’est en rien un jugement sur vous",
    )
    assert "Merci d’avoir demandé à Morgan Mentor d’être votre mentor." in body_html(message)


def test_the_daily_job_writes_each_mentee_and_mentor_in_their_language(
    app, make_mentee, make_mentor, deliver_mail, mail_server, march_3, clock_at
):
    french_mentee = in_french(make_mentee(name="Emery Mentee"))
    french_mentor = in_french(make_mentor(name="Morgan Mentor"))
    expiring = ask(french_mentee, make_mentor(name="Eli English"))
    reminded = ask(make_mentee(name="Fanny Mentee"), french_mentor)
    deliver_mail()
    mail_server.clear()

    clock_at(datetime(2026, 3, 11, 15, 0))  # past half-way: the mentors are reminded
    assert jobs.run_request_jobs().reminded == 2
    deliver_mail()
    (reminder,) = mail_server.to(french_mentor.email)
    assert reminder["Subject"] == f"Rappel{NBSP}: Fanny Mentee attend votre réponse"
    assert "La demande se ferme le 17 mars." in mail_text(reminder)
    mail_server.clear()

    clock_at(datetime(2026, 3, 18, 15, 0))
    assert jobs.run_request_jobs().expired == 2
    deliver_mail()
    (expired,) = mail_server.to(french_mentee.email)
    assert expired["Subject"] == f"Pas de réponse de Eli English{NBSP}: essayez un autre mentor"
    assert "Votre demande à Eli English, envoyée le 3 mars, s’est fermée sans réponse." in (
        mail_text(expired)
    )
    assert support.fresh(MentorshipRequest, expiring.id).status == MentorshipRequest.EXPIRED
    assert support.fresh(MentorshipRequest, reminded.id).status == MentorshipRequest.EXPIRED


def test_a_withdrawal_reaches_the_french_mentor_in_french(
    app, make_mentee, make_mentor, quietly_asked, the_message_to
):
    mentee = make_mentee(name="Emery Mentee")
    mentor = in_french(make_mentor(name="Morgan Mentor"))
    request = quietly_asked(mentee, mentor)
    client = client_for(app, mentee)
    client.post(f"/requests/{request.id}/withdraw", headers=ENGLISH)
    assert "You withdrew your request to Morgan Mentor." in text_of(client.get("/requests"))
    message = the_message_to(mentor)
    assert message["Subject"] == "Emery Mentee a retiré sa demande"
    assert "Emery Mentee a retiré sa demande de mentorat." in mail_text(message)


def test_a_french_mentee_away_notice_writes_the_return_day_in_french(
    app, make_mentee, make_mentor, quietly_asked, the_message_to, march_3
):
    mentee = in_french(make_mentee(name="Emery Mentee"))
    mentor = make_mentor(name="Morgan Mentor")
    quietly_asked(mentee, mentor)
    other = quietly_asked(make_mentee(name="Fanny Mentee"), mentor)
    path = f"/respond/{make_link_token(other)}"
    browser = app.test_client()
    token = csrf_token_from(browser.get(path, headers=ENGLISH).get_data(as_text=True))
    back = clock.today() + timedelta(days=30)
    response = browser.post(
        path,
        data={
            "csrf_token": token,
            "choice": "decline",
            "pause": "away",
            "away_until": back.isoformat(),
        },
        headers=ENGLISH,
    )
    assert response.status_code == 303
    held = the_message_to(mentee)
    assert held["Subject"] == "Morgan Mentor est absent(e) jusqu’au 2 avril"
    assert "au plus tard le 9 avril" in mail_text(held)


def test_a_committee_request_reaches_each_side_in_their_language(
    app, make_mentee, make_mentor, the_message_to, march_3
):
    mentee = in_french(make_mentee(name="Emery Mentee"))
    mentor = in_french(make_mentor(name="Morgan Mentor"))
    services.add_committee_request(
        mentee,
        mentor,
        GOALS,
        vocab(Objective, "job-search"),
        vocab(ContactMethod)[0],
        clock.utcnow(),
    )
    db.session.commit()
    to_mentee = the_message_to(mentee)
    assert to_mentee["Subject"] == (
        f"Le comité de mentorat vous a trouvé un mentor{NBSP}: Morgan Mentor"
    )
    assert "lui avons demandé de confirmer au plus tard le 17 mars." in mail_text(to_mentee)
    to_mentor = the_message_to(mentor)
    assert (
        to_mentor["Subject"] == "Le comité de mentorat vous propose Emery Mentee comme mentoré(e)"
    )
    says(
        mail_text(to_mentor),
        "vous propose Emery Mentee comme mentoré(e).",
        f"La note du comité{NBSP}:",
    )
