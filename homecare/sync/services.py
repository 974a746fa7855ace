"""Apply a batch of queued offline records, each on its own, and say how each went.

Each operation is applied as its single-record endpoint (``PUT /visits/{id}`` and the
others) applies it, and a refused one loses nothing of the others. Sending a batch again
after a lost answer is safe: every kind is idempotent, and a repeat answers 200 without
writing.

End of shift, a tablet sends hundreds of new records at once, so a run of consecutive
operations that create records of one kind is applied together, in a few statements
however long the run (``policy.idempotency.Creation.put_all``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http import HTTPStatus
from itertools import groupby

import marshmallow as ma

from homecare.core.error_pages import refusal, standard_message, translated_errors
from homecare.core.extensions import db
from homecare.goals.schemas import CheckInSchema
from homecare.goals.services import CHECK_IN_CREATION
from homecare.policy.idempotency import Creation
from homecare.visits.devices import VISIT_CREATION, complete_queued
from homecare.visits.schemas import VisitCompletionSchema, VisitSchema
from homecare.what_matters.schemas import WhatMattersPutSchema, WhatMattersSchema
from homecare.what_matters.services import CONVERSATION_CREATION

#: The most operations one request may carry: a shift's work, bounded.
MAX_OPERATIONS = 500


@dataclass(frozen=True)
class Kind:
    """One kind of queued record: how its body is read, applied and shown back."""

    body: ma.Schema
    apply: Callable[[object, dict], tuple[object, int]]
    record: ma.Schema
    #: For a kind that creates a record under the operation's id: how, so that a run of
    #: them is created together.
    creation: Creation | None = None


def _created(creation: Creation, body: ma.Schema, record: ma.Schema) -> Kind:
    return Kind(body, creation.put, record, creation)


KINDS: dict[str, Kind] = {
    # A visit logged on the tablet (the operation's id becomes the visit's).
    "visit": _created(VISIT_CREATION, VisitSchema(), VisitSchema()),
    # A planned visit completed on the tablet: stored whatever the plan became meanwhile
    # (``visits.care_given``); 202 when kept beside another version for the coordinator.
    "visit_completion": Kind(VisitCompletionSchema(), complete_queued, VisitSchema()),
    "check_in": _created(CHECK_IN_CREATION, CheckInSchema(), CheckInSchema()),
    "what_matters": _created(CONVERSATION_CREATION, WhatMattersPutSchema(),
                             WhatMattersSchema()),
}


def _result(operation: dict, status: int, **rest) -> dict:
    """One operation's answer, as JSON sends it (``OperationResultSchema``)."""
    return {"id": str(operation["id"]), "kind": operation["kind"], "status": status,
            "title": HTTPStatus(status).phrase, **rest}


def _applied(operation: dict, kind: Kind, record, status: int) -> dict:
    return _result(operation, status, record=kind.record.dump(record))


def _refused(operation: dict, error: Exception) -> dict:
    """The answer for a refused operation, told as its single endpoint would tell it
    (``core.error_pages.refusal``); an error that is not a refusal is raised again."""
    refused = refusal(error)
    if refused is None:
        raise error
    status, message, errors = refused
    return _result(operation, status, message=str(message or standard_message(status)),
                   **({"errors": translated_errors(errors)} if errors else {}))


def apply_one(operation: dict) -> dict:
    """Apply one queued operation in its own savepoint; its result for the answer."""
    kind = KINDS[operation["kind"]]
    try:
        with db.session.begin_nested():
            record, status = kind.apply(operation["id"], kind.body.load(operation["body"]))
    except Exception as error:
        return _refused(operation, error)
    return _applied(operation, kind, record, status)


def _create_run(kind: Kind, operations: list[tuple[int, dict]], results: list) -> None:
    """Apply a run of operations that create records of one kind together
    (``Creation.put_all``); fills ``results`` at each operation's index."""
    readable = []
    for index, operation in operations:
        try:
            readable.append((index, operation, kind.body.load(operation["body"])))
        except ma.ValidationError as error:
            results[index] = _refused(operation, error)
    outcomes = kind.creation.put_all([(operation["id"], body)
                                      for _index, operation, body in readable])
    for (index, operation, _body), outcome in zip(readable, outcomes, strict=True):
        results[index] = (_refused(operation, outcome) if isinstance(outcome, Exception)
                          else _applied(operation, kind, *outcome))


def _runs(operations: list[dict]) -> Iterator[tuple[Kind, list[tuple[int, dict]]]]:
    """Consecutive operations of the same kind, with their places in the batch."""
    for name, run in groupby(enumerate(operations), key=lambda item: item[1]["kind"]):
        yield KINDS[name], list(run)


def apply_all(operations: list[dict]) -> list[dict]:
    """Apply the operations in order; one result per operation, in the same order, each
    already in the shape of ``OperationResultSchema`` as JSON sends it."""
    results: list[dict | None] = [None] * len(operations)
    for kind, run in _runs(operations):
        if kind.creation is not None:
            _create_run(kind, run, results)
        else:
            for index, operation in run:
                results[index] = apply_one(operation)
    return results
