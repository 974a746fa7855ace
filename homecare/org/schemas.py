"""Schemas for sections, teams and staff accounts."""

from marshmallow import fields, validate

from homecare.core.schema_fields import (
    BaseSchema,
    Bool,
    Choice,
    Id,
    Int,
    QueryBool,
    QueryInt,
    QuerySchema,
    Text,
)
from homecare.org.models import PHONE_LENGTH, Profession, Role


class SectionSchema(BaseSchema):
    id = Int(dump_only=True)
    name = Text(120, required=True)


class SectionPatchSchema(BaseSchema):
    name = Text(120)


_ORGANISATION_NUMBER = {"description": "The team's unit in Enhetsregisteret: 9 digits with a "
                                       "mod-11 check digit.", "example": "974760673"}
_HPR_NUMBER = {"description": "The person's number in Helsepersonellregisteret (HPR), for "
                              "authorised health personnel: 4 to 9 digits."}


class TeamSchema(BaseSchema):
    id = Int(dump_only=True)
    name = Text(120, required=True)
    section_id = Id(required=True)
    phone = Text(PHONE_LENGTH, allow_none=True, load_default=None)
    organisation_number = fields.String(allow_none=True, load_default=None,
                                        metadata=_ORGANISATION_NUMBER)


class TeamPatchSchema(BaseSchema):
    name = Text(120)
    section_id = Id()
    phone = Text(PHONE_LENGTH, allow_none=True)
    organisation_number = fields.String(allow_none=True, metadata=_ORGANISATION_NUMBER)


class TeamQuerySchema(QuerySchema):
    section_id = QueryInt()


class StaffSchema(BaseSchema):
    id = Int(dump_only=True)
    username = fields.String(required=True, validate=validate.Length(min=2, max=80))
    full_name = Text(200, required=True)
    role = Choice(Role, required=True)
    profession = Choice(Profession, allow_none=True, load_default=None)
    hpr_number = fields.String(allow_none=True, load_default=None, metadata=_HPR_NUMBER)
    section_id = Id(allow_none=True, load_default=None)
    team_ids = fields.List(Id(), load_default=list)
    active = Bool(dump_only=True)
    #: Users active today whose responsible contact this person is.
    caseload = Int(dump_only=True)
    #: Above the section's caseload cap (a warning, never a block).
    caseload_over_cap = Bool(dump_only=True)
    #: Write-only: never returned.
    password = fields.String(required=True, load_only=True)


class StaffPatchSchema(BaseSchema):
    full_name = Text(200)
    role = Choice(Role)
    profession = Choice(Profession, allow_none=True)
    hpr_number = fields.String(allow_none=True, metadata=_HPR_NUMBER)
    section_id = Id(allow_none=True)
    team_ids = fields.List(Id())
    active = Bool()
    password = fields.String(load_only=True)


class StaffQuerySchema(QuerySchema):
    team_id = QueryInt()
    role = Choice(Role)
    active = QueryBool()
