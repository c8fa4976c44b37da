"""program settings: intakes, "requests only during an intake", guideline texts

New table `intakes` (name, opens, closes); new columns on `program_settings`: the intake flag
(default false) and three Markdown texts (program description, mentor and mentee guidelines).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 12:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "intakes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intakes")),
    )
    with op.batch_alter_table("intakes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intakes_opens_on"), ["opens_on"], unique=False)

    with op.batch_alter_table("program_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "requests_only_during_intake",
                sa.Boolean(),
                server_default=sa.false(),
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("program_description", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("mentor_guidelines", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("mentee_guidelines", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("program_settings", schema=None) as batch_op:
        batch_op.drop_column("mentee_guidelines")
        batch_op.drop_column("mentor_guidelines")
        batch_op.drop_column("program_description")
        batch_op.drop_column("requests_only_during_intake")

    with op.batch_alter_table("intakes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intakes_opens_on"))

    op.drop_table("intakes")
