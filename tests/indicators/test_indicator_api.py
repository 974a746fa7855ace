"""Indicators over the API: who sees what, suppression, settings, snapshots, trends."""

import json
from contextlib import contextmanager
from datetime import date, timedelta

import sqlalchemy as sa

from homecare.core.extensions import db
from homecare.core.timeutil import local_today
from homecare.indicators.definitions import INDICATORS
from homecare.indicators.models import IndicatorSnapshot
from homecare.indicators.periods import PERIOD_DAYS, is_period_end, period_end_on_or_before
from homecare.indicators.snapshots import build_snapshot
from homecare.org.models import Role
from homecare.org.services import create_team
from tests.factories import make_staff
from tests.indicators.builders import (
    AT_PERIOD_END,
    PERIOD_END,
    D,
    check_in,
    contact,
    goal,
    user,
)


def by_id(indicators):
    return {i["id"]: i for i in indicators}


def fill(team, how_many, staff=None):
    """Users who started 30 days before the end of the period a leader sees (and, with
    ``staff``, got a responsible contact 20 days before it)."""
    for _ in range(how_many):
        someone = user(team, start=AT_PERIOD_END - 30)
        if staff is not None:
            contact(someone, staff, AT_PERIOD_END - 20)


def test_a_team_with_four_users_is_suppressed_for_leaders_not_coordinators(api_as, org):
    fill(org.team_a1, 3)                              # + user_a1: four users
    path = f"/indicators?team_id={org.team_a1.id}&date={PERIOD_END}"
    coordinator = by_id(api_as(org.coordinator_a1).get(path).json["indicators"])
    leader = by_id(api_as(org.leader_a).get(path).json["indicators"])
    assert coordinator["users_without_contact"]["value"] == 4
    assert coordinator["users_without_contact"]["suppressed"] is False
    assert leader["users_without_contact"] == {**leader["users_without_contact"],
                                               "value": None, "suppressed": True, "n": None}


def test_secondary_suppression_hides_the_next_smallest_team(api_as, org):
    team_a3 = create_team("Team A3", org.section_a)
    fill(org.team_a1, 3)                              # 4 users: hidden
    fill(org.team_a2, 5)                              # 6 users: next smallest, hidden too
    fill(team_a3, 8)                                  # 8 users: shown
    body = api_as(org.leader_a).get(
        f"/indicators?section_id={org.section_a.id}&date={PERIOD_END}").json
    teams = {t["team_id"]: by_id(t["indicators"]) for t in body["teams"]}
    counts = {t: teams[t]["users_without_contact"] for t in teams}
    assert counts[org.team_a1.id]["suppressed"] and counts[org.team_a2.id]["suppressed"]
    assert counts[team_a3.id] == {**counts[team_a3.id], "value": 8, "suppressed": False}
    assert by_id(body["indicators"])["users_without_contact"]["value"] == 18
    # A percentage's n is a count too: the next smallest team's is hidden with it.
    coverage = {t: teams[t]["what_matters_coverage"]["suppressed"] for t in teams}
    assert coverage == {org.team_a1.id: True, org.team_a2.id: True, team_a3.id: False}
    # Asking for the next smallest team alone does not reveal it either.
    alone = api_as(org.leader_a).get(
        f"/indicators?team_id={org.team_a2.id}&date={PERIOD_END}").json
    assert by_id(alone["indicators"])["users_without_contact"]["suppressed"] is True


def test_a_leader_never_sees_per_user_values_or_values_over_fewer_than_five(api_as, org):
    fill(org.team_a1, 6, org.staff_a1)
    body = api_as(org.leader_a).get(f"/indicators?section_id={org.section_a.id}").json
    text = json.dumps(body)
    assert str(org.user_a1.id) not in text and org.user_a1.full_name not in text
    scopes = [body["indicators"], *(t["indicators"] for t in body["teams"])]
    shown = [i for scope in scopes for i in scope if i["value"] is not None]
    assert shown, "nothing was shown: the assertion below would check nothing"
    assert all(i["n"] >= 5 for i in shown)
    suppressed = [i for scope in scopes for i in scope if i["suppressed"]]
    assert suppressed, "nothing was suppressed: the assertion below would check nothing"
    # Hidden whole, or (a count under five with its n shown) the value alone.
    assert all(i["value"] is None and (i["n"] is None or i["n"] >= 5) for i in suppressed)


def _answers(team, got_help: list[str], staff):
    for answer in got_help:
        someone = user(team, start=-60)
        check_in(goal(someone, staff, -50), staff, -3, answers=(answer, "no", "no"))


def _answers_to_the_first_question(team, counts: dict[str, int], staff):
    for answer, how_many in counts.items():
        for _ in range(how_many):
            someone = user(team, start=-60)
            check_in(goal(someone, staff, -50), staff, AT_PERIOD_END - 3,
                     answers=(answer, "no", "no"))


def test_answer_counts_get_the_secondary_rule_too(api_as, org):
    """Issue 11's attack: section 14 «yes», team 1 = 6, team 2 = 5, team 3 hidden ⇒ 3. A
    question's three counts are hidden together (a block), and in two teams at least."""
    team_a3 = create_team("Team A3", org.section_a)
    coordinator_a3 = make_staff(Role.COORDINATOR, teams=[team_a3])
    coordinator_a2 = make_staff(Role.COORDINATOR, teams=[org.team_a2])
    _answers_to_the_first_question(org.team_a1, {"yes": 6, "partly": 5, "no": 5},
                                   org.coordinator_a1)
    _answers_to_the_first_question(org.team_a2, {"yes": 5, "partly": 5, "no": 5},
                                   coordinator_a2)
    _answers_to_the_first_question(team_a3, {"yes": 3, "partly": 5, "no": 5}, coordinator_a3)
    body = api_as(org.leader_a).get(
        f"/indicators?section_id={org.section_a.id}&date={PERIOD_END}").json
    section = by_id(body["indicators"])["user_voice"]["extras"]["answers"]
    teams = {t["team_id"]: by_id(t["indicators"])["user_voice"] for t in body["teams"]}
    first = {t: v["extras"]["answers"]["got_expected_help"] for t, v in teams.items()}
    assert section["got_expected_help"] == {"yes": 14, "partly": 15, "no": 15}
    assert all(v["n"] >= 5 for v in teams.values())   # every team's result is shown...
    assert first[org.team_a1.id] == {"yes": 6, "partly": 5, "no": 5}
    hidden = {"yes": None, "partly": None, "no": None}
    # A3's 3 hidden, and A2's answers with it: A2 has fewer answers (15) than A1 (16).
    assert first[org.team_a2.id] == first[team_a3.id] == hidden


def test_who_may_ask_for_which_scope(api_as, org):
    assert api_as(org.coordinator_a1).get(f"/indicators?team_id={org.team_a2.id}"
                                          ).status_code == 404  # not theirs: as for none
    assert api_as(org.coordinator_a1).get(f"/indicators?section_id={org.section_a.id}"
                                          ).status_code == 403
    assert api_as(org.staff_a1).get(f"/indicators?team_id={org.team_a1.id}").status_code == 200
    assert api_as(org.leader_a).get(f"/indicators?section_id={org.section_b.id}"
                                    ).status_code == 404
    assert api_as(org.leader_a).get("/indicators").status_code == 403
    everything = api_as(org.admin).get("/indicators")
    assert everything.status_code == 200 and everything.json["scope"]["type"] == "all"
    assert {s["section_id"] for s in everything.json["sections"]} == {org.section_a.id,
                                                                      org.section_b.id}
    assert api_as(org.admin).get("/indicators?team_id=999999").status_code == 404
    assert api_as(org.admin).get("/indicators?window_days=2").status_code == 422


def test_names_and_whys_follow_the_language(api_as, org):
    path = f"/indicators?team_id={org.team_a1.id}"
    nb = by_id(api_as(org.staff_a1).get(path).json["indicators"])["what_matters_coverage"]
    en = by_id(api_as(org.staff_a1).get(path, headers={"Accept-Language": "en"}).json[
        "indicators"])["what_matters_coverage"]
    assert nb["name"] == "Brukere spurt «Hva er viktig for deg?»"
    assert en["name"] == 'Users asked "What matters to you?"'
    assert nb["names"] == en["names"] == {"nb": nb["name"], "en": en["name"]}
    assert nb["why"] and en["why"] and nb["why"] != en["why"]


def test_settings_change_what_is_measured_and_leave_a_history(api_as, org):
    path = f"/sections/{org.section_a.id}/settings"
    leader = api_as(org.leader_a)
    assert leader.get(path).json["contact_every_n"] == 7
    chosen = ["contact_share", "user_voice", "goal_progress"]
    changed = leader.put(path, json={"dashboard_indicators": chosen, "caseload_cap": 12})
    assert changed.status_code == 200 and changed.json["caseload_cap"] == 12
    history = api_as(org.coordinator_a1).get(f"{path}/history").json
    assert history[0]["changed_by"] == org.leader_a.id
    assert history[0]["changes"]["caseload_cap"] == [10, 12]
    dashboard = [i["id"] for i in api_as(org.coordinator_a1).get(
        f"/indicators?team_id={org.team_a1.id}").json["indicators"] if i["on_dashboard"]]
    assert sorted(dashboard) == sorted(chosen)
    too_many = leader.put(path, json={"dashboard_indicators": [
        "contact_share", "contact_rule", "distinct_staff_14d", "what_matters_coverage",
        "followups_up_to_date", "followups_done", "user_voice"]})
    assert too_many.status_code == 422
    assert leader.put(path, json={"dashboard_indicators": ["nope"]}).status_code == 422
    assert leader.put(path, json={"contact_every_n": 1}).status_code == 422
    assert api_as(org.coordinator_a1).put(path, json={"caseload_cap": 3}).status_code == 403


def test_a_sections_threshold_changes_the_flags(api_as, org):
    from homecare.goals.services import create_goal

    create_goal(user=org.user_a1, created_by=org.staff_a1, description="Mål",
                expressed_by="user", start_date=local_today() - timedelta(days=38))
    user_path = f"/service-users/{org.user_a1.id}"
    assert "checkin_overdue" in api_as(org.staff_a1).get(user_path).json["flags"]
    api_as(org.leader_a).put(f"/sections/{org.section_a.id}/settings",
                             json={"followup_grace_days": 14})
    assert "checkin_due" in api_as(org.staff_a1).get(user_path).json["flags"]


def snapshot_rows():
    return [(r.date, r.scope_type, r.scope_id, r.indicator, r.value, r.n, r.extras)
            for r in db.session.scalars(sa.select(IndicatorSnapshot).order_by(
                IndicatorSnapshot.scope_type, IndicatorSnapshot.scope_id,
                IndicatorSnapshot.indicator))]


def test_rebuilding_a_snapshot_gives_identical_numbers(app, org):
    fill(org.team_a1, 6, org.staff_a1)
    build_snapshot(D)
    first = snapshot_rows()
    assert len(first) == len(INDICATORS) * (2 + 3)    # two sections, three teams
    build_snapshot(D)
    assert snapshot_rows() == first


def test_the_trend_reads_weekly_snapshots_with_suppression(api_as, org):
    fill(org.team_a1, 6, org.staff_a1)                # 7 users: shown
    fill(org.team_a2, 5)                              # 6 users: next smallest, hidden
    fill(create_team("Team A3", org.section_a), 2)    # 2 users: hidden
    for weeks_ago in (2, 1, 0):
        build_snapshot(D - timedelta(weeks=weeks_ago))
    path = f"/indicators/trend?team_id={org.team_a1.id}&indicator=users_without_contact"
    points = api_as(org.coordinator_a1).get(path).json
    assert [p["date"] for p in points] == [str(D - timedelta(weeks=w)) for w in (2, 1, 0)]
    assert points[-1] == {"date": str(D), "value": 1, "n": 7, "suppressed": False}
    # A leader's trend has a point per four-week period, and a count under 5 (one user
    # without a contact) is hidden with its n shown.
    build_snapshot(PERIOD_END)
    leader = api_as(org.leader_a).get(path + "&weeks=8").json
    assert {"date": str(PERIOD_END), "value": None, "n": 7, "suppressed": True} in leader
    assert all(is_period_end(date.fromisoformat(p["date"])) for p in leader)
    hidden = api_as(org.leader_a).get(
        f"/indicators/trend?team_id={org.team_a2.id}&indicator=users_without_contact").json
    assert hidden and all(p["suppressed"] and p["value"] is None for p in hidden)


def test_the_snapshot_command(app, org):
    result = app.test_cli_runner().invoke(args=["indicators", "snapshot", "--date", str(D)])
    assert result.exit_code == 0, result.output
    assert str(len(INDICATORS) * 5) in result.output   # two sections, three teams


@contextmanager
def counted(app):
    statements = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)


def test_a_sections_indicators_take_a_fixed_number_of_statements(app, api_as, org, dialect):
    from tests.indicators.builders import visit

    leader = api_as(org.leader_a)
    path = f"/indicators?section_id={org.section_a.id}"
    fill(org.team_a1, 2, org.staff_a1)
    with counted(app) as few:
        assert leader.get(path).status_code == 200
    for _ in range(20):
        someone = user(org.team_a1, start=-30)
        contact(someone, org.staff_a1, -20)
        for offset in range(-10, 0):
            visit(someone, org.staff_a1, offset)
    with counted(app) as many:
        assert leader.get(path).status_code == 200
    # Seven for the indicators (four of them answer several families), six around them,
    # and on PostgreSQL one that asks whether the lanes can run side by side (here they
    # cannot: the test's data is not committed) and two per lane that set how the seven
    # are planned.
    assert len(many) == len(few) <= 13 + 5 * (dialect == "postgresql"), (len(few), len(many))


def test_weekly_dates_are_mondays():
    from datetime import date

    from homecare.indicators.snapshots import weekly_dates

    assert weekly_dates(date(2026, 11, 22), 3) == [date(2026, 11, 2), date(2026, 11, 9),
                                                   date(2026, 11, 16)]
    assert weekly_dates(date(2026, 11, 16), 1) == [date(2026, 11, 16)]


def test_the_indicator_statements_are_planned_for_their_own_parameters(dialect, org):
    """psycopg prepares a statement run five times on one connection, and PostgreSQL may
    then run it on a generic plan: the contact statement took 49 ms that way instead of
    13 (``bench_oslo``). The dashboard's statements are each planned for the values
    given, and the setting is back to the default after them."""
    from homecare.indicators.compute import compute
    from homecare.sections.thresholds import ControlSettings
    from tests.indicators.builders import visit

    if dialect != "postgresql":
        return
    fill(org.team_a1, 3, org.staff_a1)
    visit(org.user_a1, org.staff_a1, -1)
    connection = db.session.connection()
    for _ in range(14):   # prepared on the sixth run; a generic plan tried from the 11th
        compute([org.team_a1.id], D, 28, ControlSettings())
    generic, prepared = connection.execute(sa.text(
        "SELECT count(*) FILTER (WHERE generic_plans > 0), count(*)"
        " FROM pg_prepared_statements WHERE statement LIKE :ours"), {"ours": "%scope_users%"}
    ).one()
    assert prepared >= 7 and generic == 0, (prepared, generic)
    assert connection.exec_driver_sql("SHOW plan_cache_mode").scalar() == "auto"


def test_the_indicator_statements_are_built_once(org, monkeypatch):
    """Building a statement and its cache key cost about as much Python as the database
    spent running some of them: each is built once per process and bound to each call's
    values, so a second computation builds nothing."""
    from homecare.indicators import compute, queries, scope
    from homecare.sections.thresholds import ControlSettings

    compute.compute([org.team_a1.id], D, 28, ControlSettings())
    built = []
    real = scope.users_in_teams
    monkeypatch.setattr(queries, "users_in_teams", lambda: built.append(1) or real())
    compute.compute([org.team_a1.id], D, 28, ControlSettings(contact_every_n=4))
    compute.compute([org.team_a2.id], D - timedelta(days=3), 28, ControlSettings())
    assert built == []


def test_leaders_get_whole_four_week_periods_and_nothing_between(api_as, org):
    # Issue 33, N2: windows of any length and end let a hidden cell be subtracted out.
    leader, coordinator = api_as(org.leader_a), api_as(org.coordinator_a1)
    section = f"/indicators?section_id={org.section_a.id}"
    latest = leader.get(section).json
    assert latest["date"] == str(period_end_on_or_before(local_today()))
    assert latest["window_days"] == PERIOD_DAYS
    between = leader.get(f"{section}&date={PERIOD_END - timedelta(days=1)}")
    assert between.status_code == 422
    message = between.json["errors"]["json"]["date"][0]
    assert (PERIOD_END - timedelta(days=PERIOD_DAYS)).strftime("%d.%m.%Y") in message
    assert PERIOD_END.strftime("%d.%m.%Y") in message
    assert leader.get(f"{section}&date={PERIOD_END}").status_code == 200
    assert leader.get(f"{section}&date={PERIOD_END}&window_days=56").status_code == 422
    assert api_as(org.admin).get(f"/indicators?date={PERIOD_END - timedelta(days=3)}"
                                 ).status_code == 422
    # The team sees its own numbers for any day and window.
    own = coordinator.get(f"/indicators?team_id={org.team_a1.id}&date={D - timedelta(days=1)}"
                          "&window_days=56")
    assert own.status_code == 200 and own.json["window_days"] == 56
