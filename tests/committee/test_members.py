"""Committee pages: who may see them, the member list, a member's page, verifying memberships,
and the audit trail."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.committee.audit import trail as audit
from app.eligibility import EXPIRED, MISSING, UNVERIFIED, VERIFIED, membership_status
from app.extensions import db
from app.models import AuditEvent, Profile, RosterImport, User
from tests.factories import NOW, TODAY
from tests.support import FormClient, unescaped_html
from tests.support import audit_events as events

pytestmark = pytest.mark.usefixtures("fixed_time")  # today is 30 November 2026


def membership(number="OLA-1001", expires=date(2027, 3, 31), verified_by=None, **more):
    values = {"membership_number": number, "membership_expires_on": expires, **more}
    if verified_by is not None:
        values["membership_verified_at"] = NOW - timedelta(days=10)
        values["membership_verified_by_id"] = verified_by.id
    return values


def fresh(user: User) -> Profile:
    db.session.expire_all()
    return db.session.get(Profile, user.id)


def text_of(response) -> str:
    return response.get_data(as_text=True)


# --- who may see the committee pages --------------------------------------------------------


def committee_routes(app, member_id: int, import_id: int, **more_ids: int):
    """Every (method, path) the committee blueprint answers, with real ids (and an attention
    list) filled in."""
    values = {"user_id": member_id, "import_id": import_id, "kind": "waiting-requests", **more_ids}
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("committee."):
            continue
        path = rule.build({name: values[name] for name in rule.arguments})[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, path


@pytest.fixture
def targets(make_member):
    """A member and a roster import for the committee URLs to point at."""
    member = make_member(profile=membership())
    roster_import = RosterImport(
        filename="roster.csv",
        file_digest="0" * 64,
        row_count=1,
        rows=[[2, "OLA-1001", member.email, "2027-03-31"]],
        uploaded_at=NOW,
    )
    db.session.add(roster_import)
    db.session.commit()
    return member, roster_import


@pytest.fixture
def pair_targets(make_member):
    """A request and the mentorship it became, for the dashboard's admin views; a matching
    draft with the pair's mentee in its pool, for the matching workbench."""
    from app.models import MatchingPoolEntry, MatchingRun, Mentorship, MentorshipRequest

    mentor, mentee = make_member(), make_member()
    request = MentorshipRequest(
        mentee_id=mentee.id,
        mentor_id=mentor.id,
        message="Hello",
        status=MentorshipRequest.ACCEPTED,
        expires_at=NOW,
        responded_at=NOW,
    )
    db.session.add(request)
    db.session.flush()
    mentorship = Mentorship(
        mentor_id=mentor.id,
        mentee_id=mentee.id,
        request_id=request.id,
        started_on=TODAY,
        minimum_end_on=TODAY + timedelta(days=183),
    )
    db.session.add(mentorship)
    run = MatchingRun(objective="most_matches", criteria={}, experience_gap=3)
    db.session.add(run)
    db.session.flush()
    db.session.add(MatchingPoolEntry(run_id=run.id, role="mentee", user_id=mentee.id))
    db.session.commit()
    return {
        "request_id": request.id,
        "mentorship_id": mentorship.id,
        "run_id": run.id,
        "mentee_id": mentee.id,
    }


def test_the_committee_blueprint_has_the_expected_routes(app, targets, pair_targets):
    member, roster_import = targets
    routes = set(committee_routes(app, member.id, roster_import.id, **pair_targets))
    assert ("GET", "/committee/members") in routes
    assert ("POST", f"/committee/members/{member.id}/verify") in routes
    assert ("POST", f"/committee/roster/{roster_import.id}/apply") in routes
    assert len(routes) >= 9


@pytest.mark.parametrize("visitor", ["anonymous", "member", "deactivated committee member"])
def test_every_committee_route_answers_404_to_outsiders(
    app, client, signed_in, targets, pair_targets, visitor
):
    member, roster_import = targets
    if visitor == "anonymous":
        forms = FormClient(client)
    elif visitor == "member":
        forms = FormClient(signed_in(profile=membership("OLA-2002"))[0])
    else:
        member_client, outsider = signed_in(committee=True)
        outsider.is_active_account = False
        db.session.commit()
        forms = FormClient(member_client)
    for method, path in committee_routes(app, member.id, roster_import.id, **pair_targets):
        if method == "GET":
            response = forms.get(path)
        else:
            # With a valid CSRF token, and without one: 404 either way.
            response = forms.post(path, {"expires_on": "2027-03-31", "fingerprint": "x"})
            assert response.status_code == 404, (method, path)
            response = forms.client.post(path)
        assert response.status_code == 404, (method, path, response.status_code)
        assert "Page not found" in text_of(response)
    assert fresh(member).membership_verified_at is None
    assert db.session.get(RosterImport, roster_import.id).applied_at is None
    assert events() == []


def test_committee_pages_answer_200_to_the_committee(app, committee, targets, pair_targets):
    forms, _ = committee
    member, roster_import = targets
    for method, path in committee_routes(app, member.id, roster_import.id, **pair_targets):
        if method == "GET":
            assert forms.get(path).status_code == 200, path


def test_a_committee_post_without_a_csrf_token_is_refused(committee, make_member):
    forms, _ = committee
    member = make_member(profile=membership())
    response = forms.client.post(
        f"/committee/members/{member.id}/verify", data={"expires_on": "2027-03-31"}
    )
    assert response.status_code == 400
    assert "Your form expired" in text_of(response)
    assert fresh(member).membership_verified_at is None
    assert events() == []


def test_the_committee_link_is_shown_to_the_committee_only(committee, signed_in, client):
    forms, _ = committee
    assert 'href="/committee/"' in text_of(forms.get("/"))
    member_client, _ = signed_in()
    assert 'href="/committee/"' not in text_of(member_client.get("/"))
    assert 'href="/committee/"' not in text_of(client.get("/"))


def test_the_overview_counts_memberships(committee, make_member):
    forms, chair = committee
    make_member(profile=membership("A1"))
    make_member(profile=membership("A2", verified_by=chair))
    make_member(profile=membership("A3", expires=date(2026, 1, 31)))
    page = text_of(forms.get("/committee/"))
    assert re.search(r"Not verified</a></th>\s*<td>1</td>", page)
    assert re.search(r"Verified</a></th>\s*<td>1</td>", page)
    assert re.search(r"Expired</a></th>\s*<td>1</td>", page)
    # The chair has no profile: no membership number.
    assert re.search(r"No membership number</a></th>\s*<td>1</td>", page)


# --- membership status ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "status"),
    [
        (None, MISSING),
        (Profile(membership_number=" "), MISSING),
        (Profile(membership_number="A1"), UNVERIFIED),
        (Profile(membership_number="A1", membership_expires_on=TODAY), UNVERIFIED),
        (
            Profile(
                membership_number="A1", membership_expires_on=TODAY, membership_verified_at=NOW
            ),
            VERIFIED,
        ),
        (
            Profile(
                membership_number="A1",
                membership_expires_on=TODAY - timedelta(days=1),
                membership_verified_at=NOW,
            ),
            EXPIRED,
        ),
        (
            Profile(membership_number="A1", membership_expires_on=TODAY - timedelta(days=1)),
            EXPIRED,
        ),
    ],
)
def test_membership_status(profile, status):
    assert membership_status(profile, TODAY) == status


# --- the member list ------------------------------------------------------------------------


@pytest.fixture
def some_members(make_member, committee):
    _, chair = committee
    return {
        "ada": make_member(
            name="Ada Reader", email="ada@example.org", profile=membership("OLA-1001")
        ),
        "sam": make_member(
            name="Sam Lee",
            email="sam@library.example",
            profile=membership("OLA-2002", verified_by=chair),
        ),
        "old": make_member(
            name="Old Timer",
            email="old@example.org",
            profile=membership("OLA-3003", expires=date(2026, 6, 30), verified_by=chair),
        ),
        "new": make_member(name="New Comer", email="new@example.org", profile={}),
    }


def names_listed(response) -> list[str]:
    return re.findall(
        r'<th scope="row"><a href="/committee/members/\d+">([^<]+)</a>', text_of(response)
    )


def test_the_member_list_shows_everyone_by_name(committee, some_members):
    forms, _ = committee
    response = forms.get("/committee/members")
    assert response.status_code == 200
    assert names_listed(response) == [
        "Ada Reader",
        "Chair Person",
        "New Comer",
        "Old Timer",
        "Sam Lee",
    ]
    page = text_of(response)
    assert "5 members." in page
    assert "<caption>Members" in page
    assert '<th scope="col">Membership number</th>' in page
    assert "2026-06-30 (expired)" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=ada", ["Ada Reader"]),
        ("q=LIBRARY.example", ["Sam Lee"]),
        ("q=ola-300", ["Old Timer"]),
        ("q=%25", []),  # a literal %, not a wildcard
        ("membership=unverified", ["Ada Reader"]),
        ("membership=verified", ["Sam Lee"]),
        ("membership=expired", ["Old Timer"]),
        ("membership=missing", ["Chair Person", "New Comer"]),
        (
            "membership=nonsense",
            ["Ada Reader", "Chair Person", "New Comer", "Old Timer", "Sam Lee"],
        ),
        ("q=example.org&membership=verified", []),
        ("q=o&membership=expired", ["Old Timer"]),
    ],
)
def test_the_member_list_searches_and_filters(committee, some_members, query, expected):
    forms, _ = committee
    assert names_listed(forms.get(f"/committee/members?{query}")) == expected


def test_the_member_list_has_pages_of_50(committee, make_member):
    forms, _ = committee
    for number in range(60):
        make_member(name=f"Reader {number:02d}", profile=membership(f"N{number}"))
    first = forms.get("/committee/members?membership=unverified")
    assert len(names_listed(first)) == 50
    page = text_of(first)
    assert "60 members (not verified yet)." in page
    assert "Page 1 of 2" in page
    assert 'href="/committee/members?membership=unverified&amp;page=2"' in page
    second = forms.get("/committee/members?membership=unverified&page=2")
    assert names_listed(second) == [f"Reader {n}" for n in range(50, 60)]
    assert names_listed(forms.get("/committee/members?page=99")) == []


def test_an_htmx_search_gets_only_the_results(committee, some_members):
    forms, _ = committee
    response = forms.get("/committee/members?q=sam", headers={"HX-Request": "true"})
    assert response.status_code == 200
    page = text_of(response)
    assert "<html" not in page
    assert names_listed(response) == ["Sam Lee"]
    assert 'hx-swap-oob="innerHTML:#member-count"' in page
    assert "1 member matching “sam”." in page
    assert "HX-Request" in response.headers["Vary"]


# --- a member's page ------------------------------------------------------------------------


def test_the_member_page_shows_account_profile_and_membership(committee, some_members):
    forms, chair = committee
    sam = some_members["sam"]
    response = forms.get(f"/committee/members/{sam.id}")
    assert response.status_code == 200
    page = text_of(response)
    assert "<h1>Sam Lee</h1>" in page
    assert "sam@library.example" in page
    assert "OLA-2002" in page
    assert "2027-03-31" in page
    assert "Chair Person" in page  # verified by
    assert "2026-11-20 10:00 EST" in page  # verified at, in Ontario
    assert 'name="expires_on"' in page
    assert 'value="2027-03-31"' in page  # the verify form starts with the member's date
    assert "Revoke verification" in page


def test_the_member_page_shows_an_expired_membership_clearly(committee, some_members):
    forms, _ = committee
    page = text_of(forms.get(f"/committee/members/{some_members['old'].id}"))
    assert "badge-expired" in page
    assert "2026-06-30 (expired)" in page
    assert "This membership has expired." in page


def test_a_member_without_a_number_has_nothing_to_verify(committee, some_members):
    forms, _ = committee
    new = some_members["new"]
    page = text_of(forms.get(f"/committee/members/{new.id}"))
    assert "has not entered a membership number yet" in page
    assert 'name="expires_on"' not in page
    response = forms.post(f"/committee/members/{new.id}/verify", {"expires_on": "2027-03-31"})
    assert response.status_code == 422
    assert "has not entered a membership number yet" in text_of(response)
    assert fresh(new).membership_verified_at is None
    assert events() == []


def test_an_unknown_member_is_404(committee):
    forms, _ = committee
    assert forms.get("/committee/members/999999").status_code == 404
    assert (
        forms.post("/committee/members/999999/verify", {"expires_on": "2027-03-31"}).status_code
        == 404
    )


# --- verifying and revoking -----------------------------------------------------------------


def test_verify_a_membership(committee, some_members):
    forms, chair = committee
    ada = some_members["ada"]
    response = forms.post(f"/committee/members/{ada.id}/verify", {"expires_on": "2027-03-31"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/committee/members/{ada.id}"
    profile = fresh(ada)
    assert profile.membership_verified_at == NOW
    assert profile.membership_verified_by_id == chair.id
    assert profile.membership_expires_on == date(2027, 3, 31)
    (event,) = events()
    assert event.action == audit.MEMBERSHIP_VERIFIED
    assert event.actor_id == chair.id
    assert (event.target_type, event.target_id) == ("member", ada.id)
    assert event.created_at == NOW
    assert event.detail == {
        "expires_on": "2027-03-31",
        "previous_expires_on": "2027-03-31",
        "via": "member page",
    }
    page = text_of(forms.get(response.headers["Location"]))
    assert "Ada Reader&#39;s membership is verified until 2027-03-31." in page
    assert "Membership verified until 2027-03-31" in page  # the history table


def test_verify_while_correcting_the_expiry_date(committee, some_members):
    forms, _ = committee
    ada = some_members["ada"]
    forms.post(f"/committee/members/{ada.id}/verify", {"expires_on": "2027-06-30"})
    assert fresh(ada).membership_expires_on == date(2027, 6, 30)
    assert events()[0].detail["previous_expires_on"] == "2027-03-31"


def test_verify_again_with_a_new_date_and_with_the_same_date(committee, some_members):
    forms, _ = committee
    sam = some_members["sam"]
    response = forms.post(f"/committee/members/{sam.id}/verify", {"expires_on": "2028-03-31"})
    assert "its expiry date is now 2028-03-31" in text_of(forms.get(response.headers["Location"]))
    assert fresh(sam).membership_expires_on == date(2028, 3, 31)
    assert len(events()) == 1

    response = forms.post(f"/committee/members/{sam.id}/verify", {"expires_on": "2028-03-31"})
    assert "already verified until 2028-03-31. Nothing changed." in text_of(
        forms.get(response.headers["Location"])
    )
    assert len(events()) == 1  # nothing changed, nothing recorded


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Enter the expiry date as year-month-day, for example 2027-03-31."),
        ("31/03/2027", "Enter the expiry date as year-month-day, for example 2027-03-31."),
        ("2027-02-30", "Enter the expiry date as year-month-day, for example 2027-03-31."),
        ("2026-11-29", "That date is in the past"),
    ],
)
def test_a_bad_expiry_date_is_a_field_error(committee, some_members, value, message):
    forms, _ = committee
    ada = some_members["ada"]
    response = forms.post(f"/committee/members/{ada.id}/verify", {"expires_on": value})
    assert response.status_code == 422
    page = text_of(response)
    assert 'id="expires_on-error"' in page
    assert message in page
    assert 'aria-invalid="true"' in page
    assert fresh(ada).membership_verified_at is None
    assert fresh(ada).membership_expires_on == date(2027, 3, 31)
    assert events() == []


def test_today_is_a_valid_expiry_date(committee, some_members):
    forms, _ = committee
    ada = some_members["ada"]
    forms.post(f"/committee/members/{ada.id}/verify", {"expires_on": TODAY.isoformat()})
    assert fresh(ada).membership_verified_at == NOW


def test_revoke_a_verification(committee, some_members):
    forms, chair = committee
    sam = some_members["sam"]
    response = forms.post(f"/committee/members/{sam.id}/revoke")
    assert response.status_code == 302
    profile = fresh(sam)
    assert profile.membership_verified_at is None
    assert profile.membership_verified_by_id is None
    assert profile.membership_expires_on == date(2027, 3, 31)  # the member's date stays
    (event,) = events()
    assert event.action == audit.MEMBERSHIP_REVOKED
    assert (event.actor_id, event.target_id) == (chair.id, sam.id)
    assert event.detail == {"expires_on": "2027-03-31", "verified_at": "2026-11-20T15:00:00"}
    page = text_of(forms.get(f"/committee/members/{sam.id}"))
    assert "The verification of Sam Lee&#39;s membership is revoked." in page
    assert "Not verified" in page


def test_revoking_an_unverified_membership_says_so(committee, some_members):
    forms, _ = committee
    ada = some_members["ada"]
    response = forms.post(f"/committee/members/{ada.id}/revoke")
    page = text_of(forms.get(response.headers["Location"]))
    assert "This membership is not verified, so there is nothing to revoke." in page
    assert events() == []


def test_verification_makes_eligibility_count_the_membership(committee, some_members):
    from app.eligibility import membership_reasons

    forms, _ = committee
    ada = some_members["ada"]
    assert [r.code for r in membership_reasons(fresh(ada), TODAY)] == ["membership_unverified"]
    forms.post(f"/committee/members/{ada.id}/verify", {"expires_on": "2027-03-31"})
    assert membership_reasons(fresh(ada), TODAY) == []
    assert [r.code for r in membership_reasons(fresh(ada), date(2027, 4, 1))] == [
        "membership_expired"
    ]


# --- the audit trail ------------------------------------------------------------------------


def test_record_adds_an_event_to_the_callers_transaction(app, make_member):
    actor = make_member(committee=True)
    member = make_member()
    audit.record(actor, audit.MEMBERSHIP_REVOKED, member, when=date(2027, 1, 2), rows=[1, 2])
    db.session.rollback()
    assert events() == []  # not committed by record itself
    event = audit.record(actor, audit.MEMBERSHIP_REVOKED, member, when=date(2027, 1, 2))
    db.session.commit()
    assert event.detail == {"when": "2027-01-02"}
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 1


def test_record_refuses_an_unknown_action(app, make_member):
    with pytest.raises(ValueError, match="Unknown audit action"):
        audit.record(make_member(), "membership.eaten", None)


# --- in French --------------------------------------------------------------------------------


@pytest.fixture
def french_committee(committee):
    """The committee member of `committee`, who chose French."""
    forms, chair = committee
    chair.locale = "fr"
    db.session.commit()
    return forms, chair


def test_the_member_list_in_french(french_committee, make_member):
    forms, _ = french_committee
    make_member(name="Ada Reader", profile=membership())
    response = forms.get("/committee/members?membership=unverified")
    page = response.get_data(as_text=True)
    assert '<html lang="fr-CA"' in page
    assert "<h1>Membres</h1>" in page
    assert ">Tous les membres</option>" in page
    assert "1 membre (pas encore vérifiée)." in page
    assert '<th scope="col">Numéro de membre</th>' in page
    assert 'aria-label="Comité"' in page and ">Importation de la liste des membres</a>" in page
    empty = forms.get("/committee/members?q=nobody-at-all").get_data(as_text=True)
    assert "0 membre correspond à «\u00a0nobody-at-all\u00a0»." in empty
    assert "Aucun membre ne correspond." in empty


def test_the_member_page_its_error_and_its_flash_in_french(french_committee, make_member):
    forms, _ = french_committee
    member = make_member(name="Ada Reader", profile=membership())
    page = unescaped_html(forms.get(f"/committee/members/{member.id}"))
    assert '<h2 id="membership-heading">Adhésion</h2>' in page
    assert "Vérifier l’adhésion" in page
    assert "<dt>Vérifiée</dt><dd>Non vérifiée</dd>" in page

    bad = forms.post(f"/committee/members/{member.id}/verify", {"expires_on": "31 mars"})
    assert bad.status_code == 422
    assert "Entrez la date d’expiration sous la forme année-mois-jour" in unescaped_html(bad)
    past = forms.post(f"/committee/members/{member.id}/verify", {"expires_on": "2026-01-31"})
    assert "une adhésion expirée le 2026-01-31 ne peut pas être vérifiée" in unescaped_html(past)

    done = forms.post(f"/committee/members/{member.id}/verify", {"expires_on": "2027-03-31"})
    assert done.status_code == 302
    after = unescaped_html(forms.get(done.headers["Location"]))
    assert "L’adhésion de Ada Reader est vérifiée jusqu’au 2027-03-31." in after


def test_an_account_action_is_flashed_in_french(french_committee, make_member):
    forms, _ = french_committee
    member = make_member(name="Dee Active")
    response = forms.post(f"/committee/members/{member.id}/deactivate")
    assert response.status_code == 302
    page = unescaped_html(forms.get(response.headers["Location"]))
    assert "Le compte de Dee Active est désactivé" in page
    again = forms.post(f"/committee/members/{member.id}/deactivate")
    assert "Le compte de Dee Active est déjà désactivé." in unescaped_html(
        forms.get(again.location)
    )
