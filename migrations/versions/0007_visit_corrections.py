"""Visit corrections: what a completed visit said before its staff member or a
coordinator corrected its times or note.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 10:24:24.863904

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('visit_corrections',
    sa.Column('visit_id', sa.Uuid(), nullable=False),
    sa.Column('service_user_id', sa.Uuid(), nullable=False),
    sa.Column('corrected_by_id', sa.Integer(), nullable=False),
    sa.Column('actual_start', sa.DateTime(timezone=True), nullable=True),
    sa.Column('actual_end', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['corrected_by_id'], ['staff.id'], name=op.f('fk_visit_corrections_corrected_by_id_staff')),
    sa.ForeignKeyConstraint(['service_user_id'], ['service_users.id'], name=op.f('fk_visit_corrections_service_user_id_service_users')),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_visit_corrections_visit_id_visits')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_corrections'))
    )
    with op.batch_alter_table('visit_corrections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_corrections_visit_id'), ['visit_id'], unique=False)



def downgrade():
    with op.batch_alter_table('visit_corrections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_corrections_visit_id'))

    op.drop_table('visit_corrections')
