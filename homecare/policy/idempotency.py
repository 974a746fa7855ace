"""Offline-safe creation: ``PUT /<collection>/<client-chosen uuid>``.

A tablet that lost its connection can send the same PUT again: the first creates the
record (201), an identical repeat returns it (200) and writes nothing, and a different
body for the same id is a conflict (409). Two identical PUTs racing each other still
leave one row: the loser's insert skips the row already there, and it answers like a
repeat.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from operator import attrgetter
from typing import Any, TypeVar

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from homecare.core.audit import record_read
from homecare.core.database import save
from homecare.core.errors import Conflict, DomainError
from homecare.core.extensions import db
from homecare.core.writes import save_new
from homecare.policy.access import Action, ensure
from homecare.policy.lookup import actor, one_verdict_per_record, stored_ids

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


@dataclass(frozen=True)
class Creation:
    """How one kind of record is created under a device-chosen id: alone (``put``, for
    ``PUT /<collection>/{id}``) or many at once (``put_all``, for ``POST /sync``), by
    the same rules either way."""

    model: type
    #: The dotted path to the record the access policy judges (see ``put_once``).
    through: str
    #: The body as the record would store it: what a repeat is compared with.
    as_stored: Callable[[dict], dict]
    #: A checked, unsaved record from a stored body and its id; raises the refusal.
    build: Callable[[Any, dict], Any]
    #: Loads, in a query or two, the records that the stored bodies name (users, goals,
    #: staff); the caller keeps the list so that ``build`` finds them without a query.
    load_named: Callable[[list[dict]], list]

    def put(self, record_id, data: dict) -> tuple[Any, int]:
        """``put_once`` for this kind: 201 created, 200 an identical repeat, else 409."""
        outcome = self.put_all([(record_id, data)])[0]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def put_all(self, items: list[tuple[Any, dict]]) -> list[tuple[Any, int] | DomainError]:
        """``put`` for each (id, body), in a few statements however many there are.

        The records the bodies name are loaded together, each new record is built and
        checked alone, and those that pass are saved together (``core.writes.save_new``).
        Each item gets its own outcome: (record, 201), or the refusal it met. A repeat,
        an id sent twice, or an id another request stored a moment ago (its row is
        skipped by the insert) is answered by ``put_once``, one at a time. The common
        case, all new, asks nothing before the insert but the records named.
        """
        if not items:
            return []
        ids = [record_id for record_id, _data in items]
        fields = [self.as_stored(data) for _record_id, data in items]
        named = self.load_named(fields)  # noqa: F841 - held so that ``build`` finds them
        outcomes: list = [None] * len(items)
        built, one_by_one, seen, refused = [], [], set(), {}
        with db.session.no_autoflush, one_verdict_per_record():
            for index, record_id in enumerate(ids):
                if record_id in seen:
                    one_by_one.append(index)  # the same id again in the batch
                    continue
                seen.add(record_id)
                try:
                    built.append((index, self.build(record_id, fields[index])))
                except DomainError as refusal:
                    outcomes[index] = refusal
                    refused[record_id] = index
        if refused:
            # A repeat of a record stored earlier is answered by what is stored, even
            # if its rules would refuse it now (a follow-up for a goal closed since).
            one_by_one += [refused[record_id] for record_id in stored_ids(self.model, refused)]
        saved = {id(record) for record in save_new([record for _index, record in built])}
        for index, record in built:
            if id(record) in saved:
                outcomes[index] = (record, HTTPStatus.CREATED)
            else:
                one_by_one.append(index)  # stored already: a repeat, or a race just lost
        for index in sorted(one_by_one):
            outcomes[index] = self._put_alone(ids[index], fields[index])
        return outcomes

    def _put_alone(self, record_id, fields: dict) -> tuple[Any, int] | DomainError:
        try:
            with db.session.begin_nested():
                return put_once(self.model, record_id, fields,
                                lambda: save(self.build(record_id, fields)),
                                through=self.through)
        except DomainError as refusal:
            return refusal
