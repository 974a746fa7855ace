"""API: the worklist."""

from __future__ import annotations

from flask.views import MethodView

from homecare.core.rest import API_PREFIX, Blueprint
from homecare.core.timeutil import local_today
from homecare.policy.lookup import actor
from homecare.worklist.schemas import WorklistQuerySchema, WorklistSchema
from homecare.worklist.services import worklist_for

blueprint = Blueprint("worklist", __name__, url_prefix=f"{API_PREFIX}/worklist",
                      description="What the signed-in team member should do today.")


@blueprint.route("")
class Worklist(MethodView):
    @blueprint.arguments(WorklistQuerySchema, location="query")
    @blueprint.response(200, WorklistSchema)
    @blueprint.errors(401, 403, 422)
    def get(self, args):
        """The caller's visits for the day, follow-ups due for the users they are
        responsible contact for, users not yet asked what matters, and for coordinators
        every flagged user of their teams."""
        return worklist_for(actor(), args.get("date") or local_today())
