"""Goals and check-ins."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from homecare.core.extensions import db
from homecare.core.model_base import CareRecordMixin, VersionedMixin, str_enum
from homecare.core.rules import N_, Bounds
from homecare.org.models import Staff
from homecare.service_users.models import ServiceUser
from homecare.what_matters.models import WhatMattersConversation


class GoalStatus(enum.StrEnum):
    """Where a goal stands; the last three close it (``closed_on`` is then set)."""

    PROPOSED = "proposed"
    ACTIVE = "active"
    ON_HOLD = "on_hold"
    ACHIEVED = "achieved"
    NOT_ACHIEVED = "not_achieved"
    CANCELLED = "cancelled"


CLOSED_STATUSES = frozenset({GoalStatus.ACHIEVED, GoalStatus.NOT_ACHIEVED, GoalStatus.CANCELLED})


class ExpressedBy(enum.StrEnum):
    """Whose goal it is: recording this keeps the user's own voice visible."""

    USER = "user"
    NEXT_OF_KIN = "next_of_kin"
    STAFF = "staff"


class Answer(enum.StrEnum):
    """The user's answer to each of the three evaluation questions."""

    YES = "yes"
    PARTLY = "partly"
    NO = "no"
    NOT_ASKED = "not_asked"


class AnsweredBy(enum.StrEnum):
    """Whose voice a follow-up records: the user's, a next of kin's speaking for them, or
    nobody's (the user could not answer, and why is written down)."""

    USER = "user"
    NEXT_OF_KIN = "next_of_kin"
    COULD_NOT_ANSWER = "could_not_answer"


_CLOSED_SQL = ", ".join(f"'{s.value}'" for s in sorted(CLOSED_STATUSES))
#: How often a goal is followed up, in days.
CHECKIN_INTERVAL = Bounds(7, 182, N_("Follow up every %(min)s to %(max)s days."))
#: A self-rating of performance or satisfaction (COPM-style).
RATING = Bounds(1, 10, N_("A rating is a whole number from %(min)s to %(max)s."))


def _optional_rating(column: str) -> str:
    return f"{column} IS NULL OR {RATING.sql(column)}"


class Goal(CareRecordMixin, VersionedMixin, db.Model):
    """A goal for the user, in the user's own words, followed up every ``checkin_interval_days``."""

    __tablename__ = "goals"
    __table_args__ = (
        sa.CheckConstraint(
            f"(status IN ({_CLOSED_SQL})) = (closed_on IS NOT NULL)", name="closed_on_matches"
        ),
        sa.CheckConstraint(CHECKIN_INTERVAL.sql("checkin_interval_days"), name="interval_range"),
        sa.CheckConstraint(_optional_rating("baseline_performance"),
                           name="baseline_performance_range"),
        sa.CheckConstraint(_optional_rating("baseline_satisfaction"),
                           name="baseline_satisfaction_range"),
        sa.Index("ix_goals_user_status", "service_user_id", "status"),
    )

    service_user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("service_users.id"))
    what_matters_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("what_matters.id"))
    #: The user's own words, 1..1000 characters, kept verbatim.
    description: Mapped[str] = mapped_column(sa.Text)
    expressed_by: Mapped[ExpressedBy] = mapped_column(str_enum(ExpressedBy, "expressed_by"))
    start_date: Mapped[dt.date]
    checkin_interval_days: Mapped[int] = mapped_column(default=28)
    #: The user's own rating at the start, 1..10 (10 = does it as well as they wish).
    baseline_performance: Mapped[int | None]
    baseline_satisfaction: Mapped[int | None]
    status: Mapped[GoalStatus] = mapped_column(
        str_enum(GoalStatus, "goal_status"), default=GoalStatus.ACTIVE
    )
    #: Set when the goal becomes achieved, not achieved or cancelled.
    closed_on: Mapped[dt.date | None]
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("staff.id"))

    service_user: Mapped[ServiceUser] = relationship()
    #: The "what matters" conversation the goal came from, if one is named.
    what_matters: Mapped[WhatMattersConversation | None] = relationship(viewonly=True)
    #: How the goal's status changed, oldest first (read-only: ``change_goal_status``).
    status_changes: Mapped[list[GoalStatusChange]] = relationship(
        order_by="(GoalStatusChange.changed_on, GoalStatusChange.created_at)", viewonly=True)
    #: Read-only: a check-in is recorded by naming its goal, which does not then touch
    #: this list. (A run of check-ins is saved without the unit of work, by
    #: ``core.writes.save_new``; were the list written through, a goal loaded with it
    #: would cascade those check-ins into the session and insert them a second time.)
    check_ins: Mapped[list[CheckIn]] = relationship(
        order_by="CheckIn.date.desc()", viewonly=True
    )


class CheckIn(CareRecordMixin, db.Model):
    """A follow-up evaluation of one goal: new self-ratings and the user's own evaluation."""

    __tablename__ = "check_ins"
    __table_args__ = (
        sa.CheckConstraint(_optional_rating("performance"), name="performance"),
        sa.CheckConstraint(_optional_rating("satisfaction"), name="satisfaction"),
        sa.CheckConstraint("answered_by IS NULL OR answered_by <> 'could_not_answer' "
                           "OR not_answered_reason IS NOT NULL", name="reason_given"),
        sa.Index("ix_check_ins_goal_date", "goal_id", "date"),
    )

    goal_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("goals.id"))
    date: Mapped[dt.date]
    performance: Mapped[int | None]
    satisfaction: Mapped[int | None]
    note: Mapped[str | None] = mapped_column(sa.Text)
    #: «Fikk du den hjelpen du forventet?»
    got_expected_help: Mapped[Answer] = mapped_column(str_enum(Answer, "got_expected_help"))
    #: «Fikk du påvirke hjelpen?»
    could_influence: Mapped[Answer] = mapped_column(str_enum(Answer, "could_influence"))
    #: «Er du fornøyd med hjelpen?»
    satisfied: Mapped[Answer] = mapped_column(str_enum(Answer, "satisfied"))
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("staff.id"))
    #: Who answered (null on follow-ups recorded before this was asked).
    answered_by: Mapped[AnsweredBy | None] = mapped_column(str_enum(AnsweredBy, "answered_by"))
    #: The registered next of kin who spoke for the user, while they are registered.
    spoken_for_by_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("next_of_kin.id", ondelete="SET NULL"))
    #: Their name and relation as they were, kept if the next of kin is later removed.
    spoken_for_by: Mapped[str | None] = mapped_column(sa.String(320))
    #: Why the user could not answer (``AnsweredBy.COULD_NOT_ANSWER``).
    not_answered_reason: Mapped[str | None] = mapped_column(sa.Text)

    goal: Mapped[Goal] = relationship()

    @property
    def service_user_id(self) -> uuid.UUID:
        """The user this check-in concerns (through its goal)."""
        return self.goal.service_user_id


class GoalStatusChange(CareRecordMixin, db.Model):
    """One change of a goal's status (achieved, paused, stopped, resumed...): the day,
    and why, in the words of whoever gave them (the user's where they gave them)."""

    __tablename__ = "goal_status_changes"
    __table_args__ = (
        sa.CheckConstraint("reason IS NULL OR reason_by IS NOT NULL", name="whose_reason"),
        sa.Index("ix_goal_status_changes_goal", "goal_id", "changed_on"),
    )

    goal_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("goals.id"))
    from_status: Mapped[GoalStatus] = mapped_column(str_enum(GoalStatus, "from_status"))
    to_status: Mapped[GoalStatus] = mapped_column(str_enum(GoalStatus, "to_status"))
    changed_on: Mapped[dt.date]
    #: Why, kept verbatim; null where nobody said.
    reason: Mapped[str | None] = mapped_column(sa.Text)
    #: Whose words the reason is.
    reason_by: Mapped[ExpressedBy | None] = mapped_column(str_enum(ExpressedBy, "reason_by"))
    #: Who recorded it (null: recorded by the system, e.g. when a service ended).
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id"))

    goal: Mapped[Goal] = relationship()
    recorded_by: Mapped[Staff | None] = relationship()

    @property
    def service_user_id(self) -> uuid.UUID:
        """The user this change concerns (through its goal)."""
        return self.goal.service_user_id
