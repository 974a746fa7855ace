"""API: «Hva er viktig for deg?» conversations of a service user."""

from __future__ import annotations

import sqlalchemy as sa
from flask.views import MethodView

from homecare.core.api import API_PREFIX, Blueprint, paginate_select
from homecare.core.audit import record_read
from homecare.org.models import Staff
from homecare.policy.access import Action
from homecare.policy.lookup import actor, load, referenced
from homecare.service_users.models import ServiceUser
from homecare.what_matters.models import WhatMattersConversation
from homecare.what_matters.schemas import WhatMattersSchema
from homecare.what_matters.services import record_conversation

blueprint = Blueprint("what_matters", __name__, url_prefix=f"{API_PREFIX}/service-users",
                      description="What matters to the user, in their own words.")


@blueprint.route("/<uuid:user_id>/what-matters")
class WhatMatters(MethodView):
    @blueprint.response(200, WhatMattersSchema(many=True))
    @blueprint.paginate()
    @blueprint.errors(401, 403, 404)
    def get(self, user_id, pagination_parameters):
        """The user's conversations, newest first."""
        user = load(ServiceUser, user_id)
        record_read(user.id, "what matters")
        query = (sa.select(WhatMattersConversation)
                 .where(WhatMattersConversation.service_user_id == user.id)
                 .order_by(WhatMattersConversation.conversation_date.desc(),
                           WhatMattersConversation.created_at.desc()))
        return paginate_select(query, pagination_parameters)

    @blueprint.arguments(WhatMattersSchema)
    @blueprint.response(201, WhatMattersSchema)
    @blueprint.errors(401, 403, 404, 422)
    def post(self, data, user_id):
        """Record a conversation; ``spoken_for_by`` is required when the user was absent."""
        user = load(ServiceUser, user_id, Action.RECORD)
        asked_by = referenced(Staff, data.pop("asked_by_id"), "asked_by")
        return record_conversation(user=user, recorded_by=actor(), asked_by=asked_by, **data)
