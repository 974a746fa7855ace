"""The form of a team decision (vedtak)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import InputRequired, Optional

from homecare.core.forms import DayField, MultiCheckboxField, options


class DecisionForm(FlaskForm):
    """A team decision (vedtak) from the team meeting, made together with the user."""

    decided_on = DayField(_l("Decided on"), validators=[InputRequired(_l("Choose a date."))])
    participants = MultiCheckboxField(_l("Team members who took part"), coerce=int)
    user_participated = RadioField(_l("Did the user take part?"), default="yes", choices=options(
        ("yes", _l("Yes")), ("no", _l("No"))))
    goal_statement = TextAreaField(_l("The goal, as agreed with the user"))
    services = TextAreaField(_l("Services, in broad terms"))
    reasons = TextAreaField(_l("Reasons"))
    valid_from = DayField(_l("Valid from"), validators=[InputRequired(_l("Choose a date."))])
    valid_to = DayField(_l("Valid to (optional)"), validators=[Optional()])
    review_on = DayField(_l("Review on"), validators=[InputRequired(_l("Choose a date."))])

