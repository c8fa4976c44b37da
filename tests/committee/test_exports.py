"""The committee's CSV exports: content, byte-order mark, formula escaping, streaming, the audit
trail, and that nothing confidential ever leaves (messages, decline notes, check-in notes)."""

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.committee.audit import trail as audit
from app.committee.exports import csv_file
from app.committee.exports import services as exports
from app.extensions import db
from app.models import (
    AuditEvent,
    CheckIn,
    ContactMethod,
    Goal,
    Mentorship,
    MentorshipAgreement,
    MentorshipRequest,
    Objective,
    Region,
)
from tests.factories import NOW
from tests.support import FormClient, download_csv

pytestmark = pytest.mark.usefixtures("fixed_time")  # today is 30 November 2026

PATHS = {name: f"/committee/exports/{name}.csv" for name in exports.EXPORTS}
SECRETS = [
    "SECRET-REQUEST-MESSAGE-7731",
    "SECRET-DECLINE-NOTE-8842",
    "SECRET-SHARED-NOTE-9953",
    "SECRET-PRIVATE-NOTE-1064",
    "SECRET-AGREEMENT-TEXT-2175",
    "SECRET-GOAL-TEXT-3286",
    "SECRET-BIO-4397",
]


@pytest.fixture
def program(make_member):
    """Two members, a request declined and one accepted into a mentorship with an agreement,
    check-ins and goals; every free text holds a unique secret."""
    region = db.session.scalars(select(Region)).first()
    mentor = make_member(
        name='=HYPERLINK("http://evil.example","click")',
        email="mentor@example.org",
        profile={
            "role": "mentor",
            "years_experience": 12,
            "position": "+Head of cataloguing",
            "employer": "@Toronto Public Library",
            "region_id": region.id,
            "bio": SECRETS[6],
            "membership_number": "-OLA-1",
            "membership_expires_on": date(2027, 3, 31),
            "membership_verified_at": NOW,
        },
    )
    mentee = make_member(
        name="Zoë Lefèvre",
        email="zoe@example.org",
        profile={"role": "mentee", "years_experience": 1, "mentee_goals": SECRETS[6]},
    )
    objective = db.session.scalars(select(Objective)).first()
    method = db.session.scalars(select(ContactMethod)).first()
    declined = MentorshipRequest(
        mentee_id=mentee.id,
        mentor_id=mentor.id,
        message=SECRETS[0],
        status=MentorshipRequest.DECLINED,
        decline_note=SECRETS[1],
        expires_at=NOW + timedelta(days=14),
        responded_at=NOW,
        objectives=[objective],
        preferred_contact_method=method,
    )
    accepted = MentorshipRequest(
        mentee_id=mentee.id,
        mentor_id=mentor.id,
        message=SECRETS[0] + " again",
        status=MentorshipRequest.ACCEPTED,
        expires_at=NOW + timedelta(days=14),
        responded_at=NOW,
    )
    db.session.add_all([declined, accepted])
    db.session.flush()
    mentorship = Mentorship(
        mentor_id=mentor.id,
        mentee_id=mentee.id,
        request_id=accepted.id,
        started_on=date(2026, 11, 1),
        minimum_end_on=date(2027, 5, 1),
    )
    db.session.add(mentorship)
    db.session.flush()
    db.session.add(
        MentorshipAgreement(
            mentorship_id=mentorship.id,
            meeting_frequency=MentorshipAgreement.MONTHLY,
            goals_text=SECRETS[4],
            objectives=[objective],
            confirmed_by_mentor_at=NOW,
        )
    )
    for minutes, day in ((45, 5), (30, 20)):
        db.session.add(
            CheckIn(
                mentorship_id=mentorship.id,
                author_id=mentee.id,
                met_on=date(2026, 11, day),
                method_id=method.id,
                minutes=minutes,
                shared_note=SECRETS[2],
                private_note=SECRETS[3],
                how_it_is_going=4,
            )
        )
    db.session.add(Goal(mentorship_id=mentorship.id, text=SECRETS[5], done_at=NOW))
    db.session.add(Goal(mentorship_id=mentorship.id, text=SECRETS[5] + " 2"))
    db.session.commit()
    return mentor, mentee, mentorship, declined, objective, method


def download(forms, name):
    return download_csv(forms, PATHS[name])


def rows_of(response) -> list[dict]:
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.mark.parametrize("visitor", ["anonymous", "member"])
def test_exports_are_404_to_outsiders(client, signed_in, visitor):
    forms = FormClient(client if visitor == "anonymous" else signed_in()[0])
    assert forms.get("/committee/exports").status_code == 404
    for path in PATHS.values():
        assert forms.post(path).status_code == 404
        assert forms.client.post(path).status_code == 404
    assert db.session.scalars(select(AuditEvent)).all() == []


def test_the_exports_page_offers_each_download(committee):
    forms, _ = committee
    page = forms.get("/committee/exports").get_data(as_text=True)
    for name in exports.EXPORTS:
        assert f'action="{PATHS[name]}"' in page
        assert f"mentor-match-{name}-2026-11-30.csv" in page
    assert forms.client.post(PATHS["members"]).status_code == 400  # no CSRF token
    assert forms.get(PATHS["members"]).status_code == 405  # downloads are POST: they're audited


def test_a_download_is_a_streamed_dated_utf8_attachment(committee, program):
    forms, chair = committee
    response = download(forms, "members")
    assert response.was_streamed
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response.headers["Content-Disposition"]
        == 'attachment; filename="mentor-match-members-2026-11-30.csv"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    rows = rows_of(response)
    assert [row["name"] for row in rows] == [
        "Chair Person",
        '\'=HYPERLINK("http://evil.example","click")',
        "Zoë Lefèvre",
    ]


def test_the_members_export(committee, program):
    forms, _ = committee
    mentor, mentee, *_ = program
    rows = {row["email"]: row for row in rows_of(download(forms, "members"))}
    row = rows["mentor@example.org"]
    assert row["member_id"] == str(mentor.id)
    assert row["position"] == "'+Head of cataloguing"
    assert row["employer"] == "'@Toronto Public Library"
    assert row["membership_number"] == "'-OLA-1"
    assert row["membership_expires_on"] == "2027-03-31"
    assert row["membership_status"] == "Verified"
    assert row["role"] == "mentor" and row["years_experience"] == "12"
    assert row["region"] != ""
    assert row["account"] == "active" and row["committee"] == "no"
    assert row["active_mentorships_as_mentor"] == "1"
    assert row["requests_received"] == "2" and row["requests_sent"] == "0"
    assert rows["zoe@example.org"]["requests_sent"] == "2"
    assert rows["zoe@example.org"]["membership_status"] == "No membership number"
    assert rows["zoe@example.org"]["active_mentorships_as_mentee"] == "1"


def test_the_requests_export(committee, program):
    forms, _ = committee
    mentor, mentee, mentorship, declined, objective, method = program
    rows = rows_of(download(forms, "requests"))
    assert [row["status"] for row in rows] == ["declined", "accepted"]
    row = rows[0]
    assert row["request_id"] == str(declined.id)
    assert row["mentee_name"] == "Zoë Lefèvre" and row["mentee_email"] == "zoe@example.org"
    assert row["mentor_name"].startswith("'=HYPERLINK")
    assert row["objectives"] == objective.name
    assert row["preferred_contact_method"] == method.name
    assert row["created_at"] == "2026-11-30 10:00:00"  # in Ontario (EST)
    assert "message" not in row and "decline_note" not in row


def test_the_mentorships_export(committee, program):
    forms, _ = committee
    mentor, mentee, mentorship, *_ = program
    (row,) = rows_of(download(forms, "mentorships"))
    assert row["mentorship_id"] == str(mentorship.id)
    assert row["status"] == "active" and row["started_on"] == "2026-11-01"
    assert row["meeting_frequency"] == "Monthly"
    assert row["agreement_confirmed_by_mentor_at"] == "2026-11-30 10:00:00"
    assert row["agreement_confirmed_by_mentee_at"] == ""
    assert row["check_ins"] == "2" and row["check_in_minutes"] == "75"
    assert row["last_check_in_on"] == "2026-11-20"
    assert row["goals"] == "2" and row["goals_done"] == "1"


def test_no_export_holds_anything_confidential(committee, program):
    forms, _ = committee
    for name in exports.EXPORTS:
        body = download(forms, name).get_data(as_text=True)
        for secret in SECRETS:
            assert secret not in body, (name, secret)


def test_each_export_is_audited(committee, program):
    forms, chair = committee
    for name in exports.EXPORTS:
        download(forms, name)
    found = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == audit.EXPORT_DOWNLOADED)
    ).all()
    assert [(e.actor_id, e.target_type, e.detail["export"]) for e in found] == [
        (chair.id, "export", name) for name in exports.EXPORTS
    ]
    page = forms.get("/committee/audit?action=export.downloaded").get_data(as_text=True)
    assert "export: mentorships" in page


@pytest.mark.parametrize(
    "value, cell",
    [
        ("=1+1", "'=1+1"),
        ("+41 22", "'+41 22"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        (-2, "-2"),
        (None, ""),
        (True, "yes"),
        (date(2026, 1, 2), "2026-01-02"),
        (datetime(2026, 1, 2, 3, 4, 5), "2026-01-02 03:04:05"),
    ],
)
def test_cells_are_escaped_against_formulas(value, cell):
    assert csv_file.safe_cell(value) == cell


def test_the_file_is_written_in_chunks(monkeypatch):
    monkeypatch.setattr(csv_file, "CHUNK", 2)
    chunks = list(csv_file.csv_chunks(["a"], ([n] for n in range(5))))
    assert len(chunks) == 3
    assert chunks[0].startswith(b"\xef\xbb\xbfa\r\n0\r\n1\r\n")
    assert b"".join(chunks).decode("utf-8-sig") == "a\r\n0\r\n1\r\n2\r\n3\r\n4\r\n"


def test_rows_are_read_with_yield_per(app, monkeypatch, make_member):
    seen = []
    real = db.session.execute

    def spy(statement, *args, **kwargs):
        seen.append(statement.get_execution_options().get("yield_per"))
        return real(statement, *args, **kwargs)

    monkeypatch.setattr(db.session, "execute", spy)
    make_member()
    for export in exports.EXPORTS.values():
        list(export.rows(NOW.date()))
    assert seen == [csv_file.CHUNK] * len(exports.EXPORTS)


# --- in the downloader's language -------------------------------------------------------------


def test_a_french_reader_downloads_french_headings_and_words(committee, program):
    forms, chair = committee
    mentor, mentee, mentorship, declined, *_ = program
    chair.locale = "fr"
    db.session.commit()
    members = rows_of(download(forms, "members"))
    assert list(members[0])[:6] == ["id_membre", "nom", "nom_affiché", "courriel"] + [
        "courriel_confirmé_le",
        "compte",
    ]
    assert len(members[0]) == len(exports.EXPORTS["members"].header)
    row = {r["courriel"]: r for r in members}["mentor@example.org"]
    assert row["nom"] == '\'=HYPERLINK("http://evil.example","click")'  # still escaped
    assert row["poste"] == "'+Head of cataloguing"
    assert row["compte"] == "actif" and row["comité"] == "non" and row["rôle"] == "mentor"
    assert row["accepte_demandes"] == "oui"
    assert {r["courriel"]: r for r in members}["zoe@example.org"]["rôle"] == "mentoré(e)"
    requests = rows_of(download(forms, "requests"))
    assert [r["statut"] for r in requests] == ["refusée", "acceptée"]
    assert requests[0]["source"] == "mentoré(e)" and requests[0]["id_demande"] == str(declined.id)
    assert requests[0]["créée_le"] == "2026-11-30 10:00:00"  # dates stay YYYY-MM-DD
    (pair,) = rows_of(download(forms, "mentorships"))
    assert pair["id_mentorat"] == str(mentorship.id) and pair["statut"] == "actif"
    assert pair["suivis"] == "2" and pair["objectifs_du_duo_atteints"] == "1"
    page = forms.get("/committee/exports").get_data(as_text=True)
    assert '<html lang="fr-CA">' in page and "<h1>Exportations</h1>" in page
    assert "Télécharger\u00a0: mentorats (CSV)" in page
    assert "mentor-match-mentorships-2026-11-30.csv" in page  # the file names stay


def test_an_english_reader_still_downloads_english(committee, program):
    forms, chair = committee
    chair.locale = "fr"
    db.session.commit()
    download(forms, "members")  # a French download first: nothing of it is kept
    chair.locale = "en"
    db.session.commit()
    (pair,) = rows_of(download(forms, "mentorships"))
    assert list(pair)[:3] == ["mentorship_id", "status", "started_on"]
    assert pair["status"] == "active"


def test_a_translated_heading_is_escaped_like_a_cell():
    chunks = csv_file.csv_chunks(["=nom", "statut"], [[True, False]], yes_no=("oui", "non"))
    assert b"".join(chunks).decode("utf-8-sig") == "'=nom,statut\r\noui,non\r\n"
