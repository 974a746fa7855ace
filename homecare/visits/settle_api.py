"""API: care given that met a changed plan, kept for the coordinators to settle."""

from __future__ import annotations

from flask.views import MethodView

from homecare.core.rest import API_PREFIX, Blueprint
from homecare.policy.access import Action
from homecare.policy.lookup import actor, load
from homecare.visits.care_given import open_to_settle, settle
from homecare.visits.models import VisitToSettle
from homecare.visits.schemas import (
    SettlementSchema,
    VisitToSettleQuerySchema,
    VisitToSettleSchema,
)

blueprint = Blueprint(
    "visit_conflicts", __name__, url_prefix=f"{API_PREFIX}/visit-conflicts",
    description="Care given offline that met a changed plan: stored as carried out, and "
                "kept here for the coordinators of the team that gave it to note or settle.")


@blueprint.route("")
class VisitsToSettle(MethodView):
    @blueprint.arguments(VisitToSettleQuerySchema, location="query")
    @blueprint.response(200, VisitToSettleSchema(many=True))
    @blueprint.errors(401, 403)
    def get(self, args):
        """What waits for the caller's teams (coordinators): a visit cancelled or marked
        missed but carried out, two versions of one visit, care given before the user
        moved team. ``settled=true`` includes those settled."""
        teams = [args["team_id"]] if "team_id" in args else None
        return open_to_settle(teams, settled=args["settled"])


@blueprint.route("/<uuid:item_id>/settlement")
class Settle(MethodView):
    @blueprint.arguments(SettlementSchema)
    @blueprint.response(200, VisitToSettleSchema)
    @blueprint.errors(401, 403, 404, 409, 422)
    def post(self, data, item_id):
        """Settle one: ``kept``, ``replaced`` or ``both`` for two versions, ``noted``
        for the others (422 for a choice not offered; 409 once settled)."""
        item = load(VisitToSettle, item_id, Action.COORDINATE)
        return settle(item, actor(), data["choice"])
