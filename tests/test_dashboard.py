"""The section leader's dashboard: cards, trends, hidden small numbers, CSV and settings."""

import csv
import io
import re
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from homecare.core.extensions import db
from homecare.core.timeutil import local_today, local_zone
from homecare.dashboard.charts import trend_chart
from homecare.indicators.definitions import Kind
from homecare.indicators.periods import PERIOD_DAYS, is_period_end, period_end_on_or_before
from homecare.indicators.snapshots import build_snapshot, weekly_dates
from homecare.org.services import create_team
from homecare.sections.models import SettingsChange
from homecare.what_matters.services import record_conversation
from tests.factories import make_user
from tests.helpers import INTAKE, post_form, sign_in

HIDDEN = "skjult: små tall"


@pytest.fixture(autouse=True)
def _on_the_last_day_of_a_period():
    """A leader sees whole four-week periods: these tests run on a day that ends one, so
    that what they record "today" is in the period the leader sees."""
    today = local_today()
    end = today if is_period_end(today) else (period_end_on_or_before(today)
                                               + timedelta(days=PERIOD_DAYS))
    with time_machine.travel(datetime.combine(end, time(12), tzinfo=local_zone()),
                             tick=False):
        yield


def a_section_with_a_small_team(org, asked=6):
    """Team A1 with seven users (``asked`` of them asked what matters); A2 keeps one; A3
    has six. A2 is hidden for fewer than 5, and A3, the next smallest, with it: with two
    teams only, the section total minus A1 would give A2 away."""
    team_a3 = create_team("Team A3", org.section_a)
    for i in range(6):
        make_user(team_a3, full_name=f"Annen Bruker{i}")
    users = [make_user(org.team_a1, full_name=f"Bruker Nummer{i}") for i in range(6)]
    for user in users[:asked]:
        record_conversation(user=user, recorded_by=org.staff_a1, conversation_date=local_today(),
                            asked_by=org.staff_a1, present=["user"], in_own_words="Å bo hjemme")
    return users


def snapshots(weeks=3):
    for day in weekly_dates(local_today(), weeks):
        build_snapshot(day)


def test_the_leader_sees_cards_with_value_n_and_why_and_never_a_user(client, org):
    users = a_section_with_a_small_team(org)
    snapshots()
    sign_in(client, "leader.a")
    page = client.get(f"/sections/{org.section_a.id}/dashboard").text
    assert "Brukere spurt «Hva er viktig for deg?»" in page
    assert "Det som er viktig for brukeren, skal være utgangspunktet" in page
    assert "42,9 %" in page and "n = 14" in page  # section: 6 of 14 users asked
    assert "85,7 %" in page  # team A1: 6 of 7
    assert HIDDEN in page  # team A2 has one user
    assert page.count('<polyline class="line"') >= 1
    for user in users:
        assert user.full_name not in page
    assert org.user_a1.full_name not in page


def test_a_small_teams_weeks_are_gaps_in_its_chart(client, org):
    a_section_with_a_small_team(org)
    snapshots(3)
    sign_in(client, "leader.a")
    page = client.get(f"/sections/{org.section_a.id}/dashboard?team={org.team_a2.id}").text
    assert HIDDEN in page
    assert '<rect class="gap"' in page and '<circle class="dot"' not in page
    assert client.get(f"/sections/{org.section_a.id}/dashboard?team={org.team_b1.id}"
                      ).status_code == 404


def test_the_chart_breaks_its_line_at_suppressed_and_missing_weeks():
    weeks = weekly_dates(local_today(), 5)
    points = [{"date": weeks[0], "value": 50.0, "n": 9, "suppressed": False},
              {"date": weeks[1], "value": 60.0, "n": 9, "suppressed": False},
              {"date": weeks[2], "value": None, "n": 3, "suppressed": True},
              {"date": weeks[4], "value": 100.0, "n": 9, "suppressed": False}]
    chart = trend_chart(points, weeks, Kind.PERCENTAGE)
    assert len(chart.segments) == 2 and len(chart.dots) == 3 and len(chart.gaps) == 1
    top, bottom = chart.dots[2][1], chart.plot_bottom
    assert top == 10 and chart.y_ticks[0] == (bottom, 0.0)
    negative = trend_chart([{"date": weeks[0], "value": -4.0, "n": 9, "suppressed": False}],
                           weeks, Kind.POINTS)
    assert negative.y_ticks[0][1] == -5.0 and negative.y_ticks[1][1] == 0.0


def spreadsheet_rows(response) -> list[dict]:
    """The rows of the dashboard's CSV, as Norwegian Excel reads it."""
    assert response.text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff")), delimiter=";"))


def test_the_csv_holds_what_is_on_screen(client, org):
    a_section_with_a_small_team(org)
    snapshots(5)   # two of them end a four-week period: the leader's trend
    sign_in(client, "leader.a")
    response = client.get(f"/sections/{org.section_a.id}/dashboard.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = spreadsheet_rows(response)
    today = local_today().strftime("%d.%m.%Y")
    coverage = [r for r in rows if r["Indikator-id"] == "what_matters_coverage"
                and r["Dato"] == today and r["Gruppe"] == "alle"]
    assert {(r["Nivå"], r["Navn"], r["Verdi"], r["n"], r["Skjult"]) for r in coverage} == {
        ("seksjon", "Seksjon A", "42,9", "14", "nei"),
        ("team", "Team A1", "85,7", "7", "nei"), ("team", "Team A2", "", "", "ja"),
        ("team", "Team A3", "", "", "ja")}
    earlier = [r for r in rows if r["Indikator-id"] == "what_matters_coverage"
               and r["Dato"] != today]
    assert len(earlier) >= 1 and all(r["Nivå"] == "seksjon" for r in earlier)
    period_before = (local_today() - timedelta(days=PERIOD_DAYS)).strftime("%d.%m.%Y")
    assert {r["Dato"] for r in earlier} == {period_before}


def test_the_leader_chooses_the_indicators_and_the_change_is_shown(client, org):
    sign_in(client, "leader.a")
    path = f"/sections/{org.section_a.id}/settings"
    too_many = post_form(client, path, {
        "dashboard_indicators": ["contact_share", "contact_rule", "distinct_staff_14d",
                                 "what_matters_coverage", "followups_done", "user_voice",
                                 "goal_progress"],
        "contact_every_n": "7", "caseload_cap": "10", "followup_grace_days": "7", **INTAKE})
    assert too_many.status_code == 422 and "Velg høyst 6 indikatorer." in too_many.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SettingsChange)) == 0
    saved = post_form(client, path, {
        "dashboard_indicators": ["followups_done", "users_without_contact"],
        "contact_every_n": "5", "caseload_cap": "10", "followup_grace_days": "7", **INTAKE})
    assert saved.status_code == 302
    history = client.get(path).text
    assert "Test leader.a" in history and "7 → 5" in history
    dashboard = client.get(f"/sections/{org.section_a.id}/dashboard").text
    assert "Gjennomførte oppfølginger" in dashboard
    assert "Brukere spurt «Hva er viktig for deg?»" not in dashboard


def test_coordinators_read_the_settings_and_others_are_kept_out(client, org):
    sign_in(client, "coord.a1")
    path = f"/sections/{org.section_a.id}/settings"
    page = client.get(path)
    assert page.status_code == 200 and "<form method=\"post\" novalidate>" not in page.text
    assert post_form(client, path, {"contact_every_n": "3"}).status_code == 403
    assert client.get(f"/sections/{org.section_a.id}/dashboard").status_code == 403
    other = client.application.test_client()
    sign_in(other, "leader.b")
    # Another section is not known to exist: 404, as for no section.
    assert other.get(f"/sections/{org.section_a.id}/dashboard").status_code == 404
    assert other.get(f"/sections/{org.section_a.id}/dashboard.csv").status_code == 404
    assert other.get(path).status_code == 404


def test_the_dashboard_costs_the_same_for_few_or_many_users(app, client, org):
    from tests.api.test_query_counts import counted

    sign_in(client, "leader.a")
    a_section_with_a_small_team(org)
    snapshots(2)

    def cost():
        with counted(app) as statements:
            assert client.get(f"/sections/{org.section_a.id}/dashboard").status_code == 200
        return len(statements)

    few = cost()
    for _ in range(15):
        make_user(org.team_a2, start=local_today() - timedelta(days=20))
    assert cost() == few


def a_section_with_users_who_need_a_proxy(org, proxies=5):
    """The small-team section, with ``proxies`` users in team A1 who need someone to speak
    for them, none of them asked what matters yet."""
    a_section_with_a_small_team(org)
    for i in range(proxies):
        make_user(org.team_a1, needs_proxy=True, full_name=f"Stedfortreder Bruker{i}")


def test_the_leader_sees_who_is_left_behind_beside_the_value(client, org):
    a_section_with_users_who_need_a_proxy(org)
    sign_in(client, "leader.a")
    page = client.get(f"/sections/{org.section_a.id}/dashboard").text
    # Section: 6 of 14 without a proxy asked, none of the 5 with one: 42.9 points apart.
    assert "Trenger stedfortreder" in page
    assert "0 % <span class=\"n\">(n = 5)</span>" in page
    assert "42,9 % <span class=\"n\">(n = 14)</span>" in page
    assert "+42,9 prosentpoeng" in page
    # Team A1's gap (85.7) in the table; A2 and A3 are hidden whole.
    assert "+85,7 prosentpoeng" in page
    rows = spreadsheet_rows(client.get(f"/sections/{org.section_a.id}/dashboard.csv"))
    today = [(r["Nivå"], r["Navn"], r["Gruppe"], r["Verdi"], r["n"]) for r in rows
             if r["Indikator-id"] == "what_matters_coverage"
             and r["Dato"] == local_today().strftime("%d.%m.%Y") and r["Gruppe"] != "alle"]
    assert sorted(today) == sorted([
        ("seksjon", "Seksjon A", "trenger stedfortreder", "0,0", "5"),
        ("seksjon", "Seksjon A", "andre", "42,9", "14"),
        ("team", "Team A1", "trenger stedfortreder", "0,0", "5"),
        ("team", "Team A1", "andre", "85,7", "7")])


def test_a_small_group_is_hidden_from_the_leader_and_its_complement_with_it(client, org):
    a_section_with_users_who_need_a_proxy(org, proxies=4)
    sign_in(client, "leader.a")
    response = client.get(f"/api/v1/indicators?section_id={org.section_a.id}")
    coverage = next(i for i in response.json["indicators"]
                    if i["id"] == "what_matters_coverage")
    assert coverage["n"] == 18
    hidden = {"value": None, "n": None}
    assert coverage["extras"]["equity"] == {"proxy": hidden, "plain": hidden, "gap": None}
    coordinator = client.application.test_client()
    sign_in(coordinator, "coord.a1")
    mine = coordinator.get(f"/api/v1/indicators?team_id={org.team_a1.id}").json
    split = next(i for i in mine["indicators"] if i["id"] == "what_matters_coverage")
    assert split["extras"]["equity"] == {"proxy": {"value": 0.0, "n": 4},
                                         "plain": {"value": 85.7, "n": 7}, "gap": 85.7}


def test_the_team_sees_its_own_numbers_and_split(client, org):
    a_section_with_users_who_need_a_proxy(org)
    path = f"/teams/{org.team_a1.id}/numbers"
    for username in ("staff.a1", "coord.a1"):
        member = client.application.test_client()
        sign_in(member, username)
        page = member.get(path)
        assert page.status_code == 200
        assert "Våre tall · Team A1" in page.text and "+85,7 prosentpoeng" in page.text
        assert "Stedfortreder Bruker0" not in page.text
    sign_in(client, "leader.a")
    assert client.get(path).status_code == 403
    outsider = client.application.test_client()
    sign_in(outsider, "staff.a2")
    assert outsider.get(path).status_code == 404


# --- Issue 31: what the users answered, to the team and the leader -------------------

def a_section_whose_users_answered(org, staff_answers=(("yes", 6), ("no", 5), ("partly", 2))):
    """Team A1's users answered the first question as given, the others «yes»."""
    from homecare.goals.services import create_goal, record_check_in

    for answer, how_many in staff_answers:
        for i in range(how_many):
            user = make_user(org.team_a1, full_name=f"Svar {answer}{i}",
                             start=local_today() - timedelta(days=60))
            goal = create_goal(user=user, created_by=org.staff_a1, description="Gå ut",
                               expressed_by="user", start_date=local_today() - timedelta(days=50))
            record_check_in(goal=goal, recorded_by=org.staff_a1,
                            date=local_today() - timedelta(days=3), answered_by="user",
                            got_expected_help=answer, could_influence="yes", satisfied="yes")


def test_the_board_shows_the_team_how_its_users_answered(client, org):
    a_section_whose_users_answered(org)
    sign_in(client, "coord.a1")
    board = client.get(f"/teams/{org.team_a1.id}/board").text
    card = board.split('id="evaluation-heading"')[1].split("</section>")[0]
    assert "Brukeren ble spurt ved 13 av 13 oppfølginger." in card
    first = card.split("Fikk du den hjelpen du forventet?")[1].split("</tr>")[0]
    assert [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', first)] == [6, 2, 5]


def test_the_leader_sees_the_answers_with_small_numbers_hidden(client, org):
    # The first question: 6 yes, 5 partly, 5 no, shown; the second: 16 yes and nobody
    # partly or no, hidden together (a zero beside its total would tell each answer).
    a_section_whose_users_answered(org, (("yes", 6), ("partly", 5), ("no", 5)))
    sign_in(client, "leader.a")
    page = client.get(f"/sections/{org.section_a.id}/dashboard").text
    card = page.split('id="ind-user_voice"')[1].split("</table>")[0]
    first = card.split("Fikk du den hjelpen du forventet?")[1].split("</tr>")[0]
    assert [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', first)] == [6, 5, 5]
    second = card.split("Fikk du påvirke hjelpen?")[1].split("</tr>")[0]
    assert second.count(HIDDEN) == 3
    rows = spreadsheet_rows(client.get(f"/sections/{org.section_a.id}/dashboard.csv"))
    answers = {r["Gruppe"]: (r["Verdi"], r["Skjult"]) for r in rows
               if r["Indikator-id"] == "user_voice" and r["Nivå"] == "seksjon"
               and r["Dato"] == local_today().strftime("%d.%m.%Y")
               and r["Gruppe"].startswith("Fikk du")}
    assert answers["Fikk du den hjelpen du forventet? Delvis"] == ("5", "nei")
    assert answers["Fikk du påvirke hjelpen? Ja"] == ("", "ja")
    assert len(answers) == 6
