"""Mentorship pages: who may see and do what, the agreement and its
confirmations, check-ins and their rules, goals, progress, the next meeting's calendar file,
e-mail to the partner, and the confidentiality of private notes."""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    CheckIn,
    ContactMethod,
    Goal,
    Mentorship,
    MentorshipAgreement,
    Objective,
    OutboxEmail,
    User,
)
from tests.factories import vocab
from tests.support import FormClient, body_html, body_text, client_for

NOW = datetime(2026, 3, 10, 15, 0)
STARTED = date(2026, 2, 1)
HTMX = {"HX-Request": "true"}


@dataclass
class SignedInPair:
    """Two members at the start of a mentorship, each with a signed-in client."""

    mentorship: Mentorship
    mentor: User
    mentee: User
    as_mentor: FormClient
    as_mentee: FormClient

    @property
    def url(self) -> str:
        return f"/mentorships/{self.mentorship.id}"


def ids(model, count=1) -> list[str]:
    return [str(row.id) for row in vocab(model)[:count]]


@pytest.fixture
def make_pair(app, make_member, clock_at):
    """This module's pairs (in place of the factories' make_pair, so `pair` is one of them):
    Morgan M. and Emery E., no agreement yet, the clock at NOW. `make_pair(status, started_on)`."""
    clock_at(NOW)

    def make(status=Mentorship.ACTIVE, started_on=STARTED) -> SignedInPair:
        methods = vocab(ContactMethod)[:2]
        mentor = make_member(
            email="morgan@example.org",
            name="Morgan Mentor",
            profile={"display_name": "Morgan M.", "phone": "416-555-0101", "role": "mentor"},
        )
        mentee = make_member(
            email="emery@example.org",
            name="Emery Mentee",
            profile={"display_name": "Emery E.", "phone": "613-555-0199", "role": "mentee"},
        )
        mentor.profile.contact_methods = methods
        mentee.profile.contact_methods = methods[:1]
        mentorship = Mentorship(
            mentor_id=mentor.id,
            mentee_id=mentee.id,
            started_on=started_on,
            minimum_end_on=started_on.replace(month=started_on.month + 6),
            status=status,
            ended_on=None if status == Mentorship.ACTIVE else NOW.date(),
        )
        db.session.add(mentorship)
        db.session.commit()
        return SignedInPair(
            mentorship,
            mentor,
            mentee,
            client_for(app, mentor, remember=True),
            client_for(app, mentee, remember=True),
        )

    return make


def check_in_data(**overrides) -> dict:
    data = {
        "check_in-met_on": "2026-03-09",
        "check_in-method": ids(ContactMethod)[0],
        "check_in-minutes": "45",
        "check_in-objectives": ids(Objective, 2),
        "check_in-shared_note": "We looked at your resume.",
        "check_in-private_note": "",
        "check_in-how_it_is_going": "4",
    }
    data.update(overrides)
    return data


def agreement_data(**overrides) -> dict:
    data = {
        "agreement-meeting_frequency": "monthly",
        "agreement-contact_methods": ids(ContactMethod),
        "agreement-objectives": ids(Objective, 2),
        "agreement-goals_text": "Review my resume; practise interviews.",
        "agreement-confidentiality_acknowledged": "y",
    }
    data.update(overrides)
    return data


def meeting_data(**overrides) -> dict:
    data = {
        "next_meeting_on": "2026-03-20",
        "next_meeting_time": "14:30",
        "next_meeting_method": ids(ContactMethod)[0],
    }
    data.update(overrides)
    return data


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def outbox(template: str) -> list[OutboxEmail]:
    db.session.expire_all()
    return db.session.scalars(select(OutboxEmail).where(OutboxEmail.template == template)).all()


def add_check_in(forms: FormClient, pair: SignedInPair, headers=None, **overrides):
    return forms.post(f"{pair.url}/check-ins", check_in_data(**overrides), headers=headers or {})


def only_check_in() -> CheckIn:
    db.session.expire_all()
    return db.session.scalars(select(CheckIn)).one()


# --- who may see and do what ------------------------------------------------------------------


def routes(pair: SignedInPair, check_in_id: int, goal_id: int) -> list[tuple[str, str, dict]]:
    url = pair.url
    return [
        ("GET", url, {}),
        ("GET", f"{url}/agreement", {}),
        ("GET", f"{url}/agreement/edit", {}),
        ("POST", f"{url}/agreement", agreement_data()),
        ("POST", f"{url}/agreement/confirm", {}),
        ("POST", f"{url}/check-ins", check_in_data()),
        ("GET", f"{url}/check-ins/{check_in_id}/edit", {}),
        ("POST", f"{url}/check-ins/{check_in_id}/edit", check_in_data()),
        ("POST", f"{url}/check-ins/{check_in_id}/delete", {}),
        ("POST", f"{url}/goals", {"goal-text": "Practise interviews"}),
        ("POST", f"{url}/goals/{goal_id}/done", {"done": "1"}),
        ("POST", f"{url}/next-meeting", meeting_data()),
        ("POST", f"{url}/next-meeting/cancel", {}),
        ("GET", f"{url}/next-meeting.ics", {}),
        ("POST", f"{url}/preferences", {"check_in_emails": "y"}),
    ]


def _seed_objects(pair: SignedInPair) -> tuple[int, int]:
    assert pair.as_mentee.post(f"{pair.url}/agreement", agreement_data()).status_code == 302
    assert add_check_in(pair.as_mentee, pair).status_code == 302
    pair.as_mentee.post(f"{pair.url}/goals", {"goal-text": "Review my resume"})
    pair.as_mentee.post(f"{pair.url}/next-meeting", meeting_data())
    db.session.expire_all()
    return only_check_in().id, db.session.scalars(select(Goal)).one().id


def _snapshot() -> tuple:
    db.session.expire_all()
    agreement = db.session.scalars(select(MentorshipAgreement)).one()
    goal = db.session.scalars(select(Goal)).one()
    check_in = only_check_in()
    return (
        count(CheckIn),
        count(Goal),
        agreement.meeting_frequency,
        agreement.confirmed_by_mentor_at,
        agreement.confirmed_by_mentee_at,
        agreement.next_meeting_on,
        agreement.next_meeting_sequence,
        goal.done_at,
        check_in.minutes,
        check_in.updated_at,
    )


def test_anonymous_visitors_are_sent_to_sign_in(app, pair):
    check_in_id, goal_id = _seed_objects(pair)
    anonymous = FormClient(app.test_client())
    before = _snapshot()
    for method, path, data in [("GET", "/mentorships", {}), *routes(pair, check_in_id, goal_id)]:
        response = anonymous.get(path) if method == "GET" else anonymous.post(path, data)
        assert response.status_code == 302, (method, path)
        assert "/auth/login" in response.headers["Location"], (method, path)
    assert _snapshot() == before


@pytest.mark.parametrize("who", ["other member", "committee"])
def test_anyone_but_the_pair_gets_404_on_every_route(app, pair, make_member, who):
    check_in_id, goal_id = _seed_objects(pair)
    outsider = client_for(app, make_member(committee=who == "committee"), remember=True)
    before = _snapshot()
    for method, path, data in routes(pair, check_in_id, goal_id):
        for headers in ({}, HTMX):
            response = (
                outsider.get(path, headers=headers)
                if method == "GET"
                else outsider.post(path, data, headers=headers)
            )
            assert response.status_code == 404, (who, method, path, headers)
    assert _snapshot() == before
    # Their own list is empty.
    page = outsider.get("/mentorships").get_data(as_text=True)
    assert "Morgan M." not in page and "Emery E." not in page


def test_the_partner_cannot_edit_or_delete_a_check_in_it_is_404(pair):
    check_in_id, _ = _seed_objects(pair)
    url = f"{pair.url}/check-ins/{check_in_id}"
    before = _snapshot()
    assert pair.as_mentor.get(f"{url}/edit").status_code == 404
    assert (
        pair.as_mentor.post(f"{url}/edit", check_in_data(**{"check_in-minutes": "5"})).status_code
        == 404
    )
    assert pair.as_mentor.post(f"{url}/delete").status_code == 404
    assert _snapshot() == before


def test_another_pairs_objects_are_404_through_this_mentorship(app, pair, make_member):
    check_in_id, goal_id = _seed_objects(pair)
    other_mentor, other_mentee = make_member(), make_member()
    other = Mentorship(
        mentor_id=other_mentor.id,
        mentee_id=other_mentee.id,
        started_on=STARTED,
        minimum_end_on=date(2026, 8, 1),
    )
    db.session.add(other)
    db.session.commit()
    stranger = client_for(app, other_mentee, remember=True)
    base = f"/mentorships/{other.id}"
    assert stranger.get(f"{base}/check-ins/{check_in_id}/edit").status_code == 404
    assert stranger.post(f"{base}/check-ins/{check_in_id}/delete").status_code == 404
    assert stranger.post(f"{base}/goals/{goal_id}/done", {"done": "0"}).status_code == 404
    assert count(CheckIn) == 1


def test_the_pair_see_their_mentorships_current_and_past(app, pair, make_member):
    ended = Mentorship(
        mentor_id=make_member(name="Former Mentor").id,
        mentee_id=pair.mentee.id,
        started_on=date(2025, 1, 6),
        minimum_end_on=date(2025, 7, 6),
        status=Mentorship.COMPLETED,
        ended_on=date(2025, 8, 1),
    )
    db.session.add(ended)
    db.session.commit()
    page = pair.as_mentee.get("/mentorships").get_data(as_text=True)
    current, past = page.split('id="past-heading"')
    assert "Morgan M." in current and "mentee" in current and "1 February 2026" in current
    assert "1 August 2026" in current and "Active" in current
    assert "Former Mentor" in past and "Completed" in past and "1 August 2025" in past
    mentor_page = pair.as_mentor.get("/mentorships").get_data(as_text=True)
    assert "Emery E." in mentor_page and "mentor" in mentor_page
    assert "Former Mentor" not in mentor_page


def test_the_mentorship_page_shows_the_partners_contact_details(pair):
    response = pair.as_mentee.get(pair.url)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Morgan M." in page and "morgan@example.org" in page and "416-555-0101" in page
    for method in vocab(ContactMethod)[:2]:
        assert method.name in page
    assert "613-555-0199" not in page.split('id="contact-heading"')[1].split("</section>")[0]
    mentor_page = pair.as_mentor.get(pair.url).get_data(as_text=True)
    assert "emery@example.org" in mentor_page and "613-555-0199" in mentor_page


def test_signed_in_mentorship_pages_are_not_stored(pair):
    for path in ("/mentorships", pair.url):
        response = pair.as_mentee.get(path)
        assert response.headers["Cache-Control"] == "no-store"
        page = response.get_data(as_text=True)
        assert 'hx-history="false"' in page
        assert "&#34;historyCacheSize&#34;: 0" in page or '"historyCacheSize": 0' in page
    fragment = pair.as_mentee.get(f"{pair.url}/agreement/edit", headers=HTMX)
    assert fragment.headers["Cache-Control"] == "no-store"
    assert "HX-Request" in fragment.headers["Vary"]


# --- the agreement ----------------------------------------------------------------------------


def agreement() -> MentorshipAgreement:
    db.session.expire_all()
    return db.session.scalars(select(MentorshipAgreement)).one()


def test_saving_a_complete_agreement_confirms_it_for_the_saver_and_asks_the_partner(pair):
    response = pair.as_mentee.post(f"{pair.url}/agreement", agreement_data())
    assert response.status_code == 302
    saved = agreement()
    assert saved.meeting_frequency == "monthly"
    assert saved.confirmed_by_mentee_at == NOW and saved.confirmed_by_mentor_at is None
    assert saved.updated_by_id == pair.mentee.id
    [mail] = outbox("mentorship_agreement_changed")
    assert mail.recipient == "morgan@example.org"
    assert "Emery E." in mail.body_text and f"/mentorships/{pair.mentorship.id}" in mail.body_text

    page = pair.as_mentor.get(pair.url).get_data(as_text=True)
    assert "Confirm the agreement" in page
    assert "Saving a change counts as your own confirmation" in page
    assert pair.as_mentor.post(f"{pair.url}/agreement/confirm").status_code == 302
    assert agreement().is_confirmed_by_both
    page = pair.as_mentee.get(pair.url).get_data(as_text=True)
    assert "Agreed by you both" in page and "Confirm the agreement" not in page


def test_a_change_after_confirmation_asks_the_other_side_again(pair, clock_at):
    pair.as_mentee.post(f"{pair.url}/agreement", agreement_data())
    pair.as_mentor.post(f"{pair.url}/agreement/confirm")
    assert agreement().is_confirmed_by_both
    clock_at(NOW + timedelta(hours=1))
    pair.as_mentor.post(
        f"{pair.url}/agreement", agreement_data(**{"agreement-meeting_frequency": "weekly"})
    )
    changed = agreement()
    assert changed.meeting_frequency == "weekly"
    assert changed.confirmed_by_mentor_at == NOW + timedelta(hours=1)
    assert changed.confirmed_by_mentee_at is None
    mails = outbox("mentorship_agreement_changed")
    assert [m.recipient for m in mails] == ["morgan@example.org", "emery@example.org"]
    assert "Confirm the agreement" in pair.as_mentee.get(pair.url).get_data(as_text=True)
    pair.as_mentee.post(f"{pair.url}/agreement/confirm")
    assert agreement().is_confirmed_by_both

    # Saving it unchanged clears nobody and e-mails nobody.
    pair.as_mentor.post(
        f"{pair.url}/agreement", agreement_data(**{"agreement-meeting_frequency": "weekly"})
    )
    assert agreement().is_confirmed_by_both
    assert len(outbox("mentorship_agreement_changed")) == 2


def test_the_partner_hears_of_agreement_changes_at_most_once_a_day(pair, clock_at):
    pair.as_mentee.post(f"{pair.url}/agreement", agreement_data())
    pair.as_mentee.post(f"{pair.url}/agreement", agreement_data(**{"agreement-goals_text": "x"}))
    assert len(outbox("mentorship_agreement_changed")) == 1
    clock_at(NOW + timedelta(days=1))
    pair.as_mentee.post(f"{pair.url}/agreement", agreement_data(**{"agreement-goals_text": "y"}))
    assert len(outbox("mentorship_agreement_changed")) == 2


def test_an_incomplete_agreement_is_saved_but_cannot_be_confirmed(pair):
    data = agreement_data()
    del data["agreement-confidentiality_acknowledged"]
    assert pair.as_mentee.post(f"{pair.url}/agreement", data).status_code == 302
    draft = agreement()
    assert draft.confirmed_by_mentee_at is None and draft.confirmed_by_mentor_at is None
    response = pair.as_mentor.post(f"{pair.url}/agreement/confirm")
    assert response.status_code == 409
    assert "keeping the relationship confidential" in response.get_data(as_text=True)
    assert agreement().confirmed_by_mentor_at is None
    # Nothing written yet: nothing to confirm.


def test_confirming_before_anything_is_written_is_refused(pair):
    response = pair.as_mentee.post(f"{pair.url}/agreement/confirm")
    assert response.status_code == 409
    assert "how often you meet" in response.get_data(as_text=True)
    assert count(MentorshipAgreement) == 0


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"agreement-meeting_frequency": "daily"}, "meeting_frequency"),
        ({"agreement-contact_methods": ["999999"]}, "contact_methods"),
        ({"agreement-objectives": ["abc"]}, "objectives"),
        ({"agreement-goals_text": "g" * 1001}, "goals_text"),
    ],
)
def test_bad_agreement_input_is_refused_and_nothing_changes(pair, overrides, field):
    response = pair.as_mentee.post(f"{pair.url}/agreement", agreement_data(**overrides))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="agreement-{field}-error"' in page
    assert count(MentorshipAgreement) == 0
    assert outbox("mentorship_agreement_changed") == []


def test_the_agreement_is_edited_in_place_with_htmx(pair):
    form = pair.as_mentee.get(f"{pair.url}/agreement/edit", headers=HTMX)
    assert form.status_code == 200
    fragment = form.get_data(as_text=True)
    assert "<html" not in fragment and "<form" in fragment
    assert f'hx-post="/mentorships/{pair.mentorship.id}/agreement"' in fragment
    assert "<legend>How often you meet</legend>" in fragment
    assert "<legend>Confidentiality</legend>" in fragment

    saved = pair.as_mentee.post(f"{pair.url}/agreement", agreement_data(), headers=HTMX)
    assert saved.status_code == 200
    fragment = saved.get_data(as_text=True)
    assert "<html" not in fragment
    assert "Draft agreement" in fragment or "confirmed on" in fragment
    assert 'hx-swap-oob="innerHTML:#agreement-announcement"' in fragment
    assert "Agreement saved and confirmed by you" in fragment

    bad = pair.as_mentee.post(
        f"{pair.url}/agreement",
        agreement_data(**{"agreement-goals_text": "g" * 1001}),
        headers=HTMX,
    )
    assert bad.status_code == 200  # HTMX swaps 2xx only: the form comes back with its errors
    assert 'role="alert"' in bad.get_data(as_text=True)
    cancel = pair.as_mentee.get(f"{pair.url}/agreement", headers=HTMX)
    assert cancel.status_code == 200 and "<html" not in cancel.get_data(as_text=True)
    # Without JavaScript: a normal page, and the fragment URL leads back to the page.
    page = pair.as_mentee.get(f"{pair.url}/agreement/edit")
    assert "<html" in page.get_data(as_text=True)
    assert pair.as_mentee.get(f"{pair.url}/agreement").status_code == 302


# --- check-ins --------------------------------------------------------------------------------


def test_a_check_in_is_added_without_javascript(pair):
    response = add_check_in(pair.as_mentee, pair)
    assert response.status_code == 302
    check_in = only_check_in()
    assert response.headers["Location"].endswith(f"#check-in-{check_in.id}")
    assert check_in.author_id == pair.mentee.id
    assert check_in.met_on == date(2026, 3, 9) and check_in.minutes == 45
    assert check_in.how_it_is_going == 4 and len(check_in.objectives) == 2
    page = pair.as_mentee.get(pair.url).get_data(as_text=True)
    assert "Check-in added." in page
    assert "We looked at your resume." in page


def test_a_check_in_is_added_with_htmx(pair):
    response = add_check_in(pair.as_mentee, pair, headers=HTMX)
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    check_in = only_check_in()
    assert "<html" not in fragment
    assert f'id="check-in-{check_in.id}"' in fragment
    entry = fragment.split(f'id="check-in-{check_in.id}"')[1]
    assert "data-focus-after-swap" in entry.split("</h4>")[0]
    assert 'hx-swap-oob="innerHTML:#check-in-announcement">Check-in added.' in fragment
    assert 'hx-swap-oob="innerHTML:#check-in-form-region"' in fragment
    # The fresh form is empty again.
    form = fragment.split('id="check-in-form"')[1].split("</form>")[0]
    assert "We looked at your resume." not in form
    assert 'value="45"' not in form
    # The progress follows.
    assert 'hx-swap-oob="innerHTML:#progress-region"' in fragment


def test_a_refused_check_in_comes_back_into_the_form_with_htmx(pair):
    response = add_check_in(pair.as_mentee, pair, headers=HTMX, **{"check_in-minutes": "0"})
    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == "#check-in-form-region"
    assert response.headers["HX-Reswap"] == "innerHTML"
    fragment = response.get_data(as_text=True)
    assert "data-focus-after-swap" in fragment and "from 1 to 600" in fragment
    assert count(CheckIn) == 0


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"check_in-met_on": "2026-03-11"}, "met_on", "can't be in the future"),
        ({"check_in-met_on": "2026-01-31"}, "met_on", "before your mentorship started"),
        ({"check_in-met_on": "March 3"}, "met_on", "year-month-day, for example 2027-03-31"),
        ({"check_in-met_on": ""}, "met_on", "Enter the date"),
        ({"check_in-minutes": "0"}, "minutes", "from 1 to 600"),
        ({"check_in-minutes": "-30"}, "minutes", "from 1 to 600"),
        ({"check_in-minutes": "601"}, "minutes", "from 1 to 600"),
        ({"check_in-minutes": "100000"}, "minutes", "from 1 to 600"),
        ({"check_in-minutes": "1e3"}, "minutes", "whole number"),
        ({"check_in-method": "999999"}, "method", "Choose from the options shown"),
        ({"check_in-method": "x"}, "method", "Choose from the options shown"),
        ({"check_in-method": ""}, "method", "Choose how you met"),
        ({"check_in-objectives": ["999999"]}, "objectives", "Choose from the options shown"),
        ({"check_in-objectives": ["1; drop"]}, "objectives", "Choose from the options shown"),
        ({"check_in-shared_note": "s" * 5001}, "shared_note", "5,000"),
        ({"check_in-private_note": "p" * 5001}, "private_note", "5,000"),
        ({"check_in-how_it_is_going": "6"}, "how_it_is_going", "from 1 to 5"),
        ({"check_in-how_it_is_going": ""}, "how_it_is_going", "from 1 to 5"),
    ],
)
def test_bad_check_in_input_is_refused_and_nothing_changes(pair, overrides, field, message):
    response = add_check_in(pair.as_mentee, pair, **overrides)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = re.search(rf'id="check_in-{field}-error">(.*?)</p>', page, re.S)
    assert error, page
    assert message in error.group(1).replace("&#39;", "'")
    assert count(CheckIn) == 0
    assert outbox("mentorship_check_in") == []


def test_unknown_objectives_are_refused_by_the_service_too(pair):
    from app.errors_domain import DomainError
    from app.mentorships import check_ins

    with pytest.raises(DomainError) as refused:
        check_ins.add_check_in(
            pair.mentorship,
            pair.mentee,
            check_ins.CheckInChanges(
                met_on=date(2026, 3, 1),
                method_id=vocab(ContactMethod)[0].id,
                minutes=30,
                objective_ids=[999999],
                how_it_is_going=3,
            ),
        )
    assert refused.value.errors == {"objectives": ["Choose from the options shown."]}
    assert count(CheckIn) == 0


def test_the_author_edits_and_deletes_a_check_in_for_14_days(pair, clock_at):
    add_check_in(pair.as_mentee, pair, **{"check_in-private_note": "mine"})
    check_in = only_check_in()
    url = f"{pair.url}/check-ins/{check_in.id}"
    page = pair.as_mentee.get(f"{url}/edit").get_data(as_text=True)
    assert 'value="45"' in page and "mine" in page

    clock_at(NOW + timedelta(days=13, hours=23))
    response = pair.as_mentee.post(f"{url}/edit", check_in_data(**{"check_in-minutes": "50"}))
    assert response.status_code == 302
    assert only_check_in().minutes == 50

    clock_at(NOW + timedelta(days=14, minutes=1))
    response = pair.as_mentee.post(f"{url}/edit", check_in_data(**{"check_in-minutes": "55"}))
    assert response.status_code == 409
    assert "for 14 days after it was added" in response.get_data(as_text=True)
    assert pair.as_mentee.get(f"{url}/edit").status_code == 409
    assert pair.as_mentee.post(f"{url}/delete").status_code == 409
    assert only_check_in().minutes == 50
    assert "Edit or delete" not in pair.as_mentee.get(pair.url).get_data(as_text=True)


def test_the_author_deletes_a_check_in(pair):
    add_check_in(pair.as_mentee, pair)
    check_in = only_check_in()
    response = pair.as_mentee.post(f"{pair.url}/check-ins/{check_in.id}/delete")
    assert response.status_code == 302
    assert count(CheckIn) == 0


def test_a_bad_edit_is_refused_and_nothing_changes(pair):
    add_check_in(pair.as_mentee, pair)
    check_in = only_check_in()
    response = pair.as_mentee.post(
        f"{pair.url}/check-ins/{check_in.id}/edit", check_in_data(**{"check_in-minutes": "700"})
    )
    assert response.status_code == 422
    assert only_check_in().minutes == 45


def test_the_partner_sees_the_check_in_but_has_no_edit_link(pair):
    add_check_in(pair.as_mentee, pair)
    page = pair.as_mentor.get(pair.url).get_data(as_text=True)
    assert "We looked at your resume." in page and "Logged by Emery E." in page
    assert "Edit or delete" not in page


# --- e-mail to the partner ---------------------------------------------------------------------


def test_the_partner_hears_of_check_ins_at_most_once_a_day(
    pair, clock_at, mail_server, deliver_mail
):
    add_check_in(pair.as_mentee, pair)
    add_check_in(pair.as_mentee, pair, **{"check_in-met_on": "2026-03-10"})
    deliver_mail()
    [message] = mail_server.to("morgan@example.org")
    assert message["Subject"] == "Emery E. logged a mentoring check-in"
    text = body_text(message)
    assert "9 March 2026" in text and f"/mentorships/{pair.mentorship.id}" in text
    assert "We looked at your resume." not in text  # no notes in e-mail
    assert mail_server.to("emery@example.org") == []

    clock_at(NOW + timedelta(days=1))
    add_check_in(pair.as_mentee, pair, **{"check_in-met_on": "2026-03-11"})
    deliver_mail()
    assert len(mail_server.to("morgan@example.org")) == 2


def test_the_partner_can_turn_check_in_emails_off_and_on(pair, clock_at, mail_server, deliver_mail):
    response = pair.as_mentor.post(f"{pair.url}/preferences", {})
    assert response.status_code == 302
    page = pair.as_mentor.get(pair.url).get_data(as_text=True)
    assert "no longer e-mail you" in page
    assert re.search(
        r'<input id="check_in_emails" name="check_in_emails" type="checkbox" value="y">', page
    )
    add_check_in(pair.as_mentee, pair)
    deliver_mail()
    assert mail_server.to("morgan@example.org") == []

    pair.as_mentor.post(f"{pair.url}/preferences", {"check_in_emails": "y"})
    clock_at(NOW + timedelta(days=1))
    add_check_in(pair.as_mentee, pair, **{"check_in-met_on": "2026-03-11"})
    deliver_mail()
    assert len(mail_server.to("morgan@example.org")) == 1


# --- goals ------------------------------------------------------------------------------------


def test_goals_are_added_and_marked_done_in_place(pair):
    objective = vocab(Objective)[3]
    response = pair.as_mentee.post(
        f"{pair.url}/goals",
        {"goal-text": "Have my resume reviewed", "goal-objective": str(objective.id)},
        headers=HTMX,
    )
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    goal = db.session.scalars(select(Goal)).one()
    assert goal.objective_id == objective.id and goal.created_by_id == pair.mentee.id
    assert f'id="goal-{goal.id}"' in fragment and 'aria-pressed="false"' in fragment
    assert "Goal added: Have my resume reviewed" in fragment

    done = pair.as_mentor.post(f"{pair.url}/goals/{goal.id}/done", {"done": "1"}, headers=HTMX)
    assert done.status_code == 200
    fragment = done.get_data(as_text=True)
    assert 'aria-pressed="true"' in fragment and "data-focus-after-swap" in fragment
    assert 'name="done" value="0"' in fragment
    db.session.expire_all()
    assert db.session.get(Goal, goal.id).done_at == NOW
    # The same press twice (a double click) leaves it done.
    pair.as_mentor.post(f"{pair.url}/goals/{goal.id}/done", {"done": "1"})
    db.session.expire_all()
    assert db.session.get(Goal, goal.id).is_done
    pair.as_mentee.post(f"{pair.url}/goals/{goal.id}/done", {"done": "0"})
    db.session.expire_all()
    assert not db.session.get(Goal, goal.id).is_done


@pytest.mark.parametrize(
    "data",
    [
        {"goal-text": ""},
        {"goal-text": "g" * 301},
        {"goal-text": "A goal", "goal-objective": "999999"},
    ],
)
def test_bad_goals_are_refused(pair, data):
    assert pair.as_mentee.post(f"{pair.url}/goals", data).status_code == 422
    assert count(Goal) == 0


# --- progress and the next meeting -------------------------------------------------------------


def test_progress_counts_days_meetings_and_hours(pair):
    add_check_in(
        pair.as_mentee, pair, **{"check_in-met_on": "2026-02-10", "check_in-minutes": "90"}
    )
    add_check_in(
        pair.as_mentee, pair, **{"check_in-met_on": "2026-03-09", "check_in-minutes": "45"}
    )
    # The mentor logs the same meeting: the day counts once, for its longest length.
    add_check_in(
        pair.as_mentor, pair, **{"check_in-met_on": "2026-03-09", "check_in-minutes": "60"}
    )
    page = pair.as_mentee.get(pair.url).get_data(as_text=True)
    # 1 Feb to 10 Mar: 37 of 181 days.
    assert '<progress id="progress-bar-' in page and 'max="181" value="37"' in page
    assert "20%: 37 of 181 days." in page
    assert re.search(r"<dt>Meetings</dt><dd>2</dd>", page)
    assert re.search(r"<dt>Hours</dt><dd>2.5</dd>", page)
    assert re.search(r"<dt>Last check-in</dt><dd>9 March 2026</dd>", page)
    assert "Not planned" in page
    assert 'style="' not in page


def test_the_next_meeting_is_planned_and_downloaded_as_ics(pair):
    response = pair.as_mentee.post(f"{pair.url}/next-meeting", meeting_data(), headers=HTMX)
    assert response.status_code == 200
    assert "Next meeting saved." in response.get_data(as_text=True)
    assert agreement().next_meeting_on == date(2026, 3, 20)
    assert agreement().confirmed_by_mentor_at is None  # not an agreement change
    assert outbox("mentorship_agreement_changed") == []
    add_check_in(pair.as_mentee, pair, **{"check_in-private_note": "ICS-SECRET"})

    ics = pair.as_mentor.get(f"{pair.url}/next-meeting.ics")
    assert ics.status_code == 200
    assert ics.mimetype == "text/calendar"
    assert "attachment" in ics.headers["Content-Disposition"]
    text = ics.get_data(as_text=True).replace("\r\n ", "")
    assert "BEGIN:VCALENDAR" in text and "BEGIN:VEVENT" in text
    assert "METHOD:PUBLISH" in text
    assert "DTSTART;TZID=America/Toronto:20260320T143000" in text
    assert "DTEND;TZID=America/Toronto:20260320T153000" in text
    assert "SUMMARY:Mentoring meeting with Emery E." in text
    assert "BEGIN:VTIMEZONE" in text
    assert "ICS-SECRET" not in text and "We looked at your resume" not in text

    mentee_ics = pair.as_mentee.get(f"{pair.url}/next-meeting.ics").get_data(as_text=True)
    assert "SUMMARY:Mentoring meeting with Morgan M." in mentee_ics


def test_a_meeting_planned_without_a_time_is_a_whole_day(pair):
    # Meetings planned before a time was asked for have none: their file is a whole day.
    pair.as_mentee.post(f"{pair.url}/next-meeting", meeting_data())
    row = agreement()
    row.next_meeting_time = None
    db.session.commit()
    text = pair.as_mentee.get(f"{pair.url}/next-meeting.ics").get_data(as_text=True)
    assert "DTSTART;VALUE=DATE:20260320" in text
    page = pair.as_mentee.get(pair.url).get_data(as_text=True)
    assert "20 March 2026" in page and "Add to calendar" in page


@pytest.mark.parametrize(
    "data, message",
    [
        ({"next_meeting_on": "2026-03-09"}, "can't be in the past"),
        ({"next_meeting_on": "2028-03-09"}, "within the next year"),
        ({"next_meeting_on": "soon"}, "year-month-day, for example 2027-03-31"),
        ({"next_meeting_time": "25:00"}, "Enter a time"),
        ({"next_meeting_on": ""}, "Enter the date"),
    ],
)
def test_bad_next_meetings_are_refused(pair, data, message):
    response = pair.as_mentee.post(f"{pair.url}/next-meeting", meeting_data(**data))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True).replace("&#39;", "'")
    assert count(MentorshipAgreement) == 0


def test_no_planned_meeting_no_ics(pair):
    assert pair.as_mentee.get(f"{pair.url}/next-meeting.ics").status_code == 404
    pair.as_mentee.post(f"{pair.url}/next-meeting", meeting_data())
    pair.as_mentee.post(f"{pair.url}/next-meeting", {"next_meeting_on": ""})
    assert agreement().next_meeting_on is None
    assert pair.as_mentee.get(f"{pair.url}/next-meeting.ics").status_code == 404


# --- an ended mentorship is read-only ----------------------------------------------------------


@pytest.mark.parametrize("status", [Mentorship.COMPLETED, Mentorship.ENDED_EARLY])
def test_an_ended_mentorship_is_read_only(app, make_pair, status):
    pair = make_pair()
    check_in_id, goal_id = _seed_objects(pair)
    db.session.expire_all()
    mentorship = db.session.get(Mentorship, pair.mentorship.id)
    mentorship.status = status
    mentorship.ended_on = NOW.date()
    db.session.commit()
    before = _snapshot()
    url = pair.url
    refused = [
        ("GET", f"{url}/agreement/edit", {}),
        ("POST", f"{url}/agreement", agreement_data(**{"agreement-goals_text": "new"})),
        ("POST", f"{url}/agreement/confirm", {}),
        ("POST", f"{url}/check-ins", check_in_data()),
        ("GET", f"{url}/check-ins/{check_in_id}/edit", {}),
        ("POST", f"{url}/check-ins/{check_in_id}/edit", check_in_data()),
        ("POST", f"{url}/check-ins/{check_in_id}/delete", {}),
        ("POST", f"{url}/goals", {"goal-text": "More"}),
        ("POST", f"{url}/goals/{goal_id}/done", {"done": "1"}),
        ("POST", f"{url}/next-meeting", meeting_data(next_meeting_on="2026-03-25")),
        ("POST", f"{url}/next-meeting/cancel", {}),
    ]
    for method, path, data in refused:
        forms = pair.as_mentor if "confirm" in path else pair.as_mentee
        response = forms.get(path) if method == "GET" else forms.post(path, data)
        assert response.status_code == 409, (method, path)
        assert "can be read but no longer changed" in response.get_data(as_text=True)
    assert _snapshot() == before
    page = pair.as_mentee.get(url).get_data(as_text=True)
    assert "it can no longer be changed" in page
    assert "Log a check-in" not in page and "Edit the agreement" not in page
    assert "Edit or delete" not in page and "Add the goal" not in page


# --- confidentiality ---------------------------------------------------------------------------

SECRET = "PRIVATE-NOTE-7f3a9c"


def _committee_paths(app, pair: SignedInPair) -> list[str]:
    """Every GET page under /committee/ without parameters, and the pair's member pages."""
    paths = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/committee") and "GET" in rule.methods and not rule.arguments:
            paths.append(rule.rule)
    paths += [f"/committee/members/{pair.mentor.id}", f"/committee/members/{pair.mentee.id}"]
    return paths


def test_a_private_note_reaches_nobody_but_its_author(
    app, pair, make_member, mail_server, deliver_mail
):
    add_check_in(pair.as_mentee, pair, **{"check_in-private_note": SECRET}, headers=HTMX)
    pair.as_mentee.post(f"{pair.url}/agreement", agreement_data())
    pair.as_mentee.post(f"{pair.url}/goals", {"goal-text": "Review my resume"})
    pair.as_mentee.post(f"{pair.url}/next-meeting", meeting_data())
    check_in_id = only_check_in().id
    goal_id = db.session.scalars(select(Goal)).one().id
    # The author does see it (so the test would notice if it were never shown at all).
    assert SECRET in pair.as_mentee.get(pair.url).get_data(as_text=True)
    assert SECRET in pair.as_mentee.get(f"{pair.url}/check-ins/{check_in_id}/edit").get_data(
        as_text=True
    )

    partner_views = [
        pair.as_mentor.get("/mentorships"),
        pair.as_mentor.get(pair.url),
        pair.as_mentor.get(pair.url, headers=HTMX),
        pair.as_mentor.get(f"{pair.url}/agreement", headers=HTMX),
        pair.as_mentor.get(f"{pair.url}/agreement/edit", headers=HTMX),
        pair.as_mentor.get(f"{pair.url}/agreement/edit"),
        pair.as_mentor.get(f"{pair.url}/next-meeting.ics"),
        pair.as_mentor.get(f"{pair.url}/check-ins/{check_in_id}/edit"),
        pair.as_mentor.post(f"{pair.url}/goals/{goal_id}/done", {"done": "1"}, headers=HTMX),
        pair.as_mentor.post(f"{pair.url}/goals", {"goal-text": "More"}, headers=HTMX),
        pair.as_mentor.post(f"{pair.url}/agreement/confirm", headers=HTMX),
        pair.as_mentor.post(
            f"{pair.url}/next-meeting", meeting_data(next_meeting_on="2026-03-21"), headers=HTMX
        ),
        # The partner's own check-in: the answer holds the whole timeline.
        add_check_in(pair.as_mentor, pair, headers=HTMX),
        add_check_in(pair.as_mentor, pair, **{"check_in-minutes": "0"}, headers=HTMX),
        add_check_in(pair.as_mentor, pair, **{"check_in-minutes": "0"}),
        pair.as_mentor.get("/profile"),
        pair.as_mentor.get("/profile/export"),
        pair.as_mentor.get("/"),
    ]
    for response in partner_views:
        assert SECRET not in response.get_data(as_text=True), response.request.path

    deliver_mail()
    messages = mail_server.to("morgan@example.org")
    assert messages  # the check-in and agreement e-mails
    for message in messages:
        assert SECRET not in body_text(message) and SECRET not in body_html(message)

    other = client_for(app, make_member(), remember=True)
    committee = client_for(app, make_member(committee=True), remember=True)
    for visitor in (other, committee):
        for path in (
            "/mentorships",
            pair.url,
            f"{pair.url}/agreement",
            f"{pair.url}/next-meeting.ics",
        ):
            assert SECRET not in visitor.get(path).get_data(as_text=True)
            assert SECRET not in visitor.get(path, headers=HTMX).get_data(as_text=True)
    paths = _committee_paths(app, pair)
    assert "/committee/" in paths and len(paths) > 3
    for path in paths:
        response = committee.get(path)
        assert response.status_code in (200, 302, 404), path
        assert SECRET not in response.get_data(as_text=True), path
