"""Our records as FHIR R4 resources (``fhir.resources.R4B``): one function per resource.

Each function takes records already loaded (``fhir.record``) and returns a model that
validated itself when built, so a resource that breaks the specification fails here,
not in the receiving system. Texts meant for people come from the translation
catalogue, in bokmål (the caller builds under ``force_locale("nb")``); codes are FHIR's where FHIR
has them, else this service's own (``SYSTEM``). The choices are listed in docs/fhir.md.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta

from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.careteam import CareTeam
from fhir.resources.R4B.encounter import Encounter
from fhir.resources.R4B.goal import Goal as FhirGoal
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.provenance import Provenance
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from flask_babel import gettext as _

from homecare.decisions.models import Decision, DecisionStatus
from homecare.fhir.people import meta, ref
from homecare.goals.labels import ANSWER_LABELS, CHECK_IN_QUESTIONS
from homecare.goals.models import Answer, CheckIn, ExpressedBy, Goal, GoalStatus
from homecare.service_users.models import ResponsibleContactAssignment, ServiceUser
from homecare.visits.labels import KIND_LABELS
from homecare.visits.models import Visit, VisitStatus

#: This service's own code systems and identifiers start here.
SYSTEM = "urn:homecare:fhir"
#: ``staff_ref(staff_id, name=None)``: a reference to a staff member (Practitioner) where
#: the reader may follow it, else their name alone (``fhir.record.StaffRefs``).
StaffRef = Callable[..., dict]
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
HOME_VISIT = {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "HH",
              "display": "home health"}
#: The CarePlan extension holding the date a decision is to be reviewed by.
REVIEW_DATE = f"{SYSTEM}:StructureDefinition:review-date"
#: The questionnaire the user's own three answers at a follow-up belong to.
USER_EVALUATION = f"{SYSTEM}:Questionnaire:user-evaluation"

LIFECYCLE = {GoalStatus.PROPOSED: "proposed", GoalStatus.ACTIVE: "active",
              GoalStatus.ON_HOLD: "on-hold", GoalStatus.ACHIEVED: "completed",
              GoalStatus.NOT_ACHIEVED: "completed", GoalStatus.CANCELLED: "cancelled"}
ENCOUNTER_STATUS = {VisitStatus.PLANNED: "planned", VisitStatus.COMPLETED: "finished",
                     VisitStatus.MISSED: "cancelled", VisitStatus.CANCELLED: "cancelled"}


def _period(start: date | datetime | None, end: date | datetime | None) -> dict:
    return {key: value.isoformat() for key, value in (("start", start), ("end", end)) if value}


def care_team(user: ServiceUser, contacts: list[ResponsibleContactAssignment],
              staff_ref: StaffRef) -> CareTeam:
    """The user's team, with each responsible contact over the period they were one."""
    team = user.team
    updated = max([user.updated_at, *(c.updated_at for c in contacts)])
    return CareTeam(
        id=care_team_id(user), meta=meta(None, updated),
        status="active" if user.deleted_at is None else "inactive", name=team.name,
        subject=ref("Patient", user.id), managingOrganization=[ref("Organization", team.id)],
        telecom=[{"system": "phone", "value": team.phone}] if team.phone else None,
        participant=[{"role": [{"coding": [{"system": f"{SYSTEM}:role",
                                            "code": "responsible-contact"}],
                                "text": _("Responsible contact (primary contact)")}],
                      "member": staff_ref(c.staff_id, c.staff.full_name),
                      "period": _period(c.valid_from, c.valid_to)}
                     for c in contacts] or None)


def care_team_id(user: ServiceUser) -> str:
    """The CareTeam's id: the user's current team and the user."""
    return f"team-{user.team_id}-{user.id}"


def _achievement(goal: Goal, check_ins: list[CheckIn]) -> str:
    """Where the goal stands by the user's own ratings: the last performance against the
    one before (or the baseline)."""
    if goal.status is GoalStatus.ACHIEVED:
        return "achieved"
    if goal.status is GoalStatus.NOT_ACHIEVED:
        return "not-achieved"
    ratings = [r for r in (goal.baseline_performance, *(c.performance for c in check_ins))
               if r is not None]
    if len(ratings) < 2:
        return "in-progress"
    before, last = ratings[-2:]
    return "improving" if last > before else "worsening" if last < before else "no-change"


def _expressed_by(goal: Goal, staff_ref: StaffRef) -> dict:
    if goal.expressed_by is ExpressedBy.USER:
        return ref("Patient", goal.service_user_id)
    if goal.expressed_by is ExpressedBy.NEXT_OF_KIN:
        return {"type": "RelatedPerson", "display": _("Next of kin")}
    return staff_ref(goal.created_by_id)


def goal(record: Goal, check_ins: list[CheckIn], staff_ref: StaffRef) -> FhirGoal:
    """A goal in the user's words, with its next follow-up and how it is going.

    ``check_ins`` are the goal's follow-ups, oldest first; ``record.next_due`` is set
    for an active goal (``flags.services.annotate_goals``).
    """
    next_due = getattr(record, "next_due", None)
    return FhirGoal(
        id=str(record.id), meta=meta(None, record.updated_at, record.version),
        lifecycleStatus=LIFECYCLE[record.status],
        achievementStatus={"coding": [{"system": GOAL_ACHIEVEMENT,
                                       "code": _achievement(record, check_ins)}]},
        description={"text": record.description}, subject=ref("Patient", record.service_user_id),
        startDate=record.start_date.isoformat(),
        target=[{"dueDate": next_due.isoformat()}] if next_due else None,
        statusDate=record.closed_on.isoformat() if record.closed_on else None,
        expressedBy=_expressed_by(record, staff_ref),
        outcomeReference=[ref("Observation", f"{c.id}-{kind}") for c in check_ins
                          for kind in ("performance", "satisfaction")
                          if getattr(c, kind) is not None] or None)


def observations(check_in: CheckIn, staff_ref: StaffRef) -> list[Observation]:
    """The user's own ratings at a follow-up (1 to 10), one Observation each, on the goal."""
    recorder = staff_ref(check_in.recorded_by_id)
    return [Observation(
        id=f"{check_in.id}-{kind}", meta=meta(None, check_in.updated_at), status="final",
        code={"coding": [{"system": f"{SYSTEM}:self-rating", "code": kind}],
              "text": str(CHECK_IN_QUESTIONS[kind])},
        subject=ref("Patient", check_in.goal.service_user_id),
        focus=[ref("Goal", check_in.goal_id)], effectiveDateTime=check_in.date.isoformat(),
        performer=[ref("Patient", check_in.goal.service_user_id)],
        valueInteger=getattr(check_in, kind),
        note=[{"text": _("Recorded by %(name)s", name=recorder.get("display", ""))}])
        for kind in ("performance", "satisfaction") if getattr(check_in, kind) is not None]


def questionnaire_response(check_in: CheckIn, staff_ref: StaffRef) -> QuestionnaireResponse:
    """The user's own three answers at a follow-up; a question not asked has no answer."""
    items = [{"linkId": "goal", "text": _("Goal"),
              "answer": [{"valueReference": ref("Goal", check_in.goal_id)}]}]
    for question in ("got_expected_help", "could_influence", "satisfied"):
        answer = Answer(getattr(check_in, question))
        item = {"linkId": question, "text": str(CHECK_IN_QUESTIONS[question])}
        if answer is not Answer.NOT_ASKED:
            item["answer"] = [{"valueCoding": {"system": f"{SYSTEM}:answer",
                                               "code": answer.value,
                                               "display": str(ANSWER_LABELS[answer])}}]
        items.append(item)
    return QuestionnaireResponse(
        id=str(check_in.id), meta=meta(None, check_in.updated_at),
        questionnaire=USER_EVALUATION, status="completed",
        subject=ref("Patient", check_in.goal.service_user_id),
        authored=check_in.date.isoformat(),
        author=staff_ref(check_in.recorded_by_id),
        source=ref("Patient", check_in.goal.service_user_id), item=items)


def plan_status(decision: Decision, today: date) -> str:
    """A decision's CarePlan status: revoked, completed (ended) or active."""
    if decision.status is DecisionStatus.REVOKED:
        return "revoked"
    return "completed" if decision.valid_to and decision.valid_to < today else "active"


def care_plan(decision: Decision, goals: list[Goal], today: date, staff_ref: StaffRef
              ) -> CarePlan:
    """A team decision: its goal in words, the goals it covers, the services as
    activities, the period and the review date."""
    services = [line.strip(" -•\t") for line in decision.services.splitlines()]
    active = plan_status(decision, today) == "active"
    covered = [g for g in goals if g.start_date <= (decision.valid_to or date.max)
               and (g.closed_on is None or g.closed_on >= decision.valid_from)]
    return CarePlan(
        id=str(decision.id), meta=meta(None, decision.updated_at, decision.version),
        status=plan_status(decision, today), intent="plan",
        title=_("Team decision"), description=decision.goal_statement,
        subject=ref("Patient", decision.service_user_id),
        period=_period(decision.valid_from, decision.valid_to),
        created=decision.decided_on.isoformat(),
        contributor=[*([ref("Patient", decision.service_user_id)]
                       if decision.user_participated else []),
                     *(staff_ref(s.id, s.full_name) for s in decision.participants)] or None,
        goal=[ref("Goal", g.id) for g in covered] or None,
        activity=[{"detail": {"status": "in-progress" if active else "completed",
                              "description": line}} for line in services if line] or None,
        note=[{"text": f"{_('Reasons')}: {decision.reasons}"}],
        extension=[{"url": REVIEW_DATE, "valueDate": decision.review_on.isoformat()}])


def encounter(visit: Visit, staff_ref: StaffRef) -> Encounter:
    """A visit: planned (its planned time) or as carried out (the actual times)."""
    if visit.status is VisitStatus.COMPLETED and visit.actual_start:
        period = _period(visit.actual_start, visit.actual_end)
    else:
        period = _period(visit.planned_start,
                         visit.planned_start + timedelta(minutes=visit.planned_minutes))
    return Encounter(
        id=str(visit.id), meta=meta(None, visit.updated_at, visit.version),
        status=ENCOUNTER_STATUS[visit.status], **{"class": HOME_VISIT},
        type=[{"coding": [{"system": f"{SYSTEM}:visit-kind", "code": visit.kind.value}],
               "text": str(KIND_LABELS[visit.kind])}],
        subject=ref("Patient", visit.service_user_id),
        participant=[{"individual": staff_ref(visit.staff_id, visit.staff.full_name)}],
        period=period)


def provenance(targets: list[dict], recorded: datetime) -> Provenance:
    """Which system put the record together, and when."""
    return Provenance(
        id=str(uuid.uuid4()), target=targets,
        recorded=recorded.isoformat(),
        agent=[{"type": {"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/provenance-participant-type",
            "code": "assembler"}]},
            "who": {"display": "homecare"}}])
