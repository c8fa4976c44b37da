"""matching workbench: runs, their pairs, pools and removed pairs; intake waitlists

New tables `matching_runs` (a saved draft: pool, criteria, objective, figures, who made and
published it), `matching_pairs` (its proposed pairs, their fit and reasons, and what publishing
made of them), `matching_pool_entries` (every member of a run's pool, and why whoever is left
out is), `matching_exclusions` (pairs the committee removed, never proposed again) and
`intake_waitlist` (mentees carried to an intake). New column on `program_settings`: whether
mentors confirm committee matches (default true: they get a request to accept or decline).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 12:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _user(column: str, table: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["users.id"], name=op.f(f"fk_{table}_{column}_users"), ondelete=ondelete
    )


def upgrade():
    op.create_table(
        "matching_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("intake_id", sa.Integer(), nullable=True),
        sa.Column("intake_name", sa.String(length=80), nullable=True),
        sa.Column("objective", sa.String(length=20), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("experience_gap", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("previous_run_id", sa.Integer(), nullable=True),
        sa.Column("mentees_in_pool", sa.Integer(), nullable=False),
        sa.Column("mentors_in_pool", sa.Integer(), nullable=False),
        sa.Column("spots_in_pool", sa.Integer(), nullable=False),
        sa.Column("solve_ms", sa.Integer(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("published_as", sa.String(length=12), nullable=True),
        sa.Column("carried_at", sa.DateTime(), nullable=True),
        sa.Column("carried_to_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["carried_to_id"],
            ["intakes.id"],
            name=op.f("fk_matching_runs_carried_to_id_intakes"),
            ondelete="SET NULL",
        ),
        _user("created_by_id", "matching_runs", "SET NULL"),
        sa.ForeignKeyConstraint(
            ["intake_id"],
            ["intakes.id"],
            name=op.f("fk_matching_runs_intake_id_intakes"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["previous_run_id"],
            ["matching_runs.id"],
            name=op.f("fk_matching_runs_previous_run_id_matching_runs"),
            ondelete="SET NULL",
        ),
        _user("published_by_id", "matching_runs", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matching_runs")),
    )
    with op.batch_alter_table("matching_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_matching_runs_status"), ["status"], unique=False)

    op.create_table(
        "intake_waitlist",
        sa.Column("intake_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("from_run_id", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        _user("added_by_id", "intake_waitlist", "SET NULL"),
        sa.ForeignKeyConstraint(
            ["from_run_id"],
            ["matching_runs.id"],
            name=op.f("fk_intake_waitlist_from_run_id_matching_runs"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["intake_id"],
            ["intakes.id"],
            name=op.f("fk_intake_waitlist_intake_id_intakes"),
            ondelete="CASCADE",
        ),
        _user("user_id", "intake_waitlist", "CASCADE"),
        sa.PrimaryKeyConstraint("intake_id", "user_id", name=op.f("pk_intake_waitlist")),
    )
    with op.batch_alter_table("intake_waitlist", schema=None) as batch_op:
        batch_op.create_index("ix_intake_waitlist_user_id", ["user_id"], unique=False)

    op.create_table(
        "matching_exclusions",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("mentee_id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _user("mentee_id", "matching_exclusions", "CASCADE"),
        _user("mentor_id", "matching_exclusions", "CASCADE"),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["matching_runs.id"],
            name=op.f("fk_matching_exclusions_run_id_matching_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "run_id", "mentee_id", "mentor_id", name=op.f("pk_matching_exclusions")
        ),
    )

    op.create_table(
        "matching_pool_entries",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=6), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("open_spots", sa.Integer(), nullable=False),
        sa.Column("left_out", sa.String(length=30), nullable=True),
        sa.Column("left_out_detail", sa.JSON(), nullable=True),
        sa.Column("suggested_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["matching_runs.id"],
            name=op.f("fk_matching_pool_entries_run_id_matching_runs"),
            ondelete="CASCADE",
        ),
        _user("suggested_id", "matching_pool_entries", "SET NULL"),
        _user("user_id", "matching_pool_entries", "CASCADE"),
        sa.PrimaryKeyConstraint("run_id", "role", "user_id", name=op.f("pk_matching_pool_entries")),
    )
    with op.batch_alter_table("matching_pool_entries", schema=None) as batch_op:
        batch_op.create_index("ix_matching_pool_entries_user_id", ["user_id"], unique=False)

    op.create_table(
        "matching_pairs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("mentee_id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("fit", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.Column("origin", sa.String(length=10), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("mentorship_id", sa.Integer(), nullable=True),
        _user("mentee_id", "matching_pairs", "CASCADE"),
        _user("mentor_id", "matching_pairs", "CASCADE"),
        sa.ForeignKeyConstraint(
            ["mentorship_id"],
            ["mentorships.id"],
            name=op.f("fk_matching_pairs_mentorship_id_mentorships"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["mentorship_requests.id"],
            name=op.f("fk_matching_pairs_request_id_mentorship_requests"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["matching_runs.id"],
            name=op.f("fk_matching_pairs_run_id_matching_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matching_pairs")),
    )
    with op.batch_alter_table("matching_pairs", schema=None) as batch_op:
        batch_op.create_index("ix_matching_pairs_run_mentor", ["run_id", "mentor_id"], unique=False)
        batch_op.create_index("uq_matching_pairs_run_mentee", ["run_id", "mentee_id"], unique=True)

    with op.batch_alter_table("program_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "committee_matches_need_confirmation",
                sa.Boolean(),
                server_default=sa.true(),
                nullable=False,
            )
        )


def downgrade():
    with op.batch_alter_table("program_settings", schema=None) as batch_op:
        batch_op.drop_column("committee_matches_need_confirmation")

    with op.batch_alter_table("matching_pairs", schema=None) as batch_op:
        batch_op.drop_index("uq_matching_pairs_run_mentee")
        batch_op.drop_index("ix_matching_pairs_run_mentor")
    op.drop_table("matching_pairs")

    with op.batch_alter_table("matching_pool_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_matching_pool_entries_user_id")
    op.drop_table("matching_pool_entries")

    op.drop_table("matching_exclusions")

    with op.batch_alter_table("intake_waitlist", schema=None) as batch_op:
        batch_op.drop_index("ix_intake_waitlist_user_id")
    op.drop_table("intake_waitlist")

    with op.batch_alter_table("matching_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_matching_runs_status"))
    op.drop_table("matching_runs")
