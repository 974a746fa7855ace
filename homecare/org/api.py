"""API: sections, teams, staff accounts and ``me``."""

from __future__ import annotations

import sqlalchemy as sa
from flask.views import MethodView
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from homecare.auth.accounts import create_staff, update_staff
from homecare.core.errors import ValidationFailed
from homecare.core.extensions import db
from homecare.core.rest import API_PREFIX, Blueprint, paginate_select
from homecare.flags.services import annotate_staff
from homecare.org.models import Section, Staff, Team, staff_teams
from homecare.org.schemas import (
    SectionPatchSchema,
    SectionSchema,
    StaffPatchSchema,
    StaffQuerySchema,
    StaffSchema,
    TeamPatchSchema,
    TeamQuerySchema,
    TeamSchema,
)
from homecare.org.services import create_section, create_team, update_section, update_team
from homecare.policy.access import (
    ORGANISATION,
    Action,
    ensure,
    visible_sections,
    visible_staff,
    visible_teams,
)
from homecare.policy.lookup import actor, load

blueprint = Blueprint("organisation", __name__, url_prefix=API_PREFIX,
                      description="Sections, teams and staff accounts (administrators).")


def _section(section_id: int) -> Section:
    section = db.session.get(Section, section_id)
    if section is None:
        raise ValidationFailed.single("section_id", _("This section does not exist."))
    return section


@blueprint.route("/sections")
class Sections(MethodView):
    @blueprint.response(200, SectionSchema(many=True))
    @blueprint.paginate()
    @blueprint.errors(401, 403)
    def get(self, pagination_parameters):
        """Sections: all for administrators, their own for a section leader."""
        query = sa.select(Section).where(visible_sections(actor())).order_by(Section.name)
        return paginate_select(query, pagination_parameters)

    @blueprint.arguments(SectionSchema)
    @blueprint.response(201, SectionSchema)
    @blueprint.errors(401, 403, 422)
    def post(self, data):
        """Create a section (administrators)."""
        ensure(actor(), Action.MANAGE, ORGANISATION)
        return create_section(data["name"])


@blueprint.route("/sections/<id:section_id>")
class SectionById(MethodView):
    @blueprint.response(200, SectionSchema)
    @blueprint.errors(401, 403, 404)
    def get(self, section_id):
        """One section (administrators, and the section's leader)."""
        return load(Section, section_id)

    @blueprint.arguments(SectionPatchSchema)
    @blueprint.response(200, SectionSchema)
    @blueprint.errors(401, 403, 404, 422)
    def patch(self, data, section_id):
        """Rename a section (administrators)."""
        return update_section(load(Section, section_id, Action.MANAGE), **data)


@blueprint.route("/teams")
class Teams(MethodView):
    @blueprint.arguments(TeamQuerySchema, location="query")
    @blueprint.response(200, TeamSchema(many=True))
    @blueprint.paginate()
    @blueprint.errors(401)
    def get(self, args, pagination_parameters):
        """Teams the caller works in, leads or administers."""
        query = sa.select(Team).where(visible_teams(actor())).order_by(Team.name, Team.id)
        if "section_id" in args:
            query = query.where(Team.section_id == args["section_id"])
        return paginate_select(query, pagination_parameters)

    @blueprint.arguments(TeamSchema)
    @blueprint.response(201, TeamSchema)
    @blueprint.errors(401, 403, 422)
    def post(self, data):
        """Create a team in a section (administrators)."""
        ensure(actor(), Action.MANAGE, ORGANISATION)
        return create_team(data["name"], _section(data["section_id"]), data["phone"],
                           data["organisation_number"])


@blueprint.route("/teams/<id:team_id>")
class TeamById(MethodView):
    @blueprint.response(200, TeamSchema)
    @blueprint.errors(401, 403, 404)
    def get(self, team_id):
        """One team (its members, its section leader, administrators)."""
        return load(Team, team_id)

    @blueprint.arguments(TeamPatchSchema)
    @blueprint.response(200, TeamSchema)
    @blueprint.errors(401, 403, 404, 422)
    def patch(self, data, team_id):
        """Rename a team, move it to another section or change its phone number or
        organisation number (administrators; null removes either)."""
        team = load(Team, team_id, Action.MANAGE)
        section = _section(data["section_id"]) if "section_id" in data else None
        optional = {field: data[field] for field in ("phone", "organisation_number")
                    if field in data}
        return update_team(team, name=data.get("name"), section=section, **optional)


@blueprint.route("/staff")
class StaffList(MethodView):
    @blueprint.arguments(StaffQuerySchema, location="query")
    @blueprint.response(200, StaffSchema(many=True))
    @blueprint.paginate()
    @blueprint.errors(401, 403)
    def get(self, args, pagination_parameters):
        """Staff accounts: all for administrators, their teams' members for coordinators."""
        query = sa.select(Staff).where(visible_staff(actor())).order_by(Staff.full_name,
                                                                        Staff.id)
        if "team_id" in args:
            members = sa.select(staff_teams.c.staff_id).where(
                staff_teams.c.team_id == args["team_id"])
            query = query.where(Staff.id.in_(members))
        if "role" in args:
            query = query.where(Staff.role == args["role"])
        if "active" in args:
            query = query.where(Staff.active.is_(args["active"]))
        query = query.options(selectinload(Staff.teams))
        return annotate_staff(paginate_select(query, pagination_parameters))

    @blueprint.arguments(StaffSchema)
    @blueprint.response(201, StaffSchema)
    @blueprint.errors(401, 403, 422)
    def post(self, data):
        """Create a staff account (administrators); the password is never returned."""
        ensure(actor(), Action.MANAGE, ORGANISATION)
        return annotate_staff([create_staff(**data)])[0]


@blueprint.route("/staff/<id:staff_id>")
class StaffById(MethodView):
    @blueprint.response(200, StaffSchema)
    @blueprint.errors(401, 403, 404)
    def get(self, staff_id):
        """One account (the person, coordinators of a shared team, administrators)."""
        return annotate_staff([load(Staff, staff_id)])[0]

    @blueprint.arguments(StaffPatchSchema)
    @blueprint.response(200, StaffSchema)
    @blueprint.errors(401, 403, 404, 422)
    def patch(self, data, staff_id):
        """Change an account; deactivating it ends its sessions and tokens."""
        return annotate_staff([update_staff(load(Staff, staff_id, Action.MANAGE), **data)])[0]


@blueprint.route("/me")
class Me(MethodView):
    @blueprint.response(200, StaffSchema)
    @blueprint.errors(401)
    def get(self):
        """The signed-in staff member."""
        return annotate_staff([actor()])[0]
