"""API: referrals, from their arrival to the start of services (team-scoped, audited)."""

from __future__ import annotations

import sqlalchemy as sa
from flask.views import MethodView

from homecare.core.rest import (
    API_PREFIX,
    IF_MATCH_PARAMETER,
    Blueprint,
    etag_headers,
    paginate_select,
    require_if_match,
)
from homecare.core.timeutil import local_today
from homecare.intake.models import Referral
from homecare.intake.schemas import ReferralPatchSchema, ReferralQuerySchema, ReferralSchema
from homecare.intake.services import record_referral, record_referral_reads, update_referral
from homecare.org.models import Staff, Team
from homecare.policy.access import Action, visible_referrals
from homecare.policy.lookup import actor, load, read_one, referenced
from homecare.service_users.models import ServiceUser

blueprint = Blueprint("referrals", __name__, url_prefix=f"{API_PREFIX}/referrals",
                      description="Referrals: a person the team is asked to help, followed "
                                  "to the start of services.")


@blueprint.route("")
class Referrals(MethodView):
    @blueprint.arguments(ReferralQuerySchema, location="query")
    @blueprint.response(200, ReferralSchema(many=True))
    @blueprint.paginate()
    @blueprint.errors(401, 403, 404)
    def get(self, args, pagination_parameters):
        """The referrals of the caller's teams, newest first (``open``: only those neither
        started nor closed)."""
        query = (sa.select(Referral).where(visible_referrals(actor()))
                 .order_by(Referral.received_on.desc(), Referral.id))
        if "team_id" in args:
            team = load(Team, args["team_id"], Action.RECORD)
            query = query.where(Referral.team_id == team.id)
        if args["open"]:
            query = query.where(Referral.service_user_id.is_(None),
                                Referral.closed_on.is_(None))
        referrals = paginate_select(query, pagination_parameters)
        record_referral_reads(referrals, "referral")
        return referrals

    @blueprint.arguments(ReferralSchema)
    @blueprint.response(201, ReferralSchema)
    @blueprint.errors(401, 403, 422)
    def post(self, data):
        """Record a referral as it arrives (coordinators of the team)."""
        team = referenced(Team, data.pop("team_id"), "team_id", Action.COORDINATE)
        referral = record_referral(team=team, created_by=actor(), today=local_today(),
                                   **data)
        return referral, etag_headers(referral)


@blueprint.route("/<uuid:referral_id>")
class ReferralById(MethodView):
    @blueprint.response(200, ReferralSchema)
    @blueprint.errors(401, 403, 404)
    def get(self, referral_id):
        """One referral."""
        referral = read_one(Referral, referral_id, what="referral")
        return referral, etag_headers(referral)

    @blueprint.arguments(ReferralPatchSchema)
    @blueprint.response(200, ReferralSchema)
    @blueprint.errors(401, 403, 404, 412, 422, 428)
    @blueprint.doc(parameters=[IF_MATCH_PARAMETER])
    def patch(self, data, referral_id):
        """Record the assessment (``assessed_on``, ``assessed_by_id``), the user the
        referral became (``service_user_id``), or its closing without services
        (``closed_on``, ``closed_reason``); coordinators, If-Match."""
        referral = load(Referral, referral_id, Action.COORDINATE)
        require_if_match(referral)
        if "assessed_by_id" in data:
            data["assessed_by"] = referenced(Staff, data.pop("assessed_by_id"), "assessed_by")
        if "service_user_id" in data:
            data["service_user"] = referenced(ServiceUser, data.pop("service_user_id"),
                                              "service_user_id", Action.COORDINATE)
        update_referral(referral, today=local_today(), **data)
        return referral, etag_headers(referral)
