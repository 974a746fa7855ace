"""Finding the names of the team's users in a comment, which the leader will read.

A comment is about the team's numbers, never about one person. A user's full name (their
first and last name side by side) is refused; a single word that is also a user's name
is only a warning, since many Norwegian names are ordinary words too ("Per", "Liv").
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from itertools import pairwise

import sqlalchemy as sa

from homecare.core.extensions import db
from homecare.org.models import Team
from homecare.service_users.models import ServiceUser, TeamPeriod

_WORD = re.compile(r"\w+", re.UNICODE)


def words(text: str) -> list[str]:
    """The words of ``text``, case-folded (letters and digits, hyphens split)."""
    return [w.casefold() for w in _WORD.findall(text or "")]


@dataclass(frozen=True)
class NamesFound:
    """Who a text names: the users whose full name it holds, and whether a word of it is
    also someone's name. Nothing here is ever shown back: the author is told that the
    text names someone, not whom (the text is about numbers, and the same check must
    not become a way to look names up)."""

    named: list[uuid.UUID]
    has_name_word: bool


def _team_names(team: Team) -> list[tuple[uuid.UUID, list[str]]]:
    """Each user who belongs or belonged to ``team``, with the words of their name."""
    rows = db.session.execute(
        sa.select(ServiceUser.id, ServiceUser.full_name).distinct()
        .join(TeamPeriod, TeamPeriod.service_user_id == ServiceUser.id)
        .where(TeamPeriod.team_id == team.id, ServiceUser.deleted_at.is_(None)))
    return [(user_id, parts) for user_id, name in rows if (parts := words(name))]


def names_in(text: str, team: Team) -> NamesFound:
    """Which of ``team``'s users (now or before) ``text`` names."""
    said = words(text)
    pairs = set(pairwise(said))
    named, name_word = [], False
    for user_id, name in _team_names(team):
        if len(name) >= 2 and ((name[0], name[-1]) in pairs or
                               any(said[i:i + len(name)] == name for i in range(len(said)))):
            named.append(user_id)
        name_word = name_word or any(len(part) > 1 and part in said for part in name)
    return NamesFound(sorted(set(named)), name_word)
