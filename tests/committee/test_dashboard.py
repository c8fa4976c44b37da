"""The committee's dashboard (/committee): who may see it, every figure and filter on small
hand-made data, the charts and their tables, the attention lists, the admin views of a request
and of a mentorship, the re-send button, confidentiality, and constant SQL statements."""

import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.committee.audit.trail import REQUEST_EMAIL_RESENT
from app.committee.dashboard import attention, charts, figures
from app.committee.dashboard.period import Period
from app.committee.dashboard.svg import Point, bar_chart, column_chart
from app.extensions import db
from app.models import (
    AuditEvent,
    Goal,
    Intake,
    Mentorship,
    MentorshipAgreement,
    MentorshipRequest,
    Objective,
    OutboxEmail,
    User,
)
from app.models.profiles import MENTOR
from tests.factories import (
    NOW,
    SECRETS,
    TODAY,
    add_check_in,
    add_mentorship,
    add_request,
    plant_pair_secrets,
)
from tests.support import FormClient, statements_for
from tests.support import unescaped_html as text_of

pytestmark = pytest.mark.usefixtures("fixed_time")  # today is 30 November 2026

R = MentorshipRequest


# --- hand-made data -------------------------------------------------------------------------


@pytest.fixture
def program(people, make_member):
    """The scenario of the figures below (today is 2026-11-30)."""
    a = people("Ada Mentor", MENTOR, mentor_capacity=2)
    b = people("Bea Mentor", MENTOR, mentor_capacity=1, region="ottawa")
    c = people("Cy Mentor", MENTOR, mentor_capacity=3, accepting_requests=False)
    d = people("Di Mentor", MENTOR, mentor_capacity=2, membership_verified_at=None)
    m1 = people("Mo One", sectors=("public",))
    m2 = people("Mo Two", sectors=("public", "school"))
    m3 = people("Mo Three", region="ottawa")
    m4 = people("Mo Four")
    m5 = people("Mo Five")
    r1 = add_request(m1, a, R.ACCEPTED, datetime(2026, 5, 1, 15), datetime(2026, 5, 10, 15))
    r2 = add_request(m2, b, R.ACCEPTED, datetime(2026, 1, 1, 15), datetime(2026, 1, 5, 15))
    r3 = add_request(m3, c, R.ACCEPTED, datetime(2026, 2, 25, 15), datetime(2026, 3, 1, 15))
    r4d = add_request(m4, a, R.DECLINED, datetime(2026, 10, 1, 15), datetime(2026, 10, 5, 15))
    r4p = add_request(m4, b, R.PENDING, datetime(2026, 11, 20, 15))
    r5 = add_request(m5, a, R.PENDING, datetime(2026, 11, 28, 15))
    s1 = add_mentorship(a, m1, date(2026, 5, 10), request=r1)
    s2 = add_mentorship(b, m2, date(2026, 1, 5), Mentorship.COMPLETED, date(2026, 7, 10), r2)
    s3 = add_mentorship(c, m3, date(2026, 3, 1), Mentorship.ENDED_EARLY, date(2026, 4, 15), r3)
    s1.minimum_end_on = date(2026, 11, 10)  # reaching six months this month
    db.session.commit()
    add_check_in(s1, date(2026, 9, 1), ("career", "networking"))
    add_check_in(s1, date(2026, 10, 1), ("career",), minutes=45, score=3)
    add_check_in(s2, date(2026, 2, 1), ("job-search",))
    return {
        "mentors": (a, b, c, d),
        "mentees": (m1, m2, m3, m4, m5),
        "requests": (r1, r2, r3, r4d, r4p, r5),
        "mentorships": (s1, s2, s3),
    }


# --- who may see it -------------------------------------------------------------------------


def dashboard_paths(program) -> list[tuple[str, str, dict]]:
    r4p = program["requests"][4]
    s1 = program["mentorships"][0]
    return [
        ("GET", "/committee/", {}),
        ("GET", "/committee/?start=2026-06-01&end=2026-11-30", {}),
        ("GET", "/committee/?start=2026-06-01", {"HX-Request": "true"}),
        ("GET", f"/committee/requests/{r4p.id}", {}),
        ("GET", f"/committee/mentorships/{s1.id}", {}),
        *(("GET", f"/committee/attention/{kind}", {}) for kind in attention.ATTENTION_KINDS),
        ("GET", "/committee/attention/waiting-mentees?page=1", {"HX-Request": "true"}),
        ("POST", f"/committee/requests/{r4p.id}/resend", {}),
    ]


@pytest.mark.parametrize("visitor", ["anonymous", "member", "committee"])
def test_dashboard_routes_answer_404_to_all_but_the_committee(
    client, signed_in, committee, program, visitor
):
    if visitor == "anonymous":
        forms = FormClient(client)
    elif visitor == "member":
        forms = FormClient(signed_in()[0])
    else:
        forms = committee[0]
    for method, path, headers in dashboard_paths(program):
        if method == "GET":
            response = forms.get(path, headers=headers)
            expected = 200 if visitor == "committee" else 404
        else:
            response = forms.post(path)
            expected = 302 if visitor == "committee" else 404
        assert response.status_code == expected, (visitor, method, path)
    outbox = db.session.scalars(select(OutboxEmail)).all()
    assert len(outbox) == (1 if visitor == "committee" else 0)


def test_the_dashboard_is_the_committee_home(committee):
    forms, _ = committee
    page = text_of(forms.get("/committee/"))
    assert "<h1>Committee dashboard</h1>" in page
    assert 'href="/committee/" aria-current="page"' in page


# --- figures --------------------------------------------------------------------------------


def test_figures_now_and_for_all_time(app, committee, program):
    f = figures.figures(Period(), TODAY, NOW)
    # The chair (no profile) is a member too; Di's membership is not verified.
    assert f.members == 10
    assert f.verified_members == 8
    assert f.mentors == 4
    assert f.mentees == 5
    # Ada: 2 - 1 active; Bea: 1 - 0; Cy is not accepting; Di is not eligible.
    assert f.open_spots == 2
    assert f.pending_requests == 2
    assert f.pending_median_days == 6.0  # 10 and 2 days
    assert f.active_mentorships == 1
    assert f.overdue_check_ins == 1  # last check-in 2026-10-01
    assert f.reaching_six_months == 1
    assert f.requests_sent == 6
    assert (f.mentees_asked, f.mentees_matched) == (5, 3)
    assert f.match_rate == pytest.approx(0.6)
    assert (f.requests_answered, f.requests_declined) == (4, 1)
    assert f.decline_rate == pytest.approx(0.25)
    assert (f.mentorships_started, f.completed, f.ended_early) == (3, 1, 1)


def test_figures_in_a_period(app, program):
    f = figures.figures(Period(date(2026, 6, 1), date(2026, 11, 30)), TODAY, NOW)
    assert f.requests_sent == 3
    assert (f.mentees_asked, f.mentees_matched, f.match_rate) == (2, 0, 0)
    assert (f.requests_answered, f.requests_declined, f.decline_rate) == (1, 1, 1)
    assert (f.mentorships_started, f.completed, f.ended_early) == (0, 1, 0)
    # "Now" figures don't depend on the period.
    assert (f.members, f.pending_requests, f.active_mentorships) == (9, 2, 1)  # no chair here

    f = figures.figures(Period(date(2026, 1, 1), date(2026, 3, 31)), TODAY, NOW)
    assert (f.requests_sent, f.mentees_asked, f.mentees_matched) == (2, 2, 2)
    assert (f.requests_answered, f.requests_declined, f.decline_rate) == (2, 0, 0)
    assert (f.mentorships_started, f.completed, f.ended_early) == (2, 0, 0)

    # Open-ended periods, and the last day counts whole.
    f = figures.figures(Period(start=date(2026, 11, 20)), TODAY, NOW)
    assert f.requests_sent == 2
    f = figures.figures(Period(end=date(2026, 1, 1)), TODAY, NOW)
    assert f.requests_sent == 1


def test_figures_with_no_data(app):
    f = figures.figures(Period(), TODAY, NOW)
    assert f.members == 0 and f.open_spots == 0 and f.pending_median_days is None
    assert f.match_rate is None and f.decline_rate is None


def test_an_overdue_check_in_counts_from_the_start_without_a_check_in(app, people):
    mentor, mentee = people("M", MENTOR), people("E")
    add_mentorship(mentor, mentee, TODAY - timedelta(days=45))
    other = people("E2")
    add_mentorship(mentor, other, TODAY - timedelta(days=44))
    assert figures.figures(Period(), TODAY, NOW).overdue_check_ins == 1


def figure(page: str, figure_id: str) -> str:
    match = re.search(
        rf'id="{figure_id}">\s*<dt>[^<]*</dt>\s*<dd><span class="figure-value">([^<]*)</span>',
        page,
    )
    assert match, figure_id
    return match.group(1)


def test_the_page_shows_the_figures_and_filters_them(committee, program):
    forms, _ = committee
    page = text_of(forms.get("/committee/"))
    assert figure(page, "figure-members") == "10"
    assert figure(page, "figure-open-spots") == "2"
    assert figure(page, "figure-match-rate") == "60%"
    assert figure(page, "figure-decline-rate") == "25%"
    assert "median age 6.0 days" in page
    assert "In the period: all time" in page

    page = text_of(forms.get("/committee/?start=2026-06-01&end=2026-11-30"))
    assert figure(page, "figure-requests-sent") == "3"
    assert figure(page, "figure-match-rate") == "0%"
    assert figure(page, "figure-decline-rate") == "100%"
    assert "In the period: 2026-06-01 to 2026-11-30" in page
    assert 'value="2026-06-01"' in page  # the form keeps the dates


def test_the_htmx_fragment_has_the_figures_and_the_announcement(committee, program):
    forms, _ = committee
    response = forms.get("/committee/?start=2026-06-01", headers={"HX-Request": "true"})
    page = text_of(response)
    assert "<h1>" not in page and "<html" not in page
    assert figure(page, "figure-requests-sent") == "3"
    assert figure(page, "figure-open-spots") == "2"
    assert 'hx-swap-oob="innerHTML:#dashboard-status"' in page
    assert "Dashboard updated" in page
    assert "HX-Request" in response.headers["Vary"]
    assert "Needs attention" not in page  # the attention lists stay as they are


def test_the_filter_form_works_without_javascript(committee):
    forms, _ = committee
    page = text_of(forms.get("/committee/"))
    assert re.search(r'<form method="get" action="/committee/"[^>]*hx-get="/committee/"', page)
    assert 'hx-push-url="true"' in page and 'hx-target="#dashboard-figures"' in page
    assert '<label for="start">From</label>' in page
    assert '<label for="end">To</label>' in page
    assert 'role="status" aria-live="polite"' in page


@pytest.mark.parametrize(
    "query", ["start=2026-12-01&end=2026-01-01", "start=yesterday", "end=2026-13-01"]
)
def test_unusable_dates_say_so_and_show_all_time(committee, program, query):
    forms, _ = committee
    page = text_of(forms.get(f"/committee/?{query}"))
    assert "can't be used" in page or "before the start date" in page
    assert "In the period: all time" in page
    assert figure(page, "figure-requests-sent") == "6"


def test_an_intake_is_a_filter(committee, program):
    db.session.add(
        Intake(name="Spring 2026", opens_on=date(2026, 1, 1), closes_on=date(2026, 3, 31))
    )
    db.session.commit()
    intake = db.session.scalar(select(Intake))
    forms, _ = committee
    page = text_of(forms.get("/committee/"))
    assert '<label for="intake">Intake</label>' in page
    assert "Spring 2026 (2026-01-01 to 2026-03-31)" in page
    page = text_of(forms.get(f"/committee/?intake={intake.id}&start=2026-06-01"))
    assert "In the period: the Spring 2026 intake (2026-01-01 to 2026-03-31)" in page
    assert figure(page, "figure-requests-sent") == "2"
    assert figure(page, "figure-started") == "2"


# --- charts ---------------------------------------------------------------------------------


def test_chart_data(app, program):
    months = charts.new_mentorships_per_month(TODAY)
    assert (
        len(months) == 12 and months[0].label == "December 2025" and months[0].short == "Dec 2025"
    )
    assert months[-1].label == "November 2026"
    assert {p.short: p.value for p in months if p.value} == {
        "Jan 2026": 1,
        "Mar 2026": 1,
        "May 2026": 1,
    }
    active = {p.short: p.value for p in charts.active_per_month(TODAY)}
    assert active["Dec 2025"] == 0
    assert active["Feb 2026"] == 1
    assert active["Mar 2026"] == 2
    assert active["Apr 2026"] == 1
    assert active["May 2026"] == 2
    assert active["Jul 2026"] == 1
    assert active["Nov 2026"] == 1
    touched = {p.label: p.value for p in charts.objectives_touched(Period())}
    assert touched == {
        "Professional development, education and training": 0,
        "Career development, exploration and advancement": 2,
        "Networking and professional connections": 1,
        "Job search strategies and resume or CV review": 1,
        "Introduction to the association and the profession": 0,
    }
    later = charts.objectives_touched(Period(date(2026, 6, 1), TODAY))
    assert [p.value for p in later] == [0, 2, 1, 0, 0]
    sectors = {p.label: p.value for p in charts.mentees_by_sector()}
    assert sectors["Public libraries"] == 2
    assert sum(sectors.values()) == 6  # Mo Two names two sectors
    regions = {p.label: p.value for p in charts.mentees_by_region()}
    assert regions["Toronto"] == 4 and regions["Ottawa region"] == 1


def test_the_page_shows_each_chart_with_its_table(committee, program):
    forms, _ = committee
    page = text_of(forms.get("/committee/"))
    for chart_id in (
        "chart-new-mentorships",
        "chart-active-mentorships",
        "chart-objectives",
        "chart-sectors",
        "chart-regions",
    ):
        assert re.search(
            rf'<svg [^>]*id="{chart_id}"[^>]*role="img"[^>]*'
            rf'aria-labelledby="{chart_id}-title {chart_id}-desc"',
            page,
        ), chart_id
        assert f'<title id="{chart_id}-title">' in page
        assert f'<desc id="{chart_id}-desc">' in page
    assert page.count("<summary>Show the data") == 5
    assert page.count('<th scope="col">Month</th>') == 2
    assert "<caption>Mentees by region</caption>" in page
    assert "style=" not in page
    assert "<script" not in page.split("</head>")[1]


def test_chart_functions_are_pure_and_escape():
    points = [Point("January <2026>", 3, "Jan <2026>"), Point("Feb", 1200)]
    svg = column_chart("c", "New & used", points, "Jan <2026>: 3 & more.")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "Jan &lt;2026&gt;" in svg and "New &amp; used" in svg and "January" not in svg
    assert '<desc id="c-desc">Jan &lt;2026&gt;: 3 &amp; more.</desc>' in svg
    assert ">1,200</text>" in svg  # numbers the English way unless told otherwise
    assert "style" not in svg
    assert svg == column_chart("c", "New & used", points, "Jan <2026>: 3 & more.")
    french = column_chart("c", "New", points, "", number=lambda n: f"{n:,}".replace(",", " "))
    assert ">1 200</text>" in french
    bars = bar_chart("b", "Objectives", [Point("Career", 12), Point("Networking", 0)], "")
    assert bars.count("<rect") == 2 and 'fill="#1f4e79"' in bars


def test_a_chart_describes_its_data_in_words(app):
    points = [Point("January 2026", 1), Point("February 2026", 1200)]
    assert charts.describe(points, charts._mentorships) == (
        "January 2026: 1 mentorship; February 2026: 1,200 mentorships."
    )
    assert charts.describe([], charts._mentorships) == "No data."


# --- attention lists ------------------------------------------------------------------------


def test_attention_lists(app, program):
    m1, _, _, m4, m5 = program["mentees"]
    a, b, _, _ = program["mentors"]
    lists = attention.attention(TODAY, NOW)
    waiting = lists.waiting_requests
    assert waiting.total == 1
    assert [(r.mentee_name, r.mentor_name) for r in waiting.rows] == [("Mo Four", "Bea Mentor")]
    quiet = lists.quiet_mentorships
    assert [(r.mentee_name, r.last_contact) for r in quiet.rows] == [("Mo One", date(2026, 10, 1))]
    mentees = lists.waiting_mentees
    # Mo Three's mentorship ended early and they have not asked again: waiting too.
    assert [(r.name, r.pending, r.declined, r.expired) for r in mentees.rows] == [
        ("Mo Four", 1, 1, 0),
        ("Mo Five", 1, 0, 0),
        ("Mo Three", 0, 0, 0),
    ]
    assert lists.open_spots == 2  # the same as the figure, from the list's query
    spots = lists.mentors_with_spots
    assert [(r.name, r.capacity, r.active, r.free, r.pending) for r in spots.rows] == [
        ("Ada Mentor", 2, 1, 1, 1),
        ("Bea Mentor", 1, 0, 1, 1),
    ]


def test_the_attention_lists_link_to_admin_views(committee, program):
    forms, _ = committee
    page = text_of(forms.get("/committee/"))
    r4p = program["requests"][4]
    s1 = program["mentorships"][0]
    m4 = program["mentees"][3]
    assert f'href="/committee/requests/{r4p.id}"' in page
    assert f'href="/committee/mentorships/{s1.id}"' in page
    assert f'href="/committee/members/{m4.id}"' in page
    assert f'action="/committee/requests/{r4p.id}/resend"' in page
    assert "Re-send the e-mail to the mentor" in page
    # The old overview's memberships table and roster link are on the dashboard.
    assert re.search(r"Verified</a></th>\s*<td>8</td>", page)
    assert 'href="/committee/roster"' in page


def test_the_dashboard_shows_the_first_rows_and_links_to_each_whole_list(
    committee, program, monkeypatch
):
    monkeypatch.setattr(attention, "DASHBOARD_ROWS", 1)
    forms, _ = committee
    page = text_of(forms.get("/committee/"))
    mentees = page[page.index('id="waiting-mentees-heading"') :]
    mentees = mentees[: mentees.index("<h3")]
    assert "Mentees waiting longest for a match (3)" in mentees
    assert "Mo Four" in mentees and "Mo Five" not in mentees
    assert 'href="/committee/attention/waiting-mentees">See all 3: mentees waiting' in mentees
    # A list that fits shows no link to its page.
    assert 'href="/committee/attention/waiting-requests"' not in page


def test_an_attention_list_page_shows_every_row_a_page_at_a_time(committee, program, monkeypatch):
    monkeypatch.setattr(attention, "PAGE_ROWS", 1)
    forms, _ = committee
    first = text_of(forms.get("/committee/attention/waiting-mentees"))
    assert "<h1>Mentees waiting longest for a match</h1>" in first
    assert "3 in all; page 1 of 3." in first
    assert "Mo Four" in first and "Mo Five" not in first
    assert 'href="/committee/attention/waiting-mentees?page=2" rel="next"' in first

    second = text_of(
        forms.get(
            "/committee/attention/waiting-mentees?page=2",
            headers={"HX-Request": "true", "X-Focus-Results": "true"},
        )
    )
    assert "<h1>" not in second  # the results only
    assert "Mo Five" in second and "Mo Four" not in second
    assert 'hx-swap-oob="innerHTML:#attention-count">3 in all; page 2 of 3.' in second
    assert "data-focus-after-swap" in second
    assert 'href="/committee/attention/waiting-mentees" rel="prev"' in second


def test_mentees_who_never_asked_are_waiting_too(app, committee, people):
    """An eligible mentee who never sent a request waits for a match since they joined; one
    with an active or a completed mentorship, or who can't take part, does not."""
    mentor = people("Ada Mentor", MENTOR)
    quiet = people("Quinn Quiet")
    matched = people("Mat Matched")
    done = people("Dee Done")
    people("Una Unverified", membership_verified_at=None)
    add_mentorship(mentor, matched, date(2026, 9, 1))
    add_mentorship(mentor, done, date(2026, 1, 5), Mentorship.COMPLETED, date(2026, 7, 10))
    db.session.commit()
    lists = attention.attention(TODAY, NOW)
    rows = lists.waiting_mentees.rows
    assert [(r.name, r.first_asked, r.pending) for r in rows] == [("Quinn Quiet", None, 0)]
    assert rows[0].waiting_since == db.session.get(User, quiet.id).created_at
    forms, _ = committee
    page = text_of(forms.get("/committee/attention/waiting-mentees"))
    assert "Quinn Quiet" in page and "Never asked" in page
    assert "Mat Matched" not in page and "Una Unverified" not in page


@pytest.mark.parametrize("page", ["0", "-3", "abc", "1.5", ""])
def test_an_unusable_page_number_shows_the_first_page(committee, program, page):
    forms, _ = committee
    response = forms.get(f"/committee/attention/waiting-mentees?page={page}")
    assert response.status_code == 200
    assert "Mo Four" in text_of(response) and "Mo Five" in text_of(response)


@pytest.mark.parametrize("page", ["7", "99999999999999999999999"])
def test_a_page_past_the_last_goes_back_to_the_first_and_says_so(committee, program, page):
    forms, _ = committee
    response = forms.get(f"/committee/attention/waiting-mentees?page={page}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/committee/attention/waiting-mentees"
    page = text_of(forms.get(response.headers["Location"]))
    assert "There is no such page of this list now. Here is its first page." in page


def test_an_empty_attention_list_says_so(committee, people):
    forms, _ = committee
    page = text_of(forms.get("/committee/attention/quiet-mentorships"))
    assert "0 in all." in page
    assert "None: every active pair checked in within 45 days." in page
    assert forms.get("/committee/attention/no-such-list").status_code == 404


def test_resend_from_a_list_page_comes_back_to_that_page(committee, program):
    forms, _ = committee
    r4p = program["requests"][4]
    page = text_of(forms.get("/committee/attention/waiting-requests"))
    assert 'name="back" value="attention:1"' in page
    response = forms.post(f"/committee/requests/{r4p.id}/resend", {"back": "attention:3"})
    assert response.headers["Location"] == "/committee/attention/waiting-requests?page=3"
    for back in ("attention:x", "https://evil.example/", "attention:-1"):
        response = forms.post(f"/committee/requests/{r4p.id}/resend", {"back": back})
        assert response.headers["Location"] == f"/committee/requests/{r4p.id}"


# --- admin views ----------------------------------------------------------------------------


def test_the_request_view_shows_states_and_dates(committee, program):
    forms, _ = committee
    r4d = program["requests"][3]
    page = text_of(forms.get(f"/committee/requests/{r4d.id}"))
    assert "Declined" in page
    assert "Mo Four" in page and "Ada Mentor" in page
    assert "2026-10-01 11:00 EDT" in page and "2026-10-05 11:00 EDT" in page
    assert "Re-send" not in page  # answered: nothing to re-send
    r1 = program["requests"][0]
    s1 = program["mentorships"][0]
    page = text_of(forms.get(f"/committee/requests/{r1.id}"))
    assert f'href="/committee/mentorships/{s1.id}"' in page
    assert forms.get("/committee/requests/999999").status_code == 404


def test_the_mentorship_view_shows_dates_counts_and_scores(committee, program):
    forms, _ = committee
    s1 = program["mentorships"][0]
    db.session.add(MentorshipAgreement(mentorship_id=s1.id, meeting_frequency="monthly"))
    db.session.add(Goal(mentorship_id=s1.id, text="Some goal", done_at=NOW))
    db.session.add(Goal(mentorship_id=s1.id, text="Another goal"))
    db.session.commit()
    page = text_of(forms.get(f"/committee/mentorships/{s1.id}"))
    assert "Active" in page and "Ada Mentor" in page and "Mo One" in page
    assert "2026-05-10" in page and "2026-11-10" in page
    assert "Check-ins (2)" in page
    assert "105 minutes in all" in page
    assert "3 of 5: OK" in page and "4 of 5: Well" in page
    assert "Career development, exploration and advancement" in page
    assert "Monthly" in page and "1 of 2 done" in page
    assert "Some goal" not in page
    assert forms.get("/committee/mentorships/999999").status_code == 404


# --- confidentiality ------------------------------------------------------------------------


def test_no_note_or_message_on_any_dashboard_page(committee, people, program):
    forms, _ = committee
    mentor, mentee, other = people("Sec Mentor", MENTOR), people("Sec Mentee"), people("Sec Two")
    pending = add_request(
        mentee, mentor, R.PENDING, NOW - timedelta(days=9), message=SECRETS["message"]
    )
    declined = add_request(
        other,
        mentor,
        R.DECLINED,
        NOW - timedelta(days=20),
        NOW - timedelta(days=19),
        decline_note=SECRETS["decline"],
        message=SECRETS["message"],
    )
    accepted = add_request(
        other, program["mentors"][1], R.ACCEPTED, NOW - timedelta(days=90), NOW - timedelta(days=89)
    )
    mentorship = add_mentorship(
        program["mentors"][1], other, TODAY - timedelta(days=89), request=accepted
    )
    plant_pair_secrets(mentorship, TODAY - timedelta(days=50))
    pages = [
        forms.get("/committee/"),
        forms.get("/committee/?start=2026-01-01&end=2026-11-30"),
        forms.get("/committee/?start=2026-01-01", headers={"HX-Request": "true"}),
        forms.get(f"/committee/requests/{pending.id}"),
        forms.get(f"/committee/requests/{declined.id}"),
        forms.get(f"/committee/requests/{accepted.id}"),
        forms.get(f"/committee/mentorships/{mentorship.id}"),
        *(forms.get(f"/committee/attention/{kind}") for kind in attention.ATTENTION_KINDS),
    ]
    forms.post(f"/committee/requests/{pending.id}/resend")
    pages.append(forms.get(f"/committee/requests/{pending.id}"))
    for response in pages:
        assert response.status_code == 200
        page = text_of(response)
        for secret in SECRETS.values():
            assert secret not in page, (response.request.path, secret)
    # The pages did show these objects.
    assert f"Mentorship {mentorship.id}" in text_of(pages[0])
    assert "Check-ins (1)" in text_of(pages[6])


# --- re-sending the request e-mail ----------------------------------------------------------


def test_resend_enqueues_the_request_email_and_audits_it(committee, program):
    forms, chair = committee
    r4p = program["requests"][4]
    bea = program["mentors"][1]
    response = forms.post(f"/committee/requests/{r4p.id}/resend", {"back": "dashboard"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/committee/")
    mails = db.session.scalars(select(OutboxEmail)).all()
    assert [(m.recipient, m.template) for m in mails] == [(bea.email, "request_new")]
    assert mails[0].subject == "Mo Four would like you as their mentor"
    events = db.session.scalars(select(AuditEvent)).all()
    assert [(e.action, e.target_type, e.target_id, e.actor_id) for e in events] == [
        (REQUEST_EMAIL_RESENT, "request", r4p.id, chair.id)
    ]
    page = text_of(forms.get("/committee/"))
    assert "The request e-mail was sent again to Bea Mentor" in page
    page = text_of(forms.get(f"/committee/requests/{r4p.id}"))
    assert "Request e-mail sent to the mentor again" in page and "Chair Person" in page


def test_resend_twice_in_a_minute_sends_once(committee, program, clock_at):
    forms, _ = committee
    r4p = program["requests"][4]
    forms.post(f"/committee/requests/{r4p.id}/resend")
    response = forms.post(f"/committee/requests/{r4p.id}/resend", follow_redirects=True)
    assert "sent again a moment ago" in text_of(response)
    assert len(db.session.scalars(select(OutboxEmail)).all()) == 1
    clock_at(NOW + timedelta(minutes=2))
    forms.post(f"/committee/requests/{r4p.id}/resend")
    assert len(db.session.scalars(select(OutboxEmail)).all()) == 2
    assert len(db.session.scalars(select(AuditEvent)).all()) == 2


def test_resend_needs_the_csrf_token(committee, program):
    forms, _ = committee
    r4p = program["requests"][4]
    response = forms.client.post(f"/committee/requests/{r4p.id}/resend")
    assert response.status_code == 400
    assert db.session.scalars(select(OutboxEmail)).all() == []
    assert db.session.scalars(select(AuditEvent)).all() == []


def test_resend_refuses_an_answered_request(committee, program):
    forms, _ = committee
    r4d = program["requests"][3]
    response = forms.post(f"/committee/requests/{r4d.id}/resend", follow_redirects=True)
    assert "no longer waiting for an answer" in text_of(response)
    assert db.session.scalars(select(OutboxEmail)).all() == []
    assert db.session.scalars(select(AuditEvent)).all() == []
    assert forms.post("/committee/requests/999999/resend").status_code == 404


# --- SQL statements per request -------------------------------------------------------------


def more_of_everything(people, n: int) -> None:
    mentors = [people(f"Extra Mentor {i}", MENTOR, mentor_capacity=3) for i in range(n)]
    for i in range(n * 2):
        mentee = people(f"Extra Mentee {i}")
        mentor = mentors[i % n]
        request = add_request(mentee, mentor, R.ACCEPTED, NOW - timedelta(days=100 + i), NOW)
        mentorship = add_mentorship(mentor, mentee, TODAY - timedelta(days=90 + i), request=request)
        add_check_in(mentorship, TODAY - timedelta(days=50 + i), ("career", "networking"))
        add_request(people(f"Waiting {i}"), mentor, R.PENDING, NOW - timedelta(days=8 + i))


PATHS = [
    ("/committee/", None),
    ("/committee/?start=2026-01-01&end=2026-11-30", None),
    ("/committee/?start=2026-01-01", {"HX-Request": "true"}),
    *((f"/committee/attention/{kind}", None) for kind in attention.ATTENTION_KINDS),
    ("/committee/attention/waiting-requests", {"HX-Request": "true"}),
]


def test_statements_per_request_do_not_grow_with_the_data(app, committee, program, people):
    forms, _ = committee
    for path, headers in PATHS:
        forms.get(path, headers=headers)  # warm-up (settings row, etc.)
    small = [statements_for(app, forms, path, headers) for path, headers in PATHS]
    more_of_everything(people, 6)
    large = [statements_for(app, forms, path, headers) for path, headers in PATHS]
    assert small == large
    assert max(large) <= 30


# --- in French ------------------------------------------------------------------------------

NBSP = "\u00a0"


def test_the_dashboard_in_french(french_committee, program):
    page = text_of(french_committee.get("/committee/"))
    assert '<html lang="fr-CA">' in page
    assert "<h1>Tableau de bord du comité</h1>" in page
    assert '<h2 id="now-heading">En ce moment</h2>' in page
    assert f"Pour la période choisie{NBSP}: depuis le début" in page
    assert '<h2 id="attention-heading">À surveiller</h2>' in page
    assert "Demandes en attente depuis plus de 7 jours (1)" in page
    # Numbers, percentages and decimals the French way.
    assert figure(page, "figure-match-rate") == f"60{NBSP}%"
    assert f"âge médian{NBSP}: 6,0 jours" in page
    # A chart: its title, its month names (in full in its table, short under its columns),
    # the sentence a screen reader hears, and its table.
    title = "Nouveaux mentorats par mois, 12 derniers mois"
    assert f'<h3 id="chart-new-mentorships-heading" class="chart-heading">{title}</h3>' in page
    assert f'<title id="chart-new-mentorships-title">{title}</title>' in page
    assert f"<caption>{title}</caption>" in page
    assert page.count('<th scope="col">Mois</th>') == 2
    assert '<th scope="row">mars 2026</th><td>1</td>' in page
    assert '<th scope="row">décembre 2025</th><td>0</td>' in page
    assert f"mars 2026{NBSP}: 1 mentorat; avril 2026{NBSP}: 0 mentorat;" in page
    assert f"novembre 2026{NBSP}: 1 mentorat actif." in page
    assert '<tspan x="' in page and ">déc.</tspan>" in page and ">janv.</tspan>" in page
    # The vocabularies' entries under their French names.
    objectives = db.session.scalars(select(Objective.name_fr).where(Objective.active)).all()
    assert objectives and all(f'<th scope="row">{name}</th>' in page for name in objectives)
    assert f'<summary>Afficher les données<span class="visually-hidden">{NBSP}: ' in page
    assert "<caption>Mentoré(e)s par région</caption>" in page
    for english in ("Committee dashboard", "Needs attention", "Show the data", "Dec 2025", "March"):
        assert english not in page


def test_the_dashboard_is_still_english_for_an_english_reader(committee, program):
    forms, _ = committee
    page = text_of(forms.get("/committee/"))
    assert '<html lang="en-CA">' in page
    assert '<th scope="row">March 2026</th><td>1</td>' in page
    assert "March 2026: 1 mentorship; April 2026: 0 mentorships;" in page
    assert ">Dec</tspan>" in page


def test_the_browser_language_is_enough_for_french(committee, program):
    forms, _ = committee
    page = text_of(forms.get("/committee/", headers={"Accept-Language": "fr-CA,fr;q=0.9"}))
    assert "<h1>Tableau de bord du comité</h1>" in page


@pytest.mark.parametrize(
    "query, message",
    [
        ("start=yesterday", "Ces dates ne peuvent pas être utilisées"),
        ("start=2026-12-01&end=2026-01-01", "La date de fin précède la date de début."),
    ],
)
def test_a_bad_period_is_explained_in_french(french_committee, program, query, message):
    page = text_of(french_committee.get(f"/committee/?{query}"))
    assert f'<p class="flash flash-error">{message}' in page
    assert f"Pour la période choisie{NBSP}: depuis le début" in page
    assert figure(page, "figure-requests-sent") == "6"


def test_an_intake_period_in_french(french_committee, program):
    db.session.add(
        Intake(name="Printemps 2026", opens_on=date(2026, 1, 1), closes_on=date(2026, 3, 31))
    )
    db.session.commit()
    intake = db.session.scalar(select(Intake))
    page = text_of(french_committee.get("/committee/"))
    assert '<label for="intake">Période d’inscription</label>' in page
    assert "Printemps 2026 (du 2026-01-01 au 2026-03-31)" in page
    page = text_of(french_committee.get(f"/committee/?intake={intake.id}"))
    expected = "la période d’inscription Printemps 2026 (du 2026-01-01 au 2026-03-31)"
    assert f"Pour la période choisie{NBSP}: {expected}" in page
    assert f"Objectifs abordés lors des suivis, {expected}" in page


def test_the_htmx_announcement_in_french(french_committee, program):
    page = text_of(
        french_committee.get("/committee/?start=2026-06-01", headers={"HX-Request": "true"})
    )
    assert (
        f"Tableau de bord mis à jour. Période des chiffres{NBSP}: à partir du 2026-06-01." in page
    )


def test_an_attention_list_in_french(french_committee, program, monkeypatch):
    monkeypatch.setattr(attention, "PAGE_ROWS", 2)
    page = text_of(french_committee.get("/committee/attention/waiting-mentees"))
    assert "<h1>Mentoré(e)s qui attendent un jumelage depuis le plus longtemps</h1>" in page
    assert "Chaque ligne mène à une vue qui ne montre que des états et des dates." in page
    assert '<th scope="col">Première demande</th>' in page
    assert re.search(r"\d+ jours?</td>", page)
    response = french_committee.get("/committee/attention/waiting-mentees?page=99")
    page = text_of(french_committee.get(response.headers["Location"]))
    assert "Cette page de la liste n’existe plus. Voici sa première page." in page
    empty = text_of(french_committee.get("/committee/attention/silent-mentors"))
    assert "Aucun : chaque mentor a répondu" in empty.replace(NBSP, " ")


def test_french_costs_no_more_statements(app, committee, program):
    forms, chair = committee
    paths = [path for path, headers in PATHS if headers is None]
    for path in paths:
        forms.get(path)  # warm-up
    english = [statements_for(app, forms, path) for path in paths]
    chair.locale = "fr"
    db.session.commit()
    for path in paths:
        forms.get(path)
    assert [statements_for(app, forms, path) for path in paths] == english
