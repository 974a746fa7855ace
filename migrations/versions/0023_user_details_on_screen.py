"""A user's own phone, why their service ended, and whether a next of kin may speak for them.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 05:00:00

The user's details are kept on screen (issue 30, item 2): the phone next to the address,
the reason beside the end of a service, and for each next of kin whether they may speak
for the user (null where nobody has said).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('service_users', sa.Column('service_end_reason', sa.String(length=300),
                                             nullable=True))
    op.add_column('service_users', sa.Column('phone', sa.String(length=40), nullable=True))
    op.add_column('next_of_kin', sa.Column('may_speak_for', sa.Boolean(), nullable=True))


def downgrade():
    op.drop_column('next_of_kin', 'may_speak_for')
    op.drop_column('service_users', 'phone')
    op.drop_column('service_users', 'service_end_reason')
