"""The committee's page of closing feedback and end-early notes (/committee/feedback): who may
see it, the list and its figures on small hand-made data, the filters (bad input included),
pages, HTMX, the admin view of a mentorship, confidentiality, and constant SQL statements."""

import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.committee.dashboard.period import Period
from app.committee.feedback import queries as feedback
from app.extensions import db
from app.models import (
    Intake,
    Mentorship,
    MentorshipRequest,
    Objective,
)
from app.models.profiles import MENTOR
from tests.factories import (
    SECRETS,
    add_check_in,
    add_mentorship,
    add_request,
    close,
    give,
    plant_pair_secrets,
)
from tests.support import FormClient, statements_for
from tests.support import unescaped_html as text_of

R = MentorshipRequest
PATH = "/committee/feedback"
HTMX = {"HX-Request": "true"}

pytestmark = pytest.mark.usefixtures("fixed_time")  # today is 30 November 2026

MENTOR_COMMENT = "Mentor comment: a fine pairing, quokka-3141"
MENTEE_COMMENT = "Mentee comment: we never found the time, tapir-2718"
END_NOTE = "End note for the committee: new job, axolotl-1618"


@pytest.fixture
def closed(people):
    """Four closed mentorships and an active one (today is 2026-11-30):

    s1 Ada + Mo One, completed 2026-07-10 (request sent 2026-01-02, started 2026-02-05):
       Ada: recommends, MENTOR_COMMENT, career 4, networking 5; Mo One: recommends, career 3,
       networking 4.
    s2 Bea + Mo Two, ended early 2026-04-15 (schedule, END_NOTE; request 2026-02-20):
       Mo Two: doesn't recommend, MENTEE_COMMENT, career 2.
    s3 Cy + Mo Three, completed 2026-10-01 (no request, started 2026-01-20): no feedback.
    s4 Ada + Mo Four, ended early 2026-09-20 (not a fit, no note; request 2026-03-10):
       Ada: recommends, no comment, no score.
    s5 Bea + Mo Five, active (feedback in it would not count).
    """
    ada, bea, cy = (people(f"{n} Mentor", MENTOR, mentor_capacity=3) for n in ("Ada", "Bea", "Cy"))
    mo = [people(f"Mo {n}") for n in ("One", "Two", "Three", "Four", "Five")]
    r1 = add_request(mo[0], ada, R.ACCEPTED, datetime(2026, 1, 2, 15), datetime(2026, 2, 5, 15))
    r2 = add_request(mo[1], bea, R.ACCEPTED, datetime(2026, 2, 20, 15), datetime(2026, 3, 1, 15))
    r4 = add_request(mo[3], ada, R.ACCEPTED, datetime(2026, 3, 10, 15), datetime(2026, 3, 20, 15))
    s1 = add_mentorship(ada, mo[0], date(2026, 2, 5), request=r1)
    s2 = add_mentorship(bea, mo[1], date(2026, 3, 1), request=r2)
    s3 = add_mentorship(cy, mo[2], date(2026, 1, 20))
    s4 = add_mentorship(ada, mo[3], date(2026, 3, 20), request=r4)
    s5 = add_mentorship(bea, mo[4], date(2026, 9, 1))
    close(s1, Mentorship.COMPLETED, date(2026, 7, 10))
    close(s2, Mentorship.ENDED_EARLY, date(2026, 4, 15), "schedule", END_NOTE)
    close(s3, Mentorship.COMPLETED, date(2026, 10, 1))
    close(s4, Mentorship.ENDED_EARLY, date(2026, 9, 20), "not_a_fit")
    give(s1, ada, True, MENTOR_COMMENT, career=4, networking=5)
    give(s1, mo[0], True, career=3, networking=4)
    give(s2, mo[1], False, MENTEE_COMMENT, career=2)
    give(s4, ada, True)
    give(s5, bea, False, "Not counted: still active", career=1)
    return {"mentorships": (s1, s2, s3, s4, s5), "mentors": (ada, bea, cy), "mentees": mo}


def listed(response) -> list[str]:
    """The pairs listed, in order ("Mentor and Mentee")."""
    return re.findall(
        r'class="feedback-entry-heading"><a href="[^"]+">([^<]+)</a>', text_of(response)
    )


def figure(page: str, figure_id: str) -> str:
    match = re.search(
        rf'id="{figure_id}">\s*<dt>[^<]*</dt>\s*<dd><span class="figure-value">'
        r"([^<]*)</span>",
        page,
    )
    assert match, figure_id
    return match.group(1).strip()


ALL = [
    "Cy Mentor and Mo Three",
    "Ada Mentor and Mo Four",
    "Ada Mentor and Mo One",
    "Bea Mentor and Mo Two",
]


# --- who may see it -------------------------------------------------------------------------


@pytest.mark.parametrize("visitor", ["anonymous", "member", "committee"])
def test_only_the_committee_sees_the_page(client, signed_in, committee, closed, visitor):
    if visitor == "anonymous":
        forms = FormClient(client)
    elif visitor == "member":
        # A participant of a closed mentorship, even: the page is the committee's.
        forms = FormClient(signed_in(name="Ordinary Member")[0])
    else:
        forms = committee[0]
    expected = 200 if visitor == "committee" else 404
    s1 = closed["mentorships"][0]
    for path, headers, shown in [
        (PATH, {}, MENTOR_COMMENT),
        (f"{PATH}?status=ended_early&written=y&start=2026-01-01&page=2", {}, END_NOTE),
        (PATH, HTMX, MENTOR_COMMENT),
        (f"/committee/mentorships/{s1.id}", {}, MENTOR_COMMENT),
    ]:
        response = forms.get(path, headers=headers)
        assert response.status_code == expected, (visitor, path)
        assert (shown in text_of(response)) == (visitor == "committee")


def test_the_committee_navigation_links_to_the_page(committee):
    forms, _ = committee
    page = text_of(forms.get(PATH))
    assert '<a href="/committee/feedback" aria-current="page">Closing feedback</a>' in page
    assert '<a href="/committee/feedback">Closing feedback</a>' in text_of(forms.get("/committee/"))


# --- the list and its figures ---------------------------------------------------------------


def test_the_figures_of_all_closed_mentorships(app, closed):
    s = feedback.summary(feedback.Filters())
    assert (s.closed, s.completed, s.ended_early) == (4, 2, 2)
    assert (s.feedback_received, s.feedback_possible) == (4, 8)
    assert s.would_recommend == 3 and s.recommend_rate == pytest.approx(0.75)
    assert [(o.name, o.average, o.scores) for o in s.objectives] == [
        ("Career development, exploration and advancement", 3.0, 3),
        ("Networking and professional connections", 4.5, 2),
    ]
    assert s.reasons == {
        "Our schedules or time": 1,
        "The goals were met early": 0,
        "Not a good fit": 1,
        "Personal reasons": 0,
        "Another reason": 0,
    }


def test_a_reason_missing_is_counted_apart(app, closed):
    close(closed["mentorships"][3], Mentorship.ENDED_EARLY, date(2026, 9, 20))
    s = feedback.summary(feedback.Filters(status=Mentorship.ENDED_EARLY))
    assert s.reasons["Not a good fit"] == 0
    assert s.reasons[feedback.NO_REASON] == 1
    assert "No reason recorded" not in feedback.summary(feedback.Filters(written_only=True)).reasons


def test_the_figures_with_no_closed_mentorship(app):
    s = feedback.summary(feedback.Filters())
    assert (s.closed, s.feedback_received, s.feedback_possible) == (0, 0, 0)
    assert s.recommend_rate is None and s.objectives == []


def test_the_page_lists_the_latest_closed_first_with_the_figures(committee, closed):
    forms, _ = committee
    response = forms.get(PATH)
    assert listed(response) == ALL
    page = text_of(response)
    assert "<h1>Closing feedback</h1>" in page
    assert "4 closed mentorships." in page
    assert figure(page, "figure-closed") == "4"
    assert "2 completed, 2 ended early" in page
    assert figure(page, "figure-received") == "4 of 8"
    assert figure(page, "figure-recommend") == "75%"
    assert "3 of 4 who gave feedback" in page
    averages = page.split('id="objective-averages"')[1].split("</table>")[0]
    assert re.findall(
        r"<th scope=\"row\">([^<]+)</th><td>([^<]+)</td><td>(\d+)</td>", averages
    ) == [
        ("Career development, exploration and advancement", "3.0", "3"),
        ("Networking and professional connections", "4.5", "2"),
    ]
    reasons = page.split('id="end-reasons"')[1].split("</table>")[0]
    assert '<th scope="row">Our schedules or time</th><td>1</td>' in reasons
    assert '<th scope="row">Not a good fit</th><td>1</td>' in reasons
    assert '<th scope="row">Personal reasons</th><td>0</td>' in reasons


def entry_html(page: str, mentorship) -> str:
    start = page.index(f'id="feedback-{mentorship.id}-heading"')
    end = page.find('class="card feedback-entry"', start)
    return page[start : end if end > 0 else None]


def test_each_entry_shows_what_the_pair_wrote(committee, closed):
    forms, _ = committee
    s1, s2, s3, s4, _ = closed["mentorships"]
    page = text_of(forms.get(PATH))
    one = entry_html(page, s1)
    assert f'href="/committee/mentorships/{s1.id}"' in one
    assert "Completed</span> Started 2026-02-05, closed 2026-07-10." in one
    assert "Reason for ending early" not in one
    assert "The mentor, Ada Mentor" in one and "The mentee, Mo One" in one
    assert one.count("<dt>Would recommend the program</dt><dd>Yes</dd>") == 2
    assert MENTOR_COMMENT in one
    assert (
        '<th scope="row">Career development, exploration and advancement</th>'
        '<td class="nowrap">4 of 5: Mostly</td>'
    ) in one
    assert "5 of 5: Fully met" in one and "3 of 5: Partly" in one
    two = entry_html(page, s2)
    assert "Ended early</span> Started 2026-03-01, closed 2026-04-15." in two
    assert "<dt>Reason for ending early</dt><dd>Our schedules or time</dd>" in two
    assert END_NOTE in two and MENTEE_COMMENT in two
    assert "<dt>Would recommend the program</dt><dd>No</dd>" in two
    assert "2 of 5: A little" in two
    assert two.count("No feedback yet.") == 1  # Bea gave none
    assert entry_html(page, s3).count("No feedback yet.") == 2
    four = entry_html(page, s4)
    assert "<dt>Reason for ending early</dt><dd>Not a good fit</dd>" in four
    assert "<dt>Note to the committee</dt><dd>None</dd>" in four
    assert "No objective scored" in four
    # The active mentorship's feedback is not shown.
    assert "Not counted: still active" not in page
    assert "Mo Five" not in page


def test_the_admin_view_of_a_mentorship_shows_its_feedback(committee, closed):
    forms, _ = committee
    s1, s2, _, _, s5 = closed["mentorships"]
    page = text_of(forms.get(f"/committee/mentorships/{s2.id}"))
    assert '<h2 id="closing-feedback-heading">Closing feedback</h2>' in page
    assert END_NOTE in page and MENTEE_COMMENT in page and "Our schedules or time" in page
    assert '<a href="/committee/feedback">All closing feedback</a>' in page
    assert MENTOR_COMMENT in text_of(forms.get(f"/committee/mentorships/{s1.id}"))
    active = text_of(forms.get(f"/committee/mentorships/{s5.id}"))
    assert "closing-feedback-heading" not in active
    assert "Not counted: still active" not in active
    assert feedback.mentorship_feedback(999999) is None


# --- filters --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected", "figures"),
    [
        ("status=completed", [ALL[0], ALL[2]], ("2", "2 of 4", "100%")),
        ("status=ended_early", [ALL[1], ALL[3]], ("2", "2 of 4", "50%")),
        ("written=y", [ALL[2], ALL[3]], ("2", "3 of 4", "67%")),
        ("start=2026-07-01&end=2026-09-30", [ALL[1], ALL[2]], ("2", "3 of 4", "100%")),
        ("start=2026-07-10&end=2026-07-10", [ALL[2]], ("1", "2 of 2", "100%")),
        ("end=2026-07-10", [ALL[2], ALL[3]], ("2", "3 of 4", "67%")),
        ("status=completed&written=y", [ALL[2]], ("1", "2 of 2", "100%")),
        ("status=ended_early&start=2026-10-01", [], ("0", "0 of 0", "—")),
    ],
)
def test_filters(committee, closed, query, expected, figures):
    forms, _ = committee
    response = forms.get(f"{PATH}?{query}")
    assert listed(response) == expected
    page = text_of(response)
    assert (figure(page, "figure-closed"), figure(page, "figure-received")) == figures[:2]
    assert figure(page, "figure-recommend") == figures[2]
    assert re.search(r"match(es)? the filters\.", page)
    assert '<a href="/committee/feedback">Show every closed mentorship</a>' in page
    assert "can't be used" not in page and "before the" not in page


def test_the_filtered_averages(app, closed):
    s = feedback.summary(feedback.Filters(status=Mentorship.COMPLETED))
    assert [(o.average, o.scores) for o in s.objectives] == [(3.5, 2), (4.5, 2)]
    s = feedback.summary(feedback.Filters(closed=Period(date(2026, 4, 1), date(2026, 4, 30))))
    assert [(o.average, o.scores) for o in s.objectives] == [(2.0, 1)]
    assert s.reasons["Our schedules or time"] == 1 and s.reasons["Not a good fit"] == 0


def test_the_form_keeps_the_filters(committee, closed):
    forms, _ = committee
    page = text_of(forms.get(f"{PATH}?status=ended_early&written=y&start=2026-01-01"))
    assert '<option selected value="ended_early">Ended early</option>' in page
    assert re.search(r'<input checked[^>]*id="written"', page)
    assert 'value="2026-01-01"' in page


@pytest.mark.parametrize(
    "query",
    ["start=yesterday", "end=2026-13-01", "start=2026-02-30&end=2026-09-30", "start=%00"],
)
def test_unusable_dates_say_so_and_show_the_list_unfiltered(committee, closed, query):
    forms, _ = committee
    response = forms.get(f"{PATH}?{query}")
    assert response.status_code == 200
    page = text_of(response)
    assert "Those dates can't be used: enter them as YYYY-MM-DD." in page
    assert "Enter the date as year-month-day" in page  # at the field
    assert listed(response) == ALL
    assert figure(page, "figure-closed") == "4"


def test_an_end_before_the_start_is_explained(committee, closed):
    forms, _ = committee
    response = forms.get(f"{PATH}?start=2026-09-30&end=2026-07-01")
    page = text_of(response)
    assert "The “Closed until” date is before the “Closed from” date." in page
    assert "The end date is before the start date." in page  # at the field
    assert listed(response) == ALL


@pytest.mark.parametrize(
    "query", ["status=nonsense", "written=", "intake=abc", "intake=999999", "page=abc", "page=-3"]
)
def test_other_odd_values_are_ignored(committee, closed, query):
    forms, _ = committee
    response = forms.get(f"{PATH}?{query}")
    assert response.status_code == 200
    assert listed(response) == ALL


def test_an_intake_picks_the_pairs_whose_request_was_sent_in_it(committee, closed, people):
    forms, _ = committee
    later = add_mentorship(closed["mentors"][2], people("Mo Later"), date(2026, 2, 1))
    close(later, Mentorship.COMPLETED, date(2026, 8, 5))  # no request, started after it
    assert 'id="intake"' not in text_of(forms.get(PATH))  # no intake yet: no filter
    db.session.add(
        Intake(name="Winter 2026", opens_on=date(2026, 1, 1), closes_on=date(2026, 1, 31))
    )
    db.session.commit()
    intake = db.session.scalar(select(Intake))
    page = text_of(forms.get(PATH))
    assert '<label for="intake">Intake</label>' in page
    assert "Winter 2026 (2026-01-01 to 2026-01-31)" in page
    # s1's request was sent in January (it started in February); s3 has no request and
    # started in January; s2 and s4 were asked for later, and `later` started later.
    assert len(listed(forms.get(PATH))) == 5
    response = forms.get(f"{PATH}?intake={intake.id}")
    assert listed(response) == [ALL[0], ALL[2]]
    assert figure(text_of(response), "figure-closed") == "2"
    response = forms.get(f"{PATH}?intake={intake.id}&status=completed&start=2026-08-01")
    assert listed(response) == [ALL[0]]


# --- pages and HTMX -------------------------------------------------------------------------


def more_closed(people, n: int, offset: int = 0) -> None:
    """`n` more completed mentorships, each with both sides' feedback and two scores."""
    mentor = people(f"Many Mentor {offset}", MENTOR, mentor_capacity=n)
    for i in range(n):
        mentee = people(f"Many Mentee {offset + i:02d}")
        mentorship = add_mentorship(mentor, mentee, date(2025, 1, 1))
        close(mentorship, Mentorship.COMPLETED, date(2025, 7, 1) + timedelta(days=i))
        give(mentorship, mentor, True, f"Comment {i}", career=4, job_search=3)
        give(mentorship, mentee, i % 2 == 0, career=5, job_search=2)
        add_check_in(mentorship, date(2025, 3, 1), ("career",))


def test_twenty_a_page_and_a_page_past_the_end_shows_the_last(committee, closed, people):
    forms, _ = committee
    more_closed(people, 21)  # 25 in all
    first = forms.get(PATH)
    assert len(listed(first)) == 20 and listed(first)[:4] == ALL
    page = text_of(first)
    assert "25 closed mentorships, page 1 of 2." in page
    assert figure(page, "figure-closed") == "25"  # the figures count every page
    assert '<ol class="feedback-list" start="1">' in page
    assert (
        '<a href="/committee/feedback?page=2" rel="next" hx-get="/committee/feedback?page=2" '
        'hx-target="#feedback-results" hx-push-url="true" '
        """hx-headers='{"X-Focus-Results": "true"}'>Next page</a>"""
    ) in page
    second = forms.get(f"{PATH}?page=2")
    assert len(listed(second)) == 5
    assert listed(second)[-1] == "Many Mentor 0 and Many Mentee 00"  # the earliest closed
    page = text_of(second)
    assert '<ol class="feedback-list" start="21">' in page
    assert 'href="/committee/feedback" rel="prev"' in page and 'rel="next"' not in page
    for number in ("3", "99999999999999999999"):
        assert listed(forms.get(f"{PATH}?page={number}")) == listed(second)


def test_page_links_keep_the_filters(committee, closed, people):
    forms, _ = committee
    more_closed(people, 21)
    page = text_of(forms.get(f"{PATH}?status=completed&written=y&start=2025-01-01&page=1"))
    # The 21 added and s1 (s3 has no comment).
    assert "22 closed mentorships match the filters, page 1 of 2." in page
    assert (
        'href="/committee/feedback?status=completed&written=y&start=2025-01-01&page=2" rel="next"'
        in page
    )


def test_an_htmx_request_gets_the_results_and_the_count(committee, closed, people):
    forms, _ = committee
    more_closed(people, 21)
    response = forms.get(f"{PATH}?status=completed", headers=HTMX)
    page = text_of(response)
    assert "<html" not in page and "<h1>" not in page
    assert (
        '<span hx-swap-oob="innerHTML:#feedback-count">23 closed mentorships match the filters, '
        "page 1 of 2.</span>"
    ) in page
    assert figure(page, "figure-closed") == "23"
    assert "data-focus-after-swap" not in page  # a filter changed: focus stays where it is
    paged = text_of(forms.get(f"{PATH}?page=2", headers={**HTMX, "X-Focus-Results": "true"}))
    assert (
        '<ol class="feedback-list" start="21" tabindex="-1" data-focus-after-swap '
        'aria-label="Closed mentorships, page 2 of 2">'
    ) in paged
    # A history restore gets the whole page.
    restored = forms.get(PATH, headers={**HTMX, "HX-History-Restore-Request": "true"})
    assert "<html" in text_of(restored) and "hx-swap-oob" not in text_of(restored)
    assert response.headers["Vary"] == "HX-Request" or "HX-Request" in response.headers["Vary"]


def test_the_page_works_without_javascript(committee):
    forms, _ = committee
    page = text_of(forms.get(PATH))
    form = page.split('<form method="get" action="/committee/feedback"')[1].split("</form>")[0]
    assert 'name="csrf_token"' not in form  # GET: nothing changes
    assert '<button type="submit" class="button">Show</button>' in form
    assert 'id="feedback-count" class="result-count" role="status" aria-live="polite"' in page
    assert "No closed mentorship yet" in page


# --- confidentiality ------------------------------------------------------------------------
# SECRETS (the dashboard tests'): a unique string for each text the committee must never see.


def test_only_what_was_written_for_the_committee_is_shown(committee, closed, people):
    forms, _ = committee
    s1, s2, *_ = closed["mentorships"]
    bea = closed["mentors"][1]
    mo_one = closed["mentees"][0]
    for mentorship in (s1, s2):
        plant_pair_secrets(mentorship, date(2026, 3, 15))
    s1.request.message = SECRETS["message"]
    add_request(
        mo_one,
        bea,
        R.DECLINED,
        datetime(2026, 1, 1, 15),
        datetime(2026, 1, 2, 15),
        message=SECRETS["message"],
        decline_note=SECRETS["decline"],
    )
    db.session.commit()
    pages = [
        forms.get(PATH),
        forms.get(f"{PATH}?written=y&status=ended_early"),
        forms.get(f"{PATH}?written=y", headers=HTMX),
        forms.get(f"{PATH}?page=1", headers={**HTMX, "X-Focus-Results": "true"}),
        forms.get(f"/committee/mentorships/{s1.id}"),
        forms.get(f"/committee/mentorships/{s2.id}"),
    ]
    for response in pages:
        assert response.status_code == 200
        page = text_of(response)
        for secret in SECRETS.values():
            assert secret not in page, (response.request.url, secret)
    # What was written for the committee is there.
    for index in (0, 2, 3):
        page = text_of(pages[index])
        assert MENTOR_COMMENT in page and MENTEE_COMMENT in page and END_NOTE in page
    assert END_NOTE in text_of(pages[1]) and MENTEE_COMMENT in text_of(pages[1])
    assert MENTOR_COMMENT in text_of(pages[4])
    assert END_NOTE in text_of(pages[5])


def test_texts_are_escaped(committee, closed):
    forms, _ = committee
    s4 = closed["mentorships"][3]
    close(s4, Mentorship.ENDED_EARLY, date(2026, 9, 20), "other", "<script>alert(1)</script>")
    page = forms.get(PATH).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- SQL statements per request -------------------------------------------------------------


STATEMENT_PATHS = [
    (PATH, None),
    (f"{PATH}?status=completed&written=y&start=2025-01-01&end=2026-12-31", None),
    (f"{PATH}?page=2", HTMX),
]


def test_statements_per_request_do_not_grow_with_the_data(app, committee, closed, people):
    forms, _ = committee
    db.session.add(
        Intake(name="Winter 2026", opens_on=date(2026, 1, 1), closes_on=date(2026, 1, 31))
    )
    db.session.commit()
    paths = [*STATEMENT_PATHS, (f"{PATH}?intake={db.session.scalar(select(Intake)).id}", None)]
    for path, headers in paths:
        forms.get(path, headers=headers)  # warm-up (settings row, etc.)
    small = [statements_for(app, forms, path, headers) for path, headers in paths]
    more_closed(people, 45)  # three pages, each entry with two sides' feedback and scores
    large = [statements_for(app, forms, path, headers) for path, headers in paths]
    assert small == large
    assert max(large) <= 10  # 9 today: the user, the settings, the intakes, 3 + 3 (see queries.py)


# --- in French ------------------------------------------------------------------------------

NBSP = "\u00a0"


def test_the_feedback_page_in_french(french_committee, closed):
    s1, s2, s3, s4, _ = closed["mentorships"]
    response = french_committee.get(PATH)
    assert listed(response) == [name.replace(" and ", " et ") for name in ALL]
    page = text_of(response)
    assert '<html lang="fr-CA">' in page
    assert "<h1>Rétroaction de fin de mentorat</h1>" in page
    assert "4 mentorats terminés." in page
    assert "2 terminés, 2 terminés avant terme" in page
    assert figure(page, "figure-received") == "4 sur 8"
    assert figure(page, "figure-recommend") == f"75{NBSP}%"
    averages = page.split('id="objective-averages"')[1].split("</table>")[0]
    assert "<td>4,5</td><td>2</td>" in averages
    names = db.session.scalars(select(Objective.name_fr).order_by(Objective.position)).all()
    assert any(f'<th scope="row">{name}</th>' in averages for name in names)
    one = entry_html(page, s1)
    assert "Le ou la mentor, Ada Mentor" in one and "Le ou la mentoré(e), Mo One" in one
    assert "Commencé le 2026-02-05, terminé le 2026-07-10." in one
    assert one.count("<dt>Recommanderait le programme</dt><dd>Oui</dd>") == 2
    assert re.search(rf'<td class="nowrap">4 sur 5{NBSP}: [^<]+</td>', one)
    assert "<dt>Note au comité</dt><dd>Aucune</dd>" in entry_html(page, s4)
    assert entry_html(page, s3).count("Pas encore de rétroaction.") == 2
    assert "Would recommend" not in page and "No feedback yet" not in page


@pytest.mark.parametrize(
    "query, message",
    [
        ("start=2026-02-30", "Ces dates ne peuvent pas être utilisées"),
        ("start=2026-09-01&end=2026-01-01", "La date «\u00a0Terminés jusqu’au\u00a0» précède"),
    ],
)
def test_a_bad_filter_is_explained_in_french(french_committee, closed, query, message):
    page = text_of(french_committee.get(f"{PATH}?{query}"))
    assert f'<p class="flash flash-error">{message}' in page
    assert listed_count(page) == 4  # not filtered by date


def listed_count(page: str) -> int:
    return page.count('class="feedback-entry-heading"')


def test_no_match_in_french(french_committee, closed):
    page = text_of(french_committee.get(f"{PATH}?status=completed&start=2026-11-01"))
    assert "0 mentorat terminé correspond aux filtres." in page
    assert (
        'Aucun mentorat terminé ne correspond à ces filtres. <a href="/committee/feedback">'
        "Afficher tous les mentorats terminés</a>."
    ) in page
