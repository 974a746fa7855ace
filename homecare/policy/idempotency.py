"""Offline-safe creation: ``PUT /<collection>/<client-chosen uuid>``.

A tablet that lost its connection can send the same PUT again: the first creates the
record (201), an identical repeat returns it (200) and writes nothing, and a different
body for the same id is a conflict (409). Two identical PUTs racing each other still
leave one row: the loser's insert fails on the primary key and it answers like a repeat.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from operator import attrgetter
from typing import TypeVar

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from homecare.core.audit import record_read
from homecare.core.errors import Conflict
from homecare.extensions import db
from homecare.policy.access import Action, ensure
from homecare.policy.lookup import actor

T = TypeVar("T")


def _same(record, fields: Mapping[str, object]) -> bool:
    return all(getattr(record, name) == value for name, value in fields.items())


def put_once(model: type[T], record_id, fields: Mapping[str, object],
             create: Callable[[], T], *, through: str) -> tuple[T, int]:
    """The record and 201 if created now, or 200 if an identical one exists; else Conflict.

    ``fields`` are the attribute values the request asks for, as they would be stored;
    an existing record the caller may not see (judged by the record at the dotted
    ``through`` path) answers 404 like any hidden record.
    """
    existing = db.session.get(model, record_id)
    if existing is None:
        try:
            with db.session.begin_nested():
                return create(), 201
        except IntegrityError:
            existing = db.session.get(model, record_id)
            if existing is None:
                raise
    ensure(actor(), Action.VIEW, attrgetter(through)(existing))
    if not _same(existing, fields):
        raise Conflict(_("A record with this id already exists with different content."))
    # The stored record goes back to the caller: that is a read of it.
    record_read(existing.service_user_id, f"{model.__tablename__} (repeated PUT)",
                model.__tablename__, existing.id)
    return existing, 200
