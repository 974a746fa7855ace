"""API: the team's comments on its numbers and the section leader's answers."""

from __future__ import annotations

from flask.views import MethodView

from homecare.core.rest import API_PREFIX, Blueprint, paginate_select
from homecare.core.timeutil import local_today
from homecare.policy.access import Action
from homecare.policy.lookup import actor
from homecare.readings.schemas import ReadingQuerySchema, ReadingSchema
from homecare.readings.services import readings_query, readings_team, write_reading

blueprint = Blueprint("readings", __name__, url_prefix=API_PREFIX,
                      description="The team's own reading of its numbers, and the leader's "
                                  "answers.")


@blueprint.route("/teams/<id:team_id>/readings")
class Readings(MethodView):
    @blueprint.arguments(ReadingQuerySchema, location="query")
    @blueprint.response(200, ReadingSchema(many=True))
    @blueprint.paginate()
    @blueprint.errors(401, 403, 404, 422)
    def get(self, args, team_id, pagination_parameters):
        """The team's comments and answers of the last ``weeks`` weeks, newest first (the
        team's members and its section's leader)."""
        team = readings_team(team_id, Action.VIEW)
        return paginate_select(readings_query(team, weeks=args["weeks"], today=local_today()),
                               pagination_parameters)

    @blueprint.arguments(ReadingSchema)
    @blueprint.response(201, ReadingSchema)
    @blueprint.errors(401, 403, 404, 422)
    def post(self, data, team_id):
        """Comment on an indicator for this week (a member), or answer a comment (the
        section leader, or a member replying). A user's full name is refused; a word
        that is also a user's name is refused until ``no_names`` is true."""
        team = readings_team(team_id, Action.RECORD)
        return write_reading(team=team, author=actor(), today=local_today(), **data)
