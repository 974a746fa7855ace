"""Visits to settle: care given offline that met a changed plan, kept for a coordinator.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 02:14:26.923968

A completion queued on a tablet was refused (412, 403, 409) when the office had moved,
reassigned or cancelled the visit meanwhile, and the record of care given was lost. It
is now stored as carried out, and what the coordinator must know or choose is kept here
(``visits.care_given``).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('visits_to_settle',
    sa.Column('visit_id', sa.Uuid(), nullable=False),
    sa.Column('service_user_id', sa.Uuid(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Enum('cancelled', 'missed', 'two_versions', 'moved_team', name='settle_reason', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('actual_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actual_end', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('status_before', sa.Enum('planned', 'completed', 'missed', 'cancelled', name='visit_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('settled_by_id', sa.Integer(), nullable=True),
    sa.Column('settlement', sa.Enum('kept', 'replaced', 'both', 'noted', name='settlement', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff.id'], name=op.f('fk_visits_to_settle_recorded_by_id_staff')),
    sa.ForeignKeyConstraint(['service_user_id'], ['service_users.id'], name=op.f('fk_visits_to_settle_service_user_id_service_users')),
    sa.ForeignKeyConstraint(['settled_by_id'], ['staff.id'], name=op.f('fk_visits_to_settle_settled_by_id_staff')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_visits_to_settle_team_id_teams')),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_visits_to_settle_visit_id_visits')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visits_to_settle'))
    )
    with op.batch_alter_table('visits_to_settle', schema=None) as batch_op:
        batch_op.create_index('ix_visits_to_settle_team_open', ['team_id', 'settled_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_visits_to_settle_visit_id'), ['visit_id'], unique=False)



def downgrade():
    with op.batch_alter_table('visits_to_settle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visits_to_settle_visit_id'))
        batch_op.drop_index('ix_visits_to_settle_team_open')

    op.drop_table('visits_to_settle')
