"""Section settings with their change history, and weekly indicator snapshots.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 07:18:02.366772

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('indicator_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('scope_type', sa.String(length=10), nullable=False),
    sa.Column('scope_id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('indicator', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Double(), nullable=True),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('extras', sa.JSON(), nullable=False),
    sa.Column('window_days', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['section_id'], ['sections.id'], name=op.f('fk_indicator_snapshots_section_id_sections')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_snapshots')),
    sa.UniqueConstraint('scope_type', 'scope_id', 'indicator', 'date', name='uq_indicator_snapshots_scope_indicator_date')
    )
    with op.batch_alter_table('indicator_snapshots', schema=None) as batch_op:
        batch_op.create_index('ix_indicator_snapshots_date', ['date'], unique=False)

    op.create_table('section_settings',
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('dashboard_indicators', sa.JSON(), nullable=False),
    sa.Column('contact_every_n', sa.Integer(), nullable=False),
    sa.Column('caseload_cap', sa.Integer(), nullable=False),
    sa.Column('followup_grace_days', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('caseload_cap BETWEEN 1 AND 100', name=op.f('ck_section_settings_caseload_cap')),
    sa.CheckConstraint('contact_every_n BETWEEN 2 AND 30', name=op.f('ck_section_settings_contact_every_n')),
    sa.CheckConstraint('followup_grace_days BETWEEN 0 AND 60', name=op.f('ck_section_settings_followup_grace_days')),
    sa.ForeignKeyConstraint(['section_id'], ['sections.id'], name=op.f('fk_section_settings_section_id_sections')),
    sa.PrimaryKeyConstraint('section_id', name=op.f('pk_section_settings'))
    )
    op.create_table('section_settings_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['staff.id'], name=op.f('fk_section_settings_changes_changed_by_id_staff')),
    sa.ForeignKeyConstraint(['section_id'], ['sections.id'], name=op.f('fk_section_settings_changes_section_id_sections')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_section_settings_changes'))
    )
    with op.batch_alter_table('section_settings_changes', schema=None) as batch_op:
        batch_op.create_index('ix_section_settings_changes_section_at', ['section_id', 'at'], unique=False)



def downgrade():
    with op.batch_alter_table('section_settings_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_section_settings_changes_section_at')

    op.drop_table('section_settings_changes')
    op.drop_table('section_settings')
    with op.batch_alter_table('indicator_snapshots', schema=None) as batch_op:
        batch_op.drop_index('ix_indicator_snapshots_date')

    op.drop_table('indicator_snapshots')
