"""roster rows that could not be read

New columns on `roster_imports`: `skipped_rows` (the rows of the file that could not be read,
with their reasons, listed on the preview and deleted once applied) and `skipped_count` (how
many, kept after the apply).

Revision ID: 0016
Revises: 0012
Create Date: 2026-12-03 15:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("roster_imports") as batch_op:
        batch_op.add_column(sa.Column("skipped_rows", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("skipped_count", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("roster_imports") as batch_op:
        batch_op.drop_column("skipped_count")
        batch_op.drop_column("skipped_rows")
