"""Schemas for the worklist."""

from marshmallow import fields

from homecare.core.schema_fields import BaseSchema, Date, QuerySchema, Timestamp


class WorklistQuerySchema(QuerySchema):
    #: The day (default today).
    date = Date()


class UserRefSchema(BaseSchema):
    id = fields.UUID()
    full_name = fields.String()
    address = fields.String()


class WorklistVisitSchema(BaseSchema):
    id = fields.UUID()
    service_user = fields.Nested(UserRefSchema)
    kind = fields.String()
    status = fields.String()
    planned_start = Timestamp()
    planned_minutes = fields.Integer()
    actual_start = Timestamp(allow_none=True)
    actual_end = Timestamp(allow_none=True)
    #: The user's first active goal, in their own words.
    first_goal = fields.String(allow_none=True)
    #: What the nurse can do for the user at the visit: ``checkin_overdue``,
    #: ``checkin_due``, ``what_matters_missing`` (whoever their responsible contact is).
    flags = fields.List(fields.String())
    #: Whether the caller may complete the visit now (or correct it, once completed).
    can_record = fields.Boolean()


class PromptSchema(BaseSchema):
    #: ``checkin_due``, ``what_matters_missing``, ``decision_missing`` or
    #: ``decision_review_overdue``.
    kind = fields.String()
    service_user = fields.Nested(UserRefSchema)
    goal_id = fields.UUID(allow_none=True)
    #: For follow-ups: the goal in the user's own words.
    goal = fields.String(allow_none=True)
    decision_id = fields.UUID(allow_none=True)
    due_date = Date()
    days_overdue = fields.Integer()
    #: What to do, in the caller's language.
    action = fields.String()
    #: The page where it is done.
    link = fields.String()


class CheckinDueSchema(BaseSchema):
    goal_id = fields.UUID()
    service_user = fields.Nested(UserRefSchema)
    #: The goal in the user's own words.
    goal = fields.String()
    due_date = Date()
    days_overdue = fields.Integer()


class WhatMattersMissingSchema(BaseSchema):
    service_user = fields.Nested(UserRefSchema)
    service_start = Date()
    days_since_start = fields.Integer()


class TeamFlagsSchema(BaseSchema):
    service_user = fields.Nested(UserRefSchema)
    team_id = fields.Integer()
    flags = fields.List(fields.String())


class IntakeLateSchema(BaseSchema):
    """An intake step past its due date (coordinators)."""

    team_id = fields.Integer()
    #: The user's name, or the referred person's before they are a user.
    name = fields.String()
    step = fields.String()
    step_name = fields.String()
    due_date = Date()
    days_late = fields.Integer()
    referral_id = fields.UUID(allow_none=True)
    service_user_id = fields.UUID(allow_none=True)
    #: Where the next step is done.
    link = fields.String()


class WorklistSchema(BaseSchema):
    date = Date()
    visits = fields.List(fields.Nested(WorklistVisitSchema))
    #: Every reminder for the caller: follow-ups, what-matters, decisions, reviews.
    prompts = fields.List(fields.Nested(PromptSchema))
    checkins_due = fields.List(fields.Nested(CheckinDueSchema))
    what_matters_missing = fields.List(fields.Nested(WhatMattersMissingSchema))
    #: Coordinators: every flagged user of their teams (empty for others).
    team_flags = fields.List(fields.Nested(TeamFlagsSchema))
    #: Coordinators: every late intake step of their teams (empty for others).
    intake_late = fields.List(fields.Nested(IntakeLateSchema))
