"""Prompts indexed for the daily jobs, which read the open ones by kind.

The worklist no longer reads the prompts table (prompts are derived), so the indexes
by addressee and team are dropped.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 11:19:43.412027

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('prompts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_prompts_open_staff'))
        batch_op.drop_index(batch_op.f('ix_prompts_open_team'))
        batch_op.create_index('ix_prompts_open_kind', ['kind', 'dedupe_key'], unique=False, postgresql_include=['addressed_to_id'], postgresql_where=sa.text('resolved_at IS NULL'), sqlite_where=sa.text('resolved_at IS NULL'))



def downgrade():
    with op.batch_alter_table('prompts', schema=None) as batch_op:
        batch_op.drop_index('ix_prompts_open_kind', postgresql_where=sa.text('resolved_at IS NULL'), sqlite_where=sa.text('resolved_at IS NULL'))
        batch_op.create_index(batch_op.f('ix_prompts_open_team'), ['team_id', 'resolved_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_prompts_open_staff'), ['addressed_to_id', 'resolved_at'], unique=False)

