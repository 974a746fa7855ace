"""Schemas for the batch of queued offline records."""

from marshmallow import fields, validate

from homecare.core.schema_fields import BaseSchema
from homecare.sync.services import KINDS, MAX_OPERATIONS


class OperationSchema(BaseSchema):
    #: Chosen on the device; a record it creates gets this id.
    id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(sorted(KINDS)))
    #: As the single endpoint takes it: ``PUT /visits/{id}``, ``PUT /check-ins/{id}``,
    #: ``PUT /what-matters/{id}``; a ``visit_completion`` names ``visit_id``, ``version``,
    #: ``actual_start``, ``actual_end`` and ``note``.
    body = fields.Dict(required=True)


class SyncSchema(BaseSchema):
    operations = fields.List(fields.Nested(OperationSchema), required=True,
                             validate=validate.Length(min=1, max=MAX_OPERATIONS))


class OperationResultSchema(BaseSchema):
    id = fields.UUID()
    kind = fields.String()
    #: As the single endpoint would answer: 201 created, 200 already recorded (or the
    #: completion stored, whatever the plan became meanwhile), 202 a completion kept
    #: beside another version of the visit for the coordinator to settle; 404, 409,
    #: 422 refused.
    status = fields.Integer()
    title = fields.String()
    #: Why it was refused, in the caller's language.
    message = fields.String()
    #: Field -> messages, for a 422.
    errors = fields.Dict()
    #: The record as stored, when it was applied.
    record = fields.Dict()


class SyncResultSchema(BaseSchema):
    results = fields.List(fields.Nested(OperationResultSchema))
