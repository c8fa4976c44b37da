"""Benchmark of the mentor directory (/mentors): server time and SQL statements per request.

    make bench                      # SQLite, in a fresh temporary database
    BENCH_DATABASE_URL=postgresql://... make bench    # and PostgreSQL (the database is emptied)

Seeds MEMBERS members (about 40% mentors) with `flask seed-demo`, signs in as the demo mentee
(mentee@example.org) and requests each case REQUESTS times after WARMUP requests with the Flask
test client, timing the whole request (routing, SQL, templates). Statements are counted with a
SQLAlchemy `before_cursor_execute` listener. Target: p95 <= 50 ms on SQLite, at most 6
statements per request whatever the number of members. "CPU ms" is the median processor time
of this process per request (SQLite runs in it; PostgreSQL's own work is not counted): it
stays meaningful when other programs load the machine and the wall-clock times wander.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from app.extensions import db  # noqa: E402
from app.models import Objective, Region, Sector  # noqa: E402
from bench.harness import (  # noqa: E402
    analyze,
    on_each_database,
    seeded_app,
    sign_in,
    statements_label,
    time_cases,
)

MEMBERS = 10_000
WARMUP = 5
REQUESTS = 40
TARGET_P95_MS = 50.0
MAX_STATEMENTS = 6


def cases(app) -> list[tuple[str, str, dict]]:
    with app.app_context():
        sector = db.session.scalar(select(Sector.id).where(Sector.code == "public"))
        region = db.session.scalar(select(Region.id).where(Region.code == "toronto"))
        objective = db.session.scalar(select(Objective.id).where(Objective.code == "career"))
    return [
        ("first page", "/mentors", {}),
        ("filtered", f"/mentors?sector={sector}&region={region}&objective={objective}", {}),
        ("search", "/mentors?q=reference", {}),
        ("page 50", "/mentors?page=50", {}),
        ("HTMX fragment", f"/mentors?sector={sector}", {"HX-Request": "true"}),
    ]


def run(url: str, label: str, members: int, seed: int, requests: int) -> bool:
    print(f"\n{label}: {members:,} members")
    app, seconds = seeded_app(url, members, seed)
    print(f"  seeded {members:,} members in {seconds:.1f} s")
    analyze(app)
    client = sign_in(app, "mentee@example.org")
    print(
        f"  {'case':<15} {'median ms':>10} {'p95 ms':>8} {'CPU ms':>7} {'statements':>11} "
        f"{'mentors':>8}"
    )
    ok = True
    for timing in time_cases(app, client, cases(app), requests, WARMUP):
        found = timing.last_page.count('class="card mentor-card')
        print(
            f"  {timing.name:<15} {timing.median_ms:>10.1f} {timing.p95_ms:>8.1f} "
            f"{timing.cpu_ms:>7.1f} {statements_label(timing):>11} {found:>8}"
        )
        if max(timing.statements) > MAX_STATEMENTS or (
            label == "SQLite" and timing.p95_ms > TARGET_P95_MS
        ):
            ok = False
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=MEMBERS)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=REQUESTS)
    options = parser.parse_args()
    ok = on_each_database(
        lambda url, label: run(url, label, options.members, options.seed, options.requests)
    )
    print(
        "\nwithin target"
        if ok
        else f"\nOVER TARGET (p95 > {TARGET_P95_MS} ms or > {MAX_STATEMENTS} statements)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
