"""The matching workbench's pure parts above the solver: the criteria (app/matching_criteria.py)
whose arrays agree with the reasons of each pair, conflicts always excluded; why anyone is left
out (app/matching_explanations.py), true on every random pool, with the fix that would help;
and a whole run (app/matching_plan.py) with the locks it keeps."""

import random

import numpy as np

from app.matching import Member, Term
from app.matching_criteria import (
    CONTACT,
    CRITERIA,
    DECLINED,
    DEFAULT_CRITERIA,
    ENDED_EARLY,
    EXPERIENCE,
    EXPERTISE,
    IGNORED,
    LANGUAGE,
    PREFERRED,
    REGION,
    REQUIRED,
    SECTOR,
    Criteria,
    Setting,
    evaluate,
    pair_fit,
    pair_reasons,
)
from app.matching_explanations import (
    MENTEES_MATCHED,
    MENTORS_EXCLUDED,
    MENTORS_FULL,
    NO_MENTEE_MEETS,
    NO_MENTOR_MEETS,
    NO_MENTOR_MEETS_ALL,
    NO_MENTORS,
    describe,
    explain_mentees,
    explain_mentors,
)
from app.matching_solver import MOST_MATCHES, assign


def terms(*names: str, base: int = 0) -> frozenset[Term]:
    return frozenset(Term(position=i, name=n, id=base + i) for i, n in enumerate(names))


SECTORS = [Term(i, n, 100 + i) for i, n in enumerate(["Public", "Academic", "School"])]
AREAS = [Term(i, n, 200 + i) for i, n in enumerate(["Reference", "Cataloguing", "Children"])]
OBJECTIVES = [Term(i, n, 300 + i) for i, n in enumerate(["Career", "Networking", "Job search"])]
LANGUAGES = [Term(i, n, 400 + i) for i, n in enumerate(["English", "French", "Cree"])]
METHODS = [Term(i, n, 500 + i) for i, n in enumerate(["E-mail", "Phone", "Video"])]
REGIONS = [Term(i, n, 600 + i) for i, n in enumerate(["Toronto", "North", "East"])]


def member(member_id, name=None, **values) -> Member:
    values.setdefault("languages", frozenset({LANGUAGES[0]}))
    values.setdefault("years_experience", 1)
    return Member(id=member_id, name=name or f"Member {member_id}", **values)


def only(code: str, mode=REQUIRED, weight=0, **others) -> Criteria:
    """Criteria using `code` only (and any `others` given as code=Setting)."""
    settings = {c.code: Setting(IGNORED) for c in CRITERIA}
    settings[code] = Setting(mode, weight)
    settings.update(others)
    return Criteria(settings, experience_gap=3)


def random_member(rng: random.Random, member_id: int) -> Member:
    def some(vocabulary, most=2):
        return frozenset(rng.sample(vocabulary, rng.randint(0, most)))

    return Member(
        id=member_id,
        name=f"Member {member_id}",
        employer=rng.choice([None, "", "Toronto Public Library", "toronto public  library", "U"]),
        region=rng.choice([None, *REGIONS]),
        sectors=some(SECTORS),
        expertise=some(AREAS),
        objectives=some(OBJECTIVES),
        contact_methods=some(METHODS),
        languages=some(LANGUAGES),
        years_experience=rng.choice([None, 0, 1, 2, 3, 5, 12]),
    )


def random_criteria(rng: random.Random) -> Criteria:
    return Criteria(
        {
            c.code: Setting(
                rng.choice([REQUIRED, PREFERRED, PREFERRED, IGNORED]), rng.randint(0, 10)
            )
            for c in CRITERIA
        },
        experience_gap=rng.randint(0, 6),
    )


# --- the arrays and the reasons of one pair -----------------------------------------------------


def test_the_arrays_agree_with_the_reasons_of_every_pair():
    rng = random.Random("criteria")
    for _ in range(60):
        mentees = [random_member(rng, i) for i in range(rng.randint(1, 6))]
        mentors = [random_member(rng, 3 + i) for i in range(rng.randint(1, 5))]  # some overlap
        criteria = random_criteria(rng)
        history = {(mentees[0].id, mentors[0].id): {DECLINED}}
        forbidden = {(mentees[-1].id, mentors[-1].id)}
        evaluation = evaluate(mentees, mentors, criteria, history, forbidden)
        for i, mentee in enumerate(mentees):
            for j, mentor in enumerate(mentors):
                reasons = pair_reasons(mentee, mentor, criteria)
                assert {r.code for r in reasons} == set(criteria.used)
                for reason in reasons:
                    assert evaluation.met[reason.code][i, j] == reason.met, (reason, mentee, mentor)
                assert evaluation.fit[i, j] == pair_fit(reasons)
                required_met = all(r.met for r in reasons if r.required)
                assert evaluation.required_ok[i, j] == required_met
                conflict = (
                    mentee.id == mentor.id
                    or (i, j) == (0, 0)
                    or (i, j) == (len(mentees) - 1, len(mentors) - 1)
                    or bool(
                        (mentee.employer or "").replace(" ", "").lower()
                        and (mentee.employer or "").replace(" ", "").lower()
                        == (mentor.employer or "").replace(" ", "").lower()
                    )
                )
                assert evaluation.allowed[i, j] == (required_met and not conflict)


def test_a_pairs_reasons_say_what_they_share_points_first():
    mentee = member(
        1,
        sectors=frozenset(SECTORS[:2]),
        objectives=frozenset(OBJECTIVES[:1]),
        expertise=frozenset(AREAS[:1]),
        region=REGIONS[0],
        years_experience=1,
    )
    mentor = member(
        2,
        sectors=frozenset(SECTORS[1:]),
        objectives=frozenset(OBJECTIVES),
        expertise=frozenset(AREAS),
        region=REGIONS[1],
        languages=frozenset(LANGUAGES[:2]),
        years_experience=12,
    )
    criteria = Criteria(
        {
            EXPERTISE: Setting(PREFERRED, 8),
            SECTOR: Setting(PREFERRED, 5),
            REGION: Setting(PREFERRED, 3),
            LANGUAGE: Setting(REQUIRED),
            CONTACT: Setting(IGNORED),
            EXPERIENCE: Setting(PREFERRED, 2),
        },
        experience_gap=5,
    )
    reasons = pair_reasons(mentee, mentor, criteria)
    assert [(r.label, r.met, r.points, r.detail) for r in reasons] == [
        ("Expertise and objectives", True, 8, "Objectives: Career · Expertise: Reference"),
        ("Sector", True, 5, "Academic"),
        ("Experience gap", True, 2, "12 years and 1 year: 11 more"),
        ("Language", True, 0, "English"),
        ("Region", False, 0, "Not the same region"),
    ]
    assert pair_fit(reasons) == 15


# --- why someone is left out ------------------------------------------------------------------


def explain(mentees, mentors, capacities, criteria, history=None, forbidden=()):
    evaluation = evaluate(mentees, mentors, criteria, history, forbidden)
    assignment = assign(evaluation.fit, evaluation.allowed, capacities)
    names = {m.id: m.name for m in (*mentees, *mentors)}
    left_out = explain_mentees(evaluation, assignment, capacities)
    spots = explain_mentors(evaluation, assignment, capacities)
    return assignment, left_out, spots, names


def words(left_out, names):
    return describe(left_out, names.get)


def test_no_mentor_meets_a_required_language():
    mentee = member(1, languages=frozenset({LANGUAGES[1]}))
    mentors = [member(10 + i) for i in range(42)]
    _, left_out, _, names = explain([mentee], mentors, [1] * 42, only(LANGUAGE))
    assert left_out[0].code == NO_MENTOR_MEETS
    assert words(left_out[0], names) == (
        "No mentor meets Language: French (0 of 42).",
        "Make Language preferred instead of required.",
    )


def test_a_profile_without_the_entries_a_required_criterion_needs():
    mentee = member(1, languages=frozenset())
    _, left_out, _, names = explain([mentee], [member(2)], [1], only(LANGUAGE))
    assert words(left_out[0], names) == (
        "No mentor meets Language: no language listed (0 of 1).",
        "Their profile lists no language: ask them to add one, or make Language preferred "
        "instead of required.",
    )


def test_no_mentor_meets_every_required_criterion_at_once():
    mentee = member(1, sectors=frozenset(SECTORS[:1]), region=REGIONS[0])
    mentors = [
        member(2, sectors=frozenset(SECTORS[:1]), region=REGIONS[1]),
        member(3, sectors=frozenset(SECTORS[1:2]), region=REGIONS[0]),
        member(4, sectors=frozenset(SECTORS[1:2]), region=REGIONS[0]),
    ]
    criteria = only(SECTOR, **{REGION: Setting(REQUIRED)})
    _, left_out, _, names = explain([mentee], mentors, [1, 1, 1], criteria)
    assert left_out[0].code == NO_MENTOR_MEETS_ALL
    assert words(left_out[0], names) == (
        "No mentor meets every required criterion at once (Sector: 1 of 3; Region: 2 of 3).",
        "Making Sector preferred instead of required would let 2 mentors fit.",
    )


def test_mentors_who_fit_but_are_full():
    mentees = [member(1, name="Ada"), member(2, name="Bo"), member(3, name="Cy")]
    mentors = [member(10, name="Zoe Best"), member(11, name="Yan Other")]
    criteria = only(LANGUAGE)
    assignment, left_out, spots, names = explain(mentees, mentors, [1, 1], criteria)
    assert assignment.matched == 2
    (unmatched,) = left_out
    assert left_out[unmatched].code == MENTORS_FULL
    assert words(left_out[unmatched], names) == (
        "2 mentors fit, all full.",
        "One more spot for Yan Other would match this mentee.",  # equal fit: by name
    )
    assert spots == {}


def test_the_one_mentor_who_fits_is_full():
    mentees = [member(1, languages=frozenset(LANGUAGES[:2])), member(2)]
    mentors = [member(10, name="Zoe", languages=frozenset(LANGUAGES[:2]))]
    criteria = only(LANGUAGE, mode=PREFERRED, weight=5)
    _, left_out, _, names = explain(mentees, mentors, [1], criteria)
    assert words(left_out[1], names) == (
        "The one mentor who fits, Zoe, is full.",
        "One more spot for Zoe would match this mentee.",
    )


def test_only_same_employer_mentors_fit():
    mentee = member(1, employer="Toronto Public Library")
    mentors = [
        member(2, employer="toronto public  library"),
        member(3, employer="TORONTO Public Library"),
    ]
    _, left_out, _, names = explain([mentee], mentors, [1, 1], DEFAULT_CRITERIA)
    assert left_out[0].code == MENTORS_EXCLUDED
    assert words(left_out[0], names) == (
        "Only same-employer mentors fit (2).",
        "Conflicts of interest are always excluded: another mentor who fits is needed.",
    )


def test_mentors_excluded_for_several_reasons_and_the_relaxation_that_would_help():
    mentee = member(1, employer="Library A", region=REGIONS[0])
    mentors = [
        member(2, employer="Library A", region=REGIONS[0]),
        member(3, employer="Library B", region=REGIONS[0]),
        member(4, employer="Library C", region=REGIONS[0]),
        member(5, employer="Library D", region=REGIONS[1]),
    ]
    history = {(1, 3): {DECLINED}, (1, 4): {ENDED_EARLY}}
    _, left_out, _, names = explain([mentee], mentors, [1] * 4, only(REGION), history)
    assert words(left_out[0], names) == (
        "The 3 mentors who fit are all excluded: 1 at the same employer, 1 declined them "
        "before, 1 ended a mentorship early with them.",
        "Making Region preferred instead of required would let 1 mentor fit.",
    )


def test_a_pair_the_committee_removed_is_never_proposed():
    mentee, mentor = member(1), member(2)
    assignment, left_out, spots, names = explain(
        [mentee], [mentor], [1], DEFAULT_CRITERIA, forbidden={(1, 2)}
    )
    assert assignment.pairs == ()
    assert words(left_out[0], names) == (
        "The one mentor who fits is excluded: 1 removed by you from this draft.",
        "Choose a mentor by hand, or re-run without removing that pair.",
    )


def test_nobody_is_matched_with_themself():
    both = member(1, years_experience=10)
    _, left_out, spots, names = explain([both], [both], [1], DEFAULT_CRITERIA)
    assert left_out[0].code == NO_MENTORS
    assert words(left_out[0], names)[0] == "No mentor in the pool has an open spot."


def test_a_mentor_whose_region_no_mentee_shares():
    mentees = [member(1, region=REGIONS[0]), member(2, region=REGIONS[0])]
    mentor = member(10, region=REGIONS[1], years_experience=20)
    _, _, spots, names = explain(mentees, [mentor], [2], only(REGION))
    (unused, why) = spots[0]
    assert unused == 2
    assert why.code == NO_MENTEE_MEETS
    assert words(why, names) == (
        "No mentee meets Region: North (0 of 2).",
        "Make Region preferred instead of required.",
    )


def test_a_mentor_whose_mentees_all_have_other_mentors():
    mentees = [member(1)]
    mentors = [member(10, name="Ann"), member(11, name="Ben")]
    _, _, spots, names = explain(mentees, mentors, [1, 2], only(LANGUAGE))
    assert set(spots) == {1}  # Ann takes the one mentee (by order), Ben keeps two spots
    unused, why = spots[1]
    assert (unused, why.code) == (2, MENTEES_MATCHED)
    assert words(why, names) == (
        "The one mentee who fits has another mentor in this draft.",
        "Nothing to fix: the pool has more open spots (3) than mentees (1).",
    )


def test_every_explanation_is_true_on_random_pools():
    rng = random.Random("explanations")
    for _ in range(80):
        mentees = [random_member(rng, i) for i in range(rng.randint(1, 7))]
        mentors = [random_member(rng, 5 + i) for i in range(rng.randint(1, 5))]
        capacities = [rng.randint(1, 2) for _ in mentors]
        criteria = random_criteria(rng)
        evaluation = evaluate(mentees, mentors, criteria)
        assignment = assign(evaluation.fit, evaluation.allowed, capacities, objective=MOST_MATCHES)
        left_out = explain_mentees(evaluation, assignment, capacities)
        matched = assignment.mentor_of()
        assert set(left_out) == set(range(len(mentees))) - set(matched)
        load = assignment.load(len(mentors))
        for i, why in left_out.items():
            reason, _ = describe(why, lambda member_id: str(member_id))
            assert reason
            if why.code == MENTORS_FULL:
                j = next(k for k, m in enumerate(mentors) if m.id == why.suggested)
                assert evaluation.allowed[i, j] and load[j] == capacities[j]
                # "One more spot for them would match this mentee": that assignment is valid.
                extended = np.array(capacities)
                extended[j] += 1
                pairs = [*assignment.pairs, (i, j)]
                again = assign(evaluation.fit, evaluation.allowed, extended, locked=pairs)
                assert again.matched == assignment.matched + 1
            elif why.code == NO_MENTOR_MEETS:
                for code in why.detail["criteria"]:
                    others = np.array([m.id != mentees[i].id for m in mentors])
                    assert not (evaluation.met[code][i] & others).any()
            else:
                assert not evaluation.allowed[i].any()
        spots = explain_mentors(evaluation, assignment, capacities)
        assert set(spots) == {j for j in range(len(mentors)) if load[j] < capacities[j]}


def test_a_plan_keeps_the_locks_that_can_be_kept():
    from app.matching_plan import LOCK_NO_SPOT, LOCK_NOT_ALLOWED, plan

    mentees = [member(1), member(2, languages=frozenset({LANGUAGES[1]})), member(3)]
    mentors = [member(10, name="Ann"), member(11, name="Ben")]
    result = plan(
        mentees,
        mentors,
        [1, 1],
        only(LANGUAGE),
        MOST_MATCHES,
        locks=[(1, 0), (0, 1), (2, 1)],  # 2 speaks only French; Ben's one spot goes to 0
    )
    assert result.dropped_locks == [(1, 0, LOCK_NOT_ALLOWED), (2, 1, LOCK_NO_SPOT)]
    assert result.assignment.pairs == ((0, 1), (2, 0))
    assert result.assignment.locked == frozenset({(0, 1)})
    assert set(result.reasons) == {(0, 1), (2, 0)}
    assert result.mentees_left[1].code == NO_MENTOR_MEETS
