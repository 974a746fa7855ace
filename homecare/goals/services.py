"""Goals in the user's own words, and their follow-up evaluations."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from homecare.core.database import save
from homecare.core.errors import ValidationFailed
from homecare.core.extensions import db
from homecare.core.timeutil import local_today
from homecare.core.validation import FieldErrors, refuse_unknown
from homecare.goals.labels import GOAL_STATUS_LABELS
from homecare.goals.models import (
    CHECKIN_INTERVAL,
    CLOSED_STATUSES,
    RATING,
    Answer,
    AnsweredBy,
    CheckIn,
    ExpressedBy,
    Goal,
    GoalStatus,
    GoalStatusChange,
)
from homecare.org.models import Staff
from homecare.policy.access import Action
from homecare.policy.idempotency import Creation
from homecare.policy.lookup import actor, referenced
from homecare.service_users.models import ServiceUser
from homecare.what_matters.models import WhatMattersConversation

#: Fields a goal update may change.
EDITABLE_FIELDS = frozenset({"description", "expressed_by", "start_date", "checkin_interval_days",
                             "baseline_performance", "baseline_satisfaction", "what_matters",
                             "status", "closed_on"})


def _check_goal(errors: FieldErrors, user: ServiceUser, values: dict) -> dict:
    """Check a goal's final values; returns them with enums parsed."""
    errors.text("description", values["description"], max_length=1000)
    values["expressed_by"] = errors.choice(
        ExpressedBy, "expressed_by", values["expressed_by"],
        _("Choose who expressed the goal: the user, next of kin or staff."))
    CHECKIN_INTERVAL.check(errors, "checkin_interval_days", values["checkin_interval_days"])
    RATING.check(errors, "baseline_performance", values["baseline_performance"], optional=True)
    RATING.check(errors, "baseline_satisfaction", values["baseline_satisfaction"],
                 optional=True)
    conversation = values["what_matters"]
    errors.require(conversation is None or conversation.service_user_id == user.id,
                   "what_matters_id", _("That conversation belongs to another user."))
    return values


def create_goal(*, user: ServiceUser, created_by: Staff, description: str,
                expressed_by: ExpressedBy | str, start_date: date,
                checkin_interval_days: int = 28, baseline_performance: int | None = None,
                baseline_satisfaction: int | None = None,
                what_matters: WhatMattersConversation | None = None,
                status: GoalStatus | str = GoalStatus.ACTIVE) -> Goal:
    """A new goal, its description kept exactly as the user (or whoever) put it."""
    errors = FieldErrors()
    values = _check_goal(errors, user, {
        "description": description, "expressed_by": expressed_by,
        "checkin_interval_days": checkin_interval_days,
        "baseline_performance": baseline_performance,
        "baseline_satisfaction": baseline_satisfaction, "what_matters": what_matters})
    status = errors.choice(GoalStatus, "status", status, _("Unknown goal status."))
    errors.require(status not in CLOSED_STATUSES, "status",
                   _("A new goal cannot start out closed."))
    errors.raise_if_any()
    goal = Goal(
        service_user=user, description=description, expressed_by=values["expressed_by"],
        start_date=start_date, checkin_interval_days=checkin_interval_days,
        baseline_performance=baseline_performance, baseline_satisfaction=baseline_satisfaction,
        what_matters_id=what_matters.id if what_matters else None, status=status,
        created_by_id=created_by.id,
    )
    return save(goal)


def update_goal(goal: Goal, recorded_by: Staff | None = None, **changes) -> Goal:
    """Change a goal; a new status goes through ``change_goal_status`` (``closed_on``,
    and the goal's history, recorded by ``recorded_by``)."""
    refuse_unknown(changes, EDITABLE_FIELDS)
    status, closed_on = changes.pop("status", None), changes.pop("closed_on", None)
    current = {"description": goal.description, "expressed_by": goal.expressed_by,
               "checkin_interval_days": goal.checkin_interval_days,
               "baseline_performance": goal.baseline_performance,
               "baseline_satisfaction": goal.baseline_satisfaction,
               "what_matters": db.session.get(WhatMattersConversation, goal.what_matters_id)
               if goal.what_matters_id else None}
    errors = FieldErrors()
    values = _check_goal(errors, goal.service_user, {**current, **changes})
    start = changes.get("start_date", goal.start_date)
    if goal.closed_on is not None and start > goal.closed_on:
        errors.add("start_date", _("A goal cannot close before it starts."))
    errors.raise_if_any()
    conversation = values.pop("what_matters")
    goal.what_matters_id = conversation.id if conversation else None
    goal.start_date = start
    for field, value in values.items():
        setattr(goal, field, value)
    if status is not None:
        change_goal_status(goal, status, on=closed_on, recorded_by=recorded_by,
                           day_field="closed_on")
    db.session.flush()
    return goal


def change_goal_status(goal: Goal, status: GoalStatus | str, on: date | None = None, *,
                       reason: str | None = None, reason_by: ExpressedBy | str | None = None,
                       recorded_by: Staff | None = None,
                       day_field: str = "changed_on") -> GoalStatusChange | None:
    """Move a goal to a new status on a day (default today); closing it sets
    ``closed_on``, reopening clears it. A change of status is kept in the goal's history
    (``GoalStatusChange``) with why, in the words of whoever gave them (``reason_by``).

    The same status again changes nothing but a closed goal's ``closed_on`` (None
    returned). Raises ValidationFailed listing every problem.
    """
    errors = FieldErrors()
    status = errors.choice(GoalStatus, "status", status, _("Unknown goal status."))
    errors.raise_if_any()
    on = on or local_today()
    reason = (reason or "").strip() or None
    if status is goal.status:
        if status in CLOSED_STATUSES and on != goal.closed_on:
            _check_status_day(errors, goal, on, day_field)
            errors.raise_if_any()
            goal.closed_on = on
            db.session.flush()
        return None
    _check_status_day(errors, goal, on, day_field, closing=status in CLOSED_STATUSES)
    errors.require(on >= goal.start_date or status in CLOSED_STATUSES, day_field,
                   _("A goal's status cannot change before the goal starts."))
    last = goal_history(goal)[-1:]
    if last and on < last[0].changed_on:
        errors.add(day_field, _("The last change was on %(day)s: a new one cannot be dated "
                                   "before it.", day=format_date(last[0].changed_on)))
    errors.text("reason", reason, max_length=1000, required=False)
    if reason is not None:
        reason_by = errors.choice(ExpressedBy, "reason_by", reason_by,
                                  _("Say whose words the reason is: the user's, next of "
                                    "kin's or staff's."))
    else:
        reason_by = None
    errors.raise_if_any()
    change = GoalStatusChange(goal=goal, from_status=goal.status, to_status=status,
                              changed_on=on, reason=reason, reason_by=reason_by,
                              recorded_by_id=recorded_by.id if recorded_by else None)
    goal.closed_on = on if status in CLOSED_STATUSES else None
    goal.status = status
    db.session.add(change)
    db.session.flush()
    return change


def _check_status_day(errors: FieldErrors, goal: Goal, on: date, field: str,
                      closing: bool = True) -> None:
    if closing:
        errors.require(on >= goal.start_date, field,
                       _("A goal cannot close before it starts."))
    errors.require(on <= local_today(), field,
                   _("A goal's status cannot change on a future date."))


def record_status_change(goal: Goal, *, status: GoalStatus | str, changed_on: date | None,
                         recorded_by: Staff, reason: str | None = None,
                         reason_by: ExpressedBy | str | None = None
                         ) -> GoalStatusChange | None:
    """A change of status asked for by a person (the goal's page, ``POST
    /goals/{id}/status-changes``): to the status it has already is refused."""
    if str(status) == goal.status.value:
        raise ValidationFailed.single("status", _(
            "Nothing to change: the goal is «%(status)s» already.",
            status=GOAL_STATUS_LABELS[goal.status]))
    return change_goal_status(goal, status, changed_on, reason=reason, reason_by=reason_by,
                              recorded_by=recorded_by)


def goal_history(goal: Goal) -> list[GoalStatusChange]:
    """The goal's changes of status, oldest first."""
    return list(db.session.scalars(
        sa.select(GoalStatusChange).where(GoalStatusChange.goal_id == goal.id)
        .order_by(GoalStatusChange.changed_on, GoalStatusChange.created_at)))


def goals_not_active(user: ServiceUser) -> tuple[list[Goal], list[Goal]]:
    """The user's paused or proposed goals, and their closed ones (newest closed first),
    each with its status history and its "what matters" conversation, in three queries."""
    goals = list(db.session.scalars(
        sa.select(Goal).where(Goal.service_user_id == user.id,
                              Goal.status != GoalStatus.ACTIVE)
        .options(selectinload(Goal.status_changes), selectinload(Goal.what_matters))
        .order_by(Goal.closed_on.desc(), Goal.start_date.desc(), Goal.created_at)))
    waiting = [g for g in goals if g.status not in CLOSED_STATUSES]
    return waiting, [g for g in goals if g.status in CLOSED_STATUSES]


def record_check_in(**fields) -> CheckIn:
    """Record a follow-up evaluation (fields as for ``build_check_in``)."""
    return save(build_check_in(**fields))


def _voice(errors: FieldErrors, goal: Goal, answered_by, spoken_for_by_id,
           reason: str | None) -> dict:
    """Who answered, checked: a next of kin must be one registered for the user, and
    "could not answer" needs the reason."""
    voice = {"answered_by": None, "spoken_for_by_id": None, "spoken_for_by": None,
             "not_answered_reason": None}
    if answered_by is None:
        return voice   # not asked by an older client; forms always ask
    answered_by = errors.choice(AnsweredBy, "answered_by", answered_by,
                                _("Say who answered: the user, one of their next of kin, "
                                  "or that the user could not answer."))
    voice["answered_by"] = answered_by
    if answered_by is AnsweredBy.NEXT_OF_KIN:
        kin = next((k for k in goal.service_user.next_of_kin
                    if str(k.id) == str(spoken_for_by_id)), None)
        if kin is None:
            errors.add("spoken_for_by_id", _("Choose which of the user's next of kin "
                                             "answered."))
        else:
            voice["spoken_for_by_id"] = kin.id
            voice["spoken_for_by"] = f"{kin.name} ({kin.relation})"
    if answered_by is AnsweredBy.COULD_NOT_ANSWER:
        errors.text("not_answered_reason", reason, max_length=1000)
        voice["not_answered_reason"] = (reason or "").strip() or None
    return voice


def build_check_in(*, goal: Goal, recorded_by: Staff, date: date,
                   got_expected_help: Answer | str, could_influence: Answer | str,
                   satisfied: Answer | str, performance: int | None = None,
                   satisfaction: int | None = None, note: str | None = None,
                   answered_by: AnsweredBy | str | None = None,
                   spoken_for_by_id: uuid.UUID | str | None = None,
                   not_answered_reason: str | None = None,
                   check_in_id: uuid.UUID | None = None) -> CheckIn:
    """A checked, unsaved follow-up evaluation: the user's new ratings and their own
    three answers, and whose voice they are; raises ValidationFailed listing every
    problem.

    A follow-up with no rating, no answer and no reason why the user could not answer
    records nothing of the user and is refused: it would only clear "follow-up overdue".
    A closed goal takes no more follow-ups: a tablet that queued one offline while a
    coordinator closed the goal gets it back refused, to correct or discard.
    """
    errors = FieldErrors()
    if goal.status in CLOSED_STATUSES:
        errors.add("goal_id", _("The goal was closed on %(day)s: a follow-up can no longer "
                                "be recorded for it.", day=format_date(goal.closed_on)))
    errors.require(date <= local_today(), "date", _("A check-in cannot be dated in the future."))
    errors.require(date >= goal.start_date, "date",
                   _("A check-in cannot be dated before the goal started."))
    RATING.check(errors, "performance", performance, optional=True)
    RATING.check(errors, "satisfaction", satisfaction, optional=True)
    errors.text("note", note, max_length=4000, required=False)
    message = _("Answer yes, partly, no or not asked.")
    answers = {
        field: errors.choice(Answer, field, value, message)
        for field, value in (("got_expected_help", got_expected_help),
                             ("could_influence", could_influence), ("satisfied", satisfied))
    }
    voice = _voice(errors, goal, answered_by, spoken_for_by_id, not_answered_reason)
    if not errors and performance is None and satisfaction is None \
            and all(answer is Answer.NOT_ASKED for answer in answers.values()) \
            and voice["answered_by"] is not AnsweredBy.COULD_NOT_ANSWER:
        errors.add("check_in", _("Nothing of the user is recorded: give a rating or an "
                                    "answer, or say that the user could not answer and "
                                    "why."))
    errors.raise_if_any()
    check_in = CheckIn(id=check_in_id or uuid.uuid4(), goal=goal, date=date,
                       performance=performance, satisfaction=satisfaction, note=note or None,
                       recorded_by_id=recorded_by.id, **answers, **voice)
    return check_in


@dataclass(frozen=True)
class Standing:
    """Where the user stood on a goal: their ratings at the start, and their latest
    ratings with the day each was given (None where there is none yet)."""

    baseline_performance: int | None
    baseline_satisfaction: int | None
    last_performance: tuple[int, date] | None
    last_satisfaction: tuple[int, date] | None


def where_the_user_stood(goal: Goal) -> Standing:
    """The baseline and the last ratings of a goal, for the follow-up form ("last time
    you said 3"), in one query."""
    rows = db.session.execute(
        sa.select(CheckIn.performance, CheckIn.satisfaction, CheckIn.date)
        .where(CheckIn.goal_id == goal.id,
               sa.or_(CheckIn.performance.is_not(None), CheckIn.satisfaction.is_not(None)))
        .order_by(CheckIn.date.desc(), CheckIn.created_at.desc()).limit(50)).all()
    performance = next(((r.performance, r.date) for r in rows if r.performance), None)
    satisfaction = next(((r.satisfaction, r.date) for r in rows if r.satisfaction), None)
    return Standing(goal.baseline_performance, goal.baseline_satisfaction, performance,
                    satisfaction)


def _check_in_arguments(data: dict, check_in_id) -> dict:
    """``build_check_in``'s arguments from a body: the goal it names, if the caller may
    record for its user (else a 422 on ``goal_id``)."""
    goal = referenced(Goal, data["goal_id"], "goal_id", Action.RECORD, through="service_user")
    fields = {k: v for k, v in data.items() if k != "goal_id"}
    return {"goal": goal, "recorded_by": actor(), "check_in_id": check_in_id, **fields}


def _named_in_check_ins(bodies: list[dict]) -> list:
    """The goals that check-in bodies name, with their users, in one query."""
    ids = {body["goal_id"] for body in bodies}
    return list(db.session.scalars(sa.select(Goal).where(Goal.id.in_(ids))
                                   .options(joinedload(Goal.service_user))))


def _stored_check_in(data: dict) -> dict:
    """A check-in body as it would be stored (what a repeat is compared with)."""
    by = data.get("answered_by")
    kin = data.get("spoken_for_by_id") if by == AnsweredBy.NEXT_OF_KIN else None
    reason = data.get("not_answered_reason") if by == AnsweredBy.COULD_NOT_ANSWER else None
    return {**data, "note": data["note"] or None,
            "not_answered_reason": (reason or "").strip() or None,
            "spoken_for_by_id": uuid.UUID(str(kin)) if kin else None}


#: A check-in recorded under an id its device chose: the follow-up page, ``PUT
#: /check-ins/{id}`` and ``POST /sync`` alike.
CHECK_IN_CREATION = Creation(
    model=CheckIn, through="goal.service_user",
    as_stored=_stored_check_in,
    build=lambda check_in_id, data: build_check_in(**_check_in_arguments(data, check_in_id)),
    load_named=_named_in_check_ins)


def conversations_of(user: ServiceUser) -> list[WhatMattersConversation]:
    """The user's «what matters» conversations, newest first (a goal may name one)."""
    return list(db.session.scalars(
        sa.select(WhatMattersConversation)
        .where(WhatMattersConversation.service_user_id == user.id)
        .order_by(WhatMattersConversation.conversation_date.desc(),
                  WhatMattersConversation.created_at.desc())))
