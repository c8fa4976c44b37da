"""Download my data, and delete my account."""

import json

import pytest
from sqlalchemy import func, select

from app import agreements, clock, leaving
from app.email import enqueue
from app.extensions import db
from app.models import (
    CheckIn,
    ContactMethod,
    Language,
    LoginSession,
    Mentorship,
    MentorshipRequest,
    OutboxEmail,
    Profile,
    RoleAgreement,
    User,
)
from app.models.profiles import BOTH, MENTEE
from tests.factories import complete_profile, vocab
from tests.support import DEFAULT_PASSWORD, FormClient, sign_in
from tests.support import unescaped_html as page_of

pytestmark = pytest.mark.usefixtures("restore_vocabularies")

# Unique values planted in one member's data: none may be left anywhere after deletion.
PLANTED = {
    "name": "Quintessa Marrowby",
    "email": "quintessa.marrowby@example.org",
    "pending_email": "q.marrowby.new@example.org",
    "display_name": "Quin Marrowby",
    "pronouns": "ze/zir",
    "membership_number": "OLA-MRW-4471",
    "position": "Keeper of Zanzibarnacle Maps",
    "employer": "Marrowbyton Athenaeum",
    "city": "Marrowbyton",
    "phone": "+1 705 555 0147",
    "bio": "Collector of zanzibarnacle atlases.",
    "mentee_goals": "Learn quokkaform cataloguing.",
}
SEARCHED = [
    "Quintessa",
    "Marrowby",
    "quintessa.marrowby",
    "q.marrowby.new",
    "OLA-MRW-4471",
    "Zanzibarnacle",
    "555 0147",
    "quokkaform",
    "ze/zir",
]


def planted_member(make_member, **profile):
    user = make_member(
        email=PLANTED["email"],
        name=PLANTED["name"],
        profile=complete_profile(
            role=BOTH,
            years_experience=9,
            languages=vocab(Language, "fr"),
            **{k: PLANTED[k] for k in ("display_name", "pronouns", "membership_number")},
            **{k: PLANTED[k] for k in ("position", "employer", "city", "phone", "bio")},
            mentee_goals=PLANTED["mentee_goals"],
            **profile,
        ),
    )
    user.pending_email = PLANTED["pending_email"]
    db.session.commit()
    return user


def where_found(needle: str) -> list[str]:
    """Every table.column in the database whose value contains `needle` (any type, any case)."""
    found = []
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            for row in connection.execute(table.select()):
                for column, value in row._mapping.items():
                    if value is not None and needle.lower() in str(value).lower():
                        found.append(f"{table.name}.{column}")
    return found


def mail_to(user, subject="Hello", status=OutboxEmail.PENDING):
    message = enqueue(user.email, "password_changed", subject, user=user)
    message.status = status
    db.session.commit()
    return message


# --- download my data -----------------------------------------------------------------------------


def test_export_holds_the_members_data_and_nobody_elses(app, make_member):
    user = planted_member(make_member)
    other = make_member(
        email="other.person@example.org",
        name="Otto Otherperson",
        profile=complete_profile(display_name="Otto O", phone="613-555-0999", bio="Otto's bio"),
    )
    agreements.confirm_agreement(user, MENTEE)
    agreements.confirm_agreement(other, MENTEE)
    mail_to(user, "For Quintessa")
    mail_to(other, "For Otto")
    db.session.add(
        OutboxEmail(
            recipient=PLANTED["pending_email"],
            subject="Confirm your new address",
            body_text="Open http://localhost/auth/verify/" + "T" * 60 + " to confirm.",
            body_html="<p>link</p>",
            template="verify_email",
        )
    )
    db.session.commit()

    client = app.test_client()
    sign_in(client, PLANTED["email"], remember=True)
    sign_in(app.test_client(), "other.person@example.org")
    response = client.get("/profile/export")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="mentor-match-my-data-')
    assert response.headers["Cache-Control"] == "no-store"

    raw = response.get_data(as_text=True)
    data = json.loads(raw)
    assert data["account"]["name"] == PLANTED["name"]
    assert data["account"]["email"] == PLANTED["email"]
    assert data["account"]["pending_email"] == PLANTED["pending_email"]
    profile = data["profile"]
    for key in ("display_name", "membership_number", "position", "employer", "phone", "bio"):
        assert profile[key] == PLANTED[key]
    assert profile["region"] == "Toronto"
    assert profile["sectors"] == ["Public libraries"]
    assert profile["languages"] == ["French"]
    assert profile["contact_methods"] == ["E-mail"]
    assert data["role_agreements"] == [
        {
            "role": MENTEE,
            "version": agreements.AGREEMENT_VERSIONS[MENTEE],
            "agreed_at": data["role_agreements"][0]["agreed_at"],
        }
    ]
    subjects = sorted(message["subject"] for message in data["emails"])
    assert subjects == ["Confirm your new address", "For Quintessa"]
    assert "Hello Quintessa Marrowby" in raw
    assert "T" * 60 not in raw, "sign-in tokens in e-mail links are left out"
    assert "[link removed]" in raw
    (session,) = data["login_sessions"]
    assert set(session) == {"created_at", "expires_at", "remember_me"}
    assert session["remember_me"] is True

    user_row = db.session.get(User, data["account"]["id"])
    assert user_row.password_hash not in raw
    for session_id in db.session.scalars(select(LoginSession.id)):
        assert session_id not in raw
    for foreign in ("other.person", "Otto", "613-555-0999", "For Otto"):
        assert foreign not in raw


def test_export_without_a_profile(signed_in):
    client, user = signed_in()
    data = client.get("/profile/export").get_json()
    assert data["profile"] is None
    assert data["account"]["email"] == user.email


def test_the_profile_page_offers_download_and_deletion(signed_in):
    client, _ = signed_in()
    page = page_of(client.get("/profile"))
    assert 'href="/profile/export" download>Download my data</a>' in page
    assert 'href="/profile/delete">Delete my account</a>' in page


# --- delete my account ----------------------------------------------------------------------------


def test_the_delete_page_explains_what_happens(signed_in):
    client, _ = signed_in()
    page = page_of(client.get("/profile/delete"))
    assert "This cannot be undone" in page
    assert "we keep what cannot identify you" in page
    assert ">Your password</label>" in page


def test_deletion_needs_the_password(signed_in):
    client, user = signed_in(profile=complete_profile(bio="Still here"))
    response = FormClient(client).post("/profile/delete", {"password": "not my password"})
    assert response.status_code == 422
    assert "That is not your password." in page_of(response)
    db.session.expire_all()
    assert db.session.get(User, user.id).is_active_account
    assert db.session.get(Profile, user.id).bio == "Still here"
    assert client.get("/profile").status_code == 200


def test_deletion_leaves_no_personal_data(app, make_member):
    user = planted_member(make_member)
    user_id = user.id
    other = make_member(email="other.person@example.org", profile=complete_profile())
    agreements.confirm_agreement(user, MENTEE)
    mail_to(user, "Waiting for Quintessa")
    mail_to(user, "Already sent to Quintessa", status=OutboxEmail.SENT)
    kept = mail_to(other, "For someone else")
    for needle in SEARCHED:
        assert where_found(needle), f"the test did not plant {needle}"

    client, second_browser = app.test_client(), app.test_client()
    sign_in(client, PLANTED["email"])
    sign_in(second_browser, PLANTED["email"], remember=True)
    response = FormClient(client).post("/profile/delete", {"password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Your account is deleted" in page_of(client.get("/"))

    for needle in SEARCHED:
        assert where_found(needle) == [], needle

    db.session.expire_all()
    user = db.session.get(User, user_id)
    assert user.name == leaving.DELETED_NAME
    assert user.email == f"deleted-{user_id}@invalid"
    assert not user.is_active_account
    assert leaving.is_deleted_account(user)
    assert (
        db.session.scalar(
            select(func.count(LoginSession.id)).where(LoginSession.user_id == user_id)
        )
        == 0
    )
    # Kept for the reports: nothing that identifies anyone.
    profile = db.session.get(Profile, user_id)
    assert profile.role == BOTH
    assert profile.years_experience == 9
    assert profile.region.code == "toronto"
    assert [s.code for s in profile.sectors] == ["public"]
    assert profile.languages == [] and profile.contact_methods == []
    assert db.session.scalar(select(func.count(RoleAgreement.id))) == 1
    # Other members' mail stays.
    assert db.session.get(OutboxEmail, kept.id) is not None

    # Signed out everywhere; the old address and password open nothing.
    assert client.get("/profile").status_code == 302
    assert second_browser.get("/profile").status_code == 302
    refused = FormClient(app.test_client()).post(
        "/auth/login", {"email": PLANTED["email"], "password": DEFAULT_PASSWORD}
    )
    assert refused.status_code == 200
    assert "The e-mail address or password is not right." in page_of(refused)


def test_the_last_committee_member_cannot_delete_their_account(signed_in):
    client, user = signed_in(committee=True)
    response = FormClient(client).post("/profile/delete", {"password": DEFAULT_PASSWORD})
    assert "You are the only committee member" in page_of(response)
    db.session.expire_all()
    assert db.session.get(User, user.id).is_active_account


def test_a_committee_member_can_delete_when_another_remains(signed_in, make_member):
    make_member(committee=True)
    client, user = signed_in(committee=True)
    response = FormClient(client).post("/profile/delete", {"password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    db.session.expire_all()
    deleted = db.session.get(User, user.id)
    assert not deleted.is_committee and not deleted.is_active_account


def test_deletion_erases_what_the_member_wrote_to_others(app, make_member):
    """Request messages they sent and decline notes they wrote name them or tell their story."""
    user = planted_member(make_member)
    mentor = make_member(email="a.mentor@example.org", profile=complete_profile())
    mentee = make_member(email="a.mentee@example.org", profile=complete_profile())
    now = clock.utcnow()
    sent = MentorshipRequest(
        mentee=user,
        mentor=mentor,
        message="Quintessa here: I dream of snorkelwhistle archives.",
        status=MentorshipRequest.DECLINED,
        expires_at=now,
    )
    received = MentorshipRequest(
        mentee=mentee,
        mentor=user,
        message="A message from someone else, kept.",
        status=MentorshipRequest.DECLINED,
        decline_note="Sorry, my snorkelwhistle season is full.",
        expires_at=now,
    )
    mentorship = Mentorship(
        mentor=mentor,
        mentee=user,
        started_on=now.date(),
        minimum_end_on=now.date(),
        status=Mentorship.ACTIVE,
    )
    check_in = CheckIn(
        mentorship=mentorship,
        author=user,
        met_on=now.date(),
        method=db.session.scalars(select(ContactMethod)).first(),
        minutes=30,
        how_it_is_going=4,
        shared_note="We talked about snorkelwhistle careers.",
        private_note="My private snorkelwhistle worries.",
    )
    db.session.add_all([sent, received, mentorship, check_in])
    db.session.commit()
    assert len(where_found("snorkelwhistle")) == 4

    client = app.test_client()
    sign_in(client, PLANTED["email"])
    FormClient(client).post("/profile/delete", {"password": DEFAULT_PASSWORD})

    assert where_found("snorkelwhistle") == []
    assert where_found("Quintessa") == []
    db.session.expire_all()
    assert db.session.get(MentorshipRequest, received.id).message == (
        "A message from someone else, kept."
    )
