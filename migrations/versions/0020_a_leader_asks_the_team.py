"""A section leader may open a question to a team beside an indicator (issue 31).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 03:40:00

A reading was a team's comment or an answer to one; a leader could only answer. The
flag says that a first message of a thread is the leader's question, as it was written
(the author's role may change later). Earlier readings are the team's comments.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    # In place (no batch copy on SQLite): nothing refers to the table but itself.
    op.add_column('indicator_readings', sa.Column(
        'question', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('indicator_readings', schema=None) as batch_op:
        batch_op.drop_column('question')
