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
import logging
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import MetaData, event, select, text  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Objective, Region, Sector  # noqa: E402

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


def prepare(url: str, members: int, seed: int):
    app = create_app(
        "development",
        DATABASE_URL=url,
        SQLALCHEMY_DATABASE_URI=url,
        RATELIMIT_ENABLED=False,
        LOG_LEVEL="WARNING",
    )
    with app.app_context():
        from flask_migrate import upgrade

        existing = MetaData()
        existing.reflect(bind=db.engine)
        existing.drop_all(bind=db.engine)
        logging.disable(logging.INFO)  # the migrations' progress
        try:
            upgrade()
        finally:
            logging.disable(logging.NOTSET)
    runner = app.test_cli_runner()
    started = time.perf_counter()
    with app.app_context():
        result = runner.invoke(args=["seed-demo", "--members", str(members), "--seed", str(seed)])
    if result.exit_code != 0:
        raise SystemExit(f"seed-demo failed:\n{result.output}{result.exception or ''}")
    print(f"  seeded {members:,} members in {time.perf_counter() - started:.1f} s")
    with app.app_context():
        # Fresh statistics, as autovacuum (PostgreSQL) or `PRAGMA optimize` would keep them.
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    return app


def sign_in(app):
    from app.seed import DEMO_PASSWORD

    client = app.test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post(
        "/auth/login",
        data={"email": "mentee@example.org", "password": DEMO_PASSWORD, "csrf_token": token},
    )
    if response.status_code != 302:
        raise SystemExit("could not sign in as the demo mentee")
    return client


def run(url: str, label: str, members: int, seed: int, requests: int) -> bool:
    print(f"\n{label}: {members:,} members")
    app = prepare(url, members, seed)
    client = sign_in(app)
    with app.app_context():
        engine = db.engine
    counter = {"n": 0}

    def count(*args):
        counter["n"] += 1

    event.listen(engine, "before_cursor_execute", count)
    ok = True
    print(
        f"  {'case':<15} {'median ms':>10} {'p95 ms':>8} {'CPU ms':>7} {'statements':>11} "
        f"{'mentors':>8}"
    )
    try:
        for name, path, headers in cases(app):
            for _ in range(WARMUP):
                response = client.get(path, headers=headers)
                assert response.status_code == 200, (path, response.status_code)
            times, cpu, statements = [], [], set()
            for _ in range(requests):
                counter["n"] = 0
                started, started_cpu = time.perf_counter(), time.process_time()
                response = client.get(path, headers=headers)
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
                statements.add(counter["n"])
                assert response.status_code == 200
            times.sort()
            p95 = times[max(int(round(0.95 * len(times))) - 1, 0)]
            found = response.get_data(as_text=True).count('class="card mentor-card')
            print(
                f"  {name:<15} {statistics.median(times):>10.1f} {p95:>8.1f} "
                f"{statistics.median(cpu):>7.1f} "
                f"{'/'.join(map(str, sorted(statements))):>11} {found:>8}"
            )
            if max(statements) > MAX_STATEMENTS or (label == "SQLite" and p95 > TARGET_P95_MS):
                ok = False
    finally:
        event.remove(engine, "before_cursor_execute", count)
        with app.app_context():
            db.engine.dispose()
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=MEMBERS)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=REQUESTS)
    options = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite'}"
        ok &= run(url, "SQLite", options.members, options.seed, options.requests)
    postgres = os.environ.get("BENCH_DATABASE_URL")
    if postgres:
        from config import normalise_database_url

        url = normalise_database_url(postgres)
        ok &= run(url, "PostgreSQL", options.members, options.seed, options.requests)
    print(
        "\nwithin target"
        if ok
        else f"\nOVER TARGET (p95 > {TARGET_P95_MS} ms or > {MAX_STATEMENTS} statements)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
