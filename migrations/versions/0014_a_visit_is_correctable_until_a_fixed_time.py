"""A completed visit keeps until when it may be corrected, set at its first completion.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 02:00:00

The correction window was counted from the visit's current end, so correcting the end
to "now" started the window again. Visits completed before this migration keep a null
and are counted from their current end until their first correction sets it.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('correctable_until', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_column('correctable_until')
