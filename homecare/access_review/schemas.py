"""Schemas for the access log."""

from __future__ import annotations

from marshmallow import fields

from homecare.access_review.labels import describe
from homecare.core.schema_fields import (
    BaseSchema,
    Id,
    Timestamp,
)


class AccessLogEntrySchema(BaseSchema):
    at = Timestamp()
    staff_id = Id(allow_none=True, attribute="actor_id")
    staff_name = fields.String(allow_none=True)
    role = fields.String(allow_none=True, attribute="actor_role")
    action = fields.String()
    what = fields.String()
    #: ``what`` in words, in the caller's language.
    description = fields.Method("_description")

    def _description(self, row) -> str:
        return describe(row.entity, row.action, row.detail)
