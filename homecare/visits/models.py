"""Visits."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from homecare.core.model_base import CareRecordMixin, VersionedMixin, str_enum
from homecare.core.rules import N_, Bounds
from homecare.extensions import db
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
