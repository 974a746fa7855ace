"""Translated names of the values of visits, for pages."""

from flask_babel import lazy_gettext as _l

from homecare.visits.models import Settlement, SettleReason, VisitKind, VisitStatus

KIND_LABELS = {VisitKind.MAIN: _l("Main visit"), VisitKind.SHORT: _l("Short visit")}
STATUS_LABELS = {VisitStatus.PLANNED: _l("Planned"), VisitStatus.COMPLETED: _l("Completed"),
                 VisitStatus.MISSED: _l("Missed"), VisitStatus.CANCELLED: _l("Cancelled")}
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
#: The weekdays a visit repeats on (ISO numbers, Monday first as in Norway).
WEEKDAY_LABELS = {1: _l("Mon"), 2: _l("Tue"), 3: _l("Wed"), 4: _l("Thu"), 5: _l("Fri"),
                  6: _l("Sat"), 7: _l("Sun")}
#: What a change to a repeating visit applies to.
SCOPE_LABELS = {"one": _l("Only this visit"), "following": _l("This and all following")}
