"""Issue 30, items 3 and 4, on the pages: a goal achieved, paused, stopped or resumed with
the day and why, listed among the closed goals with its history; a goal naming the «what
matters» conversation it came from; a decision reviewed with no change, revised (the old
version readable) or ended; nothing preselected on whose goal it is or whether the user
took part."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from homecare.core.errors import ValidationFailed
from homecare.core.extensions import db
from homecare.core.timeutil import local_today
from homecare.decisions.models import Decision, DecisionReview, DecisionStatus, ReviewOutcome
from homecare.decisions.services import (
    end_decision,
    record_decision,
    review_decision,
    revise_decision,
)
from homecare.flags.rules import Flag
from homecare.flags.services import user_flags
from homecare.goals.models import Goal, GoalStatus, GoalStatusChange
from homecare.goals.services import change_goal_status, create_goal, record_status_change
from homecare.prompts.models import PromptKind
from homecare.prompts.rules import open_prompts
from homecare.what_matters.services import record_conversation
from tests.helpers import post_form, sign_in


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _goal(org, days_ago=60, description="Gå til butikken selv", **fields) -> Goal:
    return create_goal(user=org.user_a1, created_by=org.staff_a1, description=description,
                       expressed_by="user",
                       start_date=local_today() - timedelta(days=days_ago), **fields)


def _checked(html: str, name: str) -> list[str]:
    """The values of the radio buttons named ``name`` that come checked."""
    return [tag for tag in re.findall(r"<input[^>]*>", html)
            if f'name="{name}"' in tag and "checked" in tag]


# --- Goals through their life ---------------------------------------------------------

def test_a_goal_achieved_in_the_users_words_is_listed_among_closed_goals_with_its_history(
        client, org):
    goal = _goal(org)
    sign_in(client, "staff.a1")
    page = client.get(f"/users/{org.user_a1.id}").text
    status_page = f"/users/{org.user_a1.id}/goals/{goal.id}/status"
    assert status_page in page and "Nådd, på pause eller avsluttet" in page
    form = client.get(status_page).text
    assert "Hva skjedde med målet?" in form and not _checked(form, "status")
    assert not _checked(form, "reason_by")
    day = local_today() - timedelta(days=2)
    saved = post_form(client, status_page, {
        "status": "achieved", "changed_on": str(day),
        "reason": "Jeg går dit hver dag nå", "reason_by": "user"})
    assert saved.status_code == 302
    db.session.expire_all()
    assert (goal.status, goal.closed_on) == (GoalStatus.ACHIEVED, day)
    [change] = db.session.scalars(sa.select(GoalStatusChange)).all()
    assert (change.from_status, change.to_status, change.reason_by) == ("active", "achieved",
                                                                        "user")
    assert change.recorded_by_id == org.staff_a1.id
    page = client.get(f"/users/{org.user_a1.id}").text
    closed = page[page.index('<details class="closed-goals">'):]
    closed = closed[:closed.index("</details>")]
    assert "1 avsluttet mål" in closed and "Gå til butikken selv" in closed
    assert "«Jeg går dit hver dag nå»" in closed and "Brukerens egne ord" in closed
    assert "Nådd" in closed
    # No longer among the active goals, no follow-up offered.
    assert f"/goals/{goal.id}/check-in" not in page


def test_a_status_change_is_refused_clearly_and_writes_nothing(client, org):
    goal = _goal(org)
    sign_in(client, "staff.a1")
    path = f"/users/{org.user_a1.id}/goals/{goal.id}/status"
    nothing = post_form(client, path, {"changed_on": str(local_today())})
    assert nothing.status_code == 422 and "Velg hva som skjedde med målet." in nothing.text
    whose = post_form(client, path, {"status": "cancelled", "changed_on": str(local_today()),
                                     "reason": "Orker ikke"})
    assert whose.status_code == 422
    assert "Si hvem sine ord begrunnelsen er" in whose.text and "Orker ikke" in whose.text
    future = post_form(client, path, {"status": "on_hold",
                                      "changed_on": str(local_today() + timedelta(days=1))})
    assert future.status_code == 422 and "fram i tid" in future.text
    db.session.expire_all()
    assert goal.status is GoalStatus.ACTIVE and _count(GoalStatusChange) == 0


def test_a_change_is_never_dated_before_the_last_and_the_same_status_is_refused(org):
    goal = _goal(org)
    record_status_change(goal, status="on_hold", changed_on=local_today() - timedelta(days=5),
                         recorded_by=org.staff_a1)
    with pytest.raises(ValidationFailed) as early:
        record_status_change(goal, status="active",
                             changed_on=local_today() - timedelta(days=6),
                             recorded_by=org.staff_a1)
    assert "changed_on" in early.value.errors
    with pytest.raises(ValidationFailed) as same:
        record_status_change(goal, status="on_hold", changed_on=None, recorded_by=org.staff_a1)
    assert "status" in same.value.errors
    assert [c.to_status for c in goal.status_changes] == ["on_hold"]


def test_a_paused_or_stopped_goal_raises_no_follow_up_and_a_resumed_one_does_again(org):
    today = local_today()
    goal = _goal(org, days_ago=90)   # never followed up: overdue

    def follow_up_flags():
        return {f for f in user_flags([org.user_a1.id], day=today)[0][org.user_a1.id]
                if f in (Flag.CHECKIN_DUE, Flag.CHECKIN_OVERDUE)}

    def follow_up_prompts():
        found = open_prompts(today, kinds=frozenset({PromptKind.CHECKIN_DUE}))
        return db.session.execute(sa.select(found.c.goal_id)
                                  .where(found.c.goal_id == goal.id)).all()

    assert follow_up_flags() == {Flag.CHECKIN_OVERDUE} and follow_up_prompts()
    record_status_change(goal, status="on_hold", changed_on=today - timedelta(days=60),
                         recorded_by=org.staff_a1)
    assert follow_up_flags() == set() and not follow_up_prompts()
    # Resumed 40 days ago: due 28 days after, overdue past the grace (as for a start).
    record_status_change(goal, status="active", changed_on=today - timedelta(days=40),
                         recorded_by=org.staff_a1)
    assert follow_up_flags() == {Flag.CHECKIN_OVERDUE} and follow_up_prompts()
    record_status_change(goal, status="cancelled", changed_on=today, recorded_by=org.staff_a1,
                         reason="Vil ikke mer", reason_by="user")
    assert follow_up_flags() == set() and not follow_up_prompts()
    assert [c.to_status for c in goal.status_changes] == ["on_hold", "active", "cancelled"]


def test_a_paused_goal_is_shown_with_a_way_to_resume_it(client, org):
    goal = _goal(org)
    record_status_change(goal, status="on_hold", changed_on=local_today(),
                         recorded_by=org.staff_a1, reason="På sykehus en stund",
                         reason_by="next_of_kin")
    sign_in(client, "staff.a1")
    page = client.get(f"/users/{org.user_a1.id}").text
    assert "Mål på pause" in page and "«På sykehus en stund»" in page
    assert "Gjenoppta eller avslutt" in page
    form = client.get(f"/users/{org.user_a1.id}/goals/{goal.id}/status").text
    assert "Gjenopptatt: aktivt igjen" in form and 'value="on_hold"' not in form
    assert post_form(client, f"/users/{org.user_a1.id}/goals/{goal.id}/status",
                     {"status": "active", "changed_on": str(local_today())}).status_code == 302
    db.session.expire_all()
    assert goal.status is GoalStatus.ACTIVE and goal.closed_on is None


def test_the_goal_form_asks_whose_goal_it_is_with_nothing_chosen(client, org):
    sign_in(client, "staff.a1")
    path = f"/users/{org.user_a1.id}/goals/new"
    form = client.get(path).text
    assert "Hvem sitt mål er det?" in form and not _checked(form, "expressed_by")
    refused = post_form(client, path, {"description": "Lage middag selv",
                                       "start_date": str(local_today()),
                                       "checkin_interval_days": "28"})
    assert refused.status_code == 422
    assert "Si hvem sitt mål det er: brukerens, pårørendes eller ansattes." in refused.text
    assert "Lage middag selv" in refused.text and _count(Goal) == 0


def test_a_goal_names_the_what_matters_conversation_it_came_from_and_shows_its_words(
        client, org):
    today = local_today()
    first = record_conversation(user=org.user_a1, recorded_by=org.staff_a1,
                                conversation_date=today - timedelta(days=20),
                                asked_by=org.staff_a1, present=["user"],
                                in_own_words="Å klare handelen selv")
    second = record_conversation(user=org.user_a1, recorded_by=org.staff_a1,
                                 conversation_date=today, asked_by=org.staff_a1,
                                 present=["user"], in_own_words="Å gå på kafé med venninna")
    others = record_conversation(user=org.user_a2, recorded_by=org.staff_a2,
                                 conversation_date=today, asked_by=org.staff_a2,
                                 present=["user"], in_own_words="Ikke min samtale")
    sign_in(client, "staff.a1")
    path = f"/users/{org.user_a1.id}/goals/new"
    form = client.get(path).text
    assert "Hvilken «Hva er viktig for deg?»-samtale det kom fra" in form
    assert str(first.id) in form and str(others.id) not in form
    fields = {"description": "Handle i butikken på hjørnet", "expressed_by": "user",
              "start_date": str(today), "checkin_interval_days": "28"}
    assert post_form(client, path, fields | {"what_matters_id": str(others.id)}
                     ).status_code == 422
    assert post_form(client, path, fields | {"what_matters_id": str(first.id)}
                     ).status_code == 302
    goal = db.session.scalar(sa.select(Goal))
    assert goal.what_matters_id == first.id
    page = client.get(f"/users/{org.user_a1.id}").text
    assert "Fra «Hva er viktig for deg?»" in page and "«Å klare handelen selv»" in page

    edit = f"/users/{org.user_a1.id}/goals/{goal.id}/edit"
    shown = client.get(edit).text
    assert "Handle i butikken på hjørnet" in shown and _checked(shown, "expressed_by")
    assert post_form(client, edit, fields | {"what_matters_id": str(second.id),
                                             "description": "Handle og gå på kafé"}
                     ).status_code == 302
    db.session.expire_all()
    assert (goal.what_matters_id, goal.description) == (second.id, "Handle og gå på kafé")
    assert "«Å gå på kafé med venninna»" in client.get(f"/users/{org.user_a1.id}").text


def test_another_users_goal_pages_are_not_found(client, org):
    goal = _goal(org)
    sign_in(client, "staff.b1")
    for page in ("status", "edit"):
        assert client.get(f"/users/{org.user_a1.id}/goals/{goal.id}/{page}").status_code == 404


# --- Decisions reviewed, revised, ended ------------------------------------------------

def _decision(org, **overrides) -> Decision:
    today = local_today()
    fields = dict(user=org.user_a1, created_by=org.coordinator_a1,
                  decided_on=today - timedelta(days=200),
                  participants=[org.coordinator_a1, org.staff_a1], user_participated=True,
                  goal_statement="Å bo trygt hjemme.", services="Morgenstell daglig.",
                  reasons="Bruker ønsker å mestre mer selv.",
                  valid_from=today - timedelta(days=200), review_on=today - timedelta(days=20),
                  user_view="Jeg vil klare meg selv")
    fields.update(overrides)
    return record_decision(**fields)


def _review_overdue(org) -> tuple[bool, bool]:
    """The user's "review overdue" flag, and the review prompt, today."""
    today = local_today()
    flags = user_flags([org.user_a1.id], day=today)[0][org.user_a1.id]
    found = open_prompts(today, kinds=frozenset({PromptKind.DECISION_REVIEW_OVERDUE}))
    prompts = db.session.execute(sa.select(found.c.decision_id)
                                 .where(found.c.user_id == org.user_a1.id)).all()
    return Flag.DECISION_REVIEW_OVERDUE in flags, bool(prompts)


def test_the_decision_form_asks_whether_the_user_took_part_with_nothing_chosen(client, org):
    sign_in(client, "coord.a1")
    path = f"/users/{org.user_a1.id}/decisions/new"
    form = client.get(path).text
    assert "Deltok brukeren?" in form and not _checked(form, "user_participated")
    today = local_today()
    refused = post_form(client, path, {
        "decided_on": str(today), "participants": str(org.coordinator_a1.id),
        "goal_statement": "Klare seg hjemme", "services": "Hjemmesykepleie",
        "reasons": "Trenger hjelp", "valid_from": str(today),
        "review_on": str(today + timedelta(days=90))})
    assert refused.status_code == 422
    assert "Si om brukeren deltok: ja eller nei." in refused.text
    assert _count(Decision) == 0


def test_the_card_shows_reasons_who_took_part_and_the_users_view(client, org):
    _decision(org, disagreement="Datteren mener det trengs mer hjelp")
    sign_in(client, "staff.a1")
    page = client.get(f"/users/{org.user_a1.id}").text
    card = page[page.index('class="card decision-card"'):]
    assert "Bruker ønsker å mestre mer selv." in card
    assert "Test coord.a1" in card and "Test staff.a1" in card and "brukeren deltok" in card
    assert "«Jeg vil klare meg selv»" in card
    assert "Datteren mener det trengs mer hjelp" in card
    # Staff read it; only coordinators review.
    assert "Evaluert – ingen endring" not in card


def test_reviewed_with_no_change_clears_the_overdue_flag_and_the_board_reminder(client, org):
    decision = _decision(org)
    assert _review_overdue(org) == (True, True)
    sign_in(client, "coord.a1")
    board = client.get(f"/teams/{org.team_a1.id}/board").text
    assert f"/decisions/{decision.id}" in board
    page = client.get(f"/users/{org.user_a1.id}").text
    review = f"/decisions/{decision.id}/review"
    assert review in page
    form = client.get(review).text
    assert not _checked(form, "user_participated")
    next_review = local_today() + timedelta(days=120)
    saved = post_form(client, review, {
        "reviewed_on": str(local_today()), "participants": [str(org.coordinator_a1.id)],
        "user_participated": "no", "user_view": "Fornøyd som det er",
        "next_review_on": str(next_review)})
    assert saved.status_code == 302
    db.session.expire_all()
    assert decision.review_on == next_review and decision.status is DecisionStatus.IN_FORCE
    [kept] = decision.reviews
    assert kept.outcome is ReviewOutcome.NO_CHANGE and not kept.user_participated
    assert kept.participant_ids == [org.coordinator_a1.id]
    assert _review_overdue(org) == (False, False)
    board = client.get(f"/teams/{org.team_a1.id}/board").text
    assert f"/decisions/{decision.id}" not in board
    card = client.get(f"/users/{org.user_a1.id}").text
    assert "Siste evaluering" in card and "«Fornøyd som det er»" in card


def test_a_review_is_refused_clearly_and_writes_nothing(client, org):
    decision = _decision(org)
    sign_in(client, "coord.a1")
    refused = post_form(client, f"/decisions/{decision.id}/review", {
        "reviewed_on": str(local_today()), "next_review_on": str(local_today()),
        "user_view": "Mitt syn"})
    assert refused.status_code == 422
    assert "Si om brukeren deltok: ja eller nei." in refused.text
    assert "Mitt syn" in refused.text
    assert _count(DecisionReview) == 0
    db.session.expire_all()
    assert decision.review_on == local_today() - timedelta(days=20)


def test_a_revision_is_a_new_version_and_the_old_one_stays_readable(client, org):
    old = _decision(org)
    sign_in(client, "coord.a1")
    path = f"/decisions/{old.id}/revise"
    form = client.get(path).text
    assert "Morgenstell daglig." in form and not _checked(form, "user_participated")
    today = local_today()
    saved = post_form(client, path, {
        "decided_on": str(today), "participants": [str(org.coordinator_a1.id)],
        "user_participated": "yes", "goal_statement": "Å bo trygt hjemme.",
        "services": "Morgenstell tre dager i uken.", "reasons": "Klarer mer selv nå.",
        "user_view": "Jeg vil prøve selv", "disagreement": "Sønnen er bekymret",
        "valid_from": str(today), "review_on": str(today + timedelta(days=90))})
    assert saved.status_code == 302
    db.session.expire_all()
    new = db.session.scalar(sa.select(Decision).where(Decision.id != old.id))
    assert new.supersedes_id == old.id and old.superseded_by == new
    assert old.status is DecisionStatus.REVOKED and new.status is DecisionStatus.IN_FORCE
    assert [r.outcome for r in old.reviews] == [ReviewOutcome.REVISED]
    assert old.reviews[0].revised_to_id == new.id
    assert _review_overdue(org) == (False, False)
    card = client.get(f"/users/{org.user_a1.id}").text
    card = card[card.index('class="card decision-card"'):]
    assert "Morgenstell tre dager i uken." in card and "Sønnen er bekymret" in card
    page = client.get(f"/decisions/{new.id}").text
    assert "Tidligere versjoner" in page and "Morgenstell daglig." in page
    old_page = client.get(f"/decisions/{old.id}").text
    assert "Erstattet av en revidert versjon" in old_page and "Morgenstell daglig." in old_page
    assert f"/decisions/{old.id}/review" not in old_page
    with pytest.raises(ValidationFailed) as again:
        review_decision(old, recorded_by=org.coordinator_a1, reviewed_on=today,
                        participants=[org.coordinator_a1], user_participated=True,
                        next_review_on=today + timedelta(days=30))
    assert "decision" in again.value.errors


def test_ending_a_decision_keeps_the_day_and_the_reason(client, org):
    decision = _decision(org)
    sign_in(client, "coord.a1")
    path = f"/decisions/{decision.id}/end"
    refused = post_form(client, path, {"ended_on": str(local_today()),
                                       "participants": [str(org.coordinator_a1.id)],
                                       "user_participated": "yes"})
    assert refused.status_code == 422 and _count(DecisionReview) == 0
    ended_on = local_today() + timedelta(days=7)
    saved = post_form(client, path, {"ended_on": str(ended_on),
                                     "reason": "Flytter til sykehjem",
                                     "participants": [str(org.coordinator_a1.id)],
                                     "user_participated": "yes"})
    assert saved.status_code == 302
    db.session.expire_all()
    assert decision.valid_to == ended_on and decision.ended_by.reason == "Flytter til sykehjem"
    assert _review_overdue(org) == (False, False)   # in force a week more, nothing to review
    page = client.get(f"/decisions/{decision.id}").text
    assert "Flytter til sykehjem" in page and "Avsluttes" in page


def test_the_services_refuse_a_review_of_an_ended_decision_and_a_bad_end(org):
    today = local_today()
    decision = _decision(org)
    with pytest.raises(ValidationFailed) as early:
        end_decision(decision, recorded_by=org.coordinator_a1,
                     ended_on=today - timedelta(days=300), reason="Feil",
                     participants=[org.coordinator_a1], user_participated=True)
    assert "ended_on" in early.value.errors
    end_decision(decision, recorded_by=org.coordinator_a1, ended_on=today - timedelta(days=1),
                 reason="Tjenesten er avsluttet", participants=[org.coordinator_a1],
                 user_participated=False)
    with pytest.raises(ValidationFailed) as ended:
        revise_decision(decision, recorded_by=org.coordinator_a1, decided_on=today,
                        participants=[org.coordinator_a1], user_participated=True,
                        goal_statement="G", services="S", reasons="R", valid_from=today,
                        review_on=today)
    assert "decision" in ended.value.errors


def test_only_coordinators_review_and_another_teams_decision_is_not_found(client, org):
    decision = _decision(org)
    sign_in(client, "staff.a1")
    assert client.get(f"/decisions/{decision.id}").status_code == 200
    for action in ("review", "revise", "end"):
        assert client.get(f"/decisions/{decision.id}/{action}").status_code == 403
    other = client.application.test_client()
    sign_in(other, "staff.b1")
    assert other.get(f"/decisions/{decision.id}").status_code == 404


def test_closing_a_goal_still_works_without_a_person(org):
    """The demo and the jobs close goals with no one recording: kept in the history."""
    goal = _goal(org)
    change = change_goal_status(goal, "achieved")
    assert change.recorded_by_id is None and goal.status_changes == [change]


def test_a_goal_resumed_today_falls_due_one_interval_later_not_at_once(api_as, org):
    """A pause is no follow-up missed: the interval counts from the day it was resumed."""
    today = local_today()
    goal = _goal(org, days_ago=120)
    record_status_change(goal, status="on_hold", changed_on=today - timedelta(days=80),
                         recorded_by=org.staff_a1)
    record_status_change(goal, status="active", changed_on=today, recorded_by=org.staff_a1)
    shown = api_as(org.staff_a1).get(f"/goals/{goal.id}").json
    assert shown["next_due"] == str(today + timedelta(days=28)) and shown["flag"] is None
    flags = user_flags([org.user_a1.id], day=today)[0][org.user_a1.id]
    assert Flag.CHECKIN_OVERDUE not in flags and Flag.CHECKIN_DUE not in flags



def test_a_pause_cannot_be_dated_before_the_goal_starts(org):
    goal = _goal(org, days_ago=10)
    with pytest.raises(ValidationFailed) as refused:
        record_status_change(goal, status="on_hold", recorded_by=org.staff_a1,
                             changed_on=local_today() - timedelta(days=20))
    assert "changed_on" in refused.value.errors
    assert goal.status is GoalStatus.ACTIVE and _count(GoalStatusChange) == 0
