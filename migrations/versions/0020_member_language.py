"""members choose the portal's language

New column `users.locale`: the language ("en" or "fr") a member chose for the portal's pages
and the e-mail it sends them; empty until they choose (the browser's language is used then).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 17:40:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("locale", sa.String(length=5), nullable=True))


def downgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("locale")
