"""The form of a «What matters to you?» conversation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Optional

from homecare.core.forms import DayField, MultiCheckboxField, RecordIdMixin, enum_options
from homecare.what_matters.labels import PRESENT_LABELS


class WhatMattersForm(RecordIdMixin, FlaskForm):
    """«Hva er viktig for deg?» — the answer in the user's own words."""

    conversation_date = DayField(_l("Date"), validators=[InputRequired(_l("Choose a date."))])
    present = MultiCheckboxField(_l("Who took part"), choices=enum_options(PRESENT_LABELS))
    in_own_words = TextAreaField(_l("What matters to you? (their own words)"))
    spoken_for_by = StringField(_l("Who answered for the user, if they could not"),
                                validators=[Optional()])
