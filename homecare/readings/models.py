"""A team's comment on one indicator for one week, or a leader's answer to one."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from homecare.core.extensions import db
from homecare.core.timeutil import utcnow
from homecare.org.models import Staff

#: The longest comment: a few sentences, what the number means here and what we will do.
MAX_READING_LENGTH = 600


class IndicatorReading(db.Model):
    """What the team reads in one indicator's figure for the week of ``week`` (the Monday
    of the weekly snapshot it belongs to), or the section leader's question to the team
    about it (``question``); with ``answers_id``, an answer to one of those.

    Kept as written: a reading is part of the conversation between the team and its
    leader, so it is neither edited nor deleted.
    """

    __tablename__ = "indicator_readings"
    __table_args__ = (
        sa.Index("ix_indicator_readings_team_week", "team_id", "week"),
        sa.CheckConstraint(f"length(text) <= {MAX_READING_LENGTH}", name="text_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id"))
    indicator: Mapped[str] = mapped_column(sa.String(40))
    week: Mapped[date]
    text: Mapped[str] = mapped_column(sa.String(MAX_READING_LENGTH))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("staff.id"))
    written_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The comment this answers (a leader's answer, or the team's reply to it).
    answers_id: Mapped[int | None] = mapped_column(sa.ForeignKey("indicator_readings.id"))
    #: The first message of a thread is the leader's question to the team, not the
    #: team's own reading (as written: the author's role may change later).
    question: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    author: Mapped[Staff] = relationship(lazy="joined")
