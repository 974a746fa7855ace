"""The referral forms: a new referral, and its assessment, start or closing."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional

from homecare.core.forms import DayField, options
from homecare.intake.models import NAME_LENGTH, NEED_LENGTH, REASON_LENGTH

SOURCES = options(("hospital", _l("Hospital")), ("gp", _l("GP")),
                  ("next_of_kin", _l("Next of kin")), ("user", _l("The person themselves")),
                  ("other", _l("Other")))
URGENCIES = options(("routine", _l("Routine")), ("urgent", _l("Urgent")))


class ReferralForm(FlaskForm):
    """A referral as it arrives."""

    person_name = StringField(_l("The person referred"), render_kw={"maxlength": NAME_LENGTH})
    received_on = DayField(_l("Received"), validators=[InputRequired(_l("Give a date."))])
    source = RadioField(_l("Referred by"), choices=SOURCES,
                        validators=[InputRequired(_l("Choose who referred."))])
    referred_by = StringField(_l("Unit or person (optional)"),
                              render_kw={"maxlength": NAME_LENGTH})
    need = TextAreaField(_l("The need, in brief"), render_kw={"maxlength": NEED_LENGTH})
    urgency = RadioField(_l("Urgency"), choices=URGENCIES, default="routine",
                         validators=[InputRequired(_l("Choose routine or urgent."))])


class AssessmentForm(FlaskForm):
    """When the referral was assessed, and by whom."""

    assessed_on = DayField(_l("Assessed on"), validators=[InputRequired(_l("Give a date."))])
    assessed_by = SelectField(_l("Assessed by"), coerce=int,
                              validators=[InputRequired(_l("Choose a team member."))])


class StartForm(FlaskForm):
    """The service user the referral became."""

    service_user = SelectField(_l("Services started for"), coerce=str,
                               validators=[InputRequired(_l("Choose the user."))])


class CloseForm(FlaskForm):
    """Closing a referral without services."""

    closed_on = DayField(_l("Closed on"), validators=[InputRequired(_l("Give a date."))])
    closed_reason = StringField(_l("Why, in brief"), validators=[Optional()],
                                render_kw={"maxlength": REASON_LENGTH})
