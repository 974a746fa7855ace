"""Finding the names of the team's users in a comment, which the leader will read.

A comment is about the team's numbers, never about one person. A user's full name (their
first and last name side by side) is refused; a single word that is also a user's name
is only a warning, since many Norwegian names are ordinary words too ("Per", "Liv").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

import sqlalchemy as sa

from homecare.extensions import db
from homecare.org.models import Team
from homecare.service_users.models import ServiceUser, TeamPeriod

_WORD = re.compile(r"\w+", re.UNICODE)


def words(text: str) -> list[str]:
    """The words of ``text``, case-folded (letters and digits, hyphens split)."""
    return [w.casefold() for w in _WORD.findall(text or "")]


@dataclass(frozen=True)
class NamesFound:
    """Full names found in a text, and single words that are also someone's name."""

    full: list[str]
    parts: list[str]


def _team_names(team: Team) -> list[list[str]]:
    """The words of each name of a user who belongs or belonged to ``team``."""
    names = db.session.scalars(
        sa.select(ServiceUser.full_name).distinct()
        .join(TeamPeriod, TeamPeriod.service_user_id == ServiceUser.id)
        .where(TeamPeriod.team_id == team.id, ServiceUser.deleted_at.is_(None)))
    return [parts for parts in (words(name) for name in names) if parts]


def names_in(text: str, team: Team) -> NamesFound:
    """The names of ``team``'s users (now or before) that ``text`` contains."""
    said = words(text)
    pairs = set(pairwise(said))
    full, parts = [], []
    for name in _team_names(team):
        if len(name) >= 2 and ((name[0], name[-1]) in pairs or
                               any(said[i:i + len(name)] == name for i in range(len(said)))):
            full.append(" ".join(name))
        parts += [part for part in name if len(part) > 1 and part in said]
    return NamesFound(sorted(set(full)), sorted(set(parts)))
