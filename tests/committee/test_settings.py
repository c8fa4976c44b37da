"""The committee's program settings: status and notice, limits, contacts, the Markdown texts,
intakes and `requests_blocked_reason`; and the audit log page."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.committee.audit import trail as audit
from app.committee.audit.log import EVENTS_PER_PAGE
from app.committee.settings import services as program_settings
from app.committee.settings import texts as program_texts
from app.extensions import db
from app.models import Intake, ProgramSettings
from app.program import requests_blocked_reason
from tests.factories import NOW, TODAY
from tests.support import FormClient, sign_in, statements_for
from tests.support import audit_events as events
from tests.support import unescaped_html as text_of

pytestmark = pytest.mark.usefixtures("fixed_time")  # today is 30 November 2026

# Every GET page of this area, and every POST with a plausible body.
PAGES = ["/committee/settings", "/committee/settings/texts", "/committee/intakes"]
PAGES += ["/committee/exports", "/committee/audit"]
POSTS = [
    ("/committee/settings/status", {"status": "paused", "notice": "Back in spring"}),
    ("/committee/settings/limits", {"max_pending_requests_per_mentee": "5"}),
    ("/committee/settings/contacts", {"program_contact_email": "a@example.org"}),
    ("/committee/settings/time-zone", {"time_zone": "America/Winnipeg"}),
    ("/committee/settings/texts", {"program_description": "Hello"}),
    ("/committee/intakes", {"name": "Fall", "opens_on": "2027-01-01", "closes_on": "2027-01-20"}),
    ("/committee/intakes/delete", {"intake_id": "1"}),
    ("/committee/exports/members.csv", {}),
    ("/committee/exports/requests.csv", {}),
    ("/committee/exports/mentorships.csv", {}),
]


def settings_row() -> ProgramSettings:
    db.session.expire_all()
    return db.session.scalar(select(ProgramSettings))


def limits(**values) -> dict:
    data = {
        "max_pending_requests_per_mentee": "3",
        "max_active_mentorships_per_mentee": "1",
        "request_expiry_days": "14",
    }
    if any(limit.name == "checkin_reminder_days" for limit in program_settings.LIMITS):
        data["checkin_reminder_days"] = "30"
    data.update({name: str(value) for name, value in values.items()})
    return data


def add_intake(name, opens_on, closes_on) -> Intake:
    intake = Intake(name=name, opens_on=opens_on, closes_on=closes_on)
    db.session.add(intake)
    db.session.commit()
    return intake


# --- who may use these pages ------------------------------------------------------------------


@pytest.mark.parametrize("visitor", ["anonymous", "member"])
def test_every_settings_route_is_404_to_outsiders(client, signed_in, visitor):
    add_intake("Fall", date(2026, 9, 1), date(2026, 9, 21))
    forms = FormClient(client if visitor == "anonymous" else signed_in()[0])
    for path in PAGES:
        assert forms.get(path).status_code == 404, path
    for path, data in POSTS:
        assert forms.post(path, data).status_code == 404, path
        assert forms.client.post(path, data=data).status_code == 404, path
    assert events() == []
    assert db.session.scalar(select(Intake.name)) == "Fall"


def test_every_settings_page_answers_the_committee(committee):
    forms, _ = committee
    for path in PAGES:
        response = forms.get(path)
        assert response.status_code == 200, path
        assert 'aria-label="Program administration"' in text_of(response)


def test_a_committee_post_without_a_csrf_token_is_refused(committee):
    forms, _ = committee
    response = forms.client.post("/committee/settings/status", data={"status": "paused"})
    assert response.status_code == 400
    assert settings_row().status == "open"


# --- status -----------------------------------------------------------------------------------


def test_pausing_the_program_shows_its_notice_on_every_page(committee, client, signed_in):
    forms, chair = committee
    response = forms.post(
        "/committee/settings/status",
        {"status": "paused", "notice": "  We are matching the fall intake.  "},
    )
    assert response.status_code == 302
    page = text_of(forms.get(response.location))
    assert "The program status is saved: the program is paused." in page
    assert settings_row().status == "paused"
    assert settings_row().notice == "We are matching the fall intake."

    member_client, _ = signed_in()
    for visitor in (client, member_client):
        for path in ("/", "/privacy", "/auth/login" if visitor is client else "/profile"):
            page = text_of(visitor.get(path))
            assert "The online program is paused." in page, path
            assert "We are matching the fall intake." in page, path
    assert requests_blocked_reason(TODAY) == "We are matching the fall intake."

    (event,) = events(audit.SETTINGS_STATUS_CHANGED)
    assert event.actor_id == chair.id
    assert event.detail["fields"] == ["notice", "status"]
    assert event.detail["changes"] == {"status": ["open", "paused"]}  # no notice text
    assert "matching" not in str(event.detail)


def test_mentorship_pages_keep_working_while_paused(committee, signed_in, app):
    forms, _ = committee
    forms.post("/committee/settings/status", {"status": "paused"})
    if "mentorships.index" not in app.view_functions:
        pytest.skip("no /mentorships yet")
    member_client, _ = signed_in()
    response = member_client.get("/mentorships")
    assert response.status_code == 200
    assert "The online program is paused." in text_of(response)


def test_a_bad_status_keeps_what_was_typed_and_saves_nothing(committee):
    forms, _ = committee
    response = forms.post(
        "/committee/settings/status", {"status": "sideways", "notice": "Typed notice"}
    )
    assert response.status_code == 422
    assert "Typed notice" in text_of(response)
    assert settings_row().status == "open"
    response = forms.post("/committee/settings/status", {"status": "closed", "notice": "x" * 501})
    assert response.status_code == 422
    assert "500" in text_of(response)
    assert settings_row().status == "open"
    assert events() == []


def test_saving_the_same_status_changes_nothing(committee):
    forms, _ = committee
    response = forms.post("/committee/settings/status", {"status": "open"})
    assert "Nothing changed" in text_of(forms.get(response.location))
    assert events() == []


# --- limits -----------------------------------------------------------------------------------


def test_limits_are_saved_and_audited_with_old_and_new_values(committee):
    forms, chair = committee
    response = forms.post("/committee/settings/limits", limits(max_pending_requests_per_mentee=5))
    assert response.status_code == 302
    assert "The limits are saved." in text_of(forms.get(response.location))
    assert settings_row().max_pending_requests_per_mentee == 5
    (event,) = events(audit.SETTINGS_LIMITS_CHANGED)
    assert event.detail["changes"] == {"max_pending_requests_per_mentee": [3, 5]}
    page = text_of(forms.get("/committee/audit"))
    assert "max pending requests per mentee: 3 → 5" in page


@pytest.mark.parametrize(
    "name, value",
    [
        ("max_pending_requests_per_mentee", "-1"),
        ("max_pending_requests_per_mentee", "0"),
        ("max_active_mentorships_per_mentee", "1000"),
        ("request_expiry_days", "2.5"),
        ("request_expiry_days", "ten"),
        ("request_expiry_days", ""),
        ("request_expiry_days", "99999999999999999999"),
    ],
)
def test_bad_limits_are_refused_and_nothing_is_saved(committee, name, value):
    forms, _ = committee
    data = limits(max_pending_requests_per_mentee=7)  # a good change beside the bad one
    data[name] = value
    response = forms.post("/committee/settings/limits", data)
    assert response.status_code == 422
    page = text_of(response)
    assert "Enter a whole number from" in page
    assert f'value="{value}"' in page or value in ("", "2.5", "ten")
    assert settings_row().max_pending_requests_per_mentee == 3
    assert events() == []


def test_the_limits_service_checks_its_ranges(app, make_member):
    chair = make_member(committee=True)
    values = {limit.name: limit.minimum for limit in program_settings.LIMITS}
    values["request_expiry_days"] = 0
    with pytest.raises(program_settings.DomainError) as refused:
        program_settings.update_limits(chair, values)
    assert refused.value.field == "request_expiry_days"
    values["request_expiry_days"] = True
    with pytest.raises(program_settings.DomainError):
        program_settings.update_limits(chair, values)
    assert settings_row() is None  # refused before anything was read or written


# --- contacts ---------------------------------------------------------------------------------


def test_contact_addresses_are_validated_and_shown_in_the_footer(committee, client):
    forms, _ = committee
    response = forms.post(
        "/committee/settings/contacts",
        {"program_contact_email": "Mentoring@OLA.example.org", "support_contact_email": "nope"},
    )
    assert response.status_code == 422
    page = text_of(response)
    assert "“nope” is not an e-mail address" in page
    assert 'value="Mentoring@OLA.example.org"' in page  # kept as typed
    assert settings_row().program_contact_email is None  # nothing saved half-way
    assert events() == []

    response = forms.post(
        "/committee/settings/contacts",
        {
            "program_contact_email": "Mentoring@OLA.example.org",
            "support_contact_email": "help@ola.example.org",
        },
    )
    assert response.status_code == 302
    assert settings_row().program_contact_email == "mentoring@ola.example.org"
    footer = text_of(client.get("/"))
    assert "mailto:mentoring@ola.example.org" in footer
    assert "mailto:help@ola.example.org" in footer
    (event,) = events(audit.SETTINGS_CONTACTS_CHANGED)
    assert event.detail["changes"]["support_contact_email"] == [None, "help@ola.example.org"]


@pytest.mark.parametrize("bad", ["a@b", "two words@example.org", "x@example..org", "@example.org"])
def test_invalid_addresses_are_refused(committee, bad):
    forms, _ = committee
    response = forms.post("/committee/settings/contacts", {"program_contact_email": bad})
    assert response.status_code == 422
    assert "is not an e-mail address" in text_of(response)


# --- Markdown texts ---------------------------------------------------------------------------


def test_markdown_is_rendered_with_a_small_set_of_tags():
    html = str(
        program_texts.render_markdown(
            "# Welcome\n\nSome **bold** and *em*.\n\n- one\n- two\n\n> quoted\n\n"
            "[site](https://example.org) and <span class=x>span</span>"
        )
    )
    assert "<h2>Welcome</h2>" in html  # h1 becomes h2: the page has its own h1
    assert "<strong>bold</strong>" in html and "<em>em</em>" in html
    assert "<ul>" in html and "<li>one</li>" in html
    assert "<blockquote>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer">site</a>' in html
    assert "<span" not in html and "span" in html


@pytest.mark.parametrize(
    "source, forbidden",
    [
        ("Hi <script>alert(1)</script>", ["<script", "alert(1)"]),
        ('<img src=x onerror="alert(1)">', ["onerror", "<img"]),
        ("[click](javascript:alert(1))", ["javascript:", "href"]),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', ["javascript", "href"]),
        ('<a href="jav&#x61;script:alert(1)">x</a>', ["script:", "href"]),
        ('<iframe src="https://evil.example"></iframe>', ["<iframe"]),
        ("<style>body{display:none}</style>", ["<style", "display"]),
        ('<p onclick="x()">p</p>', ["onclick"]),
    ],
)
def test_markdown_is_sanitised(source, forbidden):
    html = str(program_texts.render_markdown(source)).lower()
    for text in forbidden:
        assert text.lower() not in html, (source, html)


def test_texts_with_script_are_refused_with_a_clear_message(committee):
    forms, _ = committee
    response = forms.post(
        "/committee/settings/texts",
        {
            "program_description": "A fine description.",
            "mentor_guidelines": "Be kind <script>steal()</script>",
            "mentee_guidelines": "",
            "save": "1",
        },
    )
    assert response.status_code == 422
    page = text_of(response)
    assert "The English version contains a <script> element" in page
    assert "A fine description." in page  # kept
    assert settings_row().program_description is None  # nothing saved half-way
    for bad in ('<img src=x onerror="x()">', "[a](javascript:x())"):
        response = forms.post("/committee/settings/texts", {"mentee_guidelines": bad, "save": "1"})
        assert response.status_code == 422
    assert events() == []


def test_texts_preview_then_save_and_show_on_the_home_page(committee, client):
    forms, _ = committee
    data = {
        "program_description": "## Our program\n\nSix months **or more**.",
        "mentor_guidelines": "- Listen\n- Advise",
        "mentee_guidelines": "Be on time.",
    }
    response = forms.post("/committee/settings/texts", {**data, "preview": "1"})
    assert response.status_code == 200
    page = text_of(response)
    assert "Preview: Program description, English" in page
    assert "<strong>or more</strong>" in page
    assert settings_row().program_description is None  # a preview saves nothing

    response = forms.post("/committee/settings/texts", {**data, "save": "1"})
    assert response.status_code == 302
    assert "The texts are saved." in text_of(forms.get(response.location))
    home = text_of(client.get("/"))
    assert "About the program" in home
    assert "<h2>Our program</h2>" in home and "<strong>or more</strong>" in home
    (event,) = events(audit.SETTINGS_TEXTS_CHANGED)
    assert event.detail["fields"] == [
        "mentee_guidelines",
        "mentor_guidelines",
        "program_description",
    ]
    assert "Six months" not in str(event.detail)  # never the texts themselves


def test_a_preview_warns_about_unsafe_markup(committee):
    forms, _ = committee
    response = forms.post(
        "/committee/settings/texts", {"program_description": "<script>x</script>ok", "preview": "1"}
    )
    assert "will be refused when you save" in text_of(response)
    raw = response.get_data(as_text=True)
    assert "&lt;script&gt;x&lt;/script&gt;ok</textarea>" in raw  # what was typed, escaped
    assert "<script>x" not in raw


def test_the_guideline_global_renders_the_saved_text(app, make_member):
    chair = make_member(committee=True)
    program_settings.update_texts(chair, {"mentor_guidelines": "**Listen** first"})
    html = str(program_texts.guideline_html("mentor_guidelines"))
    assert html == "<p><strong>Listen</strong> first</p>"
    with pytest.raises(ValueError):
        program_texts.guideline_html("bio")


# --- intakes ----------------------------------------------------------------------------------


def intake_form(name="Fall 2027", opens="2027-09-01", closes="2027-09-21", **more):
    return {"name": name, "opens_on": opens, "closes_on": closes, **more}


def test_the_committee_adds_edits_and_deletes_intakes(committee):
    forms, chair = committee
    response = forms.post("/committee/intakes", intake_form())
    assert response.status_code == 302
    assert "The intake “Fall 2027” is added." in text_of(forms.get(response.location))
    intake = db.session.scalar(select(Intake))
    intake_id = intake.id
    assert (intake.opens_on, intake.closes_on) == (date(2027, 9, 1), date(2027, 9, 21))

    page = text_of(forms.get(f"/committee/intakes?edit={intake.id}"))
    assert "Change the intake “Fall 2027”" in page
    response = forms.post(
        "/committee/intakes", intake_form(closes="2027-09-28", intake_id=str(intake.id))
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Intake, intake.id).closes_on == date(2027, 9, 28)

    response = forms.post("/committee/intakes/delete", {"intake_id": str(intake.id)})
    assert response.status_code == 302
    assert "is deleted" in text_of(forms.get(response.location))
    assert db.session.scalar(select(Intake)) is None

    added, changed, deleted = events()
    assert added.action == audit.INTAKE_ADDED and added.detail["name"] == "Fall 2027"
    assert changed.action == audit.INTAKE_CHANGED
    assert changed.detail["changes"] == {"closes_on": ["2027-09-21", "2027-09-28"]}
    assert deleted.action == audit.INTAKE_DELETED and deleted.target_id == intake_id
    assert {e.actor_id for e in (added, changed, deleted)} == {chair.id}


def test_an_intake_closing_before_it_opens_is_refused(committee):
    forms, _ = committee
    response = forms.post(
        "/committee/intakes", intake_form(opens="2027-09-21", closes="2027-09-01")
    )
    assert response.status_code == 422
    page = text_of(response)
    assert "can't close (2027-09-01) before it opens (2027-09-21)" in page
    assert 'value="Fall 2027"' in page  # kept
    assert db.session.scalar(select(Intake)) is None
    assert events() == []


@pytest.mark.parametrize(
    "opens, closes",
    [("2027-09-21", "2027-10-10"), ("2027-08-01", "2027-09-01"), ("2027-09-05", "2027-09-06")],
)
def test_overlapping_intakes_are_refused_naming_the_other(committee, opens, closes):
    forms, _ = committee
    add_intake("Fall 2027", date(2027, 9, 1), date(2027, 9, 21))
    response = forms.post("/committee/intakes", intake_form("Late fall", opens, closes))
    assert response.status_code == 422
    assert "overlap the intake “Fall 2027” (1 September 2027 to 21 September 2027)" in text_of(
        response
    )
    assert db.session.scalar(select(Intake.name).where(Intake.name == "Late fall")) is None


def test_an_intake_may_be_moved_without_overlapping_itself(committee):
    forms, _ = committee
    intake = add_intake("Fall 2027", date(2027, 9, 1), date(2027, 9, 21))
    add_intake("Winter 2028", date(2028, 1, 10), date(2028, 1, 31))
    response = forms.post(
        "/committee/intakes", intake_form(opens="2027-09-05", intake_id=str(intake.id))
    )
    assert response.status_code == 302
    response = forms.post(
        "/committee/intakes",
        intake_form(opens="2027-12-01", closes="2028-01-15", intake_id=str(intake.id)),
    )
    assert response.status_code == 422
    assert "“Winter 2028”" in text_of(response)


@pytest.mark.parametrize(
    "data, message",
    [
        (intake_form(name=" "), "Enter a name"),
        (
            intake_form(opens="01/09/2027"),
            "Enter the date as year-month-day, for example 2027-03-31.",
        ),
        (intake_form(closes=""), "Enter the date as year-month-day, for example 2027-03-31."),
        (intake_form(name="x" * 81), "Field cannot be longer than 80 characters"),
    ],
)
def test_bad_intake_fields_are_refused(committee, data, message):
    forms, _ = committee
    response = forms.post("/committee/intakes", data)
    assert response.status_code == 422
    assert message in text_of(response)
    assert db.session.scalar(select(Intake)) is None


def test_duplicate_intake_names_are_refused(committee):
    forms, _ = committee
    add_intake("Fall 2027", date(2027, 9, 1), date(2027, 9, 21))
    response = forms.post(
        "/committee/intakes", intake_form("fall 2027", "2028-09-01", "2028-09-21")
    )
    assert response.status_code == 422
    assert "There is already an intake named “fall 2027”" in text_of(response)


def test_unknown_intakes_are_404(committee):
    forms, _ = committee
    assert forms.get("/committee/intakes?edit=999").status_code == 404
    assert forms.get("/committee/intakes?edit=abc").status_code == 404
    assert forms.post("/committee/intakes/delete", {"intake_id": "999"}).status_code == 404
    assert forms.post("/committee/intakes", intake_form(intake_id="999")).status_code == 404


# --- requests_blocked_reason ------------------------------------------------------------------


def set_program(**values) -> None:
    settings = db.session.scalar(select(ProgramSettings))
    if settings is None:
        settings = ProgramSettings()
        db.session.add(settings)
    for name, value in values.items():
        setattr(settings, name, value)
    db.session.commit()


def reason(day=TODAY):
    from flask import g

    g.pop("program_settings", None)  # settings are read once per request
    return requests_blocked_reason(day)


def test_an_open_program_takes_requests(app):
    assert reason() is None
    add_intake("Past", date(2026, 1, 1), date(2026, 1, 31))  # intakes alone change nothing
    assert reason() is None


def test_a_paused_or_closed_program_gives_its_notice_or_a_standard_sentence(app):
    set_program(status="paused")
    assert reason() == "The online program is paused: new requests are not being taken for now."
    set_program(notice="Back in the new year.")
    assert reason() == "Back in the new year."
    set_program(status="closed", notice=None)
    assert reason() == "The program is closed: new requests are not being taken."
    set_program(notice="   ")
    assert reason() == "The program is closed: new requests are not being taken."


def test_requests_only_during_an_intake(app):
    set_program(requests_only_during_intake=True)
    assert reason() == (
        "New requests are taken only during an intake, and none is open now. "
        "Watch for the next one."
    )
    add_intake("Fall 2026", date(2026, 9, 1), date(2026, 9, 21))  # past
    assert reason().startswith("New requests are taken only during an intake, and none")
    add_intake("Winter 2027", date(2027, 1, 10), date(2027, 1, 31))
    assert reason() == (
        "New requests are taken only during an intake. The next one, Winter 2027, opens on "
        "10 January 2027."
    )
    assert reason(date(2027, 1, 10)) is None  # the first day is included
    assert reason(date(2027, 1, 20)) is None
    assert reason(date(2027, 1, 31)) is None  # the last day too
    assert reason(date(2027, 2, 1)).endswith("Watch for the next one.")
    # Pausing wins over an open intake.
    set_program(status="paused")
    assert reason(date(2027, 1, 20)).startswith("The online program is paused")
    # Without the flag, intakes don't matter.
    set_program(status="open", requests_only_during_intake=False)
    assert reason(date(2027, 2, 1)) is None


def test_the_home_page_says_when_requests_wait_for_an_intake(committee, client):
    forms, _ = committee
    add_intake("Winter 2027", date(2027, 1, 10), date(2027, 1, 31))
    forms.post("/committee/settings/status", {"status": "open", "requests_only_during_intake": "y"})
    assert settings_row().requests_only_during_intake is True
    home = text_of(client.get("/"))
    assert "Requests wait for the next intake." in home
    assert "Winter 2027, opens on 10 January 2027" in home
    page = text_of(forms.get("/committee/settings"))
    assert "New requests are not being taken now." in page


# --- the audit log ----------------------------------------------------------------------------


def test_the_audit_log_lists_and_filters_events(committee, make_member, clock_at):
    forms, chair = committee
    other = make_member(committee=True, name="Other Chair")
    forms.post("/committee/settings/status", {"status": "paused"})
    clock_at(NOW + timedelta(hours=15))  # the next day in Ontario (01:00 there)
    sign_in(forms.client, chair.email)  # a committee session ends after 30 minutes idle
    forms.post("/committee/intakes", intake_form())
    audit.record(other, audit.INTAKE_DELETED, ("intake", 77), name="Old")
    db.session.commit()

    page = text_of(forms.get("/committee/audit"))
    assert "3 events." in page
    assert "Program status changed" in page and "Intake added" in page
    assert "status: open → paused" in page

    page = text_of(forms.get(f"/committee/audit?actor={other.id}"))
    assert "1 event match the filters." in page and "Intake deleted" in page
    assert "Program status changed</td>" not in page

    page = text_of(forms.get("/committee/audit?action=intake.added"))
    assert "1 event match" in page
    page = text_of(forms.get(f"/committee/audit?since={(TODAY + timedelta(days=1)).isoformat()}"))
    assert "2 events match" in page
    page = text_of(forms.get(f"/committee/audit?until={TODAY.isoformat()}"))
    assert "1 event match" in page and "Program status changed" in page
    response = forms.get("/committee/audit?since=nonsense&action=bogus")
    assert response.status_code == 200
    assert "Enter the date as year-month-day, for example 2027-03-31." in text_of(response)


def test_the_audit_log_names_who_acted_and_on_whom(app, committee, make_member):
    forms, chair = committee
    member = make_member(name="Wren Member")
    gone = make_member(name="Gone Member")
    audit.record(chair, audit.ACCOUNT_DEACTIVATED, ("member", member.id))
    audit.record(chair, audit.ACCOUNT_DEACTIVATED, ("member", gone.id))
    audit.record(None, audit.INTAKE_DELETED, ("intake", 5), name="Old")
    gone_id = gone.id
    db.session.delete(gone)
    db.session.commit()
    page = text_of(forms.get("/committee/audit"))
    assert f'<a href="/committee/members/{member.id}">Wren Member</a>' in page
    assert f"Member {member.id}" not in page
    assert f"Member {gone_id} (account deleted)" in page and "Gone Member" not in page
    assert "<td>Chair Person</td>" in page and "<td>A deleted account</td>" in page
    # The names come in one statement, not one per event.
    before = statements_for(app, forms, "/committee/audit")
    for number in range(5):
        other = make_member(name=f"Other {number}")
        audit.record(chair, audit.ACCOUNT_DEACTIVATED, ("member", other.id))
    db.session.commit()
    assert statements_for(app, forms, "/committee/audit") == before


def test_the_audit_log_answers_htmx_with_its_results_only(committee):
    forms, _ = committee
    forms.post("/committee/settings/status", {"status": "paused"})
    response = forms.get(
        "/committee/audit?action=settings.status_changed", headers={"HX-Request": "true"}
    )
    page = text_of(response)
    assert "HX-Request" in response.headers["Vary"]
    assert "<html" not in page
    assert 'hx-swap-oob="innerHTML:#audit-count"' in page
    assert "Program status changed" in page


def test_the_audit_log_is_paginated(committee, make_member):
    forms, chair = committee
    for number in range(EVENTS_PER_PAGE + 5):
        audit.record(chair, audit.INTAKE_DELETED, ("intake", number), name=f"I{number}")
    db.session.commit()
    page = text_of(forms.get("/committee/audit"))
    assert "page 1 of 2" in page and "Next page" in page
    page = text_of(forms.get("/committee/audit?page=2"))
    assert "Page 2 of 2" in page and "Previous page" in page
