"""Prompts: reminders to act for one user, and the stored record of those raised.

Which prompts are open is never stored: ``prompts.rules`` derives them from the records,
with the same rules as the flags, so a prompt always agrees with the goal's or user's
flag. The ``prompts`` table is the record of reminders raised: the daily jobs write each
one when it falls due, to whom it went, and when it stopped holding. The access review
reads it (a reminder is a reason to open a user's record).
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from homecare.core.extensions import db
from homecare.core.model_base import str_enum
from homecare.core.timeutil import utcnow


class PromptKind(enum.StrEnum):
    """Why someone is being reminded."""

    CHECKIN_DUE = "checkin_due"
    WHAT_MATTERS_MISSING = "what_matters_missing"
    DECISION_MISSING = "decision_missing"
    DECISION_REVIEW_OVERDUE = "decision_review_overdue"


class Prompt(db.Model):
    """A reminder raised for one user: addressed to their responsible contact, or to the
    team (null) when they have none or when the team decides (decisions). Resolved when
    the rule that raised it no longer holds (the thing was done, or the due date moved).

    ``dedupe_key`` makes each prompt exist once: per goal and due date for follow-ups,
    per user for what-matters and missing decisions, per decision and review date.
    """

    __tablename__ = "prompts"
    __table_args__ = (
        # The daily jobs read the open record by kind; the table keeps every prompt
        # ever raised, so only the open ones are indexed.
        sa.Index("ix_prompts_open_kind", "kind", "dedupe_key",
                 postgresql_include=["addressed_to_id"],
                 postgresql_where=sa.text("resolved_at IS NULL"),
                 sqlite_where=sa.text("resolved_at IS NULL")),
        # The access review: did the reader hold a prompt about this user?
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
