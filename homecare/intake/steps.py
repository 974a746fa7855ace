"""Where each referral and new user stands in the intake the trust model asks for.

Received → assessed → responsible contact named → "what matters to you?" asked → goals set
→ team decision (for services expected to last). Each step has its due date from the
section's settings; the board shows the steps done, the days taken, and the next step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from homecare.core.extensions import db
from homecare.core.timeutil import local_zone
from homecare.decisions.models import Decision
from homecare.goals.models import Goal
from homecare.intake.models import Referral
from homecare.org.models import Team
from homecare.sections.thresholds import ControlSettings
from homecare.service_users.models import ResponsibleContactAssignment, ServiceType, ServiceUser
from homecare.what_matters.models import WhatMattersConversation

#: New users stay on the intake card this many days after their start.
RECENT_DAYS = 28

STEP_NAMES = {
    "assessed": _l("Assessed"),
    "contact": _l("Responsible contact named"),
    "what_matters": _l("\"What matters to you?\" asked"),
    "goals": _l("Goals set"),
    "decision": _l("Team decision"),
}
#: Each step as the thing to do next (a link says what it does).
STEP_ACTIONS = {
    "assessed": _l("Assess the person"),
    "contact": _l("Name the responsible contact"),
    "what_matters": _l("Ask \"What matters to you?\""),
    "goals": _l("Set goals with the user"),
    "decision": _l("Make the team decision"),
}


@dataclass(frozen=True)
class Step:
    """One intake step: when it was done, or when it is due."""

    key: str
    done_on: date | None
    due_on: date | None

    @property
    def name(self) -> str:
        return str(STEP_NAMES[self.key])

    @property
    def action(self) -> str:
        """The step as the thing to do, for a link to it."""
        return str(STEP_ACTIONS[self.key])

    def late(self, today: date) -> bool:
        """Not done and past its due date."""
        return self.done_on is None and self.due_on is not None and today > self.due_on


@dataclass
class IntakeRow:
    """A referral not yet started, or a new user, with its steps."""

    referral: Referral | None
    user: ServiceUser | None
    began_on: date
    steps: list[Step] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.user.full_name if self.user else self.referral.person_name

    def days(self, today: date) -> int:
        """Days since the referral (or the start, without one; 0 before it)."""
        return max(0, (today - self.began_on).days)

    def next_step(self) -> Step | None:
        return next((s for s in self.steps if s.done_on is None), None)

    def next_link(self) -> str | None:
        """Where the next step is done."""
        step = self.next_step()
        if step is None:
            return None
        if step.key == "assessed" or self.user is None:
            return url_for("intake.referral", referral_id=self.referral.id)
        endpoint = {"contact": "service_users_pages.choose_contact",
                    "what_matters": "what_matters_pages.what_matters",
                    "goals": "goals_pages.new_goal",
                    "decision": "decisions_pages.new_decision"}[step.key]
        if step.key == "contact" and not any(s.key == "what_matters" and s.done_on
                                             for s in self.steps):
            # Named, the contact page goes on to the first «what matters» conversation.
            return url_for(endpoint, user_id=self.user.id, then="what_matters")
        return url_for(endpoint, user_id=self.user.id)


def _earliest(column, user_column, user_ids) -> dict:
    return dict(db.session.execute(
        sa.select(user_column, sa.func.min(column)).where(user_column.in_(user_ids))
        .group_by(user_column)).all())


def _local_date(moment) -> date | None:
    return moment.astimezone(local_zone()).date() if moment is not None else None


def _assessed(referral: Referral, settings: ControlSettings) -> Step:
    return Step("assessed", referral.assessed_on,
                referral.received_on + timedelta(days=settings.intake_assess_days))


def _user_steps(user: ServiceUser, referral: Referral | None, facts: dict,
                settings: ControlSettings) -> list[Step]:
    start = user.service_start
    steps = [_assessed(referral, settings)] if referral is not None else []
    steps += [
        Step("contact", _local_date(facts["contact"].get(user.id)),
             start + timedelta(days=settings.intake_contact_days)),
        Step("what_matters", facts["what_matters"].get(user.id),
             start + timedelta(days=settings.intake_what_matters_days)),
        Step("goals", _local_date(facts["goals"].get(user.id)), None),
    ]
    if user.service_type is ServiceType.LONG_TERM:
        steps.append(Step("decision", facts["decision"].get(user.id),
                          start + timedelta(days=settings.intake_decision_days)))
    return steps


def intake_rows(team: Team, today: date, settings: ControlSettings) -> list[IntakeRow]:
    """The team's open referrals and users who started in the last ``RECENT_DAYS`` days
    or are registered to start later, each with its steps, oldest first. Six queries
    whatever the team's size."""
    referrals = list(db.session.scalars(
        sa.select(Referral).where(Referral.team_id == team.id, Referral.closed_on.is_(None),
                                  sa.or_(Referral.service_user_id.is_(None),
                                         Referral.received_on >= today - timedelta(days=90)))))
    users = list(db.session.scalars(
        sa.select(ServiceUser).where(
            ServiceUser.team_id == team.id, ServiceUser.deleted_at.is_(None),
            ServiceUser.service_start >= today - timedelta(days=RECENT_DAYS))))
    ids = [u.id for u in users]
    facts = {
        "contact": _earliest(ResponsibleContactAssignment.valid_from,
                             ResponsibleContactAssignment.service_user_id, ids),
        "what_matters": _earliest(WhatMattersConversation.conversation_date,
                                  WhatMattersConversation.service_user_id, ids),
        "goals": _earliest(Goal.created_at, Goal.service_user_id, ids),
        "decision": _earliest(Decision.decided_on, Decision.service_user_id, ids),
    }
    by_user = {r.service_user_id: r for r in referrals if r.service_user_id}
    rows = [IntakeRow(r, None, r.received_on, [_assessed(r, settings)])
            for r in referrals if r.service_user_id is None]
    for user in users:
        referral = by_user.get(user.id)
        rows.append(IntakeRow(referral, user, referral.received_on if referral
                              else user.service_start,
                              _user_steps(user, referral, facts, settings)))
    return sorted(rows, key=lambda row: row.began_on)


def late_steps(teams: list[Team], today: date,
               settings_by_team: dict[int, ControlSettings]) -> list[dict]:
    """Every late intake step of ``teams`` (``settings_by_team``: each team's section's
    thresholds), oldest due first: the coordinator's reminders."""
    late = []
    for team in teams:
        for row in intake_rows(team, today, settings_by_team[team.id]):
            late += [{"team_id": team.id, "name": row.name, "step": step.key,
                      "step_name": step.name, "due_date": step.due_on,
                      "days_late": (today - step.due_on).days,
                      "referral_id": row.referral.id if row.referral else None,
                      "service_user_id": row.user.id if row.user else None,
                      "link": row.next_link()}
                     for step in row.steps if step.late(today)]
    return sorted(late, key=lambda item: (item["due_date"], item["name"]))
