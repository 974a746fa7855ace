"""Queries per request do not grow with the number of records shown."""

from contextlib import contextmanager
from datetime import timedelta

import sqlalchemy as sa

from homecare.core.extensions import db
from homecare.core.timeutil import local_today, utcnow
from homecare.decisions.services import record_decision
from homecare.goals.services import create_goal
from homecare.visits.services import create_visit
from tests.factories import make_user

PATHS = ("/service-users", "/goals", "/visits", "/decisions")


@contextmanager
def counted(app):
    statements = []

    def count(*_args):
        statements.append(1)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def queries_for(app, client, path):
    with counted(app) as statements:
        response = client.get(path)
    assert response.status_code == 200
    return len(statements)


def add_users_with_records(org, how_many):
    today, start = local_today(), utcnow() - timedelta(hours=2)
    for _ in range(how_many):
        user = make_user(org.team_a1, next_of_kin=[{"name": "K", "relation": "datter",
                                                    "phone": "9"}])
        create_goal(user=user, created_by=org.staff_a1, description="Mål",
                    expressed_by="user", start_date=today - timedelta(days=30))
        create_visit(user=user, staff=org.staff_a1, created_by=org.coordinator_a1,
                     kind="main", planned_start=start, planned_minutes=30)
        record_decision(user=user, created_by=org.coordinator_a1, decided_on=today,
                        participants=[org.coordinator_a1, org.staff_a1],
                        user_participated=True, goal_statement="Mål", services="T",
                        reasons="G", valid_from=today, review_on=today)


def test_list_endpoints_cost_the_same_for_few_or_many_records(app, api_as, org):
    client = api_as(org.coordinator_a1)
    add_users_with_records(org, 2)
    few = {path: queries_for(app, client, path) for path in PATHS}
    add_users_with_records(org, 25)
    many = {path: queries_for(app, client, path) for path in PATHS}
    assert many == few
    assert max(many.values()) <= 15, many
