"""Benchmark of the committee's dashboard (/committee), an attention list's page and the
closing feedback page: server time and SQL statements per request.

    make bench                      # SQLite, in a fresh temporary database
    BENCH_DATABASE_URL=postgresql://... make bench    # and PostgreSQL (the database is emptied)

Seeds MEMBERS members with `flask seed-demo`, then bulk-inserts MENTORSHIPS mentorships (with
their accepted requests), other requests (pending, declined, expired, withdrawn), CHECK_INS
check-ins with objectives, dated over the last 18 months, and closing feedback. Signs in as the
demo committee member (committee@example.org) and requests each case REQUESTS times after
WARMUP requests with the Flask test client, timing the whole request (routing, SQL, templates).
Statements are counted with a SQLAlchemy `before_cursor_execute` listener. Target: p95 <= 150 ms
on SQLite; the statements per request do not depend on the data size
(tests/committee/test_dashboard.py, tests/committee/test_feedback.py).
"""

import argparse
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select  # noqa: E402

from app import clock  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import (  # noqa: E402
    CheckIn,
    CheckInObjective,
    ClosingFeedback,
    ClosingFeedbackScore,
    ContactMethod,
    Mentorship,
    MentorshipRequest,
    Objective,
    Profile,
    User,
)
from app.models.profiles import BOTH, MENTEE, MENTOR  # noqa: E402
from bench.harness import (  # noqa: E402
    analyze,
    on_each_database,
    report,
    seeded_app,
    sign_in,
    time_cases,
)

MEMBERS = 10_000
MENTORSHIPS = 5_000
CHECK_INS = 60_000
OTHER_REQUESTS = 4_000
WARMUP = 5
REQUESTS = 40
TARGET_P95_MS = 150.0
R = MentorshipRequest


def cases() -> list[tuple[str, str, dict]]:
    today = clock.today()
    start, end = (today - timedelta(days=180)).isoformat(), today.isoformat()
    return [
        ("default", "/committee/", {}),
        ("date range", f"/committee/?start={start}&end={end}", {}),
        ("HTMX fragment", f"/committee/?start={start}&end={end}", {"HX-Request": "true"}),
        ("attention list", "/committee/attention/waiting-mentees?page=3", {}),
        ("closing feedback", "/committee/feedback?page=2", {}),
    ]


def seed_program(rng: random.Random, mentorships: int, check_ins: int, others: int) -> None:
    """Requests, mentorships and check-ins between the seeded members, in bulk INSERTs."""
    now = clock.utcnow()
    today = now.date()
    roles = db.session.execute(select(Profile.user_id, Profile.role)).all()
    mentors = [uid for uid, role in roles if role in (MENTOR, BOTH)]
    mentees = [uid for uid, role in roles if role in (MENTEE, BOTH)]
    methods = db.session.scalars(select(ContactMethod.id)).all()
    objectives = db.session.scalars(select(Objective.id)).all()
    span = 548  # about 18 months, in days

    requests, pairs = [], set()
    for _ in range(mentorships):
        while True:
            pair = (rng.choice(mentees), rng.choice(mentors))
            if pair[0] != pair[1] and pair not in pairs:
                break
        pairs.add(pair)
        created = now - timedelta(days=rng.randint(5, span), minutes=rng.randint(0, 1439))
        requests.append(
            {
                "mentee_id": pair[0],
                "mentor_id": pair[1],
                "message": "A benchmark request message.",
                "status": R.ACCEPTED,
                "source": "mentee",
                "nonce": f"b{len(requests)}",
                "created_at": created,
                "expires_at": created + timedelta(days=14),
                "responded_at": created + timedelta(days=rng.randint(0, 10)),
            }
        )
    accepted = len(requests)
    statuses = [R.PENDING] * 3 + [R.DECLINED] * 3 + [R.EXPIRED] * 2 + [R.WITHDRAWN]
    for _ in range(others):
        while True:
            pair = (rng.choice(mentees), rng.choice(mentors))
            if pair[0] != pair[1] and pair not in pairs:
                break
        pairs.add(pair)
        status = rng.choice(statuses)
        age = rng.randint(0, 13) if status == R.PENDING else rng.randint(15, span)
        created = now - timedelta(days=age, minutes=rng.randint(0, 1439))
        requests.append(
            {
                "mentee_id": pair[0],
                "mentor_id": pair[1],
                "message": "A benchmark request message.",
                "status": status,
                "source": "mentee",
                "nonce": f"b{len(requests)}",
                "created_at": created,
                "expires_at": created + timedelta(days=14),
                "responded_at": None if status == R.PENDING else created + timedelta(days=5),
            }
        )
    request_ids = db.session.scalars(
        insert(R).returning(R.id, sort_by_parameter_order=True), requests
    ).all()

    rows = []
    for request_id, request in zip(request_ids[:accepted], requests[:accepted], strict=True):
        started = request["responded_at"].date()
        age = (today - started).days
        status, ended = Mentorship.ACTIVE, None
        if age > 200 and rng.random() < 0.7:
            status, ended = Mentorship.COMPLETED, started + timedelta(days=rng.randint(183, age))
        elif age > 30 and rng.random() < 0.15:
            status, ended = Mentorship.ENDED_EARLY, started + timedelta(days=rng.randint(20, 150))
            ended = min(ended, today)
        early = status == Mentorship.ENDED_EARLY
        rows.append(
            {
                "mentor_id": request["mentor_id"],
                "mentee_id": request["mentee_id"],
                "request_id": request_id,
                "status": status,
                "started_on": started,
                "minimum_end_on": started + timedelta(days=183),
                "ended_on": ended,
                "end_reason": rng.choice(list(Mentorship.END_REASONS)) if early else None,
                "end_note": "A benchmark note for the committee." if early else None,
                "created_at": request["responded_at"],
            }
        )
    mentorship_ids = db.session.scalars(
        insert(Mentorship).returning(Mentorship.id, sort_by_parameter_order=True), rows
    ).all()
    seed_closing_feedback(rng, zip(mentorship_ids, rows, strict=True), objectives)

    check_in_rows = []
    for _ in range(check_ins):
        index = rng.randrange(len(rows))
        row = rows[index]
        last = row["ended_on"] or today
        days = max((last - row["started_on"]).days, 0)
        met_on = row["started_on"] + timedelta(days=rng.randint(0, days))
        check_in_rows.append(
            {
                "mentorship_id": mentorship_ids[index],
                "author_id": rng.choice((row["mentor_id"], row["mentee_id"])),
                "met_on": met_on,
                "method_id": rng.choice(methods),
                "minutes": rng.choice((30, 45, 60, 90)),
                "shared_note": None,
                "private_note": None,
                "how_it_is_going": rng.randint(2, 5),
                "created_at": now,
                "updated_at": now,
            }
        )
    check_in_ids = db.session.scalars(
        insert(CheckIn).returning(CheckIn.id, sort_by_parameter_order=True), check_in_rows
    ).all()
    links = []
    for check_in_id, check_in in zip(check_in_ids, check_in_rows, strict=True):
        for objective_id in rng.sample(objectives, rng.randint(1, 3)):
            links.append(
                {
                    "check_in_id": check_in_id,
                    "objective_id": objective_id,
                    "met_on": check_in["met_on"],
                }
            )
    db.session.execute(insert(CheckInObjective), links)
    db.session.commit()


def seed_closing_feedback(rng: random.Random, mentorships, objectives: list[int]) -> None:
    """Closing feedback from about two in three participants of each closed mentorship, with
    a score for one to three objectives."""
    feedback = []
    for mentorship_id, row in mentorships:
        if row["status"] == Mentorship.ACTIVE:
            continue
        for user_id in (row["mentor_id"], row["mentee_id"]):
            if rng.random() < 0.65:
                feedback.append(
                    {
                        "mentorship_id": mentorship_id,
                        "user_id": user_id,
                        "would_recommend": rng.random() < 0.8,
                        "comment": "A benchmark comment for the committee.",
                        "created_at": datetime.combine(row["ended_on"], datetime.min.time()),
                    }
                )
    feedback_ids = db.session.scalars(
        insert(ClosingFeedback).returning(ClosingFeedback.id, sort_by_parameter_order=True),
        feedback,
    ).all()
    scores = [
        {"feedback_id": feedback_id, "objective_id": objective_id, "score": rng.randint(1, 5)}
        for feedback_id in feedback_ids
        for objective_id in rng.sample(objectives, rng.randint(1, 3))
    ]
    db.session.execute(insert(ClosingFeedbackScore), scores)


def prepare(url: str, members: int, seed: int, mentorships: int, check_ins: int):
    app, _ = seeded_app(url, members, seed)
    started = time.perf_counter()
    with app.app_context():
        seed_program(random.Random(seed), mentorships, check_ins, OTHER_REQUESTS)
        counts = [
            db.session.scalar(select(db.func.count()).select_from(model))
            for model in (User, Mentorship, R, CheckIn)
        ]
    analyze(app)
    print(
        f"  seeded {counts[0]:,} members, {counts[1]:,} mentorships, {counts[2]:,} requests, "
        f"{counts[3]:,} check-ins (program data in {time.perf_counter() - started:.1f} s)"
    )
    return app


def run(url: str, label: str, options) -> bool:
    print(
        f"\n{label}: {options.members:,} members, {options.mentorships:,} mentorships, "
        f"{options.check_ins:,} check-ins"
    )
    app = prepare(url, options.members, options.seed, options.mentorships, options.check_ins)
    client = sign_in(app, "committee@example.org")
    with app.app_context():
        paths = cases()
    return report(time_cases(app, client, paths, options.requests, WARMUP), label, TARGET_P95_MS)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=MEMBERS)
    parser.add_argument("--mentorships", type=int, default=MENTORSHIPS)
    parser.add_argument("--check-ins", type=int, default=CHECK_INS)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=REQUESTS)
    options = parser.parse_args()
    ok = on_each_database(lambda url, label: run(url, label, options))
    print(
        "\nwithin target"
        if ok
        else f"\nOVER TARGET (p95 > {TARGET_P95_MS} ms, or statements varying between requests)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
