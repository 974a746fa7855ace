"""Weekly visit series: visits repeating on chosen weekdays until a date.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 05:00:00

Each occurrence stays an ordinary visit; ``visits.series_id`` names the series it was
planned in, so that "this and all following" can be changed or cancelled together.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('visit_series',
    sa.Column('service_user_id', sa.Uuid(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('main', 'short', name='visit_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('weekdays', sa.String(length=7), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('planned_minutes', sa.Integer(), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('until', sa.Date(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff.id'], name=op.f('fk_visit_series_created_by_id_staff')),
    sa.ForeignKeyConstraint(['service_user_id'], ['service_users.id'], name=op.f('fk_visit_series_service_user_id_service_users')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_visit_series_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_series'))
    )
    op.create_index(op.f('ix_visit_series_service_user_id'), 'visit_series', ['service_user_id'], unique=False)
    # In place, not in batch mode: on SQLite a batch copies the visits table, and
    # dropping the old copy empties the tables that refer to it (as in 0017).
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite takes a reference in ADD COLUMN, where Alembic would copy the table.
        op.execute('ALTER TABLE visits ADD COLUMN series_id CHAR(32) '
                   'CONSTRAINT fk_visits_series_id_visit_series REFERENCES visit_series (id)')
    else:
        op.add_column('visits', sa.Column('series_id', sa.Uuid(), nullable=True))
        op.create_foreign_key(op.f('fk_visits_series_id_visit_series'), 'visits',
                              'visit_series', ['series_id'], ['id'])
    op.create_index(op.f('ix_visits_series_id'), 'visits', ['series_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_visits_series_id'), table_name='visits')
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(op.f('fk_visits_series_id_visit_series'), 'visits',
                           type_='foreignkey')
    # On SQLite this copies the table (as 0017's downgrade does).
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_column('series_id')
    op.drop_index(op.f('ix_visit_series_service_user_id'), table_name='visit_series')
    op.drop_table('visit_series')
