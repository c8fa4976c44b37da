"""The mentor directory and a mentor's page in French: a member who chose French filters the
directory by the language mentors mentor in and reads the filters, their summary, the order's
names, the count, the best-fit reasons, the empty result and the pages in French."""

import re

import pytest

from app.extensions import db
from app.models import Language
from tests.factories import entry_id
from tests.support import listed_mentors as listed
from tests.support import unescaped_html as page_of

pytestmark = pytest.mark.usefixtures("restore_vocabularies")

FRENCH = {"Accept-Language": "fr-CA,fr;q=0.9"}


@pytest.fixture
def french_mentee(mentee):
    """`client, user`: Sam Mentee, who speaks French and English and chose French."""

    def make(**profile):
        client, user = mentee(languages=("fr", "en"), **profile)
        user.locale = "fr"
        db.session.commit()
        return client, user

    return make


def test_in_french_the_language_filter_finds_the_mentors_who_mentor_in_it(
    french_mentee, make_mentor
):
    make_mentor("Blair Bilingue", directory=True, languages=("fr", "en"))
    make_mentor("Casey Francophone", directory=True, languages=("fr",))
    make_mentor("Alex English", directory=True, languages=("en",))
    client, _ = french_mentee()

    response = client.get(f"/mentors?language={entry_id(Language, 'fr')}")
    assert response.status_code == 200
    assert set(listed(response)) == {"Blair Bilingue", "Casey Francophone"}
    page = page_of(response)
    assert '<html lang="fr-CA">' in page
    assert "<h1>Trouver un mentor</h1>" in page
    assert "2 mentors trouvés." in page
    # The filter, its summary and the summary of everything chosen, in French.
    assert "<summary>Langue (1\u00a0choix)</summary>" in page
    assert "Recherche et filtres (1\u00a0choix)" in page
    assert ">Effacer les filtres</a>" in page
    assert ">Afficher les mentors</button>" in page
    # The order's names.
    assert '<option selected value="fit">Meilleure correspondance</option>' in page
    assert ">Membres les plus récents en premier</option>" in page
    # Why they may suit the mentee: the shared language, in French.
    assert "Pourquoi ce mentor pourrait vous convenir\u00a0:" in page
    assert "Parle votre langue." in page
    assert ">Places restantes</dt>" in page
    assert "Find a mentor" not in page and "mentors found" not in page


def test_in_french_one_mentor_no_mentor_and_the_fragment(french_mentee, make_mentor):
    make_mentor("Casey Francophone", directory=True, languages=("fr",))
    client, _ = french_mentee()
    french = entry_id(Language, "fr")
    assert "1 mentor trouvé." in page_of(client.get(f"/mentors?language={french}"))

    nothing = page_of(client.get(f"/mentors?language={french}&q=personne"))
    assert "Aucun mentor trouvé." in nothing
    assert "Aucun mentor ne correspond à ces filtres." in nothing
    assert ">affichez tous les mentors</a>" in nothing

    fragment = client.get(f"/mentors?language={french}", headers={"HX-Request": "true"})
    text = page_of(fragment)
    assert '<span hx-swap-oob="innerHTML:#mentor-count">1 mentor trouvé.</span>' in text


def test_in_french_the_pages_of_mentors(french_mentee, make_mentor):
    for number in range(21):
        make_mentor(f"Mentor {number:02d}", directory=True, languages=("fr",))
    client, _ = french_mentee()
    page = page_of(client.get(f"/mentors?order=name&language={entry_id(Language, 'fr')}"))
    assert "21 mentors trouvés, page 1 sur 2." in page
    assert '<option selected value="name">Nom</option>' in page


def test_in_french_a_mentors_page(french_mentee, make_mentor):
    mentor = make_mentor(
        "Casey Francophone",
        directory=True,
        languages=("fr",),
        employer="Toronto Public Library",
    )
    client, _ = french_mentee(employer="Toronto Public Library")
    page = page_of(client.get(f"/mentors/{mentor.id}"))
    assert '<h2 id="fit-heading">Pourquoi ce mentor pourrait vous convenir</h2>' in page
    assert re.search(r"<li>Parle votre langue\u00a0: [^<]+</li>", page)
    assert "Travaille chez votre employeur — conflit d’intérêts possible" in page
    assert ">Retour au répertoire des mentors</a>" in page
    assert ">Demander un mentorat</a>" in page


def test_in_french_a_member_who_may_not_request_reads_why(french_mentee, make_mentor):
    make_mentor("Casey Francophone", directory=True)
    client, _ = french_mentee(sectors=())
    response = client.get("/mentors")
    assert response.status_code == 403
    page = page_of(response)
    assert "Le répertoire des mentors vous sera ouvert" in page
    assert "Complétez votre profil\u00a0: ajoutez votre secteur de bibliothèque." in page
    assert ">Modifier votre profil</a>" in page
