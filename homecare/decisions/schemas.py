"""Schemas for team decisions."""

from marshmallow import fields, validate

from homecare.core.schema_fields import (
    BaseSchema,
    Bool,
    Choice,
    Date,
    Id,
    Int,
    QuerySchema,
    Text,
    Timestamp,
)
from homecare.decisions.models import DecisionStatus


class DecisionSchema(BaseSchema):
    id = fields.UUID(dump_only=True)
    service_user_id = fields.UUID(required=True)
    decided_on = Date(required=True)
    #: Staff ids of the team members who took part.
    participants = fields.List(Id(), required=True, validate=validate.Length(min=1),
                               attribute="participant_ids")
    user_participated = Bool(required=True)
    #: Written as a goal for the user, not a task list.
    goal_statement = Text(4000, required=True)
    services = Text(4000, required=True)
    reasons = Text(4000, required=True)
    valid_from = Date(required=True)
    valid_to = Date(allow_none=True, load_default=None)
    review_on = Date(required=True)
    status = Choice(DecisionStatus, load_default=DecisionStatus.IN_FORCE)
    version = Int(dump_only=True)
    created_at = Timestamp(dump_only=True)
    updated_at = Timestamp(dump_only=True)


class DecisionPatchSchema(BaseSchema):
    decided_on = Date()
    participants = fields.List(Id(), validate=validate.Length(min=1),
                               attribute="participant_ids")
    user_participated = Bool()
    goal_statement = Text(4000)
    services = Text(4000)
    reasons = Text(4000)
    valid_from = Date()
    valid_to = Date(allow_none=True)
    review_on = Date()
    status = Choice(DecisionStatus)


class DecisionQuerySchema(QuerySchema):
    service_user_id = fields.UUID()
