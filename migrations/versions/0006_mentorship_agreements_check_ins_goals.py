"""mentorship agreements, check-ins, goals, per-participant preferences

A mentorship's agreement (1:1, created on its first save), check-ins with shared and private
notes, goals, and each participant's e-mail preference. New tables only.

Revision ID: 0006
Revises: 0004
Create Date: 2026-11-28 23:34:26.447819

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('check_ins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mentorship_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('met_on', sa.Date(), nullable=False),
    sa.Column('method_id', sa.Integer(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('shared_note', sa.Text(), nullable=True),
    sa.Column('private_note', sa.Text(), nullable=True),
    sa.Column('how_it_is_going', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_check_ins_author_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mentorship_id'], ['mentorships.id'], name=op.f('fk_check_ins_mentorship_id_mentorships'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['method_id'], ['contact_methods.id'], name=op.f('fk_check_ins_method_id_contact_methods')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_check_ins'))
    )
    with op.batch_alter_table('check_ins', schema=None) as batch_op:
        batch_op.create_index('ix_check_ins_author_id', ['author_id'], unique=False)
        batch_op.create_index('ix_check_ins_mentorship_met_on', ['mentorship_id', 'met_on'], unique=False)

    op.create_table('mentorship_agreements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mentorship_id', sa.Integer(), nullable=False),
    sa.Column('meeting_frequency', sa.String(length=20), nullable=True),
    sa.Column('goals_text', sa.Text(), nullable=True),
    sa.Column('confidentiality_acknowledged', sa.Boolean(), nullable=False),
    sa.Column('confirmed_by_mentor_at', sa.DateTime(), nullable=True),
    sa.Column('confirmed_by_mentee_at', sa.DateTime(), nullable=True),
    sa.Column('next_meeting_on', sa.Date(), nullable=True),
    sa.Column('next_meeting_time', sa.Time(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['mentorship_id'], ['mentorships.id'], name=op.f('fk_mentorship_agreements_mentorship_id_mentorships'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_mentorship_agreements_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentorship_agreements')),
    sa.UniqueConstraint('mentorship_id', name=op.f('uq_mentorship_agreements_mentorship_id'))
    )
    op.create_table('mentorship_goals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mentorship_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.Column('objective_id', sa.Integer(), nullable=True),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_mentorship_goals_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['mentorship_id'], ['mentorships.id'], name=op.f('fk_mentorship_goals_mentorship_id_mentorships'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['objective_id'], ['objectives.id'], name=op.f('fk_mentorship_goals_objective_id_objectives')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentorship_goals'))
    )
    with op.batch_alter_table('mentorship_goals', schema=None) as batch_op:
        batch_op.create_index('ix_mentorship_goals_mentorship_created', ['mentorship_id', 'created_at'], unique=False)

    op.create_table('mentorship_preferences',
    sa.Column('mentorship_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('check_in_emails', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['mentorship_id'], ['mentorships.id'], name=op.f('fk_mentorship_preferences_mentorship_id_mentorships'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mentorship_preferences_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('mentorship_id', 'user_id', name=op.f('pk_mentorship_preferences'))
    )
    op.create_table('check_in_objectives',
    sa.Column('check_in_id', sa.Integer(), nullable=False),
    sa.Column('objective_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['check_in_id'], ['check_ins.id'], name=op.f('fk_check_in_objectives_check_in_id_check_ins'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['objective_id'], ['objectives.id'], name=op.f('fk_check_in_objectives_objective_id_objectives')),
    sa.PrimaryKeyConstraint('check_in_id', 'objective_id', name=op.f('pk_check_in_objectives'))
    )
    op.create_table('mentorship_agreement_contact_methods',
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('contact_method_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['mentorship_agreements.id'], name=op.f('fk_mentorship_agreement_contact_methods_agreement_id_mentorship_agreements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contact_method_id'], ['contact_methods.id'], name=op.f('fk_mentorship_agreement_contact_methods_contact_method_id_contact_methods')),
    sa.PrimaryKeyConstraint('agreement_id', 'contact_method_id', name=op.f('pk_mentorship_agreement_contact_methods'))
    )
    op.create_table('mentorship_agreement_objectives',
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('objective_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['mentorship_agreements.id'], name=op.f('fk_mentorship_agreement_objectives_agreement_id_mentorship_agreements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['objective_id'], ['objectives.id'], name=op.f('fk_mentorship_agreement_objectives_objective_id_objectives')),
    sa.PrimaryKeyConstraint('agreement_id', 'objective_id', name=op.f('pk_mentorship_agreement_objectives'))
    )


def downgrade():
    op.drop_table('mentorship_agreement_objectives')
    op.drop_table('mentorship_agreement_contact_methods')
    op.drop_table('check_in_objectives')
    op.drop_table('mentorship_preferences')
    with op.batch_alter_table('mentorship_goals', schema=None) as batch_op:
        batch_op.drop_index('ix_mentorship_goals_mentorship_created')

    op.drop_table('mentorship_goals')
    op.drop_table('mentorship_agreements')
    with op.batch_alter_table('check_ins', schema=None) as batch_op:
        batch_op.drop_index('ix_check_ins_mentorship_met_on')
        batch_op.drop_index('ix_check_ins_author_id')

    op.drop_table('check_ins')
