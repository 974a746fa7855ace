"""Schemas for referrals."""

from marshmallow import fields

from homecare.core.schema_fields import (
    BaseSchema,
    Choice,
    Date,
    Id,
    Int,
    QueryInt,
    QuerySchema,
    Timestamp,
)
from homecare.intake.models import ReferralSource, Urgency


class ReferralSchema(BaseSchema):
    id = fields.UUID(dump_only=True)
    team_id = Id(required=True)
    received_on = Date(required=True)
    source = Choice(ReferralSource, required=True)
    #: The unit or person who referred.
    referred_by = fields.String(allow_none=True, load_default=None)
    #: The person referred, until they have a service user record.
    person_name = fields.String(required=True)
    #: The need, in brief.
    need = fields.String(required=True)
    urgency = Choice(Urgency, load_default=Urgency.ROUTINE)
    assessed_on = Date(dump_only=True, allow_none=True)
    assessed_by_id = Int(dump_only=True, allow_none=True)
    service_user_id = fields.UUID(dump_only=True, allow_none=True)
    closed_on = Date(dump_only=True, allow_none=True)
    closed_reason = fields.String(dump_only=True, allow_none=True)
    version = Int(dump_only=True)
    created_at = Timestamp(dump_only=True)


class ReferralPatchSchema(BaseSchema):
    """The assessment, the user the referral became, its closing, or a corrected need."""

    assessed_on = Date()
    assessed_by_id = Id()
    service_user_id = fields.UUID()
    closed_on = Date()
    closed_reason = fields.String()
    need = fields.String()
    urgency = Choice(Urgency)
    referred_by = fields.String(allow_none=True)


class ReferralQuerySchema(QuerySchema):
    team_id = QueryInt()
    #: Only referrals neither started nor closed.
    open = fields.Boolean(load_default=False)
