"""The coordinator's team board: every user of the team with what needs attention."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from homecare.core.audit import record_reads
from homecare.core.extensions import db
from homecare.core.timeutil import local_today
from homecare.flags.services import user_flags
from homecare.org.models import Staff, Team
from homecare.service_users.models import ServiceUser
from homecare.service_users.services import team_users


@dataclass(frozen=True)
class BoardRow:
    """One user on the board."""

    user: ServiceUser
    contact: Staff | None
    flags: list[str]


def team_board(team: Team, flag: str | None = None) -> list[BoardRow]:
    """Every active user of the team with their flags (optionally only those with ``flag``).

    Four queries whatever the team's size; every user shown is logged as read.
    """
    today = local_today()
    users = team_users(team, today)
    flags, contacts = user_flags([u.id for u in users], day=today)
    staff = {s.id: s for s in db.session.scalars(
        sa.select(Staff).where(Staff.id.in_(set(contacts.values()))))}
    rows = [BoardRow(u, staff.get(contacts.get(u.id)), flags.get(u.id, [])) for u in users]
    if flag:
        rows = [row for row in rows if flag in row.flags]
    record_reads([row.user.id for row in rows], "team board")
    return rows
