"""Completed visits by user and start, and by start alone, covering what is read.

The windowed indicators and the contact flag read completed visits in a time range,
with kind and staff: for one section by user, for all of Oslo by time. Partial indexes
on exactly those rows (with the columns read included on PostgreSQL) make both
index-only range scans. They replace the index on all visits by user and actual start,
which only completed visits have.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

COMPLETED = sa.text("status = 'completed'")


def upgrade():
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_index("ix_visits_user_actual_start")
        batch_op.create_index("ix_visits_completed_user_start",
                              ["service_user_id", "actual_start"],
                              postgresql_include=["kind", "staff_id", "id"],
                              postgresql_where=COMPLETED, sqlite_where=COMPLETED)
        batch_op.create_index("ix_visits_completed_start", ["actual_start"],
                              postgresql_include=["service_user_id", "kind", "staff_id", "id"],
                              postgresql_where=COMPLETED, sqlite_where=COMPLETED)


def downgrade():
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_index("ix_visits_completed_start")
        batch_op.drop_index("ix_visits_completed_user_start")
        batch_op.create_index("ix_visits_user_actual_start", ["service_user_id", "actual_start"])
