"""The thresholds the flags and indicators use.

The defaults are the documented ones (INDICATORS.md); a section changes them in its
settings (``indicators.settings``).
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
