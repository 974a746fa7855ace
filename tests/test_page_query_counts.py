"""The nurse's, coordinator's and leader's pages cost the same number of queries for a
team of a few users as for one of many (issue 31 added flags to the day's visit rows and
the conversation about the numbers to the board and the dashboards)."""

from __future__ import annotations

from homecare.core.extensions import db
from homecare.core.timeutil import local_today
from homecare.readings.services import write_reading
from tests.api.test_query_counts import add_users_with_records, counted
from tests.helpers import sign_in


def _with_readings(org, how_many: int) -> None:
    for i in range(how_many):
        comment = write_reading(team=org.team_a1, author=org.staff_a1, indicator="user_voice",
                                text=f"Lesning {i}", today=local_today())
        write_reading(team=org.team_a1, author=org.leader_a, indicator="user_voice",
                      text=f"Svar {i}", today=local_today(), answers_id=comment.id)
        write_reading(team=org.team_a1, author=org.leader_a, indicator="contact_share",
                      text=f"Spørsmål {i}", today=local_today())


def _pages(org) -> dict[str, tuple[str, str]]:
    return {"today": ("staff.a1", "/today"),
            "worklist": ("staff.a1", "/api/v1/worklist"),
            "board": ("coord.a1", f"/teams/{org.team_a1.id}/board"),
            "board, every reminder": ("coord.a1", f"/teams/{org.team_a1.id}/board?show="
                                      "checkin_due&show=no_responsible_contact"
                                      "&show=what_matters_missing&flag=checkin_due"),
            "team numbers": ("staff.a1", f"/teams/{org.team_a1.id}/numbers"),
            "dashboard": ("leader.a", f"/sections/{org.section_a.id}/dashboard"),
            "team dashboard": ("leader.a",
                               f"/sections/{org.section_a.id}/dashboard?team={org.team_a1.id}")}


def _queries(app, org) -> dict[str, int]:
    found = {}
    for name, (who, path) in _pages(org).items():
        client = app.test_client()
        sign_in(client, who)
        client.get(path)   # once first: what is looked up once per process is not counted
        with counted(app) as statements:
            response = client.get(path)
        assert response.status_code == 200, (name, response.status_code)
        found[name] = len(statements)
    return found


def test_the_pages_cost_the_same_for_few_or_many_records(app, org):
    add_users_with_records(org, 2)
    _with_readings(org, 1)
    db.session.commit()
    few = _queries(app, org)
    add_users_with_records(org, 20)
    _with_readings(org, 8)
    db.session.commit()
    many = _queries(app, org)
    assert many == few
