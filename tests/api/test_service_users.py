"""Service users over the API: registration, reading, changes, contacts, access log."""

from datetime import date, timedelta

import pytest

from homecare.core.timeutil import local_today, utcnow
from tests.factories import synthetic_national_id


def new_user(team, **overrides):
    body = {"national_id": synthetic_national_id(date(1941, 3, 4)), "full_name": "Ola Nordmann",
            "address": "Sandakerveien 5, 0477 Oslo", "team_id": team,
            "service_type": "long_term", "service_start": str(local_today()),
            "next_of_kin": [{"name": "Kari", "relation": "datter", "phone": "91234567"}]}
    body.update(overrides)
    return body


def test_a_coordinator_registers_a_user(api_as, org):
    response = api_as(org.coordinator_a1).post("/service-users", json=new_user(org.team_a1.id))
    assert response.status_code == 201, response.json
    body = response.json
    assert body["birth_date"] == "1941-03-04" and body["version"] == 1
    assert body["responsible_contact"] is None
    assert body["flags"] == ["no_responsible_contact", "what_matters_missing"]
    # Whether Kari may speak for the user: nobody said, so null (not a guessed no).
    assert body["next_of_kin"] == [{"name": "Kari", "relation": "datter", "phone": "91234567",
                                    "relationship": "daughter", "may_speak_for": None}]
    assert body["phone"] is None and body["service_end_reason"] is None
    assert response.headers["ETag"] == '"1"'


@pytest.mark.parametrize(("overrides", "field"), [
    ({"national_id": "15108695077"}, "national_id"),
    ({"national_id": "123"}, "national_id"),
    ({"full_name": "   "}, "full_name"),
    ({"service_start": "2026-02-30"}, "service_start"),
    ({"service_type": "forever"}, "service_type"),
    ({"needs_proxy": "yes"}, "needs_proxy"),
    ({"team_id": "1"}, "team_id"),
    ({"nickname": "Olle"}, "nickname"),
    ({"next_of_kin": [{"name": "Kari"}]}, "next_of_kin"),
])
def test_bad_input_gets_a_422_naming_the_field(api_as, org, overrides, field):
    response = api_as(org.coordinator_a1).post("/service-users",
                                               json=new_user(org.team_a1.id, **overrides))
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]["json"]
    assert api_as(org.coordinator_a1).get("/service-users").json[-1]["full_name"] != "Ola N"


def test_service_end_before_start_is_refused(api_as, org):
    today = local_today()
    response = api_as(org.coordinator_a1).post("/service-users", json=new_user(
        org.team_a1.id, service_end=str(today - timedelta(days=1))))
    assert response.status_code == 422
    assert response.json["errors"]["json"]["service_end"] == [
        "Tjenesten kan ikke slutte før den starter."]


def test_only_coordinators_of_the_team_register_users(api_as, org):
    assert api_as(org.staff_a1).post("/service-users", json=new_user(org.team_a1.id)
                                     ).status_code == 403
    # Another team is named in the body: a 422, the same as for a team that does not exist.
    other = api_as(org.coordinator_a1).post("/service-users", json=new_user(org.team_b1.id))
    missing = api_as(org.coordinator_a1).post("/service-users", json=new_user(9999))
    assert other.status_code == missing.status_code == 422
    assert other.json["errors"] == missing.json["errors"]


def test_team_members_read_their_users_others_get_404_leaders_403(api_as, org):
    path = f"/service-users/{org.user_a1.id}"
    assert api_as(org.staff_a1).get(path).status_code == 200
    assert api_as(org.staff_a2).get(path).status_code == 404
    assert api_as(org.staff_b1).get(path).status_code == 404
    assert api_as(org.leader_a).get(path).status_code == 403
    assert api_as(org.admin).get(path).status_code == 403
    assert api_as(org.staff_a1).get("/service-users/00000000-0000-0000-0000-000000000000"
                                    ).status_code == 404


def test_the_list_holds_only_the_callers_users_and_can_be_searched(api_as, org):
    staff = api_as(org.staff_a1)
    assert [u["id"] for u in staff.get("/service-users").json] == [str(org.user_a1.id)]
    assert staff.get("/service-users?q=nordmann").json[0]["id"] == str(org.user_a1.id)
    assert staff.get("/service-users?q=zzz").json == []
    assert staff.get(f"/service-users?team_id={org.team_a2.id}").json == []
    future = local_today() + timedelta(days=400)
    assert len(staff.get(f"/service-users?active_on={future}").json) == 1
    assert api_as(org.leader_a).get("/service-users").status_code == 403


def test_patch_needs_if_match_and_refuses_stale_versions(api_as, org):
    coordinator = api_as(org.coordinator_a1)
    path = f"/service-users/{org.user_a1.id}"
    assert coordinator.patch(path, json={"address": "Ny vei 1"}).status_code == 428
    assert coordinator.patch(path, json={"address": "Ny vei 1"},
                             headers={"If-Match": '"7"'}).status_code == 412
    response = coordinator.patch(path, json={"address": "Ny vei 1"}, headers={"If-Match": '"1"'})
    assert response.status_code == 200
    assert response.json["address"] == "Ny vei 1" and response.headers["ETag"] == '"2"'
    assert coordinator.patch(path, json={"address": "Ny vei 2"},
                             headers={"If-Match": '"1"'}).status_code == 412
    assert api_as(org.staff_a1).patch(path, json={"address": "x"},
                                      headers={"If-Match": '"2"'}).status_code == 403


def test_moving_a_user_needs_a_coordinator_of_both_teams(api_as, org):
    from homecare.auth.accounts import update_staff

    path = f"/service-users/{org.user_a1.id}"
    coordinator = api_as(org.coordinator_a1)
    body = {"team_id": org.team_a2.id}
    assert coordinator.patch(path, json=body, headers={"If-Match": '"1"'}).status_code == 422
    update_staff(org.coordinator_a1, team_ids=[org.team_a1.id, org.team_a2.id])
    moved = coordinator.patch(path, json=body, headers={"If-Match": '"1"'})
    assert moved.status_code == 200 and moved.json["team_id"] == org.team_a2.id
    assert api_as(org.staff_a1).get(path).status_code == 404
    assert api_as(org.staff_a2).get(path).status_code == 200


def test_assigning_responsible_contacts_keeps_the_history(api_as, org):
    coordinator = api_as(org.coordinator_a1)
    path = f"/service-users/{org.user_a1.id}"
    first = (utcnow() - timedelta(days=3)).isoformat()
    response = coordinator.put(f"{path}/responsible-contact",
                               json={"staff_id": org.staff_a1.id, "from": first})
    assert response.status_code == 200 and response.json["to"] is None
    coordinator.put(f"{path}/responsible-contact", json={"staff_id": org.coordinator_a1.id})
    history = api_as(org.staff_a1).get(f"{path}/responsible-contacts").json
    assert [h["staff_id"] for h in history] == [org.staff_a1.id, org.coordinator_a1.id]
    assert history[0]["to"] == history[1]["from"]
    assert api_as(org.staff_a1).get(path).json["responsible_contact"] == org.coordinator_a1.id


@pytest.mark.parametrize(("body", "field"), [
    ({"staff_id": "me"}, "staff_id"),
    ({"staff_id": 12345}, "staff_id"),
    ({"staff_id": 1, "from": "2026-01-01T10:00:00"}, "from"),
])
def test_bad_contact_assignments_are_422s(api_as, org, body, field):
    response = api_as(org.coordinator_a1).put(
        f"/service-users/{org.user_a1.id}/responsible-contact", json=body)
    assert response.status_code == 422
    assert field in response.json["errors"]["json"]


def test_a_contact_from_another_team_is_refused(api_as, org):
    response = api_as(org.coordinator_a1).put(
        f"/service-users/{org.user_a1.id}/responsible-contact", json={"staff_id": org.staff_b1.id})
    assert response.status_code == 422
    assert response.json["errors"]["json"]["staff_id"] == [
        "Tjenesteansvarlig må være medlem av brukerens team."]


def test_the_access_log_shows_who_read_and_changed_the_record(api_as, org):
    path = f"/service-users/{org.user_a1.id}"
    api_as(org.staff_a1).get(path)
    api_as(org.coordinator_a1).patch(path, json={"needs_proxy": True}, headers={"If-Match": '"1"'})
    log = api_as(org.coordinator_a1).get(f"{path}/access-log").json
    assert log[0]["action"] == "update" and log[0]["staff_id"] == org.coordinator_a1.id
    assert log[0]["what"] == "service_users: needs_proxy" and log[0]["role"] == "coordinator"
    read = next(e for e in log if e["action"] == "read")
    assert (read["staff_name"], read["what"]) == ("Test staff.a1", "service_users: record")
    assert api_as(org.staff_a1).get(f"{path}/access-log").status_code == 403
    assert api_as(org.staff_a2).get(f"{path}/access-log").status_code == 404


def test_a_national_id_is_searched_outside_the_url(api_as, org):
    staff, number = api_as(org.staff_a1), org.user_a1.national_id
    in_url = staff.get(f"/service-users?q={number}")
    assert in_url.status_code == 422 and "X-National-Id" in in_url.json["errors"]["json"]["q"][0]
    by_header = staff.get("/service-users", headers={"X-National-Id": number})
    assert [u["id"] for u in by_header.json] == [str(org.user_a1.id)]
    assert staff.get("/service-users", headers={"X-National-Id": "01019012345"}).json == []
    by_body = staff.post("/service-users/search", json={"national_id": number})
    assert [u["id"] for u in by_body.json] == [str(org.user_a1.id)]
    # Another team's user is not found by number either.
    other = staff.post("/service-users/search", json={"national_id": org.user_b1.national_id})
    assert other.status_code == 200 and other.json == []


def test_lists_show_a_reduced_record_and_the_single_endpoint_the_whole(api_as, org):
    number = org.user_a1.national_id
    listed = api_as(org.staff_a1).get("/service-users").json[0]
    assert "next_of_kin" not in listed
    assert listed["national_id"] == number[:6] + "*****"
    assert api_as(org.coordinator_a1).get("/service-users").json[0]["national_id"] == number
    whole = api_as(org.staff_a1).get(f"/service-users/{org.user_a1.id}").json
    assert whole["national_id"] == number and "next_of_kin" in whole
