"""Pieces every HTML form shares: a date field within the accepted days, and putting a
service's refusal next to the fields it names."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, ValidationError

from homecare.core.timeutil import in_service_range, out_of_range_message


class DayField(DateField):
    """A date within the days the service accepts (``core.timeutil``): year 1 or 9999
    would overflow the moment it is moved between time zones."""

    def pre_validate(self, form) -> None:
        if self.data is not None and not in_service_range(self.data):
            self.data = None
            raise ValidationError(out_of_range_message())


def attach_errors(form: FlaskForm, errors: dict[str, list[str]], aliases=None) -> None:
    """Put a service's field errors next to the form's fields (unknown ones on the form)."""
    aliases = aliases or {}
    for field_name, messages in errors.items():
        field = getattr(form, aliases.get(field_name, field_name), None)
        target = field.errors if field is not None else form.form_errors
        if isinstance(target, tuple):
            target = list(target)
            field.errors = target
        target.extend(messages)
