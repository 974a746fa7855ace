"""Apply a batch of queued offline records, each on its own, and say how each went.

Each operation runs in its own savepoint through the same function as its single-record
endpoint (``PUT /visits/{id}`` and the others), so a refused one rolls back alone and the
others are kept. Sending a batch again after a lost answer is safe: every kind is
idempotent, and a repeat answers 200 without writing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus

import marshmallow as ma

from homecare.core.error_pages import refusal, standard_message, translated_errors
from homecare.extensions import db
from homecare.goals.api import put_check_in
from homecare.goals.schemas import CheckInSchema
from homecare.visits.api import complete_queued, put_visit
from homecare.visits.schemas import VisitCompletionSchema, VisitSchema
from homecare.what_matters.api import put_conversation
from homecare.what_matters.schemas import WhatMattersPutSchema, WhatMattersSchema

#: The most operations one request may carry: a shift's work, bounded.
MAX_OPERATIONS = 500


@dataclass(frozen=True)
class Kind:
    """One kind of queued record: how its body is read, applied and shown back."""

    body: ma.Schema
    apply: Callable[[object, dict], tuple[object, int]]
    record: ma.Schema


KINDS: dict[str, Kind] = {
    # A visit logged on the tablet (the operation's id becomes the visit's).
    "visit": Kind(VisitSchema(), put_visit, VisitSchema()),
    # A planned visit completed on the tablet.
    "visit_completion": Kind(VisitCompletionSchema(),
                             lambda _id, data: complete_queued(data), VisitSchema()),
    "check_in": Kind(CheckInSchema(), put_check_in, CheckInSchema()),
    "what_matters": Kind(WhatMattersPutSchema(), put_conversation, WhatMattersSchema()),
}

def apply_one(operation: dict) -> dict:
    """Apply one queued operation in its own savepoint; its result for the answer, a
    refusal told as its single endpoint would tell it (``core.error_pages.refusal``)."""
    kind = KINDS[operation["kind"]]
    result = {"id": operation["id"], "kind": operation["kind"]}
    try:
        with db.session.begin_nested():
            record, status = kind.apply(operation["id"], kind.body.load(operation["body"]))
    except Exception as error:
        refused = refusal(error)
        if refused is None:
            raise
        status, message, errors = refused
        return {**result, "status": status, "title": HTTPStatus(status).phrase,
                "message": message or standard_message(status),
                **({"errors": translated_errors(errors)} if errors else {})}
    return {**result, "status": status, "title": HTTPStatus(status).phrase,
            "record": kind.record.dump(record)}


def apply_all(operations: list[dict]) -> list[dict]:
    """Apply each operation in order; one result per operation, in the same order."""
    return [apply_one(operation) for operation in operations]
