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
    """A decision is in force until revoked (or until ``valid_to``). A decision replaced
    by a revised version is revoked too, and names the version that replaced it
    (``Decision.superseded_by``)."""

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

review_participants = sa.Table(
    "decision_review_participants",
    db.metadata,
    sa.Column("review_id", sa.ForeignKey("decision_reviews.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("staff_id", sa.ForeignKey("staff.id"), primary_key=True),
)


class ReviewOutcome(enum.StrEnum):
    """What a review of a decision came to."""

    NO_CHANGE = "no_change"
    REVISED = "revised"
    ENDED = "ended"


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
    #: The user's own view of the decision, in their words (null: not written down).
    user_view: Mapped[str | None] = mapped_column(sa.Text)
    #: Any disagreement: who disagreed with what (the user has the final say on their goals).
    disagreement: Mapped[str | None] = mapped_column(sa.Text)
    #: The earlier version this one revised (that one is then revoked, and kept).
    supersedes_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("decisions.id"), index=True)

    service_user: Mapped[ServiceUser] = relationship()
    participants: Mapped[list[Staff]] = relationship(
        secondary=decision_participants, order_by="Staff.full_name"
    )
    supersedes: Mapped[Decision | None] = relationship(
        remote_side="Decision.id", foreign_keys=[supersedes_id], viewonly=True)
    superseded_by: Mapped[Decision | None] = relationship(
        primaryjoin="Decision.id == foreign(Decision.supersedes_id)", viewonly=True,
        uselist=False)
    #: Its reviews, newest first (read-only: ``decisions.services``).
    reviews: Mapped[list[DecisionReview]] = relationship(
        order_by="(DecisionReview.reviewed_on.desc(), DecisionReview.created_at.desc())",
        foreign_keys="DecisionReview.decision_id", viewonly=True)

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

    @property
    def ended_by(self) -> DecisionReview | None:
        """The review that ended the decision, if one did."""
        return next((r for r in self.reviews if r.outcome is ReviewOutcome.ENDED), None)


class DecisionReview(CareRecordMixin, db.Model):
    """A review of a decision in the team, with the user: kept as it is ("no change",
    with the next review date), revised (a new version, ``revised_to``) or ended (the
    reason). Who took part, the user's own view and any disagreement are kept each time.
    """

    __tablename__ = "decision_reviews"
    __table_args__ = (
        sa.CheckConstraint("outcome <> 'no_change' OR next_review_on IS NOT NULL",
                           name="next_review_given"),
        sa.CheckConstraint("outcome <> 'ended' OR reason IS NOT NULL", name="end_reason_given"),
        sa.Index("ix_decision_reviews_decision", "decision_id", "reviewed_on"),
    )

    decision_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("decisions.id"))
    reviewed_on: Mapped[date]
    outcome: Mapped[ReviewOutcome] = mapped_column(str_enum(ReviewOutcome, "review_outcome"))
    user_participated: Mapped[bool]
    user_view: Mapped[str | None] = mapped_column(sa.Text)
    disagreement: Mapped[str | None] = mapped_column(sa.Text)
    #: Why it was revised or ended.
    reason: Mapped[str | None] = mapped_column(sa.Text)
    #: "No change": when it is to be reviewed next.
    next_review_on: Mapped[date | None]
    #: "Revised": the new version.
    revised_to_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("decisions.id"))
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("staff.id"))

    participants: Mapped[list[Staff]] = relationship(
        secondary=review_participants, order_by="Staff.full_name")
    decision: Mapped[Decision] = relationship(foreign_keys=[decision_id])
    revised_to: Mapped[Decision | None] = relationship(foreign_keys=[revised_to_id],
                                                       viewonly=True)
    recorded_by: Mapped[Staff] = relationship()

    @property
    def service_user_id(self) -> uuid.UUID:
        """The user this review concerns (through its decision)."""
        return self.decision.service_user_id

    @property
    def participant_ids(self) -> list[int]:
        """Staff ids of the participants, in ascending order."""
        return sorted(p.id for p in self.participants)
