"""Writing rows fast: PostgreSQL ``COPY`` as text, batched inserts on SQLite.

Rows are tuples in the order of ``COLUMNS``; the values are Python objects (UUIDs, aware
datetimes, dates), turned into COPY text here or bound by SQLAlchemy on SQLite, where the
column types (e.g. UTC datetimes stored naive) do their usual work.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable
from datetime import date, datetime

import sqlalchemy as sa

from homecare.core.extensions import db

COLUMNS = {
    "sections": ("id", "name", "created_at", "updated_at"),
    "teams": ("id", "name", "section_id", "organisation_number", "created_at", "updated_at"),
    "staff": ("id", "username", "full_name", "role", "profession", "hpr_number", "section_id",
              "password_hash", "active", "session_token", "last_login_at", "created_at",
              "updated_at"),
    "staff_teams": ("staff_id", "team_id"),
    "service_users": ("id", "national_id", "full_name", "given_name", "family_name", "gender",
                      "birth_date", "address", "address_line", "postal_code", "city",
                      "municipality_number", "district", "team_id", "service_type",
                      "service_start", "service_end", "needs_proxy", "deleted_at",
                      "created_at", "updated_at", "version"),
    "service_user_teams": ("id", "service_user_id", "team_id", "valid_from", "valid_to",
                           "created_at", "updated_at"),
    "next_of_kin": ("id", "service_user_id", "position", "name", "relation", "relationship",
                    "phone", "created_at", "updated_at"),
    "responsible_contacts": ("id", "service_user_id", "staff_id", "valid_from", "valid_to",
                             "assigned_by_id", "created_at", "updated_at"),
    "what_matters": ("id", "service_user_id", "conversation_date", "asked_by_id", "present",
                     "in_own_words", "spoken_for_by", "recorded_by_id", "created_at",
                     "updated_at"),
    "goals": ("id", "service_user_id", "what_matters_id", "description", "expressed_by",
              "start_date", "checkin_interval_days", "baseline_performance",
              "baseline_satisfaction", "status", "closed_on", "created_by_id", "created_at",
              "updated_at", "version"),
    "check_ins": ("id", "goal_id", "date", "performance", "satisfaction", "note",
                  "got_expected_help", "could_influence", "satisfied", "recorded_by_id",
                  "created_at", "updated_at"),
    "decisions": ("id", "service_user_id", "decided_on", "user_participated",
                  "goal_statement", "services", "reasons", "valid_from", "valid_to",
                  "review_on", "status", "created_by_id", "created_at", "updated_at",
                  "version"),
    "decision_participants": ("decision_id", "staff_id"),
    "visits": ("id", "service_user_id", "staff_id", "kind", "planned_start",
               "planned_minutes", "status", "actual_start", "actual_end", "note",
               "created_by_id", "created_at", "updated_at", "version"),
}
#: Tables with an integer id sequence to move past the ids chosen by the generator.
SEQUENCES = ("sections", "teams", "staff")
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | int):
        return str(value)
    if isinstance(value, list | dict):
        return json.dumps(value).translate(_ESCAPES)
    raise TypeError(f"cannot COPY a {type(value).__name__}")


def copy_rows(table: str, rows: Iterable[tuple], progress: Callable[[int], None]) -> int:
    """Load rows into ``table`` with one COPY; returns how many."""
    count = 0
    raw = db.session.connection().connection.driver_connection
    columns = ", ".join(COLUMNS[table])
    with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        chunk: list[str] = []
        for row in rows:
            chunk.append("\t".join(map(_text, row)))
            if len(chunk) == 10_000:
                copy.write("\n".join(chunk) + "\n")
                count += len(chunk)
                progress(len(chunk))
                chunk = []
        if chunk:
            copy.write("\n".join(chunk) + "\n")
            count += len(chunk)
            progress(len(chunk))
    return count


def insert_rows(table: str, rows: Iterable[tuple], progress: Callable[[int], None]) -> int:
    """Load rows into ``table`` with batched INSERTs (SQLite); returns how many."""
    target = db.metadata.tables[table]
    names = COLUMNS[table]
    count, batch = 0, []
    for row in rows:
        batch.append(dict(zip(names, row, strict=True)))
        if len(batch) == 5_000:
            db.session.execute(sa.insert(target), batch)
            count += len(batch)
            progress(len(batch))
            batch = []
    if batch:
        db.session.execute(sa.insert(target), batch)
        count += len(batch)
        progress(len(batch))
    return count


def write(table: str, rows: Iterable[tuple], progress: Callable[[int], None]) -> int:
    """Bulk-load rows the fastest way the database offers."""
    if db.engine.dialect.name == "postgresql":
        return copy_rows(table, rows, progress)
    return insert_rows(table, rows, progress)


def reset_sequences() -> None:
    """Make PostgreSQL's id sequences continue after the generated ids."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in SEQUENCES:  # constant names, never input
        statement = (f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                     f"(SELECT COALESCE(MAX(id), 1) FROM {table}))")
        db.session.execute(sa.text(statement))
