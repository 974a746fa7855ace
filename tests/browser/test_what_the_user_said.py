"""What the user said comes back (issue 31), at tablet size: a follow-up that records
whose voice it is and refuses to be empty, the journal where the team reads it, the
answers counted on the team board and the leader's dashboard, the access report in
words, and the leader's question answered by the team."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, time, timedelta

import sqlalchemy as sa

from tests.browser.checks import check, sign_in
from tests.browser.conftest import PASSWORD, screenshot

NURSE, COORDINATOR, LEADER = "sykepleier.bjolsen", "koordinator.bjolsen", "leder"


def _user_with_next_of_kin(live_server) -> dict:
    """A user of the demo nurse with a daughter registered, a visit this morning and a
    follow-up overdue."""
    from homecare.core.extensions import db
    from homecare.core.timeutil import local_today, local_zone
    from homecare.goals.services import create_goal
    from homecare.org.models import Staff
    from homecare.service_users.services import assign_responsible_contact
    from homecare.visits.services import create_visit
    from tests.factories import make_user

    mark = uuid.uuid4().hex[:5]
    with live_server.database():
        nurse = db.session.query(Staff).filter_by(username=NURSE).one()
        today = local_today()
        user = make_user(nurse.teams[0], full_name=f"Gunvor Stemme{mark}",
                         start=today - timedelta(days=90), next_of_kin=[
                             {"name": f"Siri Datter{mark}", "relation": "datter",
                              "phone": "912 34 567"}])
        assign_responsible_contact(user, nurse)
        goal = f"Lese avisen selv om morgenen ({mark})"
        create_goal(user=user, created_by=nurse, description=goal, expressed_by="user",
                    start_date=today - timedelta(days=60), baseline_performance=3)
        create_visit(user=user, staff=nurse, created_by=nurse, kind="main",
                     planned_start=datetime.combine(today, time(7, 30), tzinfo=local_zone()),
                     planned_minutes=30)
        db.session.commit()
        return {"name": user.full_name, "goal": goal, "kin": f"Siri Datter{mark}",
                "id": str(user.id)}


def test_a_follow_up_says_whose_voice_it_is_is_refused_empty_and_is_read_in_the_journal(
        live_server, open_page):
    person = _user_with_next_of_kin(live_server)
    note = f"Leste overskriftene høyt selv i dag ({uuid.uuid4().hex[:5]})."
    page = open_page("tablet", "nb")
    sign_in(page, live_server.url, NURSE, PASSWORD, "nb")
    page.goto(f"{live_server.url}/today")
    row = page.locator("li.visit-row", has_text=person["name"])
    assert "Oppfølging forsinket" in row.inner_text()   # the flag on the visit's row
    row.get_by_role("link", name="Fullfør besøket").click()
    page.get_by_label("Notat").fill(note)
    page.get_by_role("button", name=f"Lagre og følg opp «{person['goal']}»").click()
    page.get_by_role("heading", name="Oppfølging").wait_for()

    # Where the user stood, beside the scale; nothing chosen for the nurse.
    form = page.locator("form[data-offline=check_in]")
    assert "Ved start: 3" in form.inner_text()
    assert form.locator("input[type=radio]:checked").count() == 0
    # Who answered and «not asked» three times, no rating: nothing of the user, refused.
    form.locator("fieldset", has_text="Hvem svarte?").get_by_text(
        "Brukeren", exact=True).click()
    for question in ("Fikk du den hjelpen du forventet?", "Fikk du påvirke hjelpen?",
                     "Er du fornøyd med hjelpen?"):
        form.locator("fieldset", has_text=question).get_by_text(
            "Ikke spurt", exact=True).click()
    form.get_by_role("button", name="Lagre", exact=True).click()
    page.get_by_text("Ingenting fra brukeren er registrert").first.wait_for()
    check(page, "nb")
    screenshot(page, "follow-up-refused-empty")

    form = page.locator("form[data-offline=check_in]")
    form.locator("fieldset", has_text="Hvem svarte?").get_by_text(
        "En pårørende, for brukeren", exact=True).click()
    form.get_by_label("Hvilken pårørende").select_option(label=f"{person['kin']} (datter)")
    form.locator("fieldset", has_text="Hvor godt mestrer du det nå?").get_by_text(
        "5", exact=True).click()
    for question, answer in (("Fikk du den hjelpen du forventet?", "Ja"),
                             ("Fikk du påvirke hjelpen?", "Nei"),
                             ("Er du fornøyd med hjelpen?", "Delvis")):
        form.locator("fieldset", has_text=question).get_by_text(answer, exact=True).click()
    form.get_by_role("button", name="Lagre", exact=True).click()
    page.get_by_role("heading", name=person["name"]).wait_for()
    assert "Oppfølging forsinket" not in page.locator("header.person").inner_text()
    with live_server.database():
        assert _follow_ups_of(person["id"]) == 1   # the refused one wrote nothing

    page.get_by_role("link", name="Hele journalen").click()
    page.get_by_role("heading", name=re.compile("^Journal")).wait_for()
    journal = page.locator("ol.journal").inner_text()
    assert note in journal
    assert f"En pårørende, for brukeren: {person['kin']} (datter)" in journal
    follow_up = page.locator("li.journal-entry.check_in").first.inner_text()
    for question, answer in (("Fikk du den hjelpen du forventet?", "Ja"),
                             ("Fikk du påvirke hjelpen?", "Nei"),
                             ("Er du fornøyd med hjelpen?", "Delvis")):
        assert re.search(re.escape(question) + r"\s*" + answer, follow_up), follow_up
    check(page, "nb")
    screenshot(page, "journal")
    # Visits only: the follow-up leaves the list, the note stays.
    page.locator("label.choice", has_text="Besøk").click()
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url(re.compile(r"kind=visit"))
    assert note in page.locator("ol.journal").inner_text()
    assert page.locator("li.journal-entry.check_in").count() == 0


def _follow_ups_of(user_id: str) -> int:
    from homecare.core.extensions import db

    return db.session.execute(sa.text(
        "SELECT count(*) FROM check_ins c JOIN goals g ON g.id = c.goal_id "
        "WHERE g.service_user_id = :user"), {"user": user_id.replace("-", "")
                                              if db.engine.dialect.name == "sqlite"
                                              else user_id}).scalar()


def _answers_in_window(live_server, team_name: str) -> dict[str, dict[str, int]]:
    """The users' answers in the team's follow-ups of the last 28 days, counted here
    without the service's code."""
    from homecare.core.extensions import db
    from homecare.core.timeutil import local_today

    start = local_today() - timedelta(days=27)
    counts: dict[str, dict[str, int]] = {}
    with live_server.database():
        for question in ("got_expected_help", "could_influence", "satisfied"):
            rows = db.session.execute(sa.text(
                f"SELECT c.{question}, count(*) FROM check_ins c "   # noqa: S608 - fixed names
                "JOIN goals g ON g.id = c.goal_id JOIN service_users u ON u.id = "
                "g.service_user_id JOIN teams t ON t.id = u.team_id WHERE t.name = :team "
                f"AND c.date >= :start GROUP BY c.{question}"),
                {"team": team_name, "start": start}).all()
            counts[question] = dict(rows)
    return counts


def test_the_board_and_the_dashboard_count_what_the_users_answered(live_server, open_page):
    expected = _answers_in_window(live_server, "Team Bjølsen")
    page = open_page("tablet", "nb")
    sign_in(page, live_server.url, COORDINATOR, PASSWORD, "nb")
    page.get_by_role("link", name="Teamoversikt").click()
    table = page.locator("table.answers-table")
    for row, question in zip(table.locator("tbody tr").all(),
                             ("got_expected_help", "could_influence", "satisfied"),
                             strict=True):
        cells = [c.inner_text() for c in row.locator("td").all()]
        assert cells == [str(expected[question].get(a, 0)) for a in ("yes", "partly", "no")]
    check(page, "nb")
    screenshot(page, "board-answers")

    leader = open_page("tablet", "nb")
    sign_in(leader, live_server.url, LEADER, PASSWORD, "nb")
    leader.get_by_role("link", name="Oversikt", exact=True).click()
    card = leader.locator("section.card.indicator", has_text="Brukerens egen vurdering")
    cells = card.locator("table.answers-table td").all_inner_texts()
    assert len(cells) == 9
    # Whole four-week periods for the leader: a count or hidden, never a number below 5.
    assert all(c == "skjult: små tall" or int(c) >= 5 for c in cells), cells
    assert "Fikk du påvirke hjelpen?" in card.inner_text()
    card.get_by_text("Slik telles det, og hva n betyr").click()
    assert "n er antall oppfølginger" in card.inner_text()
    check(leader, "nb")
    screenshot(leader, "dashboard-answers")


def test_the_access_report_says_in_words_who_read_what(live_server, open_page):
    person = _user_with_next_of_kin(live_server)
    nurse = open_page("tablet", "nb")
    sign_in(nurse, live_server.url, NURSE, PASSWORD, "nb")
    nurse.goto(f"{live_server.url}/users/{person['id']}")
    nurse.get_by_role("link", name="Hele journalen").click()

    page = open_page("tablet", "nb")
    sign_in(page, live_server.url, COORDINATOR, PASSWORD, "nb")
    page.goto(f"{live_server.url}/users/{person['id']}")
    page.get_by_role("link", name="Hvem har lest eller endret denne journalen").click()
    page.get_by_role("link", name="Utskrift til brukeren").click()
    report = page.locator("article.report").inner_text()
    assert "journalen" in report and "brukerens side" in report
    internal = re.findall(r"\b[a-z]+_[a-z_]+\b|list: |form: |: valid_to", report)
    assert not internal, internal
    check(page, "nb")
    screenshot(page, "access-report")


def test_the_leader_asks_the_team_and_the_team_answers(live_server, open_page):
    mark = uuid.uuid4().hex[:5]
    question = f"Hvorfor har færre fått oppfølging i tide? ({mark})"
    answer = f"To nye kolleger; vi går gjennom listen på torsdag ({mark})."
    leader = open_page("tablet", "nb")
    sign_in(leader, live_server.url, LEADER, PASSWORD, "nb")
    leader.get_by_role("link", name="Oversikt", exact=True).click()
    leader.get_by_role("navigation", name="Seksjon og team").get_by_role(
        "link", name="Team Bjølsen").click()
    card = leader.locator("section.card.indicator", has_text="Oppfølging av mål à jour")
    card.get_by_label("Still Team Bjølsen et spørsmål om dette tallet").fill(question)
    card.get_by_role("button", name="Send spørsmålet").click()
    assert "Kommentaren er lagret." in leader.inner_text("main")
    check(leader, "nb")

    coordinator = open_page("tablet", "nb")
    sign_in(coordinator, live_server.url, COORDINATOR, PASSWORD, "nb")
    coordinator.get_by_role("link", name="Teamoversikt").click()
    waiting = coordinator.locator("section.questions")
    assert question in waiting.inner_text() and "Venter på svar fra teamet" in \
        waiting.inner_text()
    waiting.get_by_role("link", name="Svar på dem ved våre tall").click()
    thread = coordinator.locator("article.reading", has_text=question)
    form = thread.locator("xpath=following-sibling::form[1]")
    form.get_by_label("Svar på spørsmålet").fill(answer)
    form.get_by_role("button", name="Svar").click()
    assert "Kommentaren er lagret." in coordinator.inner_text("main")
    check(coordinator, "nb")
    screenshot(coordinator, "team-answers-the-leader")

    leader.reload()
    card = leader.locator("section.card.indicator", has_text="Oppfølging av mål à jour")
    readings = card.locator(".readings").inner_text()
    assert question in readings and answer in readings
    assert "Venter på svar fra teamet" not in card.locator(
        "article.reading", has_text=question).inner_text()
