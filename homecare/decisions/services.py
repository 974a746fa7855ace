"""Recording team decisions (vedtak), and reviewing them: kept as they are, revised into a
new version (the earlier one kept, revoked), or ended."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _

from homecare.core.database import save
from homecare.core.extensions import db
from homecare.core.timeutil import local_today
from homecare.core.validation import FieldErrors, refuse_unknown
from homecare.decisions.models import Decision, DecisionReview, DecisionStatus, ReviewOutcome
from homecare.org.models import TEAM_ROLES, Staff
from homecare.service_users.models import ServiceUser

#: Fields a decision update may change.
EDITABLE_FIELDS = frozenset({"decided_on", "participants", "user_participated", "goal_statement",
                             "services", "reasons", "valid_from", "valid_to", "review_on",
                             "status", "user_view", "disagreement"})
#: The decision's texts, kept as written (trimmed).
TEXTS = ("goal_statement", "services", "reasons")
#: The user's own view and any disagreement: optional, kept as written.
VOICES = ("user_view", "disagreement")


def _check_participants(errors: FieldErrors, user: ServiceUser, participants) -> None:
    errors.require(bool(participants), "participants",
                   _("Name the team members who took part."))
    errors.require(all(p.role in TEAM_ROLES and user.team_id in p.team_ids for p in participants),
                   "participants", _("Participants must be members of the user's team."))


def _check_voices(errors: FieldErrors, values: dict) -> None:
    """The user's view and any disagreement: optional texts, blank is none."""
    for field in VOICES:
        errors.text(field, values.get(field), max_length=4000, required=False)
        values[field] = (values.get(field) or "").strip() or None


def _check_user_participated(errors: FieldErrors, value) -> None:
    errors.require(isinstance(value, bool), "user_participated",
                   _("Say whether the user took part: yes or no."))


def _check_decision(errors: FieldErrors, user: ServiceUser, values: dict) -> None:
    for field in TEXTS:
        errors.text(field, values[field], max_length=4000)
    _check_participants(errors, user, values["participants"])
    _check_user_participated(errors, values["user_participated"])
    _check_voices(errors, values)
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
                    status: DecisionStatus | str = DecisionStatus.IN_FORCE,
                    user_view: str | None = None, disagreement: str | None = None) -> Decision:
    """A decision made in the team with the user: a goal for the user, the services in
    broad terms, and the reasons, so that the team's discretion can be reviewed; with the
    user's own view and any disagreement, in their words."""
    values = {"decided_on": decided_on, "participants": list(dict.fromkeys(participants)),
              "user_participated": user_participated, "goal_statement": goal_statement,
              "services": services, "reasons": reasons, "valid_from": valid_from,
              "valid_to": valid_to, "review_on": review_on, "status": status,
              "user_view": user_view, "disagreement": disagreement}
    errors = FieldErrors()
    _check_decision(errors, user, values)
    errors.raise_if_any()
    for field in TEXTS:
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
    if decision.superseded_by is not None and values["status"] is DecisionStatus.IN_FORCE:
        errors.add("status", _("This version was replaced by a revised one on %(day)s: "
                               "review that one.",
                               day=format_date(decision.superseded_by.decided_on)))
    errors.raise_if_any()
    for field, value in values.items():
        setattr(decision, field, value.strip() if isinstance(value, str) and field in TEXTS
                else value)
    db.session.flush()
    return decision


def _check_current(errors: FieldErrors, decision: Decision) -> None:
    """Only the decision in force now is reviewed, revised or ended."""
    if decision.superseded_by is not None:
        errors.add("decision", _("This version was replaced by a revised one on %(day)s: "
                                 "review that one.",
                                 day=format_date(decision.superseded_by.decided_on)))
    elif decision.status is DecisionStatus.REVOKED:
        errors.add("decision", _("This decision was revoked: there is nothing to review."))
    elif decision.valid_to is not None and decision.valid_to < local_today():
        errors.add("decision", _("This decision ended on %(day)s.",
                                 day=format_date(decision.valid_to)))


def _check_review_day(errors: FieldErrors, decision: Decision, day: date, field: str) -> None:
    errors.require(day <= local_today(), field, _("A review cannot be dated in the future."))
    errors.require(day >= decision.decided_on, field,
                   _("A review cannot be dated before the decision (%(day)s).",
                     day=format_date(decision.decided_on)))


def _review(decision: Decision, outcome: ReviewOutcome, recorded_by: Staff, participants,
            values: dict, **fields) -> DecisionReview:
    review = DecisionReview(decision=decision, outcome=outcome, recorded_by_id=recorded_by.id,
                            participants=list(participants),
                            user_participated=values["user_participated"],
                            user_view=values["user_view"],
                            disagreement=values["disagreement"], **fields)
    db.session.add(review)
    return review



def _checked_meeting(errors: FieldErrors, decision: Decision, participants: Sequence[Staff],
                     user_participated: bool, user_view: str | None,
                     disagreement: str | None) -> tuple[list[Staff], dict]:
    """What a review and an end both check: the decision still in force, who took part
    (each once, of the user's team), whether the user did, and their own words."""
    _check_current(errors, decision)
    participants = list(dict.fromkeys(participants))
    values = {"user_participated": user_participated, "user_view": user_view,
              "disagreement": disagreement}
    _check_participants(errors, decision.service_user, participants)
    _check_user_participated(errors, user_participated)
    _check_voices(errors, values)
    return participants, values

def review_decision(decision: Decision, *, recorded_by: Staff, reviewed_on: date,
                    participants: Sequence[Staff], user_participated: bool,
                    next_review_on: date, user_view: str | None = None,
                    disagreement: str | None = None) -> DecisionReview:
    """"Reviewed — no change": the decision stays as it is until ``next_review_on``; who
    took part, the user's view and any disagreement are kept with the review."""
    errors = FieldErrors()
    participants, values = _checked_meeting(errors, decision, participants, user_participated,
                                            user_view, disagreement)
    _check_review_day(errors, decision, reviewed_on, "reviewed_on")
    errors.require(next_review_on > reviewed_on, "next_review_on",
                   _("The next review must come after this one."))
    if decision.valid_to is not None:
        errors.require(next_review_on <= decision.valid_to, "next_review_on",
                       _("The decision ends on %(day)s: review it before then.",
                         day=format_date(decision.valid_to)))
    errors.raise_if_any()
    review = _review(decision, ReviewOutcome.NO_CHANGE, recorded_by, participants, values,
                     reviewed_on=reviewed_on, next_review_on=next_review_on)
    decision.review_on = next_review_on
    db.session.flush()
    return review


def revise_decision(decision: Decision, *, recorded_by: Staff, decided_on: date,
                    participants: Sequence[Staff], user_participated: bool,
                    goal_statement: str, services: str, reasons: str, valid_from: date,
                    review_on: date, valid_to: date | None = None,
                    user_view: str | None = None,
                    disagreement: str | None = None) -> Decision:
    """"Revise": a new version of the decision, made in the team with the user; the
    earlier one is revoked and kept, readable, and names the version that replaced it."""
    errors = FieldErrors()
    _check_current(errors, decision)
    _check_review_day(errors, decision, decided_on, "decided_on")
    errors.raise_if_any()
    revised = record_decision(
        user=decision.service_user, created_by=recorded_by, decided_on=decided_on,
        participants=participants, user_participated=user_participated,
        goal_statement=goal_statement, services=services, reasons=reasons,
        valid_from=valid_from, review_on=review_on, valid_to=valid_to, user_view=user_view,
        disagreement=disagreement)
    revised.supersedes_id = decision.id
    decision.status = DecisionStatus.REVOKED
    _review(decision, ReviewOutcome.REVISED, recorded_by, revised.participants,
            {"user_participated": revised.user_participated, "user_view": revised.user_view,
             "disagreement": revised.disagreement},
            reviewed_on=decided_on, revised_to_id=revised.id)
    db.session.flush()
    db.session.expire(decision, ["superseded_by", "reviews"])
    return revised


def end_decision(decision: Decision, *, recorded_by: Staff, ended_on: date, reason: str,
                 participants: Sequence[Staff], user_participated: bool,
                 user_view: str | None = None,
                 disagreement: str | None = None) -> DecisionReview:
    """"End": the decision is in force up to and including ``ended_on``, then no more;
    the reason, who took part and the user's view are kept with it."""
    errors = FieldErrors()
    participants, values = _checked_meeting(errors, decision, participants, user_participated,
                                            user_view, disagreement)
    errors.text("reason", reason, max_length=4000)
    errors.require(ended_on >= decision.valid_from, "ended_on",
                   _("The decision cannot end before it takes effect."))
    if decision.valid_to is not None:
        errors.require(ended_on <= decision.valid_to, "ended_on",
                       _("The decision ends on %(day)s already.",
                         day=format_date(decision.valid_to)))
    errors.raise_if_any()
    review = _review(decision, ReviewOutcome.ENDED, recorded_by, participants, values,
                     reviewed_on=min(ended_on, local_today()), reason=reason.strip())
    decision.valid_to = ended_on
    # Nothing is left to review once it ends: no "review overdue" until then.
    decision.review_on = max(decision.review_on, ended_on)
    db.session.flush()
    db.session.expire(decision, ["reviews"])
    return review


def earlier_versions(decision: Decision) -> list[Decision]:
    """The versions this decision revised, newest first (each kept, revoked)."""
    found, seen = [], {decision.id}
    current = decision.supersedes
    while current is not None and current.id not in seen:
        found.append(current)
        seen.add(current.id)
        current = current.supersedes
    return found
