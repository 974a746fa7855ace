"""Schemas for service users and responsible contacts."""

from flask_login import current_user
from marshmallow import fields, validate

from homecare.core.national_id import masked
from homecare.core.schema_fields import (
    BaseSchema,
    Bool,
    Choice,
    Date,
    Id,
    Int,
    NationalIdText,
    QueryInt,
    QuerySchema,
    Text,
    Timestamp,
)
from homecare.org.models import PHONE_LENGTH
from homecare.policy.access import Action, permits, sees_national_ids
from homecare.service_users.models import (
    END_REASON_LENGTH,
    Gender,
    KinRelationship,
    ServiceType,
)


class NextOfKinSchema(BaseSchema):
    name = Text(200, required=True)
    #: The relation in the words of whoever entered it, kept as entered.
    relation = Text(100, required=True)
    #: The relation coded; when not given, read from ``relation`` where its words name
    #: one ("datter" is ``daughter``), else null.
    relationship = Choice(KinRelationship, allow_none=True)
    phone = Text(PHONE_LENGTH, required=True)
    #: Whether they may speak for the user where the user cannot; null where nobody has
    #: said.
    may_speak_for = Bool(allow_none=True, load_default=None)


class NamePartsMixin(BaseSchema):
    """The name in parts, as entered (fornavn, mellomnavn, etternavn). Given with the
    given and family names, they make ``full_name`` unless that is given too; a
    ``full_name`` alone fills them only when it has exactly two words."""

    given_name = Text(200, allow_none=True, metadata={"description": "Given name(s)."})
    middle_name = Text(200, allow_none=True, metadata={
        "description": "Middle name (mellomnavn), if any."})
    family_name = Text(200, allow_none=True, metadata={"description": "Family name."})


class AddressPartsMixin(BaseSchema):
    """The address in parts. Given with street line, postal code and postal place, they
    make ``address`` unless that is given too; an ``address`` alone of the form
    "Street 12, 0468 Oslo" fills them (not the district). The municipality is read from
    the postal place where it lies wholly in one (Oslo: 0301)."""

    address_line = Text(200, allow_none=True, metadata={
        "description": "Street name and number, e.g. \"Bjølsengata 12 B\"."})
    postal_code = fields.String(allow_none=True, metadata={
        "description": "Postal code, 4 digits.", "example": "0468"})
    city = Text(100, allow_none=True, metadata={"description": "Postal place (poststed)."})
    municipality_number = fields.String(allow_none=True, metadata={
        "description": "Municipality number (kommunenummer), 4 digits.", "example": "0301"})
    district = Text(100, allow_none=True, metadata={
        "description": "District (bydel), where the municipality has them; for Oslo one "
                       "of its 15 districts, Sentrum or Marka.", "example": "Sagene"})


class ServiceUserSchema(NamePartsMixin, AddressPartsMixin):
    id = fields.UUID(dump_only=True)
    national_id = fields.String(required=True)
    #: Required unless the name is given in parts.
    full_name = Text(200, metadata={
        "description": "The whole name; required unless given_name and family_name are."})
    gender = Choice(Gender, allow_none=True)
    birth_date = Date(dump_only=True)
    address = Text(300, metadata={
        "description": "The address on one line; required unless address_line, "
                       "postal_code and city are given."})
    team_id = Id(required=True)
    service_type = Choice(ServiceType, required=True)
    service_start = Date(required=True)
    service_end = Date(allow_none=True, load_default=None)
    #: Why the service ended, in brief (set with ``service_end`` by PATCH).
    service_end_reason = fields.String(dump_only=True, allow_none=True)
    #: The user's own phone number, if any.
    phone = Text(PHONE_LENGTH, allow_none=True, load_default=None)
    needs_proxy = Bool(load_default=False)
    next_of_kin = fields.List(fields.Nested(NextOfKinSchema), load_default=list)
    version = Int(dump_only=True)
    #: The current responsible contact's staff id, or null.
    responsible_contact = Int(dump_only=True, allow_none=True)
    #: Flags a coordinator acts on (see INDICATORS.md).
    flags = fields.List(fields.String(), dump_only=True)
    created_at = Timestamp(dump_only=True)
    updated_at = Timestamp(dump_only=True)


class ServiceUserPatchSchema(NamePartsMixin, AddressPartsMixin):
    national_id = fields.String()
    #: A new whole name alone replaces the parts with what it tells of them.
    full_name = Text(200)
    gender = Choice(Gender, allow_none=True)
    #: A new line alone replaces the parts with what it tells of them.
    address = Text(300)
    team_id = Id()
    #: For a team move: the first day in the new team (default today).
    moved_on = Date()
    service_type = Choice(ServiceType)
    service_end = Date(allow_none=True)
    #: Why the service ended, in brief; only with an end (cleared when the end is).
    service_end_reason = Text(END_REASON_LENGTH, allow_none=True)
    phone = Text(PHONE_LENGTH, allow_none=True)
    needs_proxy = Bool()
    #: Replaces the whole list (add, change or remove by sending the list as it should be).
    next_of_kin = fields.List(fields.Nested(NextOfKinSchema))


class ServiceUserListSchema(BaseSchema):
    """A user as a list shows them: no next of kin, and the national id masked (all but
    the birth date) except to coordinators. The whole record is on the single-user
    endpoint, where each read is logged."""

    id = fields.UUID()
    national_id = fields.Method("_national_id")
    full_name = fields.String()
    given_name = fields.String(allow_none=True)
    middle_name = fields.String(allow_none=True)
    family_name = fields.String(allow_none=True)
    gender = fields.String(allow_none=True)
    birth_date = Date()
    address = fields.String()
    address_line = fields.String(allow_none=True)
    postal_code = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    municipality_number = fields.String(allow_none=True)
    district = fields.String(allow_none=True)
    team_id = Int()
    service_type = fields.String()
    service_start = Date()
    service_end = Date(allow_none=True)
    service_end_reason = fields.String(allow_none=True)
    needs_proxy = fields.Boolean()
    version = Int()
    responsible_contact = Int(allow_none=True)
    flags = fields.List(fields.String())

    def _national_id(self, user) -> str:
        return user.national_id if sees_national_ids(current_user) else masked(user.national_id)


class ServiceUserQuerySchema(QuerySchema):
    team_id = QueryInt()
    active_on = Date()
    #: Part of the name. A national id does not belong in a URL (it ends up in logs):
    #: send it in the ``X-National-Id`` header or to ``POST /service-users/search``.
    q = fields.String()


class NationalIdSearchSchema(BaseSchema):
    national_id = NationalIdText(required=True)


class NationalIdHeaderSchema(QuerySchema):
    """``X-National-Id``: find the user with this national id (it never goes in a URL)."""

    national_id = NationalIdText(data_key="X-National-Id")


class ContactAssignmentSchema(BaseSchema):
    staff_id = Id(required=True)
    from_ = Timestamp(data_key="from")


class ContactHistorySchema(BaseSchema):
    staff_id = Id()
    from_ = Timestamp(data_key="from", attribute="valid_from")
    to = Timestamp(attribute="valid_to", allow_none=True)


class TransferRequestSchema(BaseSchema):
    """A request to take over a person another team serves. The team that asked sees what
    it typed and the answer; the user's own team sees the user too (``service_user_id``
    is null for anyone who may not see the user)."""

    id = fields.UUID(dump_only=True)
    typed_name = fields.String(dump_only=True)
    to_team_id = Int(dump_only=True)
    wanted_from = Date(dump_only=True)
    status = fields.String(dump_only=True)
    reason = fields.String(dump_only=True, allow_none=True)
    requested_at = Timestamp(dump_only=True, attribute="created_at")
    decided_at = Timestamp(dump_only=True, allow_none=True)
    version = Int(dump_only=True)
    service_user_id = fields.Method("_user_id", dump_only=True, allow_none=True)

    def _user_id(self, transfer) -> str | None:
        shown = permits(current_user, Action.VIEW, transfer.service_user)
        return str(transfer.service_user_id) if shown else None


class TransferQuerySchema(QuerySchema):
    #: ``incoming``: requests for users of the caller's teams; ``outgoing``: the caller's
    #: teams' own requests (default: both).
    direction = fields.String(validate=validate.OneOf(("incoming", "outgoing")))


class TransferDecisionSchema(BaseSchema):
    status = fields.String(required=True, validate=validate.OneOf(("accepted", "declined")))
    #: Why it is declined (required then), for the team that asked.
    reason = Text(1000)


class RegistrationWaitsSchema(BaseSchema):
    """The answer to a registration that waits for another team's check (202)."""

    code = Int()
    status = fields.String()
    message = fields.String()
    transfer_request = fields.Nested(TransferRequestSchema)
