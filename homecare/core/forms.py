"""Pieces every HTML form shares: choices from the enums' label tables, a date field within
the accepted days, checkbox lists, the id a tablet chose for a record, and saving through
a service or showing its refusal (``saved``, ``form_page``).

The one home for the pages' form helpers (every feature's ``views``); the rules
themselves live in the services, which the API calls too.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Callable, Mapping

from flask import flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectChoice, SelectMultipleField, ValidationError
from wtforms.validators import UUID, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from homecare.core.audit import record_read
from homecare.core.dates import out_of_range_message
from homecare.core.errors import ValidationFailed
from homecare.core.extensions import db
from homecare.core.timeutil import in_service_range


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


class RecordIdMixin:
    """The id the tablet chose for the record (``static/js/offline.js``): sent again after
    an answer that never came, by the form or from the tablet's queue, it is recognised
    and not stored twice. Without JavaScript the server chooses it."""

    record_id = HiddenField(validators=[Optional(), UUID(_l("Not a valid id."))])


def chosen_record_id(form: RecordIdMixin) -> uuid.UUID:
    """The id the tablet chose for a new record, or a new one: saved as the API saves a
    record sent under its id (``Creation.put``), a form sent twice is stored once. Spaces
    are no id (the form's ``Optional`` lets them through unchecked)."""
    chosen = (form.record_id.data or "").strip()
    return uuid.UUID(chosen) if chosen else uuid.uuid4()


def int_or_none(value: str | None) -> int | None:
    """A chosen number from a radio group, or None where nothing was chosen."""
    return int(value) if value else None


#: Sent by the tablet's script when it posts a form itself, to keep the record on the
#: tablet if no answer comes (``static/js/offline.js``); a saved form then answers 204.
POSTED_BY_SCRIPT = "X-Homecare-Form"


def form_page(form, template: str, user, save: Callable[[], object], *, back: str,
              aliases: Mapping | None = None, then: Mapping[str, str] | None = None,
              **context):
    """Show a form about one service user; on a valid submit, save through the service
    and go ``back`` (the user's page), or on to the page ``then`` names for the button
    pressed (its ``then`` value).

    A refusal from the service rolls back, puts each message next to its field and shows
    the form again (422) with everything typed kept. Showing the form shows the user's
    name and record, so it is logged as a read.
    """
    if form.validate_on_submit() and saved(form, save, aliases):
        flash(_("Saved."), "success")
        if request.headers.get(POSTED_BY_SCRIPT):
            return "", 204   # the script opens the next page, where "Saved." shows
        return redirect((then or {}).get(request.form.get("then", "")) or back)
    status = 422 if form.errors or form.form_errors else 200
    page = template.rsplit("/", 1)[-1].removesuffix(".html")
    record_read(user.id, f"form: {page}")
    return render_template(template, form=form, user=user, **context), status
