"""Whether the responsible contact made each completed main visit, kept beside it.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-24 03:20:00

The dashboard's contact indicators read these rows instead of joining every main visit
in the window to the contact history, sorting them and numbering them on each request
(``homecare.visits.contact_islands``). The rows are filled here from the visits already
stored, by the same definition.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

FILL = """
INSERT INTO contact_islands (visit_id, service_user_id, actual_start, made, island)
SELECT v.id, v.service_user_id, v.actual_start,
       CASE WHEN c.staff_id = v.staff_id THEN 1 ELSE 0 END,
       SUM(CASE WHEN c.staff_id = v.staff_id THEN 1 ELSE 0 END)
           OVER (PARTITION BY v.service_user_id ORDER BY v.actual_start, v.id)
FROM visits v
LEFT JOIN responsible_contacts c
       ON c.service_user_id = v.service_user_id AND c.valid_from <= v.actual_start
      AND (c.valid_to IS NULL OR c.valid_to > v.actual_start)
WHERE v.status = 'completed' AND v.kind = 'main'
"""


def upgrade():
    op.create_table('contact_islands',
    sa.Column('visit_id', sa.Uuid(), nullable=False),
    sa.Column('service_user_id', sa.Uuid(), nullable=False),
    sa.Column('actual_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('made', sa.SmallInteger(), nullable=False),
    sa.Column('island', sa.Integer(), nullable=False),
    sa.CheckConstraint('made IN (0, 1)', name=op.f('ck_contact_islands_made_flag')),
    sa.ForeignKeyConstraint(['service_user_id'], ['service_users.id'], name=op.f('fk_contact_islands_service_user_id_service_users')),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_contact_islands_visit_id_visits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('visit_id', name=op.f('pk_contact_islands'))
    )
    op.execute(FILL)
    with op.batch_alter_table('contact_islands', schema=None) as batch_op:
        batch_op.create_index('ix_contact_islands_start', ['actual_start'], unique=False, postgresql_include=['service_user_id', 'made', 'island'])
        batch_op.create_index('ix_contact_islands_user_start', ['service_user_id', 'actual_start'], unique=False, postgresql_include=['made', 'island'])
    if op.get_bind().dialect.name == 'postgresql':
        # Statistics for the planner now, not when autovacuum next passes by.
        op.execute('ANALYZE contact_islands')


def downgrade():
    with op.batch_alter_table('contact_islands', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_islands_user_start')
        batch_op.drop_index('ix_contact_islands_start')

    op.drop_table('contact_islands')
