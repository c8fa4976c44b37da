"""`flask` commands: users, outbox, jobs, seed-demo."""

import click
from flask import current_app
from sqlalchemy import delete, func, select

from app import clock
from app.auth.two_factor import remove_second_factor
from app.email.delivery import (
    deliver_due,
    failed_messages,
    retry_failed,
    run_worker,
    stop_on_signals,
)
from app.extensions import db
from app.job_lock import exclusive
from app.mentorships.reminders import run_mentorship_reminders
from app.models import LoginSession, User
from app.models.accounts import normalise_email
from app.profiles.availability import bring_back_returning
from app.requests.jobs import run_request_jobs


def register(app) -> None:
    app.cli.add_command(users)
    app.cli.add_command(outbox)
    app.cli.add_command(jobs)
    app.cli.add_command(seed_demo)


@click.group(help="Manage user accounts.")
def users():
    pass


def _user_or_fail(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise click.ClickException(f"No account with the e-mail address {email}.")
    return user


@users.command("promote", help="Give an account the committee role.")
@click.argument("email")
def promote(email):
    user = _user_or_fail(email)
    user.is_committee = True
    db.session.commit()
    click.echo(f"{user.email} is now a committee member.")


@users.command("demote", help="Take the committee role away from an account.")
@click.argument("email")
def demote(email):
    user = _user_or_fail(email)
    if not user.is_committee:
        raise click.ClickException(f"{user.email} is not a committee member.")
    others = db.session.scalar(
        select(func.count(User.id)).where(User.is_committee, User.id != user.id)
    )
    if others == 0:
        raise click.ClickException("This is the last committee member: promote someone first.")
    user.is_committee = False
    db.session.commit()
    click.echo(f"{user.email} is no longer a committee member.")


@users.command(
    "two-step-off",
    help="Turn two-step sign-in off for an account whose owner lost both their phone and "
    "their recovery codes (check who is asking first); the owner is told by e-mail.",
)
@click.argument("email")
def two_step_off(email):
    user = _user_or_fail(email)
    if not user.has_second_factor:
        raise click.ClickException(f"{user.email} does not use two-step sign-in.")
    remove_second_factor(user)
    db.session.commit()
    click.echo(f"Two-step sign-in is off for {user.email}; they sign in with their password.")


@click.group(help="Send the e-mail waiting in the outbox.")
def outbox():
    pass


@outbox.command("deliver", help="Send every message that is due, once.")
def outbox_deliver():
    if current_app.config["MAIL_BACKEND"] == "dev":
        click.echo("MAIL_BACKEND is dev: mail stays in the outbox (see /dev/mailbox).")
        return
    report = deliver_due()
    click.echo(f"{report.sent} sent, {report.retried} to retry later, {report.failed} failed.")
    for line in report.errors:
        click.echo(f"  {line}", err=True)


@outbox.command("worker", help="Deliver in a loop until stopped.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between passes.")
@click.option("--passes", type=click.IntRange(min=1), help="Stop after this many passes.")
def outbox_worker(interval, passes):
    if current_app.config["MAIL_BACKEND"] == "dev":
        click.echo("MAIL_BACKEND is dev: mail stays in the outbox (see /dev/mailbox).")
    click.echo(
        f"Outbox worker: delivering every {interval} s. Ctrl-C or SIGTERM stops it once the "
        "message being sent is recorded."
    )
    with stop_on_signals() as stop:
        run_worker(interval=interval, passes=passes, stop=stop)
    if stop.is_set():
        click.echo("Outbox worker stopped.")


@outbox.command("failed", help="List the messages that failed for good, the latest first.")
def outbox_failed():
    messages = failed_messages()
    if not messages:
        click.echo("No failed messages.")
        return
    for message in messages:
        click.echo(
            f"#{message.id}  {message.created_at:%Y-%m-%d %H:%M}  to {message.recipient}  "
            f"({message.template}, {message.attempts} attempts): {message.last_error}"
        )
    click.echo("`flask outbox retry ID...` (or `--all`) offers them again.")


@outbox.command(
    "retry",
    help="Offer failed messages again at the next delivery pass (fix the cause first).",
)
@click.argument("message_ids", nargs=-1, type=click.IntRange(min=1), metavar="[ID]...")
@click.option("--all", "every", is_flag=True, help="Every failed message.")
def outbox_retry(message_ids, every):
    if bool(message_ids) == every:
        raise click.UsageError("Give the ids of failed messages, or --all (not both).")
    retried = retry_failed(None if every else list(message_ids))
    click.echo(f"{len(retried)} message(s) back in the outbox: {_ids(retried) or 'none'}.")
    not_failed = sorted(set(message_ids) - set(retried))
    if not_failed:
        click.echo(f"Not failed, left as they are: {_ids(not_failed)}.", err=True)


def _ids(ids) -> str:
    return ", ".join(f"#{i}" for i in ids)


@click.group(help="Scheduled jobs.")
def jobs():
    pass


@jobs.command(
    "daily",
    help="Run once a day from cron: clears expired sign-in sessions, expires unanswered "
    "mentorship requests and reminds mentors half-way, reminds pairs to check in, and sends "
    "the mid-point and six-month prompts. Safe to run twice; on PostgreSQL, a run started "
    "while another host's is under way does nothing.",
)
def jobs_daily():
    with exclusive("flask jobs daily") as ours:
        if not ours:
            click.echo("The daily job is already running on another host: nothing done here.")
            return
        _run_daily_jobs()


def _run_daily_jobs() -> None:
    result = db.session.execute(
        delete(LoginSession).where(LoginSession.expires_at <= clock.utcnow())
    )
    db.session.commit()
    click.echo(f"Expired sign-in sessions removed: {result.rowcount}.")
    # Before the requests' reminders: a mentor back today is reminded by their welcome back.
    back = bring_back_returning(clock.today(), clock.utcnow())
    click.echo(f"Mentors back from being away: {back}.")
    report = run_request_jobs(clock.utcnow())
    click.echo(
        f"Mentorship requests expired: {report.expired}. Mentors reminded: {report.reminded}."
    )
    sent = run_mentorship_reminders(clock.utcnow())
    click.echo(
        f"Mentorships reminded to check in: {sent.check_in_reminders}. "
        f"Mid-point prompts: {sent.midpoint_prompts}. Six-month prompts: {sent.review_prompts}."
    )


@click.command("seed-demo", help="Fill an empty database with realistic demo members.")
@click.option("--members", default=60, show_default=True, help="How many members.")
@click.option("--seed", default=1, show_default=True, help="Random seed (same seed, same data).")
@click.option("--force", is_flag=True, help="Add the demo data even if there are members.")
@click.option("--if-empty", is_flag=True, help="Do nothing (successfully) if there are members.")
@click.option(
    "--no-activity",
    is_flag=True,
    help="Members only: no requests, mentorships, check-ins or feedback.",
)
def seed_demo(members, seed, force, if_empty, no_activity):
    from app.seed import DEMO_PASSWORD, seed_members
    from app.seed_activity import seed_activity

    existing = db.session.scalar(select(func.count(User.id)))
    if existing and if_empty:
        click.echo(f"The database has {existing} members: demo data not loaded.")
        return
    if existing and not force:
        raise click.ClickException(
            f"The database already has {existing} members. Use --force to add demo data anyway."
        )
    if members < 1:
        raise click.ClickException("--members must be at least 1.")
    summary = seed_members(members, seed)
    click.echo(
        f"Created {summary.members} demo members ({summary.mentors} offer mentoring) "
        f"in {summary.seconds:.1f} s."
    )
    if not no_activity:
        life = seed_activity(summary.user_ids, seed)
        pairs = ", ".join(
            f"{count} {kind.replace('_', ' ')}" for kind, count in life.mentorships.items()
        )
        click.echo(
            f"Added {life.requests} requests, mentorships ({pairs or 'none'}) "
            f"and {life.check_ins} check-ins."
        )
    if summary.demo_accounts:
        click.echo(
            f"Demo accounts (password '{DEMO_PASSWORD}'): " + ", ".join(summary.demo_accounts)
        )
    else:
        click.echo("The demo accounts already exist; only other members were added.")
