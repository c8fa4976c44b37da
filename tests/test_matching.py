"""Best fit: the pure scoring function, and the directory's SQL order agreeing with it."""

import pytest

from app import matching
from app.matching import WEIGHTS, Fit, Member, Term, fit, rank

PUBLIC = Term(1, "Public libraries", 11, "public")
ACADEMIC = Term(2, "Academic libraries", 12, "academic")
CAREER = Term(2, "Career development, exploration and advancement", 21, "career")
NETWORKING = Term(3, "Networking and professional connections", 22, "networking")
JOBS = Term(4, "Job search strategies", 23, "job-search")
REFERENCE = Term(1, "Reference and information services", 31, "reference")
CHILDREN = Term(4, "Children's services", 32, "children")
TORONTO = Term(1, "Toronto", 41, "toronto")
OTTAWA = Term(5, "Ottawa region", 42, "ottawa")
IN_PERSON = Term(1, "Face-to-face", 51, matching.FACE_TO_FACE)
EMAIL = Term(3, "E-mail", 52, "email")
VIDEO = Term(4, "Video call", 53, "video")
ENGLISH = Term(1, "English", 61, "en")
FRENCH = Term(2, "French", 62, "fr")


def member(id=1, name="Ada", **fields) -> Member:
    return Member(
        id=id,
        name=name,
        **{k: frozenset(v) if isinstance(v, list | set) else v for k, v in fields.items()},
    )


def test_nothing_in_common_scores_zero_without_reasons():
    assert fit(member(), member(id=2)) == Fit(score=0, reasons=(), conflict_of_interest=False)


def test_each_rule_adds_its_weight_per_shared_entry():
    mentee = member(
        objectives=[CAREER, NETWORKING, JOBS],
        expertise=[REFERENCE, CHILDREN],
        sectors=[PUBLIC],
        contact_methods=[EMAIL, VIDEO],
        languages=[ENGLISH, FRENCH],
        region=TORONTO,
    )
    mentor = member(
        id=2,
        objectives=[CAREER, NETWORKING],
        expertise=[REFERENCE],
        sectors=[PUBLIC, ACADEMIC],
        contact_methods=[EMAIL, VIDEO, IN_PERSON],
        languages=[FRENCH],
        region=TORONTO,
    )
    result = fit(mentee, mentor)
    assert result.score == (
        2 * WEIGHTS["objective"]
        + WEIGHTS["expertise"]
        + WEIGHTS["sector"]
        + 2 * WEIGHTS["contact_method"]
        + WEIGHTS["language"]
        + WEIGHTS["region"]  # the mentee does not ask to meet face-to-face
    )
    assert result.reasons == (
        "Offers 2 objectives you seek: Career development, exploration and advancement; "
        "Networking and professional connections",
        "Knows what you want to learn about: Reference and information services",
        "Same sector: Public libraries",
        "Same region: Toronto",
        "Meets the way you would like: E-mail; Video call",
        "Speaks your language: French",
    )


def test_one_shared_objective_is_worded_in_the_singular():
    result = fit(member(objectives=[JOBS]), member(id=2, objectives=[JOBS, CAREER]))
    assert result.reasons == ("Offers an objective you seek: Job search strategies",)


def test_reasons_come_strongest_first():
    mentee = member(sectors=[PUBLIC], objectives=[CAREER], languages=[ENGLISH])
    mentor = member(id=2, sectors=[PUBLIC], objectives=[CAREER], languages=[ENGLISH])
    reasons = fit(mentee, mentor).reasons
    assert [r.split(":")[0] for r in reasons] == [
        "Offers an objective you seek",
        "Same sector",
        "Speaks your language",
    ]


@pytest.mark.parametrize(
    ("mentee_methods", "mentor_methods", "points", "reason"),
    [
        ([IN_PERSON], [IN_PERSON], WEIGHTS["region_face_to_face"], "Same region, and meets"),
        ([IN_PERSON], [EMAIL], WEIGHTS["region"], "Same region: "),
        ([EMAIL], [IN_PERSON], WEIGHTS["region"], "Same region: "),
    ],
)
def test_the_region_weighs_more_when_both_would_meet_face_to_face(
    mentee_methods, mentor_methods, points, reason
):
    mentee = member(region=OTTAWA, contact_methods=mentee_methods)
    mentor = member(id=2, region=OTTAWA, contact_methods=mentor_methods)
    shared = len(set(mentee_methods) & set(mentor_methods)) * WEIGHTS["contact_method"]
    result = fit(mentee, mentor)
    assert result.score == points + shared
    assert result.reasons[0].startswith(reason)
    assert WEIGHTS["region_face_to_face"] > WEIGHTS["region"]


def test_another_region_scores_nothing_even_face_to_face():
    mentee = member(region=OTTAWA, contact_methods=[IN_PERSON])
    mentor = member(id=2, region=TORONTO, contact_methods=[IN_PERSON])
    assert fit(mentee, mentor).score == WEIGHTS["contact_method"]


@pytest.mark.parametrize(
    ("mine", "theirs", "conflict"),
    [
        ("Toronto Public Library", "Toronto Public Library", True),
        ("Toronto Public Library", "toronto public  library", True),
        ("TorontoPublicLibrary", " Toronto Public Library ", True),
        ("Toronto Public Library", "Ottawa Public Library", False),
        (None, None, False),
        ("", "", False),
        ("Toronto Public Library", None, False),
    ],
)
def test_a_mentor_at_the_mentees_employer_is_a_possible_conflict(mine, theirs, conflict):
    result = fit(member(employer=mine), member(id=2, employer=theirs))
    assert result.conflict_of_interest is conflict


def test_rank_puts_conflicts_last_then_best_score_then_name_then_id():
    mentee = member(employer="Hamilton PL", objectives=[CAREER], sectors=[PUBLIC])
    mentors = [
        member(id=5, name="Zed", objectives=[CAREER], sectors=[PUBLIC], employer="hamilton pl"),
        member(id=4, name="bea", objectives=[CAREER]),
        member(id=3, name="Abe", objectives=[CAREER]),
        member(id=2, name="Abe", objectives=[CAREER]),
        member(id=6, name="Cy", objectives=[CAREER], sectors=[PUBLIC]),
        member(id=7, name="Al"),
    ]
    assert [m.id for m, _ in rank(mentee, mentors)] == [6, 2, 3, 4, 7, 5]


def test_weights_are_whole_numbers_so_sql_adds_them_the_same_way():
    assert all(isinstance(weight, int) and weight > 0 for weight in WEIGHTS.values())
