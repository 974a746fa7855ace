"""Forms for the nurse's actions. They parse input; the services hold the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import UUID, InputRequired, Optional

from homecare.care.labels import (
    ANSWER_LABELS,
    ANSWERED_BY_LABELS,
    CHECK_IN_QUESTIONS,
    KIND_LABELS,
    PRESENT_LABELS,
    WHOSE_GOAL_LABELS,
)
from homecare.goals.models import RATING, ExpressedBy
from homecare.visits.models import PLANNED_MINUTES, VisitKind
from homecare.web.forms import DayField, MultiCheckboxField, enum_options, options

RATINGS = options(*((str(n), str(n)) for n in range(RATING.low, RATING.high + 1)))


def answer_choices() -> list[SelectChoice]:
    """The answers to the user's own three evaluation questions."""
    return enum_options(ANSWER_LABELS)


class RecordIdMixin:
    """The id the tablet chose for the record (``static/js/offline.js``): sent again after
    an answer that never came, by the form or from the tablet's queue, it is recognised
    and not stored twice. Without JavaScript the server chooses it."""

    record_id = HiddenField(validators=[Optional(), UUID(_l("Not a valid id."))])


def _answer(question: str) -> RadioField:
    """One of the user's three questions: nothing chosen until the person chooses
    (``not asked`` is an answer one chooses too)."""
    return RadioField(CHECK_IN_QUESTIONS[question], choices=answer_choices(),
                      validators=[InputRequired(_l("Choose the answer, or «not asked»."))])


class CheckInForm(RecordIdMixin, FlaskForm):
    """A follow-up evaluation of one goal, with the user: whose voice it is, the ratings
    and the three answers. Nothing is chosen for the person."""

    date = DayField(_l("Date"), validators=[InputRequired(_l("Choose a date."))])
    answered_by = RadioField(_l("Who answered?"), choices=enum_options(ANSWERED_BY_LABELS),
                             validators=[InputRequired(_l("Say who answered."))])
    spoken_for_by_id = SelectField(_l("Which next of kin"), validate_choice=False,
                                   validators=[Optional()])
    not_answered_reason = TextAreaField(_l("Why the user could not answer"),
                                        validators=[Optional()])
    performance = RadioField(CHECK_IN_QUESTIONS["performance"], choices=RATINGS,
                             validators=[Optional()])
    satisfaction = RadioField(CHECK_IN_QUESTIONS["satisfaction"], choices=RATINGS,
                              validators=[Optional()])
    got_expected_help = _answer("got_expected_help")
    could_influence = _answer("could_influence")
    satisfied = _answer("satisfied")
    note = TextAreaField(_l("Note"), validators=[Optional()])


class CompleteVisitForm(FlaskForm):
    """The times a visit actually started and ended (prefilled from the plan)."""

    started = TimeField(_l("Started"), validators=[InputRequired(_l("Give the time."))])
    ended = TimeField(_l("Ended"), validators=[InputRequired(_l("Give the time."))])
    note = TextAreaField(_l("Note"), validators=[Optional()])


class MissedVisitForm(FlaskForm):
    """Why a planned visit did not take place (saving it is the confirmation)."""

    missed_reason = TextAreaField(_l("Why did the visit not take place?"),
                                  validators=[InputRequired(_l("Say why."))])


class WhatMattersForm(RecordIdMixin, FlaskForm):
    """«Hva er viktig for deg?» — the answer in the user's own words."""

    conversation_date = DayField(_l("Date"), validators=[InputRequired(_l("Choose a date."))])
    present = MultiCheckboxField(_l("Who took part"), choices=enum_options(PRESENT_LABELS))
    in_own_words = TextAreaField(_l("What matters to you? (their own words)"))
    spoken_for_by = StringField(_l("Who answered for the user, if they could not"),
                                validators=[Optional()])


class GoalForm(FlaskForm):
    """A goal in the user's own words."""

    description = TextAreaField(_l("The goal, in the user's own words"))
    expressed_by = RadioField(_l("Whose goal is it?"), default=ExpressedBy.USER.value,
                              choices=enum_options(WHOSE_GOAL_LABELS))
    start_date = DayField(_l("Start"), validators=[InputRequired(_l("Choose a date."))])
    checkin_interval_days = RadioField(_l("Follow up every"), default="28", choices=options(
        ("14", _l("2 weeks")), ("28", _l("4 weeks")), ("42", _l("6 weeks")),
        ("56", _l("8 weeks"))))
    baseline_performance = RadioField(_l("How well do you manage it today? (1–10)"),
                                      choices=RATINGS, validators=[Optional()])
    baseline_satisfaction = RadioField(_l("How satisfied are you with it today? (1–10)"),
                                       choices=RATINGS, validators=[Optional()])


class PlanVisitForm(FlaskForm):
    """Plan, move or reassign a visit. ``confirm`` carries the consequences already seen."""

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
