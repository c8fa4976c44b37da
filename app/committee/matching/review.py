"""What the matching pages show (reading only), and whether a draft is still up to date.

`review` reads a run, its pairs with their reasons, who is left out and why, and the pairs the
committee removed, in a constant number of SQL statements whatever the number of pairs.
`draft_problems` compares a draft with the program now: a mentee who sent a request or got a
mentor since, a mentor who became full, a member who can no longer take part, a conflict of
interest that appeared. `csv_rows` is the draft as a CSV file's rows.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import ColumnElement, and_, case, exists, func, not_, or_, select
from sqlalchemy.orm import aliased

from app import clock
from app.agreements import AGREEMENT_VERSIONS
from app.committee.matching import pool
from app.committee.messages import N_
from app.committee.translate import translated
from app.eligibility.sql import (
    active_mentorships_as_mentee,
    eligible_mentee_conditions,
    listed_mentor_conditions,
    pending_requests_as_mentee,
    taking_requests,
)
from app.extensions import db
from app.matching_criteria import (
    CRITERIA,
    CRITERIA_BY_CODE,
    Criteria,
    Criterion,
    Setting,
)
from app.matching_explanations import LeftOut, describe
from app.matching_solver import OBJECTIVES
from app.mentors.services import employer_key
from app.models import (
    Intake,
    MatchingExclusion,
    MatchingPair,
    MatchingPoolEntry,
    MatchingRun,
    Mentorship,
    MentorshipRequest,
    Profile,
    User,
)
from app.models.profiles import MENTEE, MENTOR

# How many of a draft's problems a page names (the rest are counted).
PROBLEMS_SHOWN = 20


def criteria_of(run: MatchingRun) -> Criteria:
    return Criteria.from_json(run.criteria, run.experience_gap)


def removed_pairs(run: MatchingRun) -> set[tuple[int, int]]:
    """The (mentee id, mentor id) pairs the committee removed from the draft."""
    X = MatchingExclusion
    rows = db.session.execute(select(X.mentee_id, X.mentor_id).where(X.run_id == run.id))
    return {(mentee_id, mentor_id) for mentee_id, mentor_id in rows}


def reasons_to_store(reasons) -> list:
    return [[r.code, r.met, r.points, r.detail, r.required] for r in reasons]


def criterion_label(code: str) -> str:
    """A criterion's name in the reader's language."""
    return _(str(CRITERIA_BY_CODE[code].label))


def reasons_in_words(reasons) -> tuple[str, str]:
    """What a pair shares, with the points each criterion gave ("Sector: Public libraries
    (+5); Language: French (required)"), and the preferred criteria it misses ("Region"), in
    the reader's language. `reasons` are PairReasons, or the lists they are stored as."""
    shared, missed = [], []
    for code, met, points, detail, required in reasons:
        words = {"criterion": criterion_label(code), "detail": translated(detail)}
        if not met:
            missed.append(words["criterion"])
        elif points:
            shared.append(_("%(criterion)s: %(detail)s (+%(points)d)", points=points, **words))
        elif required:
            shared.append(_("%(criterion)s: %(detail)s (required)", **words))
        else:
            shared.append(_("%(criterion)s: %(detail)s", **words))
    return "; ".join(shared), "; ".join(missed)


def _name(user, profile) -> ColumnElement:
    return func.coalesce(profile.display_name, user.name)


def _person():
    """Aliases of User and Profile, to name one of the members of a row."""
    return aliased(User), aliased(Profile)


def _with_person(statement, id_column, user, profile):
    return statement.join(user, user.id == id_column).outerjoin(profile, profile.user_id == user.id)


@dataclass
class PairRow:
    id: int
    mentee_id: int
    mentee_name: str
    mentor_id: int
    mentor_name: str
    fit: int
    why: str  # what they share, with the points of each criterion (reasons_in_words)
    missed: str  # the preferred criteria they miss
    locked: bool
    origin: str
    request_id: int | None
    mentorship_id: int | None


@dataclass
class LeftOutRow:
    user_id: int
    name: str
    reason: str
    fix: str | None
    code: str | None
    spots_left: int = 0  # a mentor's spots this draft leaves


@dataclass
class ExclusionRow:
    mentee_id: int
    mentee_name: str
    mentor_id: int
    mentor_name: str


@dataclass
class RunReview:
    run: MatchingRun
    criteria: Criteria
    pairs: list[PairRow]
    mentees_left: list[LeftOutRow]
    mentors_left: list[LeftOutRow]
    exclusions: list[ExclusionRow]
    problems: list[str] = field(default_factory=list)
    problems_total: int = 0

    @property
    def settings(self) -> list[tuple[Criterion, Setting]]:
        """Each criterion and how the run set it, in CRITERIA's order."""
        return [(c, self.criteria.setting(c.code)) for c in CRITERIA]

    @property
    def objective_label(self) -> str:
        objective = self.run.objective
        return _(OBJECTIVES[objective]) if objective in OBJECTIVES else objective

    @property
    def total_fit(self) -> int:
        return sum(pair.fit for pair in self.pairs)

    @property
    def locked(self) -> int:
        return sum(pair.locked for pair in self.pairs)

    @property
    def spots_left(self) -> int:
        return sum(row.spots_left for row in self.mentors_left)


def pair_rows(run: MatchingRun) -> list[PairRow]:
    """The run's pairs by mentee name (plain rows: a draft has thousands)."""
    P = MatchingPair
    (mentee_user, mentee_profile), (mentor_user, mentor_profile) = _person(), _person()
    statement = select(
        P.id,
        P.mentee_id,
        _name(mentee_user, mentee_profile),
        P.mentor_id,
        _name(mentor_user, mentor_profile),
        P.fit,
        P.reasons,
        P.locked,
        P.origin,
        P.request_id,
        P.mentorship_id,
    )
    statement = _with_person(statement, P.mentee_id, mentee_user, mentee_profile)
    statement = _with_person(statement, P.mentor_id, mentor_user, mentor_profile)
    rows = db.session.execute(
        statement.where(P.run_id == run.id).order_by(
            func.lower(_name(mentee_user, mentee_profile)), P.mentee_id
        )
    ).all()
    pairs = []
    for pair_id, mentee_id, mentee, mentor_id, mentor, fit, reasons, *rest in rows:
        why, missed = reasons_in_words(reasons)
        pairs.append(
            PairRow(pair_id, mentee_id, mentee, mentor_id, mentor, fit, why, missed, *rest)
        )
    return pairs


def left_out_rows(run: MatchingRun) -> tuple[list[LeftOutRow], list[LeftOutRow]]:
    """The mentees without a pair and the mentors with spots the draft leaves, and why (the
    database picks them out of the pool: a draft's pool has thousands of members)."""
    E, P = MatchingPoolEntry, MatchingPair
    (user, profile), (suggested_user, suggested_profile) = _person(), _person()
    taken = (
        select(func.count(P.id))
        .where(P.run_id == E.run_id, P.mentor_id == E.user_id)
        .scalar_subquery()
    )
    spots_left = case((E.role == E.MENTOR, E.open_spots - taken), else_=0)
    unmatched = ~exists(select(1).where(P.run_id == E.run_id, P.mentee_id == E.user_id))
    statement = select(
        E.role,
        E.user_id,
        _name(user, profile),
        spots_left,
        E.left_out,
        E.left_out_detail,
        E.suggested_id,
        _name(suggested_user, suggested_profile),
    )
    statement = _with_person(statement, E.user_id, user, profile)
    statement = statement.outerjoin(suggested_user, suggested_user.id == E.suggested_id).outerjoin(
        suggested_profile, suggested_profile.user_id == suggested_user.id
    )
    rows = db.session.execute(
        statement.where(
            E.run_id == run.id,
            or_(and_(E.role == E.MENTEE, unmatched), and_(E.role == E.MENTOR, spots_left > 0)),
        ).order_by(func.lower(_name(user, profile)), E.user_id)
    ).all()
    mentees, mentors = [], []
    for role, user_id, name, spots, code, detail, suggested_id, suggested_name in rows:
        if code:
            why = LeftOut(code, detail or {}, suggested_id)
            reason, fix = describe(why, lambda _id, n=suggested_name: n or _("a member who left"))
        else:
            reason, fix = _("Not explained: re-run the draft to see why."), None
        row = LeftOutRow(user_id, name, reason, fix, code, spots)
        (mentees if role == E.MENTEE else mentors).append(row)
    return mentees, mentors


def _exclusions(run: MatchingRun) -> list[ExclusionRow]:
    X = MatchingExclusion
    (mentee_user, mentee_profile), (mentor_user, mentor_profile) = _person(), _person()
    statement = select(
        X.mentee_id,
        _name(mentee_user, mentee_profile),
        X.mentor_id,
        _name(mentor_user, mentor_profile),
    )
    statement = _with_person(statement, X.mentee_id, mentee_user, mentee_profile)
    statement = _with_person(statement, X.mentor_id, mentor_user, mentor_profile)
    rows = db.session.execute(
        statement.where(X.run_id == run.id).order_by(X.created_at, X.mentee_id)
    ).all()
    return [ExclusionRow(*row) for row in rows]


def review(run: MatchingRun) -> RunReview:
    """Everything the review page of `run` shows (a draft is checked against the program now)."""
    pairs = pair_rows(run)
    mentees_left, mentors_left = left_out_rows(run)
    problems = draft_problems(run) if run.is_draft else []
    return RunReview(
        run=run,
        criteria=criteria_of(run),
        pairs=pairs,
        mentees_left=mentees_left,
        mentors_left=mentors_left,
        exclusions=_exclusions(run),
        problems=problems[:PROBLEMS_SHOWN],
        problems_total=len(problems),
    )


# --- is the draft still up to date? ----------------------------------------------------------


def _eligible(conditions) -> ColumnElement:
    return case((and_(*conditions), 1), else_=0)


def draft_problems(run: MatchingRun) -> list[str]:
    """What changed since the draft was made that its pairs can't survive (empty: none), in
    three statements: its mentees, its mentors, and conflicts of interest between its pairs."""
    today = clock.today()
    P = MatchingPair
    problems = []
    name = _name(User, Profile)
    pending = pending_requests_as_mentee(User.id)
    active = active_mentorships_as_mentee(User.id)
    eligible = _eligible(eligible_mentee_conditions(today, AGREEMENT_VERSIONS[MENTEE]))
    for mentee_name, has_mentor, may_take_part in db.session.execute(
        select(name, active, eligible)
        .select_from(P)
        .join(User, User.id == P.mentee_id)
        .outerjoin(Profile, Profile.user_id == User.id)
        .where(P.run_id == run.id, or_(pending > 0, active > 0, eligible == 0))
        .order_by(func.lower(name), User.id)
    ):
        if not may_take_part:
            problems.append(_("%(name)s can't take part as a mentee now.", name=mentee_name))
        elif has_mentor:
            problems.append(_("%(name)s has a mentor now.", name=mentee_name))
        else:
            problems.append(
                _("%(name)s has a request waiting for an answer now.", name=mentee_name)
            )

    in_draft = (
        select(P.mentor_id, func.count().label("pairs"))
        .where(P.run_id == run.id)
        .group_by(P.mentor_id)
        .subquery()
    )
    spots = pool.open_spots_column()
    eligible = _eligible(listed_mentor_conditions(today, AGREEMENT_VERSIONS[MENTOR]))
    # Accepting requests and not away (a mentor without a profile takes none).
    accepting = _eligible([Profile.user_id.is_not(None), *taking_requests(today)]) == 1
    for mentor_name, pairs, open_spots, may_mentor, takes_requests in db.session.execute(
        select(name, in_draft.c.pairs, spots, eligible, accepting)
        .select_from(in_draft)
        .join(User, User.id == in_draft.c.mentor_id)
        .outerjoin(Profile, Profile.user_id == User.id)
        .where(or_(spots < in_draft.c.pairs, eligible == 0, not_(accepting)))
        .order_by(func.lower(name), User.id)
    ):
        if not may_mentor:
            problems.append(_("%(name)s can't take mentees now.", name=mentor_name))
        elif not takes_requests:
            problems.append(_("%(name)s is not taking new mentees now.", name=mentor_name))
        else:
            left = max(open_spots or 0, 0)
            problems.append(
                ngettext(
                    "%(name)s is full now: %(num)d spot left, %(pairs)s in this draft.",
                    "%(name)s is full now: %(num)d spots left, %(pairs)s in this draft.",
                    left,
                    name=mentor_name,
                    pairs=ngettext("%(num)d pair", "%(num)d pairs", pairs),
                )
            )

    problems.extend(_new_conflicts(run))
    return problems


def _new_conflicts(run: MatchingRun) -> list[str]:
    P = MatchingPair
    R = MentorshipRequest
    (mentee_user, mentee_profile), (mentor_user, mentor_profile) = _person(), _person()
    declined = exists(
        select(1).where(
            R.mentee_id == P.mentee_id, R.mentor_id == P.mentor_id, R.status == R.DECLINED
        )
    )
    ended = exists(
        select(1).where(
            Mentorship.mentee_id == P.mentee_id,
            Mentorship.mentor_id == P.mentor_id,
            Mentorship.status == Mentorship.ENDED_EARLY,
        )
    )
    same_employer = and_(
        employer_key(mentee_profile) != "",
        employer_key(mentee_profile) == employer_key(mentor_profile),
    )
    statement = select(
        _name(mentee_user, mentee_profile),
        _name(mentor_user, mentor_profile),
        case((same_employer, 1), else_=0),
    ).select_from(P)
    statement = _with_person(statement, P.mentee_id, mentee_user, mentee_profile)
    statement = _with_person(statement, P.mentor_id, mentor_user, mentor_profile)
    rows = db.session.execute(
        statement.where(P.run_id == run.id, or_(declined, ended, same_employer)).order_by(P.id)
    ).all()
    return [
        _("%(mentee)s and %(mentor)s work at the same employer now.", mentee=mentee, mentor=mentor)
        if employer
        else _(
            "%(mentee)s and %(mentor)s have a declined request or an ended mentorship now.",
            mentee=mentee,
            mentor=mentor,
        )
        for mentee, mentor, employer in rows
    ]


# --- the CSV of a run -------------------------------------------------------------------------

# The columns of a run's CSV file (msgids: `csv_header` translates them).
CSV_HEADER = [
    N_("kind"),
    N_("mentee_id"),
    N_("mentee"),
    N_("mentor_id"),
    N_("mentor"),
    N_("fit"),
    N_("locked"),
    N_("why"),
    N_("fix"),
    N_("spots_left"),
]


def csv_header() -> list[str]:
    """The columns of a run's CSV file, in the reader's language."""
    return [_(column) for column in CSV_HEADER]


def csv_rows(view: RunReview) -> list[list]:
    """The pairs, then the mentees without a mentor, then the mentors with spots left, in the
    reader's language (translated now: the file is written once the request is over)."""
    return list(_csv_rows(view))


def _csv_rows(view: RunReview) -> Iterator[list]:
    pair, mentee, mentor = _("pair"), _("mentee without a mentor"), _("mentor with spots left")
    for row in view.pairs:
        yield [
            pair,
            row.mentee_id,
            row.mentee_name,
            row.mentor_id,
            row.mentor_name,
            row.fit,
            row.locked,
            row.why,
            None,
            None,
        ]
    for row in view.mentees_left:
        yield [
            mentee,
            row.user_id,
            row.name,
            None,
            None,
            None,
            None,
            translated(row.reason),
            translated(row.fix) or None,
            None,
        ]
    for row in view.mentors_left:
        yield [
            mentor,
            None,
            None,
            row.user_id,
            row.name,
            None,
            None,
            translated(row.reason),
            translated(row.fix) or None,
            row.spots_left,
        ]


def next_intake_for(run: MatchingRun) -> Intake | None:
    """Where the run's unmatched mentees would be carried."""
    return pool.following_intake(run.intake, clock.today())
