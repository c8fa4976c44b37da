"""Fill the vocabularies: sectors, expertise areas, regions, contact methods, languages and
the program's five objectives.

The data is written out here (not imported from the app) so this migration always does the
same thing. The committee may add entries later; downgrade removes only these codes.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

VOCABULARIES = {
    "sectors": [
        ("public", "Public libraries"),
        ("academic", "Academic libraries (universities and colleges)"),
        ("school", "School libraries"),
        ("special", "Special libraries (health, law, corporate, museum)"),
        ("government", "Government libraries"),
        ("archives", "Archives and records"),
        ("vendor", "Library vendors and consultancies"),
        ("education", "Library and information science education"),
    ],
    "expertise_areas": [
        ("reference", "Reference and information services"),
        ("cataloguing", "Cataloguing and metadata"),
        ("collections", "Collection development"),
        ("children", "Children's services"),
        ("teens", "Teen services"),
        ("adult-programming", "Adult programming"),
        ("digital-services", "Digital services and technology"),
        ("systems", "Library systems and software"),
        ("data-research", "Data and research services"),
        ("scholarly-communication", "Scholarly communication and open access"),
        ("instruction", "Information literacy and instruction"),
        ("leadership", "Leadership and management"),
        ("budgets", "Budgets and finance"),
        ("marketing", "Marketing and communications"),
        ("outreach", "Community outreach and partnerships"),
        ("accessibility", "Accessibility and inclusion"),
        ("indigenous", "Indigenous services and reconciliation"),
        ("special-collections", "Archives and special collections"),
        ("records", "Records management"),
        ("health", "Health sciences librarianship"),
        ("law", "Law librarianship"),
        ("ux", "User experience and service design"),
        ("spaces", "Library spaces and facilities"),
        ("hr", "Staffing and human resources"),
        ("advocacy", "Advocacy and policy"),
        ("copyright", "Copyright and licensing"),
        ("preservation", "Preservation and digitization"),
        ("makerspaces", "Makerspaces"),
        ("job-search", "Job search and interviews"),
    ],
    "regions": [
        ("toronto", "Toronto"),
        ("golden-horseshoe", "Golden Horseshoe and Niagara"),
        ("central", "Central Ontario"),
        ("eastern", "Eastern Ontario"),
        ("ottawa", "Ottawa region"),
        ("southwestern", "Southwestern Ontario"),
        ("northeastern", "Northeastern Ontario"),
        ("northwestern", "Northwestern Ontario"),
    ],
    "contact_methods": [
        ("in-person", "Face-to-face"),
        ("phone", "Phone"),
        ("email", "E-mail"),
        ("video", "Video call"),
    ],
    "languages": [
        ("en", "English"),
        ("fr", "French"),
        ("es", "Spanish"),
        ("zh", "Mandarin"),
        ("yue", "Cantonese"),
        ("pa", "Punjabi"),
        ("ar", "Arabic"),
        ("tl", "Tagalog"),
        ("it", "Italian"),
        ("pt", "Portuguese"),
        ("ur", "Urdu"),
        ("oj", "Ojibwe"),
        ("cr", "Cree"),
    ],
    "objectives": [
        ("professional-development", "Professional development, education and training"),
        ("career", "Career development, exploration and advancement"),
        ("networking", "Networking and professional connections"),
        ("job-search", "Job search strategies and resume or CV review"),
        ("introduction", "Introduction to the association and the profession"),
    ],
}


def _table(name):
    return sa.table(
        name,
        sa.column("id", sa.Integer),
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("position", sa.Integer),
        sa.column("active", sa.Boolean),
    )


def upgrade():
    for table_name, entries in VOCABULARIES.items():
        op.bulk_insert(
            _table(table_name),
            [
                {"code": code, "name": name, "position": position, "active": True}
                for position, (code, name) in enumerate(entries, start=1)
            ],
        )


def downgrade():
    for table_name, entries in VOCABULARIES.items():
        table = _table(table_name)
        op.execute(table.delete().where(table.c.code.in_([code for code, _ in entries])))
