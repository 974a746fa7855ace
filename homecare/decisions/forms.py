"""The forms of a team decision (vedtak) and of its review: kept, revised or ended.
Whether the user took part is asked every time and never preselected."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import InputRequired, Optional

from homecare.core.forms import DayField, MultiCheckboxField, options


def _user_participated() -> RadioField:
    return RadioField(_l("Did the user take part?"),
                      choices=options(("yes", _l("Yes")), ("no", _l("No"))),
                      validators=[InputRequired(_l("Say whether the user took part: yes or "
                                                   "no."))])


def _user_view() -> TextAreaField:
    return TextAreaField(_l("The user's own view, in their words (optional)"),
                         validators=[Optional()])


def _disagreement() -> TextAreaField:
    return TextAreaField(_l("Any disagreement: who disagrees, and with what (optional)"),
                         validators=[Optional()])


def _participants() -> MultiCheckboxField:
    return MultiCheckboxField(_l("Team members who took part"), coerce=int)


class DecisionForm(FlaskForm):
    """A team decision (vedtak) from the team meeting, made together with the user."""

    decided_on = DayField(_l("Decided on"), validators=[InputRequired(_l("Choose a date."))])
    participants = _participants()
    user_participated = _user_participated()
    goal_statement = TextAreaField(_l("The goal, as agreed with the user"))
    services = TextAreaField(_l("Services, in broad terms"))
    reasons = TextAreaField(_l("Reasons"))
    user_view = _user_view()
    disagreement = _disagreement()
    valid_from = DayField(_l("Valid from"), validators=[InputRequired(_l("Choose a date."))])
    valid_to = DayField(_l("Valid to (optional)"), validators=[Optional()])
    review_on = DayField(_l("Review on"), validators=[InputRequired(_l("Choose a date."))])


class ReviewForm(FlaskForm):
    """"Reviewed — no change": who took part, the user's view, the next review date."""

    reviewed_on = DayField(_l("Reviewed on"), validators=[InputRequired(_l("Choose a date."))])
    participants = _participants()
    user_participated = _user_participated()
    user_view = _user_view()
    disagreement = _disagreement()
    next_review_on = DayField(_l("Next review on"),
                              validators=[InputRequired(_l("Choose a date."))])


class EndForm(FlaskForm):
    """"End": the last day it is in force, and why; who took part and the user's view."""

    ended_on = DayField(_l("Last day in force"), validators=[InputRequired(_l("Choose a date."))])
    reason = TextAreaField(_l("Why it ends"))
    participants = _participants()
    user_participated = _user_participated()
    user_view = _user_view()
    disagreement = _disagreement()
