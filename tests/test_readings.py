"""The team's own reading of its numbers (issue 14, part 2): comments beside each
indicator, kept with the week, read and answered by the section leader, never naming
a user."""

import re
from datetime import timedelta

import sqlalchemy as sa

from homecare.core.audit import AuditAction, AuditEntry
from homecare.core.extensions import db
from homecare.core.timeutil import local_today, utcnow
from homecare.indicators.snapshots import build_snapshot, week_of
from homecare.readings.models import MAX_READING_LENGTH, IndicatorReading
from homecare.service_users.models import ServiceUser
from tests.factories import make_user
from tests.helpers import post_form, sign_in

COMMENT = "Vi er bak på oppfølging fordi to er syke; vi tar to ekstra samtaler i uken."


def stored() -> list[IndicatorReading]:
    return list(db.session.scalars(sa.select(IndicatorReading).order_by(IndicatorReading.id)))


def numbers(org):
    return f"/teams/{org.team_a1.id}/numbers"


def test_a_member_writes_the_teams_reading_and_the_leader_answers_it(client, org):
    sign_in(client, "staff.a1")
    saved = post_form(client, numbers(org), {"indicator": "what_matters_coverage",
                                             "text": COMMENT})
    assert saved.status_code == 302
    (comment,) = stored()
    assert (comment.week, comment.indicator, comment.author_id) == (
        week_of(local_today()), "what_matters_coverage", org.staff_a1.id)
    assert COMMENT in client.get(numbers(org)).text

    leader = client.application.test_client()
    sign_in(leader, "leader.a")
    dashboard = f"/sections/{org.section_a.id}/dashboard"
    page = leader.get(dashboard).text
    assert "Samtalen med teamene, siste fire uker" in page and COMMENT in page
    answer = post_form(leader, dashboard, {"indicator": "what_matters_coverage",
                                           "answers_id": str(comment.id),
                                           "team_id": str(org.team_a1.id),
                                           "text": "Takk. Trenger dere vikar?"})
    assert answer.status_code == 302
    reply = stored()[-1]
    assert (reply.answers_id, reply.week, reply.indicator) == (
        comment.id, comment.week, comment.indicator)
    team_page = client.get(numbers(org)).text
    assert "Svar fra Test leader.a" in team_page and "Trenger dere vikar?" in team_page
    coordinator = client.application.test_client()
    sign_in(coordinator, "coord.a1")
    board = coordinator.get(f"/teams/{org.team_a1.id}/board").text
    assert "Vår lesning" in board and COMMENT in board and "Trenger dere vikar?" in board


def test_a_comment_stays_with_its_week_in_the_trend(client, org):
    build_snapshot(week_of(local_today()))
    sign_in(client, "staff.a1")
    post_form(client, numbers(org), {"indicator": "what_matters_coverage", "text": COMMENT})
    page = client.get(numbers(org)).text
    table = page.split('id="chart-what_matters_coverage-title"')[1].split("</table>")[0]
    assert "Vår lesning" in table and COMMENT in table
    # Once beside this week's figure, once in its week's row: in no other card.
    assert page.count(COMMENT) == 2


def test_a_users_full_name_is_refused_and_the_text_kept(client, org):
    make_user(org.team_a1, full_name="Kari Nordmann")
    sign_in(client, "staff.a1")
    text = "Kari  Nordmann har ikke fått oppfølging."
    refused = post_form(client, numbers(org), {"indicator": "followups_up_to_date",
                                               "text": text})
    assert refused.status_code == 422
    summary = refused.text.split('class="error-summary"')[1].split("</div>")[0]
    assert "Teksten nevner en som teamet gir tjenester til" in summary
    assert "nordmann" not in summary.casefold()  # the name is not repeated
    assert "Kari  Nordmann har ikke fått oppfølging.</textarea>" in refused.text
    assert stored() == []
    # Even when the author says that no one is named.
    assert post_form(client, numbers(org), {"indicator": "followups_up_to_date", "text": text,
                                            "no_names": "y"}).status_code == 422
    assert stored() == []


def test_a_refused_comment_says_why_even_without_its_form_on_the_page(client, org):
    """A crafted post for an indicator no card shows: the page still gives the reason."""
    sign_in(client, "staff.a1")
    refused = post_form(client, numbers(org), {"indicator": "no_such_indicator",
                                               "text": COMMENT})
    assert refused.status_code == 422
    summary = refused.text.split('class="error-summary"')[1].split("</div>")[0]
    assert "Kommentaren ble ikke lagret." in summary
    assert "Velg en av indikatorene." in summary
    leader = client.application.test_client()
    sign_in(leader, "leader.a")
    answer = post_form(leader, f"/sections/{org.section_a.id}/dashboard", {
        "indicator": "no_such_indicator", "team_id": str(org.team_a1.id), "text": "Svar"})
    assert answer.status_code == 422 and "Kommentaren ble ikke lagret." in answer.text
    assert stored() == []


def test_a_word_that_is_also_a_name_is_a_warning_the_author_can_answer(client, org):
    make_user(org.team_a1, full_name="Per Hansen")
    sign_in(client, "staff.a1")
    text = "Vi gjør to oppfølginger per uke."
    warned = post_form(client, numbers(org), {"indicator": "user_voice", "text": text})
    assert warned.status_code == 422
    assert "Et ord i teksten er også navnet på en" in warned.text and "«per»" not in warned.text
    assert 'name="no_names"' in warned.text and stored() == []
    confirmed = post_form(client, numbers(org), {"indicator": "user_voice", "text": text,
                                                 "no_names": "y"})
    assert confirmed.status_code == 302 and [r.text for r in stored()] == [text]


def test_the_api_follows_the_same_rules(api_as, org):
    member, leader = api_as(org.staff_a1), api_as(org.leader_a)
    path = f"/teams/{org.team_a1.id}/readings"
    made = member.post(path, json={"indicator": "user_voice", "text": COMMENT})
    assert made.status_code == 201
    body = made.json
    assert (body["indicator"], body["week"], body["author_name"], body["answers_id"]) == (
        "user_voice", week_of(local_today()).isoformat(), "Test staff.a1", None)
    assert body["question"] is False
    asked = leader.post(path, json={"indicator": "user_voice", "text": "Hva skjer her?"})
    assert asked.status_code == 201 and asked.json["question"] is True
    assert leader.post(path, json={"indicator": "nope", "text": "?"}).status_code == 422
    answered = leader.post(path, json={"answers_id": body["id"], "text": "Bra."})
    assert answered.status_code == 201 and answered.json["indicator"] == "user_voice"
    assert answered.json["question"] is False
    for bad in ({"indicator": "nope", "text": "x"}, {"indicator": "user_voice", "text": "  "},
                {"indicator": "user_voice", "text": "x" * (MAX_READING_LENGTH + 1)},
                {"indicator": "user_voice"}, {"answers_id": 99999, "text": "x"},
                {"indicator": "user_voice", "text": "x", "no_names": "yes"}):
        assert member.post(path, json=bad).status_code == 422, bad
    listed = member.get(path).json
    assert [r["text"] for r in listed] == ["Bra.", "Hva skjer her?", COMMENT]
    assert len(stored()) == 3


def test_only_the_team_and_its_leader_take_part(api_as, org):
    path = f"/teams/{org.team_a1.id}/readings"
    comment = api_as(org.staff_a1).post(path, json={"indicator": "user_voice",
                                                    "text": COMMENT}).json
    for staff, status in ((org.staff_a2, 404), (org.leader_b, 404), (org.admin, 403)):
        assert api_as(staff).get(path).status_code == status
        assert api_as(staff).post(path, json={"answers_id": comment["id"],
                                              "text": "x"}).status_code == status
    assert api_as(None).get(path).status_code == 401
    # A comment of team A1 cannot be answered through team A2.
    other = api_as(org.staff_a2).post(f"/teams/{org.team_a2.id}/readings",
                                      json={"answers_id": comment["id"], "text": "x"})
    assert other.status_code == 422
    assert len(stored()) == 1


# --- Issue 31, part 7: dialogue both ways -------------------------------------------

QUESTION = "Hva ligger bak at færre ble spurt denne måneden?"


def test_a_leader_asks_a_team_a_question_and_the_team_answers_it(client, org):
    leader = client.application.test_client()
    sign_in(leader, "leader.a")
    section = f"/sections/{org.section_a.id}/dashboard"
    assert "åpne teamet over" in leader.get(section).text
    team_view = f"{section}?team={org.team_a1.id}"
    assert "Still Team A1 et spørsmål om dette tallet" in leader.get(team_view).text
    asked = post_form(leader, team_view, {"indicator": "user_voice",
                                          "team_id": str(org.team_a1.id), "text": QUESTION})
    assert asked.status_code == 302
    (question,) = stored()
    assert question.question and question.author_id == org.leader_a.id

    coordinator = client.application.test_client()
    sign_in(coordinator, "coord.a1")
    board = coordinator.get(f"/teams/{org.team_a1.id}/board").text
    waiting = board.split('id="questions-heading"')[1].split("</section>")[0]
    assert "Spørsmål fra Test leader.a" in waiting and QUESTION in waiting
    assert "Venter på svar fra teamet" in waiting
    sign_in(client, "staff.a1")
    answered = post_form(client, numbers(org), {"indicator": "user_voice",
                                                "answers_id": str(question.id),
                                                "text": "To nye kolleger; vi øver i uke 50."})
    assert answered.status_code == 302
    assert stored()[-1].answers_id == question.id and not stored()[-1].question
    assert 'id="questions-heading"' not in coordinator.get(
        f"/teams/{org.team_a1.id}/board").text
    page = leader.get(team_view).text
    assert QUESTION in page and "To nye kolleger; vi øver i uke 50." in page
    assert "Venter på svar fra teamet" not in page


def test_a_question_waits_for_the_team_beyond_its_week(client, org):
    """A question asked on a Friday and not answered is still on the board weeks later."""
    old = IndicatorReading(team_id=org.team_a1.id, indicator="user_voice",
                           week=week_of(local_today()) - timedelta(weeks=6), text=QUESTION,
                           author_id=org.leader_a.id, question=True,
                           written_at=utcnow() - timedelta(days=40))
    db.session.add(old)
    db.session.commit()
    sign_in(client, "coord.a1")
    assert QUESTION in client.get(f"/teams/{org.team_a1.id}/board").text
    assert QUESTION in client.get(numbers(org)).text


def test_only_a_leader_writes_a_question_and_a_member_writes_a_comment(api_as, org):
    path = f"/teams/{org.team_a1.id}/readings"
    made = api_as(org.coordinator_a1).post(path, json={"indicator": "user_voice",
                                                       "text": COMMENT})
    assert made.status_code == 201 and made.json["question"] is False
    # Another section's leader may not ask this team: the team is not theirs to see.
    assert api_as(org.leader_b).post(path, json={"indicator": "user_voice",
                                                 "text": QUESTION}).status_code == 404


def test_every_indicator_says_how_it_is_counted_and_what_n_means(client, org, api_as):
    from homecare.indicators.definitions import INDICATORS

    sign_in(client, "leader.a")
    page = client.get(f"/sections/{org.section_a.id}/dashboard").text
    assert page.count("Slik telles det, og hva n betyr") == len(
        re.findall(r'<section class="card indicator"', page))
    body = api_as(org.leader_a).get(f"/indicators?section_id={org.section_a.id}").json
    counted = {i["id"]: i["counted"] for i in body["indicators"]}
    assert set(counted) == {i.id for i in INDICATORS}
    assert all(" n " in text or text.startswith("n ") for text in counted.values()), counted


# --- Issue 33, N1: no name oracle ----------------------------------------------------

COMMON_NAMES = ("Anne Solberg", "Kari Nordmann", "Ola Hansen", "Per Olsen", "Liv Berg")


def test_a_leaders_text_is_never_checked_against_the_teams_names(api_as, org):
    # N1: a leader's answer naming a user came back 422 with the name echoed; one text of
    # 60 names listed the 34 that were users' names. A leader's text is not checked.
    named = make_user(org.team_a1, full_name="Anne Solberg")
    path = f"/teams/{org.team_a1.id}/readings"
    comment = api_as(org.staff_a1).post(path, json={"indicator": "user_voice",
                                                    "text": COMMENT}).json
    for text in ("Takk. Anne Solberg", " ".join(COMMON_NAMES), "Takk. Ola Hansen"):
        answer = api_as(org.leader_a).post(path, json={"answers_id": comment["id"],
                                                       "text": text})
        assert answer.status_code == 201, answer.json
    refused = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == AuditAction.REFUSED, AuditEntry.service_user_id == named.id))
    assert list(refused) == []


def test_a_members_text_naming_a_user_is_refused_without_the_name_and_logged(api_as, org):
    named = make_user(org.team_a1, full_name="Anne Solberg")
    ola = make_user(org.team_a1, full_name="Ola Hansen")
    answer = api_as(org.staff_a1).post(f"/teams/{org.team_a1.id}/readings", json={
        "indicator": "user_voice", "text": " ".join(COMMON_NAMES), "no_names": True})
    assert answer.status_code == 422
    shown = set(re.findall(r"\w+", str(answer.json).casefold()))
    assert not shown & {part.casefold() for name in COMMON_NAMES for part in name.split()}
    logged = list(db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == AuditAction.REFUSED, AuditEntry.entity == "indicator_readings")))
    users = {row.service_user_id for row in logged}
    assert len(logged) == len(users) and {named.id, ola.id} <= users
    assert {db.session.get(ServiceUser, u).full_name for u in users} <= set(COMMON_NAMES)
    assert {row.actor_id for row in logged} == {org.staff_a1.id}
    assert stored() == []
