"""The signed-in home page tells a member their real next step: a matched mentee is not told
to choose a mentor, a paused program is not "ready to take part", a first sign-in is not
"welcome back"."""

import pytest

from app.extensions import db
from app.main.services import next_actions
from app.models import ProgramSettings
from app.program import get_settings
from tests.factories import active_mentorship
from tests.support import sign_in, unescaped_html

CHOOSE = "choose a mentor from the directory"
READY = "You are ready to take part."


def home_of(app, user) -> str:
    client = app.test_client()
    sign_in(client, user.email)
    return unescaped_html(client.get("/"))


def set_program(status: str) -> None:
    get_settings().status = status
    db.session.commit()


def test_an_unmatched_mentee_is_told_to_choose_a_mentor(app, make_mentee):
    page = home_of(app, make_mentee("Sam Mentee", directory=True))
    assert READY in page
    assert CHOOSE in page
    assert 'href="/mentors">choose a mentor' in page


def test_a_matched_mentee_is_told_about_their_mentor_not_to_choose_one(
    app, make_mentee, make_mentor
):
    sam = make_mentee("Sam Mentee", directory=True)
    riley = make_mentor("Riley Mentor", directory=True)
    mentorship = active_mentorship(riley, sam)
    page = home_of(app, sam)
    assert CHOOSE not in page
    assert "Your mentor is Riley Mentor" in page
    assert f'href="/mentorships/{mentorship.id}">open your mentorship with Riley Mentor' in page
    mentor_page = home_of(app, riley)
    assert "You are mentoring Sam Mentee" in mentor_page
    assert next_actions(sam).my_mentors[0].partner_name == "Riley Mentor"
    assert next_actions(riley).my_mentees[0].partner_name == "Sam Mentee"


@pytest.mark.parametrize(
    ("status", "sentence"),
    [
        (ProgramSettings.PAUSED, "The online program is paused: new requests are not being taken"),
        (ProgramSettings.CLOSED, "The program is closed: new requests are not being taken"),
    ],
)
def test_a_paused_or_closed_program_is_not_ready_to_take_part(app, make_mentee, status, sentence):
    sam = make_mentee("Sam Mentee", directory=True)
    set_program(status)
    page = home_of(app, sam)
    assert READY not in page
    assert sentence in page
    assert CHOOSE not in page
    assert "send your request when the next intake opens" in page


def test_a_paused_program_does_not_tell_a_matched_mentee_to_wait_for_an_intake(
    app, make_mentee, make_mentor
):
    sam = make_mentee("Sam Mentee", directory=True)
    active_mentorship(make_mentor("Riley Mentor", directory=True), sam)
    set_program(ProgramSettings.PAUSED)
    page = home_of(app, sam)
    assert "next intake" not in page.split('id="next-steps"')[1].split("</section>")[0]
    assert "Your mentor is Riley Mentor" in page


def test_the_first_sign_in_is_a_welcome_and_the_next_a_welcome_back(app, make_member):
    user = make_member(name="Nell New")
    client = app.test_client()
    first = sign_in(client, user.email)
    assert first.status_code == 302
    page = unescaped_html(client.get("/"))
    assert "Welcome to Mentor Match, Nell New." in page
    assert "Welcome back" not in page
    other = app.test_client()
    sign_in(other, user.email)
    assert "Welcome back, Nell New." in unescaped_html(other.get("/"))


def test_a_member_waiting_for_verification_is_pointed_to_the_directory(app, make_mentee):
    page = home_of(app, make_mentee("Wes Waiting", directory=True, membership_verified_at=None))
    assert 'data-reason="membership_unverified"' in page
    assert "We will e-mail you once the committee has verified your membership." in page
    assert 'href="/mentors">read the mentors\' pages in the directory' in page
    assert READY not in page
