"""API: visits, planned by coordinators and logged by the staff who made them."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask.views import MethodView
from flask_babel import gettext as _

from homecare.core.api import (
    API_PREFIX,
    IF_MATCH_PARAMETER,
    Blueprint,
    etag_headers,
    paginate_select,
    require_if_match,
)
from homecare.core.audit import record_read, record_reads
from homecare.core.errors import PreconditionFailed, ValidationFailed
from homecare.core.timeutil import start_of_local_day
from homecare.extensions import db
from homecare.org.models import Role, Staff
from homecare.policy.access import Action, visible_service_users
from homecare.policy.idempotency import Creation
from homecare.policy.lookup import (
    actor,
    by_ids,
    filtered_to_user,
    load,
    named_staff,
    read_one,
    referenced,
)
from homecare.service_users.models import ServiceUser
from homecare.visits.models import Visit, VisitStatus
from homecare.visits.schemas import VisitPatchSchema, VisitQuerySchema, VisitSchema
from homecare.visits.services import (
    build_visit,
    change_visit,
    create_visit,
    mark_missed,
    undo_missed,
)

blueprint = Blueprint("visits", __name__, url_prefix=f"{API_PREFIX}/visits",
                      description="Visits: planned, carried out, missed or cancelled.")


def _visiting_staff(staff_id: int) -> Staff:
    """The staff member a new visit is for: coordinators plan anyone, staff log their own."""
    me = actor()
    if me.role is not Role.COORDINATOR and staff_id != me.id:
        raise ValidationFailed.single("staff_id", _(
            "You can only log your own visits; a coordinator plans visits for others."))
    return _named_staff(staff_id)


def _named_staff(staff_id: int) -> Staff:
    """The staff member a body names (whether they may be given the visit is the visit
    service's rule: a member of the user's team)."""
    staff = db.session.get(Staff, staff_id)
    if staff is None:
        raise ValidationFailed.single("staff_id", _("The visit must be made by a member of "
                                                    "the user's team."))
    return staff


def _visit_arguments(data: dict, visit_id=None) -> dict:
    """``build_visit``'s arguments from a body: the user and staff it names, as the caller
    may use them (a user outside the caller's teams is a 422 on ``service_user_id``)."""
    user = referenced(ServiceUser, data["service_user_id"], "service_user_id", Action.RECORD)
    fields = {k: v for k, v in data.items() if k not in ("service_user_id", "staff_id")}
    return {"user": user, "staff": _visiting_staff(data["staff_id"]), "created_by": actor(),
            "visit_id": visit_id, **fields}


def _new_visit(data: dict) -> Visit:
    return create_visit(**_visit_arguments(data))


def _named_in_visits(bodies: list[dict]) -> list:
    """The users and staff that visit bodies name, in two queries (staff with their
    teams, which the visit rules read)."""
    users = {body["service_user_id"] for body in bodies}
    staff = {body["staff_id"] for body in bodies}
    return [*by_ids(ServiceUser, users),
            *named_staff(staff)]


#: A visit logged on a device under an id it chose (``PUT /visits/{id}``, ``POST /sync``).
VISIT_CREATION = Creation(
    model=Visit, through="service_user",
    stored=lambda data: {**data, "note": data["note"] or None},
    build=lambda visit_id, data: build_visit(**_visit_arguments(data, visit_id)),
    named=_named_in_visits)


def complete_queued(data: dict) -> tuple[Visit, int]:
    """Complete a planned visit from a queued offline record (``POST /sync``).

    Sent again after a lost answer, it finds the visit already completed with the same
    times and note and answers 200 without writing. ``version`` is the visit's version
    when the tablet last saw it: if someone changed the visit since, 412, as ``If-Match``.
    """
    visit = load(Visit, data["visit_id"], Action.RECORD)
    changes = {"status": VisitStatus.COMPLETED, "actual_start": data["actual_start"],
               "actual_end": data["actual_end"], "note": data["note"] or None}
    if all(getattr(visit, name) == value for name, value in changes.items()):
        # The stored visit goes back to the caller, as for a repeated PUT: a read.
        record_read(visit.service_user_id, "visits (repeated completion)", "visits", visit.id)
        return visit, 200
    if visit.version != data["version"]:
        raise PreconditionFailed(_("The visit was changed by someone else after your tablet "
                                   "last saw it. Open the visit again and record it there."))
    change_visit(actor(), visit, **changes)
    return visit, 200


def _filtered(args: dict) -> sa.Select:
    query = (sa.select(Visit).join(Visit.service_user).where(visible_service_users(actor()))
             .order_by(Visit.planned_start, Visit.id))
    if "team_id" in args:
        query = query.where(ServiceUser.team_id == args["team_id"])
    if "staff_id" in args:
        query = query.where(Visit.staff_id == args["staff_id"])
    user = filtered_to_user(args, "visits")
    if user is not None:
        query = query.where(Visit.service_user_id == user.id)
    if "from_" in args:
        query = query.where(Visit.planned_start >= start_of_local_day(args["from_"]))
    if "to" in args:
        query = query.where(Visit.planned_start < start_of_local_day(args["to"]
                                                                      + timedelta(days=1)))
    if "status" in args:
        query = query.where(Visit.status == args["status"])
    return query


@blueprint.route("")
class Visits(MethodView):
    @blueprint.arguments(VisitQuerySchema, location="query")
    @blueprint.response(200, VisitSchema(many=True))
    @blueprint.paginate()
    @blueprint.errors(401, 403)
    def get(self, args, pagination_parameters):
        """Visits of the caller's users, by planned start; ``from``/``to`` are local dates.
        Filtered to one user, the list is a read of that user (404 for another team's)."""
        visits = paginate_select(_filtered(args), pagination_parameters)
        if "service_user_id" not in args:
            record_reads([v.service_user_id for v in visits], "visits")
        return visits

    @blueprint.arguments(VisitSchema)
    @blueprint.response(201, VisitSchema)
    @blueprint.errors(401, 403, 422)
    def post(self, data):
        """Plan a visit (coordinators, for any team member) or log your own."""
        visit = _new_visit(data)
        return visit, etag_headers(visit)


@blueprint.route("/<uuid:visit_id>")
class VisitById(MethodView):
    @blueprint.response(200, VisitSchema)
    @blueprint.errors(401, 403, 404)
    def get(self, visit_id):
        """One visit."""
        visit = read_one(Visit, visit_id, through="service_user")
        return visit, etag_headers(visit)

    @blueprint.arguments(VisitSchema)
    @blueprint.response(201, VisitSchema)
    @blueprint.alt_response(200, schema=VisitSchema, description="Already recorded.")
    @blueprint.errors(401, 403, 404, 409, 422)
    def put(self, data, visit_id):
        """Create a visit under an id the device chose; safe to send again.

        The first call creates it (201); the same body again returns it (200); a
        different body for the same id is a conflict (409).
        """
        visit, status = VISIT_CREATION.put(visit_id, data)
        return visit, status, etag_headers(visit)

    @blueprint.arguments(VisitPatchSchema)
    @blueprint.response(200, VisitSchema)
    @blueprint.errors(401, 403, 404, 409, 412, 422, 428)
    @blueprint.doc(parameters=[IF_MATCH_PARAMETER])
    def patch(self, data, visit_id):
        """Change a visit (with If-Match), by the rules of ``visits.services``.

        A planned visit is completed or marked missed by its staff member or a
        coordinator, moved, reassigned or cancelled by a coordinator; completed, missed and
        cancelled are final (409), except that a completed visit's times and note can be
        corrected for a few days, keeping what they said before. Marking it missed needs
        ``missed_reason``; the person who did it may set it back to ``planned`` within 30
        minutes (a wrong tap, or the door opened after all).
        """
        visit = load(Visit, visit_id, Action.RECORD)
        require_if_match(visit)
        reason = data.pop("missed_reason", None)
        if data == {"status": VisitStatus.MISSED} and visit.status is VisitStatus.PLANNED:
            mark_missed(actor(), visit, reason)
        elif data == {"status": VisitStatus.PLANNED} and visit.status is VisitStatus.MISSED:
            undo_missed(actor(), visit)
        else:
            if "staff_id" in data:  # who may reassign is the visit rules' call, as on the page
                data["staff"] = _named_staff(data.pop("staff_id"))
            change_visit(actor(), visit, **data)
        return visit, etag_headers(visit)
