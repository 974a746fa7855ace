"""API: who read or changed a service user's record (the access log)."""

from __future__ import annotations

from flask.views import MethodView

from homecare.access_review.schemas import AccessLogEntrySchema
from homecare.access_review.services import access_log_query
from homecare.core.audit import record_read
from homecare.core.rest import API_PREFIX, Blueprint, paginate_select
from homecare.policy.access import Action
from homecare.policy.lookup import load
from homecare.service_users.models import ServiceUser

blueprint = Blueprint("access_log", __name__, url_prefix=f"{API_PREFIX}/service-users",
                      description="Who read or changed a user's record: what the user is "
                                  "entitled to know.")


@blueprint.route("/<uuid:user_id>/access-log")
class AccessLog(MethodView):
    @blueprint.response(200, AccessLogEntrySchema(many=True))
    @blueprint.paginate()
    @blueprint.errors(401, 403, 404)
    def get(self, user_id, pagination_parameters):
        """Who read or changed this user's record, newest first (coordinators).

        What the user is entitled to know about who looked at their record.
        """
        user = load(ServiceUser, user_id, Action.COORDINATE)
        entries = paginate_select(access_log_query(user.id), pagination_parameters, rows=True)
        record_read(user.id, "access log")
        return entries
