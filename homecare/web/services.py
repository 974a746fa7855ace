"""What the start page shows each role: only what the access policy lets them see."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from homecare.core.extensions import db
from homecare.core.timeutil import local_today
from homecare.org.models import Role, Section, Staff, Team
from homecare.policy.access import Action, permits, visible_service_users
from homecare.service_users.models import ServiceUser


@dataclass(frozen=True)
class TeamSummary:
    """A team and how many of its users are active today."""

    team: Team
    active_users: int


def _active_users_per_team(team_ids: list[int], where: sa.ColumnElement[bool]) -> dict[int, int]:
    today = local_today()
    rows = db.session.execute(
        sa.select(ServiceUser.team_id, sa.func.count())
        .where(
            ServiceUser.team_id.in_(team_ids),
            where,
            ServiceUser.is_active_on(today),
        )
        .group_by(ServiceUser.team_id)
    )
    return dict(rows.all())


def teams_overview(actor: Staff) -> list[TeamSummary]:
    """The teams the actor works in or leads, with active user counts, in one query.

    Staff and coordinators count only users they may see; leaders and admins get counts
    of users (an aggregate), never the users themselves.
    """
    if actor.role is Role.ADMIN:
        teams = list(db.session.scalars(sa.select(Team).order_by(Team.name)))
    elif actor.role is Role.SECTION_LEADER:
        teams = list(actor.section.teams) if actor.section else []
    else:
        teams = list(actor.teams)
    teams = [team for team in teams if permits(actor, Action.VIEW, team)]
    if actor.role in (Role.ADMIN, Role.SECTION_LEADER):
        where = ServiceUser.deleted_at.is_(None)
    else:
        where = visible_service_users(actor)
    counts = _active_users_per_team([t.id for t in teams], where) if teams else {}
    return [TeamSummary(team, counts.get(team.id, 0)) for team in teams]


def sections_overview(actor: Staff) -> list[Section]:
    """Sections the actor may view (admins: all; leaders: their own)."""
    sections = db.session.scalars(sa.select(Section).order_by(Section.name))
    return [s for s in sections if permits(actor, Action.VIEW, s)]
