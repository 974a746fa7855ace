"""The thresholds the flags and indicators use.

The defaults are the documented ones (INDICATORS.md); a section changes them in its
settings (``sections.services``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from homecare.core.rules import Bounds


@dataclass(frozen=True)
class ControlSettings:
    """Thresholds for one section."""

    #: The responsible contact should make at least every N-th main visit.
    contact_every_n: int = 7
    #: How many users one responsible contact can follow closely.
    caseload_cap: int = 10
    #: Days after a follow-up falls due before it counts as overdue.
    followup_grace_days: int = 7
    #: Intake (issue 14): days from the referral to the assessment,
    intake_assess_days: int = 3
    #: from the start of services to a responsible contact (0: the same day),
    intake_contact_days: int = 0
    #: from the start to asking "what matters to you?",
    intake_what_matters_days: int = 3
    #: and from the start to the team's decision, for services expected to last.
    intake_decision_days: int = 14


DEFAULT_SETTINGS = ControlSettings()
#: The range a section may choose for each threshold (the table's CHECKs, the API schema,
#: the settings form and the service all read it).
SETTING_BOUNDS = {"contact_every_n": Bounds(2, 30), "caseload_cap": Bounds(1, 100),
                  "followup_grace_days": Bounds(0, 60), "intake_assess_days": Bounds(0, 30),
                  "intake_contact_days": Bounds(0, 14), "intake_what_matters_days": Bounds(0, 30),
                  "intake_decision_days": Bounds(1, 60)}
#: The intake thresholds, in the order of the steps.
INTAKE_FIELDS = ("intake_assess_days", "intake_contact_days", "intake_what_matters_days",
                 "intake_decision_days")


def default_values() -> dict[str, int]:
    """The documented defaults (INDICATORS.md) by field name."""
    return asdict(DEFAULT_SETTINGS)
