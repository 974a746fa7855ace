"""Connection set-up and the one commit per request."""

from __future__ import annotations

import sqlite3

from flask import Flask, Response
from sqlalchemy import event
from sqlalchemy.engine import Engine

from homecare.extensions import db


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


def init_app(app: Flask) -> None:
    """Commit once at the end of a successful request; roll back anything else."""

    @app.after_request
    def commit_or_roll_back(response: Response) -> Response:
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response
