"""The mentorship page and its e-mails in French: a member who chose French reads the page, its
form errors, its flash and live-region messages, dates ("5 janvier 2026") and times ("14 h 30")
in French, and is written to in French (the invitation's calendar text too) while their
English-speaking partner acts; the daily job writes each of the pair in their own language."""

import html
from datetime import timedelta

import icalendar
import pytest
from sqlalchemy import select

from app.extensions import db
from app.mentorships.reminders import run_mentorship_reminders
from app.models import CheckIn, ContactMethod, Goal, Objective, OutboxEmail
from tests.factories import START, at, vocab
from tests.support import body_html, body_text, client_for

HTMX = {"HX-Request": "true"}
NBSP = "\u00a0"


def page_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def in_french(user) -> None:
    user.locale = "fr"
    db.session.commit()


@pytest.fixture
def french_mentee(app, pair, clock_at):
    """The pair with the mentee reading French, a week after they started; (mentor's client,
    mentee's client)."""
    clock_at(at(START + timedelta(days=7)))
    in_french(pair.mentee)
    return client_for(app, pair.mentor, remember=True), client_for(app, pair.mentee, remember=True)


def check_in_data(**overrides) -> dict:
    data = {
        "check_in-met_on": (START + timedelta(days=1)).isoformat(),
        "check_in-method": str(vocab(ContactMethod)[0].id),
        "check_in-minutes": "45",
        "check_in-objectives": [str(vocab(Objective)[0].id)],
        "check_in-shared_note": "",
        "check_in-private_note": "",
        "check_in-how_it_is_going": "4",
    }
    data.update(overrides)
    return data


def meeting_data(**overrides) -> dict:
    data = {
        "next_meeting_on": (START + timedelta(days=10)).isoformat(),  # Thursday 15 January 2026
        "next_meeting_time": "14:30",
        "next_meeting_method": str(vocab(ContactMethod)[0].id),
        "next_meeting_place": "",
        "next_meeting_link": "https://meet.example.org/mentoring-42",
    }
    data.update(overrides)
    return data


def outbox_to(address: str, template: str) -> list[OutboxEmail]:
    db.session.expire_all()
    return db.session.scalars(
        select(OutboxEmail)
        .where(OutboxEmail.recipient == address, OutboxEmail.template == template)
        .order_by(OutboxEmail.id)
    ).all()


def test_the_mentorship_page_in_french(pair, french_mentee):
    mentor, mentee = french_mentee
    response = mentee.get(pair.url())
    assert response.status_code == 200
    page = page_of(response)
    assert '<html lang="fr-CA">' in page
    assert "Votre mentorat avec Morgan Mentor" in page
    assert "Vous êtes mentoré(e), et Morgan Mentor est votre mentor." in page
    assert "En cours" in page  # the status
    assert "En un coup d’œil" in page and "Suivis" in page and "Votre entente" in page
    assert "5 janvier 2026" in page and "5 juillet 2026" in page  # the start, six months on
    assert f"3{NBSP}%{NBSP}: 7 jours sur 181." in page  # the progress, Babel's percent
    assert "Pas encore rédigée" in page  # the agreement
    assert "Consigner un suivi" in page and "Ajouter le suivi" in page
    assert "Date de la rencontre" in page  # a form label
    for english in ("At a glance", "Your agreement", "Log a check-in", "January"):
        assert english not in page
    # The English-speaking partner still reads English.
    english_page = page_of(mentor.get(pair.url()))
    assert '<html lang="en-CA">' in english_page
    assert "At a glance" in english_page and "5 January 2026" in english_page


def test_the_agreement_form_in_french(pair, french_mentee):
    _, mentee = french_mentee
    page = page_of(mentee.get(pair.url("/agreement/edit")))
    assert "Votre entente avec Morgan Mentor" in page
    assert "Une fois par mois" in page and "Toutes les deux semaines" in page
    assert "Au plus 1\u202f000 caractères." in page  # Babel writes the number the French way
    response = mentee.post(
        pair.url("/agreement"),
        {"agreement-meeting_frequency": "weekly", "agreement-goals_text": "x" * 1001},
    )
    assert response.status_code == 422
    assert "Utilisez au plus 1\u202f000 caractères." in page_of(response)
    fragment = page_of(
        mentee.post(pair.url("/agreement"), {"agreement-meeting_frequency": "weekly"}, headers=HTMX)
    )
    assert "Entente enregistrée. Elle pourra être confirmée une fois complète." in fragment
    assert (
        "Reste à convenir\u00a0: la façon de vous rencontrer, vos objectifs et "
        "l’engagement à garder la relation confidentielle."
    ) in fragment


def test_the_list_of_mentorships_in_french(pair, french_mentee):
    _, mentee = french_mentee
    page = page_of(mentee.get("/mentorships"))
    assert "Vos mentorats" in page and "Vos mentorats en cours" in page
    assert "<td>mentoré(e)</td>" in page and "5 janvier 2026" in page
    assert "Aucun mentorat passé." in page


def test_a_check_in_form_error_in_french(pair, french_mentee):
    _, mentee = french_mentee
    response = mentee.post(pair.url("/check-ins"), check_in_data(**{"check_in-minutes": "0"}))
    assert response.status_code == 422
    page = page_of(response)
    assert "Veuillez corriger ce point" in page
    assert f"Minutes{NBSP}: Entrez un nombre de minutes de 1 à 600." in page
    assert 'value="0"' in page  # what was typed is kept
    before_start = check_in_data(**{"check_in-met_on": (START - timedelta(days=3)).isoformat()})
    page = page_of(mentee.post(pair.url("/check-ins"), before_start, headers=HTMX))
    assert "La date ne peut pas précéder le début de votre mentorat (5 janvier 2026)." in page
    missing = check_in_data(**{"check_in-method": "", "check_in-how_it_is_going": ""})
    page = page_of(mentee.post(pair.url("/check-ins"), missing))
    assert "Veuillez corriger ces points" in page
    assert "Indiquez comment vous vous êtes rencontrés." in page
    assert "Indiquez comment ça se passe, de 1 à 5." in page
    assert db.session.scalars(select(CheckIn)).all() == []


def test_a_flash_and_the_live_region_in_french_after_a_check_in(pair, french_mentee):
    _, mentee = french_mentee
    response = mentee.post(pair.url("/check-ins"), check_in_data())
    assert response.status_code == 302
    page = page_of(mentee.get(response.headers["Location"]))
    assert "Suivi ajouté." in page
    assert "6 janvier 2026" in page  # the check-in's day in the timeline
    assert "Consigné par vous." in page and "Comment ça se passe" in page
    # With HTMX: the announcement for the live region, and the timeline, in French.
    fragment = page_of(
        mentee.post(
            pair.url("/check-ins"),
            check_in_data(**{"check_in-met_on": (START + timedelta(days=2)).isoformat()}),
            headers=HTMX,
        )
    )
    assert '<div hx-swap-oob="innerHTML:#check-in-announcement">Suivi ajouté.</div>' in fragment
    assert "7 janvier 2026" in fragment and "45 minutes" in fragment
    assert "<dt>Heures</dt><dd>1,5</dd>" in fragment  # two meetings of 45 minutes


def test_the_next_meeting_and_goal_messages_in_french(pair, french_mentee):
    _, mentee = french_mentee
    fragment = page_of(mentee.post(pair.url("/next-meeting"), meeting_data(), headers=HTMX))
    assert "Prochaine rencontre enregistrée." in fragment
    assert "jeudi 15 janvier 2026 à 14 h 30 (America/Toronto)" in fragment
    errors = page_of(
        mentee.post(
            pair.url("/next-meeting"),
            meeting_data(next_meeting_on="", next_meeting_link="ftp://x"),
            headers=HTMX,
        )
    )
    assert "Entrez la date de la rencontre." in errors
    assert "Entrez une adresse Web qui commence par https:// ou http://." in errors
    added = page_of(mentee.post(pair.url("/goals"), {"goal-text": "Revoir mon CV"}, headers=HTMX))
    assert f"Objectif ajouté{NBSP}: Revoir mon CV" in added
    goal_id = db.session.scalars(select(Goal.id)).one()
    done = page_of(mentee.post(pair.url(f"/goals/{goal_id}/done"), {"done": "1"}, headers=HTMX))
    assert f"Revoir mon CV{NBSP}: atteint." in done


def test_the_meeting_invitation_in_french_for_the_french_partner(
    pair, french_mentee, mail_server, deliver_mail
):
    mentor, _ = french_mentee
    # The English-speaking mentor plans the meeting, browsing in English.
    response = mentor.post(
        pair.url("/next-meeting"), meeting_data(), headers={"Accept-Language": "en"}
    )
    assert response.status_code == 302
    deliver_mail()
    [french] = mail_server.to(pair.mentee.email)
    assert french["Subject"] == f"Invitation{NBSP}: rencontre de mentorat avec Morgan Mentor"
    text, page = body_text(french), html.unescape(body_html(french))
    for body in (text, page):
        assert "Bonjour Emery Mentee," in body
        assert "Morgan Mentor" in body and "a planifié votre prochaine rencontre" in body
        assert f"Quand{NBSP}: jeudi 15 janvier 2026 à 14 h 30 (America/Toronto)" in body
        assert "L’invitation est jointe" in body
        assert "Thursday" not in body and "Hello" not in body
    [part] = [p for p in french.iter_attachments() if p.get_content_type() == "text/calendar"]
    [event] = icalendar.Calendar.from_ical(part.get_content()).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Rencontre de mentorat avec Morgan Mentor"
    description = str(event["DESCRIPTION"])
    assert f"Lien{NBSP}: https://meet.example.org/mentoring-42" in description
    assert f"Votre mentorat dans Mentor Match{NBSP}:" in description
    # The mentor, who planned it, reads English, the calendar text too.
    [english] = mail_server.to(pair.mentor.email)
    assert english["Subject"] == "Invitation: mentoring meeting with Emery Mentee"
    assert "You planned your next mentoring meeting with Emery Mentee:" in body_text(english)
    assert "Thursday 15 January 2026, 14:30 (America/Toronto)" in body_text(english)
    [part] = [p for p in english.iter_attachments() if p.get_content_type() == "text/calendar"]
    [event] = icalendar.Calendar.from_ical(part.get_content()).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Mentoring meeting with Emery Mentee"


def test_the_cancellation_in_french(pair, french_mentee, mail_server, deliver_mail):
    mentor, _ = french_mentee
    mentor.post(pair.url("/next-meeting"), meeting_data())
    mentor.post(pair.url("/next-meeting/cancel"))
    [message] = outbox_to(pair.mentee.email, "meeting_cancelled")
    assert message.subject == f"Annulée{NBSP}: rencontre de mentorat avec Morgan Mentor"
    assert "a annulé votre prochaine rencontre de mentorat" in message.body_text
    assert "STATUS:CANCELLED" in message.attachment_text
    assert "SUMMARY:Rencontre de mentorat avec Morgan Mentor" in message.attachment_text


def test_the_check_in_and_agreement_e_mails_in_french(pair, french_mentee):
    mentor, _ = french_mentee
    assert mentor.post(pair.url("/check-ins"), check_in_data()).status_code == 302
    [message] = outbox_to(pair.mentee.email, "mentorship_check_in")
    assert message.subject == "Morgan Mentor a consigné un suivi de mentorat"
    assert "votre rencontre du 6 janvier 2026" in message.body_text
    assert "«\u00a0Vos paramètres de courriel\u00a0»" in message.body_text
    mentor.post(
        pair.url("/agreement"),
        {
            "agreement-meeting_frequency": "weekly",
            "agreement-contact_methods": [str(vocab(ContactMethod)[0].id)],
            "agreement-objectives": [str(vocab(Objective)[0].id)],
            "agreement-goals_text": "",
            "agreement-confidentiality_acknowledged": "y",
        },
    )
    [message] = outbox_to(pair.mentee.email, "mentorship_agreement_changed")
    assert message.subject == "Morgan Mentor a mis à jour votre entente de mentorat"
    assert "a modifié l’entente de votre mentorat et en a confirmé" in message.body_html


def test_the_daily_reminders_in_each_members_language(app, pair, clock_at):
    in_french(pair.mentee)
    db.session.add(
        CheckIn(
            mentorship_id=pair.id,
            author_id=pair.mentee.id,
            met_on=START + timedelta(days=1),
            method=vocab(ContactMethod)[0],
            minutes=45,
            how_it_is_going=4,
        )
    )
    db.session.commit()
    clock_at(at(START + timedelta(days=33), 6))
    # The daily job runs with no request: each e-mail is in its recipient's language.
    assert run_mentorship_reminders().check_in_reminders == 1
    [french] = outbox_to(pair.mentee.email, "mentorship_reminder")
    assert french.subject == "Le moment de faire un suivi de mentorat?"
    for body in (french.body_text, html.unescape(french.body_html)):
        assert "Bonjour Emery Mentee," in body
        assert "Votre dernier suivi de mentorat avec Morgan Mentor date du 6 janvier 2026." in body
        assert "Plus de 30 jours se sont écoulés" in body
    [english] = outbox_to(pair.mentor.email, "mentorship_reminder")
    assert english.subject == "Time for a mentoring check-in?"
    assert "was on 6 January 2026" in english.body_text


def test_the_mid_point_prompt_in_french(app, pair, clock_at):
    in_french(pair.mentee)
    clock_at(at(START + timedelta(days=92), 6))
    run_mentorship_reminders()
    [french] = outbox_to(pair.mentee.email, "mentorship_midpoint")
    assert french.subject == f"À mi-parcours{NBSP}: faites le point sur votre mentorat"
    assert "les mois qui vous mènent au 5 juillet 2026" in french.body_text


def test_the_check_in_edit_page_and_its_refusal_in_french(pair, french_mentee, clock_at):
    _, mentee = french_mentee
    mentee.post(pair.url("/check-ins"), check_in_data())
    check_in_id = db.session.scalars(select(CheckIn.id)).one()
    page = page_of(mentee.get(pair.url(f"/check-ins/{check_in_id}/edit")))
    assert "Modifier votre suivi du 6 janvier 2026" in page
    assert "Vous pouvez le modifier ou le supprimer jusqu’au 26 janvier 2026." in page
    assert "Supprimer ce suivi" in page
    # Fifteen days after it was added, the edit window has closed: a French refusal.
    clock_at(at(START + timedelta(days=22)))
    response = mentee.get(pair.url(f"/check-ins/{check_in_id}/edit"))
    assert response.status_code == 409
    page = page_of(response)
    assert "Impossible de faire cela" in page
    assert (
        "Un suivi peut être modifié ou supprimé pendant 14 jours après son ajout. "
        f"Celui-ci a été ajouté le 12 janvier 2026{NBSP}: il reste donc tel quel."
    ) in page
    assert "Rien n’a été modifié." in page and "Retour à votre mentorat" in page
