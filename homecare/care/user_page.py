"""What a service user's page shows, loaded in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from homecare.care.journal import JournalPage, journal
from homecare.core.audit import record_read
from homecare.core.extensions import db
from homecare.core.timeutil import local_today, start_of_local_day
from homecare.decisions.models import Decision, DecisionStatus
from homecare.flags.services import active_goals, annotate_service_users
from homecare.goals.models import Goal
from homecare.goals.services import goals_not_active
from homecare.org.models import Staff
from homecare.service_users.models import ServiceUser
from homecare.visits.models import Visit
from homecare.what_matters.models import WhatMattersConversation

RECENT = 10


@dataclass
class UserPage:
    """Everything on one user's page, newest first where it is a history."""

    user: ServiceUser
    contact: Staff | None
    what_matters: list[WhatMattersConversation]
    goals: list[Goal]
    #: The user's visits today, whoever makes them, by planned time.
    today: list[Visit]
    decision: Decision | None
    #: The newest entries of the user's journal.
    journal: JournalPage
    #: Goals paused or proposed (not followed up), and closed goals with their history.
    waiting_goals: list[Goal] = field(default_factory=list)
    closed_goals: list[Goal] = field(default_factory=list)
    #: The day the page was drawn for.
    day: date | None = None


def responsible_contact(user: ServiceUser) -> Staff | None:
    """The user's responsible contact now, if they have one."""
    annotate_service_users([user])  # sets ``responsible_contact``, the staff id
    return db.session.get(Staff, user.responsible_contact) if user.responsible_contact \
        else None


def latest_conversations(user: ServiceUser, how_many: int) -> list[WhatMattersConversation]:
    """The user's last ``how_many`` «what matters» conversations, newest first."""
    return list(db.session.scalars(
        sa.select(WhatMattersConversation).where(WhatMattersConversation.service_user_id == user.id)
        .order_by(WhatMattersConversation.conversation_date.desc(),
                  WhatMattersConversation.created_at.desc()).limit(how_many)))


def user_page(user: ServiceUser) -> UserPage:
    """What matters and the active goals first, then the visits up to now and check-ins.

    The caller has checked access; the read is logged here, where the data is gathered.
    """
    today = local_today()
    contact = responsible_contact(user)
    conversations = latest_conversations(user, 3)
    goals = active_goals(user, today)
    visits_today = list(db.session.scalars(
        sa.select(Visit).options(joinedload(Visit.staff))
        .where(Visit.service_user_id == user.id,
               Visit.planned_start >= start_of_local_day(today),
               Visit.planned_start < start_of_local_day(today + timedelta(days=1)))
        .order_by(Visit.planned_start)))
    # The version in force first: a revised decision's earlier version is revoked.
    decision = db.session.scalar(
        sa.select(Decision).where(Decision.service_user_id == user.id)
        .options(selectinload(Decision.participants), selectinload(Decision.reviews))
        .order_by((Decision.status == DecisionStatus.IN_FORCE).desc(),
                  Decision.valid_from.desc(), Decision.decided_on.desc(),
                  Decision.created_at.desc()).limit(1))
    waiting, closed = goals_not_active(user)
    linked = {g.what_matters_id for g in goals if g.what_matters_id}
    if linked:   # read once; each goal then finds its conversation without a query
        list(db.session.scalars(sa.select(WhatMattersConversation)
                                .where(WhatMattersConversation.id.in_(linked))))
    record_read(user.id, "user page")
    return UserPage(user, contact, conversations, goals, visits_today, decision,
                    journal(user, size=RECENT), waiting, closed, today)
