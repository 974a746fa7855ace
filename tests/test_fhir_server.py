"""The FHIR server as a client meets it: metadata, reads, searches with paging, $everything,
formats and errors, and the access policy by id, by search and by _search."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
import sqlalchemy as sa

from homecare.auth.accounts import update_staff
from homecare.core.audit import AuditAction, AuditEntry
from homecare.core.extensions import db
from homecare.core.timeutil import local_today
from homecare.goals.models import GoalStatus
from homecare.goals.services import change_goal_status, create_goal, record_check_in
from homecare.org.services import update_team
from homecare.service_users.services import update_service_user
from tests.fhir_schema import pinned_digest, schema_errors
from tests.test_fhir import fhir_as, record  # noqa: F401 - fixtures

BASE = "http://localhost/fhir/R4"
NATIONAL_ID = "urn:oid:2.16.578.1.12.4.1.4.1"


@pytest.fixture
def rich(org, record):  # noqa: F811 - the fixture imported above
    """The record fixture with next of kin, a cancelled goal, an HPR number and an
    organisation number, and another team's goal to probe for."""
    update_service_user(org.user_a1, next_of_kin=[
        {"name": "Eva Hansen", "relation": "datter", "phone": "91234567"},
        {"name": "Tor Berg", "relation": "nabo", "phone": "92345678"}],
        given_name="Kari", middle_name="Nordby", family_name="Nordmann", gender="female",
        address_line="Bjølsengata 12 B", postal_code="0468", city="Oslo", district="Sagene")
    cancelled = create_goal(user=org.user_a1, created_by=org.staff_a1, description="Bake",
                            expressed_by="user", start_date=local_today() - timedelta(days=9))
    change_goal_status(cancelled, GoalStatus.CANCELLED)
    update_staff(org.staff_a1, hpr_number="9144889")
    update_team(org.team_a1, organisation_number="974760673")
    other = create_goal(user=org.user_b1, created_by=org.staff_b1, description="Annen",
                        expressed_by="user", start_date=local_today() - timedelta(days=3))
    check_in = record_check_in(goal=other, recorded_by=org.staff_b1, date=local_today(),
                               performance=4, got_expected_help="yes", could_influence="yes",
                               satisfied="yes")
    db.session.commit()
    return {**record, "cancelled": cancelled, "other_goal": other, "other_check_in": check_in}


@pytest.fixture
def nurse(app, org):
    """GET or POST on /fhir/R4 as staff_a1 (bearer token), with any headers."""
    from homecare.auth.tokens import issue_token

    client = app.test_client()
    token = {"Authorization": f"Bearer {issue_token(org.staff_a1)[0]}"}

    def call(path, method="GET", headers=None, **kwargs):
        target = path if path.startswith("http") else f"/fhir/R4{path}"
        return client.open(target.replace("http://localhost", ""), method=method,
                           headers={**token, **(headers or {})}, **kwargs)
    return call


def _links(bundle: dict) -> dict:
    return {link["relation"]: link["url"] for link in bundle.get("link", [])}


def _query(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query)


def _refusals(user_id) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == AuditAction.REFUSED, AuditEntry.service_user_id == user_id))


def test_the_capability_statement_lists_what_is_supported_without_sign_in(client):
    response = client.get("/fhir/R4/metadata")
    assert response.status_code == 200 and response.mimetype == "application/fhir+json"
    statement = response.json
    assert (statement["resourceType"], statement["fhirVersion"], statement["kind"]) == (
        "CapabilityStatement", "4.0.1", "instance")
    rest = statement["rest"][0]
    assert "Bearer" in rest["security"]["description"]
    resources = {r["type"]: r for r in rest["resource"]}
    assert set(resources) == {"Patient", "RelatedPerson", "CareTeam", "Goal", "Observation",
                              "QuestionnaireResponse", "CarePlan", "Encounter",
                              "Practitioner", "Organization"}
    goal = {p["name"] for p in resources["Goal"]["searchParam"]}
    assert {"patient", "_id", "lifecycle-status", "start-date"} <= goal
    assert resources["Patient"]["operation"][0]["name"] == "everything"
    assert statement["implementation"]["url"] == BASE
    assert schema_errors(statement) == []


def test_every_full_url_of_everything_resolves_to_the_same_resource(nurse, org, rich):
    bundle = nurse(f"/Patient/{org.user_a1.id}/$everything?_count=500").json
    assert {e["resource"]["resourceType"] for e in bundle["entry"]} >= {
        "RelatedPerson", "Practitioner", "Organization"}
    for entry in bundle["entry"]:
        read = nurse(entry["fullUrl"])
        assert read.status_code == 200, entry["fullUrl"]
        assert read.json == entry["resource"]


def test_a_search_honours_lifecycle_status(nurse, org, rich):
    found = nurse(f"/Goal?patient={org.user_a1.id}&lifecycle-status=cancelled").json
    assert found["total"] == 1
    assert [e["resource"]["id"] for e in found["entry"]] == [str(rich["cancelled"].id)]
    both = nurse(f"/Goal?patient=Patient/{org.user_a1.id}&lifecycle-status=active,cancelled")
    assert both.json["total"] == 3


def test_date_prefixes_sort_and_paging_with_links(nurse, org, rich):
    today = local_today()
    everyone = nurse(f"/Encounter?patient={org.user_a1.id}&_sort=-date").json
    dates = [e["resource"]["period"]["start"] for e in everyone["entry"]]
    assert dates == sorted(dates, reverse=True) and len(dates) == 2
    past = nurse(f"/Encounter?patient={org.user_a1.id}&date=lt{today.isoformat()}").json
    assert [e["resource"]["id"] for e in past["entry"]] == [str(rich["done"].id)]
    ahead = nurse(f"/Encounter?patient={org.user_a1.id}&date=ge{today.isoformat()}"
                  f"&date=le{(today + timedelta(days=10)).isoformat()}").json
    assert [e["resource"]["id"] for e in ahead["entry"]] == [str(rich["planned"].id)]
    first = nurse(f"/Observation?patient={org.user_a1.id}&_count=3&_sort=date").json
    links = _links(first)
    assert first["total"] == 4 and len(first["entry"]) == 3
    assert links["self"].startswith(f"{BASE}/Observation?") and "previous" not in links
    assert ("_count", "3") in _query(links["self"]) and ("_sort", "date") in _query(links["self"])
    second = nurse(links["next"]).json
    assert len(second["entry"]) == 1 and "next" not in _links(second)
    seen = [e["resource"]["id"] for page in (first, second) for e in page["entry"]]
    assert len(set(seen)) == 4


def test_unknown_parameters_are_ignored_and_shown_so_or_refused_when_strict(nurse, org, rich):
    lenient = nurse(f"/Goal?patient={org.user_a1.id}&colour=blue&_revinclude=Provenance:target")
    assert lenient.status_code == 200 and lenient.json["total"] == 3
    used = dict(_query(_links(lenient.json)["self"]))
    assert "colour" not in used and "_revinclude" not in used and used["patient"]
    strict = nurse(f"/Goal?patient={org.user_a1.id}&colour=blue",
                   headers={"Prefer": "handling=strict"})
    assert strict.status_code == 400 and strict.json["resourceType"] == "OperationOutcome"
    assert any(issue.get("expression") == ["colour"] for issue in strict.json["issue"])


@pytest.mark.parametrize("query", ["patient={a}&patient={a}", "patient={a},{a}",
                                   "patient={a}&date=xx2026", "patient={a}&_count=-1",
                                   "patient={a}&_summary=true", "patient={a}&date=2026-13-01"])
def test_what_cannot_be_done_as_asked_is_a_400_outcome(nurse, org, query):
    response = nurse("/Encounter?" + query.format(a=org.user_a1.id))
    assert response.status_code == 400 and response.json["resourceType"] == "OperationOutcome"


def test_summary_count_elements_and_include(nurse, org, rich):
    counted = nurse(f"/Encounter?patient={org.user_a1.id}&_summary=count").json
    assert counted["total"] == 2 and "entry" not in counted
    subset = nurse(f"/Encounter?patient={org.user_a1.id}&_elements=period").json
    encounter = subset["entry"][0]["resource"]
    assert set(encounter) == {"resourceType", "id", "meta", "period", "status", "class"}
    assert encounter["meta"]["tag"][-1]["code"] == "SUBSETTED"
    assert schema_errors(subset) == []
    included = nurse(f"/Goal?patient={org.user_a1.id}&_include=Goal:patient").json
    modes = {(e["resource"]["resourceType"], e["search"]["mode"]) for e in included["entry"]}
    assert modes == {("Goal", "match"), ("Patient", "include")}
    assert included["total"] == 3


def test_a_patient_is_found_by_national_id_only_in_a_body(nurse, org, rich):
    in_url = nurse(f"/Patient?identifier={NATIONAL_ID}|{org.user_a1.national_id}")
    assert in_url.status_code == 400 and "POST" in in_url.json["issue"][0]["diagnostics"]
    found = nurse("/Patient/_search", method="POST",
                  data={"identifier": f"{NATIONAL_ID}|{org.user_a1.national_id}"})
    assert found.status_code == 200 and found.json["total"] == 1
    assert found.json["entry"][0]["resource"]["id"] == str(org.user_a1.id)
    assert org.user_a1.national_id not in _links(found.json)["self"]
    logged = db.session.scalars(sa.select(AuditEntry.detail).where(
        AuditEntry.service_user_id == org.user_a1.id, AuditEntry.actor_id == org.staff_a1.id
    ).order_by(AuditEntry.id)).all()
    assert logged[-1] == "FHIR Patient search (national id)"


def test_another_teams_record_by_id_by_search_and_by_search_post_is_hidden_and_logged(
        nurse, org, rich):
    other, check_in = rich["other_goal"], rich["other_check_in"]
    before = _refusals(org.user_b1.id)
    for path in (f"/Patient/{org.user_b1.id}", f"/Goal/{other.id}",
                 f"/Observation/{check_in.id}-performance",
                 f"/QuestionnaireResponse/{check_in.id}",
                 f"/Patient/{org.user_b1.id}/$everything"):
        response = nurse(path)
        assert response.status_code == 404 and response.json["resourceType"] == \
            "OperationOutcome", path
    for path in (f"/Goal?patient={org.user_b1.id}", f"/Goal?_id={other.id}",
                 f"/Patient?_id={org.user_b1.id}"):
        response = nurse(path)
        assert response.status_code == 200 and response.json["total"] == 0, path
    posted = nurse("/Patient/_search", method="POST",
                   data={"identifier": f"{NATIONAL_ID}|{org.user_b1.national_id}"})
    assert posted.status_code == 200 and posted.json["total"] == 0
    assert _refusals(org.user_b1.id) - before == 9


def test_everything_is_paged_to_the_end_and_narrowed_by_type_since_and_dates(nurse, org, rich):
    path = f"/Patient/{org.user_a1.id}/$everything"
    whole = nurse(f"{path}?_count=500").json
    seen, page = [], nurse(f"{path}?_count=4").json
    while True:
        seen += [e["fullUrl"] for e in page["entry"]]
        assert page["total"] == whole["total"] and page["type"] == "searchset"
        if "next" not in _links(page):
            break
        page = nurse(_links(page)["next"]).json
    assert seen == [e["fullUrl"] for e in whole["entry"]]
    goals = nurse(f"{path}?_type=Goal,Patient").json
    assert {e["resource"]["resourceType"] for e in goals["entry"]} == {"Goal", "Patient"}
    assert ("_type", "Goal,Patient") in _query(_links(goals)["self"])
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    assert nurse(f"{path}?_since={tomorrow}").json["total"] == 0
    later = nurse(f"{path}?start={tomorrow}&_type=Encounter").json
    assert [e["resource"]["id"] for e in later["entry"]] == [str(rich["planned"].id)]


def test_everything_by_post_with_a_form_or_parameters_answers_as_by_get(nurse, org, rich):
    path = f"/Patient/{org.user_a1.id}/$everything"
    by_get = nurse(f"{path}?_type=Goal").json
    by_form = nurse(path, method="POST", data={"_type": "Goal"}).json
    by_parameters = nurse(path, method="POST", json={
        "resourceType": "Parameters", "parameter": [{"name": "_type", "valueString": "Goal"}]},
        headers={"Content-Type": "application/fhir+json"}).json
    bare = nurse(path, method="POST")
    assert bare.status_code == 200 and bare.json["total"] == nurse(path).json["total"]
    ids = [sorted(e["fullUrl"] for e in b["entry"]) for b in (by_get, by_form, by_parameters)]
    assert ids[0] == ids[1] == ids[2] and len(ids[0]) == 3
    assert nurse(path, method="POST", data="x", headers={
        "Content-Type": "text/plain"}).status_code == 415


@pytest.mark.parametrize("headers, query", [
    ({"Accept": "application/fhir+xml"}, ""), ({}, "?_format=xml"),
    ({"Accept": "application/fhir+json; fhirVersion=3.0"}, ""),
    ({}, "?_format=application/fhir%2Bjson%3B%20fhirVersion%3D5.0")])
def test_xml_or_another_fhir_version_is_406(nurse, org, headers, query):
    response = nurse(f"/Patient/{org.user_a1.id}{query}", headers=headers)
    assert response.status_code == 406 and response.json["resourceType"] == "OperationOutcome"
    assert nurse(f"/Patient/{org.user_a1.id}?_format=json", headers={
        "Accept": "application/json, */*;q=0.1"}).status_code == 200


def test_a_method_the_address_does_not_take_is_405_with_allow(nurse, org):
    response = nurse(f"/Patient/{org.user_a1.id}", method="PUT", json={})
    assert response.status_code == 405 and response.json["resourceType"] == "OperationOutcome"
    assert "GET" in response.headers["Allow"]
    deleted = nurse("/Goal", method="DELETE")
    assert deleted.status_code == 405 and "GET" in deleted.headers["Allow"]


def test_staff_are_practitioners_and_teams_organizations_within_the_policy(nurse, org, rich):
    practitioner = nurse(f"/Practitioner/{org.staff_a1.id}").json
    assert practitioner["identifier"] == [{"system": "urn:oid:2.16.578.1.12.4.1.4.4",
                                           "value": "9144889"}]
    assert practitioner["meta"]["profile"] == [
        "http://hl7.no/fhir/StructureDefinition/no-basis-Practitioner"]
    assert nurse(f"/Practitioner/{org.staff_b1.id}").status_code == 404
    by_hpr = nurse("/Practitioner?identifier=urn:oid:2.16.578.1.12.4.1.4.4|9144889").json
    assert [e["resource"]["id"] for e in by_hpr["entry"]] == [str(org.staff_a1.id)]
    team = nurse(f"/Organization/{org.team_a1.id}").json
    assert team["identifier"][0] == {"system": "urn:oid:2.16.578.1.12.4.1.4.101",
                                     "value": "974760673"}
    assert nurse(f"/Organization/{org.team_b1.id}").status_code == 404


def test_the_patient_carries_what_a_norwegian_receiver_reads(nurse, org, rich):
    patient = nurse(f"/Patient/{org.user_a1.id}").json
    assert patient["gender"] == "female"
    assert patient["name"][0] == {
        "use": "official", "text": "Kari Nordby Nordmann", "family": "Nordmann",
        "given": ["Kari"], "extension": [{
            "url": "http://hl7.no/fhir/StructureDefinition/no-basis-middlename",
            "valueString": "Nordby"}]}
    address = patient["address"][0]
    assert (address["line"], address["postalCode"], address["city"], address["district"]) == (
        ["Bjølsengata 12 B"], "0468", "Oslo", "Oslo")
    assert address["_district"]["extension"][0]["valueCoding"]["code"] == "0301"
    assert address["extension"][0]["valueCoding"] == {
        "system": "urn:oid:2.16.578.1.12.4.1.1.3403", "code": "030103", "display": "Sagene"}
    daughter = patient["contact"][0]["relationship"]
    assert daughter[0]["coding"][0]["code"] == "N"
    assert {c["code"] for c in daughter[1]["coding"]} == {"DAUC", "barn"}
    assert daughter[1]["text"] == "datter"
    kin = nurse(f"/RelatedPerson?patient={org.user_a1.id}&relationship=NBOR").json
    assert [e["resource"]["name"][0]["text"] for e in kin["entry"]] == ["Tor Berg"]
    assert patient["managingOrganization"]["reference"] == f"Organization/{org.team_a1.id}"


def test_every_resource_and_bundle_the_server_emits_passes_the_r4_json_schema(
        nurse, app, org, rich, tmp_path):
    pinned, committed = pinned_digest()
    assert pinned == committed, "tests/vendor/fhir.schema.json is not the vendored file"
    emitted = [nurse(f"/Patient/{org.user_a1.id}/$everything?_count=500").json,
               nurse("/Patient?name=Kari").json,
               nurse(f"/Goal?patient={org.user_a1.id}&_include=Goal:patient").json,
               nurse("/Practitioner?_count=1").json, nurse("/Organization").json,
               nurse(f"/Goal/{rich['other_goal'].id}").json,
               nurse(f"/Encounter?patient={org.user_a1.id}&_elements=id").json]
    emitted += [nurse(entry["fullUrl"]).json for entry in emitted[0]["entry"]]
    target = tmp_path / "export.json"
    assert app.test_cli_runner().invoke(args=[
        "fhir", "export", "--user", str(org.user_a1.id), "--output", str(target)]).exit_code == 0
    import json

    emitted.append(json.loads(target.read_text(encoding="utf-8")))
    kinds = {r["resourceType"] for r in emitted} | {
        e["resource"]["resourceType"] for r in emitted for e in r.get("entry", [])}
    assert kinds == {"Bundle", "Patient", "RelatedPerson", "CareTeam", "Goal", "Observation",
                     "QuestionnaireResponse", "CarePlan", "Encounter", "Practitioner",
                     "Organization", "Provenance", "OperationOutcome"}
    errors = [error for resource in emitted for error in schema_errors(resource)]
    assert errors == []


def test_a_broken_resource_fails_the_schema_check():
    assert schema_errors({"resourceType": "Goal", "id": "x", "lifecycleStatus": "done"})
    assert schema_errors({"resourceType": "Bundle", "type": "searchset", "entry": [
        {"resource": {"resourceType": "Patient", "gender": "woman"}}]})


def test_a_search_costs_the_same_queries_however_long_the_record(app, nurse, org, rich):
    from tests.api.test_query_counts import counted

    path = f"/Observation?patient={org.user_a1.id}&_count=2"
    with counted(app) as before:
        assert nurse(path).status_code == 200
    for _n in range(3):
        record_check_in(goal=rich["goal"], recorded_by=org.staff_a1, date=local_today(),
                        performance=5, satisfaction=6, got_expected_help="yes",
                        could_influence="yes", satisfied="yes")
    db.session.commit()
    with counted(app) as after:
        assert nurse(path).json["total"] == 10
    assert len(after) == len(before)
