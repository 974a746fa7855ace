"""The user's journal: what was written is read somewhere (issue 31).

Visit notes and follow-up notes appeared on no screen, and the user's answers showed as
«Nei · Ja · Ja» with no question beside them.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import sqlalchemy as sa

from homecare.core.audit import AuditEntry
from homecare.core.extensions import db
from homecare.core.timeutil import local_today, local_zone
from homecare.decisions.services import record_decision
from homecare.goals.services import change_goal_status, create_goal, record_check_in
from homecare.service_users.services import assign_responsible_contact
from homecare.visits.services import create_visit
from homecare.what_matters.services import record_conversation
from tests.api.test_query_counts import counted
from tests.factories import make_user
from tests.helpers import sign_in


def at(days_ago: int, hour: int = 10) -> datetime:
    return datetime.combine(local_today() - timedelta(days=days_ago), time(hour),
                            tzinfo=local_zone())


def a_written_record(org, visits: int = 1):
    """A user whose record holds one of everything, a day apart, the oldest first."""
    today = local_today()
    user = make_user(org.team_a1, full_name="Astrid Berg", start=today - timedelta(days=60))
    assign_responsible_contact(user, org.staff_a1, at(30))
    record_conversation(user=user, recorded_by=org.staff_a1,
                        conversation_date=today - timedelta(days=20), asked_by=org.staff_a1,
                        present=["user"], in_own_words="Å klare trappa selv.")
    goal = create_goal(user=user, created_by=org.staff_a1, description="Gå trappa",
                       expressed_by="user", start_date=today - timedelta(days=15))
    record_decision(user=user, created_by=org.coordinator_a1,
                    decided_on=today - timedelta(days=10), participants=[org.coordinator_a1],
                    user_participated=True, goal_statement="Klare trappa",
                    services="Trening", reasons="Vil bo hjemme",
                    valid_from=today - timedelta(days=10), review_on=today + timedelta(days=80))
    record_check_in(goal=goal, recorded_by=org.staff_a1, date=today - timedelta(days=5),
                    performance=4, got_expected_help="no", could_influence="partly",
                    satisfied="yes", answered_by="user", note="Trappa var glatt.")
    for day in range(visits):
        create_visit(user=user, staff=org.staff_a1, created_by=org.coordinator_a1,
                     kind="main", planned_start=at(2 + day), planned_minutes=30,
                     status="completed", actual_start=at(2 + day),
                     actual_end=at(2 + day) + timedelta(minutes=40),
                     note=f"Øvde i trappa, dag {day}.")
    change_goal_status(goal, "achieved", on=today - timedelta(days=1))
    return user


def test_the_journal_shows_every_record_newest_first_with_its_words(client, org):
    user = a_written_record(org)
    sign_in(client, "staff.a1")
    page = client.get(f"/users/{user.id}/journal").text
    # (The goal's words show at its closing and at its start: the start is the later.)
    order = [page.index("Mål avsluttet: Nådd"), page.index("Øvde i trappa, dag 0."),
             page.index("Trappa var glatt."), page.index("Vil bo hjemme"),
             page.rindex("«Gå trappa»"), page.index("«Å klare trappa selv.»"),
             page.index("Tjenesteansvarlig: Test staff.a1")]
    assert order == sorted(order)
    # The user's answers with the questions they answer, and whose voice they are.
    answers = page[page.index("Trappa var glatt.") - 1500:page.index("Trappa var glatt.")]
    assert "Fikk du den hjelpen du forventet?</dt><dd>Nei" in answers
    assert "Fikk du påvirke hjelpen?</dt><dd>Delvis" in answers
    assert "Brukeren" in answers
    reads = db.session.scalars(sa.select(AuditEntry.detail).where(
        AuditEntry.service_user_id == user.id, AuditEntry.action == "read")).all()
    assert "journal" in reads


def test_the_journal_filters_by_kind_and_pages(client, org):
    user = a_written_record(org, visits=25)
    sign_in(client, "staff.a1")
    visits = client.get(f"/users/{user.id}/journal?kind=visit").text
    assert "Øvde i trappa, dag 0." in visits and "Trappa var glatt." not in visits
    assert "Øvde i trappa, dag 19." in visits and "Øvde i trappa, dag 20." not in visits
    assert "?kind=visit&amp;page=2" in visits
    older = client.get(f"/users/{user.id}/journal?kind=visit&page=2").text
    assert "Øvde i trappa, dag 24." in older and "Øvde i trappa, dag 19." not in older
    # The user page shows the newest entries and a way to all of them.
    user_page = client.get(f"/users/{user.id}").text
    assert "Øvde i trappa, dag 0." in user_page and f"/users/{user.id}/journal" in user_page


def test_another_teams_journal_is_not_known(client, org):
    sign_in(client, "staff.a1")
    assert client.get(f"/users/{org.user_b1.id}/journal").status_code == 404


def test_the_journal_costs_the_same_for_a_short_or_a_long_record(app, client, org):
    short, long = a_written_record(org, visits=1), a_written_record(org, visits=30)
    sign_in(client, "staff.a1")

    def cost(user):
        with counted(app) as statements:
            assert client.get(f"/users/{user.id}/journal").status_code == 200
        return len(statements)

    assert cost(short) == cost(long)
