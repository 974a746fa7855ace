"""Translated names of the kinds of record the user's journal shows."""

from flask_babel import lazy_gettext as _l

from homecare.care.journal import EntryKind

#: The kinds of record the user's journal shows, as its filter names them.
JOURNAL_KIND_LABELS = {
    EntryKind.VISIT: _l("Visits"), EntryKind.CHECK_IN: _l("Follow-ups"),
    EntryKind.WHAT_MATTERS: _l("What matters"), EntryKind.GOAL: _l("Goals"),
    EntryKind.DECISION: _l("Team decisions"), EntryKind.CONTACT: _l("Responsible contacts"),
}

#: Each kind of reminder on the team board: its heading, what it asks, and the tap that
#: does it (``care.board.GROUP_ORDER``).
REMINDER_LABELS = {
    "no_responsible_contact": (_l("No responsible contact"),
                               _l("Name the responsible contact the day the service starts"),
                               _l("Name a contact")),
    "what_matters_missing": (_l("Not yet asked what matters"),
                             _l("Ask «What matters to you?»"), _l("Record the conversation")),
    "decision_missing": (_l("Team decision missing"),
                         _l("Make the team decision with the user"), _l("Record the decision")),
    "checkin_due": (_l("Follow-ups due"), _l("Follow up the goal with the user"),
                    _l("Record the follow-up")),
    "decision_review_overdue": (_l("Decision review overdue"),
                                _l("Review the team decision with the user"),
                                _l("Review the decision")),
    "contact_visit": (_l("The responsible contact should visit"),
                      _l("Plan the next main visit with the responsible contact"),
                      _l("Plan the visit")),
}
