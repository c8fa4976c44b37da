"""`flask jobs daily` on several hosts at once: on PostgreSQL one run holds an advisory lock for
the whole job and any other run started meanwhile does nothing; on SQLite (one host) it runs."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from app import job_lock
from app.extensions import db
from app.models import LoginSession

T0 = datetime(2026, 12, 1, 6, 0)
LOCK = "flask jobs daily"
STOOD_ASIDE = "The daily job is already running on another host: nothing done here.\n"

postgres_only = pytest.mark.postgres_only


@pytest.fixture
def expired_session(make_member, clock_at):
    """A sign-in session the daily job removes: something to see whether it ran."""
    clock_at(T0)
    user = make_member()
    db.session.add(
        LoginSession(id="expired", user_id=user.id, expires_at=T0 - timedelta(minutes=1))
    )
    db.session.commit()


def sessions_left() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(LoginSession.id)))


@pytest.fixture
def held_elsewhere(app):
    """The daily job's lock, held by another connection, as another host's run would."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's")
    with db.engine.connect() as other:
        key = job_lock.lock_key(LOCK)
        assert other.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key})
        other.commit()
        yield other
        other.execute(text("SELECT pg_advisory_unlock_all()"))
        other.commit()


def test_the_lock_key_is_a_fixed_64_bit_number_per_name():
    key = job_lock.lock_key(LOCK)
    assert key == job_lock.lock_key(LOCK)
    assert -(2**63) <= key < 2**63
    assert key != job_lock.lock_key("another job")


def test_the_daily_job_runs_when_no_other_run_holds_it(app, runner, expired_session):
    result = runner.invoke(args=["jobs", "daily"])

    assert result.exit_code == 0, result.output
    assert "Expired sign-in sessions removed: 1." in result.output
    assert sessions_left() == 0


@postgres_only
def test_a_run_started_while_another_host_runs_does_nothing(
    app, runner, expired_session, held_elsewhere
):
    result = runner.invoke(args=["jobs", "daily"])

    assert result.exit_code == 0, result.output
    assert result.output == STOOD_ASIDE
    assert sessions_left() == 1


@postgres_only
def test_the_lock_is_held_for_the_whole_job_and_released_after(app, held_elsewhere):
    held_elsewhere.execute(text("SELECT pg_advisory_unlock_all()"))
    held_elsewhere.commit()
    key = job_lock.lock_key(LOCK)
    with job_lock.exclusive(LOCK) as ours:
        assert ours
        db.session.commit()  # the job's own commits do not release it
        assert not held_elsewhere.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key})
        held_elsewhere.commit()
    assert held_elsewhere.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key})
    held_elsewhere.commit()


@postgres_only
def test_a_job_that_fails_releases_the_lock(app, held_elsewhere):
    held_elsewhere.execute(text("SELECT pg_advisory_unlock_all()"))
    held_elsewhere.commit()
    with pytest.raises(RuntimeError), job_lock.exclusive(LOCK) as ours:
        assert ours
        raise RuntimeError("the job broke")
    with job_lock.exclusive(LOCK) as ours:
        assert ours


def test_on_sqlite_a_single_host_always_runs(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's case")
    with job_lock.exclusive(LOCK) as ours, job_lock.exclusive(LOCK) as again:
        assert ours and again
