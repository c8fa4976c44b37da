"""A new member's first days: the welcome e-mail once their address is confirmed, and the
"you're verified" e-mail once the committee verified their membership, by hand or by the
roster; each once per member, through the outbox and a real SMTP server."""

import io
from datetime import date, timedelta

import pytest

from app import clock
from app.auth import services
from app.auth.welcome import VERIFIED_SUBJECT, WELCOME_SUBJECT
from app.extensions import db
from app.models import User
from app.models.profiles import BOTH, MENTEE
from tests.auth.test_auth import register, the_link
from tests.support import DEFAULT_PASSWORD, body_html, body_text, links_in, outbox, sign_in


def subjects_to(mail_server, address: str) -> list[str]:
    return [message["Subject"] for message in mail_server.to(address)]


# --- the welcome -------------------------------------------------------------------------------


def test_registering_sends_only_the_link_and_confirming_sends_the_welcome(
    forms, mail_server, deliver_mail
):
    register(forms)
    link = the_link(mail_server, deliver_mail, "ada.reader@example.org", "/auth/verify/")
    # At registration: the verification link, no welcome (the address is not confirmed yet).
    assert subjects_to(mail_server, "ada.reader@example.org") == [
        "Confirm your e-mail address for Mentor Match"
    ]

    forms.get(link)
    assert outbox("welcome") == [], "opening the link (GET) changes nothing"
    forms.post(link)
    forms.post(link)  # confirming twice welcomes once
    deliver_mail()
    welcomes = [
        m for m in mail_server.to("ada.reader@example.org") if m["Subject"] == WELCOME_SUBJECT
    ]
    assert len(welcomes) == 1
    text = body_text(welcomes[0])
    assert "Hello Ada Reader," in text
    assert "Complete your profile" in text
    assert "We will e-mail you as soon as it is done." in text
    assert any(link.endswith("/profile/edit") for link in links_in(welcomes[0]))
    assert any(link.endswith("/mentors") for link in links_in(welcomes[0]))
    assert "Complete your profile</a>" in body_html(welcomes[0])


def test_a_new_address_of_a_confirmed_member_is_not_a_second_welcome(
    app, make_member, mail_server, deliver_mail
):
    user = make_member(email="kim@example.org", name="Kim Keys")
    services.request_email_change(user, "kim.new@example.org", DEFAULT_PASSWORD)
    link = the_link(mail_server, deliver_mail, "kim.new@example.org", "/auth/verify/")
    assert services.verify_email(link.rsplit("/", 1)[1]).state == "done"
    assert db.session.get(User, user.id).email == "kim.new@example.org"
    assert outbox("welcome") == []


def test_a_reset_link_that_confirms_the_address_welcomes_too(
    app, make_member, mail_server, deliver_mail
):
    user = make_member(email="rita@example.org", name="Rita Reader", verified=False)
    services.request_password_reset("rita@example.org")
    reset_link = the_link(mail_server, deliver_mail, "rita@example.org", "/auth/reset/")
    token = reset_link.rsplit("/", 1)[1]
    services.reset_password(token, "a brand new passphrase")
    assert db.session.get(User, user.id).email_verified
    deliver_mail()
    assert WELCOME_SUBJECT in subjects_to(mail_server, "rita@example.org")


# --- "you're verified" ---------------------------------------------------------------------------


@pytest.fixture
def waiting(make_member):
    """Wes Waiting: a mentee with a membership number the committee has not verified."""
    return make_member(
        email="wes@example.org",
        name="Wes Waiting",
        profile={
            "membership_number": "OLA-4242",
            "membership_expires_on": clock.today() + timedelta(days=200),
            "role": MENTEE,
        },
    )


def test_verifying_by_hand_tells_the_member_once(committee, waiting, mail_server, deliver_mail):
    forms, _ = committee
    expiry = clock.today() + timedelta(days=300)
    response = forms.post(
        f"/committee/members/{waiting.id}/verify", {"expires_on": expiry.isoformat()}
    )
    assert response.status_code == 302
    deliver_mail()
    (message,) = mail_server.to("wes@example.org")
    assert message["Subject"] == VERIFIED_SUBJECT
    text = body_text(message)
    assert "Hello Wes Waiting," in text
    assert "verified your association membership" in text
    assert f"valid until {expiry.day} {expiry:%B} {expiry.year}" in text
    assert "choose a mentor in the directory" in text
    assert "As a mentor" not in text
    assert any(link.endswith("/mentors") for link in links_in(message))

    # A corrected expiry date, a revoke and a new verification: no second message.
    forms.post(
        f"/committee/members/{waiting.id}/verify",
        {"expires_on": (expiry + timedelta(days=30)).isoformat()},
    )
    forms.post(f"/committee/members/{waiting.id}/revoke")
    forms.post(f"/committee/members/{waiting.id}/verify", {"expires_on": expiry.isoformat()})
    deliver_mail()
    assert len(mail_server.to("wes@example.org")) == 1


def test_a_refused_verification_sends_nothing(committee, waiting, mail_server, deliver_mail):
    forms, _ = committee
    response = forms.post(f"/committee/members/{waiting.id}/verify", {"expires_on": "2001-01-01"})
    assert response.status_code == 422
    deliver_mail()
    assert mail_server.to("wes@example.org") == []


def test_verifying_by_the_roster_tells_each_member_once(
    committee, waiting, make_member, mail_server, deliver_mail
):
    forms, _ = committee
    both = make_member(
        email="bo@example.org",
        name="Bo Both",
        profile={"membership_number": "OLA-5151", "years_experience": 9, "role": BOTH},
    )
    expiry = (clock.today() + timedelta(days=365)).isoformat()
    content = (
        f"Number,Email,Expiry\nOLA-4242,wes@example.org,{expiry}\n"
        f"OLA-5151,bo@example.org,{expiry}\n"
    )

    def upload_and_apply():
        response = forms.post(
            "/committee/roster",
            {"file": (io.BytesIO(content.encode()), "roster.csv")},
            content_type="multipart/form-data",
        )
        page = forms.get(response.headers["Location"]).get_data(as_text=True)
        fingerprint = page.split('name="fingerprint" type="hidden" value="')[1].split('"')[0]
        forms.post(response.headers["Location"] + "/apply", {"fingerprint": fingerprint})

    upload_and_apply()
    deliver_mail()
    (to_wes,) = mail_server.to("wes@example.org")
    (to_bo,) = mail_server.to("bo@example.org")
    assert to_wes["Subject"] == to_bo["Subject"] == VERIFIED_SUBJECT
    assert "As a mentor: mentees can now find you" in body_text(to_bo)
    assert "As a mentee" in body_text(to_bo)
    assert both.id != waiting.id

    # Next year's roster with a new expiry date verifies them again, without a second e-mail.
    content = content.replace(
        expiry, (date.fromisoformat(expiry) + timedelta(days=365)).isoformat()
    )
    upload_and_apply()
    deliver_mail()
    assert len(mail_server.to("wes@example.org")) == 1
    assert len(outbox("membership_verified")) == 2


def test_once_verified_the_home_page_no_longer_says_the_committee_is_checking(
    app, committee, waiting, mail_server, deliver_mail
):
    """Signing in after the e-mail: the home page no longer says the committee is checking."""
    forms, _ = committee
    forms.post(
        f"/committee/members/{waiting.id}/verify",
        {"expires_on": (clock.today() + timedelta(days=100)).isoformat()},
    )
    client = app.test_client()
    sign_in(client, "wes@example.org")
    page = client.get("/").get_data(as_text=True)
    assert 'data-reason="membership_unverified"' not in page
