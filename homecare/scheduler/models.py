"""The record of every job run."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from homecare.core.extensions import db
from homecare.core.timeutil import utcnow


class JobRun(db.Model):
    """One run of a job for one period (a day, or a week's Monday): at most one each."""

    __tablename__ = "job_runs"
    __table_args__ = (sa.UniqueConstraint("job", "period", name="uq_job_runs_job_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(sa.String(40))
    period: Mapped[date]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    #: Rows the job created, changed or resolved.
    touched: Mapped[int] = mapped_column(default=0)
    seconds: Mapped[float] = mapped_column(default=0.0)
    #: ``schedule``, ``catch-up`` or ``manual``.
    trigger: Mapped[str] = mapped_column(sa.String(20), default="schedule")
