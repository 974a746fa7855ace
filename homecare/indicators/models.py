"""Weekly indicator snapshots (a section's settings are in ``sections.models``)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from homecare.core.extensions import db


class IndicatorSnapshot(db.Model):
    """An indicator's value for one team or section on one reference date (unsuppressed;
    suppression is applied for whoever reads it)."""

    __tablename__ = "indicator_snapshots"
    __table_args__ = (
        sa.UniqueConstraint("scope_type", "scope_id", "indicator", "date",
                            name="uq_indicator_snapshots_scope_indicator_date"),
        sa.Index("ix_indicator_snapshots_date", "date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[date]
    #: ``team`` or ``section``.
    scope_type: Mapped[str] = mapped_column(sa.String(10))
    scope_id: Mapped[int]
    #: The section the scope belongs to (for suppression across its teams).
    section_id: Mapped[int] = mapped_column(sa.ForeignKey("sections.id"))
    indicator: Mapped[str] = mapped_column(sa.String(40))
    value: Mapped[float | None]
    n: Mapped[int]
    extras: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    window_days: Mapped[int]
