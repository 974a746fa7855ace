"""Prompts (reminders addressed to someone) and the record of every job run."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from homecare.core.model_base import str_enum
from homecare.core.timeutil import utcnow
from homecare.extensions import db


class PromptKind(enum.StrEnum):
    """Why someone is being reminded."""

    CHECKIN_DUE = "checkin_due"
    WHAT_MATTERS_MISSING = "what_matters_missing"
    DECISION_MISSING = "decision_missing"
    DECISION_REVIEW_OVERDUE = "decision_review_overdue"


class Prompt(db.Model):
    """A reminder to act for one user: addressed to their responsible contact, or to the
    team when they have none. Resolved when the thing is done.

    ``dedupe_key`` makes each prompt exist once: per goal and due date for follow-ups,
    per user for what-matters and missing decisions, per decision and review date.
    """

    __tablename__ = "prompts"
    __table_args__ = (
        sa.Index("ix_prompts_open_staff", "addressed_to_id", "resolved_at"),
        sa.Index("ix_prompts_open_team", "team_id", "resolved_at"),
        sa.Index("ix_prompts_user", "service_user_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    dedupe_key: Mapped[str] = mapped_column(sa.String(120), unique=True)
    kind: Mapped[PromptKind] = mapped_column(str_enum(PromptKind, "prompt_kind"))
    service_user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("service_users.id"))
    goal_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("goals.id"))
    decision_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("decisions.id"))
    #: The day the thing fell due (a follow-up's ``next_due``).
    due_date: Mapped[date]
    #: The responsible contact when created (moved when the contact changes), or null.
    addressed_to_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id"))
    #: The user's team: whoever coordinates it sees prompts nobody else holds.
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]


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
