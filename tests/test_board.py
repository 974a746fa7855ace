"""The team board as the team meeting (issue 30, item 6): every reminder of the team
grouped by kind with a count, the most overdue first, five of each with "show all"
(no script needed), each with the one tap that does it; what to settle and the intake
first; the users' table folded away until a flag is chosen."""

from __future__ import annotations

import html
import re
from datetime import datetime, time, timedelta

import sqlalchemy as sa

from homecare.core.audit import AuditAction, AuditEntry
from homecare.core.extensions import db
from homecare.core.timeutil import local_today, local_zone
from homecare.decisions.services import record_decision
from homecare.goals.services import create_goal
from homecare.service_users.services import assign_responsible_contact
from homecare.visits.services import create_visit
from homecare.what_matters.services import record_conversation
from tests.factories import make_user
from tests.helpers import sign_in


def reminder_groups(page: str) -> dict[str, dict]:
    """The board's reminder groups in order: {kind: {count, names, links, more}}."""
    found = {}
    for part in page.split('<section class="reminder-group"')[1:]:
        part = part[:part.index("</section>")]
        kind = re.search(r'data-kind="([^"]+)"', part).group(1)
        items = re.findall(r'<li class="reminder">(.*?)</li>', part, re.S)
        more = re.search(r'<a class="more" href="([^"]+)">([^<]+)<', part)
        found[kind] = {
            "count": int(re.search(r'data-count="(\d+)"', part).group(1)),
            "names": [html.unescape(re.search(r"<strong>(.*?)</strong>", i).group(1))
                      for i in items],
            "links": [html.unescape(re.search(r'class="button secondary" href="([^"]+)"',
                                              i).group(1)) for i in items],
            "text": [html.unescape(re.sub(r"<[^>]+>", " ", i)) for i in items],
            "more": (html.unescape(more.group(1)), more.group(2).strip()) if more else None}
    return found


def asked(user, staff) -> None:
    record_conversation(user=user, recorded_by=staff, conversation_date=local_today(),
                        asked_by=staff, present=["user"], in_own_words="Å klare meg selv.")


def decided(user, coordinator, review_in_days: int):
    today = local_today()
    return record_decision(user=user, created_by=coordinator, decided_on=today - timedelta(days=60),
                    participants=[coordinator], user_participated=True, goal_statement="Mål",
                    services="Hjemmesykepleie", reasons="Behov",
                    valid_from=today - timedelta(days=60),
                    review_on=today + timedelta(days=review_in_days))


def a_team_meeting(org) -> dict:
    """Seven follow-ups 0, 3, ... 18 days overdue held by a nurse; one overdue review;
    one user whose contact has not made the last seven main visits; and the org's own
    user (no contact, not asked, no decision)."""
    today = local_today()
    goals = {}
    for k in range(7):
        user = make_user(org.team_a1, full_name=f"Følges Opp{k}",
                         start=today - timedelta(days=80))
        assign_responsible_contact(user, org.staff_a1, starting=datetime.combine(
            today - timedelta(days=70), time(8), tzinfo=local_zone()))
        asked(user, org.staff_a1)
        decided(user, org.coordinator_a1, review_in_days=30)
        goals[k] = create_goal(user=user, created_by=org.staff_a1, description=f"Mål nummer {k}",
                               expressed_by="user",
                               start_date=today - timedelta(days=28 + 3 * k))
    review = make_user(org.team_a1, full_name="Vurderes Vedtak", start=today - timedelta(days=80))
    assign_responsible_contact(review, org.staff_a1)
    asked(review, org.staff_a1)
    overdue = decided(review, org.coordinator_a1, review_in_days=-10)
    away = make_user(org.team_a1, full_name="Savner Kontakt", start=today - timedelta(days=80))
    assign_responsible_contact(away, org.staff_a1, starting=datetime.combine(
        today - timedelta(days=40), time(8), tzinfo=local_zone()))
    asked(away, org.staff_a1)
    decided(away, org.coordinator_a1, review_in_days=30)
    for days_ago in range(8, 0, -1):
        start = datetime.combine(today - timedelta(days=days_ago), time(9), tzinfo=local_zone())
        create_visit(user=away, staff=org.coordinator_a1, created_by=org.coordinator_a1,
                     kind="main", planned_start=start, planned_minutes=30, status="completed",
                     actual_start=start, actual_end=start + timedelta(minutes=30))
    db.session.commit()
    return {"goals": goals, "review": review, "overdue": overdue, "away": away}


def test_the_reminders_are_grouped_by_kind_with_counts_the_most_overdue_first(client, org):
    case = a_team_meeting(org)
    sign_in(client, "coord.a1")
    page = client.get(f"/teams/{org.team_a1.id}/board").text
    groups = reminder_groups(page)
    assert list(groups) == ["no_responsible_contact", "what_matters_missing",
                            "decision_missing", "checkin_due", "decision_review_overdue",
                            "contact_visit"]
    # The nurse's follow-ups too: the meeting sees the whole team's work, and who holds it.
    follow_ups = groups["checkin_due"]
    assert follow_ups["count"] == 7
    assert follow_ups["names"] == [f"Følges Opp{k}" for k in (6, 5, 4, 3, 2)]
    assert "18 dager etter fristen" in follow_ups["text"][0]
    assert "«Mål nummer 6»" in follow_ups["text"][0]
    assert "Test staff.a1" in follow_ups["text"][0]
    goal = case["goals"][6]
    assert follow_ups["links"][0] == f"/users/{goal.service_user_id}/goals/{goal.id}/check-in"
    assert "Registrer oppfølgingen" in page and "Oppfølginger som er forfalt" in page
    link, text = follow_ups["more"]
    assert text == "Vis alle 7" and "show=checkin_due" in link
    assert link.endswith("#group-checkin_due")
    # Each kind with its tap.
    user = org.user_a1
    assert groups["no_responsible_contact"]["links"] == [f"/users/{user.id}/contact"]
    assert groups["what_matters_missing"]["links"] == [f"/users/{user.id}/what-matters/new"]
    assert groups["decision_missing"]["links"] == [f"/users/{user.id}/decisions/new"]
    assert groups["decision_review_overdue"]["names"] == ["Vurderes Vedtak"]
    assert groups["decision_review_overdue"]["links"] == [
        f"/decisions/{case['overdue'].id}/review"]
    assert "9 dager etter fristen" in groups["decision_review_overdue"]["text"][0]
    visit = groups["contact_visit"]
    assert visit["names"] == ["Savner Kontakt"]
    assert visit["links"] == [f"/teams/{org.team_a1.id}/planner/new?staff_id={org.staff_a1.id}"
                              f"&service_user_id={case['away'].id}"]
    assert "Test staff.a1" in visit["text"][0]
    # The order of the page: what to settle (none here), the intake, then the reminders,
    # the numbers, and the users' table folded away.
    assert page.index('id="intake-heading"') < page.index('id="reminders-heading"') < page.index(
        'id="evaluation-heading"') < page.index('id="users"')
    assert '<details class="card everyone" id="users">' in page


def test_show_all_lists_a_kind_in_full_and_show_the_first_folds_it_again(client, org):
    a_team_meeting(org)
    sign_in(client, "coord.a1")
    board = f"/teams/{org.team_a1.id}/board"
    link, _text = reminder_groups(client.get(board).text)["checkin_due"]["more"]
    full = reminder_groups(client.get(link).text)
    assert full["checkin_due"]["names"] == [f"Følges Opp{k}" for k in (6, 5, 4, 3, 2, 1, 0)]
    assert "Forfaller i dag" in full["checkin_due"]["text"][-1]
    back, text = full["checkin_due"]["more"]
    assert text == "Vis bare de 5 første"
    assert len(reminder_groups(client.get(back).text)["checkin_due"]["names"]) == 5
    # An unknown kind is left out; the flag filter is kept and opens the users' table.
    page = client.get(f"{board}?show=nonsense&show=checkin_due&flag=checkin_overdue").text
    assert len(reminder_groups(page)["checkin_due"]["names"]) == 7
    assert '<details class="card everyone" id="users" open>' in page
    table = page[page.index('id="users"'):]
    assert "Følges Opp6" in table and "Vurderes Vedtak" not in table
    assert "Oppfølging forsinket" in table


def test_every_user_shown_in_a_reminder_is_logged_as_read(client, org):
    case = a_team_meeting(org)
    sign_in(client, "coord.a1")

    def read() -> set:
        return set(db.session.scalars(sa.select(AuditEntry.service_user_id).where(
            AuditEntry.action == AuditAction.READ,
            AuditEntry.detail == "list: team board: reminders")))

    client.get(f"/teams/{org.team_a1.id}/board")
    least_overdue = case["goals"][0].service_user_id   # the seventh follow-up: not shown
    assert {case["review"].id, case["away"].id, org.user_a1.id,
            case["goals"][6].service_user_id} <= read()
    assert least_overdue not in read()
    assert org.user_a2.id not in read()   # another team's user
    client.get(f"/teams/{org.team_a1.id}/board?show=checkin_due")
    assert least_overdue in read()


def test_the_contact_visit_tap_opens_the_planner_with_the_user_and_the_contact(client, org):
    case = a_team_meeting(org)
    sign_in(client, "coord.a1")
    [link] = reminder_groups(client.get(f"/teams/{org.team_a1.id}/board").text)[
        "contact_visit"]["links"]
    form = client.get(link).text
    assert _chosen(form, case["away"].id), form
    assert _chosen(form, org.staff_a1.id)


def _chosen(form: str, value) -> bool:
    """Whether the form's option with this value is selected (in any attribute order)."""
    return any("selected" in re.findall(r"\b(selected)\b", option)
               for option in re.findall(rf'<option\b[^>]*\bvalue="{value}"[^>]*>', form))


def test_a_board_with_no_reminders_says_so(client, org):
    org.user_a1.service_end = local_today() - timedelta(days=1)
    db.session.commit()
    sign_in(client, "coord.a1")
    page = client.get(f"/teams/{org.team_a1.id}/board").text
    assert reminder_groups(page) == {}
    assert "Ingen påminnelser i dag." in page
