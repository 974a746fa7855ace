"""The record in HL7 FHIR R4: the resources, the read API and the export."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa
from fhir.resources.R4B import get_fhir_model_class

from homecare.core.audit import AuditAction, AuditEntry
from homecare.core.extensions import db
from homecare.core.national_id import with_check_digits
from homecare.core.timeutil import local_today, local_zone, utcnow
from homecare.decisions.services import record_decision
from homecare.goals.services import create_goal, record_check_in
from homecare.service_users.services import assign_responsible_contact
from homecare.visits.services import create_visit
from homecare.what_matters.services import record_conversation
from tests.factories import make_staff, make_user

GOAL_WORDS = "Klare å gå «trappa» opp til 3. etasje & hente posten selv."
MEDIA_TYPE = "application/fhir+json"
#: What $everything holds for the record fixture (its user has no next of kin).
RESOURCE_TYPES = {"Patient", "CareTeam", "Goal", "Observation", "QuestionnaireResponse",
                  "CarePlan", "Encounter", "Organization", "Practitioner"}
#: What the export holds besides: a Provenance naming every resource.
EXPORT_TYPES = RESOURCE_TYPES | {"Provenance"}


@pytest.fixture
def fhir_as(app):
    """``fhir_as(staff)`` → GET on /fhir/R4 with that staff member's bearer token."""
    from homecare.auth.tokens import issue_token

    def make(staff=None):
        headers = {"Authorization": f"Bearer {issue_token(staff)[0]}"} if staff else {}
        client = app.test_client()
        return lambda path: client.get(f"/fhir/R4{path}", headers=headers)

    return make


@pytest.fixture
def record(org):
    """user_a1 with one of everything: a contact, goals with follow-ups, a decision,
    visits done and planned."""
    today = local_today()
    user, nurse, coordinator = org.user_a1, org.staff_a1, org.coordinator_a1
    assign_responsible_contact(user, nurse, starting=utcnow() - timedelta(days=20))
    record_conversation(user=user, recorded_by=nurse, asked_by=nurse, conversation_date=today,
                        present=["user"], in_own_words="Å bo hjemme")
    goal = create_goal(user=user, created_by=nurse, description=GOAL_WORDS,
                       expressed_by="user", start_date=today - timedelta(days=30),
                       baseline_performance=3, checkin_interval_days=14)
    by_kin = create_goal(user=user, created_by=nurse, description="Komme seg ut i hagen",
                         expressed_by="next_of_kin", start_date=today - timedelta(days=5))
    for days_ago, performance, satisfied in ((20, 4, "partly"), (6, 6, "not_asked")):
        record_check_in(goal=goal, recorded_by=nurse, date=today - timedelta(days=days_ago),
                        performance=performance, satisfaction=7, got_expected_help="yes",
                        could_influence="no", satisfied=satisfied)
    decision = record_decision(
        user=user, created_by=coordinator, decided_on=today - timedelta(days=25),
        participants=[coordinator, nurse], user_participated=True,
        goal_statement="Mestre hverdagen hjemme", services="Morgenstell\nMedisiner",
        reasons="Etter sykehusopphold", valid_from=today - timedelta(days=25),
        review_on=today + timedelta(days=60))
    start = datetime.combine(today - timedelta(days=2), time(9), tzinfo=local_zone())
    done = create_visit(user=user, staff=nurse, created_by=coordinator, kind="main",
                        planned_start=start, planned_minutes=30, status="completed",
                        actual_start=start, actual_end=start + timedelta(minutes=25))
    planned = create_visit(user=user, staff=nurse, created_by=coordinator, kind="short",
                           planned_start=start + timedelta(days=4), planned_minutes=15)
    db.session.commit()
    return {"user": user, "goal": goal, "by_kin": by_kin, "decision": decision,
            "done": done, "planned": planned}


def _resources(bundle: dict) -> dict[str, list[dict]]:
    found = {}
    for entry in bundle["entry"]:
        found.setdefault(entry["resource"]["resourceType"], []).append(entry["resource"])
    return found


def test_everything_is_a_bundle_of_every_resource_in_the_users_own_words(
        fhir_as, org, record):
    response = fhir_as(org.staff_a1)(f"/Patient/{org.user_a1.id}/$everything")
    assert response.status_code == 200 and response.mimetype == MEDIA_TYPE
    bundle = response.json
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "searchset"
    found = _resources(bundle)
    assert set(found) == RESOURCE_TYPES
    # The nurse and the coordinator (teammates) are Practitioners; the team an Organization.
    assert Counter({k: len(v) for k, v in found.items()}) == Counter({
        "Patient": 1, "CareTeam": 1, "Goal": 2, "Observation": 4,
        "QuestionnaireResponse": 2, "CarePlan": 1, "Encounter": 2, "Organization": 1,
        "Practitioner": 2})
    assert bundle["total"] == 16
    goal = next(g for g in found["Goal"] if g["id"] == str(record["goal"].id))
    assert goal["description"]["text"] == GOAL_WORDS
    assert all(e["fullUrl"] == f"http://localhost/fhir/R4/{e['resource']['resourceType']}/"
                                f"{e['resource']['id']}" for e in bundle["entry"])
    assert {e["search"]["mode"] for e in bundle["entry"]
            if e["resource"]["resourceType"] in ("Organization", "Practitioner")} == {"include"}


def test_every_resource_round_trips_through_the_librarys_validation(fhir_as, org, record):
    bundle = fhir_as(org.staff_a1)(f"/Patient/{org.user_a1.id}/$everything").json
    get_fhir_model_class("Bundle").model_validate(bundle)
    for entry in bundle["entry"]:
        resource = entry["resource"]
        model = get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        assert json.loads(model.model_dump_json()) == resource


def test_the_goal_says_who_expressed_it_when_it_is_followed_up_and_how_it_goes(
        fhir_as, org, record):
    found = _resources(fhir_as(org.staff_a1)(f"/Patient/{org.user_a1.id}/$everything").json)
    goals = {g["id"]: g for g in found["Goal"]}
    goal, by_kin = goals[str(record["goal"].id)], goals[str(record["by_kin"].id)]
    assert goal["expressedBy"] == {"reference": f"Patient/{org.user_a1.id}"}
    assert by_kin["expressedBy"]["type"] == "RelatedPerson"
    assert goal["lifecycleStatus"] == "active"
    # baseline 3, then 4, then 6: the last rating is above the one before.
    assert goal["achievementStatus"]["coding"][0]["code"] == "improving"
    assert by_kin["achievementStatus"]["coding"][0]["code"] == "in-progress"
    due = (local_today() - timedelta(days=6) + timedelta(days=14)).isoformat()
    assert goal["target"] == [{"dueDate": due}]
    ratings = [o for o in found["Observation"] if o["id"].endswith("-performance")]
    assert sorted(o["valueInteger"] for o in ratings) == [4, 6]
    assert all(o["focus"] == [{"reference": f"Goal/{record['goal'].id}"}] for o in ratings)
    assert {r["reference"] for r in goal["outcomeReference"]} == {
        f"Observation/{o['id']}" for o in found["Observation"]}


def test_the_users_three_answers_are_a_questionnaire_response_unasked_left_empty(
        fhir_as, org, record):
    found = _resources(fhir_as(org.staff_a1)(f"/Patient/{org.user_a1.id}/$everything").json)
    answers = [{item["linkId"]: [a.get("valueCoding", {}).get("code") for a in
                                 item.get("answer", [])] for item in response["item"]}
               for response in sorted(found["QuestionnaireResponse"],
                                      key=lambda r: r["authored"])]
    assert [a["satisfied"] for a in answers] == [["partly"], []]
    assert all(a["got_expected_help"] == ["yes"] and a["could_influence"] == ["no"]
               for a in answers)
    assert found["QuestionnaireResponse"][0]["item"][1]["text"] == \
        "Fikk du den hjelpen du forventet?"


def test_the_decision_is_a_care_plan_and_the_visits_encounters(fhir_as, org, record):
    found = _resources(fhir_as(org.staff_a1)(f"/Patient/{org.user_a1.id}/$everything").json)
    plan = found["CarePlan"][0]
    assert plan["status"] == "active" and plan["description"] == "Mestre hverdagen hjemme"
    assert [a["detail"]["description"] for a in plan["activity"]] == ["Morgenstell",
                                                                      "Medisiner"]
    assert plan["extension"][0]["valueDate"] == (local_today() + timedelta(days=60)
                                                 ).isoformat()
    assert {g["reference"] for g in plan["goal"]} == {f"Goal/{record['goal'].id}",
                                                      f"Goal/{record['by_kin'].id}"}
    encounters = {e["id"]: e for e in found["Encounter"]}
    done, planned = encounters[str(record["done"].id)], encounters[str(record["planned"].id)]
    assert (done["status"], planned["status"]) == ("finished", "planned")
    assert done["participant"][0]["individual"] == {
        "reference": f"Practitioner/{org.staff_a1.id}", "display": org.staff_a1.full_name}
    assert datetime.fromisoformat(done["period"]["end"]) - datetime.fromisoformat(
        done["period"]["start"]) == timedelta(minutes=25)
    team = found["CareTeam"][0]
    assert team["participant"][0]["member"]["display"] == org.staff_a1.full_name
    assert team["managingOrganization"] == [{"reference": f"Organization/{org.team_a1.id}"}]
    assert "end" not in team["participant"][0]["period"]


def test_the_national_id_is_an_identifier_and_a_synthetic_one_is_marked_test_data(
        fhir_as, org):
    synthetic = fhir_as(org.staff_a1)(f"/Patient/{org.user_a1.id}").json
    assert synthetic["identifier"][0] == {
        "use": "official", "system": "urn:oid:2.16.578.1.12.4.1.4.1",
        "type": {"text": "Syntetisk fødselsnummer (testdata)"},
        "value": org.user_a1.national_id}
    assert synthetic["meta"]["tag"][0]["code"] == "HTEST"
    real_id = next(n for i in range(100, 500) if (n := with_check_digits(f"170540{i}")))
    real = make_user(org.team_a1, national_id=real_id, full_name="Ekte Nummer")
    db.session.commit()
    patient = fhir_as(org.staff_a1)(f"/Patient/{real.id}").json
    assert patient["identifier"] == [{"use": "official",
                                      "system": "urn:oid:2.16.578.1.12.4.1.4.1",
                                      "value": real_id}]
    assert "tag" not in patient["meta"] and patient["birthDate"] == "1940-05-17"
    assert patient["meta"]["profile"] == ["http://hl7.no/fhir/StructureDefinition/no-basis-Patient"]
    # A two-word name is a given and a family name.
    assert patient["name"][0] == {"use": "official", "text": "Ekte Nummer",
                                  "family": "Nummer", "given": ["Ekte"]}


def test_searches_answer_the_users_goals_and_care_plans(fhir_as, org, record):
    nurse = fhir_as(org.staff_a1)
    goals = nurse(f"/Goal?patient={org.user_a1.id}").json
    assert goals["type"] == "searchset" and goals["total"] == 2
    assert {e["resource"]["resourceType"] for e in goals["entry"]} == {"Goal"}
    plans = nurse(f"/CarePlan?patient=Patient/{org.user_a1.id}").json
    assert plans["total"] == 1 and plans["entry"][0]["search"] == {"mode": "match"}


@pytest.mark.parametrize("path", ["/Patient/{id}", "/Patient/{id}/$everything",
                                  "/Goal?patient={id}", "/CarePlan?patient={id}"])
def test_the_access_policy_decides_and_refusals_are_operation_outcomes(
        fhir_as, org, record, path):
    searched = "?" in path
    for who, status, code in ((org.leader_a, 403, "forbidden"),
                              (org.admin, 403, "forbidden"), (None, 401, "login"),
                              *(() if searched else ((org.staff_b1, 404, "not-found"),))):
        response = fhir_as(who)(path.format(id=org.user_a1.id))
        assert response.status_code == status, (who, path)
        assert response.mimetype == MEDIA_TYPE
        assert response.json["resourceType"] == "OperationOutcome"
        assert response.json["issue"][0]["code"] == code
    assert fhir_as(org.coordinator_a1)(path.format(id=org.user_a1.id)).status_code == 200
    if searched:  # another team's user is found by no search, as if there were none
        other_team = fhir_as(org.staff_b1)(path.format(id=org.user_a1.id))
        assert other_team.status_code == 200 and other_team.json["total"] == 0


def test_every_read_is_logged_against_the_user(fhir_as, org, record):
    nurse = fhir_as(org.staff_a1)
    for path in (f"/Patient/{org.user_a1.id}", f"/Patient/{org.user_a1.id}/$everything",
                 f"/Goal?patient={org.user_a1.id}", f"/CarePlan?patient={org.user_a1.id}"):
        assert nurse(path).status_code == 200
    logged = db.session.scalars(sa.select(AuditEntry.detail).where(
        AuditEntry.action == AuditAction.READ, AuditEntry.actor_id == org.staff_a1.id,
        AuditEntry.service_user_id == org.user_a1.id).order_by(AuditEntry.id)).all()
    assert logged == ["FHIR Patient", "FHIR $everything", "FHIR Goal search",
                      "FHIR CarePlan search"]


@pytest.mark.parametrize("query", ["", "?patient=", "?patient=nope", "?patient=Patient/1",
                                   "?patient=%00"])
def test_a_search_without_a_patients_id_is_a_400_outcome(fhir_as, org, query):
    response = fhir_as(org.staff_a1)(f"/Goal{query}")
    assert response.status_code == 400 and response.mimetype == MEDIA_TYPE
    issues = response.json["issue"]
    assert issues[1]["expression"] == ["patient"]
    assert "patient=<id>" in issues[0]["diagnostics"]


def test_an_unknown_fhir_path_is_a_404_outcome(fhir_as, org):
    response = fhir_as(org.staff_a1)("/Observation/1")
    assert response.status_code == 404 and response.json["resourceType"] == "OperationOutcome"


def test_the_export_command_writes_the_bundle_and_logs_it(app, org, record, tmp_path):
    target = tmp_path / "record.json"
    result = app.test_cli_runner().invoke(args=[
        "fhir", "export", "--user", str(org.user_a1.id), "--output", str(target),
        "--base-url", "https://kommune.example/fhir/R4/"])
    assert result.exit_code == 0, result.output
    bundle = json.loads(target.read_text(encoding="utf-8"))
    assert set(_resources(bundle)) == EXPORT_TYPES
    assert bundle["entry"][0]["fullUrl"] == \
        f"https://kommune.example/fhir/R4/Patient/{org.user_a1.id}"
    assert GOAL_WORDS in target.read_text(encoding="utf-8")
    logged = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.detail == "FHIR export (command line)")).all()
    assert [(e.service_user_id, e.actor_id) for e in logged] == [(org.user_a1.id, None)]


def test_l6_the_export_file_is_private_and_always_has_full_urls(app, org, record, tmp_path):
    target = tmp_path / "copy.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o644)  # a file already there, readable by all, is narrowed too
    result = app.test_cli_runner().invoke(args=[
        "fhir", "export", "--user", str(org.user_a1.id), "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_mode & 0o777 == 0o600
    fresh = tmp_path / "fresh.json"
    assert app.test_cli_runner().invoke(args=[
        "fhir", "export", "--user", str(org.user_a1.id), "--output", str(fresh)]).exit_code == 0
    assert fresh.stat().st_mode & 0o777 == 0o600
    entries = json.loads(fresh.read_text(encoding="utf-8"))["entry"]
    base = app.config["HOMECARE_BASE_URL"] + "/fhir/R4"
    assert all(e["fullUrl"] == f"{base}/{e['resource']['resourceType']}/{e['resource']['id']}"
               or e["fullUrl"] == f"urn:uuid:{e['resource']['id']}" for e in entries)
    assert {e["fullUrl"].split(":")[0] for e in entries} == {"http", "urn"}


def test_l5_links_come_from_configuration_never_from_the_host_header(app, org, record):
    from homecare.auth.tokens import issue_token

    client = app.test_client()
    headers = {"Authorization": f"Bearer {issue_token(org.staff_a1)[0]}",
               "Host": "evil.example", "X-Forwarded-Host": "evil.example",
               "Forwarded": "host=evil.example"}
    for path in (f"/Patient/{org.user_a1.id}/$everything", f"/Goal?patient={org.user_a1.id}",
                 f"/CarePlan?patient={org.user_a1.id}"):
        response = client.get(f"/fhir/R4{path}", headers=headers)
        assert response.status_code == 200, path
        assert "evil.example" not in response.get_data(as_text=True)
        assert "evil.example" not in str(response.headers)
        assert f"{app.config['HOMECARE_BASE_URL']}/fhir/R4/" in response.get_data(as_text=True)


def test_the_export_command_refuses_an_unknown_user(app, org):
    result = app.test_cli_runner().invoke(args=[
        "fhir", "export", "--user", "00000000-0000-0000-0000-000000000000"])
    assert result.exit_code == 1 and "Det finnes ingen tjenestemottaker" in result.output


def test_a_demo_users_bundle_holds_every_resource_and_their_words_unchanged(app, fhir_as):
    from homecare.decisions.models import Decision
    from homecare.goals.models import CheckIn, Goal
    from homecare.org.models import Staff
    from homecare.service_users.models import ServiceUser

    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    nurse = db.session.scalar(sa.select(Staff).where(Staff.username == "sykepleier.bjolsen"))
    user_id = db.session.scalar(
        sa.select(ServiceUser.id).where(ServiceUser.team_id == nurse.teams[0].id)
        .join(Goal, Goal.service_user_id == ServiceUser.id)
        .join(CheckIn, CheckIn.goal_id == Goal.id)
        .join(Decision, Decision.service_user_id == ServiceUser.id)
        .order_by(ServiceUser.full_name).limit(1))
    assert user_id is not None, "the demo has a user with follow-ups and a decision"
    bundle = fhir_as(nurse)(f"/Patient/{user_id}/$everything?_count=500").json
    found = _resources(bundle)
    assert set(found) >= RESOURCE_TYPES, set(found)
    stored = set(db.session.scalars(sa.select(Goal.description)
                                    .where(Goal.service_user_id == user_id)))
    assert {g["description"]["text"] for g in found["Goal"]} == stored


def test_everything_costs_the_same_queries_however_long_the_record(app, fhir_as, org,
                                                                    record):
    from tests.api.test_query_counts import counted

    nurse = fhir_as(org.staff_a1)
    path = f"/Patient/{org.user_a1.id}/$everything"
    with counted(app) as before:
        assert nurse(path).status_code == 200
    today = local_today()
    for n in range(3):
        goal = create_goal(user=org.user_a1, created_by=org.coordinator_a1,
                           description=f"Mål {n}", expressed_by="staff",
                           start_date=today - timedelta(days=3))
        record_check_in(goal=goal, recorded_by=org.coordinator_a1, date=today,
                        performance=5, got_expected_help="yes", could_influence="yes",
                        satisfied="yes")
        record_decision(user=org.user_a1, created_by=org.coordinator_a1, decided_on=today,
                        participants=[org.staff_a1], user_participated=False,
                        goal_statement=f"Vedtak {n}", services="Tilsyn", reasons="Behov",
                        valid_from=today, review_on=today + timedelta(days=30))
        create_visit(user=org.user_a1, staff=make_staff(teams=[org.team_a1],
                                                        username=f"ekstra{n}"),
                     created_by=org.coordinator_a1, kind="short",
                     planned_start=utcnow() + timedelta(days=1, hours=n), planned_minutes=15)
    db.session.commit()
    with counted(app) as after:
        bundle = nurse(path).json
    assert len(bundle["entry"]) > 20
    assert len(after) == len(before), (len(before), len(after))
