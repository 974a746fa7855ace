"""The nurse's pages: today's work and the user page, through the access policy."""

from datetime import datetime, time, timedelta

import sqlalchemy as sa

from homecare.core.audit import AuditEntry
from homecare.core.timeutil import local_today, local_zone
from homecare.extensions import db
from homecare.goals.services import create_goal
from homecare.scheduler.runner import run_job
from homecare.service_users.services import assign_responsible_contact
from homecare.visits.services import create_visit
from homecare.what_matters.services import record_conversation
from tests.conftest import sign_in
from tests.factories import make_user


def a_day_of_work(org):
    today = local_today()
    astrid = make_user(org.team_a1, full_name="Astrid Berg", address="Iladalen 4",
                       start=today - timedelta(days=40))
    assign_responsible_contact(astrid, org.staff_a1)
    record_conversation(user=astrid, recorded_by=org.staff_a1, conversation_date=today,
                        asked_by=org.staff_a1, present=["user"],
                        in_own_words="Å komme meg på kirkekaffen igjen.")
    create_goal(user=astrid, created_by=org.staff_a1, description="Gå til kirken på søndag",
                expressed_by="user", start_date=today - timedelta(days=30))
    create_visit(user=astrid, staff=org.staff_a1, created_by=org.coordinator_a1, kind="main",
                 planned_start=datetime.combine(today, time(23, 0), tzinfo=local_zone()),
                 planned_minutes=30)
    run_job("checkin_prompts", today)
    return astrid


def test_today_lists_visits_follow_ups_and_users_not_asked(client, org):
    a_day_of_work(org)
    sign_in(client, "staff.a1")
    page = client.get("/today").text
    assert "Astrid Berg" in page and "Iladalen 4" in page
    assert "«Gå til kirken på søndag»" in page
    assert "2 dager på overtid" in page
    assert "Hovedbesøk" in page and "Planlagt" in page


def test_the_user_page_puts_what_matters_first_and_logs_the_read(client, org):
    astrid = a_day_of_work(org)
    sign_in(client, "staff.a1")
    page = client.get(f"/users/{astrid.id}").text
    words = page.index("«Å komme meg på kirkekaffen igjen.»")
    assert words < page.index("«Gå til kirken på søndag»") < page.index("Siste besøk")
    assert "Tjenesteansvarlig: Test staff.a1" in page
    assert "Oppfølging på overtid" not in page and "Oppfølging forfalt" in page
    reads = db.session.scalars(sa.select(AuditEntry.detail).where(
        AuditEntry.service_user_id == astrid.id, AuditEntry.action == "read")).all()
    assert "user page" in reads


def test_pages_speak_english_when_chosen(client, org):
    astrid = a_day_of_work(org)
    sign_in(client, "staff.a1")
    client.get("/language/en")
    assert "Follow-ups due" in client.get("/today").text
    assert "What matters to Astrid" in client.get(f"/users/{astrid.id}").text


def test_another_teams_user_is_not_found_and_leaders_have_no_today(client, org):
    astrid = a_day_of_work(org)
    sign_in(client, "staff.b1")
    assert client.get(f"/users/{astrid.id}").status_code == 404
    assert "Astrid" not in client.get("/today").text
    leader = client.application.test_client()
    sign_in(leader, "leader.a")
    assert leader.get("/today").status_code == 403
    assert leader.get(f"/users/{astrid.id}").status_code == 403


def test_recent_visits_are_the_ones_up_to_now(client, org):
    from flask_babel import format_datetime

    today = local_today()
    someone = make_user(org.team_a1, start=today - timedelta(days=10))
    shown = {}
    for name, offset in (("yesterday", -1), ("tomorrow", 1)):
        start = datetime.combine(today + timedelta(days=offset), time(9), tzinfo=local_zone())
        create_visit(user=someone, staff=org.staff_a1, created_by=org.coordinator_a1,
                     kind="main", planned_start=start, planned_minutes=30)
        shown[name] = start
    sign_in(client, "staff.a1")
    page = client.get(f"/users/{someone.id}").text
    with client.application.test_request_context(headers={"Accept-Language": "nb"}):
        yesterday, tomorrow = (format_datetime(shown[n], "short") for n in ("yesterday",
                                                                             "tomorrow"))
    assert yesterday in page and tomorrow not in page
