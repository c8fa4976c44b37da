"""How well a mentor fits a mentee: pure scoring, no Flask, no database session.

`fit(mentee, mentor)` compares what the mentee looks for with what the mentor offers and
returns a score with the reasons behind it, best first. `rank` orders mentors by it. The
reasons are Phrases (`app.phrases`): English strs that pages show in their own language.

The directory (app/mentors/services.py) computes the same score in SQL so that it can order
thousands of mentors without loading them; it reads WEIGHTS from here, and
tests/test_matching.py checks that both orders agree. Change a weight here, nowhere else.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from app.phrases import N_, Phrase, ngettext

# The weights of best fit, in one place. Every shared entry counts, so a mentor who offers
# two of the objectives a mentee seeks scores 2 x 30. Objectives (why the mentee takes part)
# weigh most, then the expertise they want to learn about; the library sector; the region
# (more when the mentee would like to meet face-to-face and the mentor offers it: distance
# then matters); then practical things (ways to meet, a shared language). Whole numbers, so
# that SQL and Python add them up exactly alike.
WEIGHTS = {
    "objective": 30,  # each objective the mentee seeks that the mentor offers
    "expertise": 20,  # each area the mentee wants to learn about that the mentor knows
    "sector": 15,  # each library sector both work in (or would like to)
    "region": 10,  # same region of Ontario
    "region_face_to_face": 30,  # same region, and both would meet face-to-face (not added to it)
    "contact_method": 5,  # each way of meeting both are happy with
    "language": 8,  # each language both speak
}

# The code of the contact method that means meeting in person (vocabulary "contact_methods").
FACE_TO_FACE = "in-person"

CONFLICT_OF_INTEREST = Phrase(N_("Works at your employer — possible conflict of interest"))


@dataclass(frozen=True, order=True)
class Term:
    """An entry of a vocabulary (sector, objective, ...), in the vocabulary's order."""

    position: int
    name: str
    id: int
    code: str = ""


@dataclass(frozen=True)
class Member:
    """What matching needs to know about a mentee or a mentor."""

    id: int
    name: str
    employer: str | None = None
    region: Term | None = None
    sectors: frozenset[Term] = field(default_factory=frozenset)
    expertise: frozenset[Term] = field(default_factory=frozenset)
    objectives: frozenset[Term] = field(default_factory=frozenset)
    contact_methods: frozenset[Term] = field(default_factory=frozenset)
    languages: frozenset[Term] = field(default_factory=frozenset)
    years_experience: int | None = None

    @property
    def meets_face_to_face(self) -> bool:
        return any(term.code == FACE_TO_FACE for term in self.contact_methods)


@dataclass(frozen=True)
class Fit:
    score: int
    # Best first; each "<heading>: <what they share>", its heading in `params["heading"]`
    # (the directory's card shows the heading alone).
    reasons: tuple[Phrase, ...] = ()
    conflict_of_interest: bool = False


def normalise_employer(employer: str | None) -> str:
    """Employers are compared without case and spaces ("Toronto Public Library" is
    "toronto public  library"). Mirrors lower(replace(employer, ' ', '')) in SQL."""
    return (employer or "").replace(" ", "").lower()


def same_employer(mentee: Member, mentor: Member) -> bool:
    mine = normalise_employer(mentee.employer)
    return bool(mine) and mine == normalise_employer(mentor.employer)


def _names(terms: Iterable[Term]) -> Phrase:
    # Semicolons: some names have commas ("Career development, exploration and advancement").
    return Phrase.listing("; ", (term.name for term in sorted(terms)))


def _reason(heading: Phrase, shared) -> Phrase:
    return Phrase(N_("%(heading)s: %(shared)s"), heading=heading, shared=shared)


def fit(mentee: Member, mentor: Member) -> Fit:
    """The score of `mentor` for `mentee` and its reasons (strongest first)."""
    parts: list[tuple[int, int, Phrase]] = []  # (points, rank of the rule, reason)

    def shared(kind: str, rank_: int, mine, theirs, say) -> None:
        common = mine & theirs
        if common:
            parts.append((WEIGHTS[kind] * len(common), rank_, say(common)))

    shared(
        "objective",
        0,
        mentee.objectives,
        mentor.objectives,
        lambda c: _reason(
            ngettext("Offers an objective you seek", "Offers %(num)s objectives you seek", len(c)),
            _names(c),
        ),
    )
    shared(
        "expertise",
        1,
        mentee.expertise,
        mentor.expertise,
        lambda c: _reason(Phrase(N_("Knows what you want to learn about")), _names(c)),
    )
    shared(
        "sector",
        2,
        mentee.sectors,
        mentor.sectors,
        lambda c: _reason(Phrase(N_("Same sector")), _names(c)),
    )
    if mentee.region is not None and mentee.region == mentor.region:
        if mentee.meets_face_to_face and mentor.meets_face_to_face:
            parts.append(
                (
                    WEIGHTS["region_face_to_face"],
                    3,
                    _reason(Phrase(N_("Same region, and meets face-to-face")), mentor.region.name),
                )
            )
        else:
            parts.append(
                (WEIGHTS["region"], 3, _reason(Phrase(N_("Same region")), mentor.region.name))
            )
    shared(
        "contact_method",
        4,
        mentee.contact_methods,
        mentor.contact_methods,
        lambda c: _reason(Phrase(N_("Meets the way you would like")), _names(c)),
    )
    shared(
        "language",
        5,
        mentee.languages,
        mentor.languages,
        lambda c: _reason(Phrase(N_("Speaks your language")), _names(c)),
    )
    parts.sort(key=lambda part: (-part[0], part[1]))
    return Fit(
        score=sum(points for points, _, _ in parts),
        reasons=tuple(reason for _, _, reason in parts),
        conflict_of_interest=same_employer(mentee, mentor),
    )


def name_key(name: str) -> str:
    """How names sort: without case (the SQL twin is lower(name); SQLite folds ASCII only)."""
    return name.lower()


def order_key(mentor: Member, result: Fit) -> tuple:
    """Best fit first; a possible conflict of interest last; ties by name, then id."""
    return (result.conflict_of_interest, -result.score, name_key(mentor.name), mentor.id)


def rank(mentee: Member, mentors: Iterable[Member]) -> list[tuple[Member, Fit]]:
    """`mentors` with their fit for `mentee`, in best-fit order."""
    scored = [(mentor, fit(mentee, mentor)) for mentor in mentors]
    scored.sort(key=lambda pair: order_key(*pair))
    return scored
