"""The per-visit contact rows renamed to what they are: contact marks.

Revision ID: 0022
Revises: 0021

Migration 0013 removed the "island" numbering; the table kept the name. Renamed in
place: PostgreSQL renames the table, its indexes and constraints; SQLite renames the
table and builds its two indexes under the new names (its constraint names live in
the table's text and name nothing that is looked up). No rows are copied.
"""
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

INDEXES = {
    "ix_{}_user_start": ("service_user_id", "actual_start"),
    "ix_{}_start": ("actual_start",),
}
INCLUDED = {
    "ix_{}_user_start": ["made", "since_made", "run_started_at"],
    "ix_{}_start": ["service_user_id", "made", "since_made", "run_started_at"],
}
CONSTRAINTS = ("pk_{}", "ck_{}_made_flag", "fk_{}_service_user_id_service_users",
               "fk_{}_visit_id_visits")


def _rename(old: str, new: str) -> None:
    op.rename_table(old, new)
    if op.get_bind().dialect.name == "postgresql":
        for index in INDEXES:
            op.execute(f'ALTER INDEX "{index.format(old)}" RENAME TO "{index.format(new)}"')
        for constraint in CONSTRAINTS:
            op.execute(f'ALTER TABLE "{new}" RENAME CONSTRAINT "{constraint.format(old)}" '
                       f'TO "{constraint.format(new)}"')
        return
    for index, columns in INDEXES.items():
        op.drop_index(index.format(old), table_name=new)
        op.create_index(index.format(new), new, list(columns),
                        postgresql_include=INCLUDED[index])


def upgrade():
    _rename("contact_islands", "contact_marks")


def downgrade():
    _rename("contact_marks", "contact_islands")
