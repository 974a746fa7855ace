"""Team decisions."""

from __future__ import annotations

import enum
import uuid
from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from homecare.core.extensions import db
from homecare.core.model_base import CareRecordMixin, VersionedMixin, str_enum
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

    @hybrid_method
    def in_force_on(self, day: date) -> bool:
        """In force on a day: valid then and not revoked; in a query, the same as SQL."""
        return (self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)
                and self.status is not DecisionStatus.REVOKED)

    @in_force_on.expression
    def in_force_on(cls, day) -> sa.ColumnElement[bool]:
        return sa.and_(cls.valid_from <= day,
                       sa.or_(cls.valid_to.is_(None), cls.valid_to >= day),
                       cls.status != DecisionStatus.REVOKED)

    @hybrid_method
    def review_overdue_on(self, day: date) -> bool:
        """In force on a day whose review date has passed (overdue the day after it)."""
        return self.in_force_on(day) and self.review_on < day

    @review_overdue_on.expression
    def review_overdue_on(cls, day) -> sa.ColumnElement[bool]:
        return sa.and_(cls.in_force_on(day), cls.review_on < day)

    @property
    def participant_ids(self) -> list[int]:
        """Staff ids of the participants, in ascending order."""
        return sorted(p.id for p in self.participants)
