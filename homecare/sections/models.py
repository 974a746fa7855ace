"""A section's settings and every change made to them."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from homecare.core.extensions import db
from homecare.core.timeutil import utcnow
from homecare.indicators.definitions import DEFAULT_DASHBOARD
from homecare.sections.thresholds import DEFAULT_SETTINGS, SETTING_BOUNDS


def _with_default(field: str) -> dict:
    """A threshold's default, also on the server (rows saved before it existed get it)."""
    value = getattr(DEFAULT_SETTINGS, field)
    return {"default": value, "server_default": str(value)}


class SectionSettings(db.Model):
    """What a section measures and the thresholds it uses (absent row: the defaults)."""

    __tablename__ = "section_settings"
    __table_args__ = (
        *(sa.CheckConstraint(bounds.sql(field), name=field)
          for field, bounds in SETTING_BOUNDS.items()),
    )

    section_id: Mapped[int] = mapped_column(sa.ForeignKey("sections.id"), primary_key=True)
    #: Indicator ids on the dashboard, at most six, in display order.
    dashboard_indicators: Mapped[list[str]] = mapped_column(
        sa.JSON, default=lambda: list(DEFAULT_DASHBOARD))
    contact_every_n: Mapped[int] = mapped_column(default=DEFAULT_SETTINGS.contact_every_n)
    caseload_cap: Mapped[int] = mapped_column(default=DEFAULT_SETTINGS.caseload_cap)
    followup_grace_days: Mapped[int] = mapped_column(
        default=DEFAULT_SETTINGS.followup_grace_days)
    intake_assess_days: Mapped[int] = mapped_column(**_with_default("intake_assess_days"))
    intake_contact_days: Mapped[int] = mapped_column(**_with_default("intake_contact_days"))
    intake_what_matters_days: Mapped[int] = mapped_column(
        **_with_default("intake_what_matters_days"))
    intake_decision_days: Mapped[int] = mapped_column(**_with_default("intake_decision_days"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SettingsChange(db.Model):
    """One change to a section's settings: who, when, and each field's old and new value.

    Shown to the section's coordinators: what is measured, and who decided it.
    """

    __tablename__ = "section_settings_changes"
    __table_args__ = (sa.Index("ix_section_settings_changes_section_at", "section_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(sa.ForeignKey("sections.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id"))
    #: field -> [old, new]
    changes: Mapped[dict] = mapped_column(sa.JSON)
