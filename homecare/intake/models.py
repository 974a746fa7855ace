"""A referral: a person the team has been asked to help, before and as services start."""

from __future__ import annotations

import enum
import uuid
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from homecare.core.extensions import db
from homecare.core.model_base import CareRecordMixin, VersionedMixin, str_enum
from homecare.org.models import Staff, Team

#: Text limits, shared by the table, the schema, the form and the service.
NAME_LENGTH = 200
NEED_LENGTH = 1000
REASON_LENGTH = 300


class ReferralSource(enum.StrEnum):
    """Who asked for help."""

    HOSPITAL = "hospital"
    GP = "gp"
    NEXT_OF_KIN = "next_of_kin"
    USER = "user"
    OTHER = "other"


class Urgency(enum.StrEnum):
    """How soon the team must assess."""

    ROUTINE = "routine"
    URGENT = "urgent"


class Referral(CareRecordMixin, VersionedMixin, db.Model):
    """A request for home care received by a team: who referred, the need in brief, how
    urgent; then when it was assessed and by whom, and the service user it became (or
    why it was closed without services).

    The later steps (contact named, "what matters" asked, goals, decision) are read from
    the user's own records, so that each fact is kept once.
    """

    __tablename__ = "referrals"
    __table_args__ = (
        sa.Index("ix_referrals_team_received", "team_id", "received_on"),
        sa.CheckConstraint("assessed_on IS NULL OR assessed_on >= received_on",
                           name="assessed_after_received"),
    )

    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id"))
    received_on: Mapped[date]
    source: Mapped[ReferralSource] = mapped_column(str_enum(ReferralSource, "referral_source"))
    #: The unit or person who referred (e.g. "Ullevål, geriatrisk post").
    referred_by: Mapped[str | None] = mapped_column(sa.String(NAME_LENGTH))
    #: The person referred, until they have a service user record.
    person_name: Mapped[str] = mapped_column(sa.String(NAME_LENGTH))
    need: Mapped[str] = mapped_column(sa.String(NEED_LENGTH))
    urgency: Mapped[Urgency] = mapped_column(str_enum(Urgency, "referral_urgency"),
                                             default=Urgency.ROUTINE)
    assessed_on: Mapped[date | None]
    assessed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id"))
    service_user_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("service_users.id"), unique=True)
    closed_on: Mapped[date | None]
    closed_reason: Mapped[str | None] = mapped_column(sa.String(REASON_LENGTH))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("staff.id"))

    team: Mapped[Team] = relationship()
    assessed_by: Mapped[Staff | None] = relationship(foreign_keys=[assessed_by_id])
