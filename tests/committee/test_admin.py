"""The committee's account actions on a member's page: deactivate / reactivate, grant / remove
the committee role (the last committee member stays), and the member list's role filter."""

import pytest
from sqlalchemy import func, select

from app.committee.audit import trail as audit
from app.committee.members import accounts as members_admin
from app.errors_domain import DomainError
from app.extensions import db
from app.models import LoginSession, User
from tests.support import FormClient, sign_in
from tests.support import audit_events as events
from tests.support import unescaped_html as text_of

pytestmark = pytest.mark.usefixtures("fixed_time")  # today is 30 November 2026

ACTIONS = ["deactivate", "reactivate", "grant-committee", "revoke-committee"]


def fresh(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def sessions_of(user: User) -> int:
    return db.session.scalar(
        select(func.count()).select_from(LoginSession).where(LoginSession.user_id == user.id)
    )


@pytest.mark.parametrize("visitor", ["anonymous", "member"])
def test_account_actions_are_404_to_outsiders(client, signed_in, make_member, visitor):
    target = make_member(committee=True)
    forms = FormClient(client if visitor == "anonymous" else signed_in()[0])
    for action in ACTIONS:
        path = f"/committee/members/{target.id}/{action}"
        assert forms.post(path).status_code == 404, path
        assert forms.client.post(path).status_code == 404, path
    assert fresh(target).is_active_account and fresh(target).is_committee
    assert events() == []


def test_account_actions_need_a_csrf_token_and_a_real_member(committee, make_member):
    forms, _ = committee
    target = make_member()
    assert forms.client.post(f"/committee/members/{target.id}/deactivate").status_code == 400
    assert fresh(target).is_active_account
    assert forms.post("/committee/members/9999/deactivate").status_code == 404


def test_deactivating_signs_the_member_out_at_once(committee, app, make_member):
    forms, chair = committee
    member = make_member(name="Dee Active")
    member_client = app.test_client()
    sign_in(member_client, member.email)
    sign_in(app.test_client(), member.email)  # a second browser
    assert member_client.get("/profile").status_code == 200
    assert sessions_of(member) == 2

    page = text_of(forms.get(f"/committee/members/{member.id}"))
    assert "Deactivate the account" in page and "Give the committee role" in page
    response = forms.post(f"/committee/members/{member.id}/deactivate")
    assert response.status_code == 302
    page = text_of(forms.get(response.location))
    assert "Dee Active's account is deactivated" in page
    assert "Reactivate the account" in page

    assert sessions_of(member) == 0
    assert fresh(member).is_active_account is False
    # The member's browser is signed out at its next request...
    response = member_client.get("/profile")
    assert response.status_code == 302 and "/auth/login" in response.location
    # ...and can't sign in again.
    response = FormClient(app.test_client()).post(
        "/auth/login", {"email": member.email, "password": "correct horse battery staple"}
    )
    assert response.status_code != 302
    (event,) = events(audit.ACCOUNT_DEACTIVATED)
    assert (event.actor_id, event.target_type, event.target_id) == (chair.id, "member", member.id)
    assert event.detail == {"sessions_ended": 2}

    response = forms.post(f"/committee/members/{member.id}/reactivate")
    assert "Dee Active's account is active again" in text_of(forms.get(response.location))
    assert fresh(member).is_active_account is True
    sign_in(app.test_client(), member.email)
    assert len(events(audit.ACCOUNT_REACTIVATED)) == 1
    page = text_of(forms.get(f"/committee/members/{member.id}"))
    assert "Account deactivated" in page and "Account reactivated" in page  # its history


def test_twice_is_refused_with_a_message(committee, make_member):
    forms, _ = committee
    member = make_member(name="Dee Active", active=False)
    response = forms.post(f"/committee/members/{member.id}/deactivate")
    assert "already deactivated" in text_of(forms.get(response.location))
    member.is_active_account = True
    db.session.commit()
    response = forms.post(f"/committee/members/{member.id}/reactivate")
    assert "already active" in text_of(forms.get(response.location))
    assert events() == []


def test_one_cant_deactivate_oneself(committee):
    forms, chair = committee
    page = text_of(forms.get(f"/committee/members/{chair.id}"))
    assert "you can't deactivate it here" in page
    response = forms.post(f"/committee/members/{chair.id}/deactivate")
    assert "You can't deactivate your own account" in text_of(forms.get(response.location))
    assert fresh(chair).is_active_account


def test_granting_and_removing_the_committee_role(committee, app, make_member):
    forms, chair = committee
    member = make_member(name="New Chair")
    response = forms.post(f"/committee/members/{member.id}/grant-committee")
    assert "New Chair is now a committee member." in text_of(forms.get(response.location))
    assert fresh(member).is_committee
    member_client = app.test_client()
    sign_in(member_client, member.email)
    assert member_client.get("/committee/members").status_code == 200

    response = forms.post(f"/committee/members/{member.id}/revoke-committee")
    assert "New Chair is no longer a committee member." in text_of(forms.get(response.location))
    assert not fresh(member).is_committee
    assert member_client.get("/committee/members").status_code == 404  # at once
    assert [e.action for e in events()] == [audit.COMMITTEE_GRANTED, audit.COMMITTEE_REVOKED]

    response = forms.post(f"/committee/members/{member.id}/revoke-committee")
    assert "is not a committee member" in text_of(forms.get(response.location))
    member.is_active_account = False
    db.session.commit()
    response = forms.post(f"/committee/members/{member.id}/grant-committee")
    assert "Reactivate it before" in text_of(forms.get(response.location))
    assert not fresh(member).is_committee


def test_the_last_committee_member_stays(committee, make_member):
    forms, chair = committee
    page = text_of(forms.get(f"/committee/members/{chair.id}"))
    assert "is the last active committee member" in page
    response = forms.post(f"/committee/members/{chair.id}/revoke-committee")
    assert response.status_code == 302
    page = text_of(forms.get(response.location))
    assert "Chair Person is the last active committee member." in page
    assert fresh(chair).is_committee
    # A deactivated committee member doesn't count.
    make_member(committee=True, active=False)
    response = forms.post(f"/committee/members/{chair.id}/revoke-committee")
    assert fresh(chair).is_committee
    assert events() == []


def test_one_may_remove_ones_own_role_when_another_remains(committee, make_member):
    forms, chair = committee
    make_member(committee=True, name="Second Chair")
    response = forms.post(f"/committee/members/{chair.id}/revoke-committee")
    assert response.status_code == 302 and response.location == "/"
    assert not fresh(chair).is_committee
    assert forms.get("/committee/members").status_code == 404
    (event,) = events(audit.COMMITTEE_REVOKED)
    assert event.detail == {"own_role": True}


def test_the_last_committee_member_cant_be_removed_or_deactivated_by_services(app, make_member):
    chair = make_member(committee=True, name="Only Chair")
    helper = make_member(committee=True, name="Helper")
    helper.is_committee = True
    members_admin.deactivate_account(chair, helper)  # two active: allowed
    with pytest.raises(DomainError, match="Only Chair is the last active committee member"):
        members_admin.revoke_committee_role(chair, chair)
    members_admin.reactivate_account(chair, helper)
    members_admin.revoke_committee_role(helper, chair)  # helper removes the chair: allowed
    with pytest.raises(DomainError, match="Helper is the last active committee member"):
        members_admin.deactivate_account(chair, helper)
    assert fresh(helper).is_active_account and fresh(helper).is_committee


# --- the member list's role filter ------------------------------------------------------------


def test_members_can_be_filtered_by_role_and_account(committee, make_member):
    forms, _ = committee
    make_member(name="Mentor Only", profile={"role": "mentor", "years_experience": 5})
    make_member(name="Mentee Only", profile={"role": "mentee", "years_experience": 1})
    make_member(name="Both Ways", profile={"role": "both", "years_experience": 9})
    make_member(name="Gone Away", active=False)

    def names(role):
        page = text_of(forms.get(f"/committee/members?role={role}"))
        return {
            n
            for n in ("Mentor Only", "Mentee Only", "Both Ways", "Gone Away", "Chair Person")
            if f">{n}</a>" in page
        }

    assert names("mentor") == {"Mentor Only"}
    assert names("mentee") == {"Mentee Only"}
    assert names("both") == {"Both Ways"}
    assert names("committee") == {"Chair Person"}
    assert names("deactivated") == {"Gone Away"}
    assert len(names("")) == 5
    assert len(names("bogus")) == 5
    page = text_of(forms.get("/committee/members?role=mentor", headers={"HX-Request": "true"}))
    assert "<html" not in page and ">Mentor Only</a>" in page
