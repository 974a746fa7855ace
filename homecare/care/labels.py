"""Translated names of the values care pages show."""

from flask_babel import lazy_gettext as _l

from homecare.care.journal import EntryKind
from homecare.flags.rules import Flag
from homecare.goals.models import Answer, AnsweredBy, ExpressedBy, GoalStatus
from homecare.visits.models import Settlement, SettleReason, VisitKind, VisitStatus
from homecare.what_matters.models import Present

KIND_LABELS = {VisitKind.MAIN: _l("Main visit"), VisitKind.SHORT: _l("Short visit")}
STATUS_LABELS = {VisitStatus.PLANNED: _l("Planned"), VisitStatus.COMPLETED: _l("Completed"),
                 VisitStatus.MISSED: _l("Missed"), VisitStatus.CANCELLED: _l("Cancelled")}
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
#: Who took part in a what-matters conversation.
PRESENT_LABELS = {Present.USER: _l("The user"), Present.NEXT_OF_KIN: _l("Next of kin"),
                  Present.OTHER: _l("Others")}
#: Whose goal it is, as the goal form asks.
WHOSE_GOAL_LABELS = {ExpressedBy.USER: _l("The user's"),
                     ExpressedBy.NEXT_OF_KIN: _l("Next of kin's"), ExpressedBy.STAFF: _l("Staff's")}
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
FLAG_LABELS = {
    Flag.NO_RESPONSIBLE_CONTACT: _l("No responsible contact"),
    Flag.CONTACT_DUE: _l("Responsible contact should make the next main visit"),
    Flag.CONTACT_BREACH: _l("Responsible contact has not visited for a while"),
    Flag.WHAT_MATTERS_MISSING: _l("Not yet asked what matters"),
    Flag.CHECKIN_DUE: _l("Follow-up due"),
    Flag.CHECKIN_OVERDUE: _l("Follow-up overdue"),
    Flag.DECISION_MISSING: _l("Team decision missing"),
    Flag.DECISION_REVIEW_OVERDUE: _l("Decision review overdue"),
}

#: The kinds of record the user's journal shows, as its filter names them.
JOURNAL_KIND_LABELS = {
    EntryKind.VISIT: _l("Visits"), EntryKind.CHECK_IN: _l("Follow-ups"),
    EntryKind.WHAT_MATTERS: _l("What matters"), EntryKind.GOAL: _l("Goals"),
    EntryKind.DECISION: _l("Team decisions"), EntryKind.CONTACT: _l("Responsible contacts"),
}
#: What a visit to settle tells the coordinator, and the choices they are offered.
SETTLE_REASON_LABELS = {
    SettleReason.CANCELLED: _l("Cancelled at the office, but carried out: stored as carried "
                               "out."),
    SettleReason.MISSED: _l("Marked as not carried out, but carried out: stored as carried "
                            "out."),
    SettleReason.TWO_VERSIONS: _l("Recorded twice with different times: choose which holds."),
    SettleReason.MOVED_TEAM: _l("Carried out before the user moved to another team: stored "
                                "in the user's record."),
}
SETTLEMENT_LABELS = {
    Settlement.KEPT: _l("Keep the stored version"),
    Settlement.REPLACED: _l("Use the version from the tablet"),
    Settlement.BOTH: _l("Both took place"),
    Settlement.NOTED: _l("Noted"),
}
