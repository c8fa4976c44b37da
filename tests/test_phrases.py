"""Phrases: the English sentences pure code writes, translated where they are shown."""

from datetime import date

from markupsafe import escape

from app.matching_explanations import MENTORS_EXCLUDED, NO_MENTOR_MEETS, LeftOut, describe
from app.phrases import N_, Phrase, ngettext, translated

FRENCH = {"Accept-Language": "fr"}


def test_a_phrase_is_its_english_sentence():
    phrase = Phrase(N_("Your membership expired on %(day)s."), day=date(2027, 6, 30))
    assert phrase == "Your membership expired on 30 June 2027."
    assert str(phrase) == phrase  # outside a request: English
    counted = ngettext("%(num)s mentor", "%(num)s mentors", 1200)
    assert counted == "1,200 mentors"
    assert ngettext("%(num)s mentor", "%(num)s mentors", 1) == "1 mentor"


def test_a_phrase_shown_in_french(app):
    with app.test_request_context("/", headers=FRENCH):
        phrase = Phrase(N_("%(name)s is away until %(day)s."), name="Zoe", day=date(2027, 6, 30))
        assert phrase == "Zoe is away until 30 June 2027."  # the str stays English
        assert str(phrase) == "Zoe est absent(e) jusqu’au 30 juin 2027."
        assert f"{phrase}" == str(phrase) == translated(phrase)
        assert str(ngettext("%(num)s mentor", "%(num)s mentors", 1200)) == "1\u202f200 mentors"
        assert str(ngettext("%(num)s mentor", "%(num)s mentors", 1)) == "1 mentor"
        assert translated("plain text") == "plain text"


def test_a_phrase_is_escaped_when_an_html_page_shows_it(app):
    with app.test_request_context("/", headers=FRENCH):
        phrase = Phrase(N_("%(name)s is your mentor."), name="<b>Bo</b>")
        assert str(escape(phrase)) == "&lt;b&gt;Bo&lt;/b&gt; est votre mentor."


def test_an_explanation_of_the_workbench_in_french(app):
    left_out = LeftOut(
        NO_MENTOR_MEETS, {"criteria": ["language"], "values": {"language": ""}, "of": 1200}
    )
    reason, fix = describe(left_out, lambda member_id: "Zoe")
    assert reason == "No mentor meets Language: no language listed (0 of 1,200)."
    with app.test_request_context("/", headers=FRENCH):
        assert str(reason) == (
            "Aucun mentor ne répond à ce critère\u00a0: Langue\u00a0: aucune langue indiquée "
            "(0 sur 1\u202f200)."
        )
        assert str(fix).startswith("Son profil n’indique aucun(e) langue")
        excluded = LeftOut(MENTORS_EXCLUDED, {"fitting": 2, "declined": 2, "same_employer": 0})
        reason, _ = describe(excluded, lambda member_id: "Zoe")
        assert str(reason) == (
            "Les 2 mentors qui conviennent sont tous exclus\u00a0: 2 ont déjà refusé sa demande."
        )
