"""The initial schema: organisation, care records and the append-only audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-22 06:29:21.022822

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


#: The audit log is append-only: the database refuses UPDATE and DELETE, whoever asks.
APPEND_ONLY_SQL = {
    "postgresql": [
        """CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$""",
        """CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()""",
    ],
    "sqlite": [
        """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
        """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
    ],
}
DROP_APPEND_ONLY_SQL = {
    "postgresql": ["DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",
                   "DROP FUNCTION IF EXISTS audit_log_append_only()"],
    "sqlite": ["DROP TRIGGER IF EXISTS audit_log_no_update",
               "DROP TRIGGER IF EXISTS audit_log_no_delete"],
}


def upgrade():
    op.create_table('sections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sections')),
    sa.UniqueConstraint('name', name=op.f('uq_sections_name'))
    )
    op.create_table('staff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.Enum('admin', 'section_leader', 'coordinator', 'staff', name='staff_role', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('profession', sa.Enum('nurse', 'health_worker', 'home_helper', 'case_officer', 'occupational_therapist', 'physiotherapist', 'other', name='profession', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('section_id', sa.Integer(), nullable=True),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('session_token', sa.String(length=64), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['section_id'], ['sections.id'], name=op.f('fk_staff_section_id_sections')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff')),
    sa.UniqueConstraint('session_token', name=op.f('uq_staff_session_token')),
    sa.UniqueConstraint('username', name=op.f('uq_staff_username'))
    )
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_section_id'), ['section_id'], unique=False)

    op.create_table('teams',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['section_id'], ['sections.id'], name=op.f('fk_teams_section_id_sections')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teams')),
    sa.UniqueConstraint('section_id', 'name', name='uq_teams_section_name')
    )
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_teams_section_id'), ['section_id'], unique=False)

    op.create_table('audit_log',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_role', sa.String(length=20), nullable=True),
    sa.Column('action', sa.Enum('read', 'create', 'update', name='audit_action', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.String(length=64), nullable=False),
    sa.Column('service_user_id', sa.Uuid(), nullable=True),
    sa.Column('detail', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['staff.id'], name=op.f('fk_audit_log_actor_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_actor_at', ['actor_id', 'at'], unique=False)
        batch_op.create_index('ix_audit_log_user_at', ['service_user_id', 'at'], unique=False)

    op.create_table('service_users',
    sa.Column('national_id', sa.String(length=11), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('service_type', sa.Enum('short_term', 'long_term', name='service_type', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('service_start', sa.Date(), nullable=False),
    sa.Column('service_end', sa.Date(), nullable=True),
    sa.Column('needs_proxy', sa.Boolean(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('service_end IS NULL OR service_end >= service_start', name=op.f('ck_service_users_service_period')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_service_users_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_users')),
    sa.UniqueConstraint('national_id', name=op.f('uq_service_users_national_id'))
    )
    with op.batch_alter_table('service_users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_users_team_id'), ['team_id'], unique=False)

    op.create_table('staff_teams',
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_staff_teams_staff_id_staff'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_staff_teams_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('staff_id', 'team_id', name=op.f('pk_staff_teams'))
    )
    with op.batch_alter_table('staff_teams', schema=None) as batch_op:
        batch_op.create_index('ix_staff_teams_team_id', ['team_id'], unique=False)

    op.create_table('decisions',
    sa.Column('service_user_id', sa.Uuid(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('user_participated', sa.Boolean(), nullable=False),
    sa.Column('goal_statement', sa.Text(), nullable=False),
    sa.Column('services', sa.Text(), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('review_on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('in_force', 'revoked', name='decision_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('valid_to IS NULL OR valid_to >= valid_from', name=op.f('ck_decisions_valid_period')),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff.id'], name=op.f('fk_decisions_created_by_id_staff')),
    sa.ForeignKeyConstraint(['service_user_id'], ['service_users.id'], name=op.f('fk_decisions_service_user_id_service_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decisions'))
    )
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index('ix_decisions_user_valid_from', ['service_user_id', 'valid_from'], unique=False)

    op.create_table('next_of_kin',
    sa.Column('service_user_id', sa.Uuid(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('relation', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['service_user_id'], ['service_users.id'], name=op.f('fk_next_of_kin_service_user_id_service_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_next_of_kin'))
    )
    with op.batch_alter_table('next_of_kin', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_next_of_kin_service_user_id'), ['service_user_id'], unique=False)

    op.create_table('responsible_contacts',
    sa.Column('service_user_id', sa.Uuid(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.DateTime(timezone=True), nullable=False),
    sa.Column('valid_to', sa.DateTime(timezone=True), nullable=True),
    sa.Column('assigned_by_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('valid_to IS NULL OR valid_to > valid_from', name=op.f('ck_responsible_contacts_period_order')),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['staff.id'], name=op.f('fk_responsible_contacts_assigned_by_id_staff')),
    sa.ForeignKeyConstraint(['service_user_id'], ['service_users.id'], name=op.f('fk_responsible_contacts_service_user_id_service_users')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_responsible_contacts_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_responsible_contacts'))
    )
    with op.batch_alter_table('responsible_contacts', schema=None) as batch_op:
        batch_op.create_index('ix_responsible_contacts_staff', ['staff_id', 'valid_from'], unique=False)
        batch_op.create_index('ix_responsible_contacts_user_from', ['service_user_id', 'valid_from'], unique=False)
        batch_op.create_index('uq_responsible_contacts_open', ['service_user_id'], unique=True, sqlite_where=sa.text('valid_to IS NULL'), postgresql_where=sa.text('valid_to IS NULL'))

    op.create_table('service_user_teams',
    sa.Column('service_user_id', sa.Uuid(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('valid_to IS NULL OR valid_to > valid_from', name=op.f('ck_service_user_teams_period_order')),
    sa.ForeignKeyConstraint(['service_user_id'], ['service_users.id'], name=op.f('fk_service_user_teams_service_user_id_service_users')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_service_user_teams_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_user_teams'))
    )
    with op.batch_alter_table('service_user_teams', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_user_teams_service_user_id'), ['service_user_id'], unique=False)
        batch_op.create_index('ix_service_user_teams_team_period', ['team_id', 'valid_from'], unique=False)
        batch_op.create_index('uq_service_user_teams_open', ['service_user_id'], unique=True, sqlite_where=sa.text('valid_to IS NULL'), postgresql_where=sa.text('valid_to IS NULL'))

    op.create_table('visits',
    sa.Column('service_user_id', sa.Uuid(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('main', 'short', name='visit_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('planned_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('planned_minutes', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('planned', 'completed', 'missed', 'cancelled', name='visit_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('actual_start', sa.DateTime(timezone=True), nullable=True),
    sa.Column('actual_end', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("status <> 'completed' OR (actual_start IS NOT NULL AND actual_end IS NOT NULL)", name=op.f('ck_visits_completed_has_times')),
    sa.CheckConstraint('actual_end IS NULL OR actual_start IS NULL OR actual_end > actual_start', name=op.f('ck_visits_actual_order')),
    sa.CheckConstraint('planned_minutes BETWEEN 1 AND 1440', name=op.f('ck_visits_planned_minutes')),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff.id'], name=op.f('fk_visits_created_by_id_staff')),
    sa.ForeignKeyConstraint(['service_user_id'], ['service_users.id'], name=op.f('fk_visits_service_user_id_service_users')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_visits_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visits'))
    )
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.create_index('ix_visits_staff_planned_start', ['staff_id', 'planned_start'], unique=False)
        batch_op.create_index('ix_visits_user_actual_start', ['service_user_id', 'actual_start'], unique=False)
        batch_op.create_index('ix_visits_user_planned_start', ['service_user_id', 'planned_start'], unique=False)

    op.create_table('what_matters',
    sa.Column('service_user_id', sa.Uuid(), nullable=False),
    sa.Column('conversation_date', sa.Date(), nullable=False),
    sa.Column('asked_by_id', sa.Integer(), nullable=False),
    sa.Column('present', sa.JSON(), nullable=False),
    sa.Column('in_own_words', sa.Text(), nullable=False),
    sa.Column('spoken_for_by', sa.String(length=200), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['asked_by_id'], ['staff.id'], name=op.f('fk_what_matters_asked_by_id_staff')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff.id'], name=op.f('fk_what_matters_recorded_by_id_staff')),
    sa.ForeignKeyConstraint(['service_user_id'], ['service_users.id'], name=op.f('fk_what_matters_service_user_id_service_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_what_matters'))
    )
    with op.batch_alter_table('what_matters', schema=None) as batch_op:
        batch_op.create_index('ix_what_matters_user_date', ['service_user_id', 'conversation_date'], unique=False)

    op.create_table('decision_participants',
    sa.Column('decision_id', sa.Uuid(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_decision_participants_decision_id_decisions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_decision_participants_staff_id_staff')),
    sa.PrimaryKeyConstraint('decision_id', 'staff_id', name=op.f('pk_decision_participants'))
    )
    op.create_table('goals',
    sa.Column('service_user_id', sa.Uuid(), nullable=False),
    sa.Column('what_matters_id', sa.Uuid(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('expressed_by', sa.Enum('user', 'next_of_kin', 'staff', name='expressed_by', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('checkin_interval_days', sa.Integer(), nullable=False),
    sa.Column('baseline_performance', sa.Integer(), nullable=True),
    sa.Column('baseline_satisfaction', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('proposed', 'active', 'on_hold', 'achieved', 'not_achieved', 'cancelled', name='goal_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("(status IN ('achieved', 'cancelled', 'not_achieved')) = (closed_on IS NOT NULL)", name=op.f('ck_goals_closed_on_matches')),
    sa.CheckConstraint('baseline_performance IS NULL OR baseline_performance BETWEEN 1 AND 10', name=op.f('ck_goals_baseline_performance_range')),
    sa.CheckConstraint('baseline_satisfaction IS NULL OR baseline_satisfaction BETWEEN 1 AND 10', name=op.f('ck_goals_baseline_satisfaction_range')),
    sa.CheckConstraint('checkin_interval_days BETWEEN 7 AND 182', name=op.f('ck_goals_interval_range')),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff.id'], name=op.f('fk_goals_created_by_id_staff')),
    sa.ForeignKeyConstraint(['service_user_id'], ['service_users.id'], name=op.f('fk_goals_service_user_id_service_users')),
    sa.ForeignKeyConstraint(['what_matters_id'], ['what_matters.id'], name=op.f('fk_goals_what_matters_id_what_matters')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goals'))
    )
    with op.batch_alter_table('goals', schema=None) as batch_op:
        batch_op.create_index('ix_goals_user_status', ['service_user_id', 'status'], unique=False)

    op.create_table('check_ins',
    sa.Column('goal_id', sa.Uuid(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('performance', sa.Integer(), nullable=True),
    sa.Column('satisfaction', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('got_expected_help', sa.Enum('yes', 'partly', 'no', 'not_asked', name='got_expected_help', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('could_influence', sa.Enum('yes', 'partly', 'no', 'not_asked', name='could_influence', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('satisfied', sa.Enum('yes', 'partly', 'no', 'not_asked', name='satisfied', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('performance IS NULL OR performance BETWEEN 1 AND 10', name=op.f('ck_check_ins_performance')),
    sa.CheckConstraint('satisfaction IS NULL OR satisfaction BETWEEN 1 AND 10', name=op.f('ck_check_ins_satisfaction')),
    sa.ForeignKeyConstraint(['goal_id'], ['goals.id'], name=op.f('fk_check_ins_goal_id_goals')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff.id'], name=op.f('fk_check_ins_recorded_by_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_check_ins'))
    )
    with op.batch_alter_table('check_ins', schema=None) as batch_op:
        batch_op.create_index('ix_check_ins_goal_date', ['goal_id', 'date'], unique=False)

    for statement in APPEND_ONLY_SQL.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade():
    for statement in DROP_APPEND_ONLY_SQL.get(op.get_bind().dialect.name, []):
        op.execute(statement)
    with op.batch_alter_table('check_ins', schema=None) as batch_op:
        batch_op.drop_index('ix_check_ins_goal_date')

    op.drop_table('check_ins')
    with op.batch_alter_table('goals', schema=None) as batch_op:
        batch_op.drop_index('ix_goals_user_status')

    op.drop_table('goals')
    op.drop_table('decision_participants')
    with op.batch_alter_table('what_matters', schema=None) as batch_op:
        batch_op.drop_index('ix_what_matters_user_date')

    op.drop_table('what_matters')
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_index('ix_visits_user_planned_start')
        batch_op.drop_index('ix_visits_user_actual_start')
        batch_op.drop_index('ix_visits_staff_planned_start')

    op.drop_table('visits')
    with op.batch_alter_table('service_user_teams', schema=None) as batch_op:
        batch_op.drop_index('uq_service_user_teams_open', sqlite_where=sa.text('valid_to IS NULL'), postgresql_where=sa.text('valid_to IS NULL'))
        batch_op.drop_index('ix_service_user_teams_team_period')
        batch_op.drop_index(batch_op.f('ix_service_user_teams_service_user_id'))

    op.drop_table('service_user_teams')
    with op.batch_alter_table('responsible_contacts', schema=None) as batch_op:
        batch_op.drop_index('uq_responsible_contacts_open', sqlite_where=sa.text('valid_to IS NULL'), postgresql_where=sa.text('valid_to IS NULL'))
        batch_op.drop_index('ix_responsible_contacts_user_from')
        batch_op.drop_index('ix_responsible_contacts_staff')

    op.drop_table('responsible_contacts')
    with op.batch_alter_table('next_of_kin', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_next_of_kin_service_user_id'))

    op.drop_table('next_of_kin')
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index('ix_decisions_user_valid_from')

    op.drop_table('decisions')
    with op.batch_alter_table('staff_teams', schema=None) as batch_op:
        batch_op.drop_index('ix_staff_teams_team_id')

    op.drop_table('staff_teams')
    with op.batch_alter_table('service_users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_users_team_id'))

    op.drop_table('service_users')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_user_at')
        batch_op.drop_index('ix_audit_log_actor_at')

    op.drop_table('audit_log')
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_teams_section_id'))

    op.drop_table('teams')
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_section_id'))

    op.drop_table('staff')
    op.drop_table('sections')
