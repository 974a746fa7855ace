"""Schemas for what-matters conversations."""

from marshmallow import fields, validate

from homecare.core.schema_fields import BaseSchema, Date, Id, Int, Text, Timestamp
from homecare.what_matters.models import Present


class WhatMattersSchema(BaseSchema):
    id = fields.UUID(dump_only=True)
    service_user_id = fields.UUID(dump_only=True)
    conversation_date = Date(required=True)
    #: The staff member who asked.
    asked_by = Id(required=True, attribute="asked_by_id")
    present = fields.List(fields.String(validate=validate.OneOf([p.value for p in Present])),
                          required=True, validate=validate.Length(min=1))
    #: The answer in the user's own words, kept verbatim.
    in_own_words = Text(4000, required=True)
    #: Who answered for the user when they could not.
    spoken_for_by = fields.String(allow_none=True, load_default=None,
                                  validate=validate.Length(max=200))
    recorded_by = Int(dump_only=True, attribute="recorded_by_id")
    created_at = Timestamp(dump_only=True)


class WhatMattersPutSchema(WhatMattersSchema):
    """A conversation recorded under an id the device chose: it names its user."""

    service_user_id = fields.UUID(required=True)
