"""Transfer requests: a team asks to take over a person another team already serves.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 01:28:19.293893

Registering a national id that another team holds answered «already registered», which
told any coordinator whether a person received care elsewhere. It now starts a request
to the user's own team, without saying so (``service_users.transfers``).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('transfer_requests',
    sa.Column('service_user_id', sa.Uuid(), nullable=False),
    sa.Column('to_team_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('typed_name', sa.String(length=200), nullable=False),
    sa.Column('wanted_from', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('open', 'accepted', 'declined', name='transfer_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['staff.id'], name=op.f('fk_transfer_requests_decided_by_id_staff')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['staff.id'], name=op.f('fk_transfer_requests_requested_by_id_staff')),
    sa.ForeignKeyConstraint(['service_user_id'], ['service_users.id'], name=op.f('fk_transfer_requests_service_user_id_service_users')),
    sa.ForeignKeyConstraint(['to_team_id'], ['teams.id'], name=op.f('fk_transfer_requests_to_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfer_requests'))
    )
    with op.batch_alter_table('transfer_requests', schema=None) as batch_op:
        batch_op.create_index('ix_transfer_requests_to_team_status', ['to_team_id', 'status'], unique=False)
        batch_op.create_index('ix_transfer_requests_user_status', ['service_user_id', 'status'], unique=False)



def downgrade():
    with op.batch_alter_table('transfer_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_transfer_requests_user_status')
        batch_op.drop_index('ix_transfer_requests_to_team_status')

    op.drop_table('transfer_requests')
