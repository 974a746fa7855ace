"""Recording team decisions (vedtak)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flask_babel import gettext as _

from homecare.core.validation import FieldErrors
from homecare.decisions.models import Decision, DecisionStatus
from homecare.extensions import db
from homecare.org.models import TEAM_ROLES, Staff
from homecare.service_users.models import ServiceUser


def record_decision(*, user: ServiceUser, created_by: Staff, decided_on: date,
                    participants: Sequence[Staff], user_participated: bool, goal_statement: str,
                    services: str, reasons: str, valid_from: date, review_on: date,
                    valid_to: date | None = None) -> Decision:
    """A decision made in the team with the user: a goal for the user, the services in
    broad terms, and the reasons, so that the team's discretion can be reviewed."""
    errors = FieldErrors()
    errors.text("goal_statement", goal_statement, max_length=4000)
    errors.text("services", services, max_length=4000)
    errors.text("reasons", reasons, max_length=4000)
    errors.require(bool(participants), "participants",
                   _("Name the team members who took part."))
    errors.require(all(p.role in TEAM_ROLES and user.team_id in p.team_ids for p in participants),
                   "participants", _("Participants must be members of the user's team."))
    if valid_to is not None and valid_to < valid_from:
        errors.add("valid_to", _("The decision cannot end before it takes effect."))
    errors.require(review_on >= valid_from, "review_on",
                   _("The review date cannot be before the decision takes effect."))
    errors.raise_if_any()
    decision = Decision(
        service_user=user, decided_on=decided_on, participants=list(dict.fromkeys(participants)),
        user_participated=user_participated, goal_statement=goal_statement.strip(),
        services=services.strip(), reasons=reasons.strip(), valid_from=valid_from,
        valid_to=valid_to, review_on=review_on, status=DecisionStatus.IN_FORCE,
        created_by_id=created_by.id,
    )
    db.session.add(decision)
    db.session.flush()
    return decision
