"""Each contact mark keeps the run without the contact it ends, not its island number.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-24 08:00:00

With the run's length so far (``since_made``) and when it began (``run_started_at``)
on each row, the dashboard reads the longest run in its window from one grouping by
user, where the island number needed a grouping by user and island first
(``homecare.visits.contact_islands``). The new columns are worked out from the stored
island numbers, which group each user's rows into runs the same way.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

COLUMNS = "visit_id, service_user_id, actual_start, made"

RUNS = f"""
SELECT {COLUMNS},
       SUM(1 - made) OVER (PARTITION BY service_user_id, island
                           ORDER BY actual_start, visit_id) AS since_made,
       CASE WHEN made = 1 THEN actual_start
            ELSE MIN(CASE WHEN made = 0 THEN actual_start END)
                     OVER (PARTITION BY service_user_id, island) END AS run_started_at
FROM old_marks
"""

ISLANDS = f"""
SELECT {COLUMNS},
       SUM(made) OVER (PARTITION BY service_user_id ORDER BY actual_start, visit_id) AS island
FROM old_marks
"""


def _table(*columns):
    op.create_table('contact_islands',
    sa.Column('visit_id', sa.Uuid(), nullable=False),
    sa.Column('service_user_id', sa.Uuid(), nullable=False),
    sa.Column('actual_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('made', sa.SmallInteger(), nullable=False),
    *columns,
    sa.CheckConstraint('made IN (0, 1)', name=op.f('ck_contact_islands_made_flag')),
    sa.ForeignKeyConstraint(['service_user_id'], ['service_users.id'], name=op.f('fk_contact_islands_service_user_id_service_users')),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_contact_islands_visit_id_visits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('visit_id', name=op.f('pk_contact_islands'))
    )


def _rewrite(select: str, columns: list, included: list) -> None:
    """The table made anew with ``columns`` after the common ones, filled by ``select``
    from its old rows (kept meanwhile in a temporary table), then indexed."""
    op.execute("CREATE TEMPORARY TABLE old_marks AS SELECT * FROM contact_islands")
    op.drop_table('contact_islands')
    _table(*columns)
    names = ", ".join(column.name for column in columns)
    op.execute(f"INSERT INTO contact_islands ({COLUMNS}, {names}) {select}")
    op.execute("DROP TABLE old_marks")
    with op.batch_alter_table('contact_islands', schema=None) as batch_op:
        batch_op.create_index('ix_contact_islands_start', ['actual_start'], unique=False, postgresql_include=['service_user_id', 'made', *included])
        batch_op.create_index('ix_contact_islands_user_start', ['service_user_id', 'actual_start'], unique=False, postgresql_include=['made', *included])
    if op.get_bind().dialect.name == 'postgresql':
        # Statistics for the planner now, not when autovacuum next passes by.
        op.execute('ANALYZE contact_islands')


def upgrade():
    _rewrite(RUNS, [sa.Column('since_made', sa.Integer(), nullable=False),
                    sa.Column('run_started_at', sa.DateTime(timezone=True), nullable=False)],
             ['since_made', 'run_started_at'])


def downgrade():
    _rewrite(ISLANDS, [sa.Column('island', sa.Integer(), nullable=False)], ['island'])
