"""A whole number's allowed range, declared once for the database, the API and the forms.

A rule such as "a follow-up interval is 7 to 182 days" is one ``Bounds`` constant next to
its model. The model's CHECK constraint, the API schema's validator, the page form's
validator and the service's check all come from it, and all say the same message.
"""

from __future__ import annotations

from dataclasses import dataclass

import marshmallow as ma
from flask_babel import gettext, lazy_gettext
from wtforms.validators import NumberRange


def N_(message: str) -> str:
    """Return ``message`` unchanged: marks it for the catalogue (translated where shown)."""
    return message


#: The message for a number out of range, unless a rule has one of its own.
COMMON_MESSAGE = N_("Must be from %(min)s to %(max)s.")


@dataclass(frozen=True)
class Bounds:
    """The whole numbers from ``low`` to ``high``, inclusive."""

    low: int
    high: int
    #: The message template (``%(min)s``, ``%(max)s``), marked with ``N_``.
    template: str = COMMON_MESSAGE

    def holds(self, value: object) -> bool:
        """Whether ``value`` is a whole number in the range (a bool is not a number)."""
        return (isinstance(value, int) and not isinstance(value, bool)
                and self.low <= value <= self.high)

    def message(self) -> str:
        """What is wrong with a value outside the range, in the user's language."""
        return gettext(self.template, min=self.low, max=self.high)

    def check(self, errors, field: str, value: object, *, optional: bool = False) -> None:
        """Record this rule's message on ``field`` of a ``FieldErrors`` unless ``value``
        holds (or, when ``optional``, is None)."""
        if not (optional and value is None) and not self.holds(value):
            errors.add(field, self.message())

    def sql(self, column: str) -> str:
        """The CHECK constraint text for ``column``."""
        return f"{column} BETWEEN {self.low} AND {self.high}"

    def schema_validator(self) -> ma.validate.Range:
        """A marshmallow validator for API schemas (documented as minimum and maximum)."""
        return _SchemaRange(self)

    def form_validator(self) -> NumberRange:
        """A WTForms validator for pages."""
        return NumberRange(self.low, self.high, message=lazy_gettext(
            self.template, min=self.low, max=self.high))


class _SchemaRange(ma.validate.Range):
    """marshmallow's Range, answering with the rule's own message."""

    def __init__(self, bounds: Bounds):
        super().__init__(bounds.low, bounds.high)
        self.bounds = bounds

    def _format_error(self, value, message: str) -> str:
        return self.bounds.message()
