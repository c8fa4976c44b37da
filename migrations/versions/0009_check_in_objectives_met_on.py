"""check-in objectives carry their check-in's date

New column `check_in_objectives.met_on` (a copy of `check_ins.met_on`, kept equal by the
`CheckIn` model) and an index on (objective_id, met_on): the committee's chart of objectives
touched in a period counts from the links alone instead of joining every check-in.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 02:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("check_in_objectives") as batch_op:
        batch_op.add_column(sa.Column("met_on", sa.Date(), nullable=True))
    op.execute(
        "UPDATE check_in_objectives SET met_on = "
        "(SELECT check_ins.met_on FROM check_ins WHERE check_ins.id = check_in_objectives.check_in_id)"
    )
    with op.batch_alter_table("check_in_objectives") as batch_op:
        batch_op.alter_column("met_on", existing_type=sa.Date(), nullable=False)
        batch_op.create_index(
            "ix_check_in_objectives_objective_met_on", ["objective_id", "met_on"], unique=False
        )


def downgrade():
    with op.batch_alter_table("check_in_objectives") as batch_op:
        batch_op.drop_index("ix_check_in_objectives_objective_met_on")
        batch_op.drop_column("met_on")
