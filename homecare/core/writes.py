"""The one write path: every record written reaches the same listeners, once.

Records are written two ways. Most go through the unit of work: a service changes
objects and the session flushes them. A run of new records that arrives at once (a
tablet's queue through ``POST /sync``, a lone offline ``PUT``) is inserted by
``save_new`` in a few statements instead, because the unit of work's
bookkeeping per object costs more than the database does. Both end in ``_announce``,
which hands a ``Written`` to each listener registered with ``when_written``: the audit
log's CREATE and UPDATE rows (``core.audit``) and the contact marks beside completed
main visits (``visits.contact_marks``). A new write-time effect is registered once,
and holds for both ways; docs/architecture.md lists every one.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import event, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.interfaces import MANYTOONE

from homecare.core.extensions import db
from homecare.core.row_arrays import as_columns, fits_in_arrays, insert_columns


@dataclass(frozen=True)
class Written:
    """What one write did, in its transaction (``connection``).

    ``changed`` records still hold their old values in their attribute history (a
    listener reads them with ``sqlalchemy.inspect``); ``created`` and ``deleted`` are
    whole records. ``only_added`` says that nothing stored before was changed or removed.
    """

    connection: sa.Connection
    created: Sequence = ()
    changed: Sequence = ()
    deleted: Sequence = ()

    @property
    def only_added(self) -> bool:
        """Nothing stored before was changed or removed (a listener may then only add)."""
        return not self.changed and not self.deleted

    def of(self, *models: type) -> list[tuple[object, bool]]:
        """The records of ``models`` this write touched, each with whether it was
        created or deleted (True) or changed (False)."""
        return [(record, whole) for records, whole in ((self.created, True),
                                                       (self.changed, False),
                                                       (self.deleted, True))
                for record in records if isinstance(record, models)]


_LISTENERS: list[Callable[[Written], None]] = []


def when_written(listener: Callable[[Written], None]) -> Callable[[Written], None]:
    """Decorator: call ``listener`` with every write, flushed or saved by ``save_new``,
    in the write's transaction (before it commits)."""
    _LISTENERS.append(listener)
    return listener


def _announce(written: Written) -> None:
    for listener in _LISTENERS:
        listener(written)


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _flush_context) -> None:
    # after_flush: ids are assigned and each attribute's old value is still readable.
    with session.no_autoflush:
        written = Written(session.connection(), created=list(session.new),
                          changed=[record for record in session.dirty
                                   if session.is_modified(record)],
                          deleted=list(session.deleted))
        if written.created or written.changed or written.deleted:
            _announce(written)


def save_new(records: Sequence) -> list:
    """Save new records of one model as a flush would, in one statement where it can, and
    announce them to the same listeners a flush does. Returns the records saved.

    A record whose id the table already holds (a repeat, or another request's insert
    a moment ago) is left out, not refused: the database skips its row, and the caller
    answers it by comparing it with what is stored. The records saved then belong to
    the session as if flushed.
    """
    if not records:
        return []
    mapper = inspect(type(records[0]))
    rows = [_column_values(record, mapper) for record in records]
    # Core statements on the session's connection: the ORM's bulk path would only
    # repeat, per statement, the bookkeeping this function does itself.
    inserted = _insert_unless_stored_rows(mapper.local_table, rows)
    saved = [record for record in records if record.id in inserted]
    for record in saved:
        make_transient_to_detached(record)
        db.session.add(record)
    if saved:
        _announce(Written(db.session.connection(), created=saved))
    return saved


def insert_many(connection: sa.Connection, table: sa.Table, rows: list[dict]) -> None:
    """Insert rows that name the same columns: in one statement on PostgreSQL
    (``core.row_arrays``), elsewhere as the driver's executemany."""
    if len(rows) > 1 and fits_in_arrays(table):
        names = tuple(rows[0])
        connection.execute(insert_columns(table, names), as_columns(table, names, rows))
    else:
        connection.execute(_insert(table), rows)


def _column_values(record, mapper) -> dict:
    """The row the unit of work would insert for a new ``record``: foreign keys taken
    from the records its many-to-one relationships name, and the Python-side column
    defaults for what is unset, applied to the record too so that it reads as stored
    (a column left unset is set to its null, or reading it later would load it)."""
    state = record.__dict__
    for relationship in mapper.relationships:
        target = state.get(relationship.key)
        if relationship.direction is MANYTOONE and target is not None:
            for local, remote in relationship.local_remote_pairs:
                setattr(record, mapper.get_property_by_column(local).key,
                        getattr(target, inspect(type(target)).get_property_by_column(remote).key))
    row = {}
    for attribute in mapper.column_attrs:
        column = attribute.columns[0]
        value = state.get(attribute.key)
        if value is None and column.default is not None:
            default = column.default
            value = default.arg(None) if default.is_callable else default.arg
            setattr(record, attribute.key, value)
        elif attribute.key not in state:
            setattr(record, attribute.key, value)
        row[column.key] = value
    return row


@functools.cache
def _insert(table: sa.Table) -> sa.Insert:
    """A plain ``INSERT`` for ``table``, built once (it is on the path of every ``PUT``)."""
    return sa.insert(table)


@functools.cache
def _insert_unless_stored(dialect: str, table: sa.Table, *, returning: bool) -> sa.Insert:
    """``INSERT … ON CONFLICT (id) DO NOTHING`` for ``table`` (``RETURNING id`` if asked),
    built once."""
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect]
    insert = insert(table).on_conflict_do_nothing(index_elements=[table.c.id])
    # Without RETURNING, the count of rows inserted is all that tells whether any was
    # skipped; SQLAlchemy keeps an INSERT's count only when asked.
    return insert.returning(table.c.id) if returning else \
        insert.execution_options(preserve_rowcount=True)


def _insert_unless_stored_rows(table: sa.Table, rows: list[dict]) -> set:
    """Insert the rows whose ids ``table`` does not hold yet; the ids inserted.

    A single row goes with ``RETURNING`` at once. On PostgreSQL many rows go the same
    way, as one array per column (``core.row_arrays``). Otherwise they go first as one
    prepared statement sent once per row (the driver's executemany), which cannot say
    which rows it skipped, only how many: if any, it is undone and the rows go again
    with ``RETURNING``. (For many rows, that form with the rows written out becomes a
    statement the driver parses anew each time; bench/RESULTS.md has the cost.)
    """
    if len(rows) > 1 and fits_in_arrays(table):
        names = tuple(column.key for column in table.columns)
        return set(db.session.connection().scalars(
            insert_columns(table, names, unless_stored=True), as_columns(table, names, rows)))
    dialect = db.session.get_bind().dialect.name
    if len(rows) > 1:
        savepoint = db.session.begin_nested()
        # Asked for after the savepoint: the session emits the SAVEPOINT only then.
        inserted = db.session.connection().execute(
            _insert_unless_stored(dialect, table, returning=False), rows).rowcount
        if inserted == len(rows):
            savepoint.commit()
            return {row["id"] for row in rows}
        savepoint.rollback()
    return set(db.session.connection().scalars(
        _insert_unless_stored(dialect, table, returning=True), rows))
