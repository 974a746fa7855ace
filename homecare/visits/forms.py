"""Forms for visits: planning one, completing it, saying it did not take place."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Optional

from homecare.core.forms import DayField, MultiCheckboxField, enum_options, options
from homecare.visits.labels import KIND_LABELS, SCOPE_LABELS, WEEKDAY_LABELS
from homecare.visits.models import PLANNED_MINUTES, VisitKind


class CompleteVisitForm(FlaskForm):
    """The times a visit actually started and ended (prefilled from the plan)."""

    started = TimeField(_l("Started"), validators=[InputRequired(_l("Give the time."))])
    ended = TimeField(_l("Ended"), validators=[InputRequired(_l("Give the time."))])
    note = TextAreaField(_l("Note"), validators=[Optional()])


class MissedVisitForm(FlaskForm):
    """Why a planned visit did not take place (saving it is the confirmation)."""

    missed_reason = TextAreaField(_l("Why did the visit not take place?"),
                                  validators=[InputRequired(_l("Say why."))])


class VisitPlanFields(FlaskForm):
    """Who, whom, what kind, when and how long. ``confirm`` carries the continuity
    consequences already seen (a double booking is confirmed apart, ``allow_overlap``)."""

    service_user_id = SelectField(_l("Service user"), validate_choice=True,
                                  validators=[InputRequired(_l("Choose a user."))])
    staff_id = SelectField(_l("Who makes the visit"), coerce=int, validate_choice=True,
                           validators=[InputRequired(_l("Choose a team member."))])
    kind = RadioField(_l("Kind of visit"), default=VisitKind.MAIN.value,
                      choices=enum_options(KIND_LABELS))
    day = DayField(_l("Day"), validators=[InputRequired(_l("Choose a date."))])
    time = TimeField(_l("Time"), validators=[InputRequired(_l("Give the time."))])
    minutes = IntegerField(_l("Minutes"), default=30, validators=[
        InputRequired(_l("Give the planned duration in minutes.")),
        PLANNED_MINUTES.form_validator()])
    confirm = HiddenField()


class PlanVisitForm(VisitPlanFields):
    """Plan a visit, once or every week on chosen weekdays until a date (``day`` is the
    first day)."""

    repeat_days = MultiCheckboxField(_l("Repeat every week on"), coerce=str,
                                     choices=options(*((str(d), label) for d, label
                                                       in WEEKDAY_LABELS.items())),
                                     validators=[Optional()])
    until = DayField(_l("Until"), validators=[Optional()])


class ReplanVisitForm(VisitPlanFields):
    """Move or reassign a visit; one that repeats, this one or all following."""

    scope = RadioField(_l("Change"), default="one",
                       choices=options(*SCOPE_LABELS.items()))


class CancelFollowingForm(FlaskForm):
    """Cancel a repeating visit and all following (saving it with the box ticked is the
    confirmation)."""

    sure = BooleanField(_l("Yes, cancel this visit and every later one of the repeat"),
                        validators=[DataRequired(_l("Tick the box to confirm."))])
