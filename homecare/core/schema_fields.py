"""Field types for the API schemas: strict JSON types and the service's text rules."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from functools import partial

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from homecare.core.dates import out_of_range_message
from homecare.core.national_id import is_well_formed
from homecare.core.text import is_blank
from homecare.core.timeutil import in_service_range


def _nul_errors(data) -> dict:
    """Fields whose text holds a NUL character (PostgreSQL cannot store one)."""
    if not isinstance(data, Mapping):
        return {}
    return {key: [_l("This text contains a character that is not allowed.")]
            for key, value in data.items()
            if (isinstance(value, str) and "\x00" in value)
            or (isinstance(value, list) and any(isinstance(v, str) and "\x00" in v
                                                for v in value))}


class RefusesNul:
    """Refuse NUL characters in text before anything else looks at it."""

    @ma.pre_load
    def _refuse_nul(self, data, **_kwargs):
        errors = _nul_errors(data)
        if errors:
            raise ma.ValidationError(errors)
        return data


class BaseSchema(RefusesNul, ma.Schema):
    """Unknown fields are refused (422), never silently dropped."""

    class Meta:
        unknown = ma.RAISE


class QuerySchema(RefusesNul, ma.Schema):
    """Query parameters: text by nature, and shared with the paging parameters."""

    class Meta:
        unknown = ma.EXCLUDE


#: The largest id an INTEGER column holds (PostgreSQL's int4).
MAX_ID = 2**31 - 1
_ID_RANGE = validate.Range(1, MAX_ID, error=_l("There is no such record in your teams."))

#: In a query string: an id written as text.
QueryInt = partial(fields.Integer, validate=_ID_RANGE)
#: In a query string: true/false, 1/0 and the like.
QueryBool = fields.Boolean

#: Whole numbers only: "5" and 5.0 are refused.
Int = partial(fields.Integer, strict=True)
#: A record id (sections, teams, staff): a whole number the database can hold.
Id = partial(Int, validate=_ID_RANGE)
#: Only JSON true/false.
Bool = partial(fields.Boolean, truthy={True}, falsy={False})


def _in_service_range(value) -> None:
    if not in_service_range(value):
        raise ma.ValidationError(out_of_range_message())


#: A timestamp with its UTC offset; a wall-clock time without one is refused, and so is
#: one outside the days the service accepts (``core.timeutil``).
Timestamp = partial(fields.AwareDateTime, format="iso", validate=_in_service_range)
#: A calendar date (YYYY-MM-DD) within the days the service accepts.
Date = partial(fields.Date, validate=_in_service_range)


def not_blank(value: str) -> None:
    """Refuse text with nothing visible in it: empty, spaces, or invisible characters only.

    The message is made a plain string here: marshmallow takes any other iterable for a
    list of messages and would split a lazy string into single characters.
    """
    if is_blank(value):
        raise ma.ValidationError(str(_l("This field cannot be empty.")))


def Text(max_length: int, **kwargs) -> fields.String:
    """Free text, not blank, at most ``max_length`` characters; kept exactly as given."""
    return fields.String(validate=[not_blank, validate.Length(max=max_length)], **kwargs)


def Choice(enum_class: type[enum.Enum], **kwargs) -> fields.Enum:
    """One of an enum's values (as strings)."""
    return fields.Enum(enum_class, by_value=True, **kwargs)


def _national_id_shape(value: str) -> None:
    if not is_well_formed(value):
        raise ma.ValidationError(str(_l("A national identity number has exactly 11 digits.")))


def NationalIdText(**kwargs) -> fields.String:
    """A national identity number as sent: eleven ASCII digits (spaces allowed); the check
    digits and birth date are checked where a person is registered."""
    return fields.String(validate=_national_id_shape, **kwargs)
