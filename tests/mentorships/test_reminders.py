"""The daily job's mentorship reminders: no check-in for 30 days (both
partners, at most every 14 days, reset by a check-in), the mid-point prompt (once), the
six-month "complete or extend" prompt (once per review date, again after an extension).
Idempotent; only active mentorships; a paused program does not stop them."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.clock import add_months
from app.extensions import db
from app.mentorships import closing
from app.mentorships.reminders import run_mentorship_reminders
from app.models import CheckIn, ContactMethod, Mentorship, OutboxEmail, ProgramSettings
from tests.factories import START, at, vocab
from tests.support import body_html, body_text, fresh, links_in

pytestmark = pytest.mark.usefixtures("restore_vocabularies")


def day(n: int):
    return START + timedelta(days=n)


def run(clock_at, n: int, hour: int = 6):
    clock_at(at(day(n), hour))
    report = run_mentorship_reminders()
    return (report.check_in_reminders, report.midpoint_prompts, report.review_prompts)


def sent(template: str) -> list[OutboxEmail]:
    db.session.expire_all()
    return db.session.scalars(
        select(OutboxEmail).where(OutboxEmail.template == template).order_by(OutboxEmail.id)
    ).all()


def add_check_in(pair, met_on) -> None:
    db.session.add(
        CheckIn(
            mentorship_id=pair.id,
            author_id=pair.mentee.id,
            met_on=met_on,
            method=vocab(ContactMethod)[0],
            minutes=45,
            how_it_is_going=4,
            shared_note="shared-secret-for-reminders",
            private_note="private-secret-for-reminders",
        )
    )
    db.session.commit()


def test_check_in_reminders_follow_their_intervals(
    app, runner, pair, clock_at, deliver_mail, mail_server
):
    assert run(clock_at, 30) == (0, 0, 0)  # 30 days: not yet "more than 30"
    clock_at(at(day(31), 6))
    result = runner.invoke(args=["jobs", "daily"])
    assert result.exit_code == 0, result.output
    assert "Mentorships reminded to check in: 1. Mid-point prompts: 0." in result.output
    result = runner.invoke(args=["jobs", "daily"])  # the same day, again
    assert "Mentorships reminded to check in: 0." in result.output
    assert run(clock_at, 31, hour=23) == (0, 0, 0)
    assert run(clock_at, 32) == (0, 0, 0)
    assert run(clock_at, 44) == (0, 0, 0)
    assert fresh(Mentorship, pair.id).check_in_reminder_sent_on == day(31)

    deliver_mail()
    (to_mentor,) = mail_server.to(pair.mentor.email)
    (to_mentee,) = mail_server.to(pair.mentee.email)
    for message, partner in ((to_mentor, "Emery Mentee"), (to_mentee, "Morgan Mentor")):
        assert message["Subject"] == "Time for a mentoring check-in?"
        assert f"You and {partner} have not logged a check-in yet" in body_text(message)
        assert f"http://localhost/mentorships/{pair.id}" in links_in(message)
    mail_server.clear()

    assert run(clock_at, 45) == (1, 0, 0)  # 14 days after the last reminder
    assert run(clock_at, 45) == (0, 0, 0)
    assert len(sent("mentorship_reminder")) == 4

    add_check_in(pair, day(50))  # a check-in resets the count
    for n in (51, 59, 73, 80):
        assert run(clock_at, n) == (0, 0, 0), n
    assert run(clock_at, 81) == (1, 0, 0)
    deliver_mail()
    messages = mail_server.messages
    assert len(messages) == 4  # day 45 and day 81, both partners
    assert "Your last mentoring check-in with" in body_text(messages[-1])
    for message in messages:
        everything = body_text(message) + body_html(message)
        assert "secret-for-reminders" not in everything


def test_the_reminder_interval_is_a_program_setting(app, pair, clock_at):
    settings = ProgramSettings(status=ProgramSettings.OPEN, checkin_reminder_days=10)
    db.session.add(settings)
    db.session.commit()
    assert run(clock_at, 10) == (0, 0, 0)
    assert run(clock_at, 11) == (1, 0, 0)


def test_the_mid_point_prompt_is_sent_once(app, pair, clock_at, deliver_mail, mail_server):
    add_check_in(pair, day(0))
    midpoint = (add_months(START, 3) - START).days
    for n in range(midpoint - 2, midpoint + 3):
        add_check_in(pair, day(n))  # keeps the check-in reminder out of the way
        expected = 1 if n == midpoint else 0
        assert run(clock_at, n)[1] == expected, n
        assert run(clock_at, n)[1] == 0
    assert fresh(Mentorship, pair.id).midpoint_prompt_sent_on == day(midpoint)
    deliver_mail()
    subjects = {m["Subject"] for m in mail_server.messages}
    assert subjects == {"Half-way: a mid-point check-in for your mentorship"}
    assert len(mail_server.messages) == 2
    assert "5 July 2026" in body_text(mail_server.messages[0])


def test_the_six_month_prompt_once_per_review_date(app, pair, clock_at, deliver_mail, mail_server):
    six = (add_months(START, 6) - START).days  # 181 days: 5 July 2026
    add_check_in(pair, day(six - 5))
    assert run(clock_at, six - 1)[2] == 0
    assert run(clock_at, six)[2] == 1
    assert run(clock_at, six)[2] == 0
    assert run(clock_at, six + 2)[2] == 0
    deliver_mail()
    prompts = [m for m in mail_server.messages if "complete it, or carry on" in m["Subject"]]
    assert len(prompts) == 2
    assert f"http://localhost/mentorships/{pair.id}/close" in links_in(prompts[0])
    mail_server.clear()

    # They carry on for two months: the prompt comes back at the new review date, once.
    clock_at(at(day(six + 2)))
    closing.extend(fresh(Mentorship, pair.id), pair.mentor, 2)
    review = add_months(day(six + 2), 2)
    assert fresh(Mentorship, pair.id).review_on == review
    add_check_in(pair, review - timedelta(days=3))
    before = (review - START).days
    assert run(clock_at, before - 1)[2] == 0
    assert run(clock_at, before)[2] == 1
    assert run(clock_at, before)[2] == 0
    assert run(clock_at, before + 20)[2] == 0
    deliver_mail()
    prompts = [m for m in mail_server.messages if "complete it, or carry on" in m["Subject"]]
    assert len(prompts) == 2
    assert "chose to carry on with your mentorship until 7 September 2026" in body_text(prompts[0])


def test_a_late_first_run_sends_the_six_month_prompt_without_the_mid_point(app, pair, clock_at):
    assert run(clock_at, 183) == (1, 0, 1)
    assert run(clock_at, 183) == (0, 0, 0)


@pytest.mark.parametrize("status", [Mentorship.COMPLETED, Mentorship.ENDED_EARLY])
def test_closed_mentorships_get_no_reminders(app, pair, clock_at, status):
    mentorship = fresh(Mentorship, pair.id)
    mentorship.status = status
    mentorship.ended_on = day(5)
    db.session.commit()
    for n in (31, 91, 183):
        assert run(clock_at, n) == (0, 0, 0)
    assert sent("mentorship_reminder") == []


def test_a_paused_program_does_not_stop_active_pairs(app, pair, clock_at):
    db.session.add(ProgramSettings(status=ProgramSettings.PAUSED, notice="Back in the fall."))
    db.session.commit()
    assert run(clock_at, 31) == (1, 0, 0)
    assert len(sent("mentorship_reminder")) == 2
