"""the committee's texts and the vocabularies in English and French

New columns: `program_settings.<text>_fr` for the notice, the program description and the
guidelines, and `introduction_note` / `introduction_note_fr` (the committee's note added to
the e-mails that introduce a new pair); `name_fr` on every vocabulary, filled here with the
French name of each entry the vocabularies migration wrote (entries the committee added since
keep an empty French name, and read in English until one is given).

The French names are written out here (not imported from the app) so this migration always
does the same thing.

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

TEXTS = [
    "notice_fr",
    "program_description_fr",
    "mentor_guidelines_fr",
    "mentee_guidelines_fr",
    "introduction_note",
    "introduction_note_fr",
]

FRENCH_NAMES = {
    "sectors": {
        "public": "Bibliothèques publiques",
        "academic": "Bibliothèques universitaires et collégiales",
        "school": "Bibliothèques scolaires",
        "special": "Bibliothèques spécialisées (santé, droit, entreprises, musées)",
        "government": "Bibliothèques gouvernementales",
        "archives": "Archives et gestion documentaire",
        "vendor": "Fournisseurs et services-conseils pour bibliothèques",
        "education": "Enseignement des sciences de l’information",
    },
    "expertise_areas": {
        "reference": "Services de référence et d’information",
        "cataloguing": "Catalogage et métadonnées",
        "collections": "Développement des collections",
        "children": "Services à l’enfance",
        "teens": "Services aux adolescents",
        "adult-programming": "Programmation pour adultes",
        "digital-services": "Services numériques et technologies",
        "systems": "Systèmes et logiciels de bibliothèque",
        "data-research": "Services de données et de soutien à la recherche",
        "scholarly-communication": "Communication savante et libre accès",
        "instruction": "Littératie informationnelle et formation documentaire",
        "leadership": "Leadership et gestion",
        "budgets": "Budgets et finances",
        "marketing": "Marketing et communications",
        "outreach": "Rayonnement et partenariats communautaires",
        "accessibility": "Accessibilité et inclusion",
        "indigenous": "Services aux Autochtones et réconciliation",
        "special-collections": "Archives et collections spéciales",
        "records": "Gestion des documents",
        "health": "Bibliothéconomie en sciences de la santé",
        "law": "Bibliothéconomie juridique",
        "ux": "Expérience usager et design de services",
        "spaces": "Espaces et installations de bibliothèque",
        "hr": "Dotation et ressources humaines",
        "advocacy": "Représentation et politiques",
        "copyright": "Droit d’auteur et licences",
        "preservation": "Préservation et numérisation",
        "makerspaces": "Laboratoires créatifs (makerspaces)",
        "job-search": "Recherche d’emploi et entrevues",
    },
    "regions": {
        "toronto": "Toronto",
        "golden-horseshoe": "Golden Horseshoe et Niagara",
        "central": "Centre de l’Ontario",
        "eastern": "Est de l’Ontario",
        "ottawa": "Région d’Ottawa",
        "southwestern": "Sud-Ouest de l’Ontario",
        "northeastern": "Nord-Est de l’Ontario",
        "northwestern": "Nord-Ouest de l’Ontario",
    },
    "contact_methods": {
        "in-person": "En personne",
        "phone": "Téléphone",
        "email": "Courriel",
        "video": "Vidéoconférence",
    },
    "languages": {
        "en": "Anglais",
        "fr": "Français",
        "es": "Espagnol",
        "zh": "Mandarin",
        "yue": "Cantonais",
        "pa": "Pendjabi",
        "ar": "Arabe",
        "tl": "Tagalog",
        "it": "Italien",
        "pt": "Portugais",
        "ur": "Ourdou",
        "oj": "Ojibwé",
        "cr": "Cri",
    },
    "objectives": {
        "professional-development": "Perfectionnement professionnel, formation continue",
        "career": "Développement, exploration et avancement de carrière",
        "networking": "Réseautage et relations professionnelles",
        "job-search": "Stratégies de recherche d’emploi, révision du CV",
        "introduction": "Découverte de l’association et de la profession",
    },
}


def upgrade():
    with op.batch_alter_table("program_settings") as batch_op:
        for column in TEXTS:
            batch_op.add_column(sa.Column(column, sa.Text(), nullable=True))
    for table_name, names in FRENCH_NAMES.items():
        with op.batch_alter_table(table_name) as batch_op:
            batch_op.add_column(sa.Column("name_fr", sa.String(length=120), nullable=True))
        table = sa.table(table_name, sa.column("code", sa.String), sa.column("name_fr", sa.String))
        for code, name in names.items():
            op.execute(table.update().where(table.c.code == code).values(name_fr=name))


def downgrade():
    for table_name in FRENCH_NAMES:
        with op.batch_alter_table(table_name) as batch_op:
            batch_op.drop_column("name_fr")
    with op.batch_alter_table("program_settings") as batch_op:
        for column in reversed(TEXTS):
            batch_op.drop_column(column)
