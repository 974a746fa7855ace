"""Team decisions."""

from __future__ import annotations

import enum
import uuid
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from homecare.core.model_base import CareRecordMixin, VersionedMixin, str_enum
from homecare.extensions import db
from homecare.org.models import Staff
from homecare.service_users.models import ServiceUser


class DecisionStatus(enum.StrEnum):
    """A decision is in force until revoked (or until ``valid_to``)."""

    IN_FORCE = "in_force"
    REVOKED = "revoked"


decision_participants = sa.Table(
    "decision_participants",
    db.metadata,
    sa.Column(
        "decision_id", sa.ForeignKey("decisions.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("staff_id", sa.ForeignKey("staff.id"), primary_key=True),
)


class Decision(CareRecordMixin, VersionedMixin, db.Model):
    """A team decision for a service expected to last more than 14 days.

    Written as a goal for the user (``goal_statement``), the services in broad terms, and
    the reasons, so that discretion stays reviewable.
    """

    __tablename__ = "decisions"
    __table_args__ = (
        sa.CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="valid_period"),
        sa.Index("ix_decisions_user_valid_from", "service_user_id", "valid_from"),
    )

    service_user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("service_users.id"))
    decided_on: Mapped[date]
    #: Whether the user took part in making the decision.
    user_participated: Mapped[bool]
    goal_statement: Mapped[str] = mapped_column(sa.Text)
    services: Mapped[str] = mapped_column(sa.Text)
    reasons: Mapped[str] = mapped_column(sa.Text)
    valid_from: Mapped[date]
    valid_to: Mapped[date | None]
    review_on: Mapped[date]
    status: Mapped[DecisionStatus] = mapped_column(
        str_enum(DecisionStatus, "decision_status"), default=DecisionStatus.IN_FORCE
    )
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("staff.id"))

    service_user: Mapped[ServiceUser] = relationship()
    participants: Mapped[list[Staff]] = relationship(
        secondary=decision_participants, order_by="Staff.full_name"
    )

    @property
    def participant_ids(self) -> list[int]:
        """Staff ids of the participants, in ascending order."""
        return sorted(p.id for p in self.participants)
