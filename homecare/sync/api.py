"""API: ``POST /sync``, the tablet's queued records in one request."""

from __future__ import annotations

from flask import jsonify, request
from flask.views import MethodView

from homecare.core.metrics import count_sync
from homecare.core.rest import API_PREFIX, Blueprint
from homecare.policy.access import ensure_works_in_a_team
from homecare.policy.lookup import actor
from homecare.sync.schemas import SyncResultSchema, SyncSchema
from homecare.sync.services import MAX_OPERATIONS, apply_all

blueprint = Blueprint("sync", __name__, url_prefix=f"{API_PREFIX}/sync",
                      description="Queued offline records, sent together.")

#: The largest batch read (bytes): room for ``MAX_OPERATIONS`` records each carrying the
#: longest text (4,000 characters, at most 3 bytes each in UTF-8) and its fields.
SYNC_MAX_BYTES = MAX_OPERATIONS * (4000 * 3 + 2048)


@blueprint.before_request
def _room_for_a_full_batch() -> None:
    """A whole day's queue is larger than any other request (``MAX_CONTENT_LENGTH``)."""
    request.max_content_length = SYNC_MAX_BYTES


@blueprint.route("")
class Sync(MethodView):
    @blueprint.arguments(SyncSchema)
    @blueprint.response(200, SyncResultSchema)
    @blueprint.errors(401, 403, 422)
    def post(self, data):
        """Apply up to 500 queued operations (``MAX_OPERATIONS``), each on its own.

        Each operation is applied on its own as its single endpoint applies it, so a
        refused one (404, 409, 422) writes nothing and loses nothing of the others
        (a new record is checked before it is written; any other change runs in a
        savepoint). Sending
        the same batch again is safe: what was stored answers 200 and is not stored twice.

        **Care given is never lost.** A ``visit_completion`` is stored as carried out by
        the caller at their times even if the visit was moved, re-timed or given to
        someone else meanwhile (200; its ``version`` no longer makes it a 412), cancelled
        or marked missed (200, flagged for the coordinator), or given before the user
        moved to another team (200, told to the team that gave it). If someone else
        completed it meanwhile with other times, both versions are kept and the
        coordinator settles them (202; ``GET /visit-conflicts``).
        """
        ensure_works_in_a_team(actor())
        # The results are built in the schema's shape, so they are sent as they are: a
        # second pass through the schema cost a twentieth of a sync (``bench/RESULTS.md``).
        results = apply_all(data["operations"])
        count_sync(results)
        return jsonify(results=results)

