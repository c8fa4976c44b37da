"""a mentor can be away until a date

New columns `profiles.away_until` (indexed: the daily job looks for the mentors whose return
day has come), `profiles.away_note` (shown to mentees) and `profiles.away_keeps_requests`
(whether the requests waiting when they left stay open for their return).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 14:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("profiles") as batch_op:
        batch_op.add_column(sa.Column("away_until", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("away_note", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "away_keeps_requests", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch_op.create_index("ix_profiles_away_until", ["away_until"], unique=False)


def downgrade():
    with op.batch_alter_table("profiles") as batch_op:
        batch_op.drop_index("ix_profiles_away_until")
        batch_op.drop_column("away_keeps_requests")
        batch_op.drop_column("away_note")
        batch_op.drop_column("away_until")
