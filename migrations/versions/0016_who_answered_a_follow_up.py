"""A follow-up records whose voice it is: the user's, a next of kin's, or nobody's and why.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 02:21:10.939674

Follow-ups recorded before keep a null: nobody was asked then who answered.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('check_ins', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answered_by', sa.Enum('user', 'next_of_kin', 'could_not_answer', name='answered_by', native_enum=False, create_constraint=True), nullable=True))
        batch_op.add_column(sa.Column('spoken_for_by_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('spoken_for_by', sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column('not_answered_reason', sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_check_ins_spoken_for_by_id_next_of_kin'), 'next_of_kin', ['spoken_for_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_check_constraint(
            batch_op.f('ck_check_ins_reason_given'),
            "answered_by IS NULL OR answered_by <> 'could_not_answer' "
            "OR not_answered_reason IS NOT NULL")



def downgrade():
    with op.batch_alter_table('check_ins', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_check_ins_reason_given'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_check_ins_answered_by'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_check_ins_spoken_for_by_id_next_of_kin'), type_='foreignkey')
        batch_op.drop_column('not_answered_reason')
        batch_op.drop_column('spoken_for_by')
        batch_op.drop_column('spoken_for_by_id')
        batch_op.drop_column('answered_by')

