"""API: service users, their responsible contacts and their access log."""

from __future__ import annotations

import sqlalchemy as sa
from flask.views import MethodView
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from homecare.core.access import Action, ensure, visible_service_users
from homecare.core.api import (
    API_PREFIX,
    IF_MATCH_PARAMETER,
    Blueprint,
    etag_headers,
    paginate_select,
    require_if_match,
)
from homecare.core.audit import access_log_query, record_read, record_reads
from homecare.core.errors import ValidationFailed
from homecare.core.lookup import actor, load
from homecare.core.timeutil import local_today
from homecare.extensions import db
from homecare.flags.service import annotate_service_users
from homecare.org.models import Staff, Team
from homecare.service_users.models import ResponsibleContactAssignment, ServiceUser
from homecare.service_users.schemas import (
    AccessLogEntrySchema,
    ContactAssignmentSchema,
    ContactHistorySchema,
    ServiceUserPatchSchema,
    ServiceUserQuerySchema,
    ServiceUserSchema,
)
from homecare.service_users.services import (
    assign_responsible_contact,
    move_to_team,
    register_service_user,
    update_service_user,
)

blueprint = Blueprint("service_users", __name__, url_prefix=f"{API_PREFIX}/service-users",
                      description="People receiving care, in the caller's own teams.")


def _team(team_id: int) -> Team:
    team = db.session.get(Team, team_id)
    if team is None:
        raise ValidationFailed.single("team_id", _("This team does not exist."))
    ensure(actor(), Action.COORDINATE, team)
    return team


def _filtered(args: dict) -> sa.Select:
    query = (sa.select(ServiceUser).where(visible_service_users(actor()))
             .options(selectinload(ServiceUser.next_of_kin)))
    if "team_id" in args:
        query = query.where(ServiceUser.team_id == args["team_id"])
    if "active_on" in args:
        day = args["active_on"]
        query = query.where(ServiceUser.service_start <= day, sa.or_(
            ServiceUser.service_end.is_(None), ServiceUser.service_end >= day))
    if args.get("q", "").strip():
        text = args["q"].strip()
        query = query.where(sa.or_(ServiceUser.full_name.ilike(f"%{text}%"),
                                   ServiceUser.national_id == text))
    return query.order_by(ServiceUser.full_name, ServiceUser.id)


@blueprint.route("")
class ServiceUsers(MethodView):
    @blueprint.arguments(ServiceUserQuerySchema, location="query")
    @blueprint.response(200, ServiceUserSchema(many=True))
    @blueprint.paginate()
    @blueprint.errors(401, 403)
    def get(self, args, pagination_parameters):
        """Users of the caller's teams, by name; ``q`` searches names or a national id."""
        users = paginate_select(_filtered(args), pagination_parameters)
        record_reads([u.id for u in users], "list")
        return annotate_service_users(users)

    @blueprint.arguments(ServiceUserSchema)
    @blueprint.response(201, ServiceUserSchema)
    @blueprint.errors(401, 403, 422)
    def post(self, data):
        """Register a user in a team (coordinators of that team)."""
        data["team"] = _team(data.pop("team_id"))
        user = register_service_user(**data)
        return annotate_service_users([user])[0], etag_headers(user)


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
        first day in the new team.
        """
        user = load(ServiceUser, user_id, Action.COORDINATE)
        require_if_match(user)
        moved_on = data.pop("moved_on", None)
        if "team_id" in data:
            move_to_team(user, _team(data.pop("team_id")), moved_on or local_today())
        update_service_user(user, **data)
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
