"""Pieces every HTML form shares: choices from the enums' label tables, a date field within
the accepted days, checkbox lists, and saving through a service or showing its refusal.

The one home for the HTML side's form helpers (care, admin, dashboard and auth pages);
the rules themselves live in the services, which the API calls too.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping

from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectMultipleField, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from homecare.core.dates import out_of_range_message
from homecare.core.errors import ValidationFailed
from homecare.core.timeutil import in_service_range
from homecare.extensions import db


def options(*pairs) -> list[SelectChoice]:
    """Choices for a radio or checkbox field: (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def enum_options(labels: Mapping[enum.Enum, object]) -> list[SelectChoice]:
    """Choices from a label table keyed by an enum's members, in the table's order."""
    return options(*((member.value, label) for member, label in labels.items()))


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


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


def saved(form: FlaskForm, save: Callable[[], object], aliases: Mapping | None = None) -> bool:
    """Save through the service; on a refusal roll back everything the request wrote and
    put each message next to its field (``aliases``: service field -> form field).

    Returns whether it was saved. The one way a page saves a form.
    """
    try:
        save()
    except ValidationFailed as refusal:
        db.session.rollback()
        attach_errors(form, refusal.errors, aliases)
        return False
    return True
