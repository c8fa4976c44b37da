"""The matching workbench's operations: run a pool, change a draft, re-run it, publish it,
carry its unmatched mentees to the next intake, discard it.

Each operation checks its rules, changes the models, records its audit event in the same
transaction and commits, or raises a DomainError and changes nothing. A change to a draft first
takes the draft (`_take_draft`: a row lock on PostgreSQL, the write lock on SQLite), so that two
changes to one draft happen one after the other and none reaches a draft that was published,
re-run or discarded meanwhile.

Publishing creates, in one transaction, a request from the committee for each pair (the mentor
confirms it by the e-mailed link), or the mentorships at once when the program's setting says
committee matches need no confirmation, with their e-mails; a draft that the program has moved
past (`review.draft_problems`) is refused whole.
"""

import time
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import selectinload

from app import clock
from app.committee.audit import trail as audit
from app.committee.matching import pool
from app.committee.matching.review import (
    criteria_of,
    csv_rows,
    draft_problems,
    next_intake_for,
    reasons_to_store,
    review,
)
from app.errors_domain import DomainError, FieldErrors
from app.extensions import db
from app.matching import Member
from app.matching_criteria import (
    CRITERIA,
    CRITERIA_BY_CODE,
    DECLINED,
    ENDED_EARLY,
    GAP_MAX,
    LOCK_NOT_ALLOWED,
    MODES,
    PAIR_REMOVED,
    SPOT_FREED,
    WEIGHT_MAX,
    Criteria,
    Plan,
    Setting,
    counted,
    evaluate,
    pair_fit,
    pair_reasons,
    plan,
)
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
from app.text import format_day

E = MatchingPoolEntry


class StaleDraft(DomainError):
    """The program moved on since the draft was made: `problems` say how."""

    def __init__(self, problems: list[str]):
        super().__init__(
            "This draft is out of date, so nothing was published: "
            + " ".join(problems[:5])
            + (f" And {len(problems) - 5} more." if len(problems) > 5 else "")
            + " Re-run it to match today's pool."
        )
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
            errors[f"{criterion.code}_mode"] = ["Choose required, preferred or ignored."]
            continue
        if mode == "preferred" and not _whole(weight, 0, WEIGHT_MAX):
            errors[f"{criterion.code}_weight"] = [f"Enter a weight from 0 to {WEIGHT_MAX}."]
            continue
        settings[criterion.code] = Setting(mode, weight if mode == "preferred" else 0)
    if not _whole(experience_gap, 0, GAP_MAX):
        errors["experience_gap"] = [f"Enter a number of years from 0 to {GAP_MAX}."]
    if errors:
        raise FieldErrors(errors)
    return Criteria(settings, experience_gap)


def _whole(value, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


# --- taking a draft ---------------------------------------------------------------------------


def no_longer_a_draft(run: MatchingRun) -> str:
    if run.status == MatchingRun.PUBLISHED:
        return (
            f"This draft was published on {format_day(run.published_at)}: it can't be changed "
            "or published again."
        )
    if run.status == MatchingRun.SUPERSEDED:
        return "This draft was replaced by a re-run: open the newer draft."
    return "This draft was discarded: it can't be changed or published."


def _take_draft(run: MatchingRun, **values) -> None:
    """Hold `run` until the transaction ends (PostgreSQL: its row locked; SQLite: the write
    lock), setting `values` too, if it is still a draft; else roll back and refuse."""
    result = db.session.execute(
        update(MatchingRun)
        .where(MatchingRun.id == run.id, MatchingRun.status == MatchingRun.DRAFT)
        .values(status=values.pop("status", MatchingRun.DRAFT), **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        db.session.refresh(run)
        raise DomainError(no_longer_a_draft(run))
    db.session.refresh(run)


def _run_name(run: MatchingRun) -> str:
    return f"draft {run.id}, {run.pool_label}"


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
        raise DomainError("Choose what to aim for.", field="objective")
    if previous is not None:
        _take_draft(previous, status=MatchingRun.SUPERSEDED, closed_at=clock.utcnow())
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
    audit.record(
        actor,
        audit.MATCHING_RUN,
        run,
        name=_run_name(run),
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
    removed = db.session.execute(
        select(MatchingExclusion.mentee_id, MatchingExclusion.mentor_id).where(
            MatchingExclusion.run_id == previous.id
        )
    ).all()
    return [tuple(row) for row in locked], {tuple(row) for row in removed}


def _locks_in_pool(wanted, members: pool.Pool):
    """The locks asked for whose members are both in the pool, as (mentee index, mentor
    index); the origin of each; and why each of the others can't be kept."""
    mentees = {m.id: i for i, m in enumerate(members.mentees)}
    mentors = {m.id: j for j, m in enumerate(members.mentors)}
    locks, origins, dropped = [], {}, []
    for mentee_id, mentor_id, origin in wanted:
        i, j = mentees.get(mentee_id), mentors.get(mentor_id)
        if i is None or j is None:
            names = _names_of({mentee_id, mentor_id})
            pair = f"{names.get(mentee_id, 'A mentee')} and {names.get(mentor_id, 'a mentor')}"
            if i is None:
                dropped.append(f"{pair}: the mentee is no longer waiting for a mentor.")
            else:
                dropped.append(f"{pair}: the mentor has no open spot or can't mentor now.")
            continue
        locks.append((i, j))
        origins[(i, j)] = origin
    return locks, origins, dropped


def _lock_dropped(members: pool.Pool, i: int, j: int, why: str) -> str:
    pair = f"{members.mentees[i].name} and {members.mentors[j].name}"
    if why == LOCK_NOT_ALLOWED:
        return f"{pair}: the pair no longer meets the required criteria."
    return f"{pair}: the mentor has no spot left for it."


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


# --- changing a draft -------------------------------------------------------------------------


def _pair_of(run: MatchingRun, pair_id) -> MatchingPair:
    pair = db.session.get(MatchingPair, pair_id) if isinstance(pair_id, int) else None
    if pair is None or pair.run_id != run.id:
        db.session.rollback()
        raise DomainError("That pair is no longer in this draft.")
    return pair


def _pool_entry(run: MatchingRun, role: str, user_id: int) -> MatchingPoolEntry | None:
    return db.session.get(MatchingPoolEntry, (run.id, role, user_id))


def _set_left_out(entry: MatchingPoolEntry | None, code: str | None, suggested=None) -> None:
    if entry is not None:
        entry.left_out = code
        entry.left_out_detail = {} if code else None
        entry.suggested_id = suggested


def _chosen_pairs(run: MatchingRun, pair_ids) -> list[MatchingPair]:
    """The pairs of the draft the committee ticked (DomainError: none, or one that is gone)."""
    ids = sorted({pair_id for pair_id in pair_ids if isinstance(pair_id, int)})
    if not ids:
        db.session.rollback()
        raise DomainError("Tick the pairs first, then choose what to do with them.")
    pairs = list(
        db.session.scalars(
            select(MatchingPair).where(MatchingPair.run_id == run.id, MatchingPair.id.in_(ids))
        )
    )
    if len(pairs) != len(ids):
        db.session.rollback()
        raise DomainError("A pair you ticked is no longer in this draft: nothing changed.")
    return pairs


def remove_pairs(actor: User, run: MatchingRun, pair_ids) -> list[tuple[str, str]]:
    """Take the pairs out of the draft; a re-run of it never proposes them again. Returns the
    names of each one's mentee and mentor."""
    _take_draft(run)
    pairs = _chosen_pairs(run, pair_ids)
    names = _names_of({p.mentee_id for p in pairs} | {p.mentor_id for p in pairs})
    removed = [(pair.mentee_id, pair.mentor_id) for pair in pairs]
    now = clock.utcnow()
    for pair in pairs:
        db.session.delete(pair)
        db.session.merge(
            MatchingExclusion(
                run_id=run.id, mentee_id=pair.mentee_id, mentor_id=pair.mentor_id, created_at=now
            )
        )
        _set_left_out(_pool_entry(run, E.MENTEE, pair.mentee_id), PAIR_REMOVED, pair.mentor_id)
        _set_left_out(_pool_entry(run, E.MENTOR, pair.mentor_id), SPOT_FREED)
    _record_change(actor, run, f"removed {counted(len(pairs), 'pair')}", removed)
    db.session.commit()
    return [(names[mentee], names[mentor]) for mentee, mentor in removed]


def set_locked(actor: User, run: MatchingRun, pair_ids, locked: bool) -> int:
    """Lock the pairs (a re-run keeps them) or unlock them. Returns how many changed."""
    _take_draft(run)
    changed = [pair for pair in _chosen_pairs(run, pair_ids) if pair.locked != locked]
    for pair in changed:
        pair.locked = locked
    if changed:
        verb = "locked" if locked else "unlocked"
        pairs = [(pair.mentee_id, pair.mentor_id) for pair in changed]
        _record_change(actor, run, f"{verb} {counted(len(changed), 'pair')}", pairs)
    db.session.commit()
    return len(changed)


def allow_again(actor: User, run: MatchingRun, mentee_id, mentor_id) -> None:
    """Let a re-run propose again a pair the committee removed."""
    _take_draft(run)
    result = db.session.execute(
        delete(MatchingExclusion).where(
            MatchingExclusion.run_id == run.id,
            MatchingExclusion.mentee_id == mentee_id,
            MatchingExclusion.mentor_id == mentor_id,
        )
    )
    if result.rowcount:
        _record_change(actor, run, "allowed a removed pair again", [(mentee_id, mentor_id)])
    db.session.commit()


def _record_change(actor, run, change: str, pairs: list[tuple[int, int]]) -> None:
    """The audit event of a change to the draft; `pairs` as (mentee id, mentor id)."""
    audit.record(
        actor,
        audit.MATCHING_CHANGED,
        run,
        name=_run_name(run),
        change=change,
        pair_ids=[list(pair) for pair in pairs],
    )


def _names_of(user_ids) -> dict[int, str]:
    rows = db.session.execute(
        select(User.id, User.name, Profile.display_name)
        .outerjoin(Profile, Profile.user_id == User.id)
        .where(User.id.in_(sorted(user_ids)))
    ).all()
    return {user_id: display or name for user_id, name, display in rows}


@dataclass
class _PairCheck:
    members: dict[int, Member]
    criteria: Criteria
    forbidden: set

    def refusal(self, mentee_id: int, mentor_id: int) -> str | None:
        """Why this pair may not be made (None: it may), for the committee."""
        mentee, mentor = self.members.get(mentee_id), self.members.get(mentor_id)
        if mentee is None or mentor is None:
            return "One of them no longer has a profile."
        history = pool.history({mentee_id}, {mentor_id})
        evaluation = evaluate([mentee], [mentor], self.criteria, history, self.forbidden)
        if evaluation.allowed[0, 0]:
            return None
        pair = f"{mentee.name} and {mentor.name}"
        if evaluation.same_person[0, 0]:
            return "A member can't be their own mentor."
        if evaluation.same_employer[0, 0]:
            return f"{pair} work at the same employer: a conflict of interest."
        kinds = history.get((mentee_id, mentor_id), set())
        if DECLINED in kinds:
            return f"{mentor.name} declined {mentee.name} before: a conflict of interest."
        if ENDED_EARLY in kinds:
            return f"{pair} ended a mentorship early before: a conflict of interest."
        if evaluation.forbidden[0, 0]:
            return f"You removed the pair {pair} from this draft."
        unmet = [
            CRITERIA_BY_CODE[r.code].label
            for r in pair_reasons(mentee, mentor, self.criteria)
            if r.required and not r.met
        ]
        return f"{pair} don't meet the required criteria: {', '.join(unmet)}."


def _checker(run: MatchingRun, user_ids) -> _PairCheck:
    forbidden = {
        tuple(row)
        for row in db.session.execute(
            select(MatchingExclusion.mentee_id, MatchingExclusion.mentor_id).where(
                MatchingExclusion.run_id == run.id
            )
        )
    }
    return _PairCheck(pool.members(user_ids, load_vocabularies()), criteria_of(run), forbidden)


def _repair(pair: MatchingPair, check: _PairCheck, mentor_id: int) -> None:
    """Give `pair` the mentor `mentor_id`, with its fit and reasons, locked as the committee's."""
    reasons = pair_reasons(check.members[pair.mentee_id], check.members[mentor_id], check.criteria)
    pair.mentor_id = mentor_id
    pair.fit = pair_fit(reasons)
    pair.reasons = reasons_to_store(reasons)
    pair.locked = True
    pair.origin = MatchingPair.COMMITTEE


def choose_mentor(
    actor: User, run: MatchingRun, mentee_id: int, mentor_id=None, swap_with=None
) -> str:
    """Give the mentee the mentor `mentor_id` in the draft, as a locked pair of the committee,
    into a spot the mentor has left; or, with `swap_with` (another pair of the draft), swap
    mentors with that pair's mentee. Every pair made must be allowed (the required criteria,
    no conflict of interest, not removed). Returns what was done, for the committee."""
    _take_draft(run)
    other = _pair_of(run, swap_with) if swap_with is not None else None
    if other is not None:
        mentor_id = other.mentor_id
    mentor_entry = _pool_entry(run, E.MENTOR, mentor_id) if isinstance(mentor_id, int) else None
    if _pool_entry(run, E.MENTEE, mentee_id) is None or mentor_entry is None:
        db.session.rollback()
        raise DomainError("Both must be in this draft's pool: re-run it to bring in new members.")
    current = db.session.scalar(
        select(MatchingPair).where(
            MatchingPair.run_id == run.id, MatchingPair.mentee_id == mentee_id
        )
    )
    if current is not None and current.mentor_id == mentor_id:
        db.session.rollback()
        raise DomainError("They are already a pair in this draft.")
    swapping = other is not None and current is not None
    check = _checker(
        run, {mentee_id, mentor_id} | ({other.mentee_id, current.mentor_id} if swapping else set())
    )
    refusal = check.refusal(mentee_id, mentor_id) or (
        _swap_refusal(current, other, check)
        if other is not None
        else _full_refusal(run, mentor_entry, check.members[mentor_id].name)
    )
    if refusal is not None:
        db.session.rollback()
        raise DomainError(refusal)
    if other is not None:
        done = _swap(actor, run, check, current, other)
    else:
        done = _give(actor, run, check, current, mentee_id, mentor_id)
    _set_left_out(_pool_entry(run, E.MENTEE, mentee_id), None)
    db.session.commit()
    return done


def _swap(actor, run, check: _PairCheck, current: MatchingPair, other: MatchingPair) -> str:
    """`current`'s mentee takes `other`'s mentor, and `other`'s mentee `current`'s."""
    mentee_id, mentor_id = current.mentee_id, other.mentor_id
    _repair(other, check, current.mentor_id)
    _repair(current, check, mentor_id)
    _record_change(
        actor,
        run,
        "swapped mentors",
        [(mentee_id, mentor_id), (other.mentee_id, other.mentor_id)],
    )
    return (
        f"{check.members[mentee_id].name} and {check.members[other.mentee_id].name} swapped "
        "mentors."
    )


def _give(actor, run, check: _PairCheck, current, mentee_id: int, mentor_id: int) -> str:
    """The mentee gets the mentor, in a spot they have left; a previous mentor's spot frees."""
    mentee, mentor = check.members[mentee_id].name, check.members[mentor_id].name
    if current is not None:
        _set_left_out(_pool_entry(run, E.MENTOR, current.mentor_id), SPOT_FREED)
        done = f"{mentee} now has {mentor} as their mentor in this draft."
    else:
        current = MatchingPair(run_id=run.id, mentee_id=mentee_id)
        db.session.add(current)
        done = f"{mentee} and {mentor} are a pair in this draft."
    _repair(current, check, mentor_id)
    _record_change(actor, run, "chose a mentor", [(mentee_id, mentor_id)])
    return done


def _swap_refusal(current, other: MatchingPair, check: _PairCheck) -> str | None:
    if current is None:
        return "To swap mentors, the mentee needs a mentor in this draft first."
    return check.refusal(other.mentee_id, current.mentor_id)


def _full_refusal(run: MatchingRun, mentor_entry: MatchingPoolEntry, name: str) -> str | None:
    taken = db.session.scalar(
        select(func.count(MatchingPair.id)).where(
            MatchingPair.run_id == run.id, MatchingPair.mentor_id == mentor_entry.user_id
        )
    )
    if taken >= mentor_entry.open_spots:
        return f"{name} has no spot left in this draft: swap with one of their mentees instead."
    return None


# --- publishing -------------------------------------------------------------------------------


@dataclass
class PublishOutcome:
    pairs: int
    published_as: str


def _ordered(entries) -> list:
    return sorted((e for e in entries if e.active), key=lambda e: (e.position, e.name))


def committee_note(run: MatchingRun, reasons: list) -> str:
    """The message of a committee request: why the committee matched the pair."""
    intake = f" for the {run.intake_name} intake" if run.intake_name else ""
    shared = [
        f"- {CRITERIA_BY_CODE[code].label}: {detail}" for code, met, _, detail, _ in reasons if met
    ]
    note = f"The mentoring committee matched you{intake}."
    if shared:
        note += "\n\nWhat you have in common:\n" + "\n".join(shared)
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
    _take_draft(
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
        raise DomainError("This draft has no pairs to publish.")
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
            note = committee_note(run, pair.reasons)
            request = add_committee_request(mentee, mentor, note, objectives, method, now)
            pair.request_id = request.id
        else:
            mentorship = add_committee_mentorship(mentee, mentor, objectives, method, now)
            pair.mentorship_id = mentorship.id
    audit.record(
        actor,
        audit.MATCHING_PUBLISHED,
        run,
        name=_run_name(run),
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
            "There is no next intake to carry them to: add it in the program settings "
            "(Intakes) first."
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
        raise DomainError("Every mentee of this draft has a mentor: nobody to carry over.")
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
    audit.record(
        actor,
        audit.MATCHING_CARRIED,
        run,
        name=_run_name(run),
        intake=target.name,
        mentees=len(new),
        already=len(already),
    )
    db.session.commit()
    return CarryOutcome(target, len(new), len(already))


def discard_run(actor: User, run: MatchingRun) -> None:
    """Set a draft aside: it can no longer be changed or published."""
    _take_draft(run, status=MatchingRun.DISCARDED, closed_at=clock.utcnow())
    audit.record(actor, audit.MATCHING_DISCARDED, run, name=_run_name(run))
    db.session.commit()


def export_run(actor: User, run: MatchingRun, today) -> tuple[str, Iterator[list]]:
    """Record the download in the audit trail (committed first), and return the file's name
    with its rows (`review.csv_rows`: the pairs, the mentees without a mentor and the mentors
    with spots left, with why), all read already."""
    view = review(run)
    audit.record(actor, audit.EXPORT_DOWNLOADED, run, export=f"matching draft {run.id}")
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
