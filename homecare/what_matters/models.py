"""What-matters conversations."""

from __future__ import annotations

import enum
import uuid
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from homecare.core.extensions import db
from homecare.core.model_base import CareRecordMixin
from homecare.org.models import Staff
from homecare.service_users.models import ServiceUser


class Present(enum.StrEnum):
    """Who took part in the conversation besides the staff member who asked."""

    USER = "user"
    NEXT_OF_KIN = "next_of_kin"
    OTHER = "other"


class WhatMattersConversation(CareRecordMixin, db.Model):
    """A «Hva er viktig for deg?» conversation: the starting point for goals and services.

    When the user could not answer themselves, ``spoken_for_by`` says who answered for them.
    """

    __tablename__ = "what_matters"
    __table_args__ = (
        sa.Index("ix_what_matters_user_date", "service_user_id", "conversation_date"),
    )

    service_user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("service_users.id"))
    conversation_date: Mapped[date]
    asked_by_id: Mapped[int] = mapped_column(sa.ForeignKey("staff.id"))
    #: Values of ``Present``, in the order given.
    present: Mapped[list[str]] = mapped_column(sa.JSON)
    #: The answer as the user said it, kept verbatim.
    in_own_words: Mapped[str] = mapped_column(sa.Text)
    #: Name and relation of whoever spoke for the user, when the user could not.
    spoken_for_by: Mapped[str | None] = mapped_column(sa.String(200))
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("staff.id"))

    asked_by: Mapped[Staff] = relationship(foreign_keys=[asked_by_id])
    service_user: Mapped[ServiceUser] = relationship()
