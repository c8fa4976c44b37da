"""The matching workbench's operations: run a pool, re-run a draft, publish it, carry its
unmatched mentees to the next intake, discard it (changing a draft by hand is `changes`).

Each operation checks its rules, changes the models, records its audit event in the same
transaction and commits, or raises a DomainError and changes nothing. An operation on a draft
first takes it (`drafts.take_draft`).

Publishing creates, in one transaction, a request from the committee for each pair (the mentor
confirms it by the e-mailed link), or the mentorships at once when the program's setting says
committee matches need no confirmation, with their e-mails; a draft that the program has moved
past (`review.draft_problems`) is refused whole.
"""

import time
from dataclasses import dataclass

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import insert, select
from sqlalchemy.orm import selectinload

from app import clock
from app.committee.audit import trail
from app.committee.matching import pool
from app.committee.matching.drafts import names_of, no_longer_a_draft, run_name, take_draft
from app.committee.matching.review import (
    criterion_label,
    csv_rows,
    draft_problems,
    next_intake_for,
    reasons_to_store,
    removed_pairs,
    review,
)
from app.committee.translate import translated
from app.errors_domain import DomainError, FieldErrors
from app.extensions import db
from app.i18n import member_locale
from app.matching_criteria import (
    CRITERIA,
    GAP_MAX,
    MODES,
    WEIGHT_MAX,
    Criteria,
    Setting,
    pair_fit,
)
from app.matching_plan import LOCK_NOT_ALLOWED, Plan, plan
from app.matching_solver import OBJECTIVES
from app.mentors.services import load_vocabularies
from app.models import (
    Intake,
    IntakeWaitlistEntry,
    MatchingExclusion,
    MatchingPair,
    MatchingPoolEntry,
    MatchingRun,
    Profile,
    User,
)
from app.program import get_settings
from app.requests.services import add_committee_mentorship, add_committee_request, lock_profiles

E = MatchingPoolEntry


class StaleDraft(DomainError):
    """The program moved on since the draft was made: `problems` say how."""

    def __init__(self, problems: list[str]):
        more = len(problems) - 5
        parts = [
            _("This draft is out of date, so nothing was published:"),
            *problems[:5],
            *([ngettext("And %(num)d more.", "And %(num)d more.", more)] if more > 0 else []),
            _("Re-run it to match today's pool."),
        ]
        super().__init__(" ".join(parts))
        self.problems = problems


# --- criteria from a form ---------------------------------------------------------------------


def check_criteria(values: dict, experience_gap) -> Criteria:
    """Criteria from `values` ({criterion code: (mode, weight)}) and the gap in years, or
    FieldErrors naming the fields `<code>_mode`, `<code>_weight` and `experience_gap`."""
    errors: dict[str, list[str]] = {}
    settings = {}
    for criterion in CRITERIA:
        mode, weight = values.get(criterion.code, (None, None))
        if mode not in MODES:
            errors[f"{criterion.code}_mode"] = [_("Choose required, preferred or ignored.")]
            continue
        if mode == "preferred" and not _whole(weight, 0, WEIGHT_MAX):
            errors[f"{criterion.code}_weight"] = [
                _("Enter a weight from 0 to %(max)d.", max=WEIGHT_MAX)
            ]
            continue
        settings[criterion.code] = Setting(mode, weight if mode == "preferred" else 0)
    if not _whole(experience_gap, 0, GAP_MAX):
        errors["experience_gap"] = [_("Enter a number of years from 0 to %(max)d.", max=GAP_MAX)]
    if errors:
        raise FieldErrors(errors)
    return Criteria(settings, experience_gap)


def _whole(value, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


# --- running ----------------------------------------------------------------------------------


@dataclass
class RunOutcome:
    run: MatchingRun
    dropped_locks: list[str]  # locked pairs of the previous draft that could not be kept


def run_matching(
    actor: User,
    intake: Intake | None,
    criteria: Criteria,
    objective: str,
    previous: MatchingRun | None = None,
) -> RunOutcome:
    """Match the pool of `intake` (None: every waiting mentee) as it is now and save the draft.

    With `previous` (a re-run), its locked pairs are kept when they still can be (both still
    in the pool, the pair allowed under `criteria`, a spot for it), its removed pairs stay
    removed, and it is marked superseded by the new draft.
    """
    if objective not in OBJECTIVES:
        raise DomainError(_("Choose what to aim for."), field="objective")
    if previous is not None:
        take_draft(previous, status=MatchingRun.SUPERSEDED, closed_at=clock.utcnow())
    now = clock.utcnow()
    members = pool.load(clock.today(), intake, load_vocabularies())
    wanted, forbidden = _carried_over(previous)
    locks, origins, dropped = _locks_in_pool(wanted, members)
    started = time.perf_counter()
    result = plan(
        members.mentees,
        members.mentors,
        members.spots,
        criteria,
        objective,
        members.history,
        forbidden,
        locks,
    )
    solve_ms = round((time.perf_counter() - started) * 1000)
    dropped += [_lock_dropped(members, i, j, why) for i, j, why in result.dropped_locks]

    run = MatchingRun(
        status=MatchingRun.DRAFT,
        intake_id=intake.id if intake is not None else None,
        intake_name=intake.name if intake is not None else None,
        objective=objective,
        criteria=criteria.as_json(),
        experience_gap=criteria.experience_gap,
        created_by_id=actor.id,
        created_at=now,
        previous_run_id=previous.id if previous is not None else None,
        mentees_in_pool=len(members.mentees),
        mentors_in_pool=len(members.mentors),
        spots_in_pool=sum(members.spots),
        solve_ms=solve_ms,
    )
    db.session.add(run)
    db.session.flush()
    _save_pairs(run, members, result, origins)
    _save_pool(run, members, result.mentees_left, result.mentors_left)
    if forbidden:
        db.session.execute(
            insert(MatchingExclusion),
            [
                {"run_id": run.id, "mentee_id": a, "mentor_id": b, "created_at": now}
                for a, b in forbidden
            ],
        )
    trail.record(
        actor,
        trail.MATCHING_RUN,
        run,
        name=run_name(run),
        pairs=result.assignment.matched,
        mentees=len(members.mentees),
        mentors=len(members.mentors),
        previous=previous.id if previous is not None else None,
    )
    db.session.commit()
    return RunOutcome(run, dropped)


def _carried_over(previous: MatchingRun | None):
    """The locked pairs (mentee id, mentor id, origin) and the removed pairs of `previous`."""
    if previous is None:
        return [], set()
    locked = db.session.execute(
        select(MatchingPair.mentee_id, MatchingPair.mentor_id, MatchingPair.origin).where(
            MatchingPair.run_id == previous.id, MatchingPair.locked
        )
    ).all()
    return [tuple(row) for row in locked], removed_pairs(previous)


def _locks_in_pool(wanted, members: pool.Pool):
    """The locks asked for whose members are both in the pool, as (mentee index, mentor
    index); the origin of each; and why each of the others can't be kept."""
    mentees = {m.id: i for i, m in enumerate(members.mentees)}
    mentors = {m.id: j for j, m in enumerate(members.mentors)}
    locks, origins, dropped = [], {}, []
    for mentee_id, mentor_id, origin in wanted:
        i, j = mentees.get(mentee_id), mentors.get(mentor_id)
        if i is None or j is None:
            names = names_of({mentee_id, mentor_id})
            pair = {
                "mentee": names.get(mentee_id) or _("A mentee"),
                "mentor": names.get(mentor_id) or _("a mentor"),
            }
            if i is None:
                dropped.append(
                    _(
                        "%(mentee)s and %(mentor)s: the mentee is no longer waiting for a mentor.",
                        **pair,
                    )
                )
            else:
                dropped.append(
                    _(
                        "%(mentee)s and %(mentor)s: the mentor has no open spot or can't mentor "
                        "now.",
                        **pair,
                    )
                )
            continue
        locks.append((i, j))
        origins[(i, j)] = origin
    return locks, origins, dropped


def _lock_dropped(members: pool.Pool, i: int, j: int, why: str) -> str:
    pair = {"mentee": members.mentees[i].name, "mentor": members.mentors[j].name}
    if why == LOCK_NOT_ALLOWED:
        return _(
            "%(mentee)s and %(mentor)s: the pair no longer meets the required criteria.", **pair
        )
    return _("%(mentee)s and %(mentor)s: the mentor has no spot left for it.", **pair)


def _save_pairs(run, members: pool.Pool, result: Plan, origins) -> None:
    rows = [
        {
            "run_id": run.id,
            "mentee_id": members.mentees[i].id,
            "mentor_id": members.mentors[j].id,
            "fit": pair_fit(result.reasons[(i, j)]),
            "reasons": reasons_to_store(result.reasons[(i, j)]),
            "locked": (i, j) in result.assignment.locked,
            "origin": origins.get((i, j), MatchingPair.SOLVER),
        }
        for i, j in result.assignment.pairs
    ]
    if rows:
        db.session.execute(insert(MatchingPair), rows)


def _save_pool(run, members: pool.Pool, mentees_left, mentors_left) -> None:
    rows = []
    for i, mentee in enumerate(members.mentees):
        rows.append(_entry(run, E.MENTEE, mentee.id, 0, mentees_left.get(i)))
    for j, mentor in enumerate(members.mentors):
        _, why = mentors_left.get(j, (0, None))
        rows.append(_entry(run, E.MENTOR, mentor.id, members.spots[j], why))
    if rows:
        db.session.execute(insert(MatchingPoolEntry), rows)


def _entry(run, role: str, user_id: int, spots: int, why) -> dict:
    return {
        "run_id": run.id,
        "role": role,
        "user_id": user_id,
        "open_spots": spots,
        "left_out": why.code if why else None,
        "left_out_detail": why.detail if why else None,
        "suggested_id": why.suggested if why else None,
    }


# --- publishing -------------------------------------------------------------------------------


@dataclass
class PublishOutcome:
    pairs: int
    published_as: str


def _ordered(entries) -> list:
    return sorted((e for e in entries if e.active), key=lambda e: (e.position, e.name))


def committee_note(run: MatchingRun, reasons: list) -> str:
    """The message of a committee request: why the committee matched the pair, in the current
    language (`publish_run` writes it in the mentor's: the request is theirs to answer)."""
    if run.intake_name:
        note = _(
            "The mentoring committee matched you for the %(intake)s intake.",
            intake=run.intake_name,
        )
    else:
        note = _("The mentoring committee matched you.")
    shared = [
        _("- %(criterion)s: %(detail)s", criterion=criterion_label(code), detail=translated(detail))
        for code, met, _points, detail, _required in reasons
        if met
    ]
    if shared:
        note += "\n\n" + _("What you have in common:") + "\n" + "\n".join(shared)
    return note


def publish_run(actor: User, run: MatchingRun) -> PublishOutcome:
    """Publish the draft: for each pair a request from the committee (the mentor confirms it
    by the e-mailed link; the mentee is told), or, when the program's setting says committee
    matches need no confirmation, the mentorship at once with the introductions. One
    transaction with its e-mails and audit event.

    Refused, changing nothing: a run that is not a draft (published already, re-run,
    discarded), a draft without pairs, and a draft the program has moved past
    (StaleDraft: a mentee who sent a request or has a mentor now, a mentor who became full or
    can't mentor, a new conflict of interest).
    """
    settings = get_settings()  # created on first use, with a commit: before the locks
    now = clock.utcnow()
    as_requests = settings.committee_matches_need_confirmation
    published_as = MatchingRun.AS_REQUESTS if as_requests else MatchingRun.AS_MENTORSHIPS
    take_draft(
        run,
        status=MatchingRun.PUBLISHED,
        published_at=now,
        published_by_id=actor.id,
        published_as=published_as,
    )
    pairs = list(
        db.session.scalars(
            select(MatchingPair).where(MatchingPair.run_id == run.id).order_by(MatchingPair.id)
        )
    )
    if not pairs:
        db.session.rollback()
        raise DomainError(_("This draft has no pairs to publish."))
    ids = {p.mentee_id for p in pairs} | {p.mentor_id for p in pairs}
    lock_profiles(*ids)
    problems = draft_problems(run)
    if problems:
        db.session.rollback()
        raise StaleDraft(problems)
    users = _users_with_profiles(ids)
    for pair in pairs:
        mentee, mentor = users[pair.mentee_id], users[pair.mentor_id]
        objectives = _ordered(mentee.profile.objectives)
        shared = {m.id for m in mentor.profile.contact_methods}
        method = next((m for m in _ordered(mentee.profile.contact_methods) if m.id in shared), None)
        if as_requests:
            with force_locale(member_locale(mentor)):
                note = committee_note(run, pair.reasons)
            request = add_committee_request(mentee, mentor, note, objectives, method, now)
            pair.request_id = request.id
        else:
            mentorship = add_committee_mentorship(mentee, mentor, objectives, method, now)
            pair.mentorship_id = mentorship.id
    trail.record(
        actor,
        trail.MATCHING_PUBLISHED,
        run,
        name=run_name(run),
        pairs=len(pairs),
        published_as=published_as,
    )
    db.session.commit()
    return PublishOutcome(len(pairs), published_as)


def _users_with_profiles(ids) -> dict[int, User]:
    """The members, with what their e-mails show of their profiles, in a few statements."""
    profile = selectinload(User.profile)
    users = db.session.scalars(
        select(User)
        .where(User.id.in_(sorted(ids)))
        .options(
            profile.selectinload(Profile.region),
            profile.selectinload(Profile.sectors),
            profile.selectinload(Profile.objectives),
            profile.selectinload(Profile.contact_methods),
        )
    ).all()
    return {user.id: user for user in users}


# --- after publishing -------------------------------------------------------------------------


@dataclass
class CarryOutcome:
    intake: Intake
    carried: int
    already: int


def carry_unmatched(actor: User, run: MatchingRun) -> CarryOutcome:
    """Carry the mentees this run leaves without a mentor to the next intake (the first one
    opening after the run's intake; for a run of every waiting mentee, after today): they are
    in its pool as if they had joined during it. Carrying again adds nobody twice."""
    if run.status in (MatchingRun.SUPERSEDED, MatchingRun.DISCARDED):
        raise DomainError(no_longer_a_draft(run))
    target = next_intake_for(run)
    if target is None:
        raise DomainError(
            _(
                "There is no next intake to carry them to: add it in the program settings "
                "(Intakes) first."
            )
        )
    matched = select(MatchingPair.mentee_id).where(MatchingPair.run_id == run.id)
    unmatched = set(
        db.session.scalars(
            select(E.user_id).where(
                E.run_id == run.id, E.role == E.MENTEE, E.user_id.not_in(matched)
            )
        )
    )
    if not unmatched:
        raise DomainError(_("Every mentee of this draft has a mentor: nobody to carry over."))
    already = set(
        db.session.scalars(
            select(IntakeWaitlistEntry.user_id).where(
                IntakeWaitlistEntry.intake_id == target.id,
                IntakeWaitlistEntry.user_id.in_(sorted(unmatched)),
            )
        )
    )
    now = clock.utcnow()
    new = sorted(unmatched - already)
    if new:
        db.session.execute(
            insert(IntakeWaitlistEntry),
            [
                {
                    "intake_id": target.id,
                    "user_id": user_id,
                    "from_run_id": run.id,
                    "added_at": now,
                    "added_by_id": actor.id,
                }
                for user_id in new
            ],
        )
    run.carried_at, run.carried_to_id = now, target.id
    trail.record(
        actor,
        trail.MATCHING_CARRIED,
        run,
        name=run_name(run),
        intake=target.name,
        mentees=len(new),
        already=len(already),
    )
    db.session.commit()
    return CarryOutcome(target, len(new), len(already))


def discard_run(actor: User, run: MatchingRun) -> None:
    """Set a draft aside: it can no longer be changed or published."""
    take_draft(run, status=MatchingRun.DISCARDED, closed_at=clock.utcnow())
    trail.record(actor, trail.MATCHING_DISCARDED, run, name=run_name(run))
    db.session.commit()


def export_run(actor: User, run: MatchingRun, today) -> tuple[str, list[list]]:
    """Record the download in the audit trail (committed first), and return the file's name
    with its rows (`review.csv_rows`: the pairs, the mentees without a mentor and the mentors
    with spots left, with why), all read already."""
    view = review(run)
    trail.record(actor, trail.EXPORT_DOWNLOADED, run, export=f"matching draft {run.id}")
    db.session.commit()
    return f"mentor-match-matching-draft-{run.id}-{today.isoformat()}.csv", csv_rows(view)


def recent_runs(limit: int = 20) -> list[MatchingRun]:
    """The latest runs, newest first."""
    return list(
        db.session.scalars(
            select(MatchingRun)
            .options(selectinload(MatchingRun.created_by))
            .order_by(MatchingRun.created_at.desc(), MatchingRun.id.desc())
            .limit(limit)
        )
    )
