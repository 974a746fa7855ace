"""API: visits, planned by coordinators and logged by the staff who made them."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import jsonify, request
from flask.views import MethodView
from flask_babel import gettext as _

from homecare.core.audit import record_reads
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
from homecare.core.timeutil import start_of_local_day
from homecare.policy.access import Action, visible_service_users
from homecare.policy.lookup import (
    actor,
    filtered_to_user,
    load,
    read_one,
    referenced,
)
from homecare.service_users.models import ServiceUser
from homecare.visits.care_given import (
    CareRecord,
    load_for_care,
    record_care_given,
)
from homecare.visits.devices import VISIT_CREATION, named_staff_member, visit_arguments
from homecare.visits.models import Visit, VisitSeries, VisitStatus
from homecare.visits.schemas import (
    OverlapSchema,
    VisitFollowingSchema,
    VisitPatchSchema,
    VisitQuerySchema,
    VisitSchema,
    VisitSeriesSchema,
)
from homecare.visits.series import (
    Overlapping,
    cancel_following,
    change_following,
    plan_series,
)
from homecare.visits.services import (
    RECORD_FIELDS,
    as_seen_by,
    change_visit,
    create_visit,
    mark_missed,
    undo_missed,
)

blueprint = Blueprint("visits", __name__, url_prefix=f"{API_PREFIX}/visits",
                      description="Visits: planned, carried out, missed or cancelled.")


def _put_completion(visit_id, data: dict) -> tuple[Visit, int] | None:
    """``PUT /visits/{id}`` naming a visit that exists, of the same user, recorded as
    carried out while it is planned, missed, cancelled or someone else's: the care-given
    rules (``visits.care_given``); None otherwise (the caller's own completed visit
    answers as any repeated PUT: 200 the same, 409 different)."""
    visit = db.session.get(Visit, visit_id)
    me = actor()
    if (visit is None or data.get("status") != VisitStatus.COMPLETED
            or visit.service_user_id != data["service_user_id"]
            or data.get("actual_start") is None or data.get("actual_end") is None
            or (visit.status is VisitStatus.COMPLETED and visit.staff_id == me.id)):
        return None
    load_for_care(visit_id, me, data["actual_start"])
    return record_care_given(me, visit, CareRecord(
        data["actual_start"], data["actual_end"], data.get("note")))


def _new_visit(data: dict) -> Visit:
    return create_visit(**visit_arguments(data))


def _is_completion(data: dict) -> bool:
    """Whether a body records a visit as carried out (and changes nothing of its plan)."""
    return (data.get("status") == VisitStatus.COMPLETED and "actual_start" in data
            and "actual_end" in data and data.keys() <= RECORD_FIELDS | {"status"})


def _seen_version() -> int | None:
    tags = [tag.strip().removeprefix("W/").strip('"')
            for tag in request.headers.get("If-Match", "").split(",")]
    return next((int(tag) for tag in tags if tag.isdigit()), None)


def _care_given_instead(visit_id, data: dict) -> tuple[Visit, int] | None:
    """A completion prepared before the plan changed (its ``If-Match`` is stale), stored
    by the care-given rules instead of a 412; None for anything else, which the ordinary
    rules decide (a caller who saw the visit as it is now gets their answers)."""
    seen = _seen_version()
    if not _is_completion(data) or seen is None:
        return None
    me = actor()
    visit = load_for_care(visit_id, me, data["actual_start"])
    if seen == visit.version:
        return None
    return record_care_given(me, visit, CareRecord(
        data["actual_start"], data["actual_end"], data.get("note"), seen))


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
        different body for the same id is a conflict (409), except that a body recording
        an existing visit of the same user as carried out follows the care-given rules of
        ``PATCH`` (200, or 202 with both versions kept). A visit logged as carried out
        while the user was the caller's team's is stored even if the user moved since.
        """
        completion = _put_completion(visit_id, data)
        if completion is not None:
            visit, status = completion
            return visit, status, etag_headers(visit)
        visit, status = VISIT_CREATION.put(visit_id, data)
        return visit, status, etag_headers(visit)

    @blueprint.arguments(VisitPatchSchema)
    @blueprint.response(200, VisitSchema)
    @blueprint.alt_response(202, schema=VisitSchema, description=(
        "A completion kept beside another version for a coordinator to settle."))
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

        **Care given is never lost.** A completion (``status`` completed with
        ``actual_start`` and ``actual_end``, nothing of the plan) is not refused because
        the plan changed since the caller read it: with a stale ``If-Match``, or on a
        visit moved, re-timed or given to someone else meanwhile, it is stored as carried
        out by the caller at their times (200); on a visit cancelled or marked missed, it
        is stored as carried out and flagged for the coordinator (200); on a visit
        completed meanwhile with other times, both versions are kept and the coordinator
        settles them (202). A team member may record care given while the user was their
        team's, also after the user moved on (the coordinators of the team that gave it
        are told). ``If-Match`` is still required (428).
        """
        merged = _care_given_instead(visit_id, data)
        if merged is not None:
            visit, status = merged
            return visit, status, etag_headers(visit)
        visit = load(Visit, visit_id, Action.RECORD)
        require_if_match(visit)
        reason = data.pop("missed_reason", None)
        if data == {"status": VisitStatus.MISSED} and visit.status is VisitStatus.PLANNED:
            mark_missed(actor(), visit, reason)
        elif data == {"status": VisitStatus.PLANNED} and visit.status is VisitStatus.MISSED:
            undo_missed(actor(), visit)
        else:
            if "staff_id" in data:  # who may reassign is the visit rules' call, as on the page
                data["staff"] = named_staff_member(data.pop("staff_id"))
            change_visit(actor(), visit, **data)
        return visit, etag_headers(visit)


def _overlapping(clash: Overlapping):
    """409 naming each visit the plan would book over (``OverlapSchema``)."""
    body = {"code": 409, "status": "Conflict", "message": clash.message,
            "overlaps": OverlapSchema(many=True).dump(as_seen_by(actor(), clash.overlaps))}
    return jsonify(body), 409


@blueprint.route("/series")
class VisitSeriesCollection(MethodView):
    @blueprint.arguments(VisitSeriesSchema)
    @blueprint.response(201, VisitSeriesSchema)
    @blueprint.alt_response(409, description=(
        "The staff member already has a visit at one of the times: ``overlaps`` names "
        "each (send again with ``allow_overlap: true`` to book them twice)."))
    @blueprint.errors(401, 403, 422)
    def post(self, data):
        """Plan a visit repeating every week (coordinators), as the week planner does.

        One planned visit on each of ``weekdays`` (1 Monday .. 7 Sunday) from
        ``first_day`` (today or later) to ``until`` (at most 26 weeks), at
        ``start_time`` local time; each is an ordinary visit naming the series. A double
        booking of the staff member is refused with 409 and the ``overlaps`` unless
        ``allow_overlap`` is true.
        """
        user = referenced(ServiceUser, data["service_user_id"], "service_user_id",
                          Action.COORDINATE)
        try:
            series, _visits = plan_series(
                actor(), user=user, staff=named_staff_member(data["staff_id"]),
                kind=data["kind"], weekdays=data["days"], start_time=data["start_time"],
                planned_minutes=data["planned_minutes"], first_day=data["first_day"],
                until=data["until"], allow_overlap=data["allow_overlap"])
        except Overlapping as clash:
            db.session.rollback()
            return _overlapping(clash)
        return series


@blueprint.route("/series/<uuid:series_id>")
class VisitSeriesById(MethodView):
    @blueprint.response(200, VisitSeriesSchema)
    @blueprint.errors(401, 403, 404)
    def get(self, series_id):
        """A weekly series with its visits (cancelled ones too, marked so)."""
        return read_one(VisitSeries, series_id, through="service_user")


@blueprint.route("/<uuid:visit_id>/following")
class VisitAndFollowing(MethodView):
    @blueprint.arguments(VisitFollowingSchema)
    @blueprint.response(200, VisitSchema(many=True))
    @blueprint.alt_response(409, description=(
        "Not a repeating visit, not planned, or a double booking: ``overlaps`` names "
        "each visit booked over (send again with ``allow_overlap: true``)."))
    @blueprint.errors(401, 403, 404, 422)
    def patch(self, data, visit_id):
        """Change a repeating visit and all following still planned (coordinators), as
        the week planner does: ``staff_id``, ``kind``, ``planned_minutes`` for all; a
        new ``planned_start`` moves each as this one moves (the same number of days, to
        the new clock time); ``status: cancelled`` cancels them all. Visits carried out,
        missed or cancelled are never changed. One occurrence alone is changed with
        ``PATCH /visits/{id}``. Answers the visits changed.
        """
        visit = load(Visit, visit_id, Action.COORDINATE, through="service_user")
        allow = data.pop("allow_overlap")
        if data.pop("status", None) is not None:
            if data:
                raise ValidationFailed.single("status", _(
                    "Cancel the visits, or change them: not both at once."))
            return cancel_following(actor(), visit)
        if "staff_id" in data:
            data["staff"] = named_staff_member(data.pop("staff_id"))
        try:
            return change_following(actor(), visit, allow_overlap=allow, **data)
        except Overlapping as clash:
            db.session.rollback()
            return _overlapping(clash)
