"""Schemas for goals and check-ins."""

from marshmallow import fields, validate

from homecare.core.schema_fields import (
    BaseSchema,
    Choice,
    Date,
    Int,
    QuerySchema,
    Text,
    Timestamp,
)
from homecare.goals.models import (
    CHECKIN_INTERVAL,
    RATING,
    Answer,
    AnsweredBy,
    ExpressedBy,
    GoalStatus,
)


def Rating(**kwargs) -> fields.Integer:
    """A self-rating (``goals.models.RATING``)."""
    return Int(validate=RATING.schema_validator(), **kwargs)

Interval = CHECKIN_INTERVAL.schema_validator


class GoalSchema(BaseSchema):
    id = fields.UUID(dump_only=True)
    service_user_id = fields.UUID(required=True)
    #: The user's own words (1..1000 characters), kept exactly as given.
    description = Text(1000, required=True)
    expressed_by = Choice(ExpressedBy, required=True)
    what_matters_id = fields.UUID(allow_none=True, load_default=None)
    start_date = Date(required=True)
    checkin_interval_days = Int(load_default=28, validate=Interval())
    baseline_performance = Rating(allow_none=True, load_default=None)
    baseline_satisfaction = Rating(allow_none=True, load_default=None)
    status = Choice(GoalStatus, dump_only=True)
    closed_on = Date(dump_only=True, allow_none=True)
    version = Int(dump_only=True)
    #: When the next follow-up falls due (null unless the goal is active today).
    next_due = Date(dump_only=True, allow_none=True)
    #: ``checkin_due``, ``checkin_overdue`` or null.
    flag = fields.String(dump_only=True, allow_none=True)
    created_at = Timestamp(dump_only=True)
    updated_at = Timestamp(dump_only=True)


class GoalPatchSchema(BaseSchema):
    description = Text(1000)
    expressed_by = Choice(ExpressedBy)
    what_matters_id = fields.UUID(allow_none=True)
    start_date = Date()
    checkin_interval_days = Int(validate=Interval())
    baseline_performance = Rating(allow_none=True)
    baseline_satisfaction = Rating(allow_none=True)
    status = Choice(GoalStatus)
    #: When closing: the day it closed (default today).
    closed_on = Date()


class GoalQuerySchema(QuerySchema):
    service_user_id = fields.UUID()
    status = Choice(GoalStatus)


class CheckInSchema(BaseSchema):
    id = fields.UUID(dump_only=True)
    goal_id = fields.UUID(required=True)
    date = Date(required=True)
    performance = Rating(allow_none=True, load_default=None)
    satisfaction = Rating(allow_none=True, load_default=None)
    note = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=4000))
    #: «Fikk du den hjelpen du forventet?»
    got_expected_help = Choice(Answer, required=True)
    #: «Fikk du påvirke hjelpen?»
    could_influence = Choice(Answer, required=True)
    #: «Er du fornøyd med hjelpen?»
    satisfied = Choice(Answer, required=True)
    #: Whose voice: the user's, a registered next of kin's (``spoken_for_by_id``), or
    #: nobody's (``could_not_answer``, with ``not_answered_reason``). Null: not recorded.
    answered_by = Choice(AnsweredBy, allow_none=True, load_default=None)
    spoken_for_by_id = fields.UUID(allow_none=True, load_default=None)
    #: The next of kin's name and relation as they were when they answered.
    spoken_for_by = fields.String(dump_only=True, allow_none=True)
    not_answered_reason = fields.String(allow_none=True, load_default=None,
                                        validate=validate.Length(max=1000))
    recorded_by = Int(dump_only=True, attribute="recorded_by_id")
    created_at = Timestamp(dump_only=True)


class GoalStatusChangeSchema(BaseSchema):
    """A goal achieved, paused, stopped or resumed (``POST /goals/{id}/status-changes``)."""

    id = fields.UUID(dump_only=True)
    goal_id = fields.UUID(dump_only=True)
    from_status = Choice(GoalStatus, dump_only=True)
    #: The new status: ``achieved``, ``not_achieved``, ``on_hold`` (paused),
    #: ``cancelled`` (stopped) or ``active`` (resumed).
    status = Choice(GoalStatus, required=True, attribute="to_status", data_key="status")
    #: The day it changed (default today; not in the future).
    changed_on = Date(load_default=None)
    #: Why, kept verbatim (1..1000 characters), with whose words they are.
    reason = fields.String(allow_none=True, load_default=None,
                           validate=validate.Length(max=1000))
    reason_by = Choice(ExpressedBy, allow_none=True, load_default=None)
    recorded_by = Int(dump_only=True, attribute="recorded_by_id", allow_none=True)
    created_at = Timestamp(dump_only=True)
