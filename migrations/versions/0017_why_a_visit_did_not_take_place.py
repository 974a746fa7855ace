"""A visit that did not take place keeps why, and who said so and when (to undo it).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 02:31:47.054479

«Besøket ble ikke gjennomført» was one tap, final, with no reason. Visits marked missed
before keep nulls.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    # Added in place, not in batch mode: on SQLite a batch copies the visits table, and
    # dropping the old copy empties the tables that refer to it (contact_islands).
    op.add_column('visits', sa.Column('missed_reason', sa.Text(), nullable=True))
    op.add_column('visits', sa.Column('missed_at', sa.DateTime(timezone=True), nullable=True))
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite takes a reference in ADD COLUMN, where Alembic would copy the table.
        op.execute('ALTER TABLE visits ADD COLUMN missed_by_id INTEGER '
                   'CONSTRAINT fk_visits_missed_by_id_staff REFERENCES staff (id)')
    else:
        op.add_column('visits', sa.Column('missed_by_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_visits_missed_by_id_staff'), 'visits', 'staff',
                              ['missed_by_id'], ['id'])


def downgrade():
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(op.f('fk_visits_missed_by_id_staff'), 'visits', type_='foreignkey')
    # On SQLite this copies the table (the reference goes with the column); the copy
    # empties contact_islands, which the next upgrade's demo or generator rebuilds.
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_column('missed_at')
        batch_op.drop_column('missed_by_id')
        batch_op.drop_column('missed_reason')
