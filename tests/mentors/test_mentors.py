"""The mentor directory (/mentors) and mentor pages (/mentors/<id>): who is listed, filters,
search, order, marks, visitors, tampered query strings, the HTMX fragment."""

import re
from datetime import timedelta

import pytest

from app import clock, matching
from app.extensions import db
from app.mentors import services
from app.models import (
    ContactMethod,
    ExpertiseArea,
    Language,
    Objective,
    Region,
    Sector,
)
from app.models.mentorship import Mentorship, MentorshipRequest
from app.models.profiles import BOTH, MENTEE, MENTOR
from tests.factories import agree, entry_id, profile_fields
from tests.support import listed_mentors as listed
from tests.support import sign_in
from tests.support import unescaped_html as page_of

# --- helpers -------------------------------------------------------------------------------------


def card_of(response, name: str) -> str:
    text = page_of(response)
    start = text.index(f">{name}</a>")
    return text[start : text.index("</article>", start)]


def request_from(mentee_user, mentor, status=MentorshipRequest.PENDING):
    db.session.add(
        MentorshipRequest(
            mentee_id=mentee_user.id,
            mentor_id=mentor.id,
            message="Hello",
            status=status,
            expires_at=clock.utcnow() + timedelta(days=14),
        )
    )
    db.session.commit()


def mentorship(mentor, mentee_user, status=Mentorship.ACTIVE):
    db.session.add(
        Mentorship(
            mentor_id=mentor.id,
            mentee_id=mentee_user.id,
            status=status,
            started_on=clock.today(),
            minimum_end_on=clock.today() + timedelta(days=183),
        )
    )
    db.session.commit()


# --- visitors ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/mentors", "/mentors?sector=1", "/mentors/1"])
def test_anonymous_visitors_are_asked_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


@pytest.mark.parametrize(
    ("options", "code", "fix"),
    [
        ({"agreement": False}, "mentee_agreement", "/profile/agreement?role=mentee"),
        ({"role": MENTOR}, "not_mentee", "/profile/edit"),
        (
            {"membership_expires_on": clock.today() - timedelta(days=1)},
            "membership_expired",
            "/profile/edit",
        ),
        ({"sectors": ()}, "profile_incomplete", "/profile/edit"),
    ],
)
def test_a_member_who_may_not_request_sees_why_not_the_directory(
    mentee, make_mentor, options, code, fix
):
    make_mentor("Riley Mentor", directory=True)
    client, _ = mentee(**options)
    for path in ("/mentors", "/mentors?page=2", "/mentors/1"):
        response = client.get(path)
        assert response.status_code == 403
        text = page_of(response)
        assert f'data-reason="{code}"' in text
        if fix:
            assert f'href="{fix}"' in text
        assert "Riley Mentor" not in text
        assert "mentor-card" not in text


def test_an_eligible_mentee_sees_the_directory_and_the_nav_link(mentee, make_mentor):
    make_mentor("Riley Mentor", directory=True)
    client, _ = mentee()
    response = client.get("/mentors")
    assert response.status_code == 200
    assert listed(response) == ["Riley Mentor"]
    assert 'href="/mentors" aria-current="page">Find a mentor</a>' in page_of(response)
    assert "1 mentor found." in page_of(response)


def test_the_nav_link_is_for_signed_in_members_only(client, mentee):
    assert ">Find a mentor</a>" not in page_of(client.get("/"))
    member_client, _ = mentee()
    assert '<a href="/mentors">Find a mentor</a>' in page_of(member_client.get("/"))


# --- who is listed -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {"agreement": False},
        {"agreement": "2001-01"},  # an old version of the mentor agreement
        {"verified": False},
        {"active": False},
        {"membership_verified_at": None},
        {"membership_expires_on": clock.today() - timedelta(days=1)},
        {"membership_number": None},
        {"years_experience": 2},
        {"role": MENTEE},
        {"position": None},
        {"region": None},
        {"sectors": ()},
        {"contact_methods": ()},
        {"accepting_requests": False},
    ],
    ids=lambda options: "-".join(f"{k}={v}" for k, v in options.items()),
)
def test_mentors_who_may_not_take_a_mentee_now_are_not_listed(mentee, make_mentor, options):
    make_mentor("Listed Mentor", directory=True)
    hidden = make_mentor("Hidden Mentor", directory=True, **options)
    client, _ = mentee()
    assert listed(client.get("/mentors")) == ["Listed Mentor"]
    assert client.get(f"/mentors/{hidden.id}").status_code == 404


def test_a_mentor_whose_membership_expires_today_is_still_listed(mentee, make_mentor):
    make_mentor("Last Day", directory=True, membership_expires_on=clock.today())
    client, _ = mentee()
    assert listed(client.get("/mentors")) == ["Last Day"]


def test_full_mentors_are_not_listed_and_spots_left_count_active_mentorships(
    mentee, make_mentor, make_member
):
    full = make_mentor("Full Mentor", directory=True, mentor_capacity=1)
    roomy = make_mentor("Roomy Mentor", directory=True, mentor_capacity=3)
    others = [make_member(email=f"other{i}@example.org") for i in range(3)]
    mentorship(full, others[0])
    mentorship(roomy, others[1])
    mentorship(roomy, others[2], status=Mentorship.COMPLETED)  # over: frees the spot
    client, _ = mentee()
    response = client.get("/mentors")
    assert listed(response) == ["Roomy Mentor"]
    assert "<dt>Spots left</dt><dd>2</dd>" in card_of(response, "Roomy Mentor")
    assert client.get(f"/mentors/{full.id}").status_code == 404


def test_the_viewer_is_never_listed(mentee, make_mentor):
    make_mentor("Riley Mentor", directory=True)
    client, me = mentee(role=BOTH, years_experience=8)
    agree(me, MENTOR)
    assert listed(client.get("/mentors")) == ["Riley Mentor"]
    assert client.get(f"/mentors/{me.id}").status_code == 404


def test_a_both_role_mentor_is_listed(mentee, make_mentor):
    make_mentor("Both Ways", directory=True, role=BOTH)
    client, _ = mentee()
    assert listed(client.get("/mentors")) == ["Both Ways"]


def test_requested_and_current_mentors_are_marked(mentee, make_mentor, make_member):
    asked = make_mentor("Asked Mentor", directory=True)
    mine = make_mentor("My Mentor", directory=True)
    declined = make_mentor("Declined Mentor", directory=True)
    make_mentor("Other Mentor", directory=True)
    client, me = mentee()
    request_from(me, asked)
    request_from(me, declined, status=MentorshipRequest.DECLINED)
    mentorship(mine, me)
    response = client.get("/mentors?order=name")
    assert listed(response) == ["Asked Mentor", "Declined Mentor", "My Mentor", "Other Mentor"]
    assert "Request sent" in card_of(response, "Asked Mentor")
    assert "Your mentor" in card_of(response, "My Mentor")
    for name in ("Declined Mentor", "Other Mentor"):
        assert "Request sent" not in card_of(response, name)
        assert "Your mentor" not in card_of(response, name)
    # Another mentee's request marks nothing for this one.
    other = make_member(email="someone@example.org")
    request_from(other, declined)
    assert "Request sent" not in card_of(client.get("/mentors"), "Declined Mentor")


# --- cards ---------------------------------------------------------------------------------------


def test_a_card_is_short_and_the_mentor_page_has_the_rest(mentee, make_mentor):
    riley = make_mentor(
        "Riley Mentor",
        directory=True,
        position="Branch Manager",
        employer="Ottawa Public Library",
        region="ottawa",
        city="Kanata",
        sectors=("public", "government"),
        expertise_areas=("leadership", "reference"),
        contact_methods=("video", "phone"),
        languages=("fr", "en"),
        phone="613-555-0199",
        mentor_capacity=3,
    )
    client, _ = mentee()
    listing = client.get("/mentors")
    assert '<span class="initials" aria-hidden="true">RM</span>' in page_of(listing)
    card = card_of(listing, "Riley Mentor")
    assert "Branch Manager, Ottawa Public Library" in card
    assert (
        '<p class="mentor-line">Kanata, Ottawa region · '
        "Reference and information services, Leadership and management</p>"
    ) in card
    assert "<dt>Spots left</dt><dd>3</dd>" in card
    assert f'href="/mentors/{riley.id}/request"' in card and ">Request</a>" in card
    assert "Public libraries" not in card and "Video call" not in card
    assert "613-555-0199" not in card and riley.email not in card

    page = page_of(client.get(f"/mentors/{riley.id}"))
    assert "<dd>Public libraries; Government libraries</dd>" in page
    assert "<dd>Kanata, Ottawa region</dd>" in page
    assert "<dd>Phone; Video call</dd>" in page
    assert "<dd>English; French</dd>" in page


def test_a_card_shows_the_best_reason_and_the_page_all_of_them(mentee, make_mentor):
    make_mentor(
        "Riley Mentor",
        directory=True,
        objectives=("career", "networking"),
        sectors=("public",),
        expertise_areas=("reference",),
        languages=("en",),
        contact_methods=("email",),
    )
    client, _ = mentee(
        objectives=("career", "networking", "job-search"),
        sectors=("public",),
        expertise_areas=("reference",),
        region="ottawa",
    )
    response = client.get("/mentors")
    card = card_of(response, "Riley Mentor")
    assert "Why they may suit you:</span> Offers 2 objectives you seek.</p>" in card
    assert "Same sector" not in card
    mentor_id = re.search(r'data-mentor-id="(\d+)"', page_of(response)).group(1)
    page = page_of(client.get(f"/mentors/{mentor_id}"))
    reasons = re.findall(r"<li>([^<]+)</li>", page[page.index('class="fit-reasons"') :])
    assert reasons[:3] == [
        "Offers 2 objectives you seek: Career development, exploration and advancement; "
        "Networking and professional connections",
        "Knows what you want to learn about: Reference and information services",
        "Same sector: Public libraries",
    ]


# --- filters and search --------------------------------------------------------------------------


@pytest.fixture
def three_mentors(make_mentor):
    make_mentor(
        "Alex Archivist",
        directory=True,
        position="Archivist",
        employer="Archives of Ontario",
        sectors=("archives",),
        expertise_areas=("special-collections",),
        region="toronto",
        contact_methods=("in-person", "email"),
        languages=("en",),
        objectives=("career",),
        bio="Records, fonds and finding aids.",
    )
    make_mentor(
        "Blair Cataloguer",
        directory=True,
        position="Metadata Librarian",
        employer="Queen's University Library",
        sectors=("academic",),
        expertise_areas=("cataloguing",),
        region="eastern",
        contact_methods=("video",),
        languages=("en", "fr"),
        objectives=("professional-development", "networking"),
        bio="MARC, linked data and 100% authority work.",
    )
    make_mentor(
        "Casey Children",
        directory=True,
        position="Children's Services Librarian",
        employer="Ottawa Public Library",
        sectors=("public", "school"),
        expertise_areas=("children", "outreach"),
        region="ottawa",
        contact_methods=("in-person", "phone"),
        languages=("fr",),
        objectives=("career", "job-search"),
        bio="Storytime and school visits.",
    )


def names_for(client, query: str) -> set[str]:
    response = client.get("/mentors?" + query)
    assert response.status_code == 200
    return set(listed(response))


ALL3 = {"Alex Archivist", "Blair Cataloguer", "Casey Children"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ALL3),
        ("sector={academic}", {"Blair Cataloguer"}),
        ("sector={school}", {"Casey Children"}),
        ("sector={academic}&sector={archives}", {"Blair Cataloguer", "Alex Archivist"}),
        ("expertise={children}", {"Casey Children"}),
        ("expertise={cataloguing}&expertise={special}", {"Blair Cataloguer", "Alex Archivist"}),
        ("region={ottawa}", {"Casey Children"}),
        ("region={eastern}", {"Blair Cataloguer"}),
        ("contact={in_person}", {"Alex Archivist", "Casey Children"}),
        ("contact={video}", {"Blair Cataloguer"}),
        ("language={fr}", {"Blair Cataloguer", "Casey Children"}),
        ("language={en}&language={fr}", ALL3),
        ("objective={career}", {"Alex Archivist", "Casey Children"}),
        ("objective={networking}", {"Blair Cataloguer"}),
        ("objective={career}&language={fr}", {"Casey Children"}),
        ("contact={in_person}&region={toronto}", {"Alex Archivist"}),
        ("sector={public}&objective={networking}", set()),
        ("q=casey", {"Casey Children"}),  # name
        ("q=METADATA", {"Blair Cataloguer"}),  # position, any case
        ("q=archives+of", {"Alex Archivist"}),  # employer, words in any field
        ("q=storytime", {"Casey Children"}),  # introduction
        ("q=cataloguing+and+metadata", {"Blair Cataloguer"}),  # expertise name
        ("q=librar", {"Blair Cataloguer", "Casey Children"}),
        ("q=library+ottawa", {"Casey Children"}),  # every word must match
        ("q=100%25", {"Blair Cataloguer"}),  # % is a character, not a wildcard
        ("q=%25", {"Blair Cataloguer"}),
        ("q=_", set()),
        ("q=casey&sector={academic}", set()),
        ("q=nobody", set()),
    ],
)
def test_filters_and_search(mentee, three_mentors, query, expected):
    client, _ = mentee()
    ids = {
        "academic": entry_id(Sector, "academic"),
        "school": entry_id(Sector, "school"),
        "archives": entry_id(Sector, "archives"),
        "public": entry_id(Sector, "public"),
        "children": entry_id(ExpertiseArea, "children"),
        "cataloguing": entry_id(ExpertiseArea, "cataloguing"),
        "special": entry_id(ExpertiseArea, "special-collections"),
        "ottawa": entry_id(Region, "ottawa"),
        "eastern": entry_id(Region, "eastern"),
        "toronto": entry_id(Region, "toronto"),
        "in_person": entry_id(ContactMethod, "in-person"),
        "video": entry_id(ContactMethod, "video"),
        "en": entry_id(Language, "en"),
        "fr": entry_id(Language, "fr"),
        "career": entry_id(Objective, "career"),
        "networking": entry_id(Objective, "networking"),
    }
    assert names_for(client, query.format(**ids)) == expected


def test_the_form_shows_the_filters_applied(mentee, three_mentors):
    client, _ = mentee()
    sector = entry_id(Sector, "academic")
    region = entry_id(Region, "eastern")
    text = page_of(client.get(f"/mentors?sector={sector}&region={region}&q=meta&order=name"))
    assert re.search(rf'name="sector" id="sector-\d+" value="{sector}" checked', text)
    assert f'<option selected value="{region}">' in text
    assert '<option selected value="name">' in text
    assert 'value="meta"' in text
    assert "Clear filters" in text


def test_nothing_found_says_so(mentee, three_mentors):
    client, _ = mentee()
    text = page_of(client.get("/mentors?q=nobody"))
    assert "No mentors found." in text
    assert "No mentor matches these filters" in text


# --- order ---------------------------------------------------------------------------------------


def test_best_fit_order_is_the_order_of_the_pure_function(mentee, make_mentor):
    """Hand-made mentors with ties on score (broken by name, then id) and a conflict."""
    make_mentor(
        "Dana Same", directory=True, objectives=("career",), sectors=("public",), region="ottawa"
    )
    make_mentor(
        "dana same", directory=True, objectives=("career",), sectors=("public",), region="ottawa"
    )
    make_mentor("Bo Face", directory=True, region="ottawa", contact_methods=("in-person",))
    make_mentor("Cy Video", directory=True, region="ottawa", contact_methods=("video",))
    make_mentor(
        "Al Nothing", directory=True, sectors=("vendor",), contact_methods=("phone",), languages=()
    )
    make_mentor(
        "Eve Employer",
        directory=True,
        employer="  ottawa PUBLIC library",
        objectives=("career", "networking"),
        sectors=("public",),
    )
    make_mentor(
        "Fay Lots",
        directory=True,
        objectives=("career", "networking", "job-search"),
        expertise_areas=("children", "reference"),
        languages=("fr", "en"),
    )
    make_mentor("Gus Lang", directory=True, languages=("fr",), sectors=("school",))
    make_mentor(
        "Hal Expert",
        directory=True,
        expertise_areas=("children",),
        contact_methods=("email", "video"),
    )
    client, me = mentee(
        employer="Ottawa Public Library",
        objectives=("career", "networking", "job-search"),
        expertise_areas=("children", "reference"),
        sectors=("public", "school"),
        region="ottawa",
        contact_methods=("in-person", "email"),
        languages=("en", "fr"),
    )
    order = listed(client.get("/mentors"))

    vocab = services.load_vocabularies()
    viewer = services.load_viewer(me, clock.today(), vocab)
    result = services.search(
        viewer, services.DirectoryQuery(order=services.NAME), vocab, clock.today()
    )
    members = [services.mentor_member(card) for card in result.mentors]
    expected = [m.name for m, _ in matching.rank(viewer.member, members)]
    assert order == expected
    assert order[-1] == "Eve Employer"  # the best score, but a possible conflict of interest
    assert order[:2] == ["Fay Lots", "Dana Same"]
    # Same score and same name apart from case: the older account (lower id) first.
    assert order.index("Dana Same") + 1 == order.index("dana same")
    # And the SQL score is the pure score, mentor by mentor.
    for card, member in zip(result.mentors, members, strict=True):
        assert card.fit == matching.fit(viewer.member, member)


def test_a_possible_conflict_of_interest_is_flagged_and_last_not_hidden(mentee, make_mentor):
    make_mentor(
        "Ann Colleague", directory=True, employer="Toronto Public Library", objectives=("career",)
    )
    make_mentor("Ben Elsewhere", directory=True, employer="Hamilton Public Library")
    client, _ = mentee(employer="toronto public library", objectives=("career",))
    response = client.get("/mentors")
    assert listed(response) == ["Ben Elsewhere", "Ann Colleague"]
    assert matching.CONFLICT_OF_INTEREST in card_of(response, "Ann Colleague")
    assert matching.CONFLICT_OF_INTEREST not in card_of(response, "Ben Elsewhere")


def test_order_by_name_and_by_newest(mentee, make_mentor):
    make_mentor("Carol", directory=True)
    make_mentor("alice", directory=True)
    make_mentor("Bob", directory=True)
    client, _ = mentee()
    assert listed(client.get("/mentors?order=name")) == ["alice", "Bob", "Carol"]
    assert listed(client.get("/mentors?order=newest")) == ["Bob", "alice", "Carol"]


# --- pages ---------------------------------------------------------------------------------------


def test_twenty_mentors_a_page_and_a_page_past_the_end_shows_the_last(mentee, make_mentor):
    for number in range(25):
        make_mentor(f"Mentor {number:02d}", directory=True)
    client, _ = mentee()
    first = client.get("/mentors?order=name")
    assert listed(first) == [f"Mentor {n:02d}" for n in range(20)]
    assert "25 mentors found, page 1 of 2." in page_of(first)
    assert 'href="/mentors?order=name&page=2" rel="next"' in page_of(first)
    second = client.get("/mentors?order=name&page=2")
    assert listed(second) == [f"Mentor {n:02d}" for n in range(20, 25)]
    assert 'rel="prev"' in page_of(second)
    for page in ("3", "99", "99999999999999999999"):
        response = client.get(f"/mentors?order=name&page={page}")
        assert response.status_code == 200
        assert listed(response) == [f"Mentor {n:02d}" for n in range(20, 25)]
        assert "page 2 of 2" in page_of(response)


@pytest.mark.parametrize(
    "query",
    [
        "page=-1",
        "page=abc",
        "page=0",
        "page=1.5",
        "page=%EF%BC%92",  # a full-width digit
        "page=99999999999999999999999999999",
        "page=",
        "page=1&page=x",
        "sector=abc",
        "sector=-3",
        "sector=999999",
        "sector=99999999999999999999999",
        "sector=1e3",
        "sector=",
        "region=abc",
        "region=999999",
        "region=-1",
        "expertise=%00",
        "contact=1;DROP TABLE users",
        "language=%27",
        "objective=0x1",
        "order=random",
        "order=",
        "order=fit%27",
        "q=" + "x" * 5000,
        "q=%27%22%3C%3E",
        "q=%00",
        "q=a%00b%01c",
        "q=\\",
        "unknown=1",
    ],
)
def test_tampered_query_strings_are_ignored_never_an_error(mentee, make_mentor, query):
    make_mentor("Riley Mentor", directory=True)
    client, _ = mentee()
    for headers in ({}, {"HX-Request": "true"}):
        response = client.get("/mentors?" + query, headers=headers)
        assert response.status_code == 200, query
        assert "Error" not in page_of(response).split("</h1>")[0]
        if not query.startswith("q="):
            assert listed(response) == ["Riley Mentor"], query


def test_unknown_ids_are_dropped_and_known_ones_kept(mentee, three_mentors):
    client, _ = mentee()
    academic = entry_id(Sector, "academic")
    response = client.get(f"/mentors?sector=abc&sector=99999&sector={academic}")
    assert set(listed(response)) == {"Blair Cataloguer"}
    assert 'value="99999"' not in page_of(response)


# --- HTMX ----------------------------------------------------------------------------------------


def test_htmx_gets_the_results_fragment_and_the_count_out_of_band(mentee, three_mentors):
    client, _ = mentee()
    sector = entry_id(Sector, "academic")
    full = client.get(f"/mentors?sector={sector}")
    fragment = client.get(f"/mentors?sector={sector}", headers={"HX-Request": "true"})
    assert full.status_code == fragment.status_code == 200
    assert "HX-Request" in fragment.headers["Vary"] and "HX-Request" in full.headers["Vary"]
    text = page_of(fragment)
    assert "<html" not in text and "<form" not in text
    assert '<span hx-swap-oob="innerHTML:#mentor-count">1 mentor found.</span>' in text
    assert listed(fragment) == listed(full) == ["Blair Cataloguer"]
    full_text = page_of(full)
    assert 'id="mentor-count" class="result-count" role="status" aria-live="polite">' in full_text
    assert 'hx-get="/mentors"' in full_text and 'hx-target="#mentor-results"' in full_text
    assert 'hx-push-url="true"' in full_text and "keyup changed delay:300ms" in full_text
    assert '<button type="submit" class="button">Show mentors</button>' in full_text


def test_a_history_restore_gets_the_whole_page(mentee, three_mentors):
    client, _ = mentee()
    response = client.get(
        "/mentors?q=casey",
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in page_of(response)
    assert listed(response) == ["Casey Children"]


def test_pagination_links_update_the_results_with_htmx(mentee, make_mentor):
    for number in range(21):
        make_mentor(f"Mentor {number:02d}", directory=True)
    client, _ = mentee()
    text = page_of(client.get("/mentors?order=name", headers={"HX-Request": "true"}))
    assert (
        '<a href="/mentors?order=name&page=2" rel="next" hx-get="/mentors?order=name&page=2" '
        'hx-target="#mentor-results" hx-push-url="true" '
        """hx-headers='{"X-Focus-Results": "true"}'>Next page</a>"""
    ) in text
    assert "data-focus-after-swap" not in text  # a filter changed: focus stays where it is
    paged = page_of(
        client.get(
            "/mentors?order=name&page=2", headers={"HX-Request": "true", "X-Focus-Results": "true"}
        )
    )
    assert 'tabindex="-1" data-focus-after-swap aria-label="Mentors, page 2 of 2"' in paged


# --- a mentor's page -----------------------------------------------------------------------------


def test_a_mentors_page_shows_their_profile_and_fit(mentee, make_mentor):
    riley = make_mentor(
        "Riley Mentor",
        directory=True,
        bio="Twenty years at the reference desk.",
        objectives=("career", "networking"),
        expertise_areas=("reference",),
        contact_methods=("email", "video"),
        languages=("en", "fr"),
        phone="416-555-0100",
        mentor_capacity=3,
    )
    client, _ = mentee(objectives=("career",))
    response = client.get(f"/mentors/{riley.id}")
    assert response.status_code == 200
    text = page_of(response)
    assert '<h1 id="mentor-name">Riley Mentor</h1>' in text
    assert "Twenty years at the reference desk." in text
    assert "<li>Networking and professional connections</li>" in text
    assert "<li>Reference and information services</li>" in text
    assert "<dd>E-mail; Video call</dd>" in text and "<dd>English; French</dd>" in text
    assert "<dt>Spots left</dt><dd>3</dd>" in text
    assert "Offers an objective you seek: Career development" in text
    assert riley.email not in text and "416-555-0100" not in text
    assert f'<a class="button" href="/mentors/{riley.id}/request">Request mentorship</a>' in text


def test_a_mentors_page_is_404_for_unknown_ids(mentee):
    client, _ = mentee()
    assert client.get("/mentors/999999").status_code == 404
    assert client.get("/mentors/abc").status_code == 404


def test_a_mentor_one_asked_or_works_with_stays_visible_when_no_longer_listed(mentee, make_mentor):
    asked = make_mentor("Asked Mentor", directory=True, accepting_requests=False)
    mine = make_mentor("My Mentor", directory=True, mentor_capacity=1)
    client, me = mentee()
    request_from(me, asked)
    mentorship(mine, me)
    assert listed(client.get("/mentors")) == []
    asked_page = page_of(client.get(f"/mentors/{asked.id}"))
    assert "Request sent" in asked_page and "You asked Asked Mentor" in asked_page
    assert f'href="/mentors/{asked.id}/request"' not in asked_page
    mine_page = page_of(client.get(f"/mentors/{mine.id}"))
    assert "Your mentor" in mine_page and "<dt>Spots left</dt><dd>0</dd>" in mine_page


def test_a_committee_member_may_see_contact_details(app, make_member, make_mentor):
    riley = make_mentor("Riley Mentor", directory=True, phone="416-555-0100")
    chair = make_member(
        name="Chair",
        committee=True,
        profile={"display_name": "Chair", **profile_fields(MENTEE)},
    )
    agree(chair, MENTEE)
    client = app.test_client()
    sign_in(client, chair.email)
    assert riley.email not in page_of(client.get("/mentors"))
    text = page_of(client.get(f"/mentors/{riley.id}"))
    assert riley.email in text and "416-555-0100" in text


def test_a_member_without_a_profile_is_told_what_to_do(signed_in):
    client, _ = signed_in()
    for path in ("/mentors", "/mentors/1"):
        response = client.get(path)
        assert response.status_code == 403
        text = page_of(response)
        assert 'data-reason="profile_incomplete"' in text
        assert 'data-reason="membership_missing"' in text
        assert 'data-reason="mentee_agreement"' in text
