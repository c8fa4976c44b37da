"""Member profiles: the form, the role rule, bad input, membership re-verification, access."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.errors_domain import FieldErrors
from app.extensions import db
from app.models import (
    Language,
    Profile,
    Sector,
    User,
)
from app.models.profiles import BOTH, MENTEE, MENTOR
from app.profiles import privacy, services
from app.profiles.services import ProfileChanges
from tests.factories import complete_profile, form_data, ids, vocab
from tests.support import FormClient, profile_of
from tests.support import unescaped_html as page_of

pytestmark = pytest.mark.usefixtures("restore_vocabularies")

ROLE_TABLE = [
    (years, role, role == MENTEE or years >= 3)
    for years in (0, 2, 3, 10)
    for role in (MENTEE, MENTOR, BOTH)
]
TOO_LITTLE = "Mentors need at least 3 years of library work experience."


# --- helpers -------------------------------------------------------------------------------------


def changes(**overrides) -> ProfileChanges:
    values = {
        "display_name": "Ada Reader",
        "years_experience": 5,
        "role": MENTEE,
        "mentor_capacity": 1,
        "sectors": [vocab(Sector, "public")[0].id],
    }
    values.update(overrides)
    return ProfileChanges(**values)


def snapshot(user: User) -> dict | None:
    """Everything saved in a member's profile, to check that nothing changed."""
    db.session.expire_all()
    profile = db.session.get(Profile, user.id)
    if profile is None:
        return None
    columns = {c.name: getattr(profile, c.key) for c in Profile.__table__.columns}
    columns.pop("updated_at")
    for name in services.VOCABULARY_FIELDS:
        columns[name] = sorted(entry.id for entry in getattr(profile, name))
    return columns


def error_of(page: str, field: str) -> str:
    match = re.search(rf'id="{field}-error">(.*?)</p>', page, re.S)
    assert match, f"no error shown for {field}"
    return match.group(1)


# --- anonymous visitors ---------------------------------------------------------------------------

PROFILE_PAGES = [
    "/profile",
    "/profile/edit",
    "/profile/agreement",
    "/profile/agreement?role=mentor",
    "/profile/export",
    "/profile/delete",
    "/profile/role-choices?years_experience=4",
]


@pytest.mark.parametrize("path", PROFILE_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


@pytest.mark.parametrize(
    "path", ["/profile/edit", "/profile/agreement?role=mentee", "/profile/delete"]
)
def test_anonymous_posts_are_sent_to_sign_in_and_change_nothing(forms, path):
    response = forms.post(path, form_data(password="x", agree="y"))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")
    assert db.session.scalar(select(Profile)) is None


# --- the profile form -----------------------------------------------------------------------------


def test_a_new_member_fills_in_the_profile(signed_in):
    client, user = signed_in(name="Ada Account")
    page = page_of(client.get("/profile/edit"))
    assert 'value="Ada Account"' in page  # the account name is the default display name
    response = FormClient(client).post("/profile/edit", form_data())
    assert response.status_code == 302
    assert response.headers["Location"] == "/profile"
    profile = profile_of(user)
    assert profile.display_name == "Ada Reader"
    assert profile.role == MENTEE
    assert profile.years_experience == 5
    assert profile.membership_number == "OLA-123456"
    assert profile.region.code == "toronto"
    assert sorted(s.code for s in profile.sectors) == ["academic", "public"]
    assert sorted(c.code for c in profile.contact_methods) == ["email", "video"]
    assert sorted(lang.code for lang in profile.languages) == ["en", "fr"]
    assert profile.mentor_capacity == 2
    assert profile.accepting_requests is True

    shown = page_of(client.get("/profile"))
    assert "Ada Reader (she/her)" in shown
    assert "Public libraries" in shown
    assert "416-555-0123" in shown  # the member sees their own contact details
    assert user.email in shown


def test_the_edit_page_shows_the_saved_profile_and_unticks_what_is_removed(signed_in):
    client, user = signed_in(profile=complete_profile(languages=vocab(Language, "en", "fr")))
    page = page_of(client.get("/profile/edit"))
    english, french = ids(Language, "en", "fr")
    assert re.search(rf'name="languages" id="[\w-]+" value="{english}" checked', page)
    FormClient(client).post("/profile/edit", form_data(languages=[french], accepting_requests="no"))
    profile = profile_of(user)
    assert [lang.code for lang in profile.languages] == ["fr"]
    assert profile.accepting_requests is False
    FormClient(client).post("/profile/edit", form_data(languages=[]))
    assert profile_of(user).languages == []


def test_multiple_choices_are_checkbox_groups_with_legends(signed_in):
    client, _ = signed_in()
    page = page_of(client.get("/profile/edit"))
    assert "<select multiple" not in page and " multiple" not in page
    for legend in (
        "Library sectors",
        "Areas of expertise",
        "Program objectives",
        "Ways you can meet",
        "Languages",
        "Your role in the program",
        "Accepting new requests from mentees",
    ):
        assert f"<legend>{legend}</legend>" in page
    for label in ("Years of library work experience", "Region of Ontario", "Membership number"):
        assert f">{label}</label>" in page


def test_only_active_vocabulary_entries_are_offered_in_their_order(signed_in):
    client, _ = signed_in()
    public, academic = vocab(Sector, "public", "academic")
    archives = vocab(Sector, "archives")[0]
    archives.active = False
    public.position, academic.position = academic.position, public.position
    db.session.commit()
    page = page_of(client.get("/profile/edit"))
    assert "Archives and records" not in page
    assert page.index("Academic libraries") < page.index("Public libraries")


def test_a_deactivated_entry_cannot_be_chosen(signed_in):
    client, user = signed_in(profile=complete_profile())
    archives = vocab(Sector, "archives")[0]
    archives.active = False
    db.session.commit()
    before = snapshot(user)
    response = FormClient(client).post("/profile/edit", form_data(sectors=[str(archives.id)]))
    assert response.status_code == 422
    assert error_of(page_of(response), "sectors") == "Choose from the options shown."
    assert snapshot(user) == before


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"years_experience": "-1"}, "years_experience", "from 0 to 80"),
        ({"years_experience": "81"}, "years_experience", "from 0 to 80"),
        ({"years_experience": "abc"}, "years_experience", "from 0 to 80"),
        ({"years_experience": "2.5"}, "years_experience", "from 0 to 80"),
        ({"mentor_capacity": "0"}, "mentor_capacity", "from 1 to 5"),
        ({"mentor_capacity": "6"}, "mentor_capacity", "from 1 to 5"),
        ({"mentor_capacity": "many"}, "mentor_capacity", "from 1 to 5"),
        ({"mentor_capacity": ""}, "mentor_capacity", "how many mentees"),
        ({"sectors": ["99999"]}, "sectors", "Choose from the options shown."),
        ({"sectors": ["abc"]}, "sectors", "Choose from the options shown."),
        ({"languages": ["1", "99999"]}, "languages", "Choose from the options shown."),
        ({"expertise_areas": ["-3"]}, "expertise_areas", "Choose from the options shown."),
        ({"objectives": ["1 OR 1=1"]}, "objectives", "Choose from the options shown."),
        ({"contact_methods": ["99999"]}, "contact_methods", "Choose from the options shown."),
        ({"region_id": "99999"}, "region_id", "Choose from the options shown."),
        ({"region_id": "toronto"}, "region_id", "Choose from the options shown."),
        ({"role": "admin"}, "role", "Choose one of the options"),
        ({"accepting_requests": "maybe"}, "accepting_requests", "Choose one of the options"),
        ({"display_name": ""}, "display_name", "Enter the name"),
        ({"display_name": "x" * 121}, "display_name", "at most 120"),
        ({"pronouns": "x" * 41}, "pronouns", "at most 40"),
        ({"position": "x" * 121}, "position", "at most 120"),
        ({"employer": "x" * 161}, "employer", "at most 160"),
        ({"city": "x" * 81}, "city", "at most 80"),
        ({"phone": "1" * 41}, "phone", "at most 40"),
        ({"phone": "call me maybe"}, "phone", "phone number like"),
        ({"membership_number": "x" * 41}, "membership_number", "at most 40"),
        ({"membership_number": "<script>"}, "membership_number", "Use only letters"),
        ({"bio": "x" * 2001}, "bio", "at most 2,000"),
        ({"mentee_goals": "x" * 2001}, "mentee_goals", "at most 2,000"),
        ({"membership_expires_on": "31/12/2026"}, "membership_expires_on", "year-month-day"),
        ({"membership_expires_on": "2026-02-30"}, "membership_expires_on", "year-month-day"),
        ({"membership_expires_on": "2026-13-01"}, "membership_expires_on", "year-month-day"),
        ({"membership_expires_on": "next year"}, "membership_expires_on", "year-month-day"),
        ({"membership_expires_on": "0001-01-01"}, "membership_expires_on", "between 2000"),
        ({"membership_expires_on": "9999-12-31"}, "membership_expires_on", "between 2000"),
        ({"membership_expires_on": ""}, "membership_expires_on", "Add the date"),
        ({"membership_number": ""}, "membership_number", "Add your membership number"),
    ],
)
def test_bad_input_is_a_field_error_and_saves_nothing(signed_in, overrides, field, message):
    client, user = signed_in(profile=complete_profile(bio="Saved bio", phone="705-555-0100"))
    before = snapshot(user)
    # Every other field is changed too: none of it may be saved.
    data = form_data(display_name="Changed Name", bio="Changed bio", city="Elsewhere")
    data.update(overrides)
    response = FormClient(client).post("/profile/edit", data)
    assert response.status_code == 422
    page = page_of(response)
    assert message in error_of(page, field)
    assert 'class="error-summary"' in page
    assert f'href="#{field}"' in page
    assert snapshot(user) == before


def test_text_is_trimmed_and_windows_newlines_count_once(signed_in):
    client, user = signed_in()
    bio = "\r\n".join(["x" * 99] * 20)  # 1,980 characters and 19 newlines: 2,018 bytes as sent
    response = FormClient(client).post(
        "/profile/edit", form_data(bio=bio, city="  Ottawa  ", pronouns="   ")
    )
    assert response.status_code == 302
    profile = profile_of(user)
    assert profile.bio == bio.replace("\r\n", "\n")
    assert profile.city == "Ottawa"
    assert profile.pronouns is None


def test_what_was_typed_is_kept_when_the_form_is_refused(signed_in):
    client, _ = signed_in()
    response = FormClient(client).post(
        "/profile/edit", form_data(years_experience="abc", city="Kenora", bio="My <b>story</b>")
    )
    page = response.get_data(as_text=True)
    assert 'value="abc"' in page
    assert 'value="Kenora"' in page
    assert "My &lt;b&gt;story&lt;/b&gt;" in page


@pytest.mark.parametrize(
    "bad",
    [
        {"years_experience": -1},
        {"years_experience": 81},
        {"years_experience": "5"},
        {"mentor_capacity": 0},
        {"mentor_capacity": 6},
        {"mentor_capacity": None},
        {"sectors": [99999]},
        {"sectors": ["1"]},
        {"languages": [True]},
        {"region_id": 99999},
        {"role": "owner"},
        {"bio": "x" * 2001},
        {"display_name": "x" * 121},
        {"display_name": "   "},
        {"membership_number": "OLA-1", "membership_expires_on": "2027-01-01"},
        {"membership_number": "OLA-1", "membership_expires_on": None},
    ],
)
def test_the_service_checks_everything_itself(make_member, bad):
    user = make_member(profile=complete_profile())
    before = snapshot(user)
    with pytest.raises(FieldErrors) as refused:
        services.save_profile(user, changes(**{"city": "Changed", "bio": "Changed", **bad}))
    assert refused.value.errors
    db.session.rollback()
    assert snapshot(user) == before


def test_the_service_refuses_inactive_entries(make_member):
    user = make_member()
    french = vocab(Language, "fr")[0]
    french.active = False
    db.session.commit()
    with pytest.raises(FieldErrors) as refused:
        services.save_profile(user, changes(languages=[french.id]))
    assert refused.value.errors == {"languages": ["Choose from the options shown."]}
    assert snapshot(user) is None


def test_the_service_reports_every_problem_at_once(make_member):
    user = make_member()
    with pytest.raises(FieldErrors) as refused:
        services.save_profile(
            user, changes(years_experience=99, mentor_capacity=9, region_id=12345, bio="x" * 3000)
        )
    assert set(refused.value.errors) == {"years_experience", "mentor_capacity", "region_id", "bio"}


# --- the role rule --------------------------------------------------------------------------------


@pytest.mark.parametrize(("years", "role", "allowed"), ROLE_TABLE)
def test_role_rule_in_the_service(make_member, years, role, allowed):
    user = make_member()
    if allowed:
        services.save_profile(user, changes(years_experience=years, role=role))
        assert profile_of(user).role == role
    else:
        with pytest.raises(FieldErrors) as refused:
            services.save_profile(user, changes(years_experience=years, role=role))
        assert refused.value.errors == {"role": [TOO_LITTLE]}
        assert snapshot(user) is None


@pytest.mark.parametrize(("years", "role", "allowed"), ROLE_TABLE)
def test_role_rule_through_the_form(signed_in, years, role, allowed):
    client, user = signed_in()
    response = FormClient(client).post(
        "/profile/edit", form_data(years_experience=str(years), role=role)
    )
    if allowed:
        assert response.status_code == 302
        assert profile_of(user).role == role
    else:
        assert response.status_code == 422
        assert error_of(page_of(response), "role") == TOO_LITTLE
        assert snapshot(user) is None


@pytest.mark.parametrize(("years", "role", "allowed"), ROLE_TABLE)
def test_role_rule_in_the_htmx_fragment(signed_in, years, role, allowed):
    client, _ = signed_in()
    response = client.get(
        "/profile/role-choices",
        query_string={"years_experience": years, "role": role, "role_state": "all"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    fragment = page_of(response)
    assert "<html" not in fragment
    disabled = set(re.findall(r'value="(\w+)"(?: checked)? disabled', fragment))
    checked = re.findall(r'name="role" id="[\w-]+" value="(\w+)" checked', fragment)
    if years >= 3:
        assert disabled == set()
    else:
        assert disabled == {MENTOR, BOTH}
    assert checked == [role if allowed else MENTEE]
    announcement = re.search(
        r'<p id="role-announcement" hx-swap-oob="innerHTML">(.*?)</p>', fragment
    )
    if years >= 3:
        assert announcement is None  # the page already showed every role: nothing changed
    else:
        assert "you can take part as a mentee" in announcement.group(1)
        assert ("Your role is now set to mentee." in announcement.group(1)) == (not allowed)


def test_the_fragment_announces_when_the_roles_open_again(signed_in):
    client, _ = signed_in()
    response = client.get(
        "/profile/role-choices",
        query_string={"years_experience": "3", "role": MENTEE, "role_state": "mentee-only"},
        headers={"HX-Request": "true"},
    )
    fragment = page_of(response)
    assert 'name="role_state" value="all"' in fragment
    assert "you can be a mentor, a mentee, or both" in fragment
    assert "disabled" not in fragment


def test_the_fragment_with_unusable_years_leaves_every_role_open(signed_in):
    client, _ = signed_in()
    fragment = page_of(
        client.get(
            "/profile/role-choices",
            query_string={"years_experience": "abc", "role": MENTOR, "role_state": "mentee-only"},
            headers={"HX-Request": "true"},
        )
    )
    assert "disabled" not in fragment
    assert "Enter your years of library work experience" in fragment


def test_the_fragment_url_without_htmx_goes_to_the_form(signed_in):
    client, _ = signed_in()
    response = client.get("/profile/role-choices?years_experience=4")
    assert response.status_code == 302
    assert response.headers["Location"] == "/profile/edit"


def test_the_edit_page_wires_the_years_field_to_the_fragment(signed_in):
    client, _ = signed_in(profile=complete_profile(years_experience=1))
    page = page_of(client.get("/profile/edit"))
    years_input = re.search(r'<input [^>]*id="years_experience"[^>]*>', page).group(0)
    assert 'hx-get="/profile/role-choices"' in years_input
    assert 'hx-target="#role-choices"' in years_input
    assert 'hx-include="#role-choices"' in years_input
    assert (
        '<p id="role-announcement" class="announcement" role="status" aria-live="polite">' in page
    )
    # Without JavaScript every role can be chosen; the server answers with a field message.
    assert "disabled" not in page


# --- membership re-verification -------------------------------------------------------------------


def test_changing_the_membership_details_asks_for_verification_again(signed_in, make_member):
    committee = make_member(committee=True)
    expires = clock.today() + timedelta(days=300)
    client, user = signed_in(
        profile=complete_profile(
            membership_number="OLA-123456",
            membership_expires_on=expires,
            membership_verified_by_id=committee.id,
        )
    )
    forms = FormClient(client)
    same = {"membership_number": "OLA-123456", "membership_expires_on": expires.isoformat()}
    forms.post("/profile/edit", form_data(city="Somewhere else", **same))
    assert profile_of(user).membership_verified_at is not None, "other changes keep it"

    forms.post("/profile/edit", form_data(**{**same, "membership_number": "OLA-999999"}))
    profile = profile_of(user)
    assert profile.membership_verified_at is None
    assert profile.membership_verified_by_id is None

    profile.membership_verified_at = clock.utcnow()
    db.session.commit()
    later = (expires + timedelta(days=365)).isoformat()
    forms.post(
        "/profile/edit",
        form_data(membership_number="OLA-999999", membership_expires_on=later),
    )
    profile = profile_of(user)
    assert profile.membership_expires_on.isoformat() == later
    assert profile.membership_verified_at is None


# --- privacy helper -------------------------------------------------------------------------------


def test_contact_details_are_for_the_member_and_the_committee(app, make_member):
    from flask_login import AnonymousUserMixin

    member = make_member(profile=complete_profile(phone="416-555-0100"))
    other = make_member()
    committee = make_member(committee=True)
    former_committee = make_member(committee=True, active=False)
    assert privacy.can_see_contact_details(member, member)
    assert privacy.can_see_contact_details(committee, member)
    assert not privacy.can_see_contact_details(other, member)
    assert not privacy.can_see_contact_details(former_committee, member)
    assert not privacy.can_see_contact_details(AnonymousUserMixin(), member)
    assert not privacy.can_see_contact_details(None, member)


# --- pages ----------------------------------------------------------------------------------------


def test_the_profile_link_is_in_the_navigation(signed_in):
    client, _ = signed_in()
    page = page_of(client.get("/profile"))
    assert '<a href="/profile" aria-current="page">Profile</a>' in page


def test_profile_pages_are_not_cached(signed_in):
    client, _ = signed_in(profile=complete_profile())
    for path in ("/profile", "/profile/edit", "/profile/export"):
        assert client.get(path).headers["Cache-Control"] == "no-store"


def test_a_member_without_a_profile_is_asked_to_fill_it_in(signed_in):
    client, _ = signed_in()
    assert "Fill in your profile" in page_of(client.get("/profile"))
    assert "Fill in your profile" in page_of(client.get("/"))


def test_the_edit_page_has_no_inline_script_or_style(signed_in):
    client, _ = signed_in(profile=complete_profile())
    for path in ("/profile", "/profile/edit", "/profile/agreement?role=mentee", "/profile/delete"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>" not in page and "<style" not in page and " style=" not in page
        assert " onclick=" not in page and " oninput=" not in page


def test_the_date_today_is_a_valid_expiry(signed_in):
    client, _ = signed_in()
    response = FormClient(client).post(
        "/profile/edit", form_data(membership_expires_on=date.today().isoformat())
    )
    assert response.status_code == 302
