"""Our records as FHIR R4 resources (``fhir.resources.R4B``): one function per resource.

Each function takes records already loaded (``fhir.record``) and returns a model that
validated itself when built, so a resource that breaks the specification fails here,
not in the receiving system. Texts meant for people come from the translation
catalogue, in bokmål (the caller builds under ``force_locale("nb")``); codes are FHIR's where FHIR
has them, else this service's own (``SYSTEM``). The choices are listed in docs/fhir.md.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.careteam import CareTeam
from fhir.resources.R4B.encounter import Encounter
from fhir.resources.R4B.goal import Goal as FhirGoal
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.provenance import Provenance
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from flask_babel import gettext as _

from homecare.care.labels import ANSWER_LABELS, CHECK_IN_QUESTIONS, KIND_LABELS
from homecare.core.national_id import IdKind, parse_national_id
from homecare.decisions.models import Decision, DecisionStatus
from homecare.goals.models import Answer, CheckIn, ExpressedBy, Goal, GoalStatus
from homecare.service_users.models import ResponsibleContactAssignment, ServiceUser
from homecare.visits.models import Visit, VisitStatus

#: This service's own code systems and identifiers start here.
SYSTEM = "urn:homecare:fhir"
#: The Norwegian registry's OIDs for a fødselsnummer and a D-number.
NATIONAL_ID_SYSTEMS = {IdKind.BIRTH_NUMBER: "urn:oid:2.16.578.1.12.4.1.4.1",
                       IdKind.SYNTHETIC: "urn:oid:2.16.578.1.12.4.1.4.1",
                       IdKind.D_NUMBER: "urn:oid:2.16.578.1.12.4.1.4.2"}
#: FHIR's mark for test data, on a patient whose national id is a synthetic one.
TEST_DATA = {"system": "http://terminology.hl7.org/CodeSystem/v3-ActReason",
             "code": "HTEST", "display": "test health data"}
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
HOME_VISIT = {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "HH",
              "display": "home health"}
#: The CarePlan extension holding the date a decision is to be reviewed by.
REVIEW_DATE = f"{SYSTEM}:StructureDefinition:review-date"
#: The questionnaire the user's own three answers at a follow-up belong to.
USER_EVALUATION = f"{SYSTEM}:Questionnaire:user-evaluation"

_LIFECYCLE = {GoalStatus.PROPOSED: "proposed", GoalStatus.ACTIVE: "active",
              GoalStatus.ON_HOLD: "on-hold", GoalStatus.ACHIEVED: "completed",
              GoalStatus.NOT_ACHIEVED: "completed", GoalStatus.CANCELLED: "cancelled"}
_ENCOUNTER_STATUS = {VisitStatus.PLANNED: "planned", VisitStatus.COMPLETED: "finished",
                     VisitStatus.MISSED: "cancelled", VisitStatus.CANCELLED: "cancelled"}


def ref(resource_type: str, resource_id: object, display: str | None = None) -> dict:
    """A reference to another resource of the record, relative to the server's base."""
    return {"reference": f"{resource_type}/{resource_id}",
            **({"display": display} if display else {})}


def _period(start: date | datetime | None, end: date | datetime | None) -> dict:
    return {key: value.isoformat() for key, value in (("start", start), ("end", end)) if value}


def patient(user: ServiceUser) -> Patient:
    """The user: national id, name, birth date, address, next of kin."""
    national_id = parse_national_id(user.national_id, allow_synthetic=True)
    identifier = {"use": "official", "system": NATIONAL_ID_SYSTEMS[national_id.kind],
                  "value": user.national_id}
    if national_id.kind is IdKind.SYNTHETIC:
        identifier["type"] = {"text": _("Synthetic national identity number (test data)")}
    *given, family = user.full_name.split()
    return Patient(
        id=str(user.id),
        meta={"tag": [TEST_DATA]} if national_id.kind is IdKind.SYNTHETIC else None,
        identifier=[identifier], active=user.deleted_at is None,
        name=[{"use": "official", "text": user.full_name, "family": family,
               **({"given": given} if given else {})}],
        birthDate=user.birth_date.isoformat(),
        address=[{"use": "home", "text": user.address}],
        contact=[{"relationship": [{"text": kin.relation}], "name": {"text": kin.name},
                  "telecom": [{"system": "phone", "value": kin.phone}]}
                 for kin in user.next_of_kin] or None)


def care_team(user: ServiceUser, contacts: list[ResponsibleContactAssignment]) -> CareTeam:
    """The user's team, with each responsible contact over the period they were one."""
    team = user.team
    return CareTeam(
        id=f"team-{team.id}-{user.id}", status="active" if user.deleted_at is None
        else "inactive", name=team.name, subject=ref("Patient", user.id),
        telecom=[{"system": "phone", "value": team.phone}] if team.phone else None,
        participant=[{"role": [{"coding": [{"system": f"{SYSTEM}:role",
                                            "code": "responsible-contact"}],
                                "text": _("Responsible contact (primary contact)")}],
                      "member": {"type": "Practitioner", "display": c.staff.full_name},
                      "period": _period(c.valid_from, c.valid_to)}
                     for c in contacts] or None)


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


def _expressed_by(goal: Goal, staff_names: dict[int, str]) -> dict:
    if goal.expressed_by is ExpressedBy.USER:
        return ref("Patient", goal.service_user_id)
    if goal.expressed_by is ExpressedBy.NEXT_OF_KIN:
        return {"type": "RelatedPerson", "display": _("Next of kin")}
    return {"type": "Practitioner", "display": staff_names.get(goal.created_by_id)}


def goal(record: Goal, check_ins: list[CheckIn], staff_names: dict[int, str]) -> FhirGoal:
    """A goal in the user's words, with its next follow-up and how it is going.

    ``check_ins`` are the goal's follow-ups, oldest first; ``record.next_due`` is set
    for an active goal (``flags.service.annotate_goals``).
    """
    next_due = getattr(record, "next_due", None)
    return FhirGoal(
        id=str(record.id), lifecycleStatus=_LIFECYCLE[record.status],
        achievementStatus={"coding": [{"system": GOAL_ACHIEVEMENT,
                                       "code": _achievement(record, check_ins)}]},
        description={"text": record.description}, subject=ref("Patient", record.service_user_id),
        startDate=record.start_date.isoformat(),
        target=[{"dueDate": next_due.isoformat()}] if next_due else None,
        statusDate=record.closed_on.isoformat() if record.closed_on else None,
        expressedBy=_expressed_by(record, staff_names),
        outcomeReference=[ref("Observation", f"{c.id}-{kind}") for c in check_ins
                          for kind in ("performance", "satisfaction")
                          if getattr(c, kind) is not None] or None)


def observations(check_in: CheckIn, staff_names: dict[int, str]) -> list[Observation]:
    """The user's own ratings at a follow-up (1 to 10), one Observation each, on the goal."""
    return [Observation(
        id=f"{check_in.id}-{kind}", status="final",
        code={"coding": [{"system": f"{SYSTEM}:self-rating", "code": kind}],
              "text": str(CHECK_IN_QUESTIONS[kind])},
        subject=ref("Patient", check_in.goal.service_user_id),
        focus=[ref("Goal", check_in.goal_id)], effectiveDateTime=check_in.date.isoformat(),
        performer=[ref("Patient", check_in.goal.service_user_id)],
        valueInteger=getattr(check_in, kind),
        note=[{"text": _("Recorded by %(name)s",
                         name=staff_names.get(check_in.recorded_by_id, ""))}])
        for kind in ("performance", "satisfaction") if getattr(check_in, kind) is not None]


def questionnaire_response(check_in: CheckIn, staff_names: dict[int, str]
                           ) -> QuestionnaireResponse:
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
        id=str(check_in.id), questionnaire=USER_EVALUATION, status="completed",
        subject=ref("Patient", check_in.goal.service_user_id),
        authored=check_in.date.isoformat(),
        author={"type": "Practitioner",
                "display": staff_names.get(check_in.recorded_by_id)},
        source=ref("Patient", check_in.goal.service_user_id), item=items)


def _plan_status(decision: Decision, today: date) -> str:
    if decision.status is DecisionStatus.REVOKED:
        return "revoked"
    return "completed" if decision.valid_to and decision.valid_to < today else "active"


def care_plan(decision: Decision, goals: list[Goal], today: date) -> CarePlan:
    """A team decision: its goal in words, the goals it covers, the services as
    activities, the period and the review date."""
    services = [line.strip(" -•\t") for line in decision.services.splitlines()]
    active = _plan_status(decision, today) == "active"
    covered = [g for g in goals if g.start_date <= (decision.valid_to or date.max)
               and (g.closed_on is None or g.closed_on >= decision.valid_from)]
    return CarePlan(
        id=str(decision.id), status=_plan_status(decision, today), intent="plan",
        title=_("Team decision"), description=decision.goal_statement,
        subject=ref("Patient", decision.service_user_id),
        period=_period(decision.valid_from, decision.valid_to),
        created=decision.decided_on.isoformat(),
        contributor=[*([ref("Patient", decision.service_user_id)]
                       if decision.user_participated else []),
                     *({"type": "Practitioner", "display": s.full_name}
                       for s in decision.participants)] or None,
        goal=[ref("Goal", g.id) for g in covered] or None,
        activity=[{"detail": {"status": "in-progress" if active else "completed",
                              "description": line}} for line in services if line] or None,
        note=[{"text": f"{_('Reasons')}: {decision.reasons}"}],
        extension=[{"url": REVIEW_DATE, "valueDate": decision.review_on.isoformat()}])


def encounter(visit: Visit) -> Encounter:
    """A visit: planned (its planned time) or as carried out (the actual times)."""
    if visit.status is VisitStatus.COMPLETED and visit.actual_start:
        period = _period(visit.actual_start, visit.actual_end)
    else:
        period = _period(visit.planned_start,
                         visit.planned_start + timedelta(minutes=visit.planned_minutes))
    return Encounter(
        id=str(visit.id), status=_ENCOUNTER_STATUS[visit.status], **{"class": HOME_VISIT},
        type=[{"coding": [{"system": f"{SYSTEM}:visit-kind", "code": visit.kind.value}],
               "text": str(KIND_LABELS[visit.kind])}],
        subject=ref("Patient", visit.service_user_id),
        participant=[{"individual": {"type": "Practitioner",
                                     "display": visit.staff.full_name}}],
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
