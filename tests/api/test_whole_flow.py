"""The issue's "done when": a client that knows only API.md does the whole job."""

import uuid
from datetime import date, timedelta

from homecare.core.timeutil import local_today, utcnow
from tests.factories import PASSWORD, synthetic_national_id


def test_a_client_knowing_only_the_contract_runs_a_service(api_as, org):
    anonymous = api_as()
    token = anonymous.post("/tokens", json={"username": "coord.a1", "password": PASSWORD}
                           ).json["token"]
    auth = {"Authorization": f"Bearer {token}"}
    today, now = local_today(), utcnow().replace(microsecond=0)

    def call(method, path, body=None, headers=None, expect=200):
        response = anonymous._call(method, path, json=body, headers={**auth, **(headers or {})})
        assert response.status_code == expect, (method, path, response.json)
        return response

    me = call("GET", "/me").json
    team_id = me["team_ids"][0]
    user = call("POST", "/service-users", {
        "national_id": synthetic_national_id(date(1936, 8, 2)), "full_name": "Astrid Berg",
        "address": "Iladalen 4, 0475 Oslo", "team_id": team_id, "service_type": "long_term",
        "service_start": str(today - timedelta(days=2)), "needs_proxy": False,
        "next_of_kin": [{"name": "Per Berg", "relation": "sønn", "phone": "99887766"}]},
        expect=201).json
    path = f"/service-users/{user['id']}"
    staff = call("GET", f"/staff?team_id={team_id}").json
    nurse = next(s for s in staff if s["role"] == "staff")
    call("PUT", f"{path}/responsible-contact", {"staff_id": nurse["id"]})
    conversation = call("POST", f"{path}/what-matters", {
        "conversation_date": str(today), "asked_by": nurse["id"],
        "present": ["user", "next_of_kin"],
        "in_own_words": "Å kunne gå på kirkekaffen igjen."}, expect=201).json
    goal = call("POST", "/goals", {
        "service_user_id": user["id"], "description": "Gå til kirken på søndag",
        "expressed_by": "user", "what_matters_id": conversation["id"],
        "start_date": str(today), "checkin_interval_days": 14, "baseline_performance": 3,
        "baseline_satisfaction": 4}, expect=201).json
    visit_id = str(uuid.uuid4())
    planned = call("PUT", f"/visits/{visit_id}", {
        "service_user_id": user["id"], "staff_id": nurse["id"], "kind": "main",
        "planned_start": (now + timedelta(hours=1)).isoformat(), "planned_minutes": 45},
        expect=201)
    call("PATCH", f"/visits/{visit_id}", {
        "status": "completed", "actual_start": (now - timedelta(minutes=50)).isoformat(),
        "actual_end": (now - timedelta(minutes=5)).isoformat()},
        headers={"If-Match": planned.headers["ETag"]})
    check_in = f"/check-ins/{uuid.uuid4()}"
    body = {"goal_id": goal["id"], "date": str(today), "performance": 5, "satisfaction": 6,
            "got_expected_help": "yes", "could_influence": "partly", "satisfied": "yes"}
    call("PUT", check_in, body, expect=201)
    call("PUT", check_in, body, expect=200)
    decision = call("POST", "/decisions", {
        "service_user_id": user["id"], "decided_on": str(today), "participants": [me["id"],
                                                                                 nurse["id"]],
        "user_participated": True, "goal_statement": "Astrid skal kunne gå til kirken selv.",
        "services": "Hverdagsrehabilitering to ganger i uka.",
        "reasons": "Astrid ønsker å mestre turen selv; sønnen støtter det.",
        "valid_from": str(today), "review_on": str(today + timedelta(days=42))},
        expect=201)
    etag = decision.headers["ETag"]
    call("PATCH", f"/decisions/{decision.json['id']}", {"review_on": str(today + timedelta(
        days=30))}, headers={"If-Match": etag})

    record = call("GET", path).json
    assert record["responsible_contact"] == nurse["id"]
    assert record["flags"] == []
    log = call("GET", f"{path}/access-log?page_size=500").json
    kinds = {entry["what"].split(":")[0] for entry in log}
    assert {"service_users", "responsible_contacts", "what_matters", "goals", "visits",
            "check_ins", "decisions"} <= kinds
    bad = anonymous._call("POST", "/goals", json={"service_user_id": user["id"]}, headers=auth)
    assert bad.status_code == 422
    assert set(bad.json["errors"]["json"]) == {"description", "expressed_by", "start_date"}
