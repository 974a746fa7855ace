"""Translated names of the flags, for pages."""

from flask_babel import lazy_gettext as _l

from homecare.flags.rules import Flag

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
