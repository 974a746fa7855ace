"""Recording team decisions (vedtak)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flask_babel import gettext as _

from homecare.core.database import save
from homecare.core.extensions import db
from homecare.core.validation import FieldErrors, refuse_unknown
from homecare.decisions.models import Decision, DecisionStatus
from homecare.org.models import TEAM_ROLES, Staff
from homecare.service_users.models import ServiceUser

#: Fields a decision update may change.
EDITABLE_FIELDS = frozenset({"decided_on", "participants", "user_participated", "goal_statement",
                             "services", "reasons", "valid_from", "valid_to", "review_on",
                             "status"})


def _check_decision(errors: FieldErrors, user: ServiceUser, values: dict) -> None:
    for field in ("goal_statement", "services", "reasons"):
        errors.text(field, values[field], max_length=4000)
    participants = values["participants"]
    errors.require(bool(participants), "participants",
                   _("Name the team members who took part."))
    errors.require(all(p.role in TEAM_ROLES and user.team_id in p.team_ids for p in participants),
                   "participants", _("Participants must be members of the user's team."))
    if values["valid_to"] is not None and values["valid_to"] < values["valid_from"]:
        errors.add("valid_to", _("The decision cannot end before it takes effect."))
    errors.require(values["review_on"] >= values["valid_from"], "review_on",
                   _("The review date cannot be before the decision takes effect."))
    values["status"] = errors.choice(DecisionStatus, "status", values["status"],
                                     _("Choose in force or revoked."))


def record_decision(*, user: ServiceUser, created_by: Staff, decided_on: date,
                    participants: Sequence[Staff], user_participated: bool, goal_statement: str,
                    services: str, reasons: str, valid_from: date, review_on: date,
                    valid_to: date | None = None,
                    status: DecisionStatus | str = DecisionStatus.IN_FORCE) -> Decision:
    """A decision made in the team with the user: a goal for the user, the services in
    broad terms, and the reasons, so that the team's discretion can be reviewed."""
    values = {"decided_on": decided_on, "participants": list(dict.fromkeys(participants)),
              "user_participated": user_participated, "goal_statement": goal_statement,
              "services": services, "reasons": reasons, "valid_from": valid_from,
              "valid_to": valid_to, "review_on": review_on, "status": status}
    errors = FieldErrors()
    _check_decision(errors, user, values)
    errors.raise_if_any()
    for field in ("goal_statement", "services", "reasons"):
        values[field] = values[field].strip()
    decision = Decision(service_user=user, created_by_id=created_by.id, **values)
    return save(decision)


def update_decision(decision: Decision, **changes) -> Decision:
    """Change a decision (e.g. revoke it, set a new review date), re-checking every rule."""
    refuse_unknown(changes, EDITABLE_FIELDS)
    values = {field: getattr(decision, field) for field in EDITABLE_FIELDS}
    values.update(changes)
    values["participants"] = list(dict.fromkeys(values["participants"]))
    errors = FieldErrors()
    _check_decision(errors, decision.service_user, values)
    errors.raise_if_any()
    for field, value in values.items():
        setattr(decision, field, value.strip() if isinstance(value, str) and field in (
            "goal_statement", "services", "reasons") else value)
    db.session.flush()
    return decision
