"""The thresholds the flags and indicators use.

These are the documented defaults (INDICATORS.md); sections will be able to change them
in their settings.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ControlSettings:
    """Thresholds for one section."""

    #: The responsible contact should make at least every N-th main visit.
    contact_every_n: int = 7
    #: How many users one responsible contact can follow closely.
    caseload_cap: int = 10
    #: Days after a follow-up falls due before it counts as overdue.
    followup_grace_days: int = 7


DEFAULT_SETTINGS = ControlSettings()
