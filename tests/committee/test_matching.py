"""The committee's matching workbench (/committee/matching): the pool and its counts, runs and
their drafts, why anyone is left out, changing and re-running a draft, publishing it once (and
never a stale one), carrying the unmatched to the next intake, the CSV, and constant SQL
statements on the review page."""

import csv
import io
import os
import re
import threading
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app import clock
from app.committee.audit import log, trail
from app.extensions import db
from app.models import (
    Intake,
    IntakeWaitlistEntry,
    MatchingExclusion,
    MatchingPair,
    MatchingRun,
    Mentorship,
    MentorshipRequest,
    Profile,
    ProgramSettings,
    User,
)
from app.models.profiles import MENTEE, MENTOR
from app.program import get_settings
from tests.factories import NOW, TODAY, add_mentorship, add_request
from tests.support import audit_events, client_for, outbox, statements_for, unescaped_html

pytestmark = pytest.mark.usefixtures("fixed_time")  # today is 30 November 2026

R = MentorshipRequest

CRITERIA_CODES = ("expertise", "sector", "region", "language", "contact", "experience")


@pytest.fixture
def person(people):
    """`person(name, role, joined=None, **profile)`: an eligible member (`people`) who works at
    a library of their own, so that nobody shares an employer unless a test says so."""

    def make(name, role=MENTEE, joined=None, **profile):
        profile.setdefault("employer", f"{name} Library")
        user = people(name, role, **profile)
        if joined is not None:
            user.created_at = joined
            db.session.commit()
        return user

    return make


def criteria_data(**settings) -> dict:
    """The run form's criteria: every criterion preferred with weight 1, unless told
    (`language=("required", "")`, `region=("ignored", "")`, ...)."""
    data = {"objective": "most_matches", "experience_gap": "3"}
    for code in CRITERIA_CODES:
        mode, weight = settings.get(code, ("preferred", "1"))
        data[f"{code}_mode"], data[f"{code}_weight"] = mode, weight
    return data


def run(forms, intake="", **settings):
    """Run the matching from the workbench's form; the new run."""
    response = forms.post(
        "/committee/matching/runs", {"intake": intake, **criteria_data(**settings)}
    )
    assert response.status_code == 302, unescaped_html(response)
    return db.session.get(MatchingRun, int(response.headers["Location"].rsplit("/", 1)[1]))


def pairs_of(run_: MatchingRun) -> set[tuple[str, str]]:
    db.session.expire_all()
    rows = db.session.scalars(select(MatchingPair).where(MatchingPair.run_id == run_.id))
    return {(pair.mentee_id, pair.mentor_id) for pair in rows}


def review_text(forms, run_: MatchingRun, **headers) -> str:
    response = forms.get(f"/committee/matching/runs/{run_.id}", headers=headers)
    assert response.status_code == 200
    return unescaped_html(response)


def figure(page: str, label: str) -> str:
    """The value of the figure named `label` on the page."""
    match = re.search(rf"<dt>{label}</dt>\s*<dd><span class=\"figure-value\">([^<]+)<", page)
    assert match, f"no figure {label!r}"
    return match.group(1)


# --- the pool -------------------------------------------------------------------------------


def test_the_pool_counts_waiting_mentees_and_mentors_with_open_spots(committee, person):
    forms, _ = committee
    waiting = person("Ada Waiting")
    asked, matched = person("Bo Asked"), person("Cy Matched")
    person("Di Unverified", membership_verified_at=None)
    roomy = person("Mo Roomy", MENTOR, mentor_capacity=3)
    full = person("Ned Full", MENTOR, mentor_capacity=1)
    person("Oz Paused", MENTOR, accepting_requests=False)
    add_request(asked, roomy, R.PENDING, NOW)  # Bo waits for an answer; Mo has 3 - 1 = 2 spots
    add_mentorship(full, matched, TODAY - timedelta(days=40))  # Cy has a mentor; Ned is full

    page = unescaped_html(forms.get("/committee/matching"))
    assert figure(page, "Mentees in the pool") == "1"
    assert figure(page, "Mentors with a spot") == "1"
    assert figure(page, "Open spots") == "2"
    created = run(forms)
    assert (created.mentees_in_pool, created.mentors_in_pool, created.spots_in_pool) == (1, 1, 2)
    assert pairs_of(created) == {(waiting.id, roomy.id)}


def test_an_intakes_pool_is_who_joined_for_it_and_who_was_carried_to_it(committee, person):
    forms, _ = committee
    spring = Intake(name="Spring 2026", opens_on=date(2026, 4, 1), closes_on=date(2026, 4, 21))
    fall = Intake(name="Fall 2026", opens_on=date(2026, 9, 1), closes_on=date(2026, 9, 21))
    db.session.add_all([spring, fall])
    db.session.commit()
    person("Early", joined=datetime(2026, 4, 21, 23, 0))  # Spring's last day
    late = person("Late", joined=datetime(2026, 4, 22, 9, 0))  # after Spring closed: Fall's
    person("After", joined=datetime(2026, 9, 22, 9, 0))  # after Fall closed
    carried = person("Carried", joined=datetime(2025, 1, 5, 9, 0))
    db.session.add(IntakeWaitlistEntry(intake_id=fall.id, user_id=carried.id))
    db.session.commit()
    person("Mo Mentor", MENTOR, mentor_capacity=5, joined=datetime(2020, 1, 1))

    page = unescaped_html(
        forms.get(f"/committee/matching/pool?intake={fall.id}", headers={"HX-Request": "true"})
    )
    assert "The mentees of Fall 2026: those who joined from 2026-04-22 to 2026-09-21" in page
    assert figure(page, "Mentees in the pool") == "2"
    assert f'id="run-intake" value="{fall.id}" hx-swap-oob="true"' in page
    created = run(forms, intake=str(fall.id))
    assert created.intake_name == "Fall 2026"
    assert {mentee for mentee, _ in pairs_of(created)} == {late.id, carried.id}
    # Without HTMX the same address is the whole page, with that pool chosen.
    page = unescaped_html(forms.get(f"/committee/matching/pool?intake={fall.id}"))
    assert "<h1>Matching workbench</h1>" in page
    assert forms.get("/committee/matching/pool?intake=999").status_code == 404


def test_a_run_is_a_draft_with_its_criteria_and_the_reasons_of_each_pair(committee, person):
    forms, chair = committee
    ada = person("Ada Reader", sectors=("public",), languages=("fr",), region="toronto")
    mo = person(
        "Mo Mentor", MENTOR, sectors=("public",), languages=("fr", "en"), region="northeastern"
    )
    created = run(
        forms, sector=("preferred", "5"), region=("preferred", "3"), language=("required", "")
    )
    assert created.status == MatchingRun.DRAFT
    assert created.created_by_id == chair.id
    assert created.criteria["language"] == ["required", 0]
    assert created.criteria["sector"] == ["preferred", 5]
    (pair,) = db.session.scalars(select(MatchingPair).where(MatchingPair.run_id == created.id))
    assert (pair.mentee_id, pair.mentor_id, pair.fit) == (ada.id, mo.id, 5 + 1 + 1)
    page = review_text(forms, created)
    assert "Draft " + str(created.id) + ": every waiting mentee" in page
    assert "Made on 2026-11-30 10:00 EST by Chair Person" in page
    assert "Language: required" in page and "Sector: preferred, weight 5" in page
    assert "Sector: Public libraries (+5)" in page
    assert "Language: French (required)" in page
    assert "Not met: Expertise and objectives; Region" in page
    (event,) = audit_events(trail.MATCHING_RUN)
    assert event.detail["pairs"] == 1 and event.target_type == "matching_run"
    log = unescaped_html(forms.get("/committee/audit"))
    assert f'<a href="/committee/matching/runs/{created.id}">Matching draft {created.id}</a>' in log
    assert "Matching draft made" in log


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"sector_weight": "11"}, "sector_weight", "Enter a weight from 0 to 10."),
        ({"sector_mode": "maybe"}, "sector_mode", "Choose one of the options shown."),
        ({"experience_gap": "99"}, "experience_gap", "Enter a number of years from 0 to 40."),
        ({"objective": "luck"}, "objective", "Choose one of the options shown."),
        ({"intake": "12345"}, "intake", "Choose one of the intakes, or every waiting mentee."),
    ],
)
def test_a_run_form_with_a_bad_value_is_shown_again(committee, data, field, message):
    forms, _ = committee
    response = forms.post("/committee/matching/runs", {"intake": "", **criteria_data(), **data})
    assert response.status_code == 422
    assert message in unescaped_html(response)
    assert db.session.scalar(select(func.count(MatchingRun.id))) == 0


# --- why someone is left out ----------------------------------------------------------------


def test_every_unmatched_mentee_and_unused_spot_is_explained(committee, person):
    forms, _ = committee
    person("Ada French", languages=("fr",))
    person("Bo Same", employer="Hamilton Public Library")
    cy = person("Cy Declined")
    mo = person("Mo Mentor", MENTOR, employer="Hamilton Public Library", mentor_capacity=2)
    add_request(cy, mo, R.DECLINED, NOW)
    created = run(forms, language=("required", ""))
    assert pairs_of(created) == set()
    page = review_text(forms, created)
    assert "No mentor meets Language: French (0 of 1)." in page
    assert "Make Language preferred instead of required." in page
    assert "Only same-employer mentors fit (1)." in page
    assert "The one mentor who fits is excluded: 1 declined them before." in page
    # Mo's two spots: the mentees who share his language are conflicts.
    assert "The 2 mentees who fit are all excluded: 1 at the same employer, 1 they declined" in page


def test_conflicts_of_interest_are_never_proposed(committee, person):
    forms, _ = committee
    declined, ended = person("Ada Declined"), person("Bo Ended")
    person("Cy Same", employer="Toronto Public Library")
    mo = person("Mo Mentor", MENTOR, mentor_capacity=5, employer="toronto public  library")
    add_request(declined, mo, R.DECLINED, NOW)
    add_mentorship(mo, ended, TODAY - timedelta(days=90), Mentorship.ENDED_EARLY, TODAY)
    created = run(forms)
    assert pairs_of(created) == set()
    page = review_text(forms, created)
    assert page.count("Only same-employer mentors fit (1).") == 1
    assert "The one mentor who fits is excluded: 1 declined them before." in page
    assert "The one mentor who fits is excluded: 1 ended a mentorship early with them." in page
    assert "The 3 mentees who fit are all excluded" in page


def test_a_full_mentor_is_named_with_the_spot_that_would_help(committee, person):
    forms, _ = committee
    person("Ada Reader")
    person("Bo Reader")
    person("Mo Mentor", MENTOR, mentor_capacity=1)
    created = run(forms)
    page = review_text(forms, created)
    assert "The one mentor who fits, Mo Mentor, is full." in page
    assert "One more spot for Mo Mentor would match this mentee." in page


# --- changing the draft ---------------------------------------------------------------------


@pytest.fixture
def draft(committee, person):
    """Two mentees, two mentors with a spot each, and the draft that pairs them by sector
    (Ada and Mo, Bo and Ned); by region, Ada would go with Ned and Bo with Mo."""
    forms, _ = committee
    people = {
        "ada": person("Ada Reader", sectors=("public",), region="northeastern"),
        "bo": person("Bo Reader", sectors=("academic",)),
        "mo": person("Mo Mentor", MENTOR, sectors=("public",), mentor_capacity=1),
        "ned": person(
            "Ned Mentor", MENTOR, sectors=("academic",), mentor_capacity=1, region="northeastern"
        ),
    }
    created = run(forms, sector=("preferred", "5"))
    assert pairs_of(created) == {
        (people["ada"].id, people["mo"].id),
        (people["bo"].id, people["ned"].id),
    }
    return forms, created, people


def pair_id(run_: MatchingRun, mentee) -> int:
    return db.session.scalar(
        select(MatchingPair.id).where(
            MatchingPair.run_id == run_.id, MatchingPair.mentee_id == mentee.id
        )
    )


def test_removing_a_pair_explains_it_and_a_rerun_never_proposes_it(draft):
    forms, created, p = draft
    response = forms.post(
        f"/committee/matching/runs/{created.id}/pairs",
        {"action": "remove", "pair": str(pair_id(created, p["ada"]))},
    )
    assert response.status_code == 302
    assert pairs_of(created) == {(p["bo"].id, p["ned"].id)}
    assert db.session.get(MatchingExclusion, (created.id, p["ada"].id, p["mo"].id)) is not None
    page = review_text(forms, created)
    assert "You removed their pair with Mo Mentor." in page
    assert "A spot was freed when you changed the draft." in page
    # The re-run keeps it out: matching both, it gives Ada to Ned and Bo to Mo.
    response = forms.post(f"/committee/matching/runs/{created.id}/rerun", criteria_data())
    new = db.session.get(MatchingRun, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert pairs_of(new) == {(p["ada"].id, p["ned"].id), (p["bo"].id, p["mo"].id)}
    assert db.session.get(MatchingRun, created.id).status == MatchingRun.SUPERSEDED
    assert "Allow again" in review_text(forms, new)


def test_htmx_removes_a_pair_and_answers_with_the_draft(draft):
    forms, created, p = draft
    response = forms.post(
        f"/committee/matching/runs/{created.id}/pairs",
        {"action": "remove", "pair": str(pair_id(created, p["ada"]))},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    page = unescaped_html(response)
    assert '<div id="workbench"' not in page  # the region's content, for its innerHTML
    assert 'id="run-heading"' in page and "<html" not in page
    assert 'hx-swap-oob="innerHTML:#flash-messages"' in page
    assert "Removed 1 pair: Ada Reader and Mo Mentor. A re-run won't propose it." in page
    assert 'id="pairs-heading" tabindex="-1" data-focus-after-swap' in page


def test_the_pairs_ticked_change_together_and_none_ticked_is_refused(draft):
    forms, created, p = draft
    path = f"/committee/matching/runs/{created.id}/pairs"
    both = [str(pair_id(created, p["ada"])), str(pair_id(created, p["bo"]))]
    response = forms.post(path, {"action": "lock", "pair": both})
    assert "Locked 2 pairs. A re-run keeps them." in unescaped_html(
        forms.get(response.headers["Location"])
    )
    db.session.expire_all()
    assert all(pair.locked for pair in db.session.scalars(select(MatchingPair)))
    refused = forms.post(path, {"action": "remove"}, headers={"HX-Request": "true"})
    assert refused.status_code == 409
    assert "Tick the pairs first" in unescaped_html(refused)
    gone = forms.post(path, {"action": "remove", "pair": [both[0], "999999"]})
    assert "A pair you ticked is no longer in this draft: nothing changed." in unescaped_html(
        forms.get(gone.headers["Location"])
    )
    assert len(pairs_of(created)) == 2
    (event,) = audit_events(trail.MATCHING_CHANGED)
    assert event.detail["pair_ids"] == [[p["ada"].id, p["mo"].id], [p["bo"].id, p["ned"].id]]
    assert (
        log.describe(event)
        == f"name: draft {created.id}, every waiting mentee; change: locked 2 pairs"
    )


def test_a_locked_pair_survives_a_rerun_that_would_change_it(draft):
    forms, created, p = draft
    by_region = criteria_data(sector=("ignored", ""), region=("preferred", "9"))
    # Lock Ada with Mo, then re-run by region, under which Ada fits Ned better.
    lock = forms.post(
        f"/committee/matching/runs/{created.id}/pairs",
        {"action": "lock", "pair": str(pair_id(created, p["ada"]))},
    )
    assert lock.status_code == 302
    response = forms.post(
        f"/committee/matching/runs/{created.id}/rerun", by_region, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    new_id = int(response.headers["HX-Push-Url"].rsplit("/", 1)[1])
    new = db.session.get(MatchingRun, new_id)
    assert (p["ada"].id, p["mo"].id) in pairs_of(new)
    assert db.session.get(MatchingPair, pair_id(new, p["ada"])).locked
    assert f"Draft {new_id}: every waiting mentee" in unescaped_html(response)
    # Unlocked, the same re-run pairs them by region.
    forms.post(
        f"/committee/matching/runs/{new.id}/pairs",
        {"action": "unlock", "pair": str(pair_id(new, p["ada"]))},
    )
    response = forms.post(f"/committee/matching/runs/{new.id}/rerun", by_region)
    newest = db.session.get(MatchingRun, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert pairs_of(newest) == {(p["ada"].id, p["ned"].id), (p["bo"].id, p["mo"].id)}
    # A lock the new criteria don't allow is dropped, and the committee told.
    forms.post(
        f"/committee/matching/runs/{newest.id}/pairs",
        {"action": "lock", "pair": str(pair_id(newest, p["bo"]))},
    )
    response = forms.post(
        f"/committee/matching/runs/{newest.id}/rerun", criteria_data(sector=("required", ""))
    )
    page = unescaped_html(forms.get(response.headers["Location"]))
    assert (
        "A locked pair could not be kept: Bo Reader and Mo Mentor: the pair no longer meets the "
        "required criteria."
    ) in page
    # The replaced draft can no longer change.
    again = forms.post(f"/committee/matching/runs/{created.id}/rerun", criteria_data())
    assert again.status_code == 302
    assert "This draft was replaced by a re-run" in review_text(forms, created)


def test_choosing_a_mentor_by_hand_and_swapping(draft, person):
    forms, created, p = draft
    cy = person("Cy Reader", sectors=("school",))
    newer = run(forms, sector=("preferred", "5"))  # Cy is in this pool, without a mentor
    assert cy.id not in {mentee for mentee, _ in pairs_of(newer)}
    page = unescaped_html(forms.get(f"/committee/matching/runs/{newer.id}/mentees/{cy.id}"))
    assert "A mentor for Cy Reader" in page
    assert "Swap" not in page  # Cy has no mentor to give in a swap
    # Mo is full: choosing him is refused.
    refused = forms.post(
        f"/committee/matching/runs/{newer.id}/mentees/{cy.id}", {"mentor_id": str(p["mo"].id)}
    )
    assert refused.status_code == 302
    follow = unescaped_html(forms.get(refused.headers["Location"]))
    assert "Mo Mentor has no spot left in this draft" in follow
    # Remove Bo's pair, then give Cy to Ned by hand: a locked pair of the committee.
    forms.post(
        f"/committee/matching/runs/{newer.id}/pairs",
        {"action": "remove", "pair": str(pair_id(newer, p["bo"]))},
    )
    chose = forms.post(
        f"/committee/matching/runs/{newer.id}/mentees/{cy.id}", {"mentor_id": str(p["ned"].id)}
    )
    assert chose.status_code == 302
    pair = db.session.get(MatchingPair, pair_id(newer, cy))
    assert (pair.mentor_id, pair.locked, pair.origin) == (p["ned"].id, True, MatchingPair.COMMITTEE)
    # Swap: Cy takes Mo, Ada takes Ned.
    page = unescaped_html(forms.get(f"/committee/matching/runs/{newer.id}/mentees/{cy.id}"))
    assert "Swap with Ada Reader" in page
    swapped = forms.post(
        f"/committee/matching/runs/{newer.id}/mentees/{cy.id}",
        {"swap_with": str(pair_id(newer, p["ada"]))},
    )
    assert swapped.status_code == 302
    assert pairs_of(newer) == {(cy.id, p["mo"].id), (p["ada"].id, p["ned"].id)}
    changes = [e.detail["change"] for e in audit_events(trail.MATCHING_CHANGED)]
    assert changes == ["removed 1 pair", "chose a mentor", "swapped mentors"]


def test_a_swap_that_would_make_a_conflict_is_refused(committee, person):
    forms, _ = committee
    ada = person("Ada Reader", sectors=("public",))
    bo = person("Bo Reader", sectors=("academic",), employer="Same Library")
    mo = person(
        "Mo Mentor", MENTOR, sectors=("public",), mentor_capacity=1, employer="Same Library"
    )
    ned = person("Ned Mentor", MENTOR, sectors=("academic",), mentor_capacity=1)
    created = run(forms, sector=("preferred", "5"))
    assert pairs_of(created) == {(ada.id, mo.id), (bo.id, ned.id)}
    response = forms.post(
        f"/committee/matching/runs/{created.id}/mentees/{ada.id}",
        {"swap_with": str(pair_id(created, bo))},
    )
    follow = unescaped_html(forms.get(response.headers["Location"]))
    assert "Bo Reader and Mo Mentor work at the same employer: a conflict of interest." in follow
    assert pairs_of(created) == {(ada.id, mo.id), (bo.id, ned.id)}


# --- publishing -----------------------------------------------------------------------------


def test_publishing_makes_committee_requests_with_their_emails_once(draft):
    forms, created, p = draft
    response = forms.post(f"/committee/matching/runs/{created.id}/publish")
    assert response.status_code == 302
    db.session.expire_all()
    requests = db.session.scalars(select(R).order_by(R.mentee_id)).all()
    assert [(r.mentee_id, r.mentor_id, r.status, r.source) for r in requests] == [
        (p["ada"].id, p["mo"].id, R.PENDING, R.BY_COMMITTEE),
        (p["bo"].id, p["ned"].id, R.PENDING, R.BY_COMMITTEE),
    ]
    assert requests[0].expires_at == clock.end_of_day(TODAY + timedelta(days=14))
    assert "The mentoring committee matched you." in requests[0].message
    assert "Sector: Public libraries" in requests[0].message
    to_mentors = outbox("request_new")
    assert {m.recipient for m in to_mentors} == {p["mo"].email, p["ned"].email}
    mo_mail = next(m for m in to_mentors if m.recipient == p["mo"].email)
    assert mo_mail.subject == "The mentoring committee proposes Ada Reader as your mentee"
    assert "/respond/" in mo_mail.body_text and "The committee's note:" in mo_mail.body_text
    to_mentees = outbox("request_committee")
    assert {m.recipient for m in to_mentees} == {p["ada"].email, p["bo"].email}
    run_ = db.session.get(MatchingRun, created.id)
    assert (run_.status, run_.published_as) == (MatchingRun.PUBLISHED, MatchingRun.AS_REQUESTS)
    assert db.session.get(MatchingPair, pair_id(created, p["ada"])).request_id == requests[0].id
    (event,) = audit_events(trail.MATCHING_PUBLISHED)
    assert event.detail["pairs"] == 2
    # Twice: refused, clearly, and nothing changes.
    emails = len(outbox())
    again = forms.post(f"/committee/matching/runs/{created.id}/publish")
    assert again.status_code == 409
    assert "This draft was published on 30 November: it can't be changed or published again." in (
        unescaped_html(again)
    )
    assert db.session.scalar(select(func.count(R.id))) == 2
    assert len(outbox()) == emails
    assert len(audit_events(trail.MATCHING_PUBLISHED)) == 1
    # The mentee's requests page says who proposed it.
    page = unescaped_html(client_for(forms.client.application, p["ada"]).get("/requests"))
    assert "Proposed by the mentoring committee" in page


def test_publishing_without_confirmation_starts_the_mentorships(draft):
    forms, created, p = draft
    get_settings()
    settings = db.session.scalar(select(ProgramSettings))
    settings.committee_matches_need_confirmation = False
    db.session.commit()
    response = forms.post(f"/committee/matching/runs/{created.id}/publish")
    assert response.status_code == 302
    mentorships = db.session.scalars(select(Mentorship).order_by(Mentorship.mentee_id)).all()
    assert [(m.mentee_id, m.mentor_id, m.status, m.request_id) for m in mentorships] == [
        (p["ada"].id, p["mo"].id, Mentorship.ACTIVE, None),
        (p["bo"].id, p["ned"].id, Mentorship.ACTIVE, None),
    ]
    assert db.session.scalar(select(func.count(R.id))) == 0
    to_mentee = outbox("introduction_mentee")
    assert {m.subject for m in to_mentee} == {
        "Meet your mentor, Mo Mentor",
        "Meet your mentor, Ned Mentor",
    }
    ada_mail = next(m for m in to_mentee if m.recipient == p["ada"].email)
    assert "the mentoring committee has matched you with Mo Mentor" in ada_mail.body_text
    assert "accepted your request" not in ada_mail.body_text
    assert len(outbox("introduction_mentor")) == 2
    assert db.session.get(MatchingRun, created.id).published_as == MatchingRun.AS_MENTORSHIPS


def test_a_draft_made_stale_by_a_new_request_is_not_published(draft, person):
    forms, created, p = draft
    other = person("Oz Mentor", MENTOR)
    add_request(p["ada"], other, R.PENDING, NOW)  # Ada asked a mentor herself since the draft
    assert "Ada Reader has a request waiting for an answer now." in review_text(forms, created)
    response = forms.post(f"/committee/matching/runs/{created.id}/publish")
    assert response.status_code == 409
    page = unescaped_html(response)
    assert "Nothing was published" in page
    assert "Ada Reader has a request waiting for an answer now." in page
    assert db.session.scalar(select(func.count(R.id)).where(R.source == R.BY_COMMITTEE)) == 0
    assert outbox("request_new") == []
    assert db.session.get(MatchingRun, created.id).status == MatchingRun.DRAFT
    assert audit_events(trail.MATCHING_PUBLISHED) == []


def test_a_draft_made_stale_by_a_mentor_becoming_full_is_not_published(draft, person):
    forms, created, p = draft
    add_request(
        person("Zed Reader"), p["ned"], R.PENDING, NOW
    )  # Ned's one spot is waiting for his answer
    response = forms.post(f"/committee/matching/runs/{created.id}/publish")
    assert response.status_code == 409
    assert "Ned Mentor is full now: 0 spots left, 1 pair in this draft." in unescaped_html(response)
    assert db.session.scalar(select(func.count(R.id))) == 1


def test_a_draft_made_stale_by_a_mentor_going_away_is_not_published(draft):
    forms, created, p = draft
    profile = db.session.get(Profile, p["ned"].id)
    profile.away_until = NOW.date() + timedelta(days=30)  # paused since the draft was made
    db.session.commit()
    response = forms.post(f"/committee/matching/runs/{created.id}/publish")
    assert response.status_code == 409
    assert "Ned Mentor is not taking new mentees now." in unescaped_html(response)
    assert db.session.get(MatchingRun, created.id).status == MatchingRun.DRAFT


def test_a_mentor_accepts_a_committee_request_by_its_link(draft, client):
    forms, created, p = draft
    forms.post(f"/committee/matching/runs/{created.id}/publish")
    mail = next(m for m in outbox("request_new") if m.recipient == p["mo"].email)
    link = re.search(r"http://localhost(/respond/\S+)", mail.body_text).group(1)
    page = unescaped_html(client.get(link))
    assert "The mentoring committee proposes Ada Reader as your mentee" in page
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post(link, data={"csrf_token": token, "accept": "Accept"})
    assert response.status_code == 303
    (accepted,) = outbox("introduction_mentee")
    assert accepted.subject == "Mo Mentor accepted the committee's match"
    assert "Mo Mentor accepted the mentoring committee's match" in accepted.body_text


# --- after publishing -----------------------------------------------------------------------


def test_the_unmatched_are_carried_to_the_next_intake_once(committee, person):
    forms, _ = committee
    fall = Intake(name="Fall 2026", opens_on=date(2026, 9, 1), closes_on=date(2026, 9, 21))
    winter = Intake(name="Winter 2027", opens_on=date(2027, 1, 10), closes_on=date(2027, 1, 31))
    db.session.add_all([fall, winter])
    db.session.commit()
    ada = person("Ada Reader", joined=datetime(2026, 9, 2, 9, 0))
    bo = person("Bo Reader", joined=datetime(2026, 9, 3, 9, 0))
    person("Mo Mentor", MENTOR, mentor_capacity=1, joined=datetime(2020, 1, 1))
    created = run(forms, intake=str(fall.id))
    (unmatched,) = {ada.id, bo.id} - {mentee for mentee, _ in pairs_of(created)}
    page = review_text(forms, created)
    assert "Carry the 1 mentee without a mentor to Winter 2027" in page
    response = forms.post(f"/committee/matching/runs/{created.id}/carry")
    assert response.status_code == 302
    entries = db.session.scalars(select(IntakeWaitlistEntry)).all()
    assert [(e.intake_id, e.user_id, e.from_run_id) for e in entries] == [
        (winter.id, unmatched, created.id)
    ]
    assert "1 mentee carried to the Winter 2027 intake." in unescaped_html(
        forms.get(response.headers["Location"])
    )
    forms.post(f"/committee/matching/runs/{created.id}/carry")
    assert db.session.scalar(select(func.count()).select_from(IntakeWaitlistEntry)) == 1
    page = unescaped_html(
        forms.get(f"/committee/matching/pool?intake={winter.id}", headers={"HX-Request": "true"})
    )
    assert figure(page, "Mentees in the pool") == "1"
    assert [e.detail["mentees"] for e in audit_events(trail.MATCHING_CARRIED)] == [1, 0]


def test_without_a_next_intake_nobody_is_carried(committee, person):
    forms, _ = committee
    person("Ada Reader")
    created = run(forms)
    page = review_text(forms, created)
    assert "add that intake" in page
    response = forms.post(f"/committee/matching/runs/{created.id}/carry")
    assert "There is no next intake to carry them to" in unescaped_html(
        forms.get(response.headers["Location"])
    )
    assert db.session.scalar(select(func.count()).select_from(IntakeWaitlistEntry)) == 0


def test_the_csv_has_the_pairs_and_who_is_left_out_with_why(committee, person):
    forms, _ = committee
    person("Ada Reader", sectors=("public",))
    person("=Bo Formula")
    person("Mo Mentor", MENTOR, sectors=("public",), mentor_capacity=1)
    others = {code: ("ignored", "") for code in CRITERIA_CODES if code != "sector"}
    created = run(forms, sector=("preferred", "5"), **others)
    response = forms.post(f"/committee/matching/runs/{created.id}/export.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["kind", "mentee_id", "mentee"]
    kinds = {row[0]: row for row in rows[1:]}
    assert kinds["pair"][2] == "Ada Reader" and kinds["pair"][5] == "5"
    assert "Sector: Public libraries (+5)" in kinds["pair"][7]
    assert kinds["mentee without a mentor"][2] == "'=Bo Formula"  # formula-safe
    assert kinds["mentee without a mentor"][7] == "The one mentor who fits, Mo Mentor, is full."
    (event,) = audit_events(trail.EXPORT_DOWNLOADED)
    assert event.detail == {"export": f"matching draft {created.id}"}


def test_discarding_a_draft(draft):
    forms, created, _ = draft
    response = forms.post(f"/committee/matching/runs/{created.id}/discard")
    assert response.headers["Location"] == "/committee/matching"
    db.session.expire_all()
    assert db.session.get(MatchingRun, created.id).status == MatchingRun.DISCARDED
    refused = forms.post(f"/committee/matching/runs/{created.id}/publish")
    assert refused.status_code == 409
    assert "This draft was discarded" in unescaped_html(refused)


def test_the_confirmation_setting(committee):
    forms, _ = committee
    response = forms.post("/committee/matching/settings", {})  # the box unticked
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(ProgramSettings)).committee_matches_need_confirmation is False
    (event,) = audit_events(trail.SETTINGS_MATCHING_CHANGED)
    assert event.detail["changes"] == {"committee_matches_need_confirmation": [True, False]}


# --- statements -----------------------------------------------------------------------------


def test_the_review_page_costs_the_same_statements_whatever_its_size(app, committee, person):
    forms, _ = committee
    person("Ada Reader")
    person("Mo Mentor", MENTOR)
    small = run(forms)
    for n in range(12):
        person(f"Mentee {n:02}", languages=("fr",) if n % 3 == 0 else ("en",))
        person(f"Mentor {n:02}", MENTOR, mentor_capacity=1 if n % 2 else 2)
    large = run(forms, language=("required", ""))
    assert len(pairs_of(large)) > 5
    path = "/committee/matching/runs/{}"
    assert statements_for(app, forms, path.format(small.id)) == statements_for(
        app, forms, path.format(large.id)
    )


# --- concurrency ------------------------------------------------------------------------------

on_postgresql = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="concurrent transactions are tested on PostgreSQL (set TEST_DATABASE_URL)",
)


@on_postgresql
def test_two_concurrent_publishes_of_one_draft_publish_it_once(app, draft):
    from app.committee.matching import services

    forms, created, _ = draft
    chair_id, run_id = created.created_by_id, created.id
    db.session.remove()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def publish():
        with app.test_request_context():
            try:
                actor = db.session.get(User, chair_id)
                run_ = db.session.get(MatchingRun, run_id)
                barrier.wait(timeout=20)
                services.publish_run(actor, run_)
                outcomes.append("published")
            except Exception as error:  # noqa: BLE001  (reported below)
                outcomes.append(getattr(error, "message", f"{type(error).__name__}: {error}"))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=publish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcomes) == 2 and outcomes.count("published") == 1, outcomes
    (refused,) = (outcome for outcome in outcomes if outcome != "published")
    assert "can't be changed or published again" in refused
    assert db.session.scalar(select(func.count(R.id))) == 2
    assert len(outbox("request_new")) == 2


# --- in French --------------------------------------------------------------------------------


def in_french(user: User) -> None:
    user.locale = "fr"
    db.session.commit()


def test_the_workbench_its_errors_and_a_run_in_french(committee, draft):
    forms, chair = committee
    in_french(chair)
    page = unescaped_html(forms.get("/committee/matching"))
    assert '<html lang="fr-CA"' in page
    assert "<h1>Atelier de jumelage</h1>" in page
    assert figure(page, "Mentoré\\(e\\)s du bassin") == "2"  # a draft sends nothing
    assert ">Toutes les personnes mentorées en attente</option>" in page
    assert "Ébauche " + str(draft[1].id) in page and "2 mentoré(e)s, 2 mentors" in page

    bad = forms.post("/committee/matching/runs", criteria_data(sector=("preferred", "99")))
    assert bad.status_code == 422
    assert "Entrez un poids de 0 à 10." in unescaped_html(bad)

    response = forms.post(f"/committee/matching/runs/{draft[1].id}/rerun", criteria_data())
    assert response.status_code == 302
    review = unescaped_html(forms.get(response.headers["Location"]))
    new_id = response.headers["Location"].rsplit("/", 1)[1]
    assert f"L’ébauche {new_id} est prête\u00a0: 2 mentoré(e)s et 2 mentors avec 2 places" in review
    assert f"Ébauche {new_id}\u00a0: toutes les personnes mentorées en attente</h1>" in review
    assert "Publier 2 duos" in review and ">Duos</h2>" in review
    assert "Relance de l’<a href=" in review


def test_a_review_page_and_its_changes_in_french(committee, draft):
    forms, chair = committee
    _, created, p = draft
    in_french(chair)
    page = review_text(forms, created)
    assert f"Ébauche {created.id}\u00a0: toutes les personnes mentorées en attente" in page
    assert "Mentoré(e)s sans mentor" in page and "Mentors avec des places restantes" in page
    assert "But\u00a0: Jumeler le plus de personnes mentorées possible" in page
    assert "Chaque personne mentorée du bassin a un mentor dans cette ébauche." in page

    response = forms.post(
        f"/committee/matching/runs/{created.id}/pairs",
        {"action": "remove", "pair": str(pair_id(created, p["ada"]))},
    )
    page = unescaped_html(forms.get(response.headers["Location"]))
    assert "1 duo retiré\u00a0: Ada Reader et Mo Mentor. Une relance ne le proposera pas." in page
    assert ">Duos retirés</h2>" in page
    locked = forms.post(
        f"/committee/matching/runs/{created.id}/pairs",
        {"action": "lock", "pair": str(pair_id(created, p["bo"]))},
        headers={"HX-Request": "true"},
    )
    assert "1 duo verrouillé. Une relance le conserve." in unescaped_html(locked)

    mentee = unescaped_html(
        forms.get(f"/committee/matching/runs/{created.id}/mentees/{p['ada'].id}")
    )
    assert "<h1>Un mentor pour Ada Reader</h1>" in mentee
    assert "Ada Reader n’a pas de mentor dans cette ébauche." in mentee

    export = forms.post(f"/committee/matching/runs/{created.id}/export.csv")
    header = export.get_data(as_text=True).lstrip("\ufeff").splitlines()[0]
    assert header.startswith("type,id_mentoré(e),mentoré(e),id_mentor,mentor,adéquation")


def test_a_committee_request_is_written_in_its_mentors_language(committee, draft):
    forms, chair = committee
    _, created, p = draft
    in_french(p["mo"])  # the committee browses in English
    response = forms.post(f"/committee/matching/runs/{created.id}/publish")
    assert response.status_code == 302
    assert "Published: 2 requests from the committee" in unescaped_html(
        forms.get(response.headers["Location"])
    )
    db.session.expire_all()
    to_mo, to_ned = (
        db.session.scalar(select(R).where(R.mentor_id == mentor.id))
        for mentor in (p["mo"], p["ned"])
    )
    assert to_mo.message.startswith("Le comité de mentorat vous a jumelés.")
    assert "Ce que vous avez en commun\u00a0:" in to_mo.message
    assert to_ned.message.startswith("The mentoring committee matched you.")
