"""The committee's dashboard in Chromium: the period filter with HTMX (the URL follows, the
figures change, the change is announced), the charts with their data tables, the admin views
and the re-send button. axe runs on every page and after every swap (see conftest.py)."""

import re
from datetime import timedelta

from playwright.sync_api import expect

from app import clock
from app.models import Mentorship, MentorshipRequest
from app.models.profiles import MENTEE, MENTOR
from tests.browser.conftest import sign_in
from tests.factories import add_check_in, add_mentorship, add_request, agree, profile_fields

R = MentorshipRequest


def test_the_committee_filters_the_dashboard_and_reads_the_charts(site, page, make_member):
    now, today = clock.utcnow(), clock.today()
    make_member(email="chair@example.org", name="Chair Person", committee=True)
    people = {}
    for name, role in [("Ada Mentor", MENTOR), ("Mo Mentee", MENTEE), ("Lu Mentee", MENTEE)]:
        user = make_member(name=name, profile={"display_name": name, **profile_fields(role)})
        agree(user, role)
        people[name] = user
    ada, mo, lu = people["Ada Mentor"], people["Mo Mentee"], people["Lu Mentee"]
    accepted = add_request(
        mo, ada, R.ACCEPTED, now - timedelta(days=200), now - timedelta(days=199)
    )
    mentorship = add_mentorship(ada, mo, today - timedelta(days=199), request=accepted)
    add_check_in(mentorship, today - timedelta(days=60), ("career",))
    waiting = add_request(lu, ada, R.PENDING, now - timedelta(days=10))
    assert mentorship.status == Mentorship.ACTIVE

    sign_in(site, page, "chair@example.org")
    with site.navigates():
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Committee").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Committee dashboard")
    sent = page.locator("#figure-requests-sent .figure-value")
    expect(sent).to_have_text("2")

    # Five charts, each a picture with a name and a table of its data.
    charts = page.locator("svg[role=img]")
    expect(charts).to_have_count(5)
    expect(page.get_by_role("img", name="Mentees by region")).to_be_visible()
    page.get_by_text("Show the data: Objectives touched in check-ins, all time").click()
    table = page.get_by_role("table", name="Objectives touched in check-ins, all time")
    expect(table).to_be_visible()
    expect(table.get_by_role("row", name="Career development, exploration and advancement 1"))
    site.check()

    # The period: the figures change in place, the URL follows, the change is announced.
    start = (today - timedelta(days=30)).isoformat()
    page.get_by_label("From", exact=True).fill(start)
    page.get_by_label("To", exact=True).fill(today.isoformat())
    with site.swaps():
        page.get_by_role("button", name="Show figures").click()
    # (With intakes, the form also sends an empty intake=.)
    expect(page).to_have_url(re.compile(rf"/committee/\?(intake=&)?start={start}&end={today}$"))
    expect(sent).to_have_text("1")
    expect(page.locator("#dashboard-status")).to_contain_text("Dashboard updated")
    expect(page.get_by_role("heading", name=f"In the period: {start} to {today.isoformat()}"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Committee dashboard")

    # The attention lists lead to the admin views.
    with site.navigates():
        page.get_by_role("link", name=f"Request {waiting.id}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Request {waiting.id}")
    with site.navigates():
        page.get_by_role("button", name="Re-send the e-mail to the mentor").click()
    expect(page.get_by_role("status").first).to_contain_text("sent again to Ada Mentor")
    expect(page.get_by_role("cell", name="Request e-mail sent to the mentor again")).to_be_visible()

    site.goto("/committee/")
    with site.navigates():
        page.get_by_role("link", name=f"Mentorship {mentorship.id}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Mentorship {mentorship.id}")
    expect(page.get_by_role("heading", name="Check-ins (1)")).to_be_visible()


def test_the_committee_pages_through_a_whole_attention_list(site, page, make_member, monkeypatch):
    from app.committee.dashboard import attention

    monkeypatch.setattr(attention, "DASHBOARD_ROWS", 1)
    monkeypatch.setattr(attention, "PAGE_ROWS", 1)
    now = clock.utcnow()
    make_member(email="chair@example.org", name="Chair Person", committee=True)
    ada = make_member(name="Ada Mentor", profile={"display_name": "Ada", **profile_fields(MENTOR)})
    agree(ada, MENTOR)
    for days, name in [(12, "Mo Mentee"), (10, "Lu Mentee")]:
        mentee = make_member(name=name, profile={"display_name": name, **profile_fields(MENTEE)})
        agree(mentee, MENTEE)
        add_request(mentee, ada, R.PENDING, now - timedelta(days=days))

    sign_in(site, page, "chair@example.org")
    site.goto("/committee/")
    with site.navigates():
        page.get_by_role("link", name="See all 2: requests waiting more than 7 days").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Requests waiting more than 7 days")
    count = page.locator("#attention-count")
    expect(count).to_have_text("2 in all; page 1 of 2.")
    expect(page.get_by_role("link", name="Mo Mentee")).to_be_visible()

    # The next page comes in place; the URL follows and focus moves to the new rows.
    with site.swaps():
        page.get_by_role("link", name="Next page").click()
    expect(page).to_have_url(re.compile(r"/committee/attention/waiting-requests\?page=2$"))
    expect(count).to_have_text("2 in all; page 2 of 2.")
    expect(page.get_by_role("link", name="Lu Mentee")).to_be_visible()
    expect(page.get_by_role("link", name="Mo Mentee")).to_have_count(0)
    expect(page.locator("[data-focus-after-swap]")).to_be_focused()

    # Re-sending from the list comes back to the same page of it.
    with site.navigates():
        page.get_by_role("button", name="Re-send the e-mail to the mentor").click()
    expect(page).to_have_url(re.compile(r"/committee/attention/waiting-requests\?page=2$"))
    expect(page.get_by_role("status").first).to_contain_text("sent again to Ada Mentor")


def test_the_dashboard_in_french_with_its_charts_and_filter(site, page, make_member):
    from app.extensions import db

    now, today = clock.utcnow(), clock.today()
    chair = make_member(email="chair@example.org", name="Chair Person", committee=True)
    ada = make_member(name="Ada Mentor", profile={"display_name": "Ada", **profile_fields(MENTOR)})
    mo = make_member(name="Mo Mentee", profile={"display_name": "Mo", **profile_fields(MENTEE)})
    agree(ada, MENTOR)
    agree(mo, MENTEE)
    accepted = add_request(mo, ada, R.ACCEPTED, now - timedelta(days=40), now - timedelta(days=39))
    add_mentorship(ada, mo, today - timedelta(days=39), request=accepted)
    chair.locale = "fr"
    db.session.commit()

    sign_in(site, page, "chair@example.org")
    site.goto("/committee/")  # checked by axe in French
    expect(page.locator("html")).to_have_attribute("lang", "fr-CA")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord du comité")
    expect(page.get_by_role("img", name="Mentoré(e)s par région")).to_be_visible()
    page.get_by_text("Afficher les données\u00a0: Nouveaux mentorats par mois").click()
    table = page.get_by_role("table", name="Nouveaux mentorats par mois, 12 derniers mois")
    expect(table.get_by_role("columnheader", name="Mois")).to_be_visible()
    site.check()

    start = (today - timedelta(days=30)).isoformat()
    page.get_by_label("De", exact=True).fill(start)
    with site.swaps():
        page.get_by_role("button", name="Afficher les chiffres").click()
    expect(page.locator("#dashboard-status")).to_contain_text("Tableau de bord mis à jour")
    expect(page.get_by_role("heading", name=f"Pour la période choisie\u00a0: à partir du {start}"))
