"""Real FHIR clients from PyPI against the running server: ``fhirclient`` (SMART on FHIR)
and ``fhirpy``, over HTTP to a live server on a free port (as tests/browser does)."""

from __future__ import annotations

import threading
from datetime import datetime, time, timedelta

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from homecare import create_app
from homecare.core.database import sqlite_turn
from homecare.core.extensions import db
from homecare.core.timeutil import local_today, local_zone
from tests.databases import fresh_database

VISITS = 7


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app on a fresh SQLite database with one user's record, served on a free port
    whose address is the configured public address; and a nurse's bearer token."""
    from homecare.auth.tokens import issue_token
    from homecare.goals.services import create_goal, record_check_in
    from homecare.service_users.services import assign_responsible_contact, update_service_user
    from homecare.visits.services import create_visit
    from tests import factories

    with fresh_database("sqlite", tmp_path_factory.mktemp("fhir")) as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "HOMECARE_ALLOW_SYNTHETIC_IDS": True})
        http = make_server("127.0.0.1", 0, app, threaded=True)
        base = f"http://127.0.0.1:{http.server_port}"
        app.config["HOMECARE_BASE_URL"] = base
        with app.app_context():
            upgrade()
            org = factories.organisation()
            user, nurse = org.user_a1, org.staff_a1
            update_service_user(user, given_name="Kari", middle_name="Nordby",
                                family_name="Nordmann", gender="female",
                                next_of_kin=[{"name": "Eva", "relation": "datter",
                                              "phone": "91234567"}])
            assign_responsible_contact(user, nurse)
            today = local_today()
            goal = create_goal(user=user, created_by=nurse, description="Gå til butikken",
                               expressed_by="user", start_date=today - timedelta(days=20))
            record_check_in(goal=goal, recorded_by=nurse, date=today, performance=6,
                            satisfaction=7, got_expected_help="yes", could_influence="yes",
                            satisfied="partly")
            for day in range(VISITS):
                start = datetime.combine(today - timedelta(days=day + 1), time(9),
                                         tzinfo=local_zone())
                create_visit(user=user, staff=nurse, created_by=org.coordinator_a1,
                             kind="main", planned_start=start, planned_minutes=30,
                             status="completed", actual_start=start,
                             actual_end=start + timedelta(minutes=25))
            token = issue_token(nurse)[0]
            facts = {"user": str(user.id), "goal": str(goal.id), "token": token,
                     "national_id": user.national_id, "other": str(org.user_b1.id)}
            db.session.commit()
            db.session.remove()
        thread = threading.Thread(target=http.serve_forever, daemon=True)
        thread.start()
        try:
            yield {"base": f"{base}/fhir/R4", "app": app, **facts}
        finally:
            http.shutdown()
            thread.join()
            with app.app_context(), sqlite_turn():
                db.engine.dispose()


def test_fhirclient_prepares_reads_and_searches(server):
    from fhirclient import client
    from fhirclient.models.encounter import Encounter
    from fhirclient.models.goal import Goal
    from fhirclient.models.patient import Patient
    from fhirclient.models.relatedperson import RelatedPerson

    smart = client.FHIRClient(settings={"app_id": "homecare-test", "api_base": server["base"]})
    assert smart.prepare() is True  # fetched and parsed GET /metadata
    statement = smart.server.capabilityStatement
    assert statement.fhirVersion == "4.0.1"
    assert {r.type for r in statement.rest[0].resource} >= {"Patient", "Goal", "Encounter"}
    smart.server.session.headers["Authorization"] = f"Bearer {server['token']}"

    patient = Patient.read(server["user"], smart.server)
    assert (patient.name[0].family, patient.name[0].given, patient.gender) == (
        "Nordmann", ["Kari"], "female")
    assert patient.name[0].extension[0].valueString == "Nordby"
    goal = Goal.read(server["goal"], smart.server)
    assert goal.description.text == "Gå til butikken"
    active = list(Goal.where(struct={"patient": server["user"], "lifecycle-status": "active"})
                  .perform_resources_iter(smart.server))
    assert [g.id for g in active] == [server["goal"]]
    assert list(Goal.where(struct={"patient": server["user"], "lifecycle-status": "cancelled"})
                .perform_resources_iter(smart.server)) == []
    # perform_resources_iter follows the next links: 7 visits, 3 a page.
    visits = list(Encounter.where(struct={"patient": server["user"], "_count": "3"})
                  .perform_resources_iter(smart.server))
    assert len(visits) == VISITS and len({v.id for v in visits}) == VISITS
    kin = list(RelatedPerson.where(struct={"patient": server["user"]})
               .perform_resources_iter(smart.server))
    assert [k.relationship[0].text for k in kin] == ["datter"]
    hidden = Goal.where(struct={"patient": server["other"]}).perform_resources_iter(smart.server)
    assert list(hidden) == []


def test_fhirpy_reads_pages_to_the_end_and_runs_everything_by_get_and_post(server):
    from fhirpy import SyncFHIRClient
    from fhirpy.base.exceptions import ResourceNotFound

    fhir = SyncFHIRClient(server["base"], authorization=f"Bearer {server['token']}")
    patient = fhir.reference("Patient", server["user"]).to_resource()
    assert patient["name"][0]["family"] == "Nordmann"
    with pytest.raises(ResourceNotFound):
        fhir.reference("Patient", server["other"]).to_resource()

    encounters = fhir.resources("Encounter").search(patient=server["user"]).sort("-date")
    paged = encounters.limit(2).fetch_all()  # follows next links: 4 pages of 2
    assert len(paged) == VISITS
    starts = [e["period"]["start"] for e in paged]
    assert starts == sorted(starts, reverse=True)
    assert encounters.count() == VISITS  # _count=0 and an unknown _totalMethod, ignored

    by_get = fhir.reference("Patient", server["user"]).execute(
        "$everything", method="get", params={"_count": 4})
    pages, entries = 1, list(by_get["entry"])
    page = by_get
    while next_link := next((link["url"] for link in page["link"]
                             if link["relation"] == "next"), None):
        page = fhir.execute(next_link, method="get")
        entries += page["entry"]
        pages += 1
    assert by_get["type"] == "searchset" and len(entries) == by_get["total"] and pages > 2
    by_post = fhir.reference("Patient", server["user"]).execute("$everything")  # POST
    assert by_post["total"] == by_get["total"]
    assert [e["fullUrl"] for e in by_post["entry"]] == [e["fullUrl"] for e in entries][
        :len(by_post["entry"])]
    assert all(e["fullUrl"].startswith(server["base"] + "/") for e in entries)
