"""Prompts (reminders addressed to someone) and the record of every job run.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 07:33:26.160754

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('job_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job', sa.String(length=40), nullable=False),
    sa.Column('period', sa.Date(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('touched', sa.Integer(), nullable=False),
    sa.Column('seconds', sa.Double(), nullable=False),
    sa.Column('trigger', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_runs')),
    sa.UniqueConstraint('job', 'period', name='uq_job_runs_job_period')
    )
    op.create_table('prompts',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.Enum('checkin_due', 'what_matters_missing', 'decision_missing', 'decision_review_overdue', name='prompt_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('service_user_id', sa.Uuid(), nullable=False),
    sa.Column('goal_id', sa.Uuid(), nullable=True),
    sa.Column('decision_id', sa.Uuid(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('addressed_to_id', sa.Integer(), nullable=True),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['addressed_to_id'], ['staff.id'], name=op.f('fk_prompts_addressed_to_id_staff')),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_prompts_decision_id_decisions')),
    sa.ForeignKeyConstraint(['goal_id'], ['goals.id'], name=op.f('fk_prompts_goal_id_goals')),
    sa.ForeignKeyConstraint(['service_user_id'], ['service_users.id'], name=op.f('fk_prompts_service_user_id_service_users')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_prompts_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_prompts')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_prompts_dedupe_key'))
    )
    with op.batch_alter_table('prompts', schema=None) as batch_op:
        batch_op.create_index('ix_prompts_open_staff', ['addressed_to_id', 'resolved_at'], unique=False)
        batch_op.create_index('ix_prompts_open_team', ['team_id', 'resolved_at'], unique=False)
        batch_op.create_index('ix_prompts_user', ['service_user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('prompts', schema=None) as batch_op:
        batch_op.drop_index('ix_prompts_user')
        batch_op.drop_index('ix_prompts_open_team')
        batch_op.drop_index('ix_prompts_open_staff')

    op.drop_table('prompts')
    op.drop_table('job_runs')
