"""API: service users and their responsible contacts (the access log: ``access_review.api``)."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import jsonify
from flask.views import MethodView
from flask_babel import gettext as _

from homecare.core.audit import record_read, record_reads
from homecare.core.errors import ValidationFailed
from homecare.core.extensions import db
from homecare.core.national_id import normalised
from homecare.core.rest import (
    API_PREFIX,
    IF_MATCH_PARAMETER,
    Blueprint,
    etag_headers,
    paginate_select,
    require_if_match,
)
from homecare.core.timeutil import local_today
from homecare.flags.services import annotate_service_users
from homecare.org.models import Staff, Team
from homecare.policy.access import Action, visible_service_users
from homecare.policy.lookup import actor, load, referenced
from homecare.service_users.models import (
    ResponsibleContactAssignment,
    ServiceUser,
    TransferRequest,
)
from homecare.service_users.schemas import (
    ContactAssignmentSchema,
    ContactHistorySchema,
    NationalIdHeaderSchema,
    NationalIdSearchSchema,
    RegistrationWaitsSchema,
    ServiceUserListSchema,
    ServiceUserPatchSchema,
    ServiceUserQuerySchema,
    ServiceUserSchema,
    TransferRequestSchema,
)
from homecare.service_users.services import (
    assign_responsible_contact,
    move_to_team,
    update_service_user,
)
from homecare.service_users.transfers import (
    register_or_request_transfer,
    registration_waits_message,
)
from homecare.visits.series import stop_after_service_end

blueprint = Blueprint("service_users", __name__, url_prefix=f"{API_PREFIX}/service-users",
                      description="People receiving care, in the caller's own teams.")


def _team(team_id: int) -> Team:
    """A team named in a body: one the caller may not see is a 422, like a missing one."""
    return referenced(Team, team_id, "team_id", Action.COORDINATE)


#: A search text that is a whole national id (11 digits, spaces allowed).
_NATIONAL_ID = re.compile(r"^\s*\d(?:\s*\d){10}\s*$")
#: At most this many users are answered for one national id (there is one, or none).
_SEARCH_LIMIT = 10


def registration_waits(transfer: TransferRequest):
    """The 202 answer to a registration that became a transfer request: the same words
    whoever holds the person and whatever they decide."""
    body = {"code": 202, "status": "Accepted", "message": registration_waits_message(),
            "transfer_request": TransferRequestSchema().dump(transfer)}
    return jsonify(body), 202


def _listed(users, *, searched: bool) -> list:
    """Users as a list shows them; everyone a search found was looked for, and so read."""
    if searched:
        record_reads([u.id for u in users], "search", listed=False)
    else:
        record_reads([u.id for u in users], "list")
    return annotate_service_users(users)


def _filtered(args: dict, national_id: str | None = None) -> sa.Select:
    query = sa.select(ServiceUser).where(visible_service_users(actor()))
    if "team_id" in args:
        query = query.where(ServiceUser.team_id == args["team_id"])
    if "active_on" in args:
        day = args["active_on"]
        query = query.where(ServiceUser.is_active_on(day))
    if args.get("q", "").strip():
        if _NATIONAL_ID.match(args["q"]):
            raise ValidationFailed.single("q", _(
                "Do not put a national identity number in a web address: send it in the "
                "X-National-Id header or to POST /api/v1/service-users/search."))
        query = query.where(ServiceUser.full_name.ilike(f"%{args['q'].strip()}%"))
    if national_id is not None:
        query = query.where(ServiceUser.national_id == normalised(national_id))
    return query.order_by(ServiceUser.full_name, ServiceUser.id)


@blueprint.route("")
class ServiceUsers(MethodView):
    @blueprint.arguments(ServiceUserQuerySchema, location="query")
    @blueprint.arguments(NationalIdHeaderSchema, location="headers")
    @blueprint.response(200, ServiceUserListSchema(many=True))
    @blueprint.paginate()
    @blueprint.errors(401, 403, 422)
    def get(self, args, headers, pagination_parameters):
        """Users of the caller's teams, by name (``q``), or by national id in the
        ``X-National-Id`` header — never in the URL. A list shows no next of kin, and
        the national id masked except to coordinators."""
        query = _filtered(args, headers.get("national_id"))
        searched = bool(args.get("q", "").strip()) or "national_id" in headers
        return _listed(paginate_select(query, pagination_parameters), searched=searched)

    @blueprint.arguments(ServiceUserSchema)
    @blueprint.response(201, ServiceUserSchema)
    @blueprint.alt_response(202, schema=RegistrationWaitsSchema,
                            description="The registration waits for a check by other "
                                        "coordinators (a transfer request).")
    @blueprint.errors(401, 403, 422)
    def post(self, data):
        """Register a user in a team (coordinators of that team).

        A national id already held by a team the caller may not see is not refused (that
        would tell whether the person receives care elsewhere): the answer is 202 with a
        transfer request to the coordinators responsible, who move the user or decline
        (``/transfer-requests``). A person in the caller's own teams is a 422.
        """
        data["team"] = _team(data.pop("team_id"))
        registered = register_or_request_transfer(actor(), **data)
        if isinstance(registered, TransferRequest):
            return registration_waits(registered)
        return annotate_service_users([registered])[0], etag_headers(registered)


@blueprint.route("/search")
class ServiceUserSearch(MethodView):
    @blueprint.arguments(NationalIdSearchSchema)
    @blueprint.response(200, ServiceUserListSchema(many=True))
    @blueprint.errors(401, 403, 422)
    def post(self, data):
        """Find a user of the caller's teams by national id, sent in the body so that it
        stays out of URLs and server logs. Answers a list (empty when none)."""
        users = list(db.session.scalars(
            _filtered({}, data["national_id"]).limit(_SEARCH_LIMIT)))
        return _listed(users, searched=True)


@blueprint.route("/<uuid:user_id>")
class ServiceUserById(MethodView):
    @blueprint.response(200, ServiceUserSchema)
    @blueprint.errors(401, 403, 404)
    def get(self, user_id):
        """One user's record (team members); the read is logged."""
        user = load(ServiceUser, user_id)
        record_read(user.id, "record")
        return annotate_service_users([user])[0], etag_headers(user)

    @blueprint.arguments(ServiceUserPatchSchema)
    @blueprint.response(200, ServiceUserSchema)
    @blueprint.errors(401, 403, 404, 412, 422, 428)
    @blueprint.doc(parameters=[IF_MATCH_PARAMETER])
    def patch(self, data, user_id):
        """Change a user (coordinators, with If-Match); ``team_id`` moves the user.

        A move needs a coordinator of both teams; ``moved_on`` (default today) is the
        first day in the new team. A ``service_end`` cancels the visits planned after
        that day and ends the user's weekly repeats on it.
        """
        user = load(ServiceUser, user_id, Action.COORDINATE)
        require_if_match(user)
        moved_on = data.pop("moved_on", None)
        if "team_id" in data:
            move_to_team(user, _team(data.pop("team_id")), moved_on or local_today())
        update_service_user(user, **data)
        if data.get("service_end") is not None:
            stop_after_service_end(user)   # no visits left planned after the last day
        return annotate_service_users([user])[0], etag_headers(user)


@blueprint.route("/<uuid:user_id>/responsible-contact")
class ResponsibleContact(MethodView):
    @blueprint.arguments(ContactAssignmentSchema)
    @blueprint.response(200, ContactHistorySchema)
    @blueprint.errors(401, 403, 404, 422)
    def put(self, data, user_id):
        """Make a team member the user's responsible contact from ``from`` (default now).

        The previous assignment ends where this one begins.
        """
        user = load(ServiceUser, user_id, Action.COORDINATE)
        staff = db.session.get(Staff, data["staff_id"])
        if staff is None:
            raise ValidationFailed.single("staff_id", _("The responsible contact must be a "
                                                        "member of the user's team."))
        return assign_responsible_contact(user, staff, data.get("from_"), assigned_by=actor())


@blueprint.route("/<uuid:user_id>/responsible-contacts")
class ResponsibleContacts(MethodView):
    @blueprint.response(200, ContactHistorySchema(many=True))
    @blueprint.paginate()
    @blueprint.errors(401, 403, 404)
    def get(self, user_id, pagination_parameters):
        """The user's responsible contacts over time, oldest first."""
        user = load(ServiceUser, user_id)
        record_read(user.id, "responsible contacts")
        query = (sa.select(ResponsibleContactAssignment)
                 .where(ResponsibleContactAssignment.service_user_id == user.id)
                 .order_by(ResponsibleContactAssignment.valid_from))
        return paginate_select(query, pagination_parameters)


