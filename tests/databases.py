"""The databases the suite runs on: SQLite always, PostgreSQL when it answers (or is required)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_admin_url() -> str:
    """Where to create test databases (``HOMECARE_TEST_POSTGRES_URL`` or the local server)."""
    url = os.environ.get("HOMECARE_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def postgres_available() -> bool:
    """Whether PostgreSQL answers; raises when CI requires it and it does not."""
    try:
        engine = sa.create_engine(postgres_admin_url())
        with engine.connect():
            pass
        engine.dispose()
        return True
    except sa.exc.OperationalError as error:
        if os.environ.get("HOMECARE_TEST_REQUIRE_POSTGRES") == "1":
            raise RuntimeError(f"PostgreSQL is required but does not answer: {error}") from error
        return False


def database_kinds() -> list[str]:
    """The parameters for the database fixture."""
    return ["sqlite", "postgresql"] if postgres_available() else ["sqlite"]


@contextmanager
def fresh_database(kind: str, directory) -> Iterator[str]:
    """A new, empty database of the given kind, dropped afterwards; yields its URL."""
    name = f"homecare_test_{uuid.uuid4().hex[:10]}"
    if kind == "sqlite":
        yield f"sqlite:///{directory / (name + '.sqlite3')}"
        return
    admin = sa.create_engine(postgres_admin_url(), isolation_level="AUTOCOMMIT",
                             pool_pre_ping=True)  # survives the restart in test_faults
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
