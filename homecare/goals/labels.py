"""Translated names of the values of goals and follow-ups, and the follow-up's questions."""

from flask_babel import lazy_gettext as _l

from homecare.goals.models import Answer, AnsweredBy, ExpressedBy, GoalStatus

ANSWER_LABELS = {Answer.YES: _l("Yes"), Answer.PARTLY: _l("Partly"), Answer.NO: _l("No"),
                 Answer.NOT_ASKED: _l("Not asked")}
#: Where a goal stands.
GOAL_STATUS_LABELS = {GoalStatus.PROPOSED: _l("Proposed"), GoalStatus.ACTIVE: _l("Active"),
                      GoalStatus.ON_HOLD: _l("Paused"), GoalStatus.ACHIEVED: _l("Achieved"),
                      GoalStatus.NOT_ACHIEVED: _l("Not achieved"),
                      GoalStatus.CANCELLED: _l("Stopped")}
#: Whose voice a follow-up records.
ANSWERED_BY_LABELS = {AnsweredBy.USER: _l("The user"),
                      AnsweredBy.NEXT_OF_KIN: _l("A next of kin, for the user"),
                      AnsweredBy.COULD_NOT_ANSWER: _l("The user could not answer")}
#: Whose goal it is, as the goal form asks.
WHOSE_GOAL_LABELS = {ExpressedBy.USER: _l("The user's"),
                     ExpressedBy.NEXT_OF_KIN: _l("Next of kin's"), ExpressedBy.STAFF: _l("Staff's")}
#: Whose words a reason is (a goal's change of status).
WHOSE_WORDS_LABELS = {ExpressedBy.USER: _l("The user's own words"),
                      ExpressedBy.NEXT_OF_KIN: _l("Next of kin's words"),
                      ExpressedBy.STAFF: _l("Staff's words")}
#: What a person may do with a goal, by the status it moves to, as the goal page asks.
STATUS_ACTIONS = {GoalStatus.ACHIEVED: _l("Achieved"),
                  GoalStatus.NOT_ACHIEVED: _l("Not achieved, closed"),
                  GoalStatus.ON_HOLD: _l("Paused"),
                  GoalStatus.CANCELLED: _l("Stopped"),
                  GoalStatus.ACTIVE: _l("Resumed: active again")}
#: The questions of a follow-up, asked of the user: the form shows them and the FHIR
#: export names the ratings and answers by them.
CHECK_IN_QUESTIONS = {
    "performance": _l("How well do you manage it now? (1–10)"),
    "satisfaction": _l("How satisfied are you with it? (1–10)"),
    "got_expected_help": _l("Did you get the help you expected?"),
    "could_influence": _l("Could you influence the help?"),
    "satisfied": _l("Are you satisfied with the help?"),
}
EXPRESSED_LABELS = {ExpressedBy.USER: _l("In the user's own words"),
                    ExpressedBy.NEXT_OF_KIN: _l("Expressed by next of kin"),
                    ExpressedBy.STAFF: _l("Expressed by staff")}
