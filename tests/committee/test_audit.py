"""The audit log in the reader's language: the actions' names, the events' details and the
page itself in French for a committee member who reads French (the events hold codes and
values, so one event reads in either language)."""

import pytest
from flask_babel import force_locale

from app.committee.audit import log
from app.committee.audit import trail as audit
from app.extensions import db
from app.models import AuditEvent
from tests.support import unescaped_html as text_of

pytestmark = pytest.mark.usefixtures("fixed_time")

NBSP = "\u00a0"


@pytest.fixture
def events(committee, make_member):
    forms, chair = committee
    member = make_member(name="Wren Member")
    gone = make_member(name="Gone Member")
    audit.record(chair, audit.ACCOUNT_DEACTIVATED, ("member", member.id))
    audit.record(chair, audit.ACCOUNT_DEACTIVATED, ("member", gone.id))
    audit.record(None, audit.INTAKE_DELETED, ("intake", 5), name="Old")
    audit.record(chair, audit.EXPORT_DOWNLOADED, ("export", None), export="members")
    audit.record(
        chair,
        audit.SETTINGS_LIMITS_CHANGED,
        ("settings", 1),
        fields=["mentor_capacity", "notes"],
        changes={"mentor_capacity": [2, None]},
    )
    db.session.delete(gone)
    db.session.commit()
    return forms, chair, gone


def test_the_audit_log_in_french(events):
    forms, chair, gone = events
    chair.locale = "fr"
    db.session.commit()
    page = text_of(forms.get("/committee/audit"))
    assert '<html lang="fr-CA">' in page
    assert "<h1>Journal des actions</h1>" in page
    assert "5 actions." in page
    assert '<th scope="col">Quand</th>' in page and '<th scope="col">Sur quoi</th>' in page
    assert "<td>Compte désactivé</td>" in page and "<td>Exportation téléchargée</td>" in page
    assert "<td>Un compte supprimé</td>" in page
    assert "Membre" in page and "(compte supprimé)" in page and "Gone Member" not in page
    assert f"exportation{NBSP}: members" in page
    assert f"mentor capacity{NBSP}: 2 → (aucun); notes modifié" in page
    assert f"nom{NBSP}: Old" in page
    assert '<option value="account.deactivated">Compte désactivé</option>' in page
    assert '<option value="">Toutes les actions</option>' in page
    assert "Account deactivated" not in page and "Audit log ·" not in page

    page = text_of(forms.get("/committee/audit?action=export.downloaded"))
    assert "1 action correspond aux filtres." in page


def test_the_same_events_read_in_english(events):
    forms, _, gone = events
    page = text_of(forms.get("/committee/audit"))
    assert "5 events." in page and "<td>Account deactivated</td>" in page
    assert f"Member {gone.id} (account deleted)" in page
    assert "mentor capacity: 2 → (none); notes changed" in page


def test_an_events_detail_is_described_in_the_language_asked(app, events):
    event = db.session.query(AuditEvent).filter_by(action=audit.EXPORT_DOWNLOADED).one()
    with force_locale("fr"):
        assert log.describe(event) == f"exportation{NBSP}: members"
    with force_locale("en"):
        assert log.describe(event) == "export: members"
