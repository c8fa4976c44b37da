"""A member waiting for the committee to verify their membership reads the directory and the
mentors' pages, is told why Request is not offered yet, and can't send a request."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.mentorship import MentorshipRequest
from tests.factories import GOALS, contact_id, objective_id
from tests.support import FormClient, listed_mentors, unescaped_html


@pytest.fixture
def waiting(mentee):
    """Sam Mentee, with everything done but the committee's verification."""
    return mentee(membership_verified_at=None)


def test_a_waiting_member_reads_the_directory_with_a_note(waiting, make_mentor):
    riley = make_mentor("Riley Mentor", directory=True)
    client, _ = waiting
    response = client.get("/mentors")
    assert response.status_code == 200
    assert listed_mentors(response) == ["Riley Mentor"]
    page = unescaped_html(response)
    assert "You can read, not request yet" in page
    assert 'data-reason="membership_unverified"' in page

    mentor_page = client.get(f"/mentors/{riley.id}")
    assert mentor_page.status_code == 200
    text = unescaped_html(mentor_page)
    assert "Riley Mentor" in text
    assert "You can read, not request yet" in text
    assert f"/mentors/{riley.id}/request" not in text
    assert "Request mentorship" not in text
    # The HTMX fragment of the results lists them too.
    fragment = client.get("/mentors?q=Riley", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert listed_mentors(fragment) == ["Riley Mentor"]


def test_a_waiting_member_can_not_send_a_request(waiting, make_mentor):
    riley = make_mentor("Riley Mentor", directory=True)
    client, _ = waiting
    forms = FormClient(client)
    form_page = client.get(f"/mentors/{riley.id}/request")
    assert "You can't send this request now" in unescaped_html(form_page)
    response = forms.post(
        f"/mentors/{riley.id}/request",
        {"message": GOALS, "objectives": objective_id(), "contact_method": contact_id()},
    )
    assert response.status_code == 409
    assert 'data-reason="membership_unverified"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(MentorshipRequest.id))) == 0


def test_an_eligible_mentee_sees_no_note(mentee, make_mentor):
    riley = make_mentor("Riley Mentor", directory=True)
    client, _ = mentee()
    assert "You can read, not request yet" not in unescaped_html(client.get("/mentors"))
    assert "Request mentorship" in unescaped_html(client.get(f"/mentors/{riley.id}"))


@pytest.mark.parametrize(
    "options",
    [
        {"verified": False},  # the e-mail address is not confirmed
        {"active": False},
        {"membership_number": None},  # nothing for the committee to verify yet
    ],
)
def test_others_who_may_not_request_still_see_only_their_steps(
    app, make_mentee, make_mentor, options
):
    from tests.support import sign_in

    make_mentor("Riley Mentor", directory=True)
    account = {k: options.pop(k) for k in ("verified", "active") if k in options}
    user = make_mentee(
        "Una Unready", directory=True, membership_verified_at=None, **account, **options
    )
    client = app.test_client()
    if user.is_active_account:
        sign_in(client, user.email)
        response = client.get("/mentors")
        assert response.status_code == 403
        assert "Riley Mentor" not in unescaped_html(response)
    else:
        assert client.get("/mentors").status_code == 302  # a deactivated account can't sign in
