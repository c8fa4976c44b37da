"""The program's time zone: every day a member or the committee sees, and every rule that counts
days, is a day of the program's clock (America/Toronto unless the committee chooses another),
while times are stored in UTC.

Each rule is tried at 23:30 in Toronto, when UTC is already the next day: in winter (EST,
UTC-5: 04:30 UTC) and in summer (EDT, UTC-4: 03:30 UTC)."""

import csv
import io
import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import event, select

from app import clock, create_app
from app.clock import add_months
from app.committee.dashboard.figures import figures
from app.committee.dashboard.period import Period
from app.committee.settings import services as settings_services
from app.errors_domain import DomainError
from app.extensions import db
from app.mentorships import closing
from app.mentorships.reminders import run_mentorship_reminders
from app.models import Intake, Mentorship, MentorshipRequest, OutboxEmail, ProgramSettings
from app.program import get_settings, requests_blocked_reason
from app.requests import jobs
from app.requests.services import accept_request
from app.text import format_day, format_moment
from tests.factories import add_request, ask
from tests.support import audit_events, client_for, download_csv, fresh, text_of

pytestmark = pytest.mark.usefixtures("restore_vocabularies")

# A day in each season, and 23:30 on it in Toronto as the naive UTC moment we store.
WINTER_DAY, SUMMER_DAY = date(2026, 1, 14), date(2026, 7, 14)
WINTER_EVENING, SUMMER_EVENING = datetime(2026, 1, 15, 4, 30), datetime(2026, 7, 15, 3, 30)
SEASONS = pytest.mark.parametrize(
    "day, evening",
    [
        pytest.param(WINTER_DAY, WINTER_EVENING, id="winter"),
        pytest.param(SUMMER_DAY, SUMMER_EVENING, id="summer"),
    ],
)


def evening_of(day: date) -> datetime:
    """23:30 in Toronto on `day`, as a naive UTC moment."""
    return clock.start_of_day(day) + timedelta(hours=23, minutes=30)


def set_time_zone(name: str | None) -> None:
    get_settings().time_zone = name
    db.session.commit()


# --- the clock -------------------------------------------------------------------------------


@SEASONS
def test_at_23_30_in_toronto_today_is_toronto_s_day_though_utc_is_the_next(
    app, clock_at, day, evening
):
    clock_at(evening)
    assert clock.utcnow().date() == day + timedelta(days=1)
    assert clock.today() == day
    assert evening_of(day) == evening
    assert clock.local_day(evening) == day
    assert clock.start_of_day(day + timedelta(days=1)) == evening + timedelta(minutes=30)
    assert clock.end_of_day(day) == evening + timedelta(minutes=30)
    assert clock.last_day_before(clock.end_of_day(day)) == day
    assert format_moment(evening) == f"{day.isoformat()} 23:30 " + (
        "EST" if day.month == 1 else "EDT"
    )


def test_a_day_with_a_change_of_clocks_has_its_length(app):
    # 8 March 2026: clocks go forward at 02:00 in Toronto, the day has 23 hours.
    spring = date(2026, 3, 8)
    assert clock.end_of_day(spring) - clock.start_of_day(spring) == timedelta(hours=23)
    autumn = date(2026, 11, 1)
    assert clock.end_of_day(autumn) - clock.start_of_day(autumn) == timedelta(hours=25)


def test_the_committee_s_time_zone_moves_the_day(app, clock_at):
    clock_at(WINTER_EVENING)
    set_time_zone("UTC")
    assert clock.today() == WINTER_DAY + timedelta(days=1)
    set_time_zone("America/Vancouver")  # 20:30 there
    assert clock.today() == WINTER_DAY
    assert format_moment(WINTER_EVENING) == "2026-01-14 20:30 PST"


def test_the_time_zone_is_read_once_per_request_or_job(app, clock_at, make_member):
    clock_at(WINTER_EVENING)
    set_time_zone("America/Winnipeg")
    db.session.remove()
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with app.app_context():  # a fresh context, as a request or a job has
            days = {clock.today() for _ in range(5)}
            clock.start_of_day(WINTER_DAY), clock.local_day(WINTER_EVENING)
            db.session.remove()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert days == {WINTER_DAY}
    assert len(statements) == 1 and "time_zone" in statements[0]


def test_the_time_zone_read_creates_no_settings_and_flushes_nothing(app, clock_at, make_member):
    clock_at(WINTER_EVENING)
    with app.app_context():
        member = make_member()
        member.name = "Changed, not flushed"
        assert clock.today() == WINTER_DAY  # no settings row: PROGRAM_TIME_ZONE
        assert db.session.dirty  # the read did not flush the caller's change
        db.session.rollback()
    assert db.session.scalar(select(ProgramSettings)) is None


def test_an_unknown_configured_time_zone_is_refused_at_start():
    with pytest.raises(RuntimeError, match="PROGRAM_TIME_ZONE='Ontario/Toronto'"):
        create_app("testing", PROGRAM_TIME_ZONE="Ontario/Toronto")


def test_the_configured_time_zone_is_the_default(app, clock_at):
    assert app.config["PROGRAM_TIME_ZONE"] == "America/Toronto"
    clock_at(WINTER_EVENING)
    app.config["PROGRAM_TIME_ZONE"] = "Asia/Tokyo"  # 13:30 on the 15th
    assert clock.today() == WINTER_DAY + timedelta(days=1)


# --- requests: the last day to answer ---------------------------------------------------------


@SEASONS
def test_a_request_expires_at_the_end_of_its_last_toronto_day(
    app, clock_at, make_mentee, make_mentor, day, evening
):
    clock_at(evening)
    request = ask(make_mentee(), make_mentor())
    last_day = day + timedelta(days=14)
    assert request.answer_by == last_day
    assert request.expires_at == clock.end_of_day(last_day)
    assert clock.local_time(request.expires_at).hour == 0  # midnight in Toronto
    new = db.session.scalar(select(OutboxEmail).where(OutboxEmail.template == "request_new"))
    assert f"Please answer by {format_day(last_day)}." in new.body_text

    clock_at(evening_of(last_day))  # the last evening: still open
    assert jobs.run_request_jobs().expired == 0
    clock_at(clock.end_of_day(last_day))  # midnight in Toronto
    assert jobs.run_request_jobs().expired == 1
    assert fresh(MentorshipRequest, request.id).status == MentorshipRequest.EXPIRED


def test_the_mentor_can_answer_on_the_last_evening(app, clock_at, make_mentee, make_mentor):
    clock_at(WINTER_EVENING)
    mentor = make_mentor()
    request = ask(make_mentee(), mentor)
    clock_at(evening_of(request.answer_by) + timedelta(minutes=29))  # 23:59 in Toronto
    forms = client_for(app, mentor)
    page = text_of(forms.get("/requests"))
    assert f"Please answer by {format_day(request.answer_by)}." in page
    response = forms.post(f"/requests/{request.id}/accept", {})
    assert response.status_code in (302, 303), text_of(response)
    assert fresh(MentorshipRequest, request.id).status == MentorshipRequest.ACCEPTED


@SEASONS
def test_a_mentorship_accepted_in_the_evening_starts_on_toronto_s_day(
    app, clock_at, make_mentee, make_mentor, day, evening
):
    clock_at(evening - timedelta(days=2))
    mentor = make_mentor()
    request = ask(make_mentee(), mentor)
    clock_at(evening)
    mentorship = accept_request(request, mentor)
    assert mentorship.started_on == day
    assert mentorship.minimum_end_on == add_months(day, 6)


# --- mentorships: reminders, six months, "met on" -------------------------------------------


@SEASONS
def test_the_check_in_reminder_counts_toronto_days(app, clock_at, make_pair, day, evening):
    started = day - timedelta(days=30)  # on the evening: 30 days, not more
    make_pair(started_on=started)
    get_settings().checkin_reminder_days = 30
    db.session.commit()
    clock_at(evening)
    assert run_mentorship_reminders().check_in_reminders == 0
    clock_at(clock.end_of_day(day) + timedelta(minutes=30))  # 00:30 the next day
    assert run_mentorship_reminders().check_in_reminders == 1


@SEASONS
def test_six_months_are_reached_on_toronto_s_day(app, clock_at, make_pair, day, evening):
    pair = make_pair(started_on=add_months(day + timedelta(days=1), -6))
    assert pair.mentorship.minimum_end_on == day + timedelta(days=1)
    clock_at(evening)  # UTC is already the six-month day; Toronto is not
    with pytest.raises(DomainError, match="once it has run six months"):
        closing.complete(pair.mentorship, pair.mentee)
    db.session.rollback()
    clock_at(clock.end_of_day(day))
    assert closing.complete(fresh(Mentorship, pair.id), pair.mentee).status == "completed"
    assert fresh(Mentorship, pair.id).ended_on == day + timedelta(days=1)


@SEASONS
def test_met_on_is_today_in_toronto_and_tomorrow_is_refused(app, clock_at, make_pair, day, evening):
    pair = make_pair(started_on=day - timedelta(days=20))
    clock_at(evening)
    forms = client_for(app, pair.mentee)
    html = forms.get(pair.url()).get_data(as_text=True)
    met_on = re.search(r'<input [^>]*id="check_in-met_on"[^>]*>', html).group(0)
    assert f'max="{day.isoformat()}"' in met_on and f'value="{day.isoformat()}"' in met_on
    base = {
        "check_in-method": str(pair.mentorship.agreement.contact_methods[0].id),
        "check_in-minutes": "30",
        "check_in-how_it_is_going": "4",
    }
    tomorrow = (day + timedelta(days=1)).isoformat()
    response = forms.post(pair.url("/check-ins"), {**base, "check_in-met_on": tomorrow})
    assert response.status_code == 422
    assert "The date can't be in the future." in text_of(response)
    response = forms.post(pair.url("/check-ins"), {**base, "check_in-met_on": day.isoformat()})
    assert response.status_code in (302, 303)


# --- intakes ---------------------------------------------------------------------------------


@SEASONS
def test_an_intake_is_open_until_the_end_of_its_last_toronto_day(app, clock_at, day, evening):
    settings = get_settings()
    settings.requests_only_during_intake = True
    db.session.add(Intake(name="Closing", opens_on=day - timedelta(days=20), closes_on=day))
    db.session.commit()
    clock_at(evening)
    assert requests_blocked_reason(clock.today()) is None
    clock_at(clock.end_of_day(day))
    assert "none is open now" in requests_blocked_reason(clock.today())


@SEASONS
def test_an_intake_opens_at_midnight_in_toronto(app, clock_at, day, evening):
    get_settings().requests_only_during_intake = True
    tomorrow = day + timedelta(days=1)
    db.session.add(Intake(name="Opening", opens_on=tomorrow, closes_on=tomorrow + timedelta(21)))
    db.session.commit()
    clock_at(evening)
    assert "The next one, Opening, opens on" in requests_blocked_reason(clock.today())
    clock_at(clock.end_of_day(day))
    assert requests_blocked_reason(clock.today()) is None


# --- the dashboard and the exports ----------------------------------------------------------


@pytest.mark.parametrize(
    "last_day",
    [pytest.param(date(2026, 1, 31), id="winter"), pytest.param(date(2026, 6, 30), id="summer")],
)
def test_this_month_on_the_dashboard_is_toronto_s_month(
    app, clock_at, make_mentee, make_mentor, last_day
):
    evening = evening_of(last_day)
    assert evening.date() == last_day + timedelta(days=1)  # UTC: the next month already
    clock_at(evening)
    mentor, mentee = make_mentor(), make_mentee()
    db.session.add(
        Mentorship(
            mentor_id=mentor.id,
            mentee_id=mentee.id,
            status=Mentorship.ACTIVE,
            started_on=add_months(last_day, -6),
            minimum_end_on=last_day,
        )
    )
    add_request(mentee, mentor, MentorshipRequest.DECLINED, evening, responded=evening)
    db.session.commit()
    month = Period(start=last_day.replace(day=1), end=last_day)
    found = figures(month, clock.today(), clock.utcnow())
    assert found.reaching_six_months == 1  # this month's six-month dates
    assert found.requests_sent == 1  # sent at 23:30 on the month's last day
    following = Period(start=last_day + timedelta(days=1))
    assert figures(following, clock.today(), clock.utcnow()).requests_sent == 0


@SEASONS
def test_exports_write_toronto_times_and_days(
    app, clock_at, committee, make_mentee, make_mentor, day, evening
):
    clock_at(evening)
    forms, _ = committee
    request = add_request(make_mentee(), make_mentor(), MentorshipRequest.PENDING, evening)
    response = download_csv(forms, "/committee/exports/requests.csv")
    assert f"mentor-match-requests-{day.isoformat()}.csv" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [row["request_id"] for row in rows] == [str(request.id)]
    assert rows[0]["created_at"] == f"{day.isoformat()} 23:30:00"


def test_the_audit_filter_takes_toronto_days(app, clock_at, committee):
    forms, chair = committee
    clock_at(WINTER_EVENING)
    forms.post("/committee/settings/status", {"status": "paused"})
    day, next_day = WINTER_DAY.isoformat(), (WINTER_DAY + timedelta(days=1)).isoformat()
    page = text_of(forms.get(f"/committee/audit?since={day}&until={day}"))
    assert "1 event match the filters." in page and "2026-01-14 23:30 EST" in page
    page = text_of(forms.get(f"/committee/audit?since={next_day}"))
    assert "0 events match the filters." in page


# --- the settings form -----------------------------------------------------------------------


def test_the_committee_sets_the_time_zone(app, clock_at, committee):
    forms, chair = committee
    clock_at(WINTER_EVENING)
    response = forms.get("/committee/settings")
    html, page = response.get_data(as_text=True), text_of(response)
    assert html.index("<main") < html.index('id="time-zone-heading"') < html.index("</main>")
    assert "counted in America/Toronto" in page and "It is now 2026-01-14 23:30 EST" in page

    response = forms.post("/committee/settings/time-zone", {"time_zone": " america/winnipeg "})
    assert response.status_code == 302
    assert fresh(ProgramSettings, get_settings().id).time_zone == "America/Winnipeg"
    page = text_of(forms.get("/committee/settings"))
    assert "counted in America/Winnipeg" in page and "22:30 CST" in page
    (event_,) = audit_events("settings.time_zone_changed")
    assert event_.detail["changes"] == {"time_zone": [None, "America/Winnipeg"]}

    response = forms.post("/committee/settings/time-zone", {"time_zone": ""})
    assert response.status_code == 302
    assert fresh(ProgramSettings, get_settings().id).time_zone is None


@pytest.mark.parametrize(
    "typed",
    ["Ontario/Toronto", "EST5EDT,M3.2.0,M11.1.0", "../../etc/passwd", "America/", "Toronto"],
)
def test_an_unknown_time_zone_is_refused_and_kept(app, committee, typed):
    forms, _ = committee
    response = forms.post("/committee/settings/time-zone", {"time_zone": typed})
    assert response.status_code == 422
    page = text_of(response)
    assert "is not a time zone name we know" in page and "America/Toronto" in page
    assert f'value="{typed}"' in response.get_data(as_text=True).replace("&#34;", '"')
    assert fresh(ProgramSettings, get_settings().id).time_zone is None
    assert audit_events("settings.time_zone_changed") == []


def test_a_too_long_time_zone_is_refused(app, committee):
    forms, _ = committee
    response = forms.post("/committee/settings/time-zone", {"time_zone": "A/" + "b" * 80})
    assert response.status_code == 422
    assert "Use at most 64 characters." in text_of(response)


def test_check_time_zone_spells_names_as_the_zone_database():
    assert settings_services.check_time_zone("utc") == "UTC"
    assert settings_services.check_time_zone("  ") is None
    with pytest.raises(DomainError) as refused:
        settings_services.check_time_zone("Mars/Olympus_Mons")
    assert refused.value.field == "time_zone"


@SEASONS
def test_a_moment_is_shown_on_its_toronto_day(app, clock_at, make_pair, day, evening):
    pair = make_pair(started_on=day - timedelta(days=20))
    agreement = pair.mentorship.agreement
    agreement.updated_at = agreement.confirmed_by_mentee_at = evening
    db.session.commit()
    clock_at(evening)
    page = text_of(client_for(app, pair.mentor).get(pair.url()))
    assert f"Emery Mentee (mentee): confirmed on {day.day} {day:%B %Y}" in page
    assert f"Last changed on {day.day} {day:%B %Y}" in page


def test_the_time_zone_read_after_a_commit_flushes_nothing(app, clock_at, make_member):
    clock_at(WINTER_EVENING)
    set_time_zone("UTC")  # the commit expires the settings: the next read loads them again
    member = make_member()
    member.name = "Changed, not flushed"
    assert clock.today() == WINTER_DAY + timedelta(days=1)
    assert member in db.session.dirty
    db.session.rollback()
