"""PostgreSQL: many new rows in one statement, as one array per column.

``INSERT INTO t (a, b, …) SELECT * FROM unnest(:a, :b, …)`` takes any number of rows
in one statement that PostgreSQL plans once; sent one row at a time (the driver's
executemany), PostgreSQL ran the insert anew for each row. The arrays go in psycopg's
binary format: as text, psycopg writes an array of timestamps out in Python a value at a
time (the figures: bench/RESULTS.md, "Measurements behind the code").
"""

from __future__ import annotations

import functools

import psycopg
import sqlalchemy as sa
from psycopg.types.array import ListBinaryDumper
from sqlalchemy.dialects import postgresql

from homecare.core.extensions import db


class BinaryList(list):
    """A list that psycopg sends as a binary array (registered below)."""


psycopg.adapters.register_dumper(BinaryList, ListBinaryDumper)


@functools.cache
def _holds_lists(table: sa.Table) -> bool:
    return any(isinstance(column.type, (sa.JSON, sa.ARRAY)) for column in table.columns)


def fits_in_arrays(table: sa.Table) -> bool:
    """Whether ``insert_columns`` can take the table's rows on this database: PostgreSQL,
    and no column whose values are lists themselves (JSON, ARRAY), which an array of
    them would read as one more dimension."""
    return db.session.get_bind().dialect.name == "postgresql" and not _holds_lists(table)


@functools.cache
def insert_columns(table: sa.Table, names: tuple[str, ...], *,
                   unless_stored: bool = False) -> sa.Insert:
    """``INSERT INTO table (names) SELECT * FROM unnest(…)``, built once; ``unless_stored``
    adds ``ON CONFLICT (id) DO NOTHING RETURNING id``. Its parameters: ``as_columns``."""
    # Untyped parameters, so that SQLAlchemy passes the lists on as they are (its ARRAY
    # type would copy each into a plain list); the casts tell PostgreSQL their types.
    arrays = [sa.cast(sa.bindparam(name, type_=sa.types.NullType()),
                      postgresql.ARRAY(table.c[name].type)) for name in names]
    rows = sa.func.unnest(*arrays).table_valued(*names).render_derived()
    insert = postgresql.insert(table).from_select(names, sa.select(*rows.c))
    if unless_stored:
        insert = insert.on_conflict_do_nothing(index_elements=[table.c.id]).returning(table.c.id)
    return insert


@functools.cache
def _bind_processor(column: sa.Column, dialect):
    return column.type.bind_processor(dialect)


def as_columns(table: sa.Table, names: tuple[str, ...], rows: list[dict]) -> dict:
    """Rows as ``insert_columns`` takes them: one binary list per column, each value as
    its column's type would send it (an enum's value, a timestamp checked for its zone)."""
    dialect = db.session.get_bind().dialect
    columns = {}
    for name in names:
        values = [row[name] for row in rows]
        process = _bind_processor(table.c[name], dialect)
        columns[name] = BinaryList(map(process, values) if process else values)
    return columns
