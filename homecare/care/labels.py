"""Translated names of the kinds of record the user's journal shows."""

from flask_babel import lazy_gettext as _l

from homecare.care.journal import EntryKind

#: The kinds of record the user's journal shows, as its filter names them.
JOURNAL_KIND_LABELS = {
    EntryKind.VISIT: _l("Visits"), EntryKind.CHECK_IN: _l("Follow-ups"),
    EntryKind.WHAT_MATTERS: _l("What matters"), EntryKind.GOAL: _l("Goals"),
    EntryKind.DECISION: _l("Team decisions"), EntryKind.CONTACT: _l("Responsible contacts"),
}
