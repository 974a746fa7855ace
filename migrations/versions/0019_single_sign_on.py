"""Single sign-on: staff accounts linked to the identity provider's subject, the one-time
invitations that make the first link, and the nonces of ID tokens already used.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 02:04:13.335510

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sign_in_nonces',
    sa.Column('nonce_hash', sa.String(length=64), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('nonce_hash', name=op.f('pk_sign_in_nonces'))
    )
    with op.batch_alter_table('sign_in_nonces', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_nonces_used_at'), ['used_at'], unique=False)

    op.create_table('sign_in_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff.id'], name=op.f('fk_sign_in_invitations_created_by_id_staff')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_sign_in_invitations_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_invitations')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_sign_in_invitations_code_hash'))
    )
    with op.batch_alter_table('sign_in_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_invitations_staff_id'), ['staff_id'], unique=False)

    op.create_table('staff_identities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('issuer', sa.String(length=255), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('linked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_sign_in_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_staff_identities_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_identities')),
    sa.UniqueConstraint('issuer', 'subject', name='uq_staff_identities_issuer_subject'),
    sa.UniqueConstraint('staff_id', 'issuer', name='uq_staff_identities_staff_issuer')
    )


def downgrade():
    op.drop_table('staff_identities')
    with op.batch_alter_table('sign_in_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_invitations_staff_id'))

    op.drop_table('sign_in_invitations')
    with op.batch_alter_table('sign_in_nonces', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_nonces_used_at'))

    op.drop_table('sign_in_nonces')
