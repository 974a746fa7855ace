"""Visits."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from homecare.core.extensions import db
from homecare.core.model_base import CareRecordMixin, VersionedMixin, str_enum
from homecare.core.rules import N_, Bounds
from homecare.org.models import Staff
from homecare.service_users.models import ServiceUser


class VisitKind(enum.StrEnum):
    """A main visit (hovedbesøk) or a short visit."""

    MAIN = "main"
    SHORT = "short"


#: A planned visit lasts from 1 minute to a whole day.
PLANNED_MINUTES = Bounds(1, 1440, N_("Planned duration is %(min)s to %(max)s minutes."))


class VisitStatus(enum.StrEnum):
    """Only completed visits count in any indicator."""

    PLANNED = "planned"
    COMPLETED = "completed"
    MISSED = "missed"
    CANCELLED = "cancelled"


#: A weekly series is planned at most this many weeks ahead (a half year: the plan is
#: reviewed with the user's decision, and a longer one is planned again).
SERIES_MAX_WEEKS = 26


class VisitSeries(CareRecordMixin, db.Model):
    """Visits repeating every week: the same user, staff member, kind, time and length on
    chosen weekdays from ``first_day`` until ``until``. Each occurrence is an ordinary
    ``Visit`` naming its series (and may be moved on its own). Changing "this and all
    following" changes the later planned visits and the series' pattern; each visit keeps
    its own times, and the audit log what they were before.
    """

    __tablename__ = "visit_series"

    service_user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("service_users.id"),
                                                       index=True)
    staff_id: Mapped[int] = mapped_column(sa.ForeignKey("staff.id"))
    kind: Mapped[VisitKind] = mapped_column(str_enum(VisitKind, "visit_kind"))
    #: ISO weekdays, 1 (Monday) to 7 (Sunday), as digits: "135" is Mon, Wed, Fri.
    weekdays: Mapped[str] = mapped_column(sa.String(7))
    #: The local clock time each visit starts.
    start_time: Mapped[time]
    planned_minutes: Mapped[int]
    first_day: Mapped[date]
    until: Mapped[date]
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("staff.id"))

    service_user: Mapped[ServiceUser] = relationship()
    staff: Mapped[Staff] = relationship(foreign_keys=[staff_id])
    #: Its occurrences, in time order (read only: each is changed as a visit).
    visits: Mapped[list[Visit]] = relationship(
        order_by="Visit.planned_start", viewonly=True)

    @property
    def days(self) -> list[int]:
        """The ISO weekdays it repeats on."""
        return [int(d) for d in self.weekdays]


class Visit(CareRecordMixin, VersionedMixin, db.Model):
    """One visit to a user's home by one staff member."""

    __tablename__ = "visits"
    __table_args__ = (
        sa.CheckConstraint(PLANNED_MINUTES.sql("planned_minutes"), name="planned_minutes"),
        sa.CheckConstraint(
            "actual_end IS NULL OR actual_start IS NULL OR actual_end > actual_start",
            name="actual_order",
        ),
        sa.CheckConstraint(
            "status <> 'completed' OR (actual_start IS NOT NULL AND actual_end IS NOT NULL)",
            name="completed_has_times",
        ),
        # The windowed indicators and the contact flag read completed visits in a time
        # range with kind and staff: by user (a section, a user page) or by time (all of
        # Oslo). Both are range scans, index-only on PostgreSQL.
        sa.Index("ix_visits_completed_user_start", "service_user_id", "actual_start",
                 postgresql_include=["kind", "staff_id", "id"],
                 postgresql_where=sa.text("status = 'completed'"),
                 sqlite_where=sa.text("status = 'completed'")),
        sa.Index("ix_visits_completed_start", "actual_start",
                 postgresql_include=["service_user_id", "kind", "staff_id", "id"],
                 postgresql_where=sa.text("status = 'completed'"),
                 sqlite_where=sa.text("status = 'completed'")),
        sa.Index("ix_visits_user_planned_start", "service_user_id", "planned_start"),
        sa.Index("ix_visits_staff_planned_start", "staff_id", "planned_start"),
    )

    service_user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("service_users.id"))
    staff_id: Mapped[int] = mapped_column(sa.ForeignKey("staff.id"))
    kind: Mapped[VisitKind] = mapped_column(str_enum(VisitKind, "visit_kind"))
    planned_start: Mapped[datetime]
    planned_minutes: Mapped[int]
    status: Mapped[VisitStatus] = mapped_column(
        str_enum(VisitStatus, "visit_status"), default=VisitStatus.PLANNED
    )
    actual_start: Mapped[datetime | None]
    actual_end: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(sa.Text)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("staff.id"))
    #: Until when a completed visit's times and note may be corrected, counted from its
    #: end as first recorded and set once, so that a correction cannot extend it (null
    #: for visits completed before it was kept: counted from the current end).
    correctable_until: Mapped[datetime | None]
    #: Why a visit did not take place (given when it is marked missed).
    missed_reason: Mapped[str | None] = mapped_column(sa.Text)
    #: Who marked it missed, and when: they may undo it for a while (``UNDO_MISSED``).
    missed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id"))
    missed_at: Mapped[datetime | None]
    #: The weekly series it was planned in, if any (it is an ordinary visit all the same).
    series_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("visit_series.id"),
                                                        index=True)

    service_user: Mapped[ServiceUser] = relationship()
    staff: Mapped[Staff] = relationship(foreign_keys=[staff_id])


class VisitCorrection(CareRecordMixin, db.Model):
    """What a completed visit said before a correction: the replaced times and note, who
    corrected it and when (``created_at``). The visit itself holds the corrected values."""

    __tablename__ = "visit_corrections"

    visit_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("visits.id"), index=True)
    service_user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("service_users.id"))
    corrected_by_id: Mapped[int] = mapped_column(sa.ForeignKey("staff.id"))
    actual_start: Mapped[datetime | None]
    actual_end: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(sa.Text)


class SettleReason(enum.StrEnum):
    """Why care given offline waits for a coordinator (``visits.care_given``)."""

    #: Cancelled in the office, carried out all the same: stored as carried out.
    CANCELLED = "cancelled"
    #: Marked as not carried out, carried out all the same: stored as carried out.
    MISSED = "missed"
    #: Completed (or corrected) by someone else with other times: both versions kept.
    TWO_VERSIONS = "two_versions"
    #: The user moved to another team meanwhile: stored, and told to the team that gave it.
    MOVED_TEAM = "moved_team"


class Settlement(enum.StrEnum):
    """A coordinator's choice on a ``VisitToSettle``."""

    #: The visit as stored stays; the other version is kept here as it was sent.
    KEPT = "kept"
    #: The version sent from the tablet replaces the stored one (kept as a correction).
    REPLACED = "replaced"
    #: Both took place: the tablet's version becomes a visit of its own.
    BOTH = "both"
    #: Read and accepted as it is stored (a visit carried out after a plan change).
    NOTED = "noted"


class VisitToSettle(CareRecordMixin, db.Model):
    """Care given that met a changed plan: stored, never dropped, and shown at the top of
    the coordinator's board until one of them settles it.

    The id is the one the tablet chose for the queued completion, so that sending it
    again finds it here and stores nothing twice.
    """

    __tablename__ = "visits_to_settle"
    __table_args__ = (sa.Index("ix_visits_to_settle_team_open", "team_id", "settled_at"),)

    visit_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("visits.id"), index=True)
    service_user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("service_users.id"))
    #: The team whose coordinators settle it: the one that served the user when the care
    #: was given (the nurse's team, also after the user moved on).
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id"))
    reason: Mapped[SettleReason] = mapped_column(str_enum(SettleReason, "settle_reason"))
    #: Who gave the care, as the tablet sent it.
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("staff.id"))
    #: The tablet's version, as sent (applied to the visit unless ``TWO_VERSIONS``).
    actual_start: Mapped[datetime]
    actual_end: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(sa.Text)
    #: The visit's status when the tablet's version arrived.
    status_before: Mapped[VisitStatus] = mapped_column(str_enum(VisitStatus, "visit_status"))
    settled_at: Mapped[datetime | None]
    settled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id"))
    settlement: Mapped[Settlement | None] = mapped_column(str_enum(Settlement, "settlement"))

    visit: Mapped[Visit] = relationship()
    service_user: Mapped[ServiceUser] = relationship()
    recorded_by: Mapped[Staff] = relationship(foreign_keys=[recorded_by_id])
