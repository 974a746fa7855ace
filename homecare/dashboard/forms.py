"""The settings form: which indicators the dashboard shows, and the thresholds."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import InputRequired

from homecare.core.forms import MultiCheckboxField, options
from homecare.indicators.definitions import INDICATORS


class SettingsForm(FlaskForm):
    """A section's dashboard and thresholds; the ranges are checked by the service."""

    dashboard_indicators = MultiCheckboxField(_l("Indicators on the dashboard (at most 6)"))
    contact_every_n = IntegerField(
        _l("The responsible contact makes at least every … main visit"),
        validators=[InputRequired(_l("Give a whole number."))])
    caseload_cap = IntegerField(_l("Most users per responsible contact"),
                                validators=[InputRequired(_l("Give a whole number."))])
    followup_grace_days = IntegerField(_l("Days a follow-up may be late before it is overdue"),
                                       validators=[InputRequired(_l("Give a whole number."))])
    intake_assess_days = IntegerField(_l("Days from referral to assessment"),
                                      validators=[InputRequired(_l("Give a whole number."))])
    intake_contact_days = IntegerField(
        _l("Days from the start of services to a responsible contact (0: the same day)"),
        validators=[InputRequired(_l("Give a whole number."))])
    intake_what_matters_days = IntegerField(
        _l("Days from the start to asking \"What matters to you?\""),
        validators=[InputRequired(_l("Give a whole number."))])
    intake_decision_days = IntegerField(_l("Days from the start to the team's decision"),
                                        validators=[InputRequired(_l("Give a whole number."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.dashboard_indicators.choices = options(*((i.id, i.name) for i in INDICATORS))
