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
from homecare.decisions.models import DecisionStatus, ReviewOutcome


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
    #: The user's own view, in their words, and any disagreement (optional).
    user_view = Text(4000, allow_none=True, load_default=None)
    disagreement = Text(4000, allow_none=True, load_default=None)
    #: The earlier version this one revised, and the version that replaced this one.
    supersedes_id = fields.UUID(dump_only=True, allow_none=True)
    superseded_by_id = fields.Function(
        lambda d: d.superseded_by.id if d.superseded_by else None, dump_only=True,
        allow_none=True)
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
    user_view = Text(4000, allow_none=True)
    disagreement = Text(4000, allow_none=True)


class DecisionQuerySchema(QuerySchema):
    service_user_id = fields.UUID()


class _TookPart(BaseSchema):
    #: Staff ids of the team members who took part.
    participants = fields.List(Id(), required=True, validate=validate.Length(min=1),
                               attribute="participant_ids")
    user_participated = Bool(required=True)
    user_view = Text(4000, allow_none=True, load_default=None)
    disagreement = Text(4000, allow_none=True, load_default=None)


class DecisionReviewSchema(_TookPart):
    """A review of a decision; posted, "reviewed — no change"."""

    id = fields.UUID(dump_only=True)
    decision_id = fields.UUID(dump_only=True)
    reviewed_on = Date(required=True)
    outcome = Choice(ReviewOutcome, dump_only=True)
    #: "No change": when it is to be reviewed next (becomes the decision's ``review_on``).
    next_review_on = Date(required=True)
    #: Why it was ended.
    reason = fields.String(dump_only=True, allow_none=True)
    #: "Revised": the new version.
    revised_to_id = fields.UUID(dump_only=True, allow_none=True)
    recorded_by = Int(dump_only=True, attribute="recorded_by_id")
    created_at = Timestamp(dump_only=True)


class DecisionRevisionSchema(_TookPart):
    """A new version of a decision (``POST /decisions/{id}/revisions``)."""

    decided_on = Date(required=True)
    goal_statement = Text(4000, required=True)
    services = Text(4000, required=True)
    reasons = Text(4000, required=True)
    valid_from = Date(required=True)
    valid_to = Date(allow_none=True, load_default=None)
    review_on = Date(required=True)


class DecisionEndSchema(_TookPart):
    """A decision ended (``POST /decisions/{id}/end``): its last day in force, and why."""

    ended_on = Date(required=True)
    reason = Text(4000, required=True)
