"""Connection set-up and the one commit per request.

A request that fails (status 400 or above) is rolled back whole, so that nothing is
written half-way. A few rows must be kept *because* a request failed — a failed sign-in,
an attempt on another team's record — and ``keep_even_if_refused`` queues those: they are
written after the rollback, in a transaction of their own.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, has_request_context
from sqlalchemy import event
from sqlalchemy.engine import Engine

from homecare.core.extensions import db

T = TypeVar("T")


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record) -> None:
    """SQLite: enforce foreign keys, and let SQLAlchemy manage transactions.

    pysqlite's own transaction handling breaks SAVEPOINT; turning it off and emitting
    BEGIN ourselves (below) is SQLAlchemy's documented recipe.
    """
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


@event.listens_for(Engine, "begin")
def _begin_sqlite(connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN")


def save(record):
    """Add a new record to the session and flush it (which checks its constraints and
    logs its creation, ``core.audit``); the record, now with its database state."""
    db.session.add(record)
    db.session.flush()
    return record


def keep_even_if_refused(table: sa.Table, rows: list[dict]) -> None:
    """Insert ``rows`` into ``table`` at the end of this request, whatever its outcome.

    Outside a request (CLI, jobs) the rows are inserted at once, in the caller's
    transaction.
    """
    if not rows:
        return
    if not has_request_context():
        db.session.execute(sa.insert(table), rows)
        return
    g.setdefault("kept_rows", {}).setdefault(table, []).extend(rows)


def _write_kept_rows() -> None:
    """One INSERT per table for everything kept during the request."""
    for table, rows in g.pop("kept_rows", {}).items():
        db.session.execute(sa.insert(table), rows)


#: SQLite (the demo and the tests) takes one request at a time; see ``init_app``.
#: Reentrant: work that takes its turn may be called from a request that has it.
_SQLITE_REQUEST = threading.RLock()


@contextmanager
def sqlite_turn() -> Iterator[None]:
    """Wait for the running request to finish before writing from another thread of the
    same process (a scheduled job, a test adding records beside a live server): on
    SQLite only, where two writers side by side fail (see ``init_app``)."""
    if db.engine.dialect.name != "sqlite":
        yield
        return
    with _SQLITE_REQUEST:
        yield


#: PostgreSQL's ``plan_cache_mode`` values that ``planned_as`` takes.
GENERIC_PLANS, CUSTOM_PLANS = "force_generic_plan", "force_custom_plan"


@contextmanager
def planned_as(connection: sa.Connection, mode: str) -> Iterator[None]:
    """On PostgreSQL, run the statements inside with ``plan_cache_mode`` set to ``mode``
    (``GENERIC_PLANS`` or ``CUSTOM_PLANS``), set back to the default after them.

    psycopg prepares a statement once it has run five times on a connection, and
    PostgreSQL then chooses per call between a plan for the parameters given and a
    generic one, by estimates that can be wrong both ways; the callers say which is
    right for them and why. Elsewhere a no-op.
    """
    if connection.dialect.name != "postgresql":
        yield
        return
    connection.exec_driver_sql(f"SET LOCAL plan_cache_mode = {mode}")
    try:
        yield
    finally:
        connection.exec_driver_sql("SET LOCAL plan_cache_mode = DEFAULT")


def _can_read_beside(connection: sa.Connection) -> bool:
    """Whether another connection would read what this one reads: on PostgreSQL, when
    this transaction has written nothing (no transaction id yet; another connection
    could not see the write) and reads at the default isolation level (each statement
    what was committed when it started, not the transaction's first snapshot)."""
    if connection.dialect.name != "postgresql":
        return False
    return bool(connection.exec_driver_sql(
        "SELECT pg_current_xact_id_if_assigned() IS NULL"
        " AND current_setting('transaction_isolation') = 'read committed'").scalar())


def _on_own_connection(app: Flask, lane: Callable[[sa.Connection], T]) -> T:
    with app.app_context(), db.engine.connect() as connection, connection.begin():
        connection.exec_driver_sql("SET TRANSACTION READ ONLY")
        return lane(connection)


def side_by_side(lanes: Sequence[Callable[[sa.Connection], T]]) -> list[T]:
    """Each lane's result, in order; a lane is a function that reads on the connection
    it is given.

    On PostgreSQL the lanes after the first run at the same time as it, each on a
    connection of its own in a read-only transaction, and the first on the session's.
    The database then works on as many cores as there are lanes, so the caller waits
    for the slowest lane instead of all of them. Each statement reads what was committed
    when it started, as every statement of a PostgreSQL transaction at the default
    isolation level does already. If the session has written anything in this
    transaction, which another connection could not see, the lanes run one after the
    other on the session's connection, as they do on SQLite.
    """
    db.session.flush()
    connection = db.session.connection()
    if len(lanes) < 2 or not _can_read_beside(connection):
        return [lane(connection) for lane in lanes]
    app = current_app._get_current_object()  # the threads need the app's settings
    with ThreadPoolExecutor(max_workers=len(lanes) - 1,
                            thread_name_prefix="side-by-side") as pool:
        others = [pool.submit(_on_own_connection, app, lane) for lane in lanes[1:]]
        first = lanes[0](connection)
        return [first, *(other.result() for other in others)]


def init_app(app: Flask) -> None:
    """Commit once at the end of a successful request; roll back anything else.

    On SQLite, requests are also taken one at a time. Nearly every request reads and
    then writes (the access log); two such transactions side by side can each hold a
    read and want to write, and SQLite refuses one at once with "database is locked",
    whatever the busy timeout. The tablet's service worker fetching today's pages beside
    the nurse's own clicks met exactly this. PostgreSQL, the production database, has no
    such limit and is not serialised.
    """

    @app.before_request
    def one_sqlite_request_at_a_time() -> None:
        if db.engine.dialect.name == "sqlite":
            _SQLITE_REQUEST.acquire()
            g.holds_sqlite_request = True

    @app.teardown_request
    def next_sqlite_request(_error) -> None:
        if g.pop("holds_sqlite_request", False):
            _SQLITE_REQUEST.release()

    @app.after_request
    def commit_or_roll_back(response: Response) -> Response:
        if response.status_code < 400:
            _write_kept_rows()
            db.session.commit()
            return response
        db.session.rollback()
        if g.get("kept_rows"):
            _write_kept_rows()
            db.session.commit()
        return response
