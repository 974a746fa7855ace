"""The version of each kept page of a day: a refresh fetches only what changed.

A tablet keeps today's page and, for each user on it, their page and forms. Fetching
them all again on every refresh cost a slow connection tens of seconds, most of it
round trips for pages that had not changed. Today's page carries a version for each
user's pages instead (``day_versions``), and the worker fetches only those whose version
differs from the one it kept.

A version is a digest of what a user's pages are drawn from: the latest change and the
count of each of the user's records (a deletion changes a count), the day (due dates
and flags move with it), the reader, their language and the build of the pages. The
names of staff shown are not in it; a page is fetched afresh whenever it is opened with
signal in any case.
"""

from __future__ import annotations

import functools
import hashlib
import uuid
from pathlib import Path

import sqlalchemy as sa
from flask_babel import get_locale

from homecare.core.extensions import db
from homecare.core.timeutil import local_today
from homecare.decisions.models import Decision
from homecare.flags.rules import active_goals_on
from homecare.goals.models import CheckIn, Goal
from homecare.service_users.models import ResponsibleContactAssignment, ServiceUser
from homecare.visits.models import Visit
from homecare.what_matters.models import WhatMattersConversation

#: The records a user's page and forms show, each with its column naming the user.
_DRAWN_FROM = (
    (ServiceUser, ServiceUser.id),
    (Goal, Goal.service_user_id),
    (Visit, Visit.service_user_id),
    (WhatMattersConversation, WhatMattersConversation.service_user_id),
    (Decision, Decision.service_user_id),
    (ResponsibleContactAssignment, ResponsibleContactAssignment.service_user_id),
)


@functools.cache
def build() -> str:
    """A digest of the templates and catalogues the pages are drawn with (once per
    process): a new release changes every version."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted([*root.rglob("templates/**/*.html"), *root.rglob("*.mo")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _changes(model, column, user_ids: list) -> sa.Select:
    return (sa.select(column, sa.func.max(model.updated_at), sa.func.count())
            .where(column.in_(user_ids)).group_by(column))


def day_pages(reader_id: int, user_ids) -> dict[str, list]:
    """For each user on the day, by id: the version of their kept pages and the ids of
    their active goals, whose follow-up forms the worker keeps with the user's page and
    «what matters» form, all at once instead of after the user page. (The worker also
    keeps any other form it finds on a user page.)"""
    versions = day_versions(reader_id, user_ids)
    goals: dict[str, list[str]] = {user_id: [] for user_id in versions}
    query = sa.select(Goal.service_user_id, Goal.id).where(
        Goal.service_user_id.in_(_ids(user_ids)), active_goals_on(local_today())
    ).order_by(Goal.start_date, Goal.created_at)
    for user_id, goal_id in db.session.execute(query):
        goals[str(user_id)].append(str(goal_id))
    return {user_id: [version, goals[user_id]] for user_id, version in versions.items()}


def _ids(user_ids) -> list[uuid.UUID]:
    return sorted({uuid.UUID(str(user_id)) for user_id in user_ids}, key=str)


def day_versions(reader_id: int, user_ids) -> dict[str, str]:
    """A version for each user's kept pages, by user id; one query per kind of record
    however many users."""
    user_ids = _ids(user_ids)
    if not user_ids:
        return {}
    parts: dict = {user_id: [] for user_id in user_ids}
    queries = [_changes(model, column, user_ids) for model, column in _DRAWN_FROM]
    queries.append(sa.select(Goal.service_user_id, sa.func.max(CheckIn.updated_at),
                             sa.func.count()).join(Goal).where(
        Goal.service_user_id.in_(user_ids)).group_by(Goal.service_user_id))
    for index, query in enumerate(queries):
        for user_id, changed, count in db.session.execute(query):
            parts[user_id].append(f"{index}:{changed or ''}:{count}")
    common = f"{build()}|{local_today()}|{get_locale()}|{reader_id}"
    return {str(user_id): hashlib.sha256("|".join([common, *found]).encode())
            .hexdigest()[:20] for user_id, found in parts.items()}
