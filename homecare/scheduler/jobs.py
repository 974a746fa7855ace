"""The four jobs: what each does, when it runs, and which period a run covers.

Each is a thin wrapper around a service function that the CLI (and tests) call too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from homecare.indicators.snapshots import build_snapshot
from homecare.prompts import services as prompts


@dataclass(frozen=True)
class Job:
    """A job: its work for one period, and its schedule (APScheduler cron fields)."""

    name: str
    description: str
    work: Callable[[date], int]
    cron: dict = field(default_factory=dict)
    weekly: bool = False

    def period(self, day: date) -> date:
        """The period a run on ``day`` covers: the day, or the week's Monday."""
        return day - timedelta(days=day.weekday()) if self.weekly else day


JOBS: dict[str, Job] = {job.name: job for job in (
    Job("checkin_prompts", "Prompts for goal follow-ups that fall due",
        prompts.checkin_prompts, {"hour": 5, "minute": 0}),
    Job("what_matters_reminders", "Reminders: no what-matters conversation 3 days in",
        prompts.what_matters_prompts, {"hour": 5, "minute": 10}),
    Job("decision_reminders", "Reminders: decisions missing after 14 days, reviews due",
        prompts.decision_prompts, {"hour": 5, "minute": 20}),
    Job("weekly_snapshot", "Store every team's and section's indicators for the week",
        build_snapshot, {"day_of_week": "mon", "hour": 23, "minute": 0}, weekly=True),
)}
