"""What the benchmarks share: a freshly migrated and seeded database, a signed-in test client,
and timing each case with its SQL statements counted."""

import logging
import os
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from sqlalchemy import MetaData, event, text

from app import create_app
from app.extensions import db
from app.seed import DEMO_PASSWORD


def seeded_app(url: str, members: int, seed: int) -> tuple[Flask, float]:
    """An app on `url`, emptied, migrated and filled by `flask seed-demo`; and the seconds the
    seeding took."""
    app = create_app(
        "development",
        DATABASE_URL=url,
        SQLALCHEMY_DATABASE_URI=url,
        RATELIMIT_ENABLED=False,
        LOG_LEVEL="WARNING",
    )
    with app.app_context():
        reset_database()
    started = time.perf_counter()
    with app.app_context():
        result = app.test_cli_runner().invoke(
            args=["seed-demo", "--members", str(members), "--seed", str(seed)]
        )
    if result.exit_code != 0:
        raise SystemExit(f"seed-demo failed:\n{result.output}{result.exception or ''}")
    return app, time.perf_counter() - started


def reset_database() -> None:
    """Drop everything in the app's database and build the schema with the real migrations."""
    from flask_migrate import upgrade

    existing = MetaData()
    existing.reflect(bind=db.engine)
    existing.drop_all(bind=db.engine)
    logging.disable(logging.INFO)  # the migrations' progress
    try:
        upgrade()
    finally:
        logging.disable(logging.NOTSET)


def analyze(app: Flask) -> None:
    """Fresh statistics for the query planner, as a production database would have them."""
    with app.app_context():
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def sign_in(app: Flask, email: str):
    """A test client signed in as the demo account `email`."""
    client = app.test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post(
        "/auth/login", data={"email": email, "password": DEMO_PASSWORD, "csrf_token": token}
    )
    if response.status_code != 302:
        raise SystemExit(f"could not sign in as {email}")
    return client


@dataclass
class Timing:
    name: str
    median_ms: float
    p95_ms: float
    cpu_ms: float  # this process's processor time: steadier than wall time on a busy machine
    statements: set[int]
    last_page: str


def time_cases(app: Flask, client, cases, requests: int, warmup: int) -> list[Timing]:
    """Request each (name, path, headers) case `warmup` times, then `requests` times measured."""
    with app.app_context():
        engine = db.engine
    counter = {"n": 0}

    def count(*args):
        counter["n"] += 1

    event.listen(engine, "before_cursor_execute", count)
    timings = []
    try:
        for name, path, headers in cases:
            for _ in range(warmup):
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
                assert response.status_code == 200, (path, response.status_code)
            times.sort()
            timings.append(
                Timing(
                    name=name,
                    median_ms=statistics.median(times),
                    p95_ms=times[max(int(round(0.95 * len(times))) - 1, 0)],
                    cpu_ms=statistics.median(cpu),
                    statements=statements,
                    last_page=response.get_data(as_text=True),
                )
            )
    finally:
        event.remove(engine, "before_cursor_execute", count)
        with app.app_context():
            db.engine.dispose()
    return timings


def statements_label(timing: Timing) -> str:
    return "/".join(map(str, sorted(timing.statements)))


def on_each_database(run: Callable[[str, str], bool]) -> bool:
    """`run(url, label)` on a fresh SQLite file, then on BENCH_DATABASE_URL if it is set;
    True when both runs were."""
    with tempfile.TemporaryDirectory() as folder:
        ok = run(f"sqlite:///{Path(folder) / 'bench.sqlite'}", "SQLite")
    postgres = os.environ.get("BENCH_DATABASE_URL")
    if postgres:
        from config import normalise_database_url

        ok &= run(normalise_database_url(postgres), "PostgreSQL")
    return ok


def report(timings: list[Timing], label: str, target_p95_ms: float) -> bool:
    """Print a line per case; True when each case ran the same SQL statements on every
    request and, on SQLite (the `label` of the figures that count), its p95 is on target."""
    print(f"  {'case':<17} {'median ms':>10} {'p95 ms':>8} {'CPU ms':>7} {'statements':>11}")
    ok = True
    for timing in timings:
        print(
            f"  {timing.name:<17} {timing.median_ms:>10.1f} {timing.p95_ms:>8.1f} "
            f"{timing.cpu_ms:>7.1f} {statements_label(timing):>11}"
        )
        if len(timing.statements) > 1 or (label == "SQLite" and timing.p95_ms > target_p95_ms):
            ok = False
    return ok
