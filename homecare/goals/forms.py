"""Forms for goals and their follow-ups. They parse input; the services hold the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import InputRequired, Optional

from homecare.core.forms import DayField, RecordIdMixin, enum_options, options
from homecare.goals.labels import (
    ANSWER_LABELS,
    ANSWERED_BY_LABELS,
    CHECK_IN_QUESTIONS,
    WHOSE_GOAL_LABELS,
    WHOSE_WORDS_LABELS,
)
from homecare.goals.models import RATING

RATINGS = options(*((str(n), str(n)) for n in range(RATING.low, RATING.high + 1)))


def answer_choices() -> list[SelectChoice]:
    """The answers to the user's own three evaluation questions."""
    return enum_options(ANSWER_LABELS)


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


class GoalForm(FlaskForm):
    """A goal in the user's own words: whose goal it is is chosen by the person, never
    preselected; it may name the «what matters» conversation it came from."""

    description = TextAreaField(_l("The goal, in the user's own words"))
    expressed_by = RadioField(_l("Whose goal is it?"), choices=enum_options(WHOSE_GOAL_LABELS),
                              validators=[InputRequired(_l("Say whose goal it is: the "
                                                           "user's, next of kin's or "
                                                           "staff's."))])
    what_matters_id = SelectField(_l("Which «what matters» conversation it came from"),
                                  validators=[Optional()])
    start_date = DayField(_l("Start"), validators=[InputRequired(_l("Choose a date."))])
    checkin_interval_days = RadioField(_l("Follow up every"), default="28", choices=options(
        ("14", _l("2 weeks")), ("28", _l("4 weeks")), ("42", _l("6 weeks")),
        ("56", _l("8 weeks"))))
    baseline_performance = RadioField(_l("How well do you manage it today? (1–10)"),
                                      choices=RATINGS, validators=[Optional()])
    baseline_satisfaction = RadioField(_l("How satisfied are you with it today? (1–10)"),
                                       choices=RATINGS, validators=[Optional()])


class GoalStatusForm(FlaskForm):
    """A goal achieved, paused, stopped or resumed: the day, and why in the words of
    whoever gave them. Nothing is chosen for the person."""

    status = RadioField(_l("What happened to the goal?"),
                        validators=[InputRequired(_l("Choose what happened to the goal."))])
    changed_on = DayField(_l("Date"), validators=[InputRequired(_l("Choose a date."))])
    reason = TextAreaField(_l("Why, in the user's own words where they gave them (optional)"),
                           validators=[Optional()])
    reason_by = RadioField(_l("Whose words are these?"), choices=enum_options(WHOSE_WORDS_LABELS),
                           validators=[Optional()])
