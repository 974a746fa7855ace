"""Server-side sign-in sessions, sign-in attempts, and a fuller audit log.

Sessions and attempts are kept in the database so that every web worker ends the same
sessions and counts the same failed sign-ins. The audit log learns a ``refused`` action
(wider column and CHECK) and, on PostgreSQL, refuses TRUNCATE, which the row triggers of
0001 cannot see. SQLite rebuilds the table to change its CHECK, which drops its triggers,
so they are made again.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 07:07:29.468458

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

AUDIT_ACTIONS = ('read', 'create', 'update')
SQLITE_TRIGGERS = [
    """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
    """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
]


def _set_audit_actions(actions, length):
    """Widen or narrow the actions the audit log's CHECK allows."""
    allowed = ", ".join(f"'{action}'" for action in actions)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE audit_log DROP CONSTRAINT ck_audit_log_audit_action")
        op.execute(f"ALTER TABLE audit_log ALTER COLUMN action TYPE VARCHAR({length})")
        op.execute("ALTER TABLE audit_log ADD CONSTRAINT ck_audit_log_audit_action "
                   f"CHECK (action IN ({allowed}))")
        return
    with op.batch_alter_table('audit_log', recreate="always") as batch_op:
        batch_op.drop_constraint('audit_action', type_='check')
        batch_op.alter_column('action', existing_type=sa.VARCHAR(), type_=sa.String(length))
        batch_op.create_check_constraint('audit_action', sa.text(f"action IN ({allowed})"))
    for statement in SQLITE_TRIGGERS:
        op.execute(statement)


def _refuse_truncate(on):
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite has no TRUNCATE; its DELETE trigger covers DELETE without WHERE
    if on:
        op.execute("""CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
                      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()""")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")


def upgrade():
    op.create_table('sign_in_attempts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('client_address', sa.String(length=45), nullable=False),
    sa.Column('outcome', sa.Enum('succeeded', 'failed', 'throttled', name='sign_in_outcome', native_enum=False, create_constraint=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_attempts'))
    )
    with op.batch_alter_table('sign_in_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_sign_in_attempts_address_at', ['client_address', 'at'], unique=False)
        batch_op.create_index('ix_sign_in_attempts_at', ['at'], unique=False)
        batch_op.create_index('ix_sign_in_attempts_username_at', ['username', 'at'], unique=False)

    op.create_table('sign_in_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('end_reason', sa.Enum('signed_out', 'idle', 'expired', 'password_changed', 'deactivated', name='end_reason', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('client_address', sa.String(length=45), nullable=True),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_sign_in_sessions_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_sessions')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_sign_in_sessions_secret_hash'))
    )
    with op.batch_alter_table('sign_in_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_sessions_staff_id'), ['staff_id'], unique=False)

    _set_audit_actions(AUDIT_ACTIONS + ('refused',), 7)

    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(), nullable=False))

    _refuse_truncate(True)


def downgrade():
    _refuse_truncate(False)
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')

    _set_audit_actions(AUDIT_ACTIONS, 6)

    with op.batch_alter_table('sign_in_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_sessions_staff_id'))

    op.drop_table('sign_in_sessions')
    with op.batch_alter_table('sign_in_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_sign_in_attempts_username_at')
        batch_op.drop_index('ix_sign_in_attempts_at')
        batch_op.drop_index('ix_sign_in_attempts_address_at')

    op.drop_table('sign_in_attempts')
