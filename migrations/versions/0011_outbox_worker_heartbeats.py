"""outbox workers with a heartbeat

New table `outbox_workers` (one row per running `flask outbox worker` or delivery pass: its
name, when it started, its last heartbeat) and column `outbox_emails.claimed_by` (the worker
holding a message's claim). A claim whose worker's heartbeat is older than
OUTBOX_WORKER_TIMEOUT is offered to the other workers; claims made before this revision have no
worker and keep the 15-minute stale window.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 17:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "outbox_workers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_workers")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("outbox_emails") as batch_op:
        batch_op.add_column(sa.Column("claimed_by", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("outbox_emails") as batch_op:
        batch_op.drop_column("claimed_by")
    op.drop_table("outbox_workers")
