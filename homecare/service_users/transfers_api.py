"""API: transfer requests, between the team that asked for a person and the person's team."""

from __future__ import annotations

import sqlalchemy as sa
from flask.views import MethodView
from sqlalchemy.orm import joinedload

from homecare.core.audit import record_read, record_reads
from homecare.core.rest import (
    API_PREFIX,
    IF_MATCH_PARAMETER,
    Blueprint,
    etag_headers,
    paginate_select,
    require_if_match,
)
from homecare.policy.access import Action, visible_transfer_requests
from homecare.policy.lookup import actor, load
from homecare.service_users.models import ServiceUser, TransferRequest
from homecare.service_users.schemas import (
    TransferDecisionSchema,
    TransferQuerySchema,
    TransferRequestSchema,
)
from homecare.service_users.transfers import decide_transfer

blueprint = Blueprint("transfers", __name__, url_prefix=f"{API_PREFIX}/transfer-requests",
                      description="Requests to take over a person another team serves.")


@blueprint.route("")
class TransferRequests(MethodView):
    @blueprint.arguments(TransferQuerySchema, location="query")
    @blueprint.response(200, TransferRequestSchema(many=True))
    @blueprint.paginate()
    @blueprint.errors(401, 403)
    def get(self, args, pagination_parameters):
        """Requests for users of the caller's teams (``incoming``) and made by the
        caller's teams (``outgoing``), newest first (coordinators)."""
        me = actor()
        query = sa.select(TransferRequest).options(
            joinedload(TransferRequest.service_user)).where(visible_transfer_requests(me))
        teams = sorted(me.team_ids)
        if args.get("direction") == "outgoing":
            query = query.where(TransferRequest.to_team_id.in_(teams))
        elif args.get("direction") == "incoming":
            query = query.where(TransferRequest.service_user.has(ServiceUser.team_id.in_(teams)))
        query = query.order_by(TransferRequest.created_at.desc(), TransferRequest.id)
        found = paginate_select(query, pagination_parameters)
        record_reads([t.service_user_id for t in found
                      if t.service_user.team_id in me.team_ids], "transfer requests")
        return found


@blueprint.route("/<uuid:transfer_id>")
class TransferRequestById(MethodView):
    @blueprint.response(200, TransferRequestSchema)
    @blueprint.errors(401, 403, 404)
    def get(self, transfer_id):
        """One request, as the caller's side may see it."""
        transfer = load(TransferRequest, transfer_id)
        if transfer.service_user.team_id in actor().team_ids:
            record_read(transfer.service_user_id, "transfer request", "transfer_requests",
                        transfer.id)
        return transfer, etag_headers(transfer)

    @blueprint.arguments(TransferDecisionSchema)
    @blueprint.response(200, TransferRequestSchema)
    @blueprint.errors(401, 403, 404, 409, 412, 422, 428)
    @blueprint.doc(parameters=[IF_MATCH_PARAMETER])
    def patch(self, data, transfer_id):
        """Answer a request for a user of one's team (its coordinators, with If-Match):
        ``accepted`` moves the user to the requesting team from today; ``declined`` needs
        a ``reason``, which the requesting team reads."""
        transfer = load(TransferRequest, transfer_id, Action.COORDINATE)
        require_if_match(transfer)
        decide_transfer(transfer, actor(), accept=data["status"] == "accepted",
                        reason=data.get("reason"))
        return transfer, etag_headers(transfer)
