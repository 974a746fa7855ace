"""Every route and method, for every role: a new route without an expectation fails here.

Pages are requested with a signed-in browser session, the API with a bearer token. Each
request runs in a savepoint that is rolled back, so no role sees another's changes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import time, timedelta
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from homecare.auth.tokens import issue_token
from homecare.core.extensions import db
from homecare.core.timeutil import local_today, utcnow
from homecare.decisions.services import record_decision
from homecare.goals.services import create_goal, record_check_in
from homecare.intake.services import record_referral
from homecare.readings.services import write_reading
from homecare.service_users.services import update_service_user
from homecare.service_users.transfers import request_transfer
from homecare.visits.care_given import CareRecord, record_care_given
from homecare.visits.models import VisitToSettle
from homecare.visits.series import plan_series
from homecare.visits.services import create_visit
from homecare.what_matters.services import record_conversation
from tests.factories import PASSWORD, synthetic_national_id
from tests.helpers import INTAKE, csrf_token_from, sign_in

ROLES = ("anonymous", "admin", "leader_a", "coordinator_a1", "staff_a1", "staff_b1")
IF_MATCH = {"If-Match": '"1"'}


@dataclass
class Route:
    path: str
    expect: dict[str, int]
    body: object = None
    headers: dict | None = None


def by_role(anonymous, admin, leader, coordinator, staff, other_team) -> dict[str, int]:
    return dict(zip(ROLES, (anonymous, admin, leader, coordinator, staff, other_team),
                    strict=True))


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def hidden_to_b1(expect: dict[str, int]) -> dict[str, int]:
    """staff_b1 works in section B: section A and its teams are not known to exist."""
    return {**expect, "staff_b1": 404}


def signed_in(status: int, anonymous: int = 401) -> dict[str, int]:
    return {**everyone(status), "anonymous": anonymous}


def care_records(org):
    """One of each care record for user_a1, made by staff_a1."""
    today = local_today()
    start = utcnow() - timedelta(hours=2)
    goal = create_goal(user=org.user_a1, created_by=org.staff_a1, description="Gå tur",
                       expressed_by="user", start_date=today - timedelta(days=10))
    cancelled = create_visit(user=org.user_a1, staff=org.staff_a1, created_by=org.staff_a1,
                             kind="main", planned_start=start, planned_minutes=30,
                             status="cancelled")
    record_care_given(org.staff_a1, cancelled, CareRecord(
        start, start + timedelta(minutes=20), None))
    return {
        "to_settle": db.session.scalar(sa.select(VisitToSettle)),
        "goal": goal,
        "check_in": record_check_in(goal=goal, recorded_by=org.staff_a1, date=today,
                                    got_expected_help="yes", could_influence="yes",
                                    satisfied="yes"),
        "visit": create_visit(user=org.user_a1, staff=org.staff_a1, created_by=org.staff_a1,
                              kind="main", planned_start=start, planned_minutes=30),
        "decision": record_decision(
            user=org.user_a1, created_by=org.coordinator_a1, decided_on=today,
            participants=[org.coordinator_a1], user_participated=True, goal_statement="Mål",
            services="Tjenester", reasons="Grunner", valid_from=today,
            review_on=today + timedelta(days=90)),
        "what_matters": record_conversation(
            user=org.user_a1, recorded_by=org.staff_a1, conversation_date=today,
            asked_by=org.staff_a1, present=["user"], in_own_words="Å gå tur"),
        "reading": write_reading(team=org.team_a1, author=org.staff_a1,
                                 indicator="contact_share", text="Bra uke", today=today),
        "referral": record_referral(team=org.team_a1, created_by=org.coordinator_a1,
                                    received_on=today, source="gp", person_name="Ola Henvist",
                                    need="Sårstell", today=today),
        "kin": _kin(org.user_a1),
        "series_visit": plan_series(
            org.coordinator_a1, user=org.user_a1, staff=org.staff_a1, kind="main",
            weekdays=[2, 5], start_time=time(21), planned_minutes=30,
            first_day=today + timedelta(days=1), until=today + timedelta(days=21))[1][0],
        # Team B1 asks for user_a1 (its coordinator registered the same national id).
        "transfer": request_transfer(org.user_a1, to_team=org.team_b1,
                                     requested_by=org.staff_b1, typed_name="Ola A1",
                                     wanted_from=today),
    }


def _kin(user):
    """A next of kin of ``user``, through the service the pages and the API use."""
    update_service_user(user, next_of_kin=[{"name": "Per", "relation": "sønn", "phone": "3"}])
    return user.next_of_kin[0]


def routes(org, rec) -> dict[tuple[str, str], Route]:
    """(endpoint, method) -> what to send and what each role gets."""
    user = f"/api/v1/service-users/{org.user_a1.id}"
    today = str(local_today())
    start = (utcnow() - timedelta(hours=1)).isoformat()
    visit = {"service_user_id": str(org.user_a1.id), "staff_id": org.staff_a1.id,
             "kind": "short", "planned_start": start, "planned_minutes": 20}
    check_in = {"goal_id": str(rec["goal"].id), "date": today, "got_expected_help": "yes",
                "could_influence": "no", "satisfied": "partly"}
    decision = {"service_user_id": str(org.user_a1.id), "decided_on": today,
                "participants": [org.coordinator_a1.id], "user_participated": False,
                "goal_statement": "Mål", "services": "Tjenester", "reasons": "Grunner",
                "valid_from": today, "review_on": today}
    goal = {"service_user_id": str(org.user_a1.id), "description": "Lage middag",
            "expressed_by": "user", "start_date": today}
    new_user = {"national_id": synthetic_national_id(), "full_name": "Ny Bruker",
                "address": "Vei 1", "team_id": org.team_a1.id, "service_type": "short_term",
                "service_start": today}
    staff = {"username": "new.person", "password": "long-enough-password", "full_name": "N",
             "role": "staff", "team_ids": [org.team_a1.id]}
    check_in_page = f"/users/{org.user_a1.id}/goals/{rec['goal'].id}/check-in"
    goal_page = f"/users/{org.user_a1.id}/goals/{rec['goal'].id}"
    decision_page = f"/decisions/{rec['decision'].id}"
    later = str(local_today() + timedelta(days=30))
    complete_page = f"/visits/{rec['visit'].id}/complete"
    replan_page = f"/visits/{rec['visit'].id}/plan"
    plan = {"service_user_id": str(org.user_a1.id), "staff_id": str(org.staff_a1.id),
            "kind": "main", "day": today, "time": "23:00", "minutes": "30"}
    coordinates = by_role(302, 403, 403, 200, 403, 404)  # another team's is not known
    account = f"/admin/staff/{org.staff_b1.id}"
    admin_page = by_role(302, 200, 403, 403, 403, 403)
    admin_saves = by_role(302, 302, 403, 403, 403, 403)
    care_read = by_role(401, 403, 403, 200, 200, 404)
    care_list = by_role(401, 403, 403, 200, 200, 200)
    admin_only = by_role(401, 200, 403, 403, 403, 403)
    admin_creates = by_role(401, 201, 403, 403, 403, 403)
    return {
        ("static", "GET"): Route("/static/css/app.css", everyone(200)),
        ("health.health", "GET"): Route("/health", everyone(200)),
        # Only for the metrics token (tests/test_metrics.py); none is set here.
        ("metrics.metrics", "GET"): Route("/metrics", everyone(404)),
        ("auth.login", "GET"): Route("/login", {**everyone(302), "anonymous": 200}),
        ("auth.login", "POST"): Route("/login", everyone(302),
                                      {"username": "staff.a1", "password": PASSWORD}),
        ("auth.logout", "POST"): Route("/logout", everyone(302)),
        # Single sign-on answers 404 while no provider is set up, as here; set up, see
        # tests/test_single_sign_on.py.
        ("sso.start", "GET"): Route("/login/sso", everyone(404)),
        ("sso.callback", "GET"): Route("/login/sso/callback?code=x&state=y", everyone(404)),
        ("sso.invitation", "GET"): Route("/login/sso/invitation/abc", everyone(404)),
        ("auth.change_password", "GET"): Route("/account/password", signed_in(200, 302)),
        ("auth.change_password", "POST"): Route("/account/password", signed_in(422, 302)),
        ("web.start", "GET"): Route("/", signed_in(200, anonymous=302)),
        ("offline.service_worker", "GET"): Route("/sw.js", everyone(200)),
        ("offline.fallback", "GET"): Route("/offline", everyone(200)),
        ("offline.lock", "GET"): Route("/offline/lock", everyone(200)),
        ("offline.manifest", "GET"): Route("/manifest.webmanifest", everyone(200)),
        ("offline.session_facts", "GET"): Route("/offline/session",
                                                signed_in(200, anonymous=302)),
        ("web.choose_language", "GET"): Route("/language/en", everyone(302)),
        ("care.today", "GET"): Route("/today", by_role(302, 403, 403, 200, 200, 200)),
        ("care.user", "GET"): Route(f"/users/{org.user_a1.id}",
                                    by_role(302, 403, 403, 200, 200, 404)),
        ("care.plan", "GET"): Route(f"/users/{org.user_a1.id}/plan",
                                    by_role(302, 403, 403, 200, 200, 404)),
        ("fhir.metadata", "GET"): Route("/fhir/R4/metadata", everyone(200)),
        ("fhir.read", "GET"): Route(f"/fhir/R4/Goal/{rec['goal'].id}", care_read),
        ("fhir.search_type", "GET"): Route(f"/fhir/R4/Encounter?patient={org.user_a1.id}",
                                           care_list),
        # Another team's patient is found by no search: an empty Bundle.
        ("fhir.search_by_post", "POST"): Route(
            "/fhir/R4/Patient/_search", care_list,
            {"identifier": f"urn:oid:2.16.578.1.12.4.1.4.1|{org.user_a1.national_id}"}),
        ("fhir.patient_everything", "GET"): Route(
            f"/fhir/R4/Patient/{org.user_a1.id}/$everything", care_read),
        ("fhir.patient_everything", "POST"): Route(
            f"/fhir/R4/Patient/{org.user_a1.id}/$everything", care_read, {"_count": "5"}),
        ("goals_pages.check_in", "GET"): Route(check_in_page,
                                               by_role(302, 403, 403, 200, 200, 404)),
        ("goals_pages.check_in", "POST"): Route(check_in_page,
                                                by_role(302, 403, 403, 302, 302, 404),
                                         {"date": today, "got_expected_help": "yes",
                                          "could_influence": "yes", "satisfied": "yes",
                                          "answered_by": "user"}),
        ("visits_pages.complete_visit", "GET"): Route(complete_page,
                                              by_role(302, 403, 403, 200, 200, 404)),
        ("visits_pages.complete_visit", "POST"): Route(complete_page,
                                               by_role(302, 403, 403, 302, 302, 404),
                                               {"started": "00:00", "ended": "00:01"}),
        ("visits_pages.visit_missed", "GET"): Route(f"/visits/{rec['visit'].id}/missed",
                                            by_role(302, 403, 403, 200, 200, 404)),
        ("visits_pages.visit_missed", "POST"): Route(f"/visits/{rec['visit'].id}/missed",
                                             by_role(302, 403, 403, 302, 302, 404),
                                             {"missed_reason": "Ingen hjemme."}),
        # Only the person who marked it missed, lately: a planned visit has nothing to undo.
        ("visits_pages.undo_visit_missed", "POST"): Route(f"/visits/{rec['visit'].id}/missed/undo",
                                                  by_role(302, 403, 403, 409, 409, 404)),
        ("care.journal_page", "GET"): Route(f"/users/{org.user_a1.id}/journal",
                                            by_role(302, 403, 403, 200, 200, 404)),
        ("what_matters_pages.what_matters", "GET"): Route(
            f"/users/{org.user_a1.id}/what-matters/new",
                                            by_role(302, 403, 403, 200, 200, 404)),
        ("what_matters_pages.what_matters", "POST"): Route(
            f"/users/{org.user_a1.id}/what-matters/new", by_role(302, 403, 403, 302, 302, 404),
            {"conversation_date": today, "present": "user", "in_own_words": "Å gå"}),
        ("care.board", "GET"): Route(f"/teams/{org.team_a1.id}/board",
                                     by_role(302, 403, 403, 200, 403, 404)),
        ("access_review.user_log", "GET"): Route(f"/users/{org.user_a1.id}/access-log",
                                                 by_role(302, 403, 403, 200, 403, 404)),
        ("access_review.user_report", "GET"): Route(
            f"/users/{org.user_a1.id}/access-report", by_role(302, 403, 403, 200, 403, 404)),
        ("access_review.review", "GET"): Route("/admin/access-review",
                                               by_role(302, 200, 403, 403, 403, 403)),
        ("service_users_pages.choose_contact", "GET"): Route(f"/users/{org.user_a1.id}/contact",
                                              by_role(302, 403, 403, 200, 403, 404)),
        ("service_users_pages.choose_contact", "POST"): Route(f"/users/{org.user_a1.id}/contact",
                                               by_role(302, 403, 403, 302, 403, 404),
                                               {"staff_id": str(org.staff_a1.id)}),
        ("goals_pages.new_goal", "GET"): Route(f"/users/{org.user_a1.id}/goals/new",
                                        by_role(302, 403, 403, 200, 200, 404)),
        ("goals_pages.new_goal", "POST"): Route(
            f"/users/{org.user_a1.id}/goals/new", by_role(302, 403, 403, 302, 302, 404),
            {"description": "Lage mat", "expressed_by": "user", "start_date": today,
             "checkin_interval_days": "28"}),
        ("visits_pages.planner", "GET"): Route(f"/teams/{org.team_a1.id}/planner", coordinates),
        ("visits_pages.plan_visit", "GET"): Route(f"/teams/{org.team_a1.id}/planner/new",
                                                  coordinates),
        # No responsible contact yet: the coordinator is shown the warning (200), not saved.
        ("visits_pages.plan_visit", "POST"): Route(f"/teams/{org.team_a1.id}/planner/new",
                                           coordinates, plan),
        ("visits_pages.continuity_preview", "GET"): Route(
            f"/teams/{org.team_a1.id}/planner/continuity?" + urlencode(plan), coordinates),
        ("visits_pages.replan_visit", "GET"): Route(replan_page,
                                                    by_role(302, 403, 403, 200, 403, 404)),
        ("visits_pages.replan_visit", "POST"): Route(replan_page,
                                                     by_role(302, 403, 403, 200, 403, 404),
                                             plan),
        ("visits_pages.cancel_visit", "POST"): Route(f"/visits/{rec['visit'].id}/cancel",
                                             by_role(302, 403, 403, 302, 403, 404)),
        # Issue 30, item 5: weekly series, a week copied, one user's week.
        ("visits_pages.cancel_following_visits", "POST"): Route(
            f"/visits/{rec['series_visit'].id}/cancel-following",
            by_role(302, 403, 403, 302, 403, 404), {"sure": "y"}),
        ("visits_pages.copy_planned_week", "GET"): Route(
            f"/teams/{org.team_a1.id}/planner/copy", coordinates),
        ("visits_pages.copy_planned_week", "POST"): Route(
            f"/teams/{org.team_a1.id}/planner/copy", by_role(302, 403, 403, 302, 403, 404)),
        ("visits_pages.user_week_page", "GET"): Route(f"/users/{org.user_a1.id}/week",
                                                      by_role(302, 403, 403, 200, 200, 404)),
        ("visits_pages.user_week_redirect", "GET"): Route(
            f"/teams/{org.team_a1.id}/planner/user-week?user={org.user_a1.id}",
            by_role(302, 403, 403, 302, 403, 404)),
        # Settled by the coordinators of the team that gave the care (once: 302, then
        # 302 with «settled already»); another team's is not known to exist.
        ("visits_pages.settle_visit", "POST"): Route(
            f"/visits-to-settle/{rec['to_settle'].id}", by_role(302, 403, 403, 302, 403, 404),
            {"choice": "noted"}),
        # Registering a user (from a referral, or not): coordinators of the team. The
        # new person's national id is fresh for each role (the savepoint rolls back).
        ("service_users_pages.new_user", "GET"): Route(
            f"/teams/{org.team_a1.id}/users/new?referral={rec['referral'].id}", coordinates),
        ("service_users_pages.new_user", "POST"): Route(
            f"/teams/{org.team_a1.id}/users/new", by_role(302, 403, 403, 302, 403, 404),
            {"given_name": "Ny", "family_name": "Bruker", "national_id": new_user["national_id"],
             "address_line": "Vei 1", "postal_code": "0468", "city": "Oslo",
             "service_type": "short_term", "service_start": today, "needs_proxy": "no"}),
        # The details: the team reads them, coordinators change them.
        ("service_users_pages.user_details", "GET"): Route(
            f"/users/{org.user_a1.id}/details", by_role(302, 403, 403, 200, 200, 404)),
        ("service_users_pages.edit_details", "GET"): Route(
            f"/users/{org.user_a1.id}/details/edit", coordinates),
        ("service_users_pages.edit_details", "POST"): Route(
            f"/users/{org.user_a1.id}/details/edit", by_role(302, 403, 403, 302, 403, 404),
            {"address_line": "Vei 2", "postal_code": "0468", "city": "Oslo",
             "phone": "22 00 00 00", "needs_proxy": "no"}),
        ("service_users_pages.add_kin", "GET"): Route(f"/users/{org.user_a1.id}/kin/new",
                                                      coordinates),
        ("service_users_pages.add_kin", "POST"): Route(
            f"/users/{org.user_a1.id}/kin/new", by_role(302, 403, 403, 302, 403, 404),
            {"name": "Kari", "relation": "datter", "relationship": "", "phone": "1",
             "may_speak_for": "yes"}),
        ("service_users_pages.edit_kin", "GET"): Route(
            f"/users/{org.user_a1.id}/kin/{rec['kin'].id}", coordinates),
        ("service_users_pages.edit_kin", "POST"): Route(
            f"/users/{org.user_a1.id}/kin/{rec['kin'].id}", by_role(302, 403, 403, 302, 403, 404),
            {"name": "Kari", "relation": "datter", "relationship": "", "phone": "2",
             "may_speak_for": "no"}),
        ("service_users_pages.remove_kin", "POST"): Route(
            f"/users/{org.user_a1.id}/kin/{rec['kin'].id}/remove",
            by_role(302, 403, 403, 302, 403, 404)),
        # Moves only to a team the coordinator also coordinates: coord.a1 has none (422).
        ("service_users_pages.move_user", "GET"): Route(f"/users/{org.user_a1.id}/move",
                                                        coordinates),
        ("service_users_pages.move_user", "POST"): Route(
            f"/users/{org.user_a1.id}/move", by_role(302, 403, 403, 422, 403, 404),
            {"team": str(org.team_a2.id), "moved_on": today}),
        ("service_users_pages.end_service", "GET"): Route(f"/users/{org.user_a1.id}/end",
                                                          coordinates),
        ("service_users_pages.end_service", "POST"): Route(
            f"/users/{org.user_a1.id}/end", by_role(302, 403, 403, 302, 403, 404),
            {"service_end": today, "service_end_reason": "Flyttet."}),
        ("service_users_pages.resume_service", "POST"): Route(
            f"/users/{org.user_a1.id}/end/undo", by_role(302, 403, 403, 302, 403, 404)),
        ("service_users_pages.answer_transfer", "POST"): Route(
            f"/transfers/{rec['transfer'].id}/answer", by_role(302, 403, 403, 302, 403, 403),
            {"decision": "decline", "reason": "Brukeren vil bli hos oss."}),
        ("decisions_pages.new_decision", "GET"): Route(f"/users/{org.user_a1.id}/decisions/new",
                                            by_role(302, 403, 403, 200, 403, 404)),
        ("decisions_pages.new_decision", "POST"): Route(
            f"/users/{org.user_a1.id}/decisions/new", by_role(302, 403, 403, 302, 403, 404),
            {"decided_on": today, "participants": str(org.coordinator_a1.id),
             "user_participated": "no", "goal_statement": "Mål", "services": "T",
             "reasons": "G", "valid_from": today, "review_on": today}),
        # Issue 30: a goal's life (anyone who records for the user), and a decision
        # reviewed, revised, ended (coordinators; everyone in the team reads it).
        ("goals_pages.edit_goal", "GET"): Route(goal_page + "/edit",
                                                by_role(302, 403, 403, 200, 200, 404)),
        ("goals_pages.edit_goal", "POST"): Route(
            goal_page + "/edit", by_role(302, 403, 403, 302, 302, 404),
            {"description": "Gå tur", "expressed_by": "user", "start_date": today,
             "checkin_interval_days": "28"}),
        ("goals_pages.goal_status", "GET"): Route(goal_page + "/status",
                                                  by_role(302, 403, 403, 200, 200, 404)),
        ("goals_pages.goal_status", "POST"): Route(
            goal_page + "/status", by_role(302, 403, 403, 302, 302, 404),
            {"status": "on_hold", "changed_on": today}),
        ("decisions_pages.decision", "GET"): Route(decision_page,
                                                   by_role(302, 403, 403, 200, 200, 404)),
        ("decisions_pages.review", "GET"): Route(decision_page + "/review", coordinates),
        ("decisions_pages.review", "POST"): Route(
            decision_page + "/review", by_role(302, 403, 403, 302, 403, 404),
            {"reviewed_on": today, "participants": str(org.coordinator_a1.id),
             "user_participated": "yes", "next_review_on": later}),
        ("decisions_pages.revise", "GET"): Route(decision_page + "/revise", coordinates),
        ("decisions_pages.revise", "POST"): Route(
            decision_page + "/revise", by_role(302, 403, 403, 302, 403, 404),
            {"decided_on": today, "participants": str(org.coordinator_a1.id),
             "user_participated": "no", "goal_statement": "Mål", "services": "T",
             "reasons": "G", "valid_from": today, "review_on": later}),
        ("decisions_pages.end", "GET"): Route(decision_page + "/end", coordinates),
        ("decisions_pages.end", "POST"): Route(
            decision_page + "/end", by_role(302, 403, 403, 302, 403, 404),
            {"ended_on": today, "reason": "Flytter", "participants": str(org.coordinator_a1.id),
             "user_participated": "yes"}),
        ("dashboard.dashboard", "GET"): Route(f"/sections/{org.section_a.id}/dashboard",
                                              by_role(302, 200, 200, 403, 403, 404)),
        ("dashboard.team_numbers", "GET"): Route(f"/teams/{org.team_a1.id}/numbers",
                                                 by_role(302, 403, 403, 200, 200, 404)),
        ("dashboard.team_numbers", "POST"): Route(
            f"/teams/{org.team_a1.id}/numbers", by_role(302, 403, 403, 302, 302, 404),
            {"indicator": "contact_share", "text": "Vi ser at tallet går opp."}),
        ("dashboard.dashboard", "POST"): Route(
            f"/sections/{org.section_a.id}/dashboard", by_role(302, 403, 302, 403, 403, 404),
            {"team_id": str(org.team_a1.id), "answers_id": str(rec["reading"].id),
             "text": "Takk for at dere skriver."}),
        ("intake.new_referral", "GET"): Route(f"/teams/{org.team_a1.id}/referrals/new",
                                              coordinates),
        ("intake.new_referral", "POST"): Route(
            f"/teams/{org.team_a1.id}/referrals/new", by_role(302, 403, 403, 302, 403, 404),
            {"person_name": "Ny Henvist", "received_on": today, "source": "gp",
             "need": "Hjelp", "urgency": "routine"}),
        ("intake.referral", "GET"): Route(f"/referrals/{rec['referral'].id}",
                                          by_role(302, 403, 403, 200, 200, 404)),
        ("intake.referral", "POST"): Route(
            f"/referrals/{rec['referral'].id}", by_role(302, 403, 403, 302, 403, 404),
            {"step": "assess", "assess-assessed_on": today,
             "assess-assessed_by": str(org.staff_a1.id)}),
        ("referrals.Referrals", "GET"): Route("/api/v1/referrals", care_list),
        ("referrals.Referrals", "POST"): Route(
            "/api/v1/referrals", by_role(401, 403, 403, 201, 403, 422),
            {"team_id": org.team_a1.id, "received_on": today, "source": "gp",
             "person_name": "Ny Henvist", "need": "Hjelp"}),
        ("referrals.ReferralById", "GET"): Route(f"/api/v1/referrals/{rec['referral'].id}",
                                                 care_read),
        ("referrals.ReferralById", "PATCH"): Route(
            f"/api/v1/referrals/{rec['referral'].id}", by_role(401, 403, 403, 200, 403, 404),
            {"assessed_on": today, "assessed_by_id": org.staff_a1.id}, IF_MATCH),
        ("readings.Readings", "GET"): Route(f"/api/v1/teams/{org.team_a1.id}/readings",
                                            by_role(401, 403, 200, 200, 200, 404)),
        ("readings.Readings", "POST"): Route(
            f"/api/v1/teams/{org.team_a1.id}/readings", by_role(401, 403, 201, 201, 201, 404),
            {"indicator": "contact_share", "text": "Vi ser at tallet går opp."}),
        ("dashboard.dashboard_csv", "GET"): Route(
            f"/sections/{org.section_a.id}/dashboard.csv", by_role(302, 200, 200, 403, 403, 404)),
        ("dashboard.settings", "GET"): Route(f"/sections/{org.section_a.id}/settings",
                                             by_role(302, 200, 200, 200, 403, 404)),
        ("dashboard.settings", "POST"): Route(
            f"/sections/{org.section_a.id}/settings", by_role(302, 302, 302, 403, 403, 404),
            {"dashboard_indicators": "contact_share", "contact_every_n": "6",
             "caseload_cap": "10", "followup_grace_days": "7", **INTAKE}),
        ("admin.staff_list", "GET"): Route("/admin/staff", admin_page),
        ("admin.new_staff", "GET"): Route("/admin/staff/new", admin_page),
        ("admin.new_staff", "POST"): Route("/admin/staff/new", admin_saves, {
            "username": "ny.ansatt", "full_name": "Ny", "password": "long-enough-password",
            "role": "staff", "profession": "nurse", "section_id": "None",
            "team_ids": str(org.team_a1.id)}),
        ("admin.edit_staff", "GET"): Route(account, admin_page),
        ("admin.invite_staff", "POST"): Route(f"{account}/invitation",
                                              by_role(302, 404, 403, 403, 403, 403)),
        ("admin.edit_staff", "POST"): Route(account, admin_saves, {
            "full_name": "Endret", "role": "staff", "profession": "nurse",
            "section_id": "None", "team_ids": str(org.team_b1.id), "active": "y"}),
        ("admin.reset_password", "POST"): Route(f"{account}/password", admin_saves,
                                                {"new_password": "another-long-password"}),
        ("admin.organisation", "GET"): Route("/admin/organisation", admin_page),
        ("admin.organisation", "POST"): Route("/admin/organisation", admin_saves,
                                              {"section-name": "Ny seksjon"}),
        ("admin.edit_section", "GET"): Route(f"/admin/sections/{org.section_b.id}", admin_page),
        ("admin.edit_section", "POST"): Route(f"/admin/sections/{org.section_b.id}",
                                              admin_saves, {"name": "Omdøpt"}),
        ("admin.edit_team", "GET"): Route(f"/admin/teams/{org.team_b1.id}", admin_page),
        ("admin.edit_team", "POST"): Route(f"/admin/teams/{org.team_b1.id}", admin_saves,
                                           {"name": "Omdøpt", "section_id": str(org.section_b.id)}),
        ("api_reference.reference", "GET"): Route("/api/v1/docs", everyone(200)),
        ("api-docs.openapi_json", "GET"): Route("/api/v1/openapi.json", everyone(200)),
        ("tokens.Tokens", "POST"): Route("/api/v1/tokens", everyone(201),
                                         {"username": "staff.a1", "password": PASSWORD}),
        ("tokens.CurrentToken", "DELETE"): Route("/api/v1/tokens/current", signed_in(204)),
        ("tokens.Tokens", "GET"): Route("/api/v1/tokens", signed_in(200)),
        ("tokens.OwnToken", "DELETE"): Route(
            f"/api/v1/tokens/{issue_token(org.staff_a1)[1].id}",
            by_role(401, 404, 404, 404, 204, 404)),
        ("organisation.Me", "GET"): Route("/api/v1/me", signed_in(200)),
        ("organisation.Sections", "GET"): Route("/api/v1/sections",
                                                by_role(401, 200, 200, 403, 403, 403)),
        ("organisation.Sections", "POST"): Route("/api/v1/sections", admin_creates,
                                                 {"name": "Seksjon Ny"}),
        ("organisation.SectionById", "GET"): Route(f"/api/v1/sections/{org.section_a.id}",
                                                   by_role(401, 200, 200, 403, 403, 404)),
        ("organisation.SectionById", "PATCH"): Route(f"/api/v1/sections/{org.section_a.id}",
                                                     hidden_to_b1(admin_only),
                                                     {"name": "Seksjon Ny"}),
        ("organisation.Teams", "GET"): Route("/api/v1/teams", signed_in(200)),
        ("organisation.Teams", "POST"): Route("/api/v1/teams", admin_creates,
                                              {"name": "Ny", "section_id": org.section_a.id}),
        ("organisation.TeamById", "GET"): Route(f"/api/v1/teams/{org.team_a1.id}",
                                                by_role(401, 200, 200, 200, 200, 404)),
        ("organisation.TeamById", "PATCH"): Route(f"/api/v1/teams/{org.team_a1.id}",
                                                  hidden_to_b1(admin_only), {"name": "Nytt navn"}),
        # Team members list their teammates (staff_b1 sees its own team's).
        ("organisation.StaffList", "GET"): Route("/api/v1/staff",
                                                 by_role(401, 200, 403, 200, 200, 200)),
        ("organisation.StaffList", "POST"): Route("/api/v1/staff", admin_creates, staff),
        # Someone outside one's teams is not known to exist: 404, as for no one.
        ("organisation.StaffById", "GET"): Route(f"/api/v1/staff/{org.staff_a1.id}",
                                                 by_role(401, 200, 404, 200, 200, 404)),
        ("organisation.StaffById", "PATCH"): Route(
            f"/api/v1/staff/{org.staff_a1.id}", by_role(401, 200, 404, 403, 403, 404),
            {"full_name": "Nytt Navn"}),
        ("service_users.ServiceUserSearch", "POST"): Route(
            "/api/v1/service-users/search", by_role(401, 403, 403, 200, 200, 200),
            {"national_id": org.user_a1.national_id}),
        ("service_users.ServiceUsers", "GET"): Route("/api/v1/service-users", care_list),
        ("service_users.ServiceUsers", "POST"): Route(
            "/api/v1/service-users", by_role(401, 403, 403, 201, 403, 422), new_user),
        ("service_users.ServiceUserById", "GET"): Route(user, care_read),
        ("service_users.ServiceUserById", "PATCH"): Route(
            user, by_role(401, 403, 403, 200, 403, 404), {"address": "Ny vei 2"}, IF_MATCH),
        ("service_users.ResponsibleContact", "PUT"): Route(
            f"{user}/responsible-contact", by_role(401, 403, 403, 200, 403, 404),
            {"staff_id": org.staff_a1.id}),
        ("service_users.ResponsibleContacts", "GET"): Route(f"{user}/responsible-contacts",
                                                            care_read),
        ("access_log.AccessLog", "GET"): Route(f"{user}/access-log",
                                                  by_role(401, 403, 403, 200, 403, 404)),
        ("what_matters.WhatMatters", "GET"): Route(f"{user}/what-matters", care_read),
        ("what_matters.WhatMatters", "POST"): Route(
            f"{user}/what-matters", by_role(401, 403, 403, 201, 201, 404),
            {"conversation_date": today, "asked_by": org.staff_a1.id, "present": ["user"],
             "in_own_words": "Å lage mat"}),
        ("goals.Goals", "GET"): Route("/api/v1/goals", care_list),
        ("goals.Goals", "POST"): Route("/api/v1/goals", by_role(401, 403, 403, 201, 201, 422),
                                       goal),
        ("goals.GoalById", "GET"): Route(f"/api/v1/goals/{rec['goal'].id}", care_read),
        ("goals.GoalById", "PATCH"): Route(f"/api/v1/goals/{rec['goal'].id}",
                                           by_role(401, 403, 403, 200, 200, 404),
                                           {"checkin_interval_days": 14}, IF_MATCH),
        ("goals.GoalCheckIns", "GET"): Route(f"/api/v1/goals/{rec['goal'].id}/check-ins",
                                             care_read),
        ("goals.CheckInById", "GET"): Route(f"/api/v1/check-ins/{rec['check_in'].id}",
                                            care_read),
        ("goals.CheckInById", "PUT"): Route(f"/api/v1/check-ins/{uuid.uuid4()}",
                                            by_role(401, 403, 403, 201, 201, 422), check_in),
        ("what_matters.WhatMattersById", "GET"): Route(
            f"/api/v1/what-matters/{rec['what_matters'].id}", care_read),
        ("what_matters.WhatMattersById", "PUT"): Route(
            f"/api/v1/what-matters/{uuid.uuid4()}", by_role(401, 403, 403, 201, 201, 422),
            {"service_user_id": str(org.user_a1.id), "conversation_date": today,
             "asked_by": org.staff_a1.id, "present": ["user"], "in_own_words": "Å lage mat"}),
        # Each queued record is then judged on its own (tests/api/test_sync.py).
        ("sync.Sync", "POST"): Route("/api/v1/sync", care_list, {"operations": [
            {"id": str(uuid.uuid4()), "kind": "check_in", "body": check_in}]}),
        ("visits.Visits", "GET"): Route("/api/v1/visits", care_list),
        ("visits.Visits", "POST"): Route("/api/v1/visits",
                                         by_role(401, 403, 403, 201, 201, 422), visit),
        ("visits.VisitById", "GET"): Route(f"/api/v1/visits/{rec['visit'].id}", care_read),
        ("visits.VisitById", "PUT"): Route(f"/api/v1/visits/{uuid.uuid4()}",
                                           by_role(401, 403, 403, 201, 201, 422), visit),
        ("visits.VisitById", "PATCH"): Route(f"/api/v1/visits/{rec['visit'].id}",
                                             by_role(401, 403, 403, 200, 200, 404),
                                             {"note": "Endret"}, {"If-Match": '"1"'}),
        ("visits.VisitSeriesCollection", "POST"): Route(
            "/api/v1/visits/series", by_role(401, 403, 403, 201, 403, 422), {
                "service_user_id": str(org.user_a1.id), "staff_id": org.staff_a1.id,
                "kind": "main", "weekdays": [1, 4], "start_time": "22:00",
                "planned_minutes": 30, "first_day": str(local_today() + timedelta(days=1)),
                "until": str(local_today() + timedelta(days=28))}),
        ("visits.VisitSeriesById", "GET"): Route(
            f"/api/v1/visits/series/{rec['series_visit'].series_id}", care_read),
        ("visits.VisitAndFollowing", "PATCH"): Route(
            f"/api/v1/visits/{rec['series_visit'].id}/following",
            by_role(401, 403, 403, 200, 403, 404), {"planned_minutes": 25}),
        ("indicators.Indicators", "GET"): Route(f"/api/v1/indicators?team_id={org.team_a1.id}",
                                                by_role(401, 200, 200, 200, 200, 404)),
        ("indicators.Trend", "GET"): Route(
            f"/api/v1/indicators/trend?team_id={org.team_a1.id}&indicator=contact_share",
            by_role(401, 200, 200, 200, 200, 404)),
        ("indicators.Settings", "GET"): Route(f"/api/v1/sections/{org.section_a.id}/settings",
                                              by_role(401, 200, 200, 200, 403, 404)),
        ("indicators.Settings", "PUT"): Route(f"/api/v1/sections/{org.section_a.id}/settings",
                                              by_role(401, 200, 200, 403, 403, 404),
                                              {"caseload_cap": 12}),
        ("indicators.SettingsHistory", "GET"): Route(
            f"/api/v1/sections/{org.section_a.id}/settings/history",
            by_role(401, 200, 200, 200, 403, 404)),
        ("worklist.Worklist", "GET"): Route("/api/v1/worklist", care_list),
        ("decisions.Decisions", "GET"): Route("/api/v1/decisions", care_list),
        ("decisions.Decisions", "POST"): Route(
            "/api/v1/decisions", by_role(401, 403, 403, 201, 403, 422), decision),
        ("decisions.DecisionById", "GET"): Route(f"/api/v1/decisions/{rec['decision'].id}",
                                                 care_read),
        # Coordinators only: the user's own team answers; staff_b1's team asked, but
        # staff do not coordinate (coordinator_a1 is the one who may decide).
        ("transfers.TransferRequests", "GET"): Route(
            "/api/v1/transfer-requests", by_role(401, 403, 403, 200, 403, 403)),
        ("transfers.TransferRequestById", "GET"): Route(
            f"/api/v1/transfer-requests/{rec['transfer'].id}",
            by_role(401, 403, 403, 200, 403, 403)),
        ("visit_conflicts.VisitsToSettle", "GET"): Route(
            "/api/v1/visit-conflicts", by_role(401, 403, 403, 200, 403, 403)),
        ("visit_conflicts.Settle", "POST"): Route(
            f"/api/v1/visit-conflicts/{rec['to_settle'].id}/settlement",
            by_role(401, 403, 403, 200, 403, 404), {"choice": "noted"}),
        ("transfers.TransferRequestById", "PATCH"): Route(
            f"/api/v1/transfer-requests/{rec['transfer'].id}",
            by_role(401, 403, 403, 200, 403, 403),
            {"status": "declined", "reason": "Brukeren vil bli hos oss."}, IF_MATCH),
        ("goals.GoalStatusChanges", "GET"): Route(
            f"/api/v1/goals/{rec['goal'].id}/status-changes", care_read),
        ("goals.GoalStatusChanges", "POST"): Route(
            f"/api/v1/goals/{rec['goal'].id}/status-changes",
            by_role(401, 403, 403, 201, 201, 404), {"status": "on_hold"}),
        ("decisions.DecisionReviews", "GET"): Route(
            f"/api/v1/decisions/{rec['decision'].id}/reviews", care_read),
        ("decisions.DecisionReviews", "POST"): Route(
            f"/api/v1/decisions/{rec['decision'].id}/reviews",
            by_role(401, 403, 403, 201, 403, 404),
            {"reviewed_on": today, "participants": [org.coordinator_a1.id],
             "user_participated": True, "next_review_on": later}),
        ("decisions.DecisionRevisions", "POST"): Route(
            f"/api/v1/decisions/{rec['decision'].id}/revisions",
            by_role(401, 403, 403, 201, 403, 404),
            {"decided_on": today, "participants": [org.coordinator_a1.id],
             "user_participated": False, "goal_statement": "Mål", "services": "T",
             "reasons": "G", "valid_from": today, "review_on": later}),
        ("decisions.DecisionEnd", "POST"): Route(
            f"/api/v1/decisions/{rec['decision'].id}/end",
            by_role(401, 403, 403, 200, 403, 404),
            {"ended_on": today, "reason": "Flytter", "participants": [org.coordinator_a1.id],
             "user_participated": True}),
        ("decisions.DecisionById", "PATCH"): Route(
            f"/api/v1/decisions/{rec['decision'].id}", by_role(401, 403, 403, 200, 403, 404),
            {"status": "revoked"}, IF_MATCH),
    }


def app_routes(app) -> set[tuple[str, str]]:
    return {(rule.endpoint, method) for rule in app.url_map.iter_rules()
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def test_every_route_has_an_expectation(app, org):
    expected = set(routes(org, care_records(org)))
    missing = app_routes(app) - expected
    assert not missing, f"routes without an access expectation: {sorted(missing)}"
    assert expected <= app_routes(app), "the matrix names routes that no longer exist"


def _call(app, org, role: str, method: str, route: Route) -> int:
    client = app.test_client()
    headers = dict(route.headers or {})
    is_api = route.path.startswith("/api/")
    staff = getattr(org, role) if role != "anonymous" else None
    if is_api:
        if staff is not None:
            headers["Authorization"] = f"Bearer {issue_token(staff)[0]}"
        with client.open(route.path, method=method, json=route.body, headers=headers) as reply:
            return reply.status_code
    if staff is not None:
        sign_in(client, staff.username)
    token = csrf_token_from(client.get("/login" if staff is None else "/").text)
    with client.open(route.path, method=method, data={**(route.body or {}),
                                                      "csrf_token": token}) as reply:
        return reply.status_code


@pytest.mark.parametrize("role", ROLES)
def test_each_route_answers_each_role_as_expected(app, org, undo, role):
    got, expected = {}, {}
    for (endpoint, method), route in routes(org, care_records(org)).items():
        with undo():
            got[endpoint, method] = _call(app, org, role, method, route)
        expected[endpoint, method] = route.expect[role]
    assert got == expected
