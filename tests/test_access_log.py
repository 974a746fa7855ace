"""The access log (innsynslogg): every read, every refusal, every account change, and the
pages that make it reviewed (issue 11, item 6)."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from homecare.core.audit import AuditEntry
from homecare.core.extensions import db
from homecare.core.timeutil import local_today, utcnow
from homecare.goals.services import create_goal
from homecare.visits.services import create_visit
from tests.factories import make_user
from tests.helpers import csrf_token_from, sign_in


def _entries(**where) -> list[AuditEntry]:
    query = sa.select(AuditEntry).order_by(AuditEntry.id)
    for name, value in where.items():
        query = query.where(getattr(AuditEntry, name) == value)
    return list(db.session.scalars(query))


def _reads_of(user, detail: str) -> int:
    return len([e for e in _entries(service_user_id=user.id, action="read")
                if e.detail == detail])


# Reads that were missing ---------------------------------------------------------------

def test_each_care_form_logs_a_read_of_the_user(client, org):
    goal = create_goal(user=org.user_a1, created_by=org.staff_a1, description="Gå tur",
                       expressed_by="user", start_date=local_today() - timedelta(days=3))
    visit = create_visit(user=org.user_a1, staff=org.staff_a1, created_by=org.staff_a1,
                         kind="main", planned_start=utcnow() - timedelta(hours=1),
                         planned_minutes=30)
    sign_in(client, "staff.a1")
    pages = {f"/users/{org.user_a1.id}/goals/{goal.id}/check-in": "form: check_in",
             f"/visits/{visit.id}/complete": "form: complete_visit",
             f"/users/{org.user_a1.id}/what-matters/new": "form: what_matters",
             f"/users/{org.user_a1.id}/goals/new": "form: goal"}
    for path, detail in pages.items():
        assert client.get(path).status_code == 200
        assert _reads_of(org.user_a1, detail) == 1, detail


def test_a_refused_form_submission_still_logs_the_read(client, org):
    sign_in(client, "staff.a1")
    path = f"/users/{org.user_a1.id}/goals/new"
    token = csrf_token_from(client.get(path).text)
    assert client.post(path, data={"csrf_token": token}).status_code == 422
    assert _reads_of(org.user_a1, "form: goal") == 2


def test_the_coordinators_forms_log_reads(client, org):
    other = make_user(org.team_a1, full_name="Per Hansen")
    sign_in(client, "coord.a1")
    assert client.get(f"/users/{org.user_a1.id}/contact").status_code == 200
    assert client.get(f"/users/{org.user_a1.id}/decisions/new").status_code == 200
    assert _reads_of(org.user_a1, "form: contact") == 1
    assert _reads_of(org.user_a1, "form: decision") == 1
    # The plan-visit form lists every user of the team with name and address.
    assert client.get(f"/teams/{org.team_a1.id}/planner/new").status_code == 200
    for user in (org.user_a1, other):
        assert _reads_of(user, "list: form: plan visit") == 1


def test_a_repeated_put_logs_the_read_of_what_it_returns(api_as, org):
    api = api_as(org.staff_a1)
    visit_id = uuid.uuid4()
    body = {"service_user_id": str(org.user_a1.id), "staff_id": org.staff_a1.id,
            "kind": "short", "planned_start": (utcnow() + timedelta(hours=2)).isoformat(),
            "planned_minutes": 20}
    assert api.put(f"/visits/{visit_id}", json=body).status_code == 201
    assert api.put(f"/visits/{visit_id}", json=body).status_code == 200
    repeats = [e for e in _entries(entity="visits", action="read")
               if e.detail == "visits (repeated PUT)"]
    assert [e.entity_id for e in repeats] == [str(visit_id)]


# Refusals leave a trace ----------------------------------------------------------------

def test_probing_another_teams_user_is_logged_though_it_answers_404(client, api_as, org):
    assert api_as(org.staff_a2).get(f"/service-users/{org.user_a1.id}").status_code == 404
    sign_in(client, "staff.a2")
    assert client.get(f"/users/{org.user_a1.id}").status_code == 404
    refused = _entries(action="refused", service_user_id=org.user_a1.id)
    assert [(e.actor_id, e.detail) for e in refused] == [
        (org.staff_a2.id, f"view GET /api/v1/service-users/{org.user_a1.id}"),
        (org.staff_a2.id, f"view GET /users/{org.user_a1.id}")]


def test_naming_another_teams_user_in_a_body_is_logged(api_as, org):
    answer = api_as(org.staff_a2).post("/goals", json={
        "service_user_id": str(org.user_a1.id), "description": "Gå tur",
        "expressed_by": "user", "start_date": str(local_today())})
    assert answer.status_code == 422
    assert len(_entries(action="refused", service_user_id=org.user_a1.id)) == 1


# Account administration is logged ------------------------------------------------------

def test_account_administration_is_logged(client, org):
    sign_in(client, "admin")
    token = csrf_token_from(client.get("/admin/staff/new").text)
    created = client.post("/admin/staff/new", data={
        "username": "ny.sykepleier", "full_name": "Ny Sykepleier",
        "password": "et langt og godt passord", "role": "staff", "profession": "nurse",
        "team_ids": [org.team_a1.id], "active": "y", "csrf_token": token})
    assert created.status_code == 302
    path = f"/admin/staff/{org.staff_a1.id}"
    token = csrf_token_from(client.get(path).text)
    client.post(f"{path}/password", data={"new_password": "helt-nytt-passord",
                                           "csrf_token": token})
    rows = [(e.action, e.detail, e.actor_id) for e in _entries(entity="staff")]
    assert ("create", None, org.admin.id) in rows
    assert ("update", "must_change_password, password", org.admin.id) in rows


def test_signing_in_is_not_an_account_change(client, org):
    before = len(_entries(entity="staff"))
    sign_in(client, "staff.a1")
    assert len(_entries(entity="staff")) == before


def test_truncate_cannot_empty_the_log(app, dialect, request, org):
    # SQLite has no TRUNCATE; its nearest, DELETE without WHERE, must be refused too.
    statement = "TRUNCATE audit_log" if dialect == "postgresql" else "DELETE FROM audit_log"
    connection = request.node.db_connection
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), connection.begin_nested():
        connection.exec_driver_sql(statement)


# The pages that make the log reviewed --------------------------------------------------

def test_a_coordinator_sees_who_read_a_record_filtered_by_person_and_date(client, api_as, org):
    api_as(org.staff_a1).get(f"/service-users/{org.user_a1.id}")
    sign_in(client, "coord.a1")
    path = f"/users/{org.user_a1.id}/access-log"
    everyone = client.get(path)
    assert everyone.status_code == 200 and org.staff_a1.full_name in everyone.text
    only_coordinator = client.get(f"{path}?staff_id={org.coordinator_a1.id}")
    assert org.staff_a1.full_name not in only_coordinator.text.split("<tbody>")[1]
    tomorrow = local_today() + timedelta(days=1)
    later = client.get(f"{path}?from={tomorrow}&to={tomorrow}")
    assert "Ingenting i denne perioden" in later.text
    bad = client.get(f"{path}?from=0001-01-01&to=9999-12-31")
    assert bad.status_code == 200 and "Velg hver dato i kalenderen, fra 01.01.2000." in bad.text
    too_long = client.get(f"{path}?from=2001-01-01&to={local_today()}")
    assert "høyst et år" in too_long.text
    assert _reads_of(org.user_a1, "access log") == 5


def test_only_the_users_coordinators_see_the_log(client, org):
    for username, status in (("staff.a1", 403), ("coord.a1", 200)):
        sign_in(client, username)
        assert client.get(f"/users/{org.user_a1.id}/access-log").status_code == status
        client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/").text)})
    sign_in(client, "coord.a1")
    assert client.get(f"/users/{org.user_b1.id}/access-log").status_code == 404


def test_the_printable_report_names_who_when_and_what(client, api_as, org):
    api_as(org.staff_a1).get(f"/service-users/{org.user_a1.id}")
    sign_in(client, "coord.a1")
    report = client.get(f"/users/{org.user_a1.id}/access-report")
    assert report.status_code == 200
    assert org.staff_a1.full_name in report.text and "Teammedlem" in report.text
    assert org.user_a1.national_id not in report.text
    assert _reads_of(org.user_a1, "access report") == 1


def test_the_administrator_sees_unusual_reads_refusals_and_failed_sign_ins(client, api_as, org):
    # staff_a1 opens user_a1's record without any reason; a teammate with a visit does too.
    api_as(org.staff_a1).get(f"/service-users/{org.user_a1.id}")
    colleague = org.coordinator_a1  # coordinators' reads are within their role
    api_as(colleague).get(f"/service-users/{org.user_a1.id}")
    api_as(org.staff_a2).get(f"/service-users/{org.user_a1.id}")  # refused: another team
    client.post("/api/v1/tokens", json={"username": "staff.b1", "password": "feil passord"})
    sign_in(client, "admin")
    page = client.get("/admin/access-review")
    assert page.status_code == 200
    unusual = page.text.split("<h2>")[1]
    assert org.staff_a1.full_name in unusual and str(org.user_a1.id) in unusual
    assert colleague.full_name not in unusual
    assert org.user_a1.full_name not in page.text  # administrators see no user names
    assert org.staff_a2.full_name in page.text.split("<h2>")[2]
    assert "staff.b1" in page.text.split("<h2>")[3]
    # The page names the user by id: the administrator's look is in the log too.
    assert [e.actor_id for e in _entries(service_user_id=org.user_a1.id, action="read")
            if e.detail == "list: access review"] == [org.admin.id]


def test_a_visit_makes_a_read_usual(client, api_as, org):
    create_visit(user=org.user_a1, staff=org.staff_a1, created_by=org.coordinator_a1,
                 kind="main", planned_start=utcnow() + timedelta(hours=2), planned_minutes=30)
    api_as(org.staff_a1).get(f"/service-users/{org.user_a1.id}")
    sign_in(client, "admin")
    unusual = client.get("/admin/access-review").text.split("<h2>")[1]
    assert org.staff_a1.full_name not in unusual


# Issue 33, N4 and L1: a list filtered to one user is a look at that user -------------

ONE_USERS_LISTS = ("visits", "goals", "decisions")


def test_a_list_filtered_to_one_user_is_a_read_of_that_user(client, api_as, org):
    # N4: these lists gave one user's whole record, logged only as "list: …", which the
    # administrator's review ignored.
    staff = api_as(org.staff_a1)
    for listed in ONE_USERS_LISTS:
        assert staff.get(f"/{listed}?service_user_id={org.user_a1.id}").status_code == 200
        assert _reads_of(org.user_a1, listed) == 1, listed
    found = staff.get(f"/service-users?q={org.user_a1.full_name.split()[0]}")
    assert org.user_a1.id in {uuid.UUID(u["id"]) for u in found.json}
    assert _reads_of(org.user_a1, "search") == 1
    staff.post("/service-users/search", json={"national_id": org.user_a1.national_id})
    assert _reads_of(org.user_a1, "search") == 2
    # The administrator's review counts them as records opened, and the user's report
    # shows them.
    sign_in(client, "admin")
    unusual = client.get("/admin/access-review").text.split("<h2>")[1]
    assert org.staff_a1.full_name in unusual and str(org.user_a1.id) in unusual
    coordinator = client.application.test_client()
    sign_in(coordinator, "coord.a1")
    report = coordinator.get(f"/users/{org.user_a1.id}/access-report").text
    assert org.staff_a1.full_name in report


def test_a_list_naming_another_teams_user_is_404_and_logged(api_as, org):
    # L1: /visits?service_user_id=<another team's user> answered 200 with an empty list.
    staff = api_as(org.staff_a1)
    for listed in ONE_USERS_LISTS:
        assert staff.get(f"/{listed}?service_user_id={org.user_b1.id}").status_code == 404
    refused = _entries(service_user_id=org.user_b1.id, action="refused")
    assert len(refused) == len(ONE_USERS_LISTS)
    assert {e.actor_id for e in refused} == {org.staff_a1.id}


def test_another_teams_referral_by_address_or_change_is_logged(api_as, org):
    # L1: a referral of another team, by URL or PATCH, answered 404 and left no trace.
    from homecare.intake.services import record_referral

    referral = record_referral(team=org.team_b1, created_by=org.staff_b1,
                               received_on=local_today(), source="gp", person_name="Per B",
                               need="Sårstell", today=local_today())
    staff = api_as(org.staff_a1)
    assert staff.get(f"/referrals/{referral.id}").status_code == 404
    assert staff.patch(f"/referrals/{referral.id}", json={"closed_reason": "x"},
                       headers={"If-Match": '"1"'}).status_code == 404
    refused = _entries(entity="referrals", action="refused")
    assert [(e.entity_id, e.actor_id) for e in refused] == [(str(referral.id),
                                                             org.staff_a1.id)] * 2


# Issue 31: the access report a person is entitled to reads as words -----------------

CODE_WORDS = ("_", "list:", "form:", "service_users", "next_of_kin", "valid_to", "GET ",
              "/api/", "(kept on tablet)", "repeated PUT", "check-ins")


def test_the_access_report_names_what_was_read_or_changed_in_words(client, api_as, org):
    from homecare.service_users.services import assign_responsible_contact

    staff, coordinator = api_as(org.staff_a1), api_as(org.coordinator_a1)
    visit = create_visit(user=org.user_a1, staff=org.staff_a1, created_by=org.staff_a1,
                         kind="main", planned_start=utcnow() - timedelta(hours=1),
                         planned_minutes=30)
    staff.get(f"/service-users/{org.user_a1.id}")
    staff.get("/service-users")
    staff.get(f"/visits?service_user_id={org.user_a1.id}")
    staff.post("/service-users/search", json={"national_id": org.user_a1.national_id})
    etag = staff.get(f"/visits/{visit.id}").headers["ETag"]
    start = utcnow() - timedelta(minutes=50)
    staff.patch(f"/visits/{visit.id}", headers={"If-Match": etag}, json={
        "status": "completed", "actual_start": start.isoformat(),
        "actual_end": (start + timedelta(minutes=30)).isoformat(), "note": "Gikk fint"})
    api_as(org.staff_b1).get(f"/service-users/{org.user_a1.id}")   # refused
    assign_responsible_contact(org.user_a1, org.staff_a1)
    assign_responsible_contact(org.user_a1, org.coordinator_a1)
    coordinator.get(f"/service-users/{org.user_a1.id}/access-log")
    sign_in(client, "staff.a1")
    for page in (f"/users/{org.user_a1.id}", f"/users/{org.user_a1.id}/journal",
                 f"/users/{org.user_a1.id}/plan", "/today",
                 f"/users/{org.user_a1.id}/what-matters/new"):
        client.get(page)
    reader = client.application.test_client()
    sign_in(reader, "coord.a1")
    report = reader.get(f"/users/{org.user_a1.id}/access-report").text
    body = report.split("<tbody>")[1].split("</tbody>")[0]
    whats = [re.sub(r"<[^>]+>", "", row.split("<td>")[-1]).strip()
             for row in body.split("</tr>") if "<td>" in row]
    assert len(whats) >= 15
    leaks = [what for what in whats if any(word in what for word in CODE_WORDS)]
    assert not leaks, leaks
    assert "besøk: tidspunkter, notat, status" in whats
    assert "brukerens opplysninger: forsøket ble avvist" in whats
    assert "et søk som fant brukeren" in whats and "journalen" in whats
