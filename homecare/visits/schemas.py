"""Schemas for visits."""

from marshmallow import fields, validate

from homecare.core.schema_fields import (
    BaseSchema,
    Bool,
    Choice,
    Date,
    Id,
    Int,
    QueryInt,
    QuerySchema,
    Timestamp,
)
from homecare.visits.models import PLANNED_MINUTES, VisitKind, VisitStatus

Minutes = PLANNED_MINUTES.schema_validator


class VisitSchema(BaseSchema):
    id = fields.UUID(dump_only=True)
    service_user_id = fields.UUID(required=True)
    staff_id = Id(required=True)
    kind = Choice(VisitKind, required=True)
    planned_start = Timestamp(required=True)
    planned_minutes = Int(required=True, validate=Minutes())
    status = Choice(VisitStatus, load_default=VisitStatus.PLANNED)
    actual_start = Timestamp(allow_none=True, load_default=None)
    actual_end = Timestamp(allow_none=True, load_default=None)
    note = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=4000))
    #: Why it did not take place (a missed visit).
    missed_reason = fields.String(dump_only=True, allow_none=True)
    #: The weekly series it was planned in (``/visits/series/{id}``), if any.
    series_id = fields.UUID(dump_only=True, allow_none=True)
    version = Int(dump_only=True)
    created_at = Timestamp(dump_only=True)
    updated_at = Timestamp(dump_only=True)


class VisitPatchSchema(BaseSchema):
    staff_id = Id()
    kind = Choice(VisitKind)
    planned_start = Timestamp()
    planned_minutes = Int(validate=Minutes())
    status = Choice(VisitStatus)
    actual_start = Timestamp(allow_none=True)
    actual_end = Timestamp(allow_none=True)
    note = fields.String(allow_none=True, validate=validate.Length(max=4000))
    #: Required with ``status: missed``: why the visit did not take place.
    missed_reason = fields.String(allow_none=True, validate=validate.Length(max=1000))


class VisitCompletionSchema(BaseSchema):
    """A planned visit completed on a tablet, queued while offline (``POST /sync``)."""

    visit_id = fields.UUID(required=True)
    #: The visit's version when the tablet last saw it (its ETag).
    version = Int(required=True)
    actual_start = Timestamp(required=True)
    actual_end = Timestamp(required=True)
    note = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=4000))


class VisitQuerySchema(QuerySchema):
    team_id = QueryInt()
    staff_id = QueryInt()
    service_user_id = fields.UUID()
    #: First local date (by planned start), inclusive.
    from_ = Date(data_key="from")
    #: Last local date, inclusive.
    to = Date()
    status = Choice(VisitStatus)


class VisitToSettleSchema(BaseSchema):
    """Care given that met a changed plan, for a coordinator (``visits.care_given``)."""

    id = fields.UUID(dump_only=True)
    visit_id = fields.UUID(dump_only=True)
    service_user_id = fields.UUID(dump_only=True)
    team_id = Id(dump_only=True)
    #: ``cancelled``, ``missed``: carried out all the same (stored so); ``two_versions``:
    #: completed by someone else with other times (this is the version not applied);
    #: ``moved_team``: given before the user moved to another team.
    reason = fields.String(dump_only=True)
    recorded_by_id = Id(dump_only=True)
    actual_start = Timestamp(dump_only=True)
    actual_end = Timestamp(dump_only=True)
    note = fields.String(dump_only=True)
    status_before = fields.String(dump_only=True)
    created_at = Timestamp(dump_only=True)
    settled_at = Timestamp(dump_only=True)
    settled_by_id = Id(dump_only=True)
    settlement = fields.String(dump_only=True)


class SettlementSchema(BaseSchema):
    #: ``kept`` (the stored version stays), ``replaced`` (the tablet's version replaces
    #: it; the replaced values are kept as a correction), ``both`` (both took place: the
    #: tablet's becomes a visit of its own) for two versions; ``noted`` for the others.
    choice = fields.String(required=True)


class VisitToSettleQuerySchema(QuerySchema):
    team_id = QueryInt()
    #: Settled ones too (default: only those waiting).
    settled = fields.Boolean(load_default=False)


class VisitSeriesSchema(BaseSchema):
    """Visits repeating every week (``POST /visits/series``): one planned visit on each
    chosen weekday from ``first_day`` to ``until`` (at most 26 weeks), at ``start_time``
    local time. Each occurrence is an ordinary visit (``visits``)."""

    id = fields.UUID(dump_only=True)
    service_user_id = fields.UUID(required=True)
    staff_id = Id(required=True)
    kind = Choice(VisitKind, required=True)
    #: ISO weekdays: 1 Monday .. 7 Sunday.
    weekdays = fields.List(Int(validate=validate.Range(1, 7)), required=True,
                           validate=validate.Length(min=1, max=7), attribute="days")
    #: Local clock time, e.g. ``"08:00"``.
    start_time = fields.Time(required=True)
    planned_minutes = Int(required=True, validate=Minutes())
    first_day = Date(required=True)
    until = Date(required=True)
    #: Book the staff member at a time they already have a visit (else 409 naming them).
    allow_overlap = Bool(load_only=True, load_default=False)
    visits = fields.List(fields.Nested(VisitSchema), dump_only=True)
    created_at = Timestamp(dump_only=True)


class VisitFollowingSchema(BaseSchema):
    """A change to a repeating visit and every later one still planned
    (``PATCH /visits/{id}/following``): the same staff member, kind and length for all,
    each moved as this one is (the same number of days, to the new clock time); or
    ``status: cancelled`` to cancel them all."""

    staff_id = Id()
    kind = Choice(VisitKind)
    #: The new start of this occurrence.
    planned_start = Timestamp()
    planned_minutes = Int(validate=Minutes())
    status = Choice(VisitStatus, validate=validate.Equal(VisitStatus.CANCELLED.value))
    #: Book the staff member at a time they already have a visit (else 409 naming them).
    allow_overlap = Bool(load_default=False)


class OverlapSchema(BaseSchema):
    """A time the plan books the staff member twice: the new visit's start and end, and
    the visit already there."""

    start = Timestamp(dump_only=True)
    end = Timestamp(dump_only=True)
    #: Null for another team's visit: its time is all the caller learns.
    visit_id = fields.Function(lambda o: str(o.visit.id) if o.shown else None,
                               dump_only=True, allow_none=True)
    service_user_id = fields.Function(
        lambda o: str(o.visit.service_user_id) if o.shown else None, dump_only=True,
        allow_none=True)
    staff_id = Id(dump_only=True, attribute="visit.staff_id")
    planned_start = Timestamp(dump_only=True, attribute="visit.planned_start")
    planned_minutes = Int(dump_only=True, attribute="visit.planned_minutes")
    status = fields.String(dump_only=True, attribute="visit.status")
