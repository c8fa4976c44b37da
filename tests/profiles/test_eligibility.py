"""Role agreements, the eligibility checklist on the profile and home pages, and the invitation
to become a mentor."""

import re
from datetime import datetime

import pytest
from sqlalchemy import func, select

from app import agreements, clock
from app.extensions import db
from app.models import RoleAgreement
from app.models.profiles import BOTH, MENTEE, MENTOR
from app.profiles import checklist
from tests.factories import complete_profile, form_data
from tests.support import FormClient, profile_of, sign_in
from tests.support import unescaped_html as page_of

pytestmark = pytest.mark.usefixtures("restore_vocabularies")


def reasons_on(page: str) -> list[str]:
    return re.findall(r'data-reason="(\w+)"', page)


def agreements_of(user) -> list[tuple[str, str]]:
    return [
        (a.role, a.version)
        for a in db.session.scalars(
            select(RoleAgreement).where(RoleAgreement.user_id == user.id).order_by(RoleAgreement.id)
        )
    ]


# --- role agreements ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "phrases"),
    [
        (
            MENTOR,
            [
                "at least six months",
                "not responsible for",
                "Finding your mentee a job",
                "Personal counselling",
                "Day-to-day advice",
                "confidential",
            ],
        ),
        (
            MENTEE,
            [
                "at least six months",
                "cancel in advance",
                "on time",
                "Finding you a job",
                "Personal counselling",
                "Day-to-day advice",
                "confidential",
            ],
        ),
    ],
)
def test_the_agreement_page_explains_the_role(signed_in, role, phrases):
    client, _ = signed_in(profile=complete_profile(years_experience=10, role=BOTH))
    page = page_of(client.get(f"/profile/agreement?role={role}"))
    assert f"<h1>What is expected of a {role}</h1>" in page
    for phrase in phrases:
        assert phrase in page
    assert "I have read these expectations and I agree to them." in page


@pytest.mark.parametrize("role", [MENTOR, MENTEE])
def test_the_agreement_page_shows_the_committees_guidelines(signed_in, role):
    from app.program import get_settings

    client, _ = signed_in(profile=complete_profile(years_experience=10, role=BOTH))
    page = page_of(client.get(f"/profile/agreement?role={role}"))
    assert "guidelines for" not in page
    settings = get_settings()
    setattr(settings, f"{role}_guidelines", "Meet in **public** places.<script>x()</script>")
    db.session.commit()
    page = page_of(client.get(f"/profile/agreement?role={role}"))
    assert f"The mentoring committee's guidelines for {role}s" in page
    assert "Meet in <strong>public</strong> places." in page
    assert "<script>x()" not in page


def test_confirming_an_agreement_records_role_version_and_time(signed_in, clock_at):
    moment = datetime(2026, 11, 20, 15, 30)
    clock_at(moment)
    client, user = signed_in(profile=complete_profile(role=MENTEE))
    forms = FormClient(client)
    assert not agreements.has_current_agreement(user, MENTEE)

    refused = forms.post("/profile/agreement?role=mentee", {})
    assert refused.status_code == 422
    assert "Tick the box to confirm you agree." in page_of(refused)
    assert agreements_of(user) == []

    response = forms.post("/profile/agreement?role=mentee", {"agree": "y"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/profile"
    (agreement,) = db.session.scalars(select(RoleAgreement)).all()
    assert (agreement.role, agreement.version) == (MENTEE, agreements.AGREEMENT_VERSIONS[MENTEE])
    assert agreement.agreed_at == moment
    assert agreements.has_current_agreement(user, MENTEE)
    assert not agreements.has_current_agreement(user, MENTOR)

    again = forms.post("/profile/agreement?role=mentee", {"agree": "y"})
    assert again.status_code == 302
    assert len(agreements_of(user)) == 1, "confirming twice records it once"
    page = page_of(client.get("/profile/agreement?role=mentee"))
    assert "You confirmed these expectations on 20 November 2026." in page
    assert 'name="agree"' not in page


def test_a_new_text_version_asks_again(signed_in, monkeypatch):
    client, user = signed_in(profile=complete_profile(role=MENTEE))
    forms = FormClient(client)
    forms.post("/profile/agreement?role=mentee", {"agree": "y"})
    assert agreements.has_current_agreement(user, MENTEE)
    first_version = agreements.AGREEMENT_VERSIONS[MENTEE]

    monkeypatch.setitem(agreements.AGREEMENT_VERSIONS, MENTEE, "2099-01")
    assert not agreements.has_current_agreement(user, MENTEE)
    page = page_of(client.get("/profile/agreement?role=mentee"))
    assert "These expectations changed since you confirmed them" in page
    assert 'name="agree"' in page
    assert "mentee_agreement" in reasons_on(page_of(client.get("/profile")))

    forms.post("/profile/agreement?role=mentee", {"agree": "y"})
    assert agreements_of(user) == [(MENTEE, first_version), (MENTEE, "2099-01")]
    assert agreements.has_current_agreement(user, MENTEE)


def test_a_new_mentor_text_does_not_ask_mentees_again(make_member, monkeypatch):
    user = make_member(profile=complete_profile(role=BOTH, years_experience=8))
    agreements.confirm_agreement(user, MENTEE)
    agreements.confirm_agreement(user, MENTOR)
    monkeypatch.setitem(agreements.AGREEMENT_VERSIONS, MENTOR, "2099-01")
    assert agreements.has_current_agreement(user, MENTEE)
    assert not agreements.has_current_agreement(user, MENTOR)


def test_the_mentor_agreement_needs_mentor_experience(signed_in):
    client, user = signed_in(profile=complete_profile(role=MENTEE, years_experience=1))
    page = page_of(client.get("/profile/agreement?role=mentor"))
    assert "Finding your mentee a job" in page  # anyone may read it
    assert 'name="agree"' not in page
    response = FormClient(client).post("/profile/agreement?role=mentor", {"agree": "y"})
    assert "Mentors need at least 3 years" in page_of(response)
    assert agreements_of(user) == []


def test_an_unknown_agreement_role_is_not_found(signed_in):
    client, _ = signed_in()
    assert client.get("/profile/agreement?role=both").status_code == 404
    assert client.get("/profile/agreement?role=admin").status_code == 404


def test_without_a_role_the_page_shows_the_agreement_still_needed(signed_in):
    client, user = signed_in(profile=complete_profile(role=BOTH, years_experience=9))
    assert "What is expected of a mentee" in page_of(client.get("/profile/agreement"))
    agreements.confirm_agreement(user, MENTEE)
    assert "<h1>What is expected of a mentor</h1>" in page_of(client.get("/profile/agreement"))


# --- eligibility checklist ------------------------------------------------------------------------


def test_each_reason_appears_and_disappears_when_fixed(signed_in, clock_at):
    clock_at(datetime(2026, 11, 1, 12, 0))
    client, user = signed_in(verified=False)
    forms = FormClient(client)

    page = page_of(client.get("/profile"))
    assert reasons_on(page) == ["email_unverified", "profile_incomplete", "membership_missing"]
    assert 'href="/profile/edit">Edit your profile</a>' in page

    user.email_verified_at = clock.utcnow()
    db.session.commit()
    assert reasons_on(page_of(client.get("/profile"))) == [
        "profile_incomplete",
        "membership_missing",
    ]

    # A profile without the membership details, then with them.
    forms.post(
        "/profile/edit",
        form_data(role=MENTEE, membership_number="", membership_expires_on=""),
    )
    assert reasons_on(page_of(client.get("/profile"))) == ["membership_missing", "mentee_agreement"]
    forms.post("/profile/edit", form_data(role=MENTEE, membership_expires_on="2027-06-30"))
    page = page_of(client.get("/profile"))
    assert reasons_on(page) == ["membership_unverified", "mentee_agreement"]
    assert 'href="/profile/agreement?role=mentee">Read and confirm</a>' in page

    profile = profile_of(user)
    profile.membership_verified_at = clock.utcnow()
    db.session.commit()
    assert reasons_on(page_of(client.get("/profile"))) == ["mentee_agreement"]

    forms.post("/profile/agreement?role=mentee", {"agree": "y"})
    page = page_of(client.get("/profile"))
    assert reasons_on(page) == []
    assert "You are ready to take part" in page
    assert 'data-ready="mentee"' in page

    # Expired: the member is told why and what to do.
    clock_at(datetime(2027, 7, 1, 12, 0))
    sign_in(client, user.email)  # the earlier sign-in has expired by then
    page = page_of(client.get("/profile"))
    assert reasons_on(page) == ["membership_expired"]
    assert "Your membership expired on 30 June 2027. Renew it" in page
    home = page_of(client.get("/"))
    assert reasons_on(home) == ["membership_expired"]

    forms.post("/profile/edit", form_data(role=MENTEE, membership_expires_on="2028-06-30"))
    assert reasons_on(page_of(client.get("/profile"))) == ["membership_unverified"]


def test_a_member_who_is_both_sees_a_checklist_per_role(signed_in):
    client, user = signed_in(profile=complete_profile(role=BOTH, years_experience=12))
    page = page_of(client.get("/profile"))
    assert "As a mentee" in page and "As a mentor" in page
    assert reasons_on(page) == ["mentee_agreement", "mentor_agreement"]
    assert 'href="/profile/agreement?role=mentor">Read and confirm</a>' in page

    agreements.confirm_agreement(user, MENTOR)
    page = page_of(client.get("/profile"))
    assert reasons_on(page) == ["mentee_agreement"]
    assert 'data-ready="mentor"' in page


def test_a_mentee_only_sees_no_mentor_checklist(signed_in):
    client, _ = signed_in(profile=complete_profile(role=MENTEE))
    page = page_of(client.get("/profile"))
    assert "As a mentee" in page
    assert "As a mentor" not in page


def test_the_overview_uses_the_eligibility_module(make_member):
    from app.eligibility import mentor_reasons

    user = make_member(profile=complete_profile(role=MENTOR, years_experience=2))
    overview = checklist.eligibility_overview(user, clock.today())
    (mentor,) = overview.roles
    # Set without the service (e.g. by the committee): the rule still shows.
    assert [r.code for r in mentor.reasons] == ["too_little_experience", "mentor_agreement"]
    assert [r.code for r in mentor_reasons(user, clock.today(), False)] == [
        "too_little_experience",
        "mentor_agreement",
    ]
    assert not overview.ready


# --- home page ------------------------------------------------------------------------------------


def test_the_home_page_summarises_the_next_steps(signed_in):
    client, user = signed_in(profile=complete_profile(role=MENTEE))
    home = page_of(client.get("/"))
    assert "Your next steps" in home
    assert reasons_on(home) == ["mentee_agreement"]
    agreements.confirm_agreement(user, MENTEE)
    home = page_of(client.get("/"))
    assert reasons_on(home) == []
    assert "You are ready to take part" in home


@pytest.mark.parametrize(
    ("role", "years", "invited"),
    [
        (MENTEE, 2, False),
        (MENTEE, 3, True),
        (MENTEE, 20, True),
        (BOTH, 5, False),
        (MENTOR, 5, False),
    ],
)
def test_a_mentee_with_enough_experience_is_invited_to_mentor(signed_in, role, years, invited):
    client, _ = signed_in(profile=complete_profile(role=role, years_experience=years))
    for path in ("/", "/profile"):
        page = page_of(client.get(path))
        assert ("You could be a mentor now" in page) == invited
        if invited:
            assert 'href="/profile/agreement?role=mentor"' in page


def test_growing_into_a_mentor(signed_in):
    client, user = signed_in(profile=complete_profile(role=MENTEE, years_experience=2))
    forms = FormClient(client)
    assert "You could be a mentor now" not in page_of(client.get("/"))
    forms.post("/profile/edit", form_data(role=MENTEE, years_experience="3"))
    assert "You could be a mentor now" in page_of(client.get("/"))
    forms.post("/profile/agreement?role=mentor", {"agree": "y"})
    forms.post("/profile/edit", form_data(role=BOTH, years_experience="3"))
    assert profile_of(user).role == BOTH
    assert "You could be a mentor now" not in page_of(client.get("/"))
    assert db.session.scalar(select(func.count(RoleAgreement.id))) == 1
