"""The accessibility statement: public, linked from every page's footer, and made of the facts
the test suite keeps (journeys walked, tools, date, known issues), never of free text that could
drift from them."""

import re

import pytest

from app.extensions import db
from app.main import accessibility
from app.program import get_settings


def test_the_statement_is_public_and_follows_the_pattern(client):
    response = client.get("/accessibility")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<h1>Accessibility statement for Mentor Match</h1>" in page
    for heading in (
        "Using this website",
        "How accessible this website is",
        "Known issues",
        "Reporting accessibility problems",
        "Enforcement procedure",
        "How we tested this website",
        "Preparation of this accessibility statement",
    ):
        assert re.search(rf"<h[23][^>]*>{heading}</h[23]>", page), heading
    assert "WCAG 2.2" in page and "level AA" in page
    assert "Accessibility Directorate of Ontario" in page


def test_the_statement_names_each_journey_tool_issue_and_the_date(client):
    page = client.get("/accessibility").get_data(as_text=True)
    journeys = re.search(r'<ol class="tested-journeys">(.*?)</ol>', page, re.S).group(1)
    titles = re.findall(r"<li><strong>(.*?)</strong>", journeys)
    assert titles == [journey.title for journey in accessibility.JOURNEYS], (
        "the page lists the journeys the keyboard tests walk, and only those"
    )
    tools = re.findall(
        r"<li>(.*?)</li>", re.search(r'class="tested-with">(.*?)</ul>', page, re.S)[1]
    )
    assert tools == [f"{tool} {version}" for tool, version in accessibility.TESTED_WITH]
    for issue in accessibility.KNOWN_ISSUES:
        assert f"<strong>{issue.criterion}:</strong>" in page
    tested = accessibility.TESTED_ON
    assert f"Last tested on {tested.day} {tested:%B %Y}," in page


def test_every_known_issue_is_tied_to_a_criterion_and_a_plan():
    for issue in accessibility.KNOWN_ISSUES:
        assert re.fullmatch(r"\d\.\d+\.\d+ [A-Z][\w ,()-]+", issue.criterion), issue
        assert "We will" in issue.plan, issue


def test_the_support_contact_setting_is_the_reporting_address(app, client):
    get_settings().support_contact_email = "access@library.example"
    db.session.commit()
    page = client.get("/accessibility").get_data(as_text=True)
    report = page.split('id="report"')[1].split("<h2")[0]
    assert 'href="mailto:access@library.example"' in report


@pytest.mark.parametrize("path", ["/", "/privacy", "/auth/login", "/auth/register", "/nowhere"])
def test_every_page_links_to_the_statement_from_its_footer(client, path):
    page = client.get(path).get_data(as_text=True)
    footer = page.split('<footer class="site-footer">')[1]
    assert '<a href="/accessibility">Accessibility statement</a>' in footer


def test_signed_in_pages_link_to_it_too(client, make_member):
    from tests.support import sign_in

    sign_in(client, make_member().email)
    page = client.get("/profile").get_data(as_text=True)
    assert '<a href="/accessibility">Accessibility statement</a>' in page.split("<footer")[1]
