"""The append-only audit and access log.

Every create and update of a care record, and of an account, team or section, is logged
automatically when the session flushes, so no service can forget it; reads are logged
explicitly by the code that shows a service user's record (``record_read``), and refused
attempts by the access policy (``record_refusal``), kept even though the refused request
is rolled back. Rows are never updated or deleted by the application: the ORM refuses it
here, and database triggers (migrations 0001 and 0006) refuse UPDATE, DELETE and TRUNCATE
for anything else.
"""

from __future__ import annotations

import enum
import functools
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import current_app, g, has_request_context, request
from flask_login import current_user
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import event, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, make_transient_to_detached, mapped_column
from sqlalchemy.orm.interfaces import MANYTOONE

from homecare.core.database import keep_even_if_refused
from homecare.core.extensions import db
from homecare.core.model_base import AdministeredMixin, CareRecordMixin, str_enum
from homecare.core.row_arrays import as_columns, fits_in_arrays, insert_columns
from homecare.core.timeutil import utcnow

if TYPE_CHECKING:
    from homecare.org.models import Staff


class AuditAction(enum.StrEnum):
    """What was done to the record."""

    READ = "read"
    CREATE = "create"
    UPDATE = "update"
    #: An attempt the access policy refused (another team's record, a role without access).
    REFUSED = "refused"


class AuditEntry(db.Model):
    """One row of the audit log: who did what to which record, about which user, when."""

    __tablename__ = "audit_log"
    __table_args__ = (
        sa.Index("ix_audit_log_user_at", "service_user_id", "at"),
        sa.Index("ix_audit_log_actor_at", "actor_id", "at"),
    )

    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The staff member who acted; null for the system (demo loader, scheduled jobs).
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id"))
    #: The actor's role at the time (roles change; the log must not).
    actor_role: Mapped[str | None] = mapped_column(sa.String(20))
    action: Mapped[AuditAction] = mapped_column(str_enum(AuditAction, "audit_action"))
    #: The kind of record (its table name), e.g. ``goals``.
    entity: Mapped[str] = mapped_column(sa.String(40))
    entity_id: Mapped[str] = mapped_column(sa.String(64))
    #: The service user the record concerns.
    service_user_id: Mapped[uuid.UUID | None]
    #: For updates the changed fields; for reads what was shown. Never the values.
    detail: Mapped[str | None] = mapped_column(sa.String(500))


_explicit_actor: ContextVar[Staff | None] = ContextVar("audit_actor", default=None)


@contextmanager
def acting_as(staff: Staff | None) -> Iterator[None]:
    """Attribute changes made outside a request (CLI, jobs) to a given staff member."""
    token = _explicit_actor.set(staff)
    try:
        yield
    finally:
        _explicit_actor.reset(token)


def current_actor() -> Staff | None:
    """Who is acting now: the explicit actor, else the signed-in user, else the system."""
    explicit = _explicit_actor.get()
    if explicit is not None:
        return explicit
    if has_request_context() and current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def _row(action: AuditAction, entity: str, entity_id, service_user_id, detail) -> dict:
    actor = current_actor()
    return {
        "at": utcnow(),
        "actor_id": actor.id if actor else None,
        "actor_role": str(actor.role) if actor else None,
        "action": action,
        "entity": entity,
        "entity_id": str(entity_id),
        "service_user_id": service_user_id,
        "detail": detail[:500] if detail else None,
    }


#: Sent by the tablet's service worker when it fetches a page to keep for use without
#: signal, rather than because someone opened it; such reads are marked ``KEPT_SUFFIX``.
#: Its value is a ticket the server signed (``keep_ticket``) for the person and the users
#: on their day: anyone may send the header, but it marks only reads of those users, by
#: that person, for a day, so that a deliberate read of anyone else cannot be disguised.
KEPT_HEADER = "X-Homecare-Keep"
KEPT_SUFFIX = " (kept on tablet)"
#: How long a keep ticket is honoured.
KEEP_TICKET_SECONDS = 24 * 60 * 60


def _keep_tickets() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="homecare keep day")


def keep_ticket(staff_id: int, service_user_ids) -> str:
    """The ``KEPT_HEADER`` value that lets the tablet keep these users' pages for this
    person (embedded in today's page, for its worker)."""
    users = sorted({str(user_id) for user_id in service_user_ids})
    return _keep_tickets().dumps({"staff": staff_id, "users": users})


def _ticket_users() -> frozenset[str] | None:
    """The users this request's keep ticket covers, if it carries a valid one for the
    signed-in person (read once per request)."""
    if "keep_ticket_users" not in g:
        users = None
        value = request.headers.get(KEPT_HEADER)
        actor = current_actor()
        if value and actor is not None:
            try:
                ticket = _keep_tickets().loads(value, max_age=KEEP_TICKET_SECONDS)
            except BadData:
                ticket = None
            if isinstance(ticket, dict) and ticket.get("staff") == actor.id:
                users = frozenset(ticket.get("users") or ())
        g.keep_ticket_users = users
    return g.keep_ticket_users


def kept_for_later(service_user_id: uuid.UUID | None = None) -> bool:
    """Whether this request is the tablet keeping a page for later, not a person opening
    it: it carries a valid keep ticket (``KEPT_HEADER``) for the signed-in person, which
    covers ``service_user_id`` when one is named."""
    if not has_request_context():
        return False
    users = _ticket_users()
    return users is not None and (service_user_id is None or str(service_user_id) in users)


def record_read(service_user_id: uuid.UUID, what: str, entity: str = "service_users",
                entity_id: object = None) -> None:
    """Log that the current actor read part of a service user's record.

    Call it wherever a user's data is shown; ``what`` names the part (e.g. ``record``,
    ``goals``), never its content. The row is kept even when the request fails after the
    page was drawn (a form shown again with its errors has shown the record too). A page
    the tablet kept for later, unopened, is marked so (``KEPT_HEADER``, for the users on
    the person's day only).
    """
    if kept_for_later(service_user_id):
        what += KEPT_SUFFIX
    keep_even_if_refused(AuditEntry.__table__, [
        _row(AuditAction.READ, entity, entity_id or service_user_id, service_user_id, what)])


def record_refusal(entity: str, entity_id: object, service_user_id: uuid.UUID | None,
                   what: str) -> None:
    """Log that the access policy refused the current actor ``what`` on a record.

    The row is kept although the refused request itself is rolled back.
    """
    keep_even_if_refused(AuditEntry.__table__, [
        _row(AuditAction.REFUSED, entity, entity_id, service_user_id, what)])


_NEVER_LOGGED = frozenset({"updated_at", "version"})
_LOGGED = (CareRecordMixin, AdministeredMixin)


def _changed_fields(obj) -> list[str]:
    state = inspect(obj)
    ignored = _NEVER_LOGGED | getattr(obj, "audit_ignores", frozenset())
    names = getattr(obj, "audit_names", {})
    changed = [names.get(attr.key, attr.key) for attr in state.mapper.column_attrs
               if attr.key not in ignored and state.attrs[attr.key].history.has_changes()]
    changed += [name for name in getattr(obj, "audit_relationships", ())
                if state.attrs[name].history.has_changes()]
    return sorted(changed)


def _service_user_id(obj) -> uuid.UUID | None:
    return getattr(obj, "service_user_id", None) if isinstance(obj, CareRecordMixin) else None


def _change_rows(session: Session) -> list[dict]:
    rows = []
    with session.no_autoflush:
        for obj in session.new:
            if isinstance(obj, _LOGGED):
                rows.append(_row(AuditAction.CREATE, obj.__tablename__, obj.id,
                                 _service_user_id(obj), None))
        for obj in session.dirty:
            if isinstance(obj, _LOGGED) and session.is_modified(obj):
                fields = _changed_fields(obj)
                if fields:
                    rows.append(_row(AuditAction.UPDATE, obj.__tablename__, obj.id,
                                     _service_user_id(obj), ", ".join(fields)))
    return rows


@event.listens_for(Session, "after_flush")
def _log_changes(session: Session, _flush_context) -> None:
    # after_flush: ids are assigned and the pre-flush history is still readable.
    rows = _change_rows(session)
    if rows:
        session.connection().execute(sa.insert(AuditEntry), rows)


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


def _insert_many(table: sa.Table, rows: list[dict]) -> None:
    """Insert rows that name the same columns: in one statement on PostgreSQL
    (``core.row_arrays``), elsewhere as the driver's executemany."""
    if len(rows) > 1 and fits_in_arrays(table):
        names = tuple(rows[0])
        db.session.connection().execute(insert_columns(table, names),
                                        as_columns(table, names, rows))
    else:
        db.session.connection().execute(_insert(table), rows)


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
    statement the driver parses anew each time: a sixth of the cost of a sync.)
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


#: What else must happen when ``save_new`` saves records of a model, which a flush's
#: events would otherwise have done (``after_save_new``).
_SAVED_NEW_LISTENERS: dict[type, list[Callable[[list], None]]] = {}


def after_save_new(model: type) -> Callable:
    """Decorator: call the function with the records of ``model`` each ``save_new``
    saved, in its transaction (the flush's ``after_flush`` does not see them)."""
    def register(listener: Callable[[list], None]) -> Callable[[list], None]:
        _SAVED_NEW_LISTENERS.setdefault(model, []).append(listener)
        return listener
    return register


def save_new(records: Sequence) -> list:
    """Save new records of one model as a flush would, and log their creation, in two
    statements: their rows, then one CREATE audit row each. Returns the records saved.

    A record whose id the table already holds (a repeat, or another request's insert
    a moment ago) is left out, not refused: the database skips its row, and the caller
    answers it by comparing it with what is stored (``_insert_unless_stored_rows``).
    The unit of work's bookkeeping for each object costs more than the
    database does, which matters where hundreds arrive at once (``POST /sync``) and on
    the path of every ``PUT``. The records saved then belong to the session as if
    flushed. Everything else is saved by flushing, which logs itself (``_log_changes``).
    """
    if not records:
        return []
    mapper = inspect(type(records[0]))
    rows = [_column_values(record, mapper) for record in records]
    # Core statements on the session's connection: the ORM's bulk path would only
    # repeat, per statement, the bookkeeping this function does itself.
    inserted = _insert_unless_stored_rows(mapper.local_table, rows)
    saved = [record for record in records if record.id in inserted]
    if not saved:
        return []
    logged = _row(AuditAction.CREATE, mapper.local_table.name, None, None, None)
    _insert_many(AuditEntry.__table__, [
        {**logged, "entity_id": str(record.id), "service_user_id": _service_user_id(record)}
        for record in saved])
    for record in saved:
        make_transient_to_detached(record)
        db.session.add(record)
    for listener in _SAVED_NEW_LISTENERS.get(type(records[0]), ()):
        listener(saved)
    return saved


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_rewrite(_mapper, _connection, _target) -> None:
    raise RuntimeError("The audit log is append-only.")


#: How a read of a user shown in a list (not opened on their own) is marked.
LIST_READ_PREFIX = "list: "


def record_reads(service_user_ids, what: str, *, listed: bool = True) -> None:
    """Log one read per user shown in a list (one INSERT for the whole page); the detail
    starts with ``LIST_READ_PREFIX`` so that a review can tell lists from opened records.

    ``listed=False`` is for users someone looked for (a search by name or national id):
    each is a read of that person's record, as if opened, and is reviewed as one.
    """
    prefix = LIST_READ_PREFIX if listed else ""
    keep_even_if_refused(AuditEntry.__table__, [
        _row(AuditAction.READ, "service_users", user_id, user_id, prefix + what)
        for user_id in dict.fromkeys(service_user_ids)])
