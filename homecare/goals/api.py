"""API: goals, and the check-ins (follow-up evaluations) of each."""

from __future__ import annotations

import sqlalchemy as sa
from flask.views import MethodView

from homecare.core.audit import record_read, record_reads
from homecare.core.rest import (
    API_PREFIX,
    IF_MATCH_PARAMETER,
    Blueprint,
    etag_headers,
    paginate_select,
    require_if_match,
)
from homecare.flags.services import annotate_goals
from homecare.goals.models import CheckIn, Goal
from homecare.goals.schemas import (
    CheckInSchema,
    GoalPatchSchema,
    GoalQuerySchema,
    GoalSchema,
    GoalStatusChangeSchema,
)
from homecare.goals.services import (
    CHECK_IN_CREATION,
    create_goal,
    goal_history,
    record_status_change,
    update_goal,
)
from homecare.policy.access import Action, visible_service_users
from homecare.policy.lookup import actor, filtered_to_user, load, read_one, referenced
from homecare.service_users.models import ServiceUser
from homecare.what_matters.models import WhatMattersConversation

blueprint = Blueprint("goals", __name__, url_prefix=API_PREFIX,
                      description="Goals in the user's own words, and their follow-ups.")


def _conversation(conversation_id):
    if conversation_id is None:
        return None
    return referenced(WhatMattersConversation, conversation_id, "what_matters_id",
                      through="service_user")


@blueprint.route("/goals")
class Goals(MethodView):
    @blueprint.arguments(GoalQuerySchema, location="query")
    @blueprint.response(200, GoalSchema(many=True))
    @blueprint.paginate()
    @blueprint.errors(401, 403, 404)
    def get(self, args, pagination_parameters):
        """Goals of the caller's users; filter by user and status."""
        query = (sa.select(Goal).join(Goal.service_user)
                 .where(visible_service_users(actor())).order_by(Goal.start_date, Goal.id))
        user = filtered_to_user(args, "goals")
        if user is not None:
            query = query.where(Goal.service_user_id == user.id)
        if "status" in args:
            query = query.where(Goal.status == args["status"])
        goals = paginate_select(query, pagination_parameters)
        if user is None:
            record_reads([g.service_user_id for g in goals], "goals")
        return annotate_goals(goals)

    @blueprint.arguments(GoalSchema)
    @blueprint.response(201, GoalSchema)
    @blueprint.errors(401, 403, 422)
    def post(self, data):
        """Set a goal with the user, in their words."""
        user = referenced(ServiceUser, data.pop("service_user_id"), "service_user_id",
                          Action.RECORD)
        data["what_matters"] = _conversation(data.pop("what_matters_id"))
        goal = create_goal(user=user, created_by=actor(), **data)
        return annotate_goals([goal])[0], etag_headers(goal)


@blueprint.route("/goals/<uuid:goal_id>")
class GoalById(MethodView):
    @blueprint.response(200, GoalSchema)
    @blueprint.errors(401, 403, 404)
    def get(self, goal_id):
        """One goal."""
        goal = read_one(Goal, goal_id, through="service_user")
        return annotate_goals([goal])[0], etag_headers(goal)

    @blueprint.arguments(GoalPatchSchema)
    @blueprint.response(200, GoalSchema)
    @blueprint.errors(401, 403, 404, 412, 422, 428)
    @blueprint.doc(parameters=[IF_MATCH_PARAMETER])
    def patch(self, data, goal_id):
        """Change a goal or its status (with If-Match); closing it sets ``closed_on``."""
        goal = load(Goal, goal_id, Action.RECORD, through="service_user")
        require_if_match(goal)
        if "what_matters_id" in data:
            data["what_matters"] = _conversation(data.pop("what_matters_id"))
        update_goal(goal, recorded_by=actor(), **data)
        return annotate_goals([goal])[0], etag_headers(goal)


@blueprint.route("/goals/<uuid:goal_id>/status-changes")
class GoalStatusChanges(MethodView):
    @blueprint.response(200, GoalStatusChangeSchema(many=True))
    @blueprint.errors(401, 403, 404)
    def get(self, goal_id):
        """The goal's changes of status, oldest first, each with why in whose words."""
        goal = load(Goal, goal_id, through="service_user")
        record_read(goal.service_user_id, "goal status changes", "goals", goal.id)
        return goal_history(goal)

    @blueprint.arguments(GoalStatusChangeSchema)
    @blueprint.response(201, GoalStatusChangeSchema)
    @blueprint.errors(401, 403, 404, 422)
    def post(self, data, goal_id):
        """Mark the goal achieved, not achieved, paused (``on_hold``), stopped
        (``cancelled``) or resumed (``active``), on a day and why: the same service as
        the goal's page. Paused and closed goals raise no follow-up reminders."""
        goal = load(Goal, goal_id, Action.RECORD, through="service_user")
        return record_status_change(goal, status=data["to_status"],
                                    changed_on=data["changed_on"], recorded_by=actor(),
                                    reason=data["reason"], reason_by=data["reason_by"])


@blueprint.route("/goals/<uuid:goal_id>/check-ins")
class GoalCheckIns(MethodView):
    @blueprint.response(200, CheckInSchema(many=True))
    @blueprint.paginate()
    @blueprint.errors(401, 403, 404)
    def get(self, goal_id, pagination_parameters):
        """The goal's check-ins, newest first."""
        goal = load(Goal, goal_id, through="service_user")
        record_read(goal.service_user_id, "check-ins", "goals", goal.id)
        query = (sa.select(CheckIn).where(CheckIn.goal_id == goal.id)
                 .order_by(CheckIn.date.desc(), CheckIn.created_at.desc()))
        return paginate_select(query, pagination_parameters)


@blueprint.route("/check-ins/<uuid:check_in_id>")
class CheckInById(MethodView):
    @blueprint.response(200, CheckInSchema)
    @blueprint.errors(401, 403, 404)
    def get(self, check_in_id):
        """One check-in."""
        return read_one(CheckIn, check_in_id, through="goal.service_user", what="check-ins")

    @blueprint.arguments(CheckInSchema)
    @blueprint.response(201, CheckInSchema)
    @blueprint.alt_response(200, schema=CheckInSchema, description="Already recorded.")
    @blueprint.errors(401, 403, 404, 409, 422)
    def put(self, data, check_in_id):
        """Record a check-in under an id the device chose; safe to send again.

        The first call creates it (201); the same body again returns it (200); a
        different body for the same id is a conflict (409). ``recorded_by`` is the caller.
        """
        return CHECK_IN_CREATION.put(check_in_id, data)
