"""the program's time zone

New column `program_settings.time_zone`: the IANA name of the zone the program's days are
counted in (empty: the configured PROGRAM_TIME_ZONE).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 14:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("program_settings") as batch_op:
        batch_op.add_column(sa.Column("time_zone", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("program_settings") as batch_op:
        batch_op.drop_column("time_zone")
