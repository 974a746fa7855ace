"""The append-only audit and access log.

Every create and update of a care record, and of an account, team or section, is logged
automatically when it is written (``core.writes``: a flush or a batch), so no service
can forget it; reads are logged
explicitly by the code that shows a service user's record (``record_read``), and refused
attempts by the access policy (``record_refusal``), kept even though the refused request
is rolled back. Rows are never updated or deleted by the application: the ORM refuses it
here, and database triggers (migrations 0001 and 0006) refuse UPDATE, DELETE and TRUNCATE
for anything else.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import current_app, g, has_request_context, request
from flask_login import current_user
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import event, inspect
from sqlalchemy.orm import Mapped, mapped_column

from homecare.core.database import keep_even_if_refused
from homecare.core.extensions import db
from homecare.core.model_base import AdministeredMixin, CareRecordMixin, str_enum
from homecare.core.timeutil import utcnow
from homecare.core.writes import Written, insert_many, when_written

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


@when_written
def _log_changes(written: Written) -> None:
    """One CREATE row per logged record created, one UPDATE row (the fields, never the
    values) per logged record changed, whichever way it was written."""
    rows = [_row(AuditAction.CREATE, record.__tablename__, record.id,
                 _service_user_id(record), None)
            for record in written.created if isinstance(record, _LOGGED)]
    for record in written.changed:
        fields = _changed_fields(record) if isinstance(record, _LOGGED) else None
        if fields:
            rows.append(_row(AuditAction.UPDATE, record.__tablename__, record.id,
                             _service_user_id(record), ", ".join(fields)))
    if rows:
        insert_many(written.connection, AuditEntry.__table__, rows)


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
