"""Schemas for signing in to the API."""

from marshmallow import fields

from homecare.core.schema_fields import BaseSchema, Timestamp


class CredentialsSchema(BaseSchema):
    username = fields.String(required=True)
    password = fields.String(required=True, load_only=True)


class TokenSchema(BaseSchema):
    #: Shown once: store it on the device; send it as ``Authorization: Bearer <token>``.
    token = fields.String(required=True)
    expires_at = Timestamp(required=True)


class TokenInfoSchema(BaseSchema):
    """One of the caller's tokens, without its secret."""

    id = fields.Integer(required=True)
    created_at = Timestamp(required=True)
    expires_at = Timestamp(required=True)
    revoked_at = Timestamp(allow_none=True)
    #: Whether this request was sent with this token.
    current = fields.Boolean(required=True)
