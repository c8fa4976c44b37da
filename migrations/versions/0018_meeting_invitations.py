"""meeting invitations: the next meeting's method, place, link and invitation numbers; outbox
attachments

New columns on `mentorship_agreements` (`next_meeting_method_id`, `next_meeting_place`,
`next_meeting_link`: how and where the pair meet next; `next_meeting_number`,
`next_meeting_sequence`: which planned meeting it is and which version of its calendar
invitation) and on `outbox_emails` (`attachment_text`, `attachment_type`, `attachment_name`: a
file sent with the message, such as the invitation).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 14:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("mentorship_agreements") as batch_op:
        batch_op.add_column(sa.Column("next_meeting_method_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("next_meeting_place", sa.String(length=200), nullable=True)
        )
        batch_op.add_column(sa.Column("next_meeting_link", sa.String(length=500), nullable=True))
        batch_op.add_column(
            sa.Column("next_meeting_number", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("next_meeting_sequence", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_mentorship_agreements_next_meeting_method_id_contact_methods"),
            "contact_methods",
            ["next_meeting_method_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("outbox_emails") as batch_op:
        batch_op.add_column(sa.Column("attachment_text", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("attachment_type", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("attachment_name", sa.String(length=100), nullable=True))


def downgrade():
    with op.batch_alter_table("outbox_emails") as batch_op:
        batch_op.drop_column("attachment_name")
        batch_op.drop_column("attachment_type")
        batch_op.drop_column("attachment_text")
    with op.batch_alter_table("mentorship_agreements") as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_mentorship_agreements_next_meeting_method_id_contact_methods"),
            type_="foreignkey",
        )
        batch_op.drop_column("next_meeting_sequence")
        batch_op.drop_column("next_meeting_number")
        batch_op.drop_column("next_meeting_link")
        batch_op.drop_column("next_meeting_place")
        batch_op.drop_column("next_meeting_method_id")
