"""Names and addresses in parts, gender, coded next-of-kin relations, HPR and organisation
numbers: through the services, the API and the admin pages."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from homecare.core.errors import ValidationFailed
from homecare.core.extensions import db
from homecare.org.models import Staff, Team
from homecare.service_users.kin import read_relationship
from homecare.service_users.models import Gender, KinRelationship
from homecare.service_users.services import update_service_user
from tests.factories import make_user, synthetic_national_id
from tests.helpers import csrf_token_from, sign_in

STRUCTURED = {"given_name": "Kari", "middle_name": "Nordby", "family_name": "Hansen",
              "address_line": "Bjølsengata 12 B", "postal_code": "0468", "city": "Oslo",
              "district": "sagene"}


def test_parts_make_the_whole_name_and_address_and_are_kept_as_entered(org):
    user = make_user(org.team_a1, full_name=None, address=None, gender="female", **STRUCTURED)
    assert (user.full_name, user.given_name, user.middle_name, user.family_name) == (
        "Kari Nordby Hansen", "Kari", "Nordby", "Hansen")
    assert user.address == "Bjølsengata 12 B, 0468 Oslo"
    # Oslo the postal place is Oslo the municipality; the district as Oslo writes it.
    assert (user.municipality_number, user.district, user.gender) == ("0301", "Sagene",
                                                                     Gender.FEMALE)


def test_a_whole_name_tells_its_parts_only_when_it_has_two_words(org):
    two = make_user(org.team_a1, full_name="Ola Nordmann", address="Vei 1")
    three = make_user(org.team_a1, full_name="Anne Marie Berg", address="Torshovgata 3, 0476 Oslo")
    assert (two.given_name, two.middle_name, two.family_name) == ("Ola", None, "Nordmann")
    assert (three.given_name, three.middle_name, three.family_name) == (None, None, None)
    assert (two.address_line, two.postal_code) == (None, None)
    assert (three.address_line, three.postal_code, three.city, three.municipality_number,
            three.district) == ("Torshovgata 3", "0476", "Oslo", "0301", None)


@pytest.mark.parametrize(("fields", "bad"), [
    ({"given_name": "Kari", "address": "Vei 1"}, {"family_name"}),
    ({"address_line": "Vei 1", "postal_code": "468", "city": "Oslo"}, {"postal_code"}),
    ({"address_line": "Vei 1", "postal_code": "0468", "city": "Oslo", "district": "Bærum"},
     {"district"}),
    ({"address_line": "Vei 1", "postal_code": "5003", "city": "Bergen", "district": "Årstad"},
     {"municipality_number"}),
    ({"address_line": "Vei 1", "postal_code": "0468", "city": "Oslo",
      "municipality_number": "301"}, {"municipality_number"}),
    ({"postal_code": "0468"}, {"address_line", "city"}),
    ({"gender": "woman", "address": "Vei 1"}, {"gender"}),
])
def test_bad_parts_are_refused_on_their_fields_and_nothing_is_written(org, fields, bad):
    from homecare.service_users.models import ServiceUser

    before = db.session.scalar(sa.select(sa.func.count()).select_from(ServiceUser))
    with pytest.raises(ValidationFailed) as refused:
        make_user(org.team_a1, **{"full_name": "Kari Hansen", "address": None, **fields})
    assert set(refused.value.errors) == bad
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ServiceUser)) == before


def test_a_municipality_without_known_districts_takes_the_district_as_given(org):
    user = make_user(org.team_a1, full_name="Per Berg", address=None,
                     address_line="Fjøsangerveien 50", postal_code="5059", city="Bergen",
                     municipality_number="4601", district="Årstad")
    assert (user.municipality_number, user.district) == ("4601", "Årstad")


def test_changing_parts_remakes_the_line_and_a_new_whole_name_brings_its_own_parts(org):
    user = make_user(org.team_a1, full_name=None, address=None, **STRUCTURED)
    update_service_user(user, middle_name=None, address_line="Bjølsengata 14")
    assert (user.full_name, user.address) == ("Kari Hansen", "Bjølsengata 14, 0468 Oslo")
    assert user.district == "Sagene"
    update_service_user(user, full_name="Kari Olsen Berg")
    assert (user.given_name, user.family_name) == (None, None)
    update_service_user(user, address="Maridalsveien 3, 0178 Oslo")
    # The same municipality read from the new line: the district stays.
    assert (user.address_line, user.postal_code, user.district) == (
        "Maridalsveien 3", "0178", "Sagene")
    update_service_user(user, address="Hos datteren")
    assert (user.address_line, user.municipality_number, user.district) == (None, None, None)


@pytest.mark.parametrize(("words", "code"), [
    ("datter", KinRelationship.DAUGHTER), ("Sønn", KinRelationship.SON),
    ("eldste datter", KinRelationship.DAUGHTER), ("nabo (2. etasje)", KinRelationship.NEIGHBOUR),
    ("samboer", KinRelationship.PARTNER), ("venninne", KinRelationship.FRIEND),
    ("hjemmehjelpens tante", None), ("", None)])
def test_a_relation_in_words_is_coded_where_the_words_name_one(words, code):
    assert read_relationship(words) == code


def test_next_of_kin_keep_their_words_and_a_given_code_wins(org):
    user = make_user(org.team_a1, next_of_kin=[
        {"name": "Eva", "relation": "datter", "phone": "91234567"},
        {"name": "Tor", "relation": "god hjelper", "phone": "92345678",
         "relationship": "neighbour"},
        {"name": "Liv", "relation": "tante", "phone": "93456789"}])
    assert [(k.relation, k.relationship) for k in user.next_of_kin] == [
        ("datter", KinRelationship.DAUGHTER), ("god hjelper", KinRelationship.NEIGHBOUR),
        ("tante", None)]


def test_the_api_takes_and_gives_the_parts_and_still_the_whole(api_as, org):
    coordinator = api_as(org.coordinator_a1)
    body = {"national_id": synthetic_national_id(), "team_id": org.team_a1.id,
            "service_type": "long_term", "service_start": "2026-01-05", "gender": "male",
            "given_name": "Per", "middle_name": "Olav", "family_name": "Berg",
            "address_line": "Åsengata 4", "postal_code": "0480", "city": "Oslo",
            "district": "Sagene"}
    created = coordinator.post("/service-users", json=body)
    assert created.status_code == 201, created.json
    got = created.json
    assert (got["full_name"], got["address"], got["municipality_number"], got["gender"]) == (
        "Per Olav Berg", "Åsengata 4, 0480 Oslo", "0301", "male")
    path = f"/service-users/{got['id']}"
    changed = coordinator.patch(path, json={"district": "Bærum"}, headers={"If-Match": '"1"'})
    assert changed.status_code == 422 and "district" in changed.json["errors"]["json"]
    neither = coordinator.post("/service-users", json={
        **{k: v for k, v in body.items() if k not in STRUCTURED and k != "address_line"},
        "national_id": synthetic_national_id(), "address": "Vei 1"})
    assert neither.status_code == 422 and "full_name" in neither.json["errors"]["json"]
    listed = coordinator.get("/service-users?q=Olav").json[0]
    assert (listed["given_name"], listed["district"]) == ("Per", "Sagene")


def test_the_openapi_document_describes_the_new_fields(client):
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    user = schemas["ServiceUser"]["properties"]
    assert {"given_name", "middle_name", "family_name", "gender", "address_line", "postal_code",
            "city", "municipality_number", "district"} <= set(user)
    assert "relationship" in schemas["NextOfKin"]["properties"]
    assert "hpr_number" in schemas["Staff"]["properties"]
    assert "organisation_number" in schemas["Team"]["properties"]


def test_hpr_and_organisation_numbers_through_the_org_api(api_as, org):
    admin = api_as(org.admin)
    team = admin.post("/teams", json={"name": "Team Ny", "section_id": org.section_a.id,
                                      "organisation_number": "974 760 673"})
    assert team.status_code == 201 and team.json["organisation_number"] == "974760673"
    bad = admin.patch(f"/teams/{team.json['id']}", json={"organisation_number": "974760674"})
    assert bad.status_code == 422 and "organisation_number" in bad.json["errors"]["json"]
    cleared = admin.patch(f"/teams/{team.json['id']}", json={"organisation_number": None})
    assert cleared.json["organisation_number"] is None
    staff = admin.post("/staff", json={
        "username": "ny.sykepleier", "password": "long-enough-password", "full_name": "Ny S",
        "role": "staff", "team_ids": [org.team_a1.id], "hpr_number": "9144889"})
    assert staff.status_code == 201 and staff.json["hpr_number"] == "9144889"
    again = admin.patch(f"/staff/{org.staff_a1.id}", json={"hpr_number": "9144889"})
    assert again.status_code == 422 and "hpr_number" in again.json["errors"]["json"]
    letters = admin.patch(f"/staff/{org.staff_a1.id}", json={"hpr_number": "12ab"})
    assert letters.status_code == 422


def test_administrators_set_hpr_and_organisation_numbers_on_the_pages(client, org):
    sign_in(client, org.admin.username)
    page = client.get(f"/admin/staff/{org.staff_a1.id}")
    assert 'name="hpr_number"' in page.text
    saved = client.post(f"/admin/staff/{org.staff_a1.id}", data={
        "csrf_token": csrf_token_from(page.text), "full_name": org.staff_a1.full_name,
        "role": "staff", "profession": "nurse", "section_id": "None",
        "team_ids": str(org.team_a1.id), "active": "y", "hpr_number": "1234567"})
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Staff, org.staff_a1.id).hpr_number == "1234567"
    assert 'value="1234567"' in client.get(f"/admin/staff/{org.staff_a1.id}").text
    page = client.get(f"/admin/teams/{org.team_b1.id}")
    refused = client.post(f"/admin/teams/{org.team_b1.id}", data={
        "csrf_token": csrf_token_from(page.text), "name": "Team B1",
        "section_id": str(org.section_b.id), "organisation_number": "123"})
    assert refused.status_code == 422 and "9" in refused.text
    client.post(f"/admin/teams/{org.team_b1.id}", data={
        "csrf_token": csrf_token_from(page.text), "name": "Team B1",
        "section_id": str(org.section_b.id), "organisation_number": "974760673"})
    db.session.expire_all()
    assert db.session.get(Team, org.team_b1.id).organisation_number == "974760673"
