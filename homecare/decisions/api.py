"""API: team decisions (vedtak)."""

from __future__ import annotations

import sqlalchemy as sa
from flask.views import MethodView
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from homecare.core.audit import record_read, record_reads
from homecare.core.errors import ValidationFailed
from homecare.core.extensions import db
from homecare.core.rest import (
    API_PREFIX,
    IF_MATCH_PARAMETER,
    Blueprint,
    etag_headers,
    paginate_select,
    require_if_match,
)
from homecare.decisions.models import Decision
from homecare.decisions.schemas import (
    DecisionEndSchema,
    DecisionPatchSchema,
    DecisionQuerySchema,
    DecisionReviewSchema,
    DecisionRevisionSchema,
    DecisionSchema,
)
from homecare.decisions.services import (
    end_decision,
    record_decision,
    review_decision,
    revise_decision,
    update_decision,
)
from homecare.org.models import Staff
from homecare.policy.access import Action, visible_service_users
from homecare.policy.lookup import actor, filtered_to_user, load, read_one, referenced
from homecare.service_users.models import ServiceUser

blueprint = Blueprint("decisions", __name__, url_prefix=f"{API_PREFIX}/decisions",
                      description="Team decisions, made with the user.")


def _participants(staff_ids: list[int]) -> list[Staff]:
    wanted = sorted(set(staff_ids))
    found = list(db.session.scalars(sa.select(Staff).where(Staff.id.in_(wanted))))
    if len(found) != len(wanted):
        raise ValidationFailed.single("participants", _("Participants must be members of the "
                                                        "user's team."))
    return found


@blueprint.route("")
class Decisions(MethodView):
    @blueprint.arguments(DecisionQuerySchema, location="query")
    @blueprint.response(200, DecisionSchema(many=True))
    @blueprint.paginate()
    @blueprint.errors(401, 403, 404)
    def get(self, args, pagination_parameters):
        """Decisions of the caller's users, newest first."""
        query = (sa.select(Decision).join(Decision.service_user)
                 .where(visible_service_users(actor()))
                 .options(selectinload(Decision.participants),
                          selectinload(Decision.superseded_by))
                 .order_by(Decision.decided_on.desc(), Decision.id))
        user = filtered_to_user(args, "decisions")
        if user is not None:
            query = query.where(Decision.service_user_id == user.id)
        decisions = paginate_select(query, pagination_parameters)
        if user is None:
            record_reads([d.service_user_id for d in decisions], "decisions")
        return decisions

    @blueprint.arguments(DecisionSchema)
    @blueprint.response(201, DecisionSchema)
    @blueprint.errors(401, 403, 422)
    def post(self, data):
        """Record a decision from the team meeting (coordinators)."""
        user = referenced(ServiceUser, data.pop("service_user_id"), "service_user_id",
                          Action.COORDINATE)
        participants = _participants(data.pop("participant_ids"))
        decision = record_decision(user=user, created_by=actor(), participants=participants,
                                   **data)
        return decision, etag_headers(decision)


@blueprint.route("/<uuid:decision_id>")
class DecisionById(MethodView):
    @blueprint.response(200, DecisionSchema)
    @blueprint.errors(401, 403, 404)
    def get(self, decision_id):
        """One decision."""
        decision = read_one(Decision, decision_id, through="service_user")
        return decision, etag_headers(decision)

    @blueprint.arguments(DecisionPatchSchema)
    @blueprint.response(200, DecisionSchema)
    @blueprint.errors(401, 403, 404, 412, 422, 428)
    @blueprint.doc(parameters=[IF_MATCH_PARAMETER])
    def patch(self, data, decision_id):
        """Change a decision, e.g. revoke it or set a review date (coordinators, If-Match)."""
        decision = load(Decision, decision_id, Action.COORDINATE, through="service_user")
        require_if_match(decision)
        if "participant_ids" in data:
            data["participants"] = _participants(data.pop("participant_ids"))
        update_decision(decision, **data)
        return decision, etag_headers(decision)


def _to_review(decision_id) -> Decision:
    return load(Decision, decision_id, Action.COORDINATE, through="service_user")


def _took_part(data: dict) -> dict:
    data["participants"] = _participants(data.pop("participant_ids"))
    return data


@blueprint.route("/<uuid:decision_id>/reviews")
class DecisionReviews(MethodView):
    @blueprint.response(200, DecisionReviewSchema(many=True))
    @blueprint.errors(401, 403, 404)
    def get(self, decision_id):
        """The decision's reviews, newest first: kept, revised or ended."""
        decision = load(Decision, decision_id, through="service_user")
        record_read(decision.service_user_id, "decision reviews", "decisions", decision.id)
        return decision.reviews

    @blueprint.arguments(DecisionReviewSchema)
    @blueprint.response(201, DecisionReviewSchema)
    @blueprint.errors(401, 403, 404, 422)
    def post(self, data, decision_id):
        """"Reviewed — no change" (coordinators): the next review date becomes the
        decision's ``review_on``, which ends "review overdue"."""
        decision = _to_review(decision_id)
        return review_decision(decision, recorded_by=actor(), **_took_part(data))


@blueprint.route("/<uuid:decision_id>/revisions")
class DecisionRevisions(MethodView):
    @blueprint.arguments(DecisionRevisionSchema)
    @blueprint.response(201, DecisionSchema)
    @blueprint.errors(401, 403, 404, 422)
    def post(self, data, decision_id):
        """"Revise" (coordinators): a new version; this one is revoked and kept, and
        names the new one (``superseded_by_id``)."""
        decision = _to_review(decision_id)
        revised = revise_decision(decision, recorded_by=actor(), **_took_part(data))
        return revised, etag_headers(revised)


@blueprint.route("/<uuid:decision_id>/end")
class DecisionEnd(MethodView):
    @blueprint.arguments(DecisionEndSchema)
    @blueprint.response(200, DecisionSchema)
    @blueprint.errors(401, 403, 404, 422)
    def post(self, data, decision_id):
        """"End" (coordinators): in force up to and including ``ended_on``; the reason
        is kept as the decision's last review."""
        decision = _to_review(decision_id)
        end_decision(decision, recorded_by=actor(), **_took_part(data))
        return decision, etag_headers(decision)
