"""The demo's goals through their life and its decisions reviewed (issue 30): some goals
achieved, paused and resumed, or stopped, with why in whose words; long-overdue decisions
reviewed with no change, and one decision per team revised, its earlier version kept.

Its own random generator, so that the rest of the demo is the same as before.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import sqlalchemy as sa

from homecare.core.extensions import db
from homecare.core.timeutil import local_today
from homecare.decisions.models import Decision, DecisionStatus
from homecare.decisions.services import review_decision, revise_decision
from homecare.goals.models import CheckIn, ExpressedBy, Goal, GoalStatus
from homecare.goals.services import change_goal_status
from homecare.org.models import Role, Staff, Team
from homecare.service_users.models import ServiceUser

ACHIEVED_WORDS = ("Nå går jeg til butikken selv hver dag.", "Jeg klarer dusjen alene nå.",
                  "Jeg trenger ikke hjelp til det lenger.", "Det gikk bedre enn jeg trodde.")
PAUSED_WORDS = ("Mor er på sykehus en stund.", "Hun orker ikke akkurat nå, vi tar det opp "
                "igjen etter ferien.")
STOPPED_WORDS = ("Det er ikke viktig for meg lenger.", "Jeg vil heller bruke kreftene på "
                 "barnebarna.")
REVIEW_VIEWS = ("Jeg er fornøyd med hjelpen slik den er.", "Det fungerer, men jeg vil ha "
                "besøket litt senere om morgenen.", None, "Jeg vil klare mer selv.")
REVISED_SERVICES = "Hjemmesykepleie morgen og kveld, trening med fysioterapeut en gang i uken."


def goal_and_decision_life(teams: list[Team], today: date, seed: int) -> dict[str, int]:
    """Give the demo's goals and decisions a history; returns what was written."""
    rng = random.Random(seed + 30)  # noqa: S311 - repeatable demo data, not secrets
    latest = min(today, local_today())   # a change is never dated in the future
    counts = {"goal_status_changes": 0, "decision_reviews": 0, "decisions_revised": 0}
    for team in teams:
        coordinator = next(s for s in team.members if s.role is Role.COORDINATOR)
        counts["goal_status_changes"] += _goals(team, rng, latest)
        reviewed, revised = _decisions(team, coordinator, rng, latest)
        counts["decision_reviews"] += reviewed
        counts["decisions_revised"] += revised
    return counts


def _goals(team: Team, rng: random.Random, latest: date) -> int:
    goals = db.session.scalars(
        sa.select(Goal).join(ServiceUser, ServiceUser.id == Goal.service_user_id)
        .where(ServiceUser.team_id == team.id, ServiceUser.service_end.is_(None),
               Goal.status == GoalStatus.ACTIVE, Goal.start_date <= latest - timedelta(days=40))
        .order_by(ServiceUser.full_name, Goal.start_date, Goal.id)).all()
    made = 0
    for goal in goals:
        contact = db.session.get(Staff, goal.created_by_id)
        last = db.session.scalar(sa.select(sa.func.max(CheckIn.date))
                                 .where(CheckIn.goal_id == goal.id)) or goal.start_date
        kin = ExpressedBy.NEXT_OF_KIN if goal.service_user.needs_proxy else ExpressedBy.USER
        roll = rng.random()
        if roll < 0.10:
            on = min(latest, last + timedelta(days=rng.randint(0, 7)))
            _change(goal, GoalStatus.ACHIEVED, on, rng.choice(ACHIEVED_WORDS), kin, contact)
            made += 1
        elif roll < 0.15:
            paused = min(latest - timedelta(days=14), last + timedelta(days=rng.randint(1, 10)))
            paused = max(paused, goal.start_date)
            _change(goal, GoalStatus.ON_HOLD, paused, rng.choice(PAUSED_WORDS),
                    ExpressedBy.NEXT_OF_KIN, contact)
            resumed = min(latest, paused + timedelta(days=rng.randint(7, 21)))
            _change(goal, GoalStatus.ACTIVE, resumed, None, None, contact)
            made += 2
        elif roll < 0.18:
            on = min(latest, last + timedelta(days=rng.randint(1, 10)))
            _change(goal, GoalStatus.CANCELLED, on, rng.choice(STOPPED_WORDS), kin, contact)
            made += 1
    return made


def _change(goal: Goal, status: GoalStatus, on: date, reason, reason_by, staff: Staff) -> None:
    change_goal_status(goal, status, on, reason=reason, reason_by=reason_by, recorded_by=staff)


def _decisions(team: Team, coordinator, rng: random.Random, latest: date) -> tuple[int, int]:
    """Reviews of every decision more than 30 days overdue, until it is current (a few
    overdue by less stay, for the board); then one decision of the team revised."""
    decisions = db.session.scalars(
        sa.select(Decision).join(ServiceUser, ServiceUser.id == Decision.service_user_id)
        .where(ServiceUser.team_id == team.id, ServiceUser.service_end.is_(None),
               Decision.status == DecisionStatus.IN_FORCE)
        .order_by(ServiceUser.full_name, Decision.decided_on)).all()
    reviewed = 0
    for decision in decisions:
        if decision.review_on >= latest - timedelta(days=30):
            continue
        while decision.review_on < latest:
            day = min(latest, decision.review_on + timedelta(days=rng.randint(0, 10)))
            others = [p for p in decision.participants if p.id != coordinator.id][:1]
            review_decision(decision, recorded_by=coordinator, reviewed_on=day,
                            participants=[coordinator, *others],
                            user_participated=rng.random() < 0.85,
                            user_view=rng.choice(REVIEW_VIEWS),
                            next_review_on=day + timedelta(days=182))
            reviewed += 1
    revised = 0
    chosen = next((d for d in decisions if d.reviews and d.decided_on < latest - timedelta(
        days=60)), None)
    if chosen is not None:
        day = latest   # after its last review
        revise_decision(chosen, recorded_by=coordinator, decided_on=day,
                        participants=[coordinator, *chosen.participants[:1]],
                        user_participated=True, goal_statement=chosen.goal_statement,
                        services=REVISED_SERVICES,
                        reasons=chosen.reasons + " Behovet har økt etter et fall i høst.",
                        valid_from=day, review_on=day + timedelta(days=91),
                        user_view="Jeg vil fortsatt bo hjemme, med litt mer hjelp.",
                        disagreement="Sønnen mener det trengs mer hjelp om natten; "
                                     "brukeren vil ikke det nå.")
        revised = 1
    return reviewed, revised
