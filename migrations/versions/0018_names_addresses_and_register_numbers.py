"""Names and addresses in parts, gender, coded next-of-kin relations, HPR and organisation
numbers: what a Norwegian receiving system reads from the FHIR record.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-25 09:00:00

The stored names and addresses are read into parts as the service reads a new one
(``homecare.service_users.names`` and ``.addresses``, restated here so that the migration
does not change when they do): a two-word name is a given and a family name, any other
keeps its parts unknown; an address "Street 12, 0468 Oslo" is street line, postal code
and place, and municipality 0301 where the place is Oslo; the district is not guessed.
A next of kin's relation is coded where its words name one (``service_users.kin``).
"""
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

GENDERS = ('female', 'male', 'other', 'unknown')
RELATIONSHIPS = ('spouse', 'partner', 'daughter', 'son', 'child', 'mother', 'father', 'sister',
                 'brother', 'sibling', 'grandchild', 'niece', 'nephew', 'cousin',
                 'daughter_in_law', 'son_in_law', 'friend', 'neighbour', 'guardian', 'other')
WORDS = {
    'spouse': ('ektefelle', 'ektemann', 'kone', 'hustru', 'mann', 'spouse', 'husband', 'wife'),
    'partner': ('samboer', 'partner', 'registrert partner', 'kjæreste', 'sambuar'),
    'daughter': ('datter', 'dotter', 'daughter'), 'son': ('sønn', 'sonn', 'son'),
    'child': ('barn', 'child'), 'mother': ('mor', 'mamma', 'mother'),
    'father': ('far', 'pappa', 'father'), 'sister': ('søster', 'syster', 'sister'),
    'brother': ('bror', 'brother'), 'sibling': ('søsken', 'sibling'),
    'grandchild': ('barnebarn', 'barnebarnet', 'grandchild', 'granddaughter', 'grandson'),
    'niece': ('niese', 'niece'), 'nephew': ('nevø', 'nephew'),
    'cousin': ('kusine', 'fetter', 'søskenbarn', 'cousin'),
    'daughter_in_law': ('svigerdatter', 'daughter-in-law', 'daughter in law'),
    'son_in_law': ('svigersønn', 'son-in-law', 'son in law'),
    'friend': ('venn', 'venninne', 'venner', 'friend'),
    'neighbour': ('nabo', 'neighbour', 'neighbor'), 'guardian': ('verge', 'guardian'),
}
BY_WORD = {word: code for code, words in WORDS.items() for word in words}
ONE_LINE = re.compile(r"^\s*(?P<line>[^,]*\S)\s*,\s*(?P<postal>[0-9]{4})\s+(?P<city>\S.*?)\s*$")


def _relationship(relation):
    words = (relation or '').casefold().replace('(', ' ').replace(')', ' ').split()
    for candidate in ((' '.join(words), words[0], words[-1]) if words else ()):
        if candidate in BY_WORD:
            return BY_WORD[candidate]
    return None


def _name_parts(full_name):
    words = (full_name or '').split()
    return {'given_name': words[0], 'family_name': words[1]} if len(words) == 2 else {}


def _address_parts(address):
    found = ONE_LINE.match(address or '')
    if found is None:
        return {}
    city = ' '.join(found['city'].split())
    return {'address_line': ' '.join(found['line'].split()), 'postal_code': found['postal'],
            'city': city, 'municipality_number': '0301' if city.casefold() == 'oslo' else None}


def _fill_parts(connection):
    users = sa.table('service_users', sa.column('id', sa.Uuid()), sa.column('full_name'),
                     sa.column('address'), *(sa.column(name) for name in (
                         'given_name', 'family_name', 'address_line', 'postal_code', 'city',
                         'municipality_number')))
    for row in connection.execute(sa.select(users.c.id, users.c.full_name, users.c.address)):
        values = {**_name_parts(row.full_name), **_address_parts(row.address)}
        if values:
            connection.execute(users.update().where(users.c.id == row.id).values(**values))
    kin = sa.table('next_of_kin', sa.column('id', sa.Uuid()), sa.column('relation'),
                   sa.column('relationship'))
    for row in connection.execute(sa.select(kin.c.id, kin.c.relation)):
        code = _relationship(row.relation)
        if code is not None:
            connection.execute(kin.update().where(kin.c.id == row.id).values(relationship=code))


def _add_coded_column(table, column, values, name):
    """A VARCHAR column holding one of ``values``, with the CHECK the models declare
    (``str_enum``). Added in place, never by copying the table: on SQLite a copy drops
    the old table, which with foreign keys on deletes (or refuses for) every row that
    refers to it: the next of kin and the visits of every user."""
    length = max(len(value) for value in values)
    check = f"{column} IN ({', '.join(repr(value) for value in values)})"
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f"ALTER TABLE {table} ADD COLUMN {column} VARCHAR({length}) "
                   f"CONSTRAINT ck_{table}_{name} CHECK ({check})")
    else:
        op.add_column(table, sa.Column(column, sa.String(length=length), nullable=True))
        op.create_check_constraint(op.f(f'ck_{table}_{name}'), table, check)


def upgrade():
    # Only ADD COLUMN and CREATE INDEX, which SQLite does in place (see _add_coded_column).
    for name, length in (('given_name', 200), ('middle_name', 200), ('family_name', 200),
                         ('address_line', 200), ('postal_code', 4), ('city', 100),
                         ('municipality_number', 4), ('district', 100)):
        op.add_column('service_users', sa.Column(name, sa.String(length=length), nullable=True))
    _add_coded_column('service_users', 'gender', GENDERS, 'gender')
    _add_coded_column('next_of_kin', 'relationship', RELATIONSHIPS, 'kin_relationship')
    op.add_column('staff', sa.Column('hpr_number', sa.String(length=9), nullable=True))
    op.create_index(op.f('ix_staff_hpr_number'), 'staff', ['hpr_number'], unique=True)
    op.add_column('teams', sa.Column('organisation_number', sa.String(length=9), nullable=True))
    _fill_parts(op.get_bind())


def downgrade():
    # Dropping a column with a CHECK copies the table on SQLite (see _add_coded_column):
    # a downgrade of a SQLite database with users in it loses their next of kin.
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.drop_column('organisation_number')
    op.drop_index(op.f('ix_staff_hpr_number'), table_name='staff')
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_column('hpr_number')
    with op.batch_alter_table('next_of_kin', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_next_of_kin_kin_relationship'), type_='check')
        batch_op.drop_column('relationship')
    with op.batch_alter_table('service_users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_service_users_gender'), type_='check')
        for column in ('district', 'municipality_number', 'city', 'postal_code',
                       'address_line', 'gender', 'family_name', 'middle_name', 'given_name'):
            batch_op.drop_column(column)
